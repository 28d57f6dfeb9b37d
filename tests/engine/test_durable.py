"""The operation log (engine.durable): acknowledged means durable, replay gives back exactly
what the clients were told, checkpoints never double-apply, the journal survives restarts.

A "crash" here is dropping an engine without saving: what a kill -9 leaves is the frame file
and the database, which is all the next open_engine reads (tests/service/test_durability.py
kills real processes).
"""

from __future__ import annotations

import os
import sqlite3
import time
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engine import durable, ops
from engine.durable import OpLog, db_path_for, open_engine
from engine.model import Frame
from engine.roles import Actor
from engine.service import Engine, OpResult
from engine.store import FrameFileError, demo_frame, demo_frame_text, load_frame, save_frame

ADMIN = Actor()
OPER = Actor(user="oper", role="hmcoperator")
PROFILE = dict(name="default_profile", min_proc_units=0.1, desired_proc_units=0.2,
               max_proc_units=1.0, min_procs=1, desired_procs=2, max_procs=4,
               min_mem=2048, desired_mem=4096, max_mem=8192)


def create(name: str) -> ops.Operation:
    return ops.build({"op": "create_lpar", "name": name, "env": "aixlinux",
                      "profile": PROFILE})


@pytest.fixture
def frame_path(tmp_path: Path) -> Path:
    path = tmp_path / "frame.toml"
    path.write_text(demo_frame_text())
    return path


def run(engine: Engine, op: ops.Operation, actor: Actor = ADMIN) -> OpResult:
    return engine.execute(op, actor)


def names(frame: Frame) -> list[str]:
    return [p.name for p in frame.partitions]


def live(engine: Engine) -> Frame:
    return engine.state().frame


def close(engine: Engine) -> None:
    """What a crash leaves: the process's connection goes away, nothing is saved."""
    assert engine.oplog is not None
    engine.oplog.close()


# ---------------------------------------------------------------- acknowledged = durable


def test_acknowledged_operations_survive_a_crash(frame_path: Path) -> None:
    engine, first = open_engine(frame_path)
    assert (first.checkpoint_found, first.replayed) == (False, 0)
    for i in range(20):
        assert run(engine, create(f"web{i:02d}")).ok
    engine.step(5)
    told = live(engine)
    close(engine)  # no save: the frame file still holds the demo frame
    assert "web00" not in names(load_frame(frame_path))

    again, recovery = open_engine(frame_path)
    assert (recovery.checkpoint_found, recovery.replayed, recovery.refused) == (True, 20, [])
    again.step(5)  # the recovered engine stands at the last operation's time
    assert live(again) == told
    close(again)


def test_operations_are_logged_with_actor_time_and_steps(frame_path: Path) -> None:
    engine, _ = open_engine(frame_path)
    engine.step(12.34)
    assert run(engine, ops.SetUncapWeight(lpar="was01", uncap_weight=77), OPER).ok
    assert not run(engine, ops.DeletePartition(lpar="was01")).ok  # refused: not logged
    close(engine)
    with sqlite3.connect(db_path_for(frame_path)) as db:
        rows = db.execute("SELECT seq, op, user, role, windows FROM ops").fetchall()
    assert rows == [(1, '{"op":"set_weight","lpar":"was01","uncap_weight":77}', "oper",
                     "hmcoperator", 1234)]


def test_database_uses_wal_and_full_sync_and_is_private(frame_path: Path) -> None:
    engine, _ = open_engine(frame_path)
    assert run(engine, create("web01")).ok
    db = engine.oplog._db  # type: ignore[union-attr]
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert db.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
    for suffix in ("", "-wal", "-shm"):
        path = Path(str(db_path_for(frame_path)) + suffix)
        assert path.stat().st_mode & 0o777 == 0o600, path
    close(engine)


# ---------------------------------------------------------------- checkpoints


def test_checkpoint_prunes_and_only_later_operations_replay(frame_path: Path) -> None:
    engine, _ = open_engine(frame_path)
    for i in range(3):
        run(engine, create(f"a{i}"))
    durable.save(engine, frame_path)
    assert names(load_frame(frame_path))[-3:] == ["a0", "a1", "a2"]
    run(engine, create("b0"))
    run(engine, create("b1"))
    told = live(engine)
    close(engine)
    with sqlite3.connect(db_path_for(frame_path)) as db:
        assert db.execute("SELECT seq FROM ops").fetchall() == [(4,), (5,)]
        assert db.execute("SELECT count(*) FROM checkpoints").fetchone() == (1,)
    again, recovery = open_engine(frame_path)
    assert (recovery.replayed, recovery.refused) == (2, [])
    assert live(again) == told
    close(again)


def test_crash_between_checkpoint_row_and_rename_keeps_the_old_file_valid(
        frame_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    engine, _ = open_engine(frame_path)
    run(engine, create("a0"))
    durable.save(engine, frame_path)
    run(engine, create("a1"))
    told = live(engine)

    def killed(*_: object) -> None:
        raise KeyboardInterrupt  # stands for the process dying right here

    monkeypatch.setattr(os, "replace", killed)
    with pytest.raises(KeyboardInterrupt):
        durable.save(engine, frame_path)
    monkeypatch.undo()
    close(engine)
    assert names(load_frame(frame_path))[-1] == "a0"  # the old file
    again, recovery = open_engine(frame_path)
    assert (recovery.replayed, recovery.refused) == (1, [])
    assert live(again) == told
    close(again)


def test_crash_between_rename_and_prune_does_not_apply_twice(
        frame_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    engine, _ = open_engine(frame_path)
    run(engine, create("a0"))
    run(engine, create("a1"))
    told = live(engine)
    monkeypatch.setattr(OpLog, "_prune", lambda *_: None)  # dies after the rename
    durable.save(engine, frame_path)
    close(engine)
    with sqlite3.connect(db_path_for(frame_path)) as db:
        assert db.execute("SELECT count(*) FROM ops").fetchone() == (2,)  # still there
    again, recovery = open_engine(frame_path)
    # The new file matches the new checkpoint: nothing replayed, so nothing refused as a
    # duplicate (a second create of a0 would be HSCL0A06).
    assert (recovery.checkpoint_found, recovery.replayed, recovery.refused) == (True, 0, [])
    assert live(again) == told
    close(again)


def test_hand_edited_frame_is_loaded_as_is_and_stale_log_archived(
        frame_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    engine, _ = open_engine(frame_path)
    run(engine, create("a0"))
    close(engine)
    frame_path.write_text(demo_frame_text().replace('name = "dev02"', 'name = "dev99"'))
    again, recovery = open_engine(frame_path)
    assert (recovery.checkpoint_found, recovery.replayed, recovery.archived) == (False, 0, 1)
    assert "dev99" in names(live(again)) and "a0" not in names(live(again))
    assert "changed outside hmc-tui" in caplog.text and "1 logged operation(s)" in caplog.text
    # The file as it is is the new base: an operation now survives a crash.
    run(again, create("c0"))
    close(again)
    third, recovery = open_engine(frame_path)
    assert (recovery.checkpoint_found, recovery.replayed) == (True, 1)
    assert "c0" in names(live(third)) and "dev99" in names(live(third))
    close(third)
    with sqlite3.connect(db_path_for(frame_path)) as db:
        archived = db.execute("SELECT seq, reason FROM ops_archive").fetchall()
    assert archived == [(1, f"frame file {frame_path} matched no checkpoint")]


def test_checkpoint_keeps_transitions_in_flight(frame_path: Path) -> None:
    """Saved mid-boot, the partition goes on booting after a restart, on schedule (a plain
    load would settle it to Running at once)."""
    engine, _ = open_engine(frame_path)
    assert run(engine, ops.ActivatePartition(lpar="dev02")).ok
    engine.step(5)
    durable.save(engine, frame_path)
    engine.step(1)
    assert run(engine, ops.SetUncapWeight(lpar="was01", uncap_weight=10)).ok
    engine.step(100)
    told = live(engine)
    close(engine)
    again, recovery = open_engine(frame_path)
    assert recovery.replayed == 1
    dev02 = again.snapshot().frame.partition("dev02")
    assert dev02 is not None and (dev02.state, dev02.rmc_state) == ("Starting", "inactive")
    again.step(100)
    assert live(again) == told
    close(again)


# ---------------------------------------------------------------- failing writes


def fill_up(engine: Engine) -> None:
    """The database's file system is full: sqlite refuses to grow it (SQLITE_FULL)."""
    db = engine.oplog._db  # type: ignore[union-attr]
    pages = db.execute("PRAGMA page_count").fetchone()[0]
    db.execute(f"PRAGMA max_page_count = {pages}")


def test_full_disk_refuses_the_operation_and_changes_nothing(frame_path: Path) -> None:
    engine, _ = open_engine(frame_path)
    fill_up(engine)
    before = engine.snapshot().frame
    results = [run(engine, create(f"big{i:03d}-{'x' * 20}")) for i in range(60)]
    refused = [r for r in results if not r.ok]
    assert refused, "the database never filled up"
    first = refused[0]
    assert first.code == "HSCL0C01"
    assert first.message == (
        "The operation was not performed: it could not be recorded in the operation log "
        f"{db_path_for(frame_path)} (database or disk is full). Nothing was changed; free "
        "space or fix the file, then retry.")
    assert first.event.ok is False and first.event.code == "HSCL0C01"
    accepted = [r.event.target for r in results if r.ok]
    frame = engine.snapshot().frame
    assert names(frame) == names(before) + accepted  # refused ones changed nothing
    # Space again: operations go through, and all the accepted ones survive a crash.
    engine.oplog._db.execute("PRAGMA max_page_count = 1073741823")  # type: ignore[union-attr]
    assert run(engine, create("after")).ok
    close(engine)
    again, recovery = open_engine(frame_path)
    assert names(live(again)) == names(before) + accepted + ["after"]
    assert recovery.refused == []
    close(again)


def test_read_only_database_refuses_operations(frame_path: Path) -> None:
    engine, _ = open_engine(frame_path)
    engine.oplog._db.execute("PRAGMA query_only = ON")  # type: ignore[union-attr]
    result = run(engine, create("web01"))
    assert (result.ok, result.code) == (False, "HSCL0C01")
    assert "attempt to write a readonly database" in result.message
    assert "web01" not in names(engine.snapshot().frame)
    close(engine)


def test_read_only_frame_file_is_not_saved_but_nothing_is_lost(frame_path: Path) -> None:
    engine, _ = open_engine(frame_path)
    run(engine, create("a0"))
    frame_path.chmod(0o444)
    with pytest.raises(FrameFileError, match="read-only; not replaced"):
        durable.save(engine, frame_path)
    assert frame_path.read_text() == demo_frame_text()
    run(engine, create("a1"))
    told = live(engine)
    close(engine)
    again, recovery = open_engine(frame_path)
    assert recovery.replayed == 2 and live(again) == told
    close(again)


def test_unusable_database_is_one_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "frame.toml"
    path.write_text(demo_frame_text())
    db_path_for(path).write_bytes(b"this is not a database" * 100)
    with pytest.raises(OSError) as info:
        open_engine(path)
    assert str(info.value) == f"{db_path_for(path)}: file is not a database"


# ---------------------------------------------------------------- the audit journal


def test_journal_survives_restarts(frame_path: Path) -> None:
    engine, _ = open_engine(frame_path)
    run(engine, ops.ActivatePartition(lpar="dev02"), OPER)
    run(engine, ops.DeletePartition(lpar="was01"), OPER)  # refused: kept in the audit
    engine.step(10)
    engine.flush_events()
    before = engine.snapshot().events
    close(engine)
    again, recovery = open_engine(frame_path)
    after = again.snapshot().events
    assert after == before and recovery.events_loaded == len(before)
    kinds = [(e.user, e.op, e.ok, e.code) for e in after]
    assert kinds[:2] == [("oper", "activate", True, ""), ("oper", "delete_lpar", False,
                                                           "HSCL350B")]
    assert [e.message for e in after if e.op == "state"] == ["Running"]
    assert after[0].command.startswith("chsysstate") and after[0].wall > 0
    run(again, create("web01"))  # numbering goes on
    assert again.snapshot().events[-1].seq == before[-1].seq + 1
    close(again)


def test_journal_retention_drops_old_events(frame_path: Path) -> None:
    engine, _ = open_engine(frame_path)
    run(engine, create("old"))
    run(engine, create("new"))
    close(engine)
    with sqlite3.connect(db_path_for(frame_path)) as db:
        db.execute("UPDATE events SET wall = ? WHERE target = 'old'",
                   (time.time() - 3 * 86400,))
    again, _ = open_engine(frame_path, retention_days=2)
    assert [e.target for e in again.snapshot().events] == ["new"]
    durable.save(again, frame_path)  # a checkpoint prunes the database too
    close(again)
    with sqlite3.connect(db_path_for(frame_path)) as db:
        assert db.execute("SELECT target FROM events").fetchall() == [("new",)]
    with pytest.raises(ValueError, match="retention_days must be positive"):
        OpLog(db_path_for(frame_path), retention_days=0)


# ---------------------------------------------------------------- any history replays


ACTIONS: list[dict[str, Any]] = [
    {"op": "activate", "lpar": "dev02"}, {"op": "activate", "lpar": "sandbox01"},
    {"op": "shutdown", "lpar": "dev01", "option": "immediate"},
    {"op": "shutdown", "lpar": "dev02", "option": "delayed"},
    {"op": "set_weight", "lpar": "was01", "uncap_weight": 5},
    {"op": "set_weight", "lpar": "was01", "uncap_weight": 200},
    {"op": "dlpar_proc", "lpar": "was01", "action": "add", "proc_units": 0.1},
    {"op": "create_lpar", "name": "web01", "env": "aixlinux", "profile": PROFILE},
    {"op": "delete_lpar", "lpar": "web01"},
    {"op": "activate", "lpar": "web01"},
]
STEP = st.one_of(
    st.tuples(st.just("op"), st.sampled_from(range(len(ACTIONS)))),
    st.tuples(st.just("step"), st.sampled_from([0.0, 0.5, 2.0, 7.0, 30.0])),
    st.tuples(st.just("save"), st.just(0)),
)


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(script=st.lists(STEP, max_size=25))
def test_any_history_recovers_to_what_clients_were_told(
        tmp_path: Path, script: list[tuple[str, Any]]) -> None:
    path = tmp_path / f"h{time.monotonic_ns()}.toml"
    save_frame(demo_frame(), path)
    engine, _ = open_engine(path)
    for kind, arg in script:
        if kind == "op":
            run(engine, ops.build(ACTIONS[arg]))
        elif kind == "step":
            engine.step(arg)
        else:
            durable.save(engine, path)
    told = live(engine)
    at = engine.time
    close(engine)
    again, recovery = open_engine(path)
    assert recovery.refused == []
    again.step(at - again.time)
    assert live(again) == told


def test_a_no_op_is_journaled_but_not_as_a_change(frame_path: Path) -> None:
    """chhwres to the values a pool already has: ok, "no change" in the journal, no record in
    the op log to replay, the same frame (nothing to save)."""
    engine, _ = open_engine(frame_path)
    before = engine.snapshot()
    pool = before.frame.pools[1]
    same = ops.ChangePool(pool=pool.name, max_proc_units=pool.max_proc_units,
                          reserved_proc_units=pool.reserved_proc_units)
    result = run(engine, same)
    assert result.ok and result.event.message == "no change"
    after = engine.snapshot()
    assert after.frame_version == before.frame_version
    assert after.events[-1].seq == result.event.seq  # what the user did stays in the journal
    db = engine.oplog._db  # type: ignore[union-attr]
    assert db.execute("SELECT COUNT(*) FROM ops").fetchone()[0] == 0
    changed = run(engine, ops.ChangePool(pool=pool.name, max_proc_units=pool.max_proc_units + 1))
    assert changed.ok and changed.event.message == ""
    assert engine.snapshot().frame_version == before.frame_version + 1
    assert db.execute("SELECT COUNT(*) FROM ops").fetchone()[0] == 1
    close(engine)
