"""engine.store: frame files, the demo frame, atomic saves and locations."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

import pytest
import tomli_w
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engine import store
from engine.model import Frame, default_pool
from engine.store import (
    FrameFileError,
    demo_frame,
    demo_frame_text,
    ensure_user_frame,
    frame_from_toml,
    frame_to_toml,
    load_frame,
    load_hmc,
    save_frame,
    user_frame_path,
)

ENV_VARS = (store.DATA_DIR_ENV, store.CONFIG_DIR_ENV, store.STATE_DIR_ENV)
PARTITION_STATES = (
    "Not Activated", "Starting", "Running", "Open Firmware", "Shutting Down", "Error",
    "Not Available",
)


@pytest.fixture(autouse=True)
def _isolated_locations(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """No test may touch the real user's files."""
    for var, name in zip(ENV_VARS, ("data", "config", "state"), strict=True):
        monkeypatch.setenv(var, str(tmp_path / "home" / name))


def _rules() -> Any:
    return pytest.importorskip("engine.rules")


def _demo_data() -> dict[str, Any]:
    return tomllib.loads(demo_frame_text())


def _snapshot(directory: Path) -> dict[str, tuple[bytes, int, int]]:
    """Every file under `directory` with its bytes, mtime and mode."""
    return {
        str(p.relative_to(directory)): (p.read_bytes(), p.stat().st_mtime_ns, p.stat().st_mode)
        for p in sorted(directory.rglob("*"))
        if p.is_file()
    }


def _line_containing(text: str, needle: str, *, exact: bool = False) -> int:
    lines = [
        i for i, line in enumerate(text.splitlines(), 1)
        if (line == needle if exact else needle in line)
    ]
    assert len(lines) == 1, f"{needle!r} is on lines {lines}"
    return lines[0]


# ---------------------------------------------------------------- the demo frame


def test_demo_frame_loads_and_passes_rules() -> None:
    frame = demo_frame()
    _rules().check_frame(frame)
    assert _rules().problems(frame) == []


def test_demo_frame_content() -> None:
    frame = demo_frame()
    system = frame.system
    assert system.name == "Server-9080-HEX-SN78H4A21"
    assert (system.mtm, frame.hardware.generation) == ("9080-HEX", "Power10")
    assert (system.installed_procs, system.configurable_procs) == (48, 40)
    assert (system.installed_mem, system.configurable_mem) == (2 * 1024**2, 1536 * 1024)
    assert system.firmware == frame.hardware.firmware
    assert frame.pool(1) is not None and frame.pool(1).name == "DevTestPool"
    assert [p for p in frame.pools if p != default_pool(p.id)] == [frame.pool(1)]
    names = {p.id: p.name for p in frame.partitions}
    assert names == {
        1: "vios1", 2: "vios2", 3: "oradb01", 4: "was01", 5: "hana01", 6: "ibmi01",
        7: "dev01", 8: "test01", 9: "dev02", 10: "sandbox01", 11: "nim01",
    }
    for lpar in frame.partitions:
        assert lpar.profile(lpar.default_profile) is not None
        if lpar.state == "Running":
            assert lpar.current is not None and lpar.rmc_state == "active"
            profile = lpar.profile(lpar.curr_profile)
            assert profile is not None
            granted = profile.model_dump(include=set(type(lpar.current).model_fields))
            assert lpar.current.model_dump() == granted
        else:
            assert lpar.current is None
    sandbox = frame.partition("sandbox01")
    assert sandbox is not None and not sandbox.bootable
    hana = frame.partition("hana01")
    assert hana is not None and hana.settings().proc_mode == "ded"
    assert hana.settings().sharing_mode == "share_idle_procs_active"
    oradb = frame.partition("oradb01")
    assert oradb is not None and {p.name for p in oradb.profiles} >= {"month_end"}
    # The two VIOS are an SEA failover pair: same VLANs, trunk priorities 1 and 2.
    vios = [frame.partition(n) for n in ("vios1", "vios2")]
    priorities = []
    for v in vios:
        assert v is not None and v.is_vios and len(v.seas) == 1
        trunk = v.adapter(v.seas[0].trunk_slots[0])
        assert trunk is not None and trunk.type == "eth"
        priorities.append(trunk.trunk_priority)
    assert priorities == [1, 2]
    iso = [d for d in frame.io.disks if d.kind == "file"]
    assert [d.name for d in iso] == ["/var/vio/VMLibrary/aix73_tl2.iso"]


def test_demo_frame_is_cached_and_package_data() -> None:
    assert demo_frame() is demo_frame()
    assert demo_frame_text().startswith("# hmc-tui built-in demo frame")


# ---------------------------------------------------------------- round trips


def test_save_then_load_gives_the_same_model(tmp_path: Path) -> None:
    path = tmp_path / "frame.toml"
    save_frame(demo_frame(), path)
    assert load_frame(path) == demo_frame()


def test_saved_text_is_stable(tmp_path: Path) -> None:
    first, second = tmp_path / "a.toml", tmp_path / "b.toml"
    save_frame(demo_frame(), first)
    save_frame(load_frame(first), second)
    assert first.read_bytes() == second.read_bytes()
    save_frame(demo_frame(), second)  # and saving over an existing file changes nothing
    assert first.read_bytes() == second.read_bytes()


def test_saved_file_is_compact() -> None:
    text = frame_to_toml(demo_frame())
    data = tomllib.loads(text)
    assert data["format"] == 1
    assert [p["id"] for p in data["pools"]] == [1]  # 63 default pools left out
    assert "null" not in text and "None" not in text
    assert "epoch" not in data["system"]  # a default
    hana = next(p for p in data["partitions"] if p["name"] == "hana01")
    assert "min_proc_units" not in hana["profiles"][0]  # None for dedicated: dropped


def test_frame_without_configured_pools_has_no_pools_key() -> None:
    frame = demo_frame().with_pool(default_pool(1))
    assert "pools" not in tomllib.loads(frame_to_toml(frame))
    assert frame_from_toml(frame_to_toml(frame), "t", check_rules=False) == frame


# -- property: perturbed frames round-trip exactly

LMB = 256


@st.composite
def resource_values(draw: st.DrawFn) -> dict[str, Any]:
    """Processor and memory settings on the hypervisor's grids (LMB, 0.01 PU), valid ones."""
    mem = sorted(draw(st.lists(st.integers(1, 512), min_size=3, max_size=3)))
    vps = sorted(draw(st.lists(st.integers(1, 8), min_size=3, max_size=3)))
    pu_min = draw(st.integers(5 * vps[0], 100 * vps[0]))
    pu_des = draw(st.integers(max(5 * vps[1], pu_min), 100 * vps[1]))
    pu_max = draw(st.integers(max(5 * vps[2], pu_des), 100 * vps[2]))
    return {
        "min_mem": mem[0] * LMB, "desired_mem": mem[1] * LMB, "max_mem": mem[2] * LMB,
        "min_procs": vps[0], "desired_procs": vps[1], "max_procs": vps[2],
        "min_proc_units": pu_min / 100, "desired_proc_units": pu_des / 100,
        "max_proc_units": pu_max / 100,
        "uncap_weight": draw(st.integers(0, 255)),
        "sharing_mode": draw(st.sampled_from(("cap", "uncap"))),
    }


@st.composite
def pool_values(draw: st.DrawFn) -> dict[str, Any]:
    return {
        "id": draw(st.integers(1, 63)),
        "name": draw(st.text(min_size=1, max_size=63)),
        "max_proc_units": draw(st.integers(0, 240)),
        # TOML and JSON have no infinity; any finite float must survive as written.
        "reserved_proc_units": draw(
            st.one_of(
                st.integers(0, 2000).map(lambda k: k / 100),
                st.floats(min_value=0, allow_nan=False, allow_infinity=False),
            )
        ),
    }


@st.composite
def perturbed_frames(draw: st.DrawFn) -> Frame:
    """The demo frame with random partitions, profile values, pools and names.

    These frames need not pass the rules (a client may lose its VIOS); the property is that
    whatever the model accepts, the file keeps exactly.
    """
    data = demo_frame().model_dump()
    parts = data["partitions"]
    keep = draw(st.lists(st.sampled_from(range(len(parts))), unique=True, max_size=len(parts)))
    data["partitions"] = [parts[i] for i in keep]  # random subset, random order
    for lpar in data["partitions"]:
        for profile in lpar["profiles"]:
            if profile["proc_mode"] == "shared" and draw(st.booleans()):
                profile.update(draw(resource_values()))
        if draw(st.booleans()):
            lpar["name"] = draw(st.text(min_size=1, max_size=47))
            lpar["os_version"] = draw(st.text(max_size=60))
            lpar["state"] = draw(st.sampled_from(PARTITION_STATES))
            lpar["workload"]["params"] = draw(
                st.dictionaries(
                    st.text(max_size=10),
                    st.floats(allow_nan=False, allow_infinity=False),
                    max_size=3,
                )
            )
    pools = list(data["pools"])
    for pool in draw(st.lists(pool_values(), max_size=5)):
        pools[pool["id"]] = pool
    data["pools"] = pools
    data["engine_time"] = draw(st.floats(0, 1e9, allow_nan=False))
    return Frame.model_validate(data)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(frame=perturbed_frames())
def test_round_trip_property(frame: Frame) -> None:
    text = frame_to_toml(frame)
    again = frame_from_toml(text, "perturbed.toml", check_rules=False)
    assert again == frame
    assert frame_to_toml(again) == text  # the text is a fixed point too


@st.composite
def valid_frames(draw: st.DrawFn) -> Frame:
    """Perturbations that keep the frame valid: drop clients together with their VIOS
    adapters and mappings, redraw profiles of inactive partitions, move the pool limits."""
    frame = demo_frame()
    clients = [p.id for p in frame.partitions if not p.is_vios]
    gone = set(draw(st.lists(st.sampled_from(clients), unique=True)))
    data = frame.model_dump()
    kept = []
    for lpar in data["partitions"]:
        if lpar["id"] in gone:
            continue
        if lpar["env"] == "vioserver":
            adapters = [a for a in lpar["adapters"] if a.get("remote_lpar_id") not in gone]
            slots = {a["slot"] for a in adapters}
            lpar["adapters"] = adapters
            lpar["vscsi_mappings"] = [
                m for m in lpar["vscsi_mappings"] if m["vhost_slot"] in slots
            ]
            lpar["npiv_mappings"] = [
                m for m in lpar["npiv_mappings"] if m["vfchost_slot"] in slots
            ]
        elif lpar["state"] == "Not Activated" and lpar["profiles"][0]["proc_mode"] == "shared":
            lpar["profiles"][0].update(draw(resource_values()))
        kept.append(lpar)
    data["partitions"] = kept
    draft = Frame.model_validate(data)
    needed = sum(
        p.settings().entitlement for p in draft.partitions
        if p.settings().shared and p.settings().shared_proc_pool_id == 1
    )
    pool_max = draw(st.integers(int(needed) + 1, 64))
    reserved = draw(st.integers(0, int((pool_max - needed) * 100))) / 100
    pool = draft.pools[1].model_copy(
        update={"max_proc_units": pool_max, "reserved_proc_units": reserved}
    )
    return draft.with_pool(pool)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(frame=valid_frames())
def test_valid_frames_save_and_load_with_rules(frame: Frame, tmp_path_factory: Any) -> None:
    _rules().check_frame(frame)
    path = tmp_path_factory.mktemp("prop") / "frame.toml"
    save_frame(frame, path)
    assert load_frame(path) == frame


# ---------------------------------------------------------------- errors


def test_bad_toml_names_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "bad.toml"
    path.write_text('format = 1\n\n[system]\nname = "x"\nmtm = \n')
    with pytest.raises(FrameFileError) as info:
        load_frame(path)
    message = str(info.value)
    assert message.startswith(f"{path}:5: invalid TOML: ")
    assert "column" in message and "\n" not in message
    assert info.value.line == 5


def test_bad_toml_at_end_of_document(tmp_path: Path) -> None:
    path = tmp_path / "bad.toml"
    path.write_text('a = 1\nb = "unterminated')
    with pytest.raises(FrameFileError, match=r":2: invalid TOML: .*end of file"):
        load_frame(path)


def test_invalid_value_names_field_path_value_and_line() -> None:
    text = demo_frame_text()
    line_text = 'mac = "FA2C7D03000A"'
    broken = text.replace("pvid = 10, " + line_text, "pvid = 5000, " + line_text)
    assert broken != text
    with pytest.raises(FrameFileError) as info:
        frame_from_toml(broken, "frame.toml")
    err = info.value
    # oradb01 is partitions[2]; its Ethernet adapter is the fifth: the "eth" union tag that
    # pydantic puts in the location is not part of the path.
    assert err.where == "partitions[2].adapters[4].pvid"
    assert err.line == _line_containing(broken, "pvid = 5000")
    assert str(err).startswith(f"frame.toml:{err.line}: partitions[2].adapters[4].pvid: ")
    assert "4094" in str(err) and "5000" in str(err)


def test_invalid_profile_value_in_table_layout() -> None:
    data = _demo_data()
    data["partitions"][3]["profiles"][0]["desired_mem"] = "lots"
    text = tomli_w.dumps(data)  # the layout hmc-tui itself saves: [[partitions.profiles]]
    with pytest.raises(FrameFileError) as info:
        frame_from_toml(text, "f.toml")
    err = info.value
    assert err.where == "partitions[3].profiles[0].desired_mem"
    assert err.line == _line_containing(text, 'desired_mem = "lots"')
    assert "'lots'" in str(err)


def test_missing_and_unknown_fields() -> None:
    text = demo_frame_text().replace('mtm = "9080-HEX"\n', "", 1)
    with pytest.raises(FrameFileError) as info:
        frame_from_toml(text, "f.toml")
    assert info.value.where == "system.mtm"
    assert "Field required" in str(info.value)
    assert info.value.line == _line_containing(text, "[system]", exact=True)

    text = demo_frame_text().replace('name = "vios1"\n', 'name = "vios1"\ncolour = "red"\n')
    with pytest.raises(FrameFileError) as info:
        frame_from_toml(text, "f.toml")
    assert info.value.where == "partitions[0].colour"
    assert info.value.line == _line_containing(text, "colour")


def test_unknown_machine_model_loads_malformed_one_refused() -> None:
    # The catalog gives defaults, it is not a gate (imported real frames of any model).
    text = demo_frame_text().replace('mtm = "9080-HEX"', 'mtm = "1234-XYZ"')
    assert frame_from_toml(text, "f.toml").hardware.mtm == "1234-XYZ"
    text = demo_frame_text().replace('mtm = "9080-HEX"', 'mtm = "12-XYZ"')
    with pytest.raises(FrameFileError, match=r"system\.mtm: String should match pattern"):
        frame_from_toml(text, "f.toml")


def test_rule_violation_names_path_and_code(tmp_path: Path) -> None:
    _rules()
    data = _demo_data()
    data["partitions"][2]["profiles"][0]["desired_mem"] = 262144 - 100  # not an LMB multiple
    path = tmp_path / "rules.toml"
    text = tomli_w.dumps(data)
    path.write_text(text)
    with pytest.raises(FrameFileError) as info:
        load_frame(path)
    err = info.value
    assert err.code.startswith("HSCL")
    assert err.where == "partitions[2].profiles[0].desired_mem"
    assert str(err) == f"{path}:{err.line}: {err.where}: {err.reason}"
    assert err.reason.startswith(f"{err.code} ")
    assert err.line == _line_containing(text, "desired_mem = 262044")


def test_rule_violation_in_a_pool_points_at_the_pool_in_the_file() -> None:
    _rules()
    # Pools in the model are indexed by id; the file lists only configured ones.
    text = demo_frame_text().replace("max_proc_units = 8\n", "max_proc_units = 1\n", 1)
    with pytest.raises(FrameFileError) as info:
        frame_from_toml(text, "f.toml")
    err = info.value
    assert (err.code, err.where) == ("HSCL0A0D", "pools[1].max_proc_units")
    assert err.line == _line_containing(text, "max_proc_units = 1", exact=True)


def test_rules_can_be_skipped() -> None:
    text = demo_frame_text().replace("max_proc_units = 8\n", "max_proc_units = 1\n", 1)
    frame = frame_from_toml(text, "f.toml", check_rules=False)
    assert frame.pool(1) is not None and frame.pool(1).max_proc_units == 1


def test_missing_unreadable_and_binary_files(tmp_path: Path) -> None:
    missing = tmp_path / "nope.toml"
    with pytest.raises(FrameFileError, match=r"nope\.toml: cannot read: No such file"):
        load_frame(missing)
    with pytest.raises(FrameFileError, match=r": cannot read: Is a directory"):
        load_frame(tmp_path)
    binary = tmp_path / "bin.toml"
    binary.write_bytes(b"a = 1\n\xff\xfe")
    with pytest.raises(FrameFileError, match=r"bin\.toml:2: not UTF-8"):
        load_frame(binary)
    assert not missing.exists()


def test_errors_are_one_line() -> None:
    err = FrameFileError("f.toml", "first\nsecond\r\nthird", line=3, where="a.b")
    assert str(err) == "f.toml:3: a.b: first second third"
    assert str(FrameFileError("f.toml", "reason")) == "f.toml: reason"


def test_loading_never_writes(tmp_path: Path) -> None:
    good, bad = tmp_path / "good.toml", tmp_path / "bad.toml"
    good.write_text(demo_frame_text())
    bad.write_text("[[partitions]\n")
    before = _snapshot(tmp_path)
    load_frame(good)
    with pytest.raises(FrameFileError):
        load_frame(bad)
    assert _snapshot(tmp_path) == before
    assert not store.data_dir().exists()  # loading a given file never creates the user's


# ---------------------------------------------------------------- atomic saves


def _crash(*_args: object, **_kwargs: object) -> None:
    raise OSError(28, "No space left on device")


@pytest.mark.parametrize("where", ["os.replace", "os.fsync", "os.chmod"])
def test_failed_save_keeps_previous_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, where: str
) -> None:
    path = tmp_path / "frame.toml"
    save_frame(demo_frame(), path)
    before = path.read_bytes()
    changed = demo_frame().without_partition(11)
    monkeypatch.setattr(where, _crash)
    with pytest.raises(FrameFileError, match=r"frame\.toml: cannot write: No space left"):
        save_frame(changed, path)
    monkeypatch.undo()
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["frame.toml"]  # no temp file left


def test_interrupted_save_keeps_previous_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "frame.toml"
    path.write_text("previous")

    def interrupted(*_args: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr("os.replace", interrupted)
    with pytest.raises(KeyboardInterrupt):
        save_frame(demo_frame(), path)
    monkeypatch.undo()
    assert path.read_text() == "previous"
    assert [p.name for p in tmp_path.iterdir()] == ["frame.toml"]


def test_save_replaces_file_and_makes_it_private(tmp_path: Path) -> None:
    # The frame holds the whole configuration: 0600 whatever the file's mode was.
    path = tmp_path / "frame.toml"
    path.write_text("old")
    path.chmod(0o644)
    save_frame(demo_frame(), path)
    assert load_frame(path) == demo_frame()
    assert path.stat().st_mode & 0o777 == 0o600
    fresh = tmp_path / "new.toml"
    save_frame(demo_frame(), fresh)
    assert fresh.stat().st_mode & 0o777 == 0o600


def test_read_only_frame_is_refused_and_left_alone(tmp_path: Path) -> None:
    path = tmp_path / "frame.toml"
    path.write_text("protected")
    path.chmod(0o444)
    with pytest.raises(FrameFileError) as info:
        save_frame(demo_frame(), path)
    assert str(info.value) == (f"{path}: the file is read-only; not replaced (make it "
                               "writable to save)")
    assert path.read_text() == "protected" and path.stat().st_mode & 0o777 == 0o444
    assert [p.name for p in tmp_path.iterdir()] == ["frame.toml"]  # no temp file left


def test_app_directories_are_made_private(tmp_path: Path,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    data = tmp_path / "data"
    monkeypatch.setenv(store.DATA_DIR_ENV, str(data))
    frame = store.ensure_user_frame()
    assert data.stat().st_mode & 0o777 == 0o700
    assert frame.stat().st_mode & 0o777 == 0o600
    shots = data / "screenshots"
    shots.mkdir(mode=0o755)  # what a caller's plain mkdir makes
    data.chmod(0o755)
    store.atomic_write_bytes(shots / "a.svg", b"<svg/>")
    assert shots.stat().st_mode & 0o777 == 0o700 and data.stat().st_mode & 0o777 == 0o700
    elsewhere = tmp_path / "mine"
    elsewhere.mkdir(mode=0o755)
    elsewhere.chmod(0o755)
    store.atomic_write_bytes(elsewhere / "f.toml", b"x")  # the user's own directory: untouched
    assert elsewhere.stat().st_mode & 0o777 == 0o755


def test_save_through_a_symlink_keeps_the_link(tmp_path: Path) -> None:
    real = tmp_path / "real.toml"
    real.write_text("old")
    link = tmp_path / "frame.toml"
    link.symlink_to(real)
    save_frame(demo_frame(), link)
    assert link.is_symlink() and load_frame(real) == demo_frame()


def test_atomic_write_with_explicit_mode(tmp_path: Path) -> None:
    key = tmp_path / "host_key"
    store.atomic_write_bytes(key, b"secret", mode=0o600)
    assert key.read_bytes() == b"secret" and key.stat().st_mode & 0o777 == 0o600


def test_save_into_missing_directory_is_a_frame_file_error(tmp_path: Path) -> None:
    with pytest.raises(FrameFileError, match="cannot write"):
        save_frame(demo_frame(), tmp_path / "no" / "such" / "frame.toml")


# ---------------------------------------------------------------- locations


def test_env_overrides(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(store.DATA_DIR_ENV, str(tmp_path / "d"))
    monkeypatch.setenv(store.CONFIG_DIR_ENV, str(tmp_path / "c"))
    monkeypatch.setenv(store.STATE_DIR_ENV, str(tmp_path / "s"))
    assert store.data_dir() == tmp_path / "d"
    assert store.config_dir() == tmp_path / "c"
    assert store.state_dir() == tmp_path / "s"
    assert user_frame_path() == tmp_path / "d" / "frame.toml"


def test_default_locations_use_platformdirs(monkeypatch: pytest.MonkeyPatch) -> None:
    for var in ENV_VARS:
        monkeypatch.delenv(var)
    for directory in (store.data_dir(), store.config_dir(), store.state_dir()):
        assert "hmc-tui" in directory.parts
    monkeypatch.setenv(store.DATA_DIR_ENV, "")  # empty means "not set"
    assert "hmc-tui" in store.data_dir().parts


def test_ensure_user_frame_creates_once(tmp_path: Path) -> None:
    path = ensure_user_frame()
    assert path == user_frame_path()
    # the two-system demo, copied verbatim, comments and all
    assert path.read_text() == store.demo_hmc_text()
    assert load_hmc(path).systems[0] == demo_frame()
    path.write_text("# the user's own frame, even a broken one, is never replaced\n")
    mtime = path.stat().st_mtime_ns
    assert ensure_user_frame() == path
    assert path.read_text().startswith("# the user's own frame")
    assert path.stat().st_mtime_ns == mtime
    assert [p.name for p in path.parent.iterdir()] == ["frame.toml"]


def test_ensure_user_frame_reports_unwritable_location(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "blocker"
    blocker.write_text("a file where the data directory should be")
    monkeypatch.setenv(store.DATA_DIR_ENV, str(blocker / "data"))
    with pytest.raises(FrameFileError, match=r"blocker/data/frame\.toml: cannot write: "):
        ensure_user_frame()


def test_line_numbers_survive_tricky_toml() -> None:
    """Strings that look like headers or keys, comments and multi-line values do not
    throw the line finder off."""
    text = demo_frame_text().replace(
        'os_version = "VIOS 4.1.0.10"',
        "os_version = \"\"\"VIOS 4.1.0.10\n[[partitions]]\nid = 99 # \"quoted\"\n\"\"\"\n"
        "# [[partitions]] in a comment\nrmc_ipaddr = '''\n[x]'''",
        1,
    ).replace('rmc_ipaddr = "10.20.1.11"\n', "", 1)
    broken = text.replace("pvid = 10, mac", "pvid = 0, mac", 1)
    with pytest.raises(FrameFileError) as info:
        frame_from_toml(broken, "f.toml")
    assert info.value.where == "partitions[2].adapters[4].pvid"
    assert info.value.line == _line_containing(broken, "pvid = 0, mac")
