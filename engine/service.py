"""The engine: one clock, the operation queue, lifecycle steps, PHYP dispatch, snapshots.

Time advances in 10 ms dispatch windows counted as an integer, so engine time is exact.
Between two tick boundaries the engine dispatches a chunk of windows (at most ten seconds,
ending early at the next lifecycle step); queued operations and due lifecycle steps are
applied at the boundaries. The same code runs in three clock modes:

- stepped: nothing moves until `step(seconds)` is called (tests, headless macro replay);
  fully deterministic for a seed and the same sequence of calls;
- realtime / accelerated: a background thread advances engine time at `speed` x the wall
  clock (1.0 in real time), and can be paused and resumed.
"""

from __future__ import annotations

import logging
import math
import threading
import time as wallclock
import traceback
from collections import deque
from collections.abc import Callable, Iterable
from concurrent.futures import Future
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from engine import lifecycle as lc
from engine import ops
from engine.cpu import Processors
from engine.errors import HmcError, OpLogError
from engine.hmc import Hmc, resolve_index
from engine.io_load import IoSeries
from engine.journal import NO_CHANGE, Event, Journal
from engine.mobility import progress as mobility
from engine.model import Frame
from engine.ops.faults import settle_callhome
from engine.redundancy import effects, reconcile
from engine.roles import SYSTEM_ACTOR, Actor, authorize
from engine.snapshot import ClockMode, ClockState, Snapshot, UtilSeries
from engine.vterm.hub import Hub, TerminalHandle

if TYPE_CHECKING:
    from engine.durable import OpLog, OpRecord

log = logging.getLogger(__name__)

WINDOW = 0.01  # seconds: PHYP's dispatch window
WINDOWS_PER_SECOND = 100
MAX_CHUNK = 10 * WINDOWS_PER_SECOND  # at most ten engine seconds between tick boundaries
THREAD_PERIOD = 0.05  # wall seconds between background ticks
MAX_SPEED = 86_400.0  # engine seconds per wall second: a simulated day each second


def check_speed(speed: object) -> float:
    """`speed` as a clock speed, or HSCL0F01: finite, above 0, at most MAX_SPEED (a NaN or
    infinite speed would make the clock thread's arithmetic fail)."""
    if (not isinstance(speed, int | float) or isinstance(speed, bool)
            or not math.isfinite(speed) or not 0 < speed <= MAX_SPEED):
        raise HmcError("HSCL0F01", value=speed, max=f"{MAX_SPEED:g}")
    return float(speed)


class EngineFailure(RuntimeError):
    """Why the clock thread died: the exception and its formatted traceback."""

    def __init__(self, error: BaseException, trace: str) -> None:
        super().__init__(f"{type(error).__name__}: {error}")
        self.error = error
        self.trace = trace
EVENT_FLUSH_SECONDS = 1.0  # events that are not part of an operation reach the db this late


class OpResult(BaseModel):
    model_config = ConfigDict(frozen=True, arbitrary_types_allowed=True)

    ok: bool
    event: Event
    code: str = ""
    message: str = ""
    data: dict[str, Any] = Field(default_factory=dict)

    def __str__(self) -> str:
        return f"{self.code} {self.message}" if not self.ok else "ok"


@dataclass(frozen=True)
class EngineState:
    """What a checkpoint records, taken at one tick boundary (engine.durable)."""

    hmc: Hmc  # every system, with engine_time set
    # Lifecycle.to_data() of the one system, or a list of them (one per system, in order)
    lifecycle: dict[str, Any] | list[dict[str, Any]]
    windows: int
    steps: int  # lifecycle steps applied so far
    op_seq: int  # the last logged operation the frame contains

    @property
    def frame(self) -> Frame:
        """The first system (one-system callers)."""
        return self.hmc.systems[0]


# A schedule as Engine takes it: one system's, or one per system (several systems)
Schedules = lc.Lifecycle | list[lc.Lifecycle] | tuple[lc.Lifecycle, ...]


class _System:
    """One managed system's moving parts: its frame, lifecycle schedule, processors (its
    own PHYP dispatcher and counters) and partition terminals."""

    def __init__(self, frame: Frame, lifecycle: lc.Lifecycle, seed: int,
                 wake: Callable[[], None]) -> None:
        self.frame = frame
        self.lifecycle = lifecycle
        self.cpu = Processors(frame, seed=seed)
        self.hub = Hub(wake)
        self.hub.physc = lambda lpar_id: self.cpu.physc().get(lpar_id, 0.0)
        self.published: Frame | None = None


def system_seed(seed: int, index: int) -> int:
    """Workload seed of the system at `index`: the first keeps the engine's seed (one-system
    figures unchanged), the others get their own streams."""
    return seed + 7919 * index


class Engine:
    def __init__(self, frame: Frame | Hmc, *, seed: int = 0, mode: ClockMode = "stepped",
                 speed: float = 1.0, lifecycle: Schedules | None = None,
                 steps: int = 0) -> None:
        """`frame`: one managed system, or an Hmc with several (one PHYP dispatcher each,
        all on this engine's one clock). `lifecycle`: the schedule(s) a checkpointed frame
        was saved with (engine.durable); without, the unfinished transitions are settled."""
        hmc = Hmc.of(frame)
        if lifecycle is None:
            frames = [lc.settle(f) for f in hmc.systems]
            schedules = [lc.Lifecycle() for _ in frames]
        else:
            frames = list(hmc.systems)
            schedules = [lifecycle] if isinstance(lifecycle, lc.Lifecycle) else list(lifecycle)
            if len(schedules) != len(frames):
                raise ValueError(f"{len(schedules)} schedules for {len(frames)} systems")
        self._windows = round(hmc.engine_time * WINDOWS_PER_SECOND)
        self._steps = steps  # lifecycle steps applied: replay interleaves operations by it
        self._systems = [_System(f, sch, system_seed(seed, i), self._terminal_input)
                         for i, (f, sch) in enumerate(zip(frames, schedules, strict=True))]
        self._journal = Journal()
        self._log: OpLog | None = None
        self._op_seq = 0  # last operation written to the log
        self._last_flush = wallclock.monotonic()
        self._queue: deque[tuple[ops.Operation, Actor, Future[OpResult]]] = deque()
        self._lock = threading.RLock()  # guards engine state against concurrent step()s
        self._mode: ClockMode = mode
        self._speed = 1.0 if mode == "realtime" else check_speed(speed)
        self._paused = False
        self._thread: threading.Thread | None = None
        self._stop = threading.Event()
        self._wake = threading.Event()  # terminal input: run a boundary now, not in 50 ms
        self._failure: EngineFailure | None = None  # set when the clock thread died
        self._version = 0
        self._frame_version = 0
        self._snapshot: Snapshot = self._publish()
        for sys_ in self._systems:
            sys_.hub.lock = self._lock  # a session closing itself waits for the boundary

    # ------------------------------------------------------------------ systems
    @property
    def system_count(self) -> int:
        return len(self._systems)

    def _index(self, key: str) -> int:
        """`key` (name, MTMS, "" for the only one) -> the system's index; HmcError else."""
        return resolve_index([s.frame for s in self._systems], key)

    def _sys(self, key: str = "") -> _System:
        return self._systems[self._index(key)]

    # ------------------------------------------------------------------ reading
    def snapshot(self) -> Snapshot:
        """The newest snapshot; never blocks."""
        return self._snapshot

    @property
    def running(self) -> bool:
        """The clock runs in a background thread (else it moves only through step())."""
        return self._thread is not None

    @property
    def failure(self) -> EngineFailure | None:
        """Why the clock thread died, or None while it is healthy (or never ran)."""
        return self._failure

    @property
    def time(self) -> float:
        return self._windows / WINDOWS_PER_SECOND

    def utilisation(self, resource: Literal["lpar", "pool"], key: int,
                    interval: Literal["short", "long"] = "long",
                    system: str = "", last: int | None = None) -> UtilSeries:
        """Utilisation samples of partition `key` (id) or pool `key` of `system`, oldest
        first: short-term every 5 s (an hour kept), long-term every 30 s (a day kept); only
        the `last` ones when given (a day of samples for 1000 partitions is 17 M counters)."""
        with self._lock:
            return self._sys(system).cpu.series(resource, key, interval, last)

    def io_load(self, system: str = "", last: int | None = None,
                lpars: set[int] | None = None) -> IoSeries:
        """Network and storage counters of `system` at its last `last` long-term samples,
        oldest first (engine/io_load.py); partitions `lpars` only (None: every one)."""
        with self._lock:
            return self._sys(system).cpu.io_series(last, lpars)

    # ------------------------------------------------------------------ writing
    def submit(self, op: ops.Operation, actor: Actor) -> Future[OpResult]:
        """Queue an operation for the next tick boundary; thread-safe, never blocks."""
        fut: Future[OpResult] = Future()
        self._queue.append((op, actor, fut))
        if self._failure is not None:  # the clock died: nothing would ever apply it
            self._fail_queued()
        return fut

    def execute(self, op: ops.Operation, actor: Actor, timeout: float = 10.0) -> OpResult:
        """Submit and wait for the result. Without a running clock thread the queue is
        applied at once (a tick boundary that does not advance time)."""
        fut = self.submit(op, actor)
        if self._thread is None:
            with self._lock:
                self._boundary()
        return fut.result(timeout)

    # ------------------------------------------------------------------ terminals
    def open_terminal(self, lpar: str | int, actor: Actor, listener: Callable[[str], None],
                      on_close: Callable[[str], None], system: str = "") -> TerminalHandle:
        """Open the partition's virtual terminal (mkvterm): HSCL350B without the console
        task, HSCL8012 for no such partition, HSCL1000 when a session is already open. The
        listener gets the current screen at once, then output from the engine thread."""
        authorize(actor, "console")
        with self._lock:
            sys_ = self._sys(system)
            p = sys_.frame.partition(lpar)
            if p is None:
                raise HmcError("HSCL8012", name=str(lpar))
            if sys_.hub.is_open(p.id):
                raise HmcError("HSCL1000")
            return sys_.hub.open(sys_.frame, p, self.time, listener, on_close,
                                 self._submitter(sys_))

    def _submitter(self, sys_: _System) -> Callable[[ops.Operation, Actor],
                                                    Future[OpResult]]:
        """`submit` for what a system's terminals send: their operations name the system
        (by MTMS, which a rename does not change) when there are several."""
        if len(self._systems) == 1:
            return self.submit

        def submit(op: ops.Operation, actor: Actor) -> Future[OpResult]:
            if not op.system:
                op = op.model_copy(update={"system": sys_.frame.mtms})
            return self.submit(op, actor)

        return submit

    def close_terminal(self, lpar: str | int, actor: Actor, system: str = "") -> bool:
        """Force the partition's terminal session closed (rmvterm); False when none was
        open. The session's on_close gets the reason."""
        authorize(actor, "console")
        with self._lock:
            sys_ = self._sys(system)
            p = sys_.frame.partition(lpar)
            if p is None:
                raise HmcError("HSCL8012", name=str(lpar))
            return sys_.hub.close(p.id, f"The terminal session was closed by {actor.user}.")

    def _terminal_input(self) -> None:
        """Keys were typed: the clock thread runs a boundary at once; without one (stepped
        mode) the keys are handled now, as `execute` applies an operation at once."""
        if self._thread is not None:
            self._wake.set()
            return
        with self._lock:
            self._boundary()

    # ------------------------------------------------------------------ time
    def step(self, seconds: float) -> None:
        """Advance engine time by `seconds` (rounded to whole windows)."""
        with self._lock:
            self._advance(round(seconds * WINDOWS_PER_SECOND))

    def start(self) -> None:
        """Run the clock in a background thread (realtime or accelerated mode)."""
        if self._thread is not None:
            return
        if self._mode == "stepped":
            self._mode = "realtime"
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name="hmc-engine", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        if self._thread is None:
            return
        self._stop.set()
        self._wake.set()
        self._thread.join()
        self._thread = None

    def set_speed(self, speed: float) -> None:
        """HSCL0F01 unless 0 < speed <= MAX_SPEED (finite); HSCL0F02 once the clock died."""
        speed = check_speed(speed)
        self._refuse_if_failed()
        self._speed = speed
        self._mode = "realtime" if speed == 1.0 else "accelerated"
        self._snapshot = self._publish()

    def pause(self) -> None:
        self._refuse_if_failed()
        self._paused = True
        self._snapshot = self._publish()

    def resume(self) -> None:
        self._refuse_if_failed()
        self._paused = False
        self._snapshot = self._publish()

    def _refuse_if_failed(self) -> None:
        if self._failure is not None:
            raise self._failed_error()

    def _failed_error(self) -> HmcError:
        assert self._failure is not None
        return HmcError("HSCL0F02", reason=str(self._failure))

    def _run(self) -> None:
        """The clock thread. If it ever dies, say why and refuse work instead of hanging:
        the failure is kept for the service (which logs it and exits for a restart) and
        every queued operation is answered with HSCL0F02."""
        try:
            self._run_clock()
        except BaseException as exc:
            self._failure = EngineFailure(exc, traceback.format_exc())
            self._fail_queued()

    def _fail_queued(self) -> None:
        # After _failure is set, so an operation queued concurrently is failed by one side.
        while True:
            try:
                _, _, fut = self._queue.popleft()
            except IndexError:
                return
            if not fut.done():
                fut.set_exception(self._failed_error())

    def _run_clock(self) -> None:
        owed = 0.0  # engine seconds due but not yet simulated
        last = wallclock.monotonic()
        while True:
            self._wake.wait(THREAD_PERIOD)
            self._wake.clear()
            if self._stop.is_set():
                break
            now = wallclock.monotonic()
            if not self._paused:
                owed += (now - last) * self._speed
            last = now
            windows = int(owed * WINDOWS_PER_SECOND)
            # Never fall further behind than a few seconds of work: drop what cannot be kept.
            windows = min(windows, int(self._speed * WINDOWS_PER_SECOND * 2) + MAX_CHUNK)
            owed -= windows / WINDOWS_PER_SECOND
            owed = min(owed, 1.0)
            if windows == 0 and not self._queue and not any(
                    sys_.hub.pending() for sys_ in self._systems):
                continue  # paused and idle: nothing new to publish
            with self._lock:
                self._advance(windows)

    # ------------------------------------------------------------------ the tick loop
    def _advance(self, windows: int) -> None:
        end = self._windows + max(windows, 0)
        while True:
            self._boundary()
            if self._windows >= end:
                break
            chunk = min(end - self._windows, MAX_CHUNK - self._windows % MAX_CHUNK)
            due = self._next_due()
            if due is not None:
                due_window = -(-round(due * 1e6) // round(WINDOW * 1e6))  # ceil, exact
                chunk = max(1, min(chunk, due_window - self._windows))
            for sys_ in self._systems:
                sys_.cpu.run(sys_.frame, self._windows, chunk)
            self._windows += chunk
        self._snapshot = self._publish()

    def _next_due(self) -> float | None:
        """The earliest lifecycle step (or migration phase) due on any system."""
        dues = [d for sys_ in self._systems if (d := sys_.lifecycle.next_due()) is not None]
        if any(sys_.frame.migrations for sys_ in self._systems):
            due = mobility.next_due(tuple(sys_.frame for sys_ in self._systems))
            dues += [due] if due is not None else []
        return min(dues) if dues else None

    def _boundary(self) -> None:
        """Apply queued operations, then the lifecycle steps that are due."""
        if self._queue:
            self._apply_queue()
        self._lifecycle_steps()
        if any(sys_.frame.migrations for sys_ in self._systems):
            self._mobility_steps()
        if any(sys_.hub.open_ids() for sys_ in self._systems):
            self._pump_terminals()
        if (self._log is not None and self._journal.unsaved()
                and wallclock.monotonic() - self._last_flush >= EVENT_FLUSH_SECONDS):
            self.flush_events()

    def _mobility_steps(self) -> None:
        """Partition migrations moved on to now (engine/mobility/progress.py), with the
        cores each partition used over the last step; journal lines for each step."""
        now = self.time
        frames, lines = mobility.tick(tuple(sys_.frame for sys_ in self._systems),
                                      tuple(sys_.cpu.physc() for sys_ in self._systems), now)
        for sys_, frame in zip(self._systems, frames, strict=True):
            sys_.frame = frame
        for line in lines:
            sys_ = self._systems[line.system]
            self._journal.add(time=now, user=SYSTEM_ACTOR.user, role=SYSTEM_ACTOR.role,
                              op="migrate", target=line.target, command="", ok=not line.code,
                              code=line.code, message=line.message,
                              **self._system_field(sys_))

    def _pump_terminals(self) -> None:
        """Run the console programs; what they submitted is applied in this same boundary
        (a key takes effect at once), and they see the result before it ends."""
        for _ in range(2):  # again after applying what they submitted
            for sys_ in self._systems:
                if sys_.hub.open_ids():
                    sys_.hub.pump(sys_.frame, self.time, self._submitter(sys_))
            if not self._queue:
                break
            self._apply_queue()
            self._lifecycle_steps()

    def _system_field(self, sys_: _System) -> dict[str, str]:
        """The `system` of a journal event: the system's name when there are several (a
        one-system journal stays as it always was)."""
        return {"system": sys_.frame.system.name} if len(self._systems) > 1 else {}

    def _lifecycle_steps(self) -> None:
        now = self.time
        for sys_ in self._systems:  # in system order: replay repeats the same order
            due = sys_.lifecycle.pop_due(now)
            if not due:
                continue
            before = sys_.frame
            tag = self._system_field(sys_)
            for step in due:
                self._steps += 1
                sys_.frame = lc.apply_step(sys_.frame, step)
                if step.state is not None:
                    self._journal.add(time=now, user=SYSTEM_ACTOR.user,
                                      role=SYSTEM_ACTOR.role, op="state",
                                      target=self._target_name(step.lpar_id, sys_),
                                      command="", ok=True, message=step.state, **tag)
                if step.then is not None:
                    self._followup(step.then, sys_)
            # what the steps did to paths, SEAs and RMC (once for all due at this time)
            sys_.frame = settle_callhome(
                reconcile(sys_.frame, sys_.lifecycle, now, before=before), now)
            for target, message in effects(before, sys_.frame):
                self._journal.add(time=now, user=SYSTEM_ACTOR.user, role=SYSTEM_ACTOR.role,
                                  op="state", target=target, command="", ok=True,
                                  message=message, **tag)

    def _apply_queue(self) -> None:
        """Apply every queued operation; with a log, the accepted ones are committed to it
        (one transaction, one fsync) before the frame is published or anyone is answered.
        If the log cannot be written, every accepted one is refused and nothing changes."""
        before = [(sys_.frame, sys_.lifecycle) for sys_ in self._systems]
        now = self.time
        answered: list[tuple[Future[OpResult], OpResult]] = []
        accepted: list[tuple[int, ops.Operation, Actor, dict[str, Any]]] = []
        events: list[Event] = []
        effect_seqs: set[int] = set()
        while self._queue:
            op, actor, fut = self._queue.popleft()
            fields: dict[str, Any] = dict(time=now, user=actor.user, role=actor.role, op=op.op,
                                          target=op.target(), command="")
            try:
                changes, data = self._execute(op, actor, now, fields)
            except HmcError as err:
                event = self._journal.new(**fields, ok=False, code=err.code, message=err.message)
                answered.append((fut, OpResult(ok=False, event=event, code=err.code,
                                               message=err.message)))
                events.append(event)
                continue
            except Exception as exc:  # a bug in one operation must not hang its caller
                log.exception("operation %s failed", op.op)
                fut.set_exception(exc)
                continue
            if not changes:
                event = self._journal.new(**fields, ok=True, message=NO_CHANGE)
                answered.append((fut, OpResult(ok=True, event=event, data=data)))
                events.append(event)
                continue
            changed: list[tuple[_System, str, str]] = []
            for i, (frame, lifecycle) in changes.items():
                sys_ = self._systems[i]
                changed += [(sys_, t, m) for t, m in effects(sys_.frame, frame)]
                sys_.frame, sys_.lifecycle = frame, lifecycle
            event = self._journal.new(**fields, ok=True)
            accepted.append((len(answered), op, actor, data))
            answered.append((fut, OpResult(ok=True, event=event, data=data)))
            events.append(event)
            for sys_, target, message in changed:  # failovers and outages it caused
                effect = self._journal.new(time=now, user=SYSTEM_ACTOR.user,
                                           role=SYSTEM_ACTOR.role, op="state", target=target,
                                           command="", ok=True, message=message,
                                           **self._system_field(sys_))
                events.append(effect)
                effect_seqs.add(effect.seq)
        saved = False
        if accepted and self._log is not None:
            records = [self._record(op, actor) for _, op, actor, _ in accepted]
            try:
                self._op_seq = self._log.commit(records, (*self._journal.unsaved(), *events))
                saved = True
            except OpLogError as err:
                for sys_, (frame, lifecycle) in zip(self._systems, before, strict=True):
                    sys_.frame, sys_.lifecycle = frame, lifecycle
                events = [e for e in events if e.seq not in effect_seqs]  # none happened
                refusal = HmcError("HSCL0C01", file=err.file, reason=err.reason)
                for index, _, _, _ in accepted:
                    fut, result = answered[index]
                    event = result.event.model_copy(update={
                        "ok": False, "code": refusal.code, "message": refusal.message})
                    events[events.index(result.event)] = event
                    answered[index] = (fut, OpResult(ok=False, event=event, code=refusal.code,
                                                     message=refusal.message))
        self._journal.append(events, saved=saved)
        if saved:
            self._journal.mark_saved(events[-1].seq)
        if answered:
            # Publish before answering, so a caller that got its result sees its change.
            self._snapshot = self._publish()
            for fut, result in answered:
                fut.set_result(result)

    def _execute(self, op: ops.Operation, actor: Actor, now: float, fields: dict[str, Any]
                 ) -> tuple[dict[int, tuple[Frame, lc.Lifecycle]], dict[str, Any]]:
        """Run `op` on working copies: the systems it changed (index -> new frame and
        schedule; empty for a no-op) and its data. Fills the event's command and system
        in `fields` as soon as they are known. HmcError when refused."""
        if op.spans_systems:
            frames = tuple(sys_.frame for sys_ in self._systems)
            source = self._index_or_first(op.system)  # its event is the source system's
            fields["command"] = op.command(frames[source])
            fields.update(self._system_field(self._systems[source]))
            multi = ops.execute_systems(
                frames, tuple(sys_.lifecycle for sys_ in self._systems), now, op, actor)
            touched = {i: (c.frame, c.lifecycle) for i, c in multi.touched.items()}
            data = multi.data
        else:
            i = self._index_or_first(op.system)
            sys_ = self._systems[i]
            fields["command"] = op.command(sys_.frame)
            fields.update(self._system_field(sys_))
            i = self._index(op.system)  # HSCL1300 / HSCL8014 now, with the command known
            ctx = ops.execute(sys_.frame, sys_.lifecycle, now, op, actor)
            touched = {i: (ctx.frame, ctx.lifecycle)}
            data = ctx.data
        changes = {i: change for i, change in touched.items()
                   if not self._unchanged(self._systems[i], *change)}
        return changes, data

    def _index_or_first(self, key: str) -> int:
        """The system `key` names, or the first when it names none (for the journal's
        command line of an operation about to be refused)."""
        try:
            return self._index(key)
        except HmcError:
            return 0

    def _unchanged(self, sys_: _System, frame: Frame, lifecycle: lc.Lifecycle) -> bool:
        """The operation left the frame and the schedule as they were (a no-op: chhwres to
        the values already set). Equal frames share their unchanged parts, so this is cheap."""
        return frame == sys_.frame and lifecycle.to_data() == sys_.lifecycle.to_data()

    def _record(self, op: ops.Operation, actor: Actor) -> OpRecord:
        from engine.durable import OpRecord  # late: durable builds engines

        data = op.model_dump(mode="json")
        if not data["system"]:  # the only system: the record reads as it always did
            del data["system"]
        return OpRecord(op=data, user=actor.user, role=actor.role,
                        windows=self._windows, steps=self._steps)

    def _apply(self, op: ops.Operation, actor: Actor, sys_: _System) -> OpResult:
        """Apply a follow-up operation of the system (not logged: replaying the lifecycle
        schedule repeats it)."""
        command = op.command(sys_.frame)
        tag = self._system_field(sys_)
        try:
            ctx = ops.execute(sys_.frame, sys_.lifecycle, self.time, op, actor)
        except HmcError as err:
            event = self._journal.add(time=self.time, user=actor.user, role=actor.role,
                                      op=op.op, target=op.target(), command=command,
                                      ok=False, code=err.code, message=err.message, **tag)
            return OpResult(ok=False, event=event, code=err.code, message=err.message)
        sys_.frame, sys_.lifecycle = ctx.frame, ctx.lifecycle
        event = self._journal.add(time=self.time, user=actor.user, role=actor.role, op=op.op,
                                  target=op.target(), command=command, ok=True, **tag)
        return OpResult(ok=True, event=event, data=ctx.data)

    # ------------------------------------------------------------------ the operation log
    def attach_log(self, oplog: OpLog, op_seq: int, history: Iterable[Event],
                   event_seq: int) -> None:
        """From now on every accepted operation is committed to `oplog` before it is
        answered; the journal starts with `history` (engine.durable.open_engine)."""
        with self._lock:
            self._log = oplog
            self._op_seq = op_seq
            self._journal.restore(history, event_seq)
            self._snapshot = self._publish()

    @property
    def oplog(self) -> OpLog | None:
        return self._log

    def replay(self, windows: int, steps: int, op: ops.Operation, actor: Actor) -> HmcError | None:
        """Re-apply a logged operation where it happened: after the lifecycle steps that had
        been applied before it (`steps`), at engine window `windows`. Only before the clock
        runs; processors are not dispatched over the skipped time (utilisation history is
        not part of the frame). Returns the error if the operation is refused now."""
        with self._lock:
            while self._steps < steps:
                due = self._next_due()
                if due is None:
                    break
                due_window = -(-round(due * 1e6) // round(WINDOW * 1e6))
                if due_window > windows:
                    break
                self._windows = max(self._windows, due_window)
                self._lifecycle_steps()
            self._windows = max(self._windows, windows)
            try:
                changes, _ = self._execute(op, actor, self.time, {})
            except HmcError as err:
                return err
            for i, (frame, lifecycle) in changes.items():
                self._systems[i].frame, self._systems[i].lifecycle = frame, lifecycle
            return None  # published once, by attach_log, after the last one

    def state(self) -> EngineState:
        """A consistent picture for a checkpoint: taken between two tick boundaries."""
        with self._lock:
            data = [sys_.lifecycle.to_data() for sys_ in self._systems]
            return EngineState(
                hmc=self._hmc(), lifecycle=data[0] if len(data) == 1 else data,
                windows=self._windows, steps=self._steps, op_seq=self._op_seq)

    def _hmc(self) -> Hmc:
        """Every system with the current engine time."""
        return Hmc.model_construct(systems=tuple(
            sys_.frame.model_copy(update={"engine_time": self.time})
            for sys_ in self._systems))

    def flush_events(self) -> None:
        """Write the events not yet in the log's database (refusals, state changes)."""
        self._last_flush = wallclock.monotonic()
        if self._log is None:
            return
        pending = self._journal.unsaved()
        if not pending:
            return
        try:
            self._log.commit((), pending)
        except OpLogError as err:
            log.warning("the audit journal could not be written: %s", err)
            return
        self._journal.mark_saved(pending[-1].seq)

    def _followup(self, action: tuple, sys_: _System) -> None:
        """Actions a finished transition triggers: restart after shutdown, auto-start."""
        system = sys_.frame.mtms if len(self._systems) > 1 else ""
        if action[0] == "activate":
            _, lpar_id, profile, boot_mode = action
            p = sys_.frame.partition(lpar_id)
            if p is not None:
                self._apply(ops.ActivatePartition(lpar=p.name, profile=profile,
                                                  boot_mode=boot_mode, system=system),
                            SYSTEM_ACTOR, sys_)
        elif action[0] == "auto_start":
            for p in sys_.frame.partitions:
                prof = p.profile(p.default_profile)
                if prof is not None and prof.auto_start and not p.active:
                    self._apply(ops.ActivatePartition(lpar=p.name, system=system),
                                SYSTEM_ACTOR, sys_)

    def _target_name(self, lpar_id: int, sys_: _System) -> str:
        if lpar_id == 0:
            return "system"
        p = sys_.frame.partition(lpar_id)
        return p.name if p else str(lpar_id)

    def _publish(self) -> Snapshot:
        self._version += 1
        changed = False
        for sys_ in self._systems:
            if sys_.frame is not sys_.published:
                changed = True
                sys_.published = sys_.frame
        if changed:
            self._frame_version += 1
        frames = tuple(sys_.frame.model_copy(update={"engine_time": self.time})
                       for sys_ in self._systems)
        physcs = tuple(sys_.cpu.physc() for sys_ in self._systems)
        pools = tuple(sys_.cpu.pools_live(sys_.frame) for sys_ in self._systems)
        return Snapshot(
            version=self._version, frame_version=self._frame_version, time=self.time,
            frame=frames[0], physc=physcs[0], pools=pools[0],
            clock=ClockState(self._mode, self._speed, self._paused),
            events=self._journal.events(), in_flight=len(self._queue),
            frames=frames, physcs=physcs, system_pools=pools,
        )

    def frame_to_save(self) -> Frame:
        """The first system with the current engine time (one-system callers)."""
        return self._snapshot.frame

    def hmc_to_save(self) -> Hmc:
        """Every system with the current engine time, ready for the store."""
        return Hmc.model_construct(systems=self._snapshot.frames)
