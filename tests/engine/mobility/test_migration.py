"""A migration in the engine: phases on the clock, both frames changing, stop and recover.

Workloads are made flat (steady, no noise) so the dirty rate is constant and the times are
the timing model's exact figures (docs/mobility.md section 2)."""

from __future__ import annotations

import pytest

from engine.hmc import Hmc
from engine.mobility import timing
from engine.model import Frame, VirtualScsi, Workload
from engine.ops import MigratePartition
from engine.roles import Actor
from engine.service import Engine

DR = "Server-9043-MRX-SN7D4B2A1"  # conftest.dr_frame

ADMIN = Actor()


def flat(frame: Frame, name: str, base: float) -> Frame:
    p = frame.partition(name)
    assert p is not None
    return frame.with_partition(p.model_copy(update={
        "workload": Workload(kind="steady", params={"base": base, "noise": 0.0})}))


def engine_for(prod: Frame, dr: Frame) -> Engine:
    return Engine(Hmc(systems=(prod, dr)))


def migrate(e: Engine, prod: Frame, lpar: str, **kw: object) -> object:
    return e.execute(MigratePartition(system=prod.system.name, lpar=lpar, dest_system=DR,
                                      **kw), ADMIN)  # type: ignore[arg-type]


def messages(e: Engine, target: str) -> list[tuple[float, str]]:
    return [(ev.time, ev.message) for ev in e.snapshot().events
            if ev.op == "migrate" and ev.target == target and ev.message]


def test_active_migration_moves_the_partition_at_the_computed_time(prod: Frame,
                                                                   dr: Frame) -> None:
    prod = flat(prod, "was01", 0.4)  # 4 VPs x 0.4 = 1.6 cores: 320 MB/s dirtied
    e = engine_for(prod, dr)
    r = migrate(e, prod, "was01")
    assert r.ok, r  # type: ignore[attr-defined]
    snap = e.snapshot()
    assert snap.system(prod.system.name).partition("was01").state == "Migrating - Running"  # type: ignore[union-attr]
    shell = snap.system(DR).partition(4)
    assert shell is not None and shell.state == "Migrating - Running"
    e.step(20)
    snap = e.snapshot()
    assert snap.physcs[0][4] == pytest.approx(1.6, abs=0.01)  # still runs on the source
    assert snap.physcs[1][4] == 0.0  # the shell uses nothing
    e.step(40)
    converged = 5 + (32768 - 625) / (1250 - 320)
    times = messages(e, "was01")
    assert times[:2] == [
        (5.0, f"shell partition was01 (ID 4) ready on {DR}"),
        (5.0, "memory copy started: 32768 MB from vios1 to drvios1 at 1250 MB/s")]
    assert times[2][0] == pytest.approx(converged, abs=0.011)
    assert times[3][0] == pytest.approx(converged + 1.0, abs=0.011)
    assert times[3][1] == f"migration complete: was01 is running on {DR} as partition ID 4"
    # each VIOS adapter made on the target and removed on the source is a journal line
    assert messages(e, "drvios2") == [(5.0, "created vhost0 (slot 10) for was01")]
    assert messages(e, "vios2") == [(times[3][0], "removed vhost1 (slot 14)")]
    snap = e.snapshot()
    assert snap.system(prod.system.name).partition("was01") is None
    moved = snap.system(DR).partition("was01")
    assert moved is not None and (moved.state, moved.rmc_state) == ("Running", "active")
    assert snap.physcs[1][4] == pytest.approx(1.6, abs=0.01)  # now on the DR dispatcher
    # its disk is mapped on both DR VIOS, to the LUN with the same unique_id
    drvios1 = snap.system(DR).partition("drvios1")
    assert drvios1 is not None
    assert [(m.vhost_slot, m.vtd, m.backing) for m in drvios1.vscsi_mappings] == [
        (10, "vtscsi0", "hdisk3")]
    assert [a.remote_slot for a in moved.adapters if isinstance(a, VirtualScsi)] == [10, 10]
    vios1 = snap.system(prod.system.name).partition("vios1")
    assert vios1 is not None and all(a.slot != 14 for a in vios1.adapters)
    assert all(m.vhost_slot != 14 for m in vios1.vscsi_mappings)


def test_never_converging_migration_is_stopped(prod: Frame, dr: Frame) -> None:
    prod = flat(prod, "hana01", 1.0)  # 8 dedicated cores busy: 1600 MB/s >= 1250
    e = engine_for(prod, dr)
    assert migrate(e, prod, "hana01").ok  # type: ignore[attr-defined]
    e.step(5 + timing.STALL_S + 1)
    events = [ev for ev in e.snapshot().events if ev.code == "HSCL1322"]
    assert len(events) == 1 and events[0].time == pytest.approx(5 + timing.STALL_S)
    assert events[0].message.startswith(
        "The migration of partition hana01 was stopped: its memory changed faster (1600 MB/s)")
    snap = e.snapshot()
    p = snap.system(prod.system.name).partition("hana01")
    assert p is not None and p.state == "Running"
    assert snap.system(DR).partition("hana01") is None
    assert not snap.system(prod.system.name).migrations
    assert all(not v.npiv_mappings for v in snap.system(DR).partitions)


def test_stop_and_recover(prod: Frame, dr: Frame) -> None:
    e = engine_for(prod, dr)
    assert migrate(e, prod, "was01").ok  # type: ignore[attr-defined]
    e.step(10)
    stop = MigratePartition(system=prod.system.name, lpar="was01", action="stop")
    r = e.execute(stop, ADMIN)
    assert r.ok and r.data["message"] == (
        f"The migration of partition was01 was stopped by hscroot; the partition keeps "
        f"running on {prod.system.name}.")
    assert e.snapshot().events[-1].command == (
        f"migrlpar -o s -m {prod.system.name} -p was01")
    snap = e.snapshot()
    assert snap.system(prod.system.name).partition("was01").state == "Running"  # type: ignore[union-attr]
    assert snap.system(DR).partition("was01") is None
    assert all(len(v.adapters) == 2 for v in snap.system(DR).partitions)  # trunk + control
    again = e.execute(stop, ADMIN)
    assert (again.ok, again.code) == (False, "HSCL0D0F")
    # recover also rolls back a migration in progress
    assert migrate(e, prod, "was01").ok  # type: ignore[attr-defined]
    recover = MigratePartition(system=prod.system.name, lpar="was01", action="recover")
    assert e.execute(recover, ADMIN).ok
    assert e.snapshot().system(DR).partition("was01") is None


def test_inactive_migration_moves_the_definition(prod: Frame, dr: Frame) -> None:
    e = engine_for(prod, dr)
    r = migrate(e, prod, "dev02", dest_lpar_id=30)
    assert r.ok and r.data["kind"] == "inactive"  # type: ignore[attr-defined]
    assert e.snapshot().system(prod.system.name).partition("dev02").state == (  # type: ignore[union-attr]
        "Migrating - Not Activated")
    e.step(timing.INACTIVE_S)
    snap = e.snapshot()
    moved = snap.system(DR).partition("dev02")
    assert moved is not None and (moved.id, moved.state) == (30, "Not Activated")
    assert moved.profiles[0].shared_proc_pool_id == 1  # DevTestPool on the DR frame too
    assert snap.system(prod.system.name).partition("dev02") is None


def test_refusals_carry_the_rule_code(prod: Frame, dr: Frame) -> None:
    e = engine_for(prod, dr)
    assert migrate(e, prod, "vios1").code == "HSCL1320"  # type: ignore[attr-defined]
    assert migrate(e, prod, "nim01").code == "HSCL1327"  # type: ignore[attr-defined]
    viewer = MigratePartition(system=prod.system.name, lpar="was01", dest_system=DR)
    assert e.execute(viewer, Actor(user="v", role="hmcviewer")).code == "HSCL350B"
    assert migrate(e, prod, "was01").ok  # type: ignore[attr-defined]
    assert migrate(e, prod, "was01").code == "HSCL132F"  # type: ignore[attr-defined]
    # a migrating partition is held: no shutdown on the source, no activation of the shell
    from engine.ops import ActivatePartition, ShutdownPartition

    down = e.execute(ShutdownPartition(system=prod.system.name, lpar="was01",
                                       option="immediate"), ADMIN)
    assert (down.code, down.message) == (
        "HSCL0B02", "The partition was01 is in state Migrating - Running; the operation "
        "cannot be performed while it is in this state.")
    assert migrate(e, prod, "dev02").ok  # type: ignore[attr-defined]
    up = e.execute(ActivatePartition(system=DR, lpar="dev02"), ADMIN)
    assert up.code == "HSCL0B02"
