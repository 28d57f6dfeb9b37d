"""A migration survives a crash: replaying the operation log brings the copy back to where
it was at the last logged operation's engine time (the same bytes sent and left, the same
phase), and it then ends at the same engine time as if nothing had happened.

A "crash" drops the engine without saving (tests/engine/test_durable.py). Replay dispatches
the processors over the logged time while a migration is under way, because the copy
depends on the pages the partition dirtied (engine/service.py, Engine.replay)."""

from __future__ import annotations

from pathlib import Path

import pytest

from engine import durable, ops
from engine.durable import open_engine
from engine.hmc import Hmc
from engine.model import Frame, Workload
from engine.ops import MigratePartition
from engine.roles import Actor
from engine.service import Engine
from engine.store import save_hmc

DR = "Server-9043-MRX-SN7D4B2A1"
ADMIN = Actor()


def flat(frame: Frame, name: str, base: float) -> Frame:
    p = frame.partition(name)
    assert p is not None
    return frame.with_partition(p.model_copy(update={
        "workload": Workload(kind="steady", params={"base": base, "noise": 0.0})}))


def crash(engine: Engine) -> None:
    assert engine.oplog is not None
    engine.oplog.close()


def script(e: Engine, source: str) -> None:
    """What the users did: was01 to the DR frame at 3 s, dev02 started at 4 s (lifecycle
    steps while the copy runs), a weight changed at 23.5 s (the last logged operation)."""
    e.step(3)
    assert e.execute(MigratePartition(system=source, lpar="was01", dest_system=DR), ADMIN).ok
    e.step(1)
    assert e.execute(ops.ActivatePartition(lpar="dev02", system=source), ADMIN).ok
    e.step(7.25)  # a boundary the log does not know of
    e.step(12.25)
    assert e.execute(ops.SetUncapWeight(lpar="dev01", uncap_weight=10, system=source),
                     ADMIN).ok


def migration(e: Engine) -> object:
    return e.state().hmc.systems[0].migrations[0]


@pytest.mark.parametrize("noise", [False, True])
def test_replay_puts_the_migration_where_it_was(tmp_path: Path, prod: Frame, dr: Frame,
                                                noise: bool) -> None:
    source = prod.system.name
    if not noise:
        prod = flat(prod, "was01", 0.4)  # 1.6 cores: 320 MB/s dirtied
    path = tmp_path / "frame.toml"
    save_hmc(Hmc(systems=(prod, dr)), path)
    reference = Engine(Hmc(systems=(prod, dr)))  # the same story, never crashing
    script(reference, source)

    engine, _ = open_engine(path)
    script(engine, source)
    told = engine.state().hmc
    crash(engine)
    again, recovery = open_engine(path)
    assert (recovery.replayed, recovery.refused) == (3, [])
    assert again.time == 23.5
    m, r = migration(again), migration(reference)
    assert m.state == "Migration In Progress"  # type: ignore[attr-defined]
    if noise:  # the same cores used, summed between other tick boundaries: within 1 KB
        assert m.sent_mb == r.sent_mb  # type: ignore[attr-defined]
        assert m.remaining_mb == pytest.approx(  # type: ignore[attr-defined]
            r.remaining_mb, abs=0.001)  # type: ignore[attr-defined]
        return
    # 15.5 s of copy at 1250 MB/s, 320 MB/s dirtied: 19375 MB sent, 32768 - 14415 left
    assert (m.sent_mb, m.remaining_mb) == (19375.0, 18353.0)  # type: ignore[attr-defined]
    assert again.state().hmc == told == reference.state().hmc
    # and it ends when it would have: 3 + 5 + (32768 - 625) / 930 + 0.5 + 0.5 s
    again.step(30)
    reference.step(30)
    assert again.state().hmc == reference.state().hmc

    def done(e: Engine) -> list[float]:
        return [ev.time for ev in e.snapshot().events
                if ev.message.startswith("migration complete: was01")]

    assert done(again) == done(reference) == [pytest.approx(3 + 5 + 32143 / 930 + 1,
                                                            abs=0.01)]
    crash(again)


def test_a_checkpoint_taken_mid_copy_resumes_it(tmp_path: Path, prod: Frame,
                                                dr: Frame) -> None:
    """Saved while the memory is being copied, then a crash after one more operation: the
    frame file holds the migration, the replay moves it on from there to the same bytes."""
    source = prod.system.name
    prod = flat(prod, "was01", 0.4)
    path = tmp_path / "frame.toml"
    save_hmc(Hmc(systems=(prod, dr)), path)
    engine, _ = open_engine(path)
    reference = Engine(Hmc(systems=(prod, dr)))
    for e in (engine, reference):
        assert e.execute(MigratePartition(system=source, lpar="was01", dest_system=DR),
                         ADMIN).ok
        e.step(12.37)
    durable.save(engine, path)  # 7.37 s into the copy
    for e in (engine, reference):
        e.step(6)
        assert e.execute(ops.SetUncapWeight(lpar="dev01", uncap_weight=10, system=source),
                         ADMIN).ok
    crash(engine)
    again, recovery = open_engine(path)
    assert (recovery.checkpoint_found, recovery.replayed) == (True, 1)
    m = migration(again)
    # 13.37 s of copy: 16712.5 MB sent, 32768 - 13.37 x 930 = 20333.9 MB left
    assert (m.state, m.sent_mb, round(m.remaining_mb, 6)) == (  # type: ignore[attr-defined]
        "Migration In Progress", 16712.5, 20333.9)
    assert again.state().hmc == reference.state().hmc
    again.step(40)
    reference.step(40)
    assert again.state().hmc == reference.state().hmc
    assert again.state().hmc.systems[1].partition("was01").state == "Running"  # type: ignore[union-attr]
    crash(again)
