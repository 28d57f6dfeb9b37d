"""engine.rules: for every rule, an accepted and a refused frame, with exact code and path.

Each case edits the valid frame of conftest.py (positions: vios1 0, vios2 1, lpar1 2,
ibmi1 3) through the small helpers below and checks `check_frame`'s first error; `problems`
must agree with it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from engine import rules
from engine.errors import HmcError
from engine.hardware import lookup
from engine.model import (
    DEDICATED_MODES,
    WORKLOAD_KINDS,
    Frame,
    ManagedSystem,
    NpivMapping,
    Resources,
    SharedEthernetAdapter,
    VirtualEth,
    VirtualFc,
    VirtualScsi,
    VscsiMapping,
    Workload,
)
from engine.rules import (
    FrameIndex,
    check_adapters,
    check_frame,
    check_io,
    check_partition,
    check_partitions,
    check_pools,
    check_resources,
    check_sea_failover,
    check_system,
    check_totals,
    check_vios,
    is_multiple_of_lmb,
    min_proc_units,
    partition_path,
    problems,
    pu_le,
    pu_step_ok,
)

VIOS1, VIOS2, LPAR1, IBMI1 = 0, 1, 2, 3  # positions in frame.partitions
Edit = Callable[[Frame], Frame]


# ---------------------------------------------------------------- one-field edits


def _replace(items: tuple[Any, ...], index: int, new: Any) -> tuple[Any, ...]:
    return (*items[:index], new, *items[index + 1 :])


def system(**changes: Any) -> Edit:
    return lambda f: f.model_copy(update={"system": f.system.model_copy(update=changes)})


def part(i: int, **changes: Any) -> Edit:
    def edit(f: Frame) -> Frame:
        new = f.partitions[i].model_copy(update=changes)
        return f.model_copy(update={"partitions": _replace(f.partitions, i, new)})

    return edit


def profile(i: int, j: int = 0, **changes: Any) -> Edit:
    def edit(f: Frame) -> Frame:
        profs = f.partitions[i].profiles
        return part(i, profiles=_replace(profs, j, profs[j].model_copy(update=changes)))(f)

    return edit


def current(i: int, **changes: Any) -> Edit:
    def edit(f: Frame) -> Frame:
        cur = f.partitions[i].current
        assert cur is not None
        return part(i, current=cur.model_copy(update=changes))(f)

    return edit


def both(i: int, **changes: Any) -> Edit:
    """The same change to the default profile and the current configuration."""
    return chain(profile(i, 0, **changes), current(i, **changes))


def adapter(i: int, j: int, **changes: Any) -> Edit:
    def edit(f: Frame) -> Frame:
        ads = f.partitions[i].adapters
        return part(i, adapters=_replace(ads, j, ads[j].model_copy(update=changes)))(f)

    return edit


def add(i: int, field: str, *items: Any) -> Edit:
    """Append items to a tuple field of a partition (adapters, vscsi_mappings, seas, ...)."""
    return lambda f: part(i, **{field: (*getattr(f.partitions[i], field), *items)})(f)


def item(i: int, field: str, k: int, **changes: Any) -> Edit:
    def edit(f: Frame) -> Frame:
        items = getattr(f.partitions[i], field)
        return part(i, **{field: _replace(items, k, items[k].model_copy(update=changes))})(f)

    return edit


def pool(pool_id: int, **changes: Any) -> Edit:
    def edit(f: Frame) -> Frame:
        new = f.pools[pool_id].model_copy(update=changes)
        return f.model_copy(update={"pools": _replace(f.pools, pool_id, new)})

    return edit


def io_adapter(k: int, **changes: Any) -> Edit:
    def edit(f: Frame) -> Frame:
        new = f.io.adapters[k].model_copy(update=changes)
        io = f.io.model_copy(update={"adapters": _replace(f.io.adapters, k, new)})
        return f.model_copy(update={"io": io})

    return edit


def port(k: int, m: int, **changes: Any) -> Edit:
    def edit(f: Frame) -> Frame:
        ports = f.io.adapters[k].ports
        return io_adapter(k, ports=_replace(ports, m, ports[m].model_copy(update=changes)))(f)

    return edit


def disk(k: int, **changes: Any) -> Edit:
    def edit(f: Frame) -> Frame:
        new = f.io.disks[k].model_copy(update=changes)
        io = f.io.model_copy(update={"disks": _replace(f.io.disks, k, new)})
        return f.model_copy(update={"io": io})

    return edit


def chain(*edits: Edit) -> Edit:
    def edit(f: Frame) -> Frame:
        for e in edits:
            f = e(f)
        return f

    return edit


def open_servers(f: Frame) -> Frame:
    """Both VIOS serve any client: client-side checks then report at the client."""
    for i in (VIOS1, VIOS2):
        for j in (0, 1):
            f = adapter(i, j, remote_lpar_id=None, remote_slot=None)(f)
    return f


def power_off(f: Frame) -> Frame:
    """Every partition Not Activated, as while the system is off."""
    for i in range(len(f.partitions)):
        f = part(i, state="Not Activated", current=None, rmc_state="inactive")(f)
    return f


# ---------------------------------------------------------------- assertions


def refused(f: Frame, code: str, path: str) -> HmcError:
    with pytest.raises(HmcError) as info:
        check_frame(f)
    err = info.value
    assert (err.code, err.path) == (code, path), str(err)
    first = problems(f)[0]
    assert (first.code, first.path) == (code, path)
    assert str(err).startswith(f"{code} ")
    return err


def accepted(f: Frame) -> None:
    assert problems(f) == []
    check_frame(f)


ALL_CASES: list[tuple[str, Edit]] = []  # every case of every rule, for the fast-path test


def run(cases: list[tuple[str, Edit, str | None, str | None]]) -> Any:
    """Parametrize (id, edit, code, path); code None = accepted."""
    ALL_CASES.extend((n, e) for n, e, _, _ in cases)
    return pytest.mark.parametrize(
        ("edit", "code", "path"), [pytest.param(e, c, p, id=n) for n, e, c, p in cases]
    )


def verdict(frame: Frame, edit: Edit, code: str | None, path: str | None) -> None:
    f = edit(frame)
    if code is None:
        accepted(f)
    else:
        assert path is not None
        refused(f, code, path)


LP = "partitions[2]"  # lpar1
LPP = f"{LP}.profiles[0]"  # lpar1's default profile
IB = "partitions[3].profiles[0]"  # ibmi1's (dedicated) profile
V1 = "partitions[0]"
V2 = "partitions[1]"


def test_base_frame_is_valid(frame: Frame) -> None:
    accepted(frame)


# ---------------------------------------------------------------- helpers


@pytest.mark.parametrize(
    ("units", "ok"),
    [(0.15, True), (0.1 + 0.2, True), (1.0, True), (240.0, True), (0.07, True),
     (0.155, False), (0.001, False), (1.005, False)],
)
def test_pu_step_ok(units: float, ok: bool) -> None:
    assert pu_step_ok(units) is ok


@pytest.mark.parametrize(("mb", "lmb", "ok"), [(4096, 256, True), (4100, 256, False),
                                               (4112, 16, True), (4104, 16, False)])
def test_is_multiple_of_lmb(mb: int, lmb: int, ok: bool) -> None:
    assert is_multiple_of_lmb(mb, lmb) is ok


def test_min_proc_units_and_tolerance() -> None:
    hw = lookup("9080-HEX")
    assert min_proc_units(3, hw) == 0.15
    assert 3 * hw.min_proc_units_per_vp > 0.15  # the float trap the tolerance exists for
    assert pu_le(0.15, 3 * hw.min_proc_units_per_vp)
    assert not pu_le(0.16, 0.15)
    assert rules.hundredths(0.1 + 0.2) == 30
    assert rules.hundredths(0.155) is None


BARE = Frame(
    system=ManagedSystem(
        name="bare", mtm="9080-HEX", serial="78ABC99", installed_procs=64,
        configurable_procs=48, installed_mem=1048576, configurable_mem=1048576,
    )
)


@given(procs=st.integers(1, 240), hundredths=st.integers(1, 24000))
def test_pu_per_vp_window_matches_integer_arithmetic(procs: int, hundredths: int) -> None:
    """0.05 x VPs <= PU <= VPs, decided as exact integer hundredths would decide it."""
    units = hundredths / 100
    res = Resources(
        min_proc_units=units, desired_proc_units=units, max_proc_units=units,
        min_procs=procs, desired_procs=procs, max_procs=procs,
    )
    ok = 5 * procs <= hundredths <= 100 * procs
    if ok:
        check_resources(res, BARE, "r", 1)
    else:
        with pytest.raises(HmcError) as info:
            check_resources(res, BARE, "r", 1)
        assert (info.value.code, info.value.path) == ("HSCL0A05", "r.min_proc_units")


# Values a perturbation may put into one field, valid or not.
_ODD_VALUES: dict[str, st.SearchStrategy[Any]] = {
    "min_mem": st.integers(0, 80).map(lambda n: n * 128),
    "desired_mem": st.integers(0, 80).map(lambda n: n * 128),
    "max_mem": st.sampled_from([4100, 1048576, 1048832]),
    "min_proc_units": st.sampled_from([None, 0.04, 0.155, 0.1 + 0.05, 3.0]),
    "desired_proc_units": st.sampled_from([None, 0.0, 0.1 + 0.2, 1.005, 250.0]),
    "max_proc_units": st.sampled_from([None, 0.01, 2.0, 241.0]),
    "min_procs": st.integers(1, 250),
    "desired_procs": st.integers(1, 250),
    "max_procs": st.integers(1, 250),
    "proc_mode": st.sampled_from(["shared", "ded"]),
    "sharing_mode": st.sampled_from(["cap", "uncap", *DEDICATED_MODES]),
    "uncap_weight": st.integers(-2, 257),
    "shared_proc_pool_id": st.sampled_from([-1, 0, 1, 2, 63, 64]),
    "max_virtual_slots": st.sampled_from([1, 2, 20, 32767, 32768]),
}


@st.composite
def _resources(draw: st.DrawFn) -> Resources:
    """A valid shared or dedicated configuration, then maybe one or two odd fields."""
    procs = sorted(draw(st.lists(st.integers(1, 240), min_size=3, max_size=3)))
    mem = sorted(draw(st.lists(st.integers(1, 64), min_size=3, max_size=3)))
    values: dict[str, Any] = dict(
        min_mem=mem[0] * 256, desired_mem=mem[1] * 256, max_mem=mem[2] * 256,
        min_procs=procs[0], desired_procs=procs[1], max_procs=procs[2],
        uncap_weight=draw(st.integers(0, 255)), max_virtual_slots=draw(st.integers(2, 32767)),
        hpt_ratio="1:128",
    )
    if draw(st.booleans()):
        low = 0
        units = []
        for n in procs:  # 0.05 x VPs <= PU <= VPs, and ascending
            low = draw(st.integers(max(low, 5 * n), 100 * n))
            units.append(low / 100)
        values.update(
            proc_mode="shared", min_proc_units=units[0], desired_proc_units=units[1],
            max_proc_units=units[2], sharing_mode=draw(st.sampled_from(["cap", "uncap"])),
            shared_proc_pool_id=draw(st.sampled_from([0, 1])),
        )
    else:
        values.update(
            proc_mode="ded", sharing_mode=draw(st.sampled_from(DEDICATED_MODES)),
            min_proc_units=None, desired_proc_units=None, max_proc_units=None,
            min_procs=min(procs[0], 48), desired_procs=min(procs[1], 48),
            max_procs=min(procs[2], 48), shared_proc_pool_id=0,
        )
    for field in draw(st.lists(st.sampled_from(sorted(_ODD_VALUES)), max_size=2)):
        values[field] = draw(_ODD_VALUES[field])
    # model_construct: the odd values must reach the rules unvalidated.
    return Resources.model_construct(**values)


@given(res=_resources())
def test_resources_fast_path_is_exact(res: Resources) -> None:
    """`_resources_ok` says yes exactly when the detailed check finds nothing."""
    frame = BARE.model_copy(update={"pools": _replace(
        BARE.pools, 1, BARE.pools[1].model_copy(update={"max_proc_units": 4}))})
    lim = rules.Limits.of(frame, frame.hardware)
    found = list(rules._resources(res, lim, frame, "r", 1))
    assert rules._resources_ok(res, lim) is (not found), found


# ---------------------------------------------------------------- 1. memory


@run([
    ("desired-4096", profile(LPAR1, desired_mem=4096), None, None),
    ("desired-4100", profile(LPAR1, desired_mem=4100), "HSCL0A03", f"{LPP}.desired_mem"),
    ("min-1000", profile(LPAR1, min_mem=1000), "HSCL0A03", f"{LPP}.min_mem"),
    ("max-8200", profile(LPAR1, max_mem=8200), "HSCL0A03", f"{LPP}.max_mem"),
    ("equal-triple", profile(LPAR1, min_mem=4096, max_mem=4096), None, None),
    ("min-above-desired", profile(LPAR1, min_mem=4352), "HSCL0A02", f"{LPP}.desired_mem"),
    ("desired-above-max", profile(LPAR1, desired_mem=8448), "HSCL0A02", f"{LPP}.desired_mem"),
    ("min-256", profile(LPAR1, min_mem=256), None, None),
    ("min-0", profile(LPAR1, min_mem=0), "HSCL0A01", f"{LPP}.min_mem"),
    ("lmb16-min-272", chain(system(mem_region_size=16), profile(LPAR1, min_mem=272)), None, None),
    ("lmb16-min-128", chain(system(mem_region_size=16), profile(LPAR1, min_mem=128)),
     "HSCL0A01", f"{LPP}.min_mem"),
    ("lmb16-desired-4104", chain(system(mem_region_size=16), profile(LPAR1, desired_mem=4104)),
     "HSCL0A03", f"{LPP}.desired_mem"),
    ("max-at-configurable", profile(LPAR1, max_mem=524288), None, None),
    ("max-above-configurable", profile(LPAR1, max_mem=524544), "HSCL0A01", f"{LPP}.max_mem"),
    ("second-profile", profile(LPAR1, 1, max_mem=1024), "HSCL0A02",
     f"{LP}.profiles[1].desired_mem"),
    ("current-4100", current(LPAR1, desired_mem=4100), "HSCL0A03", f"{LP}.current.desired_mem"),
])
def test_memory(frame: Frame, edit: Edit, code: str | None, path: str | None) -> None:
    verdict(frame, edit, code, path)


def test_memory_message(frame: Frame) -> None:
    err = refused(profile(LPAR1, desired_mem=4100)(frame), "HSCL0A03", f"{LPP}.desired_mem")
    assert str(err) == (
        "HSCL0A03 The desired_mem value 4100 must be a multiple of the logical memory block "
        "size of 256 MB."
    )


# ---------------------------------------------------------------- 2. processors


@run([
    ("3vp-0.15", profile(LPAR1, desired_procs=3, desired_proc_units=0.15), None, None),
    ("3vp-0.14", profile(LPAR1, desired_procs=3, desired_proc_units=0.14),
     "HSCL0A05", f"{LPP}.desired_proc_units"),
    ("3vp-float-sum", profile(LPAR1, desired_procs=3, desired_proc_units=0.1 + 0.05), None, None),
    ("2vp-2.00", profile(LPAR1, desired_proc_units=2.0), None, None),
    ("2vp-2.01", profile(LPAR1, desired_proc_units=2.01, max_proc_units=3.0),
     "HSCL0A05", f"{LPP}.desired_proc_units"),
    ("min-1vp-0.05", profile(LPAR1, min_proc_units=0.05), None, None),
    ("min-1vp-0.04", profile(LPAR1, min_proc_units=0.04), "HSCL0A05", f"{LPP}.min_proc_units"),
    ("max-4vp-4.00", profile(LPAR1, max_proc_units=4.0), None, None),
    ("max-4vp-4.01", profile(LPAR1, max_proc_units=4.01), "HSCL0A05", f"{LPP}.max_proc_units"),
    ("max-4vp-0.19", profile(LPAR1, desired_proc_units=0.15, max_proc_units=0.19),
     "HSCL0A05", f"{LPP}.max_proc_units"),
    ("max-4vp-0.20", profile(LPAR1, desired_proc_units=0.15, max_proc_units=0.2), None, None),
    ("desired-missing", profile(LPAR1, desired_proc_units=None),
     "HSCL0A0F", f"{LPP}.desired_proc_units"),
    ("min-missing", profile(LPAR1, min_proc_units=None), "HSCL0A0F", f"{LPP}.min_proc_units"),
    ("step-0.155", profile(LPAR1, desired_proc_units=0.155),
     "HSCL0A04", f"{LPP}.desired_proc_units"),
    ("units-out-of-order", profile(LPAR1, min_proc_units=0.6),
     "HSCL0A02", f"{LPP}.desired_proc_units"),
    ("procs-out-of-order", profile(LPAR1, min_procs=3), "HSCL0A02", f"{LPP}.desired_procs"),
    ("240-vps", profile(LPAR1, max_procs=240, max_proc_units=12.0), None, None),
    ("241-vps", profile(LPAR1, max_procs=241, max_proc_units=12.05),
     "HSCL0A01", f"{LPP}.max_procs"),
    ("current-3vp-0.14", current(LPAR1, desired_procs=3, desired_proc_units=0.14),
     "HSCL0A05", f"{LP}.current.desired_proc_units"),
    ("ded-units-set", profile(IBMI1, desired_proc_units=1.0),
     "HSCL0A0F", f"{IB}.desired_proc_units"),
    ("ded-48-cores", profile(IBMI1, desired_procs=48, max_procs=48), None, None),
    ("ded-desired-49", profile(IBMI1, desired_procs=49, max_procs=64),
     "HSCL0A01", f"{IB}.desired_procs"),
    ("ded-max-49", profile(IBMI1, max_procs=49), "HSCL0A01", f"{IB}.max_procs"),
    ("ded-out-of-order", profile(IBMI1, min_procs=3), "HSCL0A02", f"{IB}.desired_procs"),
])
def test_processors(frame: Frame, edit: Edit, code: str | None, path: str | None) -> None:
    verdict(frame, edit, code, path)


def test_pu_per_vp_message(frame: Frame) -> None:
    f = profile(LPAR1, desired_procs=3, desired_proc_units=0.14)(frame)
    err = refused(f, "HSCL0A05", f"{LPP}.desired_proc_units")
    assert str(err) == (
        "HSCL0A05 The desired_proc_units value 0.14 must be between 0.15 and 3.00 for 3 virtual "
        "processors (0.05 to 1.0 processing units per virtual processor)."
    )


# ---------------------------------------------------------------- 3. weight, sharing mode, pool


@run([
    ("weight-255", profile(LPAR1, uncap_weight=255), None, None),
    ("weight-0", profile(LPAR1, uncap_weight=0), None, None),
    ("weight-256", profile(LPAR1, uncap_weight=256), "HSCL0A01", f"{LPP}.uncap_weight"),
    ("weight-minus-1", profile(LPAR1, uncap_weight=-1), "HSCL0A01", f"{LPP}.uncap_weight"),
    ("current-weight-256", current(LPAR1, uncap_weight=256),
     "HSCL0A01", f"{LP}.current.uncap_weight"),
    ("shared-cap", profile(LPAR1, sharing_mode="cap"), None, None),
    ("shared-keep-idle", profile(LPAR1, sharing_mode="keep_idle_procs"),
     "HSCL0A0F", f"{LPP}.sharing_mode"),
    ("ded-uncap", profile(IBMI1, sharing_mode="uncap"), "HSCL0A0F", f"{IB}.sharing_mode"),
    ("ded-cap", profile(IBMI1, sharing_mode="cap"), "HSCL0A0F", f"{IB}.sharing_mode"),
    ("active-pool", profile(LPAR1, 1, shared_proc_pool_id=1), None, None),
    ("inactive-pool", profile(LPAR1, 1, shared_proc_pool_id=2),
     "HSCL0A0F", f"{LP}.profiles[1].shared_proc_pool_id"),
    ("activated-pool", chain(pool(2, max_proc_units=2), profile(LPAR1, 1, shared_proc_pool_id=2)),
     None, None),
    ("pool-63-inactive", profile(LPAR1, 1, shared_proc_pool_id=63),
     "HSCL0A0F", f"{LP}.profiles[1].shared_proc_pool_id"),
    ("pool-64", profile(LPAR1, 1, shared_proc_pool_id=64),
     "HSCL0A0B", f"{LP}.profiles[1].shared_proc_pool_id"),
    ("pool-minus-1", profile(LPAR1, 1, shared_proc_pool_id=-1),
     "HSCL0A0B", f"{LP}.profiles[1].shared_proc_pool_id"),
    ("ded-pool-ignored", profile(IBMI1, shared_proc_pool_id=2), None, None),
    ("ded-pool-64", profile(IBMI1, shared_proc_pool_id=64),
     "HSCL0A0B", f"{IB}.shared_proc_pool_id"),
    # The partition is named before the pool: its profile comes first in the frame's order.
    ("pool-deactivated-under-member", pool(1, max_proc_units=0),
     "HSCL0A0F", f"{LPP}.shared_proc_pool_id"),
])
def test_sharing(frame: Frame, edit: Edit, code: str | None, path: str | None) -> None:
    verdict(frame, edit, code, path)


@pytest.mark.parametrize("mode", DEDICATED_MODES)
def test_dedicated_modes_accepted(frame: Frame, mode: str) -> None:
    accepted(profile(IBMI1, sharing_mode=mode)(frame))


# ---------------------------------------------------------------- 4. partitions


@run([
    ("dup-id", part(IBMI1, id=3), "HSCL0A06", "partitions[3].id"),
    ("id-1000", part(IBMI1, id=1000), None, None),
    ("id-1001", part(IBMI1, id=1001), "HSCL0A10", "partitions[3].id"),
    ("id-0", part(IBMI1, id=0), "HSCL0A10", "partitions[3].id"),
    ("dup-name", part(IBMI1, name="lpar1"), "HSCL0A06", "partitions[3].name"),
    ("os400-on-e980", system(mtm="9080-M9S"), None, None),
    ("os400-on-e1050", system(mtm="9043-MRX"), "HSCL0A0E", "partitions[3].env"),
    ("aix-on-e1050", chain(system(mtm="9043-MRX"), part(IBMI1, env="aixlinux")), None, None),
    ("dup-profile-name", profile(LPAR1, 1, name="normal"),
     "HSCL0A06", f"{LP}.profiles[1].name"),
    ("default-profile-other", part(LPAR1, default_profile="small"), None, None),
    ("default-profile-missing", part(LPAR1, default_profile="gone"),
     "HSCL8013", f"{LP}.default_profile"),
    ("curr-profile-empty", part(LPAR1, curr_profile=""), None, None),
    ("curr-profile-other", part(LPAR1, curr_profile="small"), None, None),
    ("curr-profile-missing", part(LPAR1, curr_profile="gone"), "HSCL8013", f"{LP}.curr_profile"),
])
def test_partitions(frame: Frame, edit: Edit, code: str | None, path: str | None) -> None:
    verdict(frame, edit, code, path)


@pytest.mark.parametrize(("count", "code"), [(1000, None), (1001, "HSCL0A0A")])
def test_partition_count(frame: Frame, count: int, code: str | None) -> None:
    spare = frame.partitions[IBMI1]
    extra = tuple(
        spare.model_copy(update={"id": lpar_id, "name": f"spare{lpar_id}"})
        for lpar_id in range(4, count + 1)
    )
    f = frame.model_copy(update={"partitions": frame.partitions[:IBMI1] + extra})
    assert len(f.partitions) == count
    if code is None:
        accepted(f)
    else:
        err = refused(f, code, "partitions")
        assert "at most 1000 partitions" in str(err)


# ---------------------------------------------------------------- 5. state consistency


@run([
    ("running-without-current", part(LPAR1, current=None), "HSCL0A0F", f"{LP}.current"),
    ("off-with-current", part(IBMI1, current=Resources(
        proc_mode="ded", desired_procs=2, max_procs=4, sharing_mode="keep_idle_procs")),
     "HSCL0A0F", "partitions[3].current"),
    ("not-available-with-current", part(LPAR1, state="Not Available", rmc_state="inactive"),
     "HSCL0A0F", f"{LP}.current"),
    ("system-off-all-off", chain(power_off, system(state="Power Off")), None, None),
    ("system-off-vios-running", system(state="Power Off"), "HSCL0A0F", "partitions[0].state"),
    ("system-standby", system(state="Standby"), None, None),
    ("rmc-inactive-running", part(LPAR1, rmc_state="inactive"), None, None),
    ("rmc-active-not-activated", part(IBMI1, rmc_state="active"),
     "HSCL0A0F", "partitions[3].rmc_state"),
    ("rmc-active-open-firmware", part(LPAR1, state="Open Firmware"),
     "HSCL0A0F", f"{LP}.rmc_state"),
])
def test_state(frame: Frame, edit: Edit, code: str | None, path: str | None) -> None:
    verdict(frame, edit, code, path)


@pytest.mark.parametrize("state", ["Starting", "Open Firmware", "Shutting Down", "Error"])
def test_active_states_hold_a_current_config(frame: Frame, state: str) -> None:
    accepted(part(LPAR1, state=state, rmc_state="inactive")(frame))
    refused(part(LPAR1, state=state, rmc_state="inactive", current=None)(frame),
            "HSCL0A0F", f"{LP}.current")


# ---------------------------------------------------------------- 6. virtual slots


@run([
    ("slot-19", adapter(LPAR1, 4, slot=19), None, None),
    ("slot-1", adapter(LPAR1, 4, slot=1), "HSCL0A07", f"{LP}.adapters[4].slot"),
    ("slot-0", adapter(LPAR1, 4, slot=0), "HSCL0A07", f"{LP}.adapters[4].slot"),
    ("slot-taken", adapter(LPAR1, 4, slot=5), "HSCL0A06", f"{LP}.adapters[4].slot"),
    ("slot-20-of-20", adapter(LPAR1, 4, slot=20), "HSCL0A08", f"{LP}.adapters[4].slot"),
    # Running: the current configuration's max_virtual_slots applies, not the profile's.
    ("running-profile-raised", chain(profile(LPAR1, max_virtual_slots=64),
                                     adapter(LPAR1, 4, slot=30)),
     "HSCL0A08", f"{LP}.adapters[4].slot"),
    ("running-current-raised", chain(current(LPAR1, max_virtual_slots=64),
                                     adapter(LPAR1, 4, slot=30)), None, None),
    # Not Activated: the default profile's applies.
    ("off-default-profile", add(IBMI1, "adapters", VirtualEth(slot=30)),
     "HSCL0A08", "partitions[3].adapters[0].slot"),
    ("off-default-raised", chain(profile(IBMI1, max_virtual_slots=40),
                                 add(IBMI1, "adapters", VirtualEth(slot=30))), None, None),
    ("max-slots-2", profile(LPAR1, 1, max_virtual_slots=2), None, None),
    ("max-slots-1", profile(LPAR1, 1, max_virtual_slots=1),
     "HSCL0A01", f"{LP}.profiles[1].max_virtual_slots"),
    ("max-slots-32767", profile(LPAR1, 1, max_virtual_slots=32767), None, None),
    ("max-slots-32768", profile(LPAR1, 1, max_virtual_slots=32768),
     "HSCL0A01", f"{LP}.profiles[1].max_virtual_slots"),
])
def test_slots(frame: Frame, edit: Edit, code: str | None, path: str | None) -> None:
    verdict(frame, edit, code, path)


# ---------------------------------------------------------------- 7. client / server adapters

WWPN_A, WWPN_B = "c0507600000000a1", "c0507600000000a2"


@run([
    ("servers-open", open_servers, None, None),
    ("client-unknown-lpar", chain(open_servers, adapter(LPAR1, 0, remote_lpar_id=9)),
     "HSCL0A09", f"{LP}.adapters[0].remote_lpar_id"),
    ("client-to-non-vios", chain(open_servers, adapter(LPAR1, 0, remote_lpar_id=4)),
     "HSCL0A09", f"{LP}.adapters[0].remote_lpar_id"),
    ("client-to-empty-slot", chain(open_servers, adapter(LPAR1, 0, remote_slot=13)),
     "HSCL0A09", f"{LP}.adapters[0].remote_slot"),
    ("scsi-client-to-fc-server", chain(open_servers, adapter(LPAR1, 0, remote_slot=12)),
     "HSCL0A09", f"{LP}.adapters[0].remote_slot"),
    ("client-to-ethernet", chain(open_servers, adapter(LPAR1, 0, remote_slot=20)),
     "HSCL0A09", f"{LP}.adapters[0].remote_slot"),
    ("client-no-lpar", chain(open_servers, adapter(LPAR1, 0, remote_lpar_id=None)),
     "HSCL0A0F", f"{LP}.adapters[0].remote_lpar_id"),
    ("client-no-slot", chain(open_servers, adapter(LPAR1, 0, remote_slot=None)),
     "HSCL0A0F", f"{LP}.adapters[0].remote_slot"),
    # A server for any partition but a specific slot that is not the client's.
    ("server-other-slot", adapter(VIOS1, 0, remote_lpar_id=None, remote_slot=7),
     "HSCL0A09", f"{LP}.adapters[0].remote_slot"),
    ("server-client-any-slot", adapter(VIOS1, 0, remote_slot=None), None, None),
    # The HMC keeps a server adapter whose client is not on the frame (deleted partition).
    ("server-client-not-on-frame", add(VIOS1, "adapters", VirtualScsi(
        slot=19, side="server", remote_lpar_id=9, remote_slot=3)), None, None),
    ("fc-server-client-not-on-frame", add(VIOS1, "adapters", VirtualFc(
        slot=19, side="server", remote_lpar_id=9, remote_slot=None)), None, None),
    ("server-wrong-client-slot", adapter(VIOS1, 0, remote_slot=4),
     "HSCL0A09", f"{V1}.adapters[0].remote_slot"),
    ("server-client-without-adapter", adapter(VIOS1, 0, remote_lpar_id=4, remote_slot=None),
     "HSCL0A09", f"{V1}.adapters[0].remote_lpar_id"),
    ("fc-server-wrong-client", adapter(VIOS2, 1, remote_slot=4),
     "HSCL0A09", f"{V2}.adapters[1].remote_slot"),
    ("spare-server-on-vios", add(VIOS1, "adapters", VirtualScsi(slot=13, side="server")),
     None, None),
    ("scsi-server-on-aix", add(LPAR1, "adapters", VirtualScsi(slot=7, side="server")),
     "HSCL0B09", f"{LP}.adapters[5].side"),
    ("fc-server-on-aix", add(LPAR1, "adapters", VirtualFc(slot=7, side="server")),
     "HSCL0B09", f"{LP}.adapters[5].side"),
    ("wwpns-missing", adapter(LPAR1, 1, wwpns=None), "HSCL0A0F", f"{LP}.adapters[1].wwpns"),
    ("wwpn-15-digits", adapter(LPAR1, 1, wwpns=("c05076000000001", WWPN_B)),
     "HSCL0A0F", f"{LP}.adapters[1].wwpns"),
    ("wwpn-not-hex", adapter(LPAR1, 1, wwpns=("c05076000000000g", WWPN_B)),
     "HSCL0A0F", f"{LP}.adapters[1].wwpns"),
    ("wwpn-upper-case", adapter(LPAR1, 1, wwpns=(WWPN_A.upper(), WWPN_B.upper())), None, None),
    ("wwpn-pair-twice", adapter(LPAR1, 1, wwpns=(WWPN_A, WWPN_A)),
     "HSCL0A06", f"{LP}.adapters[1].wwpns"),
    ("wwpn-of-other-client", adapter(LPAR1, 3, wwpns=("c050760000000001", WWPN_B)),
     "HSCL0A06", f"{LP}.adapters[3].wwpns"),
    ("wwpn-other-case", adapter(LPAR1, 3, wwpns=("C050760000000002", WWPN_B)),
     "HSCL0A06", f"{LP}.adapters[3].wwpns"),
    ("wwpn-of-physical-port", adapter(LPAR1, 1, wwpns=("10000090fa000010", WWPN_B)),
     "HSCL0A06", f"{LP}.adapters[1].wwpns"),
    ("server-with-wwpns", adapter(VIOS1, 1, wwpns=(WWPN_A, WWPN_B)),
     "HSCL0A0F", f"{V1}.adapters[1].wwpns"),
    ("mac-of-vios-adapter", adapter(LPAR1, 4, mac="AA0000002001"),
     "HSCL0A06", f"{LP}.adapters[4].mac"),
    ("mac-of-physical-port", adapter(LPAR1, 4, mac="40F2E9000010"),
     "HSCL0A06", f"{LP}.adapters[4].mac"),
    ("macs-unset", chain(adapter(LPAR1, 4, mac=""), add(LPAR1, "adapters", VirtualEth(slot=7))),
     None, None),
])
def test_adapters(frame: Frame, edit: Edit, code: str | None, path: str | None) -> None:
    verdict(frame, edit, code, path)


def test_client_side_of_a_server_pointing_elsewhere(frame: Frame) -> None:
    """check_frame names the VIOS (first in the frame); check_partition the client's side."""
    f = adapter(VIOS1, 0, remote_lpar_id=4)(frame)
    refused(f, "HSCL0A09", f"{V1}.adapters[0].remote_slot")
    with pytest.raises(HmcError) as info:
        check_partition(f, f.partitions[LPAR1])
    assert (info.value.code, info.value.path) == ("HSCL0A09", f"{LP}.adapters[0].remote_slot")
    assert str(info.value) == (
        "HSCL0A09 The client adapter in slot 2 of partition lpar1 refers to partition 1 slot 11, "
        "which has no matching server adapter."
    )


# ---------------------------------------------------------------- 8. pools


@run([
    ("default-renamed", pool(0, name="Pool0"), "HSCL0A0C", "pools[0].name"),
    ("default-max", pool(0, max_proc_units=4), "HSCL0A0C", "pools[0].max_proc_units"),
    ("default-reserve", pool(0, reserved_proc_units=0.5), "HSCL0A0C",
     "pools[0].reserved_proc_units"),
    ("renamed", pool(1, name="prod"), None, None),
    ("name-taken", pool(2, name="SharedPool01"), "HSCL0A06", "pools[2].name"),
    ("named-default", pool(3, name="DefaultPool"), "HSCL0A06", "pools[3].name"),
    ("max-1-for-0.50+0.50", pool(1, max_proc_units=1), None, None),
    ("reserve-0.51", pool(1, max_proc_units=1, reserved_proc_units=0.51),
     "HSCL0A0D", "pools[1].max_proc_units"),
    ("member-0.51", chain(pool(1, max_proc_units=1), current(LPAR1, desired_proc_units=0.51)),
     "HSCL0A0D", "pools[1].max_proc_units"),
    # Only active members count: a profile naming the pool entitles nothing yet.
    ("profile-not-counted", chain(pool(1, max_proc_units=1),
                                  profile(LPAR1, 1, shared_proc_pool_id=1,
                                          desired_proc_units=2.0, max_proc_units=2.0)),
     None, None),
    ("reserve-on-inactive", pool(2, reserved_proc_units=0.5),
     "HSCL0A0D", "pools[2].reserved_proc_units"),
    ("reserve-on-active", pool(2, max_proc_units=1, reserved_proc_units=0.5), None, None),
    ("reserve-step", pool(1, reserved_proc_units=0.505), "HSCL0A04",
     "pools[1].reserved_proc_units"),
])
def test_pools(frame: Frame, edit: Edit, code: str | None, path: str | None) -> None:
    verdict(frame, edit, code, path)


def test_pool_view_of_a_deactivated_pool(frame: Frame) -> None:
    f = pool(1, max_proc_units=0)(frame)
    with pytest.raises(HmcError) as info:
        check_pools(f)
    assert (info.value.code, info.value.path) == ("HSCL0A0D", "pools[1].max_proc_units")
    assert "(1.00)" in str(info.value)  # 0.50 member + 0.50 reserve
    assert FrameIndex.build(f).pool_entitled(1) == f.pool_entitled(1) == 1.0


# ---------------------------------------------------------------- 9. totals


@run([
    ("configurable-64", system(configurable_procs=64), None, None),
    ("configurable-65", system(configurable_procs=65), "HSCL0A01", "system.configurable_procs"),
    ("installed-240", system(installed_procs=240), None, None),
    ("installed-241", system(installed_procs=241), "HSCL0A01", "system.installed_procs"),
    ("mem-configurable-over", system(configurable_mem=1048832),
     "HSCL0A01", "system.configurable_mem"),
    ("mem-installed-64tb", system(installed_mem=64 * 1024 * 1024), None, None),
    ("mem-installed-over", system(installed_mem=64 * 1024 * 1024 + 256),
     "HSCL0A01", "system.installed_mem"),
    ("ec-4.00-of-4", chain(system(configurable_procs=4), current(VIOS1, desired_proc_units=1.75),
                           current(VIOS2, desired_proc_units=1.75)), None, None),
    ("ec-4.50-of-4", chain(system(configurable_procs=4), current(VIOS1, desired_proc_units=2.0),
                           current(VIOS2, desired_proc_units=2.0)),
     "HSCL0A11", "system.configurable_procs"),
])
def test_totals(frame: Frame, edit: Edit, code: str | None, path: str | None) -> None:
    verdict(frame, edit, code, path)


def test_memory_total_counts_hypervisor_memory(frame: Frame) -> None:
    f = profile(IBMI1, max_mem=16384)(frame)
    # 8192 + 8192 + 4096 MB granted; hypervisor: 8192 base + one LMB of page table per partition
    assert f.assigned_mem() + f.firmware_mem() == 20480 + 8960 == 29440
    accepted(system(configurable_mem=29440)(f))
    err = refused(system(configurable_mem=29184)(f), "HSCL0A11", "system.configurable_mem")
    assert "(29440)" in str(err) and "(29184)" in str(err)


# ---------------------------------------------------------------- 10. VIOS mappings

ISO = "/var/vio/VMLibrary/aix73.iso"
SPARE_VHOST = add(VIOS1, "adapters", VirtualScsi(slot=13, side="server"))
SPARE_VFCHOST = add(VIOS1, "adapters", VirtualFc(slot=13, side="server"))


def vscsi(*maps: VscsiMapping) -> Edit:
    return add(VIOS1, "vscsi_mappings", *maps)


def npiv(*maps: NpivMapping) -> Edit:
    return add(VIOS1, "npiv_mappings", *maps)


@run([
    ("multipath-same-lun-two-vios", lambda f: f, None, None),
    ("vscsi-on-aix", add(LPAR1, "vscsi_mappings", VscsiMapping(vhost_slot=2, vtd="vtscsi0",
                                                                backing="hdisk2")),
     "HSCL0B09", f"{LP}.vscsi_mappings"),
    ("npiv-on-aix", add(LPAR1, "npiv_mappings", NpivMapping(vfchost_slot=3, port="fcs0")),
     "HSCL0B09", f"{LP}.npiv_mappings"),
    ("sea-on-aix", add(LPAR1, "seas", SharedEthernetAdapter(
        name="ent8", physical="ent0", trunk_slots=(6,), default_slot=6)),
     "HSCL0B09", f"{LP}.seas"),
    ("vhost-missing", item(VIOS1, "vscsi_mappings", 0, vhost_slot=13),
     "HSCL8016", f"{V1}.vscsi_mappings[0].vhost_slot"),
    ("vhost-is-vfchost", item(VIOS1, "vscsi_mappings", 0, vhost_slot=12),
     "HSCL0A0F", f"{V1}.vscsi_mappings[0].vhost_slot"),
    ("backing-unknown", item(VIOS1, "vscsi_mappings", 0, backing="hdisk9"),
     "HSCL8017", f"{V1}.vscsi_mappings[0].backing"),
    ("backing-seen-by-vios2-only", disk(0, owners=(2,)),
     "HSCL8017", f"{V1}.vscsi_mappings[0].backing"),
    ("second-disk", vscsi(VscsiMapping(vhost_slot=11, vtd="vtscsi1", backing="hdisk3", lun=2)),
     None, None),
    ("disk-mapped-twice", vscsi(VscsiMapping(vhost_slot=11, vtd="vtscsi1", backing="hdisk2",
                                             lun=2)),
     None, None),  # mkvdev -f: the VIOS's call, not a frame rule
    ("iso-on-two-vhosts", chain(SPARE_VHOST, vscsi(
        VscsiMapping(vhost_slot=11, vtd="vtopt0", backing=ISO, lun=2),
        VscsiMapping(vhost_slot=13, vtd="vtopt1", backing=ISO, lun=1))), None, None),
    ("vtd-name-taken", vscsi(VscsiMapping(vhost_slot=11, vtd="vtscsi0", backing="hdisk3", lun=2)),
     "HSCL0A06", f"{V1}.vscsi_mappings[1].vtd"),
    ("lun-taken", vscsi(VscsiMapping(vhost_slot=11, vtd="vtscsi1", backing="hdisk3", lun=1)),
     "HSCL0A06", f"{V1}.vscsi_mappings[1].lun"),
    ("lun-1-on-other-vhost", chain(SPARE_VHOST, vscsi(
        VscsiMapping(vhost_slot=13, vtd="vtscsi1", backing="hdisk3", lun=1))), None, None),
    ("vfchost-missing", item(VIOS1, "npiv_mappings", 0, vfchost_slot=13),
     "HSCL8016", f"{V1}.npiv_mappings[0].vfchost_slot"),
    ("vfchost-is-vhost", item(VIOS1, "npiv_mappings", 0, vfchost_slot=11),
     "HSCL0A0F", f"{V1}.npiv_mappings[0].vfchost_slot"),
    ("vfchost-mapped-twice", npiv(NpivMapping(vfchost_slot=12, port="fcs1")),
     "HSCL0A06", f"{V1}.npiv_mappings[1].vfchost_slot"),
    ("port-unknown", item(VIOS1, "npiv_mappings", 0, port="fcs9"),
     "HSCL8017", f"{V1}.npiv_mappings[0].port"),
    ("port-is-ethernet", item(VIOS1, "npiv_mappings", 0, port="ent0"),
     "HSCL8017", f"{V1}.npiv_mappings[0].port"),
    ("port-not-owned", io_adapter(0, owner=None), "HSCL8017", f"{V1}.npiv_mappings[0].port"),
    ("port-not-npiv", port(0, 0, npiv=False), "HSCL0A14", f"{V1}.npiv_mappings[0].port"),
    ("port-2-of-2", chain(port(0, 0, max_npiv=2), SPARE_VFCHOST,
                          npiv(NpivMapping(vfchost_slot=13, port="fcs0"))), None, None),
    ("port-2-of-1", chain(port(0, 0, max_npiv=1), SPARE_VFCHOST,
                          npiv(NpivMapping(vfchost_slot=13, port="fcs0"))),
     "HSCL0A14", f"{V1}.npiv_mappings[1].port"),
    ("other-port-1-of-1", chain(port(0, 0, max_npiv=1), port(0, 1, max_npiv=1), SPARE_VFCHOST,
                                npiv(NpivMapping(vfchost_slot=13, port="fcs1"))), None, None),
])
def test_vios_mappings(frame: Frame, edit: Edit, code: str | None, path: str | None) -> None:
    verdict(frame, edit, code, path)


# ---------------------------------------------------------------- 11. SEA

S1 = f"{V1}.seas[0]"
TRUNK22 = add(VIOS1, "adapters", VirtualEth(slot=22, pvid=300, trunk_priority=1))


def sea1(**changes: Any) -> Edit:
    return item(VIOS1, "seas", 0, **changes)


def second_sea(**kw: Any) -> Edit:
    sea = dict(name="ent9", physical="ent1", trunk_slots=(22,), default_slot=22) | kw
    return chain(TRUNK22, add(VIOS1, "seas", SharedEthernetAdapter(**sea)))


@run([
    ("physical-unknown", sea1(physical="ent5"), "HSCL0A13", f"{S1}.physical"),
    ("physical-is-fc", sea1(physical="fcs0"), "HSCL0A13", f"{S1}.physical"),
    ("second-sea", second_sea(), None, None),
    ("second-sea-same-physical", second_sea(physical="ent0"), "HSCL0A13", f"{V1}.seas[1].physical"),
    ("second-sea-same-name", second_sea(name="ent8"), "HSCL0A06", f"{V1}.seas[1].name"),
    ("second-sea-same-trunk", second_sea(trunk_slots=(20,), default_slot=20),
     "HSCL0A13", f"{V1}.seas[1].trunk_slots[0]"),
    ("trunk-not-a-trunk", sea1(trunk_slots=(21,), default_slot=21, ctl_chan_slot=None),
     "HSCL0A13", f"{S1}.trunk_slots[0]"),
    ("trunk-empty-slot", sea1(trunk_slots=(30,), default_slot=30),
     "HSCL0A13", f"{S1}.trunk_slots[0]"),
    ("trunk-is-vscsi", sea1(trunk_slots=(11,), default_slot=11),
     "HSCL0A13", f"{S1}.trunk_slots[0]"),
    ("no-trunks", sea1(trunk_slots=()), "HSCL0A13", f"{S1}.trunk_slots"),
    ("two-trunks", chain(add(VIOS1, "adapters", VirtualEth(slot=22, pvid=2, trunk_priority=1)),
                         sea1(trunk_slots=(20, 22))), None, None),
    ("default-not-trunk", sea1(default_slot=21), "HSCL0A13", f"{S1}.default_slot"),
    ("no-control-channel", sea1(ctl_chan_slot=None), None, None),
    ("control-channel-is-trunk", sea1(ctl_chan_slot=20), "HSCL0A13", f"{S1}.ctl_chan_slot"),
    ("control-channel-missing", sea1(ctl_chan_slot=30), "HSCL0A13", f"{S1}.ctl_chan_slot"),
    ("control-channel-on-pvid", adapter(VIOS1, 3, pvid=1), "HSCL0A13", f"{S1}.ctl_chan_slot"),
    ("control-channel-on-vlan", adapter(VIOS1, 3, pvid=10), "HSCL0A13", f"{S1}.ctl_chan_slot"),
    ("failover-priorities-1-2", lambda f: f, None, None),
    ("two-primaries", adapter(VIOS2, 2, trunk_priority=1),
     "HSCL0A13", f"{V2}.seas[0].trunk_slots[0]"),
    ("same-priority-other-vswitch", adapter(VIOS2, 2, trunk_priority=1, vswitch="ETHERNET1"),
     None, None),
    ("same-priority-other-vlans", adapter(VIOS2, 2, trunk_priority=1, pvid=30, vlans=()),
     None, None),
    ("same-priority-shared-addl-vlan", adapter(VIOS2, 2, trunk_priority=1, pvid=30, vlans=(20,)),
     "HSCL0A13", f"{V2}.seas[0].trunk_slots[0]"),
    ("same-priority-trunk-outside-sea",
     add(VIOS2, "adapters", VirtualEth(slot=22, pvid=1, trunk_priority=1)), None, None),
])
def test_sea(frame: Frame, edit: Edit, code: str | None, path: str | None) -> None:
    verdict(frame, edit, code, path)


def test_two_primaries_message(frame: Frame) -> None:
    err = refused(adapter(VIOS2, 2, trunk_priority=1)(frame), "HSCL0A13",
                  f"{V2}.seas[0].trunk_slots[0]")
    assert "ent8 of vios1" in str(err) and "broadcast storm" in str(err)


# ---------------------------------------------------------------- 12. physical I/O


@run([
    ("owner-ibmi", io_adapter(4, owner=4), None, None),
    ("owner-unknown", io_adapter(4, owner=9), "HSCL0A0F", "io.adapters[4].owner"),
    ("drc-taken", io_adapter(4, drc_index="21010010"), "HSCL0A06", "io.adapters[4].drc_index"),
    ("port-name-taken", io_adapter(2, owner=1), "HSCL0A06", "io.adapters[2].ports[0].name"),
    ("wwpn-taken", port(2, 0, wwpn="10000090fa000010"),
     "HSCL0A06", "io.adapters[2].ports[0].wwpn"),
    ("wwpn-taken-other-case", port(2, 0, wwpn="10000090FA000010"),
     "HSCL0A06", "io.adapters[2].ports[0].wwpn"),
    ("wwpn-15-digits", port(0, 0, wwpn="10000090fa00001"),
     "HSCL0A0F", "io.adapters[0].ports[0].wwpn"),
    ("wwpn-unset", port(0, 1, wwpn=""), None, None),
    ("mac-11-digits", port(1, 0, mac="40F2E900001"), "HSCL0A0F", "io.adapters[1].ports[0].mac"),
    ("mac-taken", port(3, 0, mac="40F2E9000010"), "HSCL0A06", "io.adapters[3].ports[0].mac"),
    ("disk-owner-aix", disk(1, owners=(1, 3)), "HSCL0B09", "io.disks[1].owners"),
    ("disk-owner-unknown", disk(1, owners=(9,)), "HSCL0A0F", "io.disks[1].owners"),
    ("disk-name-taken", disk(1, name="hdisk2"), "HSCL0A06", "io.disks[1].name"),
    # hdisk2 on vios1 and hdisk2 on vios2 may well be different LUNs.
    ("disk-name-on-other-vios", chain(disk(0, owners=(1,)), disk(1, name="hdisk2", owners=(2,))),
     None, None),
])
def test_physical_io(frame: Frame, edit: Edit, code: str | None, path: str | None) -> None:
    verdict(frame, edit, code, path)


# ---------------------------------------------------------------- 13. workload


@pytest.mark.parametrize("kind", WORKLOAD_KINDS)
def test_workload_kinds_accepted(frame: Frame, kind: str) -> None:
    accepted(part(LPAR1, workload=Workload(kind=kind))(frame))


def test_unknown_workload_kind(frame: Frame) -> None:
    refused(part(LPAR1, workload=Workload(kind="chaos"))(frame), "HSCL0A0F", f"{LP}.workload.kind")


# ---------------------------------------------------------------- the finer API


def test_problems_lists_everything_in_order(frame: Frame) -> None:
    f = chain(
        system(configurable_procs=65),
        profile(LPAR1, desired_mem=4100, uncap_weight=256),
        adapter(LPAR1, 4, slot=1),
        pool(0, name="Pool0"),
    )(frame)
    found = [(e.code, e.path) for e in problems(f)]
    assert found == [
        ("HSCL0A01", "system.configurable_procs"),
        ("HSCL0A03", f"{LPP}.desired_mem"),
        ("HSCL0A01", f"{LPP}.uncap_weight"),
        ("HSCL0A07", f"{LP}.adapters[4].slot"),
        ("HSCL0A0C", "pools[0].name"),
    ]
    refused(f, "HSCL0A01", "system.configurable_procs")


def test_check_resources_for_a_new_profile(frame: Frame) -> None:
    res = Resources(min_proc_units=0.1, desired_proc_units=0.14, max_proc_units=1.0,
                    desired_procs=3, max_procs=4)
    with pytest.raises(HmcError) as info:
        check_resources(res, frame, "new", 5)
    assert (info.value.code, info.value.path) == ("HSCL0A05", "new.desired_proc_units")
    check_resources(res.model_copy(update={"desired_proc_units": 0.15}), frame, "new", 5)


def test_check_partition_path(frame: Frame) -> None:
    check_partition(frame, frame.partitions[LPAR1])
    f = profile(LPAR1, uncap_weight=256)(frame)
    with pytest.raises(HmcError) as info:
        check_partition(f, f.partitions[LPAR1], "partitions[7]")
    assert info.value.path == "partitions[7].profiles[0].uncap_weight"
    stranger = f.partitions[LPAR1].model_copy(update={"id": 9, "name": "stranger"})
    with pytest.raises(ValueError):
        check_partition(f, stranger)


def test_partition_path(frame: Frame) -> None:
    assert partition_path(frame, 3) == "partitions[2]"
    with pytest.raises(KeyError):
        partition_path(frame, 9)


@pytest.mark.parametrize(
    ("check", "edit", "code", "path"),
    [
        (check_system, system(installed_procs=241), "HSCL0A01", "system.installed_procs"),
        (check_totals, chain(system(configurable_procs=2), profile(IBMI1, max_procs=2)),
         "HSCL0A11", "system.configurable_procs"),
        (check_partitions, part(IBMI1, name="vios1"), "HSCL0A06", "partitions[3].name"),
        (check_adapters, adapter(LPAR1, 4, slot=1), "HSCL0A07", f"{LP}.adapters[4].slot"),
        (check_adapters, adapter(LPAR1, 3, wwpns=("c050760000000001", WWPN_B)),
         "HSCL0A06", f"{LP}.adapters[3].wwpns"),
        (check_pools, pool(2, name="SharedPool01"), "HSCL0A06", "pools[2].name"),
        (check_io, disk(1, owners=(9,)), "HSCL0A0F", "io.disks[1].owners"),
        (check_sea_failover, adapter(VIOS2, 2, trunk_priority=1),
         "HSCL0A13", f"{V2}.seas[0].trunk_slots[0]"),
    ],
    ids=lambda v: getattr(v, "__name__", None),
)
def test_group_checks(frame: Frame, check: Callable[[Frame], None], edit: Edit, code: str,
                      path: str) -> None:
    check(frame)  # the valid frame passes each group
    with pytest.raises(HmcError) as info:
        check(edit(frame))
    assert (info.value.code, info.value.path) == (code, path)


def test_check_vios(frame: Frame) -> None:
    check_vios(frame, frame.partitions[VIOS1])
    check_vios(frame, frame.partitions[LPAR1])
    f = item(VIOS2, "vscsi_mappings", 0, backing="hdisk9")(frame)
    with pytest.raises(HmcError) as info:
        check_vios(f, f.partitions[VIOS2])
    assert (info.value.code, info.value.path) == ("HSCL8017", f"{V2}.vscsi_mappings[0].backing")


# ---------------------------------------------------------------- fast paths agree


def test_fast_paths_agree_with_detailed_checks(frame: Frame, monkeypatch: pytest.MonkeyPatch
                                               ) -> None:
    """The fast paths may only skip work: every case gives the same problems both ways."""
    frames = [(name, edit(frame)) for name, edit in ALL_CASES]
    fast = {name: [str(e) + " @ " + e.path for e in problems(f)] for name, f in frames}
    with monkeypatch.context() as m:
        m.setattr(rules, "_resources_ok", lambda *_: False)
        m.setattr(rules, "_partition_ok", lambda *_: False)
        m.setattr(rules, "_vscsi_ok", lambda *_: False)
        m.setattr(rules, "_npiv_ok", lambda *_: False)
        m.setattr(rules, "_all_unique", lambda *_: False)
        m.setattr(rules.FrameIndex, "adapters_clean", lambda *_: False)
        slow = {name: [str(e) + " @ " + e.path for e in problems(f)] for name, f in frames}
    assert len(frames) > 200
    for name, _ in frames:
        assert fast[name] == slow[name], name
