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
from engine.journal import NO_CHANGE, Event, Journal
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

    frame: Frame  # with engine_time set
    lifecycle: dict[str, Any]  # Lifecycle.to_data()
    windows: int
    steps: int  # lifecycle steps applied so far
    op_seq: int  # the last logged operation the frame contains


class Engine:
    def __init__(self, frame: Frame, *, seed: int = 0, mode: ClockMode = "stepped",
                 speed: float = 1.0, lifecycle: lc.Lifecycle | None = None,
                 steps: int = 0) -> None:
        """`lifecycle`: the schedule a checkpointed frame was saved with (engine.durable);
        without one the frame's unfinished transitions are settled."""
        self._frame = frame if lifecycle is not None else lc.settle(frame)
        self._windows = round(frame.engine_time * WINDOWS_PER_SECOND)
        self._lifecycle = lifecycle if lifecycle is not None else lc.Lifecycle()
        self._steps = steps  # lifecycle steps applied: replay interleaves operations by it
        self._journal = Journal()
        self._log: OpLog | None = None
        self._op_seq = 0  # last operation written to the log
        self._last_flush = wallclock.monotonic()
        self._cpu = Processors(self._frame, seed=seed)
        self._queue: deque[tuple[ops.Operation, Actor, Future[OpResult]]] = deque()
        self._lock = threading.RLock()  # guards engine state against concurrent step()s
        self._mode: ClockMode = mode
        self._speed = 1.0 if mode == "realtime" else check_speed(speed)
        self._paused = False
        self._thread: threading.Thread | None = None
        self._stop = threading.Event()
        self._wake = threading.Event()  # terminal input: run a boundary now, not in 50 ms
        self._hub = Hub(self._terminal_input)
        self._hub.physc = lambda lpar_id: self._cpu.physc().get(lpar_id, 0.0)
        self._failure: EngineFailure | None = None  # set when the clock thread died
        self._version = 0
        self._frame_version = 0
        self._published_frame: Frame | None = None
        self._snapshot: Snapshot = self._publish()
        self._hub.lock = self._lock  # a session closing itself waits for the boundary

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
                    interval: Literal["short", "long"] = "long") -> UtilSeries:
        """Utilisation samples of partition `key` (id) or pool `key`, oldest first:
        short-term every 5 s (an hour kept), long-term every 30 s (a day kept)."""
        with self._lock:
            return self._cpu.series(resource, key, interval)

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
                      on_close: Callable[[str], None]) -> TerminalHandle:
        """Open the partition's virtual terminal (mkvterm): HSCL350B without the console
        task, HSCL8012 for no such partition, HSCL1000 when a session is already open. The
        listener gets the current screen at once, then output from the engine thread."""
        authorize(actor, "console")
        with self._lock:
            p = self._frame.partition(lpar)
            if p is None:
                raise HmcError("HSCL8012", name=str(lpar))
            if self._hub.is_open(p.id):
                raise HmcError("HSCL1000")
            return self._hub.open(self._frame, p, self.time, listener, on_close, self.submit)

    def close_terminal(self, lpar: str | int, actor: Actor) -> bool:
        """Force the partition's terminal session closed (rmvterm); False when none was
        open. The session's on_close gets the reason."""
        authorize(actor, "console")
        with self._lock:
            p = self._frame.partition(lpar)
            if p is None:
                raise HmcError("HSCL8012", name=str(lpar))
            return self._hub.close(p.id, f"The terminal session was closed by {actor.user}.")

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
            if windows == 0 and not self._queue and not self._hub.pending():
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
            due = self._lifecycle.next_due()
            if due is not None:
                due_window = -(-round(due * 1e6) // round(WINDOW * 1e6))  # ceil, exact
                chunk = max(1, min(chunk, due_window - self._windows))
            self._cpu.run(self._frame, self._windows, chunk)
            self._windows += chunk
        self._snapshot = self._publish()

    def _boundary(self) -> None:
        """Apply queued operations, then the lifecycle steps that are due."""
        if self._queue:
            self._apply_queue()
        self._lifecycle_steps()
        if self._hub.open_ids():
            self._pump_terminals()
        if (self._log is not None and self._journal.unsaved()
                and wallclock.monotonic() - self._last_flush >= EVENT_FLUSH_SECONDS):
            self.flush_events()

    def _pump_terminals(self) -> None:
        """Run the console programs; what they submitted is applied in this same boundary
        (a key takes effect at once), and they see the result before it ends."""
        self._hub.pump(self._frame, self.time, self.submit)
        if self._queue:
            self._apply_queue()
            self._lifecycle_steps()
            self._hub.pump(self._frame, self.time, self.submit)

    def _lifecycle_steps(self) -> None:
        now = self.time
        due = self._lifecycle.pop_due(now)
        before = self._frame
        for step in due:
            self._steps += 1
            self._frame = lc.apply_step(self._frame, step)
            if step.state is not None:
                self._journal.add(time=now, user=SYSTEM_ACTOR.user, role=SYSTEM_ACTOR.role,
                                  op="state", target=self._target_name(step.lpar_id),
                                  command="", ok=True, message=step.state)
            if step.then is not None:
                self._followup(step.then)
        if due:  # what the steps did to paths, SEAs and RMC (once for all due at this time)
            self._frame = settle_callhome(
                reconcile(self._frame, self._lifecycle, now, before=before), now)
            for target, message in effects(before, self._frame):
                self._journal.add(time=now, user=SYSTEM_ACTOR.user, role=SYSTEM_ACTOR.role,
                                  op="state", target=target, command="", ok=True,
                                  message=message)

    def _apply_queue(self) -> None:
        """Apply every queued operation; with a log, the accepted ones are committed to it
        (one transaction, one fsync) before the frame is published or anyone is answered.
        If the log cannot be written, every accepted one is refused and nothing changes."""
        before = (self._frame, self._lifecycle)
        now = self.time
        answered: list[tuple[Future[OpResult], OpResult]] = []
        accepted: list[tuple[int, ops.Operation, Actor, dict[str, Any]]] = []
        events: list[Event] = []
        effect_seqs: set[int] = set()
        while self._queue:
            op, actor, fut = self._queue.popleft()
            command = op.command(self._frame)
            fields = dict(time=now, user=actor.user, role=actor.role, op=op.op,
                          target=op.target(), command=command)
            try:
                ctx = ops.execute(self._frame, self._lifecycle, now, op, actor)
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
            if self._unchanged(ctx):
                event = self._journal.new(**fields, ok=True, message=NO_CHANGE)
                answered.append((fut, OpResult(ok=True, event=event, data=ctx.data)))
                events.append(event)
                continue
            changed = effects(self._frame, ctx.frame)
            self._frame, self._lifecycle = ctx.frame, ctx.lifecycle
            event = self._journal.new(**fields, ok=True)
            accepted.append((len(answered), op, actor, ctx.data))
            answered.append((fut, OpResult(ok=True, event=event, data=ctx.data)))
            events.append(event)
            for target, message in changed:  # failovers and outages the operation caused
                effect = self._journal.new(time=now, user=SYSTEM_ACTOR.user,
                                           role=SYSTEM_ACTOR.role, op="state", target=target,
                                           command="", ok=True, message=message)
                events.append(effect)
                effect_seqs.add(effect.seq)
        saved = False
        if accepted and self._log is not None:
            records = [self._record(op, actor) for _, op, actor, _ in accepted]
            try:
                self._op_seq = self._log.commit(records, (*self._journal.unsaved(), *events))
                saved = True
            except OpLogError as err:
                self._frame, self._lifecycle = before
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

    def _unchanged(self, ctx: ops.Context) -> bool:
        """The operation left the frame and the schedule as they were (a no-op: chhwres to
        the values already set). Equal frames share their unchanged parts, so this is cheap."""
        return ctx.frame == self._frame and \
            ctx.lifecycle.to_data() == self._lifecycle.to_data()

    def _record(self, op: ops.Operation, actor: Actor) -> OpRecord:
        from engine.durable import OpRecord  # late: durable builds engines

        return OpRecord(op=op.model_dump(mode="json"), user=actor.user, role=actor.role,
                        windows=self._windows, steps=self._steps)

    def _apply(self, op: ops.Operation, actor: Actor) -> OpResult:
        """Apply a follow-up operation of the system (not logged: replaying the lifecycle
        schedule repeats it)."""
        command = op.command(self._frame)
        try:
            ctx = ops.execute(self._frame, self._lifecycle, self.time, op, actor)
        except HmcError as err:
            event = self._journal.add(time=self.time, user=actor.user, role=actor.role,
                                      op=op.op, target=op.target(), command=command,
                                      ok=False, code=err.code, message=err.message)
            return OpResult(ok=False, event=event, code=err.code, message=err.message)
        self._frame, self._lifecycle = ctx.frame, ctx.lifecycle
        event = self._journal.add(time=self.time, user=actor.user, role=actor.role, op=op.op,
                                  target=op.target(), command=command, ok=True)
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
                due = self._lifecycle.next_due()
                if due is None:
                    break
                due_window = -(-round(due * 1e6) // round(WINDOW * 1e6))
                if due_window > windows:
                    break
                self._windows = max(self._windows, due_window)
                self._lifecycle_steps()
            self._windows = max(self._windows, windows)
            try:
                ctx = ops.execute(self._frame, self._lifecycle, self.time, op, actor)
            except HmcError as err:
                return err
            self._frame, self._lifecycle = ctx.frame, ctx.lifecycle
            return None  # published once, by attach_log, after the last one

    def state(self) -> EngineState:
        """A consistent picture for a checkpoint: taken between two tick boundaries."""
        with self._lock:
            return EngineState(
                frame=self._frame.model_copy(update={"engine_time": self.time}),
                lifecycle=self._lifecycle.to_data(), windows=self._windows, steps=self._steps,
                op_seq=self._op_seq)

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

    def _followup(self, action: tuple) -> None:
        """Actions a finished transition triggers: restart after shutdown, auto-start."""
        if action[0] == "activate":
            _, lpar_id, profile, boot_mode = action
            p = self._frame.partition(lpar_id)
            if p is not None:
                self._apply(ops.ActivatePartition(lpar=p.name, profile=profile,
                                                  boot_mode=boot_mode), SYSTEM_ACTOR)
        elif action[0] == "auto_start":
            for p in self._frame.partitions:
                prof = p.profile(p.default_profile)
                if prof is not None and prof.auto_start and not p.active:
                    self._apply(ops.ActivatePartition(lpar=p.name), SYSTEM_ACTOR)

    def _target_name(self, lpar_id: int) -> str:
        if lpar_id == 0:
            return "system"
        p = self._frame.partition(lpar_id)
        return p.name if p else str(lpar_id)

    def _publish(self) -> Snapshot:
        self._version += 1
        if self._frame is not self._published_frame:
            self._frame_version += 1
            self._published_frame = self._frame
        frame = self._frame.model_copy(update={"engine_time": self.time})
        return Snapshot(
            version=self._version, frame_version=self._frame_version, time=self.time,
            frame=frame, physc=self._cpu.physc(), pools=self._cpu.pools_live(self._frame),
            clock=ClockState(self._mode, self._speed, self._paused),
            events=self._journal.events(), in_flight=len(self._queue),
        )

    def frame_to_save(self) -> Frame:
        """The frame with the current engine time, ready for the store."""
        return self._snapshot.frame
