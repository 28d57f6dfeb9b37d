"""The engine service: clock modes, determinism, snapshots and concurrent submitters."""

from __future__ import annotations

import threading
import time

import pytest

from engine import ops
from engine.roles import Actor
from engine.rules import check_frame
from engine.service import Engine
from engine.store import demo_frame

ADMIN = Actor()


def scripted_run(seed: int):
    """A fixed sequence of operations and steps; returns the final snapshot."""
    engine = Engine(demo_frame(), seed=seed)
    engine.step(12.34)
    engine.execute(ops.ActivatePartition(lpar="dev02"), ADMIN)
    engine.step(30)
    engine.execute(ops.ChangeProcessors(lpar="was01", action="add", proc_units=0.5), ADMIN)
    engine.execute(ops.ShutdownPartition(lpar="test01", option="immediate"), ADMIN)
    engine.step(95.5)
    return engine.snapshot()


def test_same_seed_and_operations_give_identical_snapshots() -> None:
    a, b = scripted_run(42), scripted_run(42)
    assert a.time == b.time == pytest.approx(137.84)
    assert a.frame == b.frame
    assert a.physc == b.physc
    assert a.pools == b.pools
    # `wall` is when it happened in the real world; the simulation is what must repeat.
    assert ([e.model_dump(exclude={"wall"}) for e in a.events]
            == [e.model_dump(exclude={"wall"}) for e in b.events])


def test_engine_time_is_whole_dispatch_windows() -> None:
    engine = Engine(demo_frame())
    for _ in range(1000):
        engine.step(0.01)
    assert engine.time == 10.0  # exact: time is counted in windows, not summed floats
    engine.step(0.004)  # less than half a window: nothing
    assert engine.time == 10.0


def test_snapshot_versions_and_frame_versions() -> None:
    engine = Engine(demo_frame())
    s1 = engine.snapshot()
    engine.step(1)
    s2 = engine.snapshot()
    assert s2.version > s1.version and s2.frame_version == s1.frame_version
    engine.execute(ops.SetUncapWeight(lpar="was01", uncap_weight=99), ADMIN)
    s3 = engine.snapshot()
    assert s3.frame_version == s2.frame_version + 1
    # Snapshots are immutable values: the old one still shows the old weight.
    assert s2.frame.partition("was01").current.uncap_weight == 128
    assert s3.frame.partition("was01").current.uncap_weight == 99


def test_realtime_clock_runs_pauses_and_changes_speed() -> None:
    engine = Engine(demo_frame(), mode="accelerated", speed=20.0)
    engine.start()
    try:
        time.sleep(0.5)
        moved = engine.time
        assert 4.0 <= moved <= 15.0
        engine.pause()
        time.sleep(0.1)
        paused_at = engine.time
        time.sleep(0.3)
        assert engine.time == paused_at
        assert engine.snapshot().clock.paused
        engine.resume()
        engine.set_speed(1.0)
        assert engine.snapshot().clock.mode == "realtime"
        time.sleep(0.3)
        assert paused_at < engine.time < paused_at + 1.5
    finally:
        engine.stop()


def test_concurrent_submitters_and_readers() -> None:
    engine = Engine(demo_frame(), mode="accelerated", speed=50.0)
    engine.start()
    errors: list[str] = []
    results = []
    lock = threading.Lock()

    def submitter(n: int) -> None:
        actor = Actor(user=f"user{n}")
        for i in range(25):
            weight = (n * 25 + i) % 256
            fut = engine.submit(ops.SetUncapWeight(lpar="was01", uncap_weight=weight), actor)
            with lock:
                results.append(fut)

    def reader() -> None:
        last = 0
        for _ in range(300):
            snap = engine.snapshot()
            if snap.version < last:
                errors.append("version went backwards")
            last = snap.version
            _ = [p.state for p in snap.frame.partitions]

    threads = [threading.Thread(target=submitter, args=(n,)) for n in range(4)]
    threads += [threading.Thread(target=reader) for _ in range(2)]
    try:
        for t in threads:
            t.start()
        for t in threads:
            t.join(10)
        outcomes = [f.result(10) for f in results]
    finally:
        engine.stop()
    assert not errors
    assert len(outcomes) == 100 and all(r.ok for r in outcomes)
    submitted = [e for e in engine.snapshot().events if e.op == "set_weight"]
    assert len(submitted) == 100
    assert {e.user for e in submitted} == {"user0", "user1", "user2", "user3"}
    check_frame(engine.snapshot().frame)


def test_execute_waits_for_the_clock_thread() -> None:
    engine = Engine(demo_frame(), mode="realtime")
    engine.start()
    try:
        result = engine.execute(ops.ActivatePartition(lpar="dev02"), ADMIN)
        assert result.ok
        assert engine.snapshot().frame.partition("dev02").state == "Starting"
    finally:
        engine.stop()
