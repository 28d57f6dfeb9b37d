"""The operation log and the audit journal: nothing acknowledged is lost, nobody's action forgotten.

One sqlite database per frame file (`frame.toml` -> `frame.toml.db`, next to it), in WAL
mode with `synchronous=FULL`, so a commit is on disk when it returns. It holds:

- `ops`: every accepted operation (its JSON, the actor, the engine window it was applied at
  and how many lifecycle steps had been applied before it), numbered by `seq`;
- `checkpoints`: which operations a saved frame file contains: the last `op_seq`, the
  sha256 of the exact bytes written, and the lifecycle schedule and step count at that
  moment (the frame file does not hold in-flight transitions);
- `events`: the audit journal (engine.journal), kept `retention_days` days;
- `ops_archive`: operations that could not be placed (see below), kept for inspection.

The rules:

1. Acknowledge only what is durable. The engine applies an operation to its working copy
   (rules checked), then commits it to `ops` together with its journal event, and only then
   publishes the new frame and answers the caller (Engine._apply_queue). Operations queued
   at one tick boundary share one transaction: one fsync, however many clients. If the
   commit fails (disk full, read-only, locked) the operations are refused with HSCL0C01
   and the frame is unchanged.
2. Checkpoint before the rename. `checkpoint()` takes a consistent EngineState, renders the
   frame file's bytes, commits a checkpoint row with their sha256, then replaces the file
   atomically, then prunes `ops` up to that seq and older checkpoints. A crash before the
   rename leaves the old file, which still matches the older checkpoint (not yet pruned);
   a crash after it leaves the new file, which matches the new row. Either way the file
   and the operations after its checkpoint are what the clients were told.
3. Replay on start (`open_engine`). Hash the frame file, find the checkpoint with that sha,
   build the engine from the file with the checkpoint's lifecycle schedule, then re-apply
   every later operation in order, each after the same number of lifecycle steps and at
   the same engine window as it first ran (partition migrations under way in between move
   on as they did: Engine.replay). A file that matches no checkpoint was written by
   someone else (edited by hand, another tool): it is loaded as it is; operations left in
   the log are moved to `ops_archive` with a warning, and a checkpoint for the file's bytes
   as they are becomes the base for this run.
4. Saves that fail are loud, not silent: `checkpoint()` raises FrameFileError (the caller
   logs and reports it) and the log is not pruned, so everything since the last good save
   stays replayable.

Events that are not part of an operation (refusals, lifecycle state changes) are written
with the next transaction or within a second (Engine.flush_events); those are lost in a
crash only if it comes within that second, and they were never acknowledged as done.

The engine side only: no front-end imports. One engine per frame file: the database is
locked (flock) while open, and a second process on the same frame file is refused with a
clear error (two engines would interleave their operations in one log; before the log, the
last of their saves silently won).
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import logging
import os
import sqlite3
import threading
import time as wallclock
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from engine import lifecycle as lc
from engine import ops
from engine.errors import HmcError, OpLogError
from engine.journal import Event
from engine.roles import Actor
from engine.service import WINDOWS_PER_SECOND, Engine
from engine.store import FrameFileError, hmc_bytes, hmc_from_bytes, write_frame_bytes

log = logging.getLogger(__name__)

DEFAULT_RETENTION_DAYS = 90.0
JOURNAL_LOAD_LIMIT = 20_000  # events loaded into memory at start (the journal's own bound)
BUSY_TIMEOUT_MS = 1000  # wait this long for another process's lock, then refuse
SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS ops (
    seq INTEGER PRIMARY KEY AUTOINCREMENT, op TEXT NOT NULL, user TEXT NOT NULL,
    role TEXT NOT NULL, windows INTEGER NOT NULL, steps INTEGER NOT NULL, wall REAL NOT NULL);
CREATE TABLE IF NOT EXISTS checkpoints (
    id INTEGER PRIMARY KEY AUTOINCREMENT, op_seq INTEGER NOT NULL, sha256 TEXT NOT NULL,
    windows INTEGER NOT NULL, steps INTEGER NOT NULL, lifecycle TEXT, wall REAL NOT NULL);
CREATE INDEX IF NOT EXISTS checkpoints_sha ON checkpoints (sha256);
CREATE TABLE IF NOT EXISTS events (
    seq INTEGER PRIMARY KEY, time REAL NOT NULL, user TEXT NOT NULL, role TEXT NOT NULL,
    op TEXT NOT NULL, target TEXT NOT NULL, command TEXT NOT NULL, ok INTEGER NOT NULL,
    code TEXT NOT NULL, message TEXT NOT NULL, wall REAL NOT NULL,
    system TEXT NOT NULL DEFAULT '');
CREATE INDEX IF NOT EXISTS events_wall ON events (wall);
CREATE TABLE IF NOT EXISTS ops_archive (
    seq INTEGER NOT NULL, op TEXT NOT NULL, user TEXT NOT NULL, role TEXT NOT NULL,
    windows INTEGER NOT NULL, steps INTEGER NOT NULL, wall REAL NOT NULL,
    archived REAL NOT NULL, reason TEXT NOT NULL);
"""
EVENT_COLUMNS = ("seq", "time", "user", "role", "op", "target", "command", "ok", "code",
                 "message", "wall", "system")


@dataclass(frozen=True)
class OpRecord:
    """One accepted operation as the log keeps it."""

    op: dict[str, Any]  # Operation.model_dump(mode="json"): ops.build() reads it back
    user: str
    role: str
    windows: int  # engine time, in dispatch windows, when it was applied
    steps: int  # lifecycle steps applied before it


class FrameInUse(OpLogError):
    """Another process (a service, a console, a shell) has the frame file open: its
    database is locked. Nothing was read from the database or written."""


@dataclass
class Recovery:
    """What open_engine found and did (for the start-up message and for tests)."""

    checkpoint_found: bool = False
    # When the checkpoint the engine was built from was taken (time.time()) and the engine
    # time it holds: how far a front end whose clock stopped between runs is behind (the
    # wall time since then). None for a file that matched no checkpoint.
    saved_wall: float | None = None
    saved_time: float = 0.0
    replayed: int = 0
    refused: list[str] = field(default_factory=list)  # "seq N: HSCLxxxx message"
    archived: int = 0
    events_loaded: int = 0
    seconds: float = 0.0


def db_path_for(frame_path: str | os.PathLike[str]) -> Path:
    """The database that belongs to a frame file: `<name>.db` beside it."""
    frame = Path(os.path.realpath(frame_path))
    return frame.with_name(frame.name + ".db")


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class OpLog:
    """The database of one frame file. Thread-safe: the engine thread commits operations,
    the saving thread checkpoints; one lock serialises them on one connection."""

    def __init__(self, path: Path, *, retention_days: float = DEFAULT_RETENTION_DAYS) -> None:
        if not retention_days > 0:
            raise ValueError(f"retention_days must be positive, got {retention_days!r}")
        self.path = path
        self.retention_days = retention_days
        self._lock = threading.Lock()
        self._lock_fd = -1
        self._db = self._connect()

    # ------------------------------------------------------------------ connection
    def _connect(self) -> sqlite3.Connection:
        try:
            # Created 0600 by us: sqlite would use the umask, and it gives its -wal and -shm
            # files the database's own permissions. The descriptor stays open for the lock
            # below (closing one would also drop sqlite's own POSIX locks on the file).
            self._lock_fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        except OSError as exc:
            raise self._error(exc) from None
        try:
            # One engine per frame file: two would interleave their operations in one log.
            fcntl.flock(self._lock_fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(self._lock_fd)
            raise FrameInUse(str(self.path), "in use by another hmc-tui process (a service "
                             "or a console on the same frame file)") from None
        try:
            db = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_MS / 1000,
                                 isolation_level=None, check_same_thread=False)
            mode = db.execute("PRAGMA journal_mode=WAL").fetchone()[0]
            if str(mode).lower() != "wal":
                raise sqlite3.OperationalError(f"cannot use WAL mode (got {mode})")
            db.execute("PRAGMA synchronous=FULL")
            db.executescript(SCHEMA)
            columns = {row[1] for row in db.execute("PRAGMA table_info(events)")}
            if "system" not in columns:  # a database from before several managed systems
                db.execute("ALTER TABLE events ADD COLUMN system TEXT NOT NULL DEFAULT ''")
        except (OSError, sqlite3.Error) as exc:
            os.close(self._lock_fd)
            raise self._error(exc) from None
        return db

    def _error(self, exc: BaseException) -> OpLogError:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        return OpLogError(str(self.path), reason or type(exc).__name__)

    def close(self) -> None:
        """Close the database and let another process open the frame (idempotent)."""
        with self._lock:
            if self._lock_fd < 0:
                return
            with contextlib.suppress(sqlite3.Error):
                self._db.close()
            os.close(self._lock_fd)  # after sqlite's own descriptors: releases the flock
            self._lock_fd = -1

    def _transaction(self, work: Any) -> Any:
        """Run `work(db)` in one immediate transaction; OpLogError (rolled back) on failure."""
        with self._lock:
            try:
                self._db.execute("BEGIN IMMEDIATE")
                try:
                    result = work(self._db)
                    self._db.execute("COMMIT")
                except BaseException:
                    with contextlib.suppress(sqlite3.Error):
                        self._db.execute("ROLLBACK")
                    raise
            except sqlite3.Error as exc:
                raise self._error(exc) from None
            return result

    # ------------------------------------------------------------------ writing
    def commit(self, records: Sequence[OpRecord], events: Iterable[Event]) -> int:
        """Append operations and events durably; the seq of the last operation (0 if none).
        Raises OpLogError, with nothing written, when the database cannot be written."""
        wall = wallclock.time()

        def work(db: sqlite3.Connection) -> int:
            last = 0
            for rec in records:
                cur = db.execute(
                    "INSERT INTO ops (op, user, role, windows, steps, wall) "
                    "VALUES (?, ?, ?, ?, ?, ?)",
                    (json.dumps(rec.op, separators=(",", ":")), rec.user, rec.role,
                     rec.windows, rec.steps, wall))
                last = int(cur.lastrowid or 0)
            self._write_events(db, events)
            return last

        return int(self._transaction(work))

    @staticmethod
    def _write_events(db: sqlite3.Connection, events: Iterable[Event]) -> None:
        rows = [(e.seq, e.time, e.user, e.role, e.op, e.target, e.command, int(e.ok), e.code,
                 e.message, e.wall, e.system) for e in events]
        if not rows:
            return
        # OR REPLACE: a flush and an operation's commit may carry the same pending event.
        db.executemany(f"INSERT OR REPLACE INTO events ({', '.join(EVENT_COLUMNS)}) "
                       f"VALUES ({', '.join('?' * len(EVENT_COLUMNS))})", rows)
        db.execute("INSERT INTO meta (key, value) VALUES ('event_seq', ?) ON CONFLICT(key) "
                   "DO UPDATE SET value = max(CAST(value AS INTEGER), excluded.value)",
                   (str(rows[-1][0]),))

    def checkpoint(self, engine: Engine, frame_path: str | os.PathLike[str]) -> int:
        """Save the engine's frame to `frame_path` as a checkpoint (module docstring, rule
        2); the op seq it contains. FrameFileError if the file cannot be written (the log
        keeps every operation since the last good save)."""
        engine.flush_events()
        state = engine.state()
        data = hmc_bytes(state.hmc)
        sha = _sha(data)
        lifecycle = json.dumps(state.lifecycle, separators=(",", ":"))

        def record(db: sqlite3.Connection) -> int:
            cur = db.execute(
                "INSERT INTO checkpoints (op_seq, sha256, windows, steps, lifecycle, wall) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                (state.op_seq, sha, state.windows, state.steps, lifecycle, wallclock.time()))
            return int(cur.lastrowid or 0)

        try:
            checkpoint_id = self._transaction(record)
        except OpLogError as exc:
            # Without the row, a crash after the rename would replay operations the file
            # already contains: do not write the file.
            raise FrameFileError(str(frame_path), f"not saved: the operation log cannot be "
                                 f"written ({exc.reason})") from exc
        try:
            write_frame_bytes(data, frame_path)
        except FrameFileError:
            with contextlib.suppress(OpLogError):
                self._transaction(lambda db: db.execute(
                    "DELETE FROM checkpoints WHERE id = ?", (checkpoint_id,)))
            raise
        self._prune(checkpoint_id, state.op_seq)
        return state.op_seq

    def _prune(self, checkpoint_id: int, op_seq: int) -> None:
        """After a good save: the operations it contains and older checkpoints go; events
        older than the retention go."""
        cutoff = wallclock.time() - self.retention_days * 86400

        def work(db: sqlite3.Connection) -> None:
            db.execute("DELETE FROM ops WHERE seq <= ?", (op_seq,))
            db.execute("DELETE FROM checkpoints WHERE id < ?", (checkpoint_id,))
            db.execute("DELETE FROM events WHERE wall < ?", (cutoff,))

        try:
            self._transaction(work)
        except OpLogError as exc:  # harmless: the next checkpoint prunes
            log.warning("pruning the operation log failed: %s", exc)

    # ------------------------------------------------------------------ reading
    def _base(self, sha: str) -> sqlite3.Row | None:
        with self._lock:
            self._db.row_factory = sqlite3.Row
            try:
                row: sqlite3.Row | None = self._db.execute(
                    "SELECT * FROM checkpoints WHERE sha256 = ? ORDER BY op_seq DESC, id DESC "
                    "LIMIT 1", (sha,)).fetchone()
                return row
            finally:
                self._db.row_factory = None

    def _ops_after(self, seq: int) -> list[tuple[int, OpRecord]]:
        with self._lock:
            rows = self._db.execute("SELECT seq, op, user, role, windows, steps FROM ops "
                                    "WHERE seq > ? ORDER BY seq", (seq,)).fetchall()
        return [(int(s), OpRecord(op=json.loads(o), user=u, role=r, windows=int(w),
                                  steps=int(st))) for s, o, u, r, w, st in rows]

    def last_op_seq(self) -> int:
        with self._lock:
            row = self._db.execute("SELECT seq FROM sqlite_sequence WHERE name = 'ops'"
                                   ).fetchone()
        return int(row[0]) if row else 0

    def history(self, limit: int = JOURNAL_LOAD_LIMIT) -> tuple[list[Event], int]:
        """The retained events, oldest first, and the last event seq ever written."""
        cutoff = wallclock.time() - self.retention_days * 86400
        with self._lock:
            rows = self._db.execute(
                f"SELECT {', '.join(EVENT_COLUMNS)} FROM events WHERE wall >= ? "
                "ORDER BY seq DESC LIMIT ?", (cutoff, limit)).fetchall()
            meta = self._db.execute("SELECT value FROM meta WHERE key = 'event_seq'"
                                    ).fetchone()
        events = [Event(**dict(zip(EVENT_COLUMNS, row, strict=True))) for row in reversed(rows)]
        return events, int(meta[0]) if meta else 0

    def _archive_all(self, reason: str) -> int:
        def work(db: sqlite3.Connection) -> int:
            cur = db.execute(
                "INSERT INTO ops_archive SELECT seq, op, user, role, windows, steps, wall, ?, ? "
                "FROM ops", (wallclock.time(), reason))
            db.execute("DELETE FROM ops")
            return int(cur.rowcount)

        return int(self._transaction(work))

    def _base_checkpoint(self, sha: str, windows: int) -> None:
        """The file as it is becomes the base: settled, nothing scheduled, no steps."""
        seq = self.last_op_seq()
        self._transaction(lambda db: db.execute(
            "INSERT INTO checkpoints (op_seq, sha256, windows, steps, lifecycle, wall) "
            "VALUES (?, ?, ?, 0, NULL, ?)", (seq, sha, windows, wallclock.time())))


def open_engine(frame_path: str | os.PathLike[str], *,
                retention_days: float = DEFAULT_RETENTION_DAYS, settle: bool = False,
                **engine_options: Any) -> tuple[Engine, Recovery]:
    """The engine for a frame file with its operation log: the file, plus every operation
    acknowledged after it was saved, plus the retained audit journal (module docstring,
    rule 3). FrameFileError for a bad frame file, FrameInUse when another process has it
    open, OpLogError for an unusable database. `settle`: finish the transitions the
    checkpoint had in flight at once instead of resuming them (`hmc-tui cmd --clock
    stopped`). `engine_options` go to Engine (seed, mode, speed); the clock is not started."""
    started = wallclock.perf_counter()
    source = str(frame_path)

    def read() -> bytes:
        try:
            return Path(frame_path).read_bytes()
        except OSError as exc:
            raise FrameFileError(source, f"cannot read: {exc.strerror or exc}") from None

    first = read()
    frame = hmc_from_bytes(first, source)  # a bad file is refused before a db is made
    oplog = OpLog(db_path_for(frame_path), retention_days=retention_days)
    recovery = Recovery()
    try:
        # Read again under the lock: a process that held it may have checkpointed (and
        # pruned the checkpoint of the bytes read before) in between.
        raw = read()
        if raw != first:
            frame = hmc_from_bytes(raw, source)
        sha = _sha(raw)
        base = oplog._base(sha)
        if base is None:
            engine = Engine(frame, **engine_options)
            pending = len(oplog._ops_after(0))
            if pending:
                recovery.archived = oplog._archive_all(
                    f"frame file {source} matched no checkpoint")
                log.warning("%s was changed outside hmc-tui since it was last saved: loaded as "
                            "it is; %d logged operation(s) not in it were moved to the "
                            "ops_archive table of %s", source, pending, oplog.path)
            oplog._base_checkpoint(sha, round(frame.engine_time * 100))
            op_seq = oplog.last_op_seq()
        else:
            recovery.checkpoint_found = True
            recovery.saved_wall = float(base["wall"])
            recovery.saved_time = int(base["windows"]) / WINDOWS_PER_SECOND
            schedule = (_schedules(json.loads(base["lifecycle"]))
                        if base["lifecycle"] is not None and not settle else None)
            engine = Engine(frame, lifecycle=schedule, steps=int(base["steps"]),
                            **engine_options)
            op_seq = int(base["op_seq"])
            for seq, rec in oplog._ops_after(op_seq):
                op_seq = seq
                error = _replay_one(engine, rec)
                recovery.replayed += 1
                if error is not None:
                    recovery.refused.append(f"seq {seq}: {error}")
                    log.warning("replaying logged operation %d (%s) of %s was refused: %s",
                                seq, rec.op.get("op"), oplog.path, error)
        history, event_seq = oplog.history()
        recovery.events_loaded = len(history)
        engine.attach_log(oplog, op_seq, history, event_seq)
    except BaseException:
        oplog.close()
        raise
    recovery.seconds = wallclock.perf_counter() - started
    if recovery.replayed:
        log.info("replayed %d operation(s) from %s onto %s in %.3f s", recovery.replayed,
                 oplog.path, source, recovery.seconds)
    return engine, recovery


def _schedules(data: dict[str, Any] | list[dict[str, Any]]
               ) -> lc.Lifecycle | list[lc.Lifecycle]:
    """A checkpoint's lifecycle: one system's schedule, or a list (several systems)."""
    if isinstance(data, list):
        return [lc.Lifecycle.from_data(d) for d in data]
    return lc.Lifecycle.from_data(data)


def _replay_one(engine: Engine, rec: OpRecord) -> HmcError | None:
    try:
        op = ops.build(rec.op)
        actor = Actor.model_validate({"user": rec.user, "role": rec.role})
    except HmcError as err:
        return err
    except ValidationError as err:  # a role this version does not know: refuse, go on
        return HmcError("HSCL0A0F", field="role", value=rec.role, reason=str(err))
    return engine.replay(rec.windows, rec.steps, op, actor)


def save(engine: Engine, frame_path: str | os.PathLike[str]) -> None:
    """Save the engine's frame: a checkpoint when it has an operation log, else a plain
    atomic save. FrameFileError when it cannot be written."""
    oplog = engine.oplog
    if oplog is None:
        from engine.store import save_hmc

        save_hmc(engine.hmc_to_save(), frame_path)
        return
    oplog.checkpoint(engine, frame_path)
