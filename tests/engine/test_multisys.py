"""Several managed systems on one HMC (engine.hmc): the file layout, one clock with one PHYP
dispatcher per system, operations naming their system, replay of a several-system log."""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

import pytest

from engine import ops
from engine.durable import open_engine
from engine.errors import HmcError
from engine.hmc import Hmc
from engine.model import Frame
from engine.roles import Actor
from engine.service import Engine, system_seed
from engine.store import (
    FrameFileError,
    demo_frame,
    demo_frame_text,
    frame_to_toml,
    hmc_from_toml,
    hmc_to_toml,
    save_hmc,
)

ADMIN = Actor()


def twin(frame: Frame, name: str = "Server-DR", serial: str = "78H4B99") -> Frame:
    """Another system: the same hardware and partitions under another name and serial."""
    system = frame.system.model_copy(update={"name": name, "serial": serial})
    return frame.model_copy(update={"system": system})


def two() -> Hmc:
    prod = demo_frame()
    return Hmc(systems=(prod, twin(prod)))


# ---------------------------------------------------------------- the file


def test_a_one_system_file_round_trips_byte_for_byte() -> None:
    text = frame_to_toml(demo_frame())
    hmc = hmc_from_toml(text, "frame.toml")
    assert len(hmc.systems) == 1
    assert hmc_to_toml(hmc) == text  # the same layout as before several systems existed
    assert "[[systems]]" not in text


def test_a_several_system_file_round_trips() -> None:
    hmc = two()
    text = hmc_to_toml(hmc)
    assert text.count("[[systems]]") == 2
    assert text.startswith("format = 1\n")
    back = hmc_from_toml(text, "frame.toml")
    assert back == hmc
    assert back.names == ("Server-9080-HEX-SN78H4A21", "Server-DR")
    assert hmc_to_toml(back) == text


def second_header(text: str, header: str) -> int:
    """The line of `header` in the second [[systems]] table."""
    rows = text.splitlines()
    first = rows.index("[[systems]]")
    start = rows.index("[[systems]]", first + 1)
    return rows.index(header, start) + 1


def test_duplicate_system_names_are_refused_with_file_and_line() -> None:
    prod = demo_frame()
    text = hmc_to_toml(Hmc.model_construct(systems=(prod, twin(prod, name=prod.system.name))))
    with pytest.raises(FrameFileError) as err:
        hmc_from_toml(text, "two.toml")
    line = second_header(text, "[systems.system]") + 1
    assert text.splitlines()[line - 1] == 'name = "Server-9080-HEX-SN78H4A21"'
    assert str(err.value) == (
        f"two.toml:{line}: systems[1].system.name: HSCL1301 The managed system name "
        "Server-9080-HEX-SN78H4A21 is already used by another managed system of this HMC.")


def test_duplicate_mtms_and_split_clocks_are_refused() -> None:
    prod = demo_frame()
    with pytest.raises(HmcError) as err:
        Hmc(systems=(prod, twin(prod, serial=prod.system.serial)))
    assert err.value.code == "HSCL1302"
    with pytest.raises(HmcError) as err:
        Hmc(systems=(prod, twin(prod).model_copy(update={"engine_time": 5.0})))
    assert err.value.code == "HSCL1303"


def test_a_bad_field_in_the_second_system_names_it_with_its_line() -> None:
    text = hmc_to_toml(two())
    rows = text.splitlines()
    line = second_header(text, "[[systems.partitions]]") + 1
    assert rows[line - 1] == "id = 1"
    rows[line - 1] = "id = 0"
    with pytest.raises(FrameFileError) as err:
        hmc_from_toml("\n".join(rows), "two.toml")
    assert str(err.value) == (f"two.toml:{line}: systems[1].partitions[0].id: Input should "
                              "be greater than or equal to 1 (got 0)")


def test_a_one_system_loader_refuses_several_systems() -> None:
    from engine.store import frame_from_toml

    with pytest.raises(FrameFileError) as err:
        frame_from_toml(hmc_to_toml(two()), "two.toml")
    assert str(err.value) == "two.toml:3: holds 2 managed systems; this needs a file with one"


def test_load_of_a_one_system_file_is_unchanged(tmp_path: Path) -> None:
    path = tmp_path / "frame.toml"
    path.write_text(demo_frame_text())
    engine, _ = open_engine(path)
    assert engine.system_count == 1
    engine.oplog.close()  # type: ignore[union-attr]


# ---------------------------------------------------------------- the engine


def test_two_systems_step_on_one_clock_with_independent_dispatchers() -> None:
    hmc = two()
    both = Engine(hmc, seed=3)
    both.step(60)
    snap = both.snapshot()
    assert snap.time == 60.0
    assert [f.engine_time for f in snap.frames] == [60.0, 60.0]
    # each system's dispatcher gives exactly what it gives alone, with its own seed
    for i, frame in enumerate(hmc.systems):
        alone = Engine(frame, seed=system_seed(3, i))
        alone.step(60)
        assert snap.physcs[i] == alone.snapshot().physc
        assert snap.system_pools[i] == alone.snapshot().pools
    assert snap.physc == snap.physcs[0]
    assert snap.on("Server-DR").physc == snap.physcs[1]
    assert snap.physcs[0] != snap.physcs[1]  # their own workload streams


def test_an_operation_names_its_system() -> None:
    engine = Engine(two())
    refused = engine.execute(ops.SetUncapWeight(lpar="was01", uncap_weight=77), ADMIN)
    assert (refused.code, refused.message) == (
        "HSCL1300", "The managed system must be specified (-m): this HMC manages 2 systems "
        "(Server-9080-HEX-SN78H4A21, Server-DR).")
    unknown = engine.execute(
        ops.SetUncapWeight(lpar="was01", uncap_weight=77, system="nosuch"), ADMIN)
    assert (unknown.code, unknown.message) == (
        "HSCL8014", "The managed system nosuch was not found.")
    ok = engine.execute(
        ops.SetUncapWeight(lpar="was01", uncap_weight=77, system="9080-HEX*78H4B99"), ADMIN)
    assert ok.ok and ok.event.system == "Server-DR"
    snap = engine.snapshot()
    assert snap.system("Server-DR").partition("was01").current.uncap_weight == 77  # type: ignore[union-attr]
    assert snap.system("Server-9080-HEX-SN78H4A21").partition(
        "was01").current.uncap_weight == 128  # type: ignore[union-attr]
    with pytest.raises(HmcError) as err:
        snap.system("nosuch")
    assert err.value.code == "HSCL8014"


def test_lifecycle_steps_run_on_each_system() -> None:
    engine = Engine(two())
    for system in ("Server-9080-HEX-SN78H4A21", "Server-DR"):
        assert engine.execute(ops.ActivatePartition(lpar="sandbox01", system=system),
                              ADMIN).ok
    engine.step(20)
    snap = engine.snapshot()
    # sandbox01 has no OS (bootable = false): both stop at the boot-device error at 16 s
    assert [f.partition("sandbox01").state for f in snap.frames] == ["Error", "Error"]  # type: ignore[union-attr]
    steps = [(e.system, e.message, e.time) for e in snap.events if e.op == "state"]
    assert steps == [("Server-9080-HEX-SN78H4A21", "Running", 7.0), ("Server-DR", "Running", 7.0),
                     ("Server-9080-HEX-SN78H4A21", "Error", 16.0), ("Server-DR", "Error", 16.0)]


def test_a_several_system_log_replays(tmp_path: Path) -> None:
    path = tmp_path / "frame.toml"
    save_hmc(two(), path)
    engine, _ = open_engine(path)
    assert engine.execute(ops.ActivatePartition(lpar="sandbox01", system="Server-DR"),
                          ADMIN).ok
    engine.step(10)
    assert engine.execute(
        ops.SetUncapWeight(lpar="was01", uncap_weight=9, system="Server-DR"), ADMIN).ok
    expected = engine.snapshot()
    engine.oplog.close()  # type: ignore[union-attr]  # a crash: nothing saved
    again, recovery = open_engine(path)
    assert recovery.replayed == 2 and not recovery.refused
    snap = again.snapshot()
    assert snap.frames[1].partition("was01") == expected.frames[1].partition("was01")
    assert snap.frames[1].partition("sandbox01").state == "Running"  # type: ignore[union-attr]
    assert snap.frames[0].partition("sandbox01").state == "Not Activated"  # type: ignore[union-attr]
    assert snap.frames[0] == expected.frames[0].model_copy(update={"engine_time": snap.time})
    again.step(600)
    from engine import durable

    durable.save(again, path)
    again.oplog.close()  # type: ignore[union-attr]
    third, recovery = open_engine(path)
    assert recovery.replayed == 0
    assert third.snapshot().frames[1].partition("sandbox01").state == "Error"  # type: ignore[union-attr]
    third.oplog.close()  # type: ignore[union-attr]


# ---------------------------------------------------------------- the two-system demo


def test_the_demo_hmc_is_the_demo_frame_and_a_dr_e1050() -> None:
    from engine.store import demo_hmc

    hmc = demo_hmc()
    assert hmc.systems[0] == demo_frame()  # the one-system demo, unchanged, comes first
    dr = hmc.systems[1]
    assert (dr.system.name, dr.mtms, dr.hardware.name) == (
        "Server-9043-MRX-SN78K3D05", "9043-MRX*78K3D05", "Power E1050")
    assert [p.name for p in dr.partitions] == ["drvios1", "drvios2", "drtest01"]

    def vlans(frame: Frame) -> set[int]:  # bridged by a SEA of a VIOS
        out: set[int] = set()
        for p in frame.partitions:
            for sea in p.seas:
                for slot in sea.trunk_slots:
                    a = p.adapter(slot)
                    out |= {a.pvid, *a.vlans} if a is not None and a.type == "eth" else set()
        return out

    assert vlans(dr) == vlans(hmc.systems[0]) == {1, 10, 20, 30}
    prod_luns = {d.unique_id: d.name for d in hmc.systems[0].io.disks if d.unique_id}
    dr_luns = {d.unique_id: d.name for d in dr.io.disks if d.unique_id}
    assert sorted(prod_luns[u] for u in set(prod_luns) & set(dr_luns)) == [
        "hdisk3", "hdisk5", "hdisk6", "hdisk7"]  # was01, dev01, test01, dev02 rootvg
    assert dr.pool("DevTestPool") is not None


def test_a_first_start_copies_the_two_system_demo(tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    from engine.store import DATA_DIR_ENV, demo_hmc_text, ensure_user_frame, load_hmc

    monkeypatch.setenv(DATA_DIR_ENV, str(tmp_path))
    path = ensure_user_frame()
    assert path.read_text() == demo_hmc_text()
    assert len(load_hmc(path).systems) == 2


# ---------------------------------------------------------------- operations across systems


class WeightOnBoth(ops.Operation):
    """A toy operation across systems: the same partition's weight on two systems."""

    op: str = "weight_on_both"
    task: ClassVar[str] = "dlpar"
    spans_systems: ClassVar[bool] = True
    lpar: str
    weights: tuple[int, int]
    other: str

    def apply_systems(self, ctx: ops.SystemsContext) -> None:
        for key, weight in zip((self.system, self.other), self.weights, strict=True):
            ops.SetUncapWeight(lpar=self.lpar, uncap_weight=weight).apply(ctx.on(key))
        ctx.data["done"] = True

    def command(self, frame: Frame) -> str:
        return f"weight {self.lpar} on {frame.system.name} and {self.other}"


def test_an_operation_across_systems_commits_both_or_neither() -> None:
    engine = Engine(two())
    prod = "Server-9080-HEX-SN78H4A21"
    ok = engine.execute(WeightOnBoth(system=prod, other="Server-DR", lpar="was01",
                                     weights=(10, 20)), ADMIN)
    assert ok.ok and ok.data == {"done": True}
    assert (ok.event.system, ok.event.command) == (
        prod, f"weight was01 on {prod} and Server-DR")
    weights = [f.partition("was01").current.uncap_weight for f in engine.snapshot().frames]  # type: ignore[union-attr]
    assert weights == [10, 20]
    # refused on a system (a capped partition has no weight), or the first one changed and
    # the second unknown: neither system changes
    refused = engine.execute(WeightOnBoth(system=prod, other="Server-DR", lpar="nim01",
                                          weights=(1, 2)), ADMIN)
    assert refused.code == "HSCL0A0F"
    refused = engine.execute(WeightOnBoth(system=prod, other="nosuch", lpar="was01",
                                          weights=(30, 40)), ADMIN)
    assert refused.code == "HSCL8014"
    weights = [f.partition("was01").current.uncap_weight for f in engine.snapshot().frames]  # type: ignore[union-attr]
    assert weights == [10, 20]
