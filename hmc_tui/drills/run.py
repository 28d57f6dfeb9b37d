"""A drill in progress: faults injected on time, checks graded, hints, the final report.

`DrillRun(scenario, console)` starts the drill's clock at the console's engine time now.
Whoever shows the frame calls `tick(snapshot)` with every new snapshot (the console mode on
its refresh, the headless grader after every engine step): due and triggered faults are
injected through the console with actor "drill", checks are evaluated, and the messages to
show come back. Checks are evaluated when the frame changed (its frame_version) and at the
end; a time limit needs no new frame to expire. Nothing here knows of Textual.

Check modes: "end" holds when the drill finishes; "ever" held at least once (by `within`
drill seconds if given); "never" did not hold at any evaluation. A check with `after` counts
only from the moment that fault was injected. Score: points of the passed checks, less the
cost of the hints the trainee revealed (a hint revealed by time is free), never below 0.
Passed: every check passed, or the score reached the scenario's `pass_score`.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Literal

from pydantic import BaseModel, ConfigDict

from engine.ops.faults import ClearFault, InjectFault
from engine.roles import Actor
from engine.service import OpResult
from engine.snapshot import Snapshot
from hmc_tui.console import Console, LocalConsole
from hmc_tui.drills.conditions import describe, holds
from hmc_tui.drills.format import CheckFields, CheckMode, FaultEntry, subject_of
from hmc_tui.drills.format import Hint as HintEntry
from hmc_tui.drills.load import Scenario

__all__ = ["DRILL_ACTOR", "CheckResult", "DrillReport", "DrillRun", "DrillStatus",
           "FaultResult", "Hint", "HintUsed", "LogEntry"]

DRILL_ACTOR = Actor(user="drill", role="hmcsuperadmin")
CheckState = Literal["pending", "passed", "failed"]
Hint = HintEntry  # what reveal_hint() gives: text and cost
TIME_DIGITS = 2  # drill seconds in messages and the report: hundredths (engine windows)


class Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class CheckResult(Frozen):
    number: int  # 1-based, in file order
    title: str
    kind: str  # its subject: partition, paths, sea, crashed, system, command
    mode: CheckMode
    points: int
    state: CheckState
    holds_now: bool | None = None  # at the last evaluation (None: not evaluated yet)
    time: float | None = None  # drill seconds when it was decided
    message: str = ""  # what was seen when decided (or last seen while pending)


class HintUsed(Frozen):
    text: str
    cost: int  # what it cost (0 when revealed by time)
    time: float  # drill seconds
    how: Literal["asked", "time"]


class FaultResult(Frozen):
    name: str
    kind: str
    location: str
    time: float | None = None  # drill seconds it was injected (None: never)
    ok: bool = False
    message: str = ""  # the refusal, when the engine refused it
    cleared: float | None = None  # drill seconds it was repaired (clear_after)


class LogEntry(Frozen):
    time: float  # drill seconds
    text: str  # what tick() said then


class DrillStatus(Frozen):
    title: str
    elapsed: float  # drill seconds (engine seconds since the drill started)
    limit: float
    checks: tuple[CheckResult, ...]
    hints_revealed: tuple[HintUsed, ...]
    hints_left: int
    score: int  # so far: passed points less hint costs
    max_score: int
    finished: bool
    reason: str  # why it finished ("" while running)


class DrillReport(Frozen):
    """The JSON report (`model_dump_json()`); `wall_seconds` is the only field that differs
    between two runs of the same drill and macro."""

    scenario: str  # the scenario file
    title: str
    frame: str
    seed: int
    passed: bool
    score: int
    max_score: int
    pass_score: int | None
    reason: str  # why the drill finished
    engine_time: float  # drill seconds at the end
    started_at: float  # engine time when the drill's clock started
    checks: tuple[CheckResult, ...]
    hints: tuple[HintUsed, ...]
    faults: tuple[FaultResult, ...]
    timeline: tuple[LogEntry, ...] = ()  # every message the drill gave, in order
    macro: str | None = None  # headless: the macro graded
    macro_failure: str = ""  # headless: the macro step that failed, if one did
    wall_seconds: float = 0.0


@dataclass
class _Check:
    spec: CheckFields
    number: int
    state: CheckState = "pending"
    holds_now: bool | None = None
    time: float | None = None
    message: str = ""
    since: float | None = 0.0  # drill seconds it starts counting (None: its fault not yet)

    @property
    def title(self) -> str:
        return self.spec.title or describe(self.spec)  # type: ignore[arg-type]

    def result(self) -> CheckResult:
        return CheckResult(number=self.number, title=self.title,
                           kind=subject_of(self.spec) or "", mode=self.spec.mode,
                           points=self.spec.points, state=self.state,
                           holds_now=self.holds_now, time=self.time, message=self.message)


@dataclass
class _Fault:
    spec: FaultEntry
    name: str
    time: float | None = None
    ok: bool = False
    message: str = ""
    cleared: float | None = None

    def result(self) -> FaultResult:
        return FaultResult(name=self.name, kind=self.spec.kind, location=self.spec.location,
                           time=self.time, ok=self.ok, message=self.message,
                           cleared=self.cleared)


def _t(seconds: float) -> float:
    return round(seconds, TIME_DIGITS)


class DrillRun:
    def __init__(self, scenario: Scenario, console: Console) -> None:
        self.scenario = scenario
        self.console = console
        self.started_at = console.snapshot().time
        self._wall = time.monotonic()
        self.elapsed = 0.0
        self._faults = [_Fault(f, n) for f, n in zip(scenario.model.fault,
                                                     scenario.fault_names, strict=True)]
        self._checks = [_Check(c, i, since=None if c.after else 0.0)
                        for i, c in enumerate(scenario.model.check, start=1)]
        self._hints: list[HintUsed] = []
        self._log: list[LogEntry] = []
        self._frame_version = -1
        self.finished = False
        self.reason = ""
        self.macro: str | None = None  # the headless grader names the macro
        self.macro_failure = ""

    # ------------------------------------------------------------------ the clock
    def tick(self, snapshot: Snapshot) -> list[str]:
        """Called with every new snapshot: inject what is due, grade, say what happened."""
        if self.finished:
            return []
        messages: list[str] = []
        self.elapsed = max(self.elapsed, snapshot.time - self.started_at)
        messages += self._timed_hints()
        changed = snapshot.frame_version != self._frame_version
        if self._inject(snapshot, changed, messages):
            snapshot = self.console.snapshot()
            changed = True
        if changed:
            self._frame_version = snapshot.frame_version
            messages += self._evaluate(snapshot)
        messages += self._deadlines()
        if self.elapsed >= self.scenario.time_limit - 1e-9:
            messages += self._finish("time limit reached", snapshot)
        elif self._complete():
            messages += self._finish("every check passed", snapshot)
        return self._logged(messages)

    def next_due(self) -> float | None:
        """Engine time of the next timed thing (a fault, a repair, a hint, a deadline, the
        time limit): a driver that steps the engine stops there, so it lands on time."""
        if self.finished:
            return None
        times = [self.scenario.time_limit]
        for fault in self._faults:
            if fault.time is None and fault.spec.at is not None:
                times.append(fault.spec.at)
            elif fault.ok and fault.cleared is None and fault.spec.clear_after is not None \
                    and fault.time is not None:
                times.append(fault.time + fault.spec.clear_after)
        hints = self.scenario.model.hint[len(self._hints):]
        if hints and hints[0].after is not None:
            times.append(hints[0].after)
        times += [c.since + c.spec.within for c in self._checks if c.state == "pending"
                  and c.since is not None and c.spec.within is not None]
        due = [t for t in times if t > self.elapsed + 1e-9]
        return self.started_at + min(due) if due else None

    def _logged(self, messages: list[str]) -> list[str]:
        self._log += [LogEntry(time=_t(self.elapsed), text=m) for m in messages]
        return messages

    def _inject(self, snap: Snapshot, changed: bool, messages: list[str]) -> bool:
        injected = False
        for fault in self._faults:
            if fault.time is not None:
                injected |= self._clear(fault, messages)
                continue
            spec = fault.spec
            if spec.at is not None:
                due = self.elapsed >= spec.at - 1e-9
            else:
                due = changed and spec.when is not None and \
                    holds(spec.when, snap, self.console).ok
            if not due:
                continue
            result = self._execute(InjectFault(kind=spec.kind, location=spec.location,
                                               size_gb=spec.size_gb, restart=spec.restart,
                                               rate=spec.rate))
            fault.time = _t(self.elapsed)
            fault.ok = result.ok
            fault.message = "" if result.ok else str(result)
            injected = True
            if result.ok:
                messages.append(f"Fault: {fault.name} ({spec.kind}"
                                f"{' ' + spec.location if spec.location else ''})")
                for check in self._checks:
                    if check.spec.after == fault.name:
                        check.since = self.elapsed
            else:
                messages.append(f"Fault {fault.name} was refused: {result}")
        return injected

    def _clear(self, fault: _Fault, messages: list[str]) -> bool:
        after = fault.spec.clear_after
        if not fault.ok or fault.cleared is not None or after is None or fault.time is None \
                or self.elapsed < fault.time + after - 1e-9:
            return False
        result = self._execute(ClearFault(kind=fault.spec.kind, location=fault.spec.location))
        fault.cleared = _t(self.elapsed)
        if result.ok:
            messages.append(f"Repaired: {fault.name} ({fault.spec.kind})")
        else:  # the trainee repaired it first (chhwfault -o clear): nothing left to do
            fault.message = f"not cleared by the drill: {result}"
        return result.ok

    def _execute(self, op: InjectFault | ClearFault) -> OpResult:
        """As actor "drill" where the engine is ours; a remote engine acts for its user."""
        if isinstance(self.console, LocalConsole):
            return self.console.engine.execute(op, DRILL_ACTOR)
        return self.console.execute(op)

    def _evaluate(self, snap: Snapshot) -> list[str]:
        messages = []
        for check in self._checks:
            if check.state != "pending" or check.since is None:
                continue
            outcome = holds(check.spec, snap, self.console)  # type: ignore[arg-type]
            check.holds_now = outcome.ok
            check.message = outcome.seen
            mode = check.spec.mode
            if mode == "ever" and outcome.ok:
                messages += self._decide(check, "passed", outcome.seen)
            elif mode == "never" and outcome.ok:
                messages += self._decide(check, "failed", outcome.seen)
        return messages

    def _deadlines(self) -> list[str]:
        messages = []
        for check in self._checks:
            within = check.spec.within
            if check.state == "pending" and within is not None and check.since is not None \
                    and self.elapsed > check.since + within + 1e-9:
                messages += self._decide(check, "failed", f"not within {within:g} s; "
                                         f"last seen: {check.message or 'nothing'}")
        return messages

    def _decide(self, check: _Check, state: CheckState, seen: str) -> list[str]:
        check.state = state
        check.time = _t(self.elapsed)
        check.message = seen
        word = "passed" if state == "passed" else "FAILED"
        return [f"Check {word}: {check.title} ({check.spec.points} points) at "
                f"{check.time:g} s: {seen}"]

    def _complete(self) -> bool:
        """Every check passed or holds now (end), none failed, no never-check open."""
        return all(
            c.state == "passed" or (c.state == "pending" and c.spec.mode == "end"
                                    and c.holds_now is True)
            for c in self._checks if c.spec.mode != "never") and \
            all(c.state != "failed" for c in self._checks) and \
            all(c.spec.mode != "end" or c.since is not None for c in self._checks) and \
            any(c.spec.mode != "never" for c in self._checks)

    # ------------------------------------------------------------------ hints
    def _timed_hints(self) -> list[str]:
        messages = []
        for hint in self.scenario.model.hint[len(self._hints):]:
            if hint.after is None or self.elapsed < hint.after - 1e-9:
                break  # hints come in file order
            self._hints.append(HintUsed(text=hint.text, cost=0, time=_t(self.elapsed),
                                        how="time"))
            messages.append(f"Hint: {hint.text}")
        return messages

    def reveal_hint(self) -> Hint | None:
        """The next hint, charged at its cost; None when there is none left."""
        hints = self.scenario.model.hint
        if len(self._hints) >= len(hints) or self.finished:
            return None
        hint = hints[len(self._hints)]
        self._hints.append(HintUsed(text=hint.text, cost=hint.cost, time=_t(self.elapsed),
                                    how="asked"))
        self._logged([f"Hint (-{hint.cost} points): {hint.text}"])
        return hint

    # ------------------------------------------------------------------ the end
    def _finish(self, reason: str, snap: Snapshot) -> list[str]:
        if self.finished:
            return []
        messages = self._evaluate(snap) if snap.frame_version != self._frame_version else []
        for check in self._checks:
            if check.state != "pending":
                continue
            mode = check.spec.mode
            if check.since is None:
                messages += self._decide(check, "failed",
                                         f"its fault {check.spec.after!r} never came")
            elif mode == "end":
                outcome = holds(check.spec, snap, self.console)  # type: ignore[arg-type]
                check.holds_now = outcome.ok
                messages += self._decide(check, "passed" if outcome.ok else "failed",
                                         outcome.seen)
            elif mode == "never":
                messages += self._decide(check, "passed", "never happened")
            else:
                messages += self._decide(check, "failed",
                                         f"never held; last seen: {check.message or 'nothing'}")
        self.finished = True
        self.reason = reason
        report = self.report()
        messages.append(f"Drill finished ({reason}): score {report.score} of "
                        f"{report.max_score}, {'passed' if report.passed else 'failed'}")
        return messages

    def finish(self, reason: str) -> DrillReport:
        """End the drill now (the trainee gave up, the macro ended): pending checks are
        decided on the frame as it is, and the report returned."""
        snap = self.console.snapshot()
        if not self.finished:
            self.elapsed = max(self.elapsed, snap.time - self.started_at)
            self._logged(self._finish(reason, snap))
        return self.report()

    def score(self) -> int:
        passed = sum(c.spec.points for c in self._checks if c.state == "passed")
        return max(0, passed - sum(h.cost for h in self._hints))

    def max_score(self) -> int:
        return sum(c.spec.points for c in self._checks)

    def passed(self) -> bool:
        pass_score = self.scenario.model.drill.pass_score
        if pass_score is not None:
            return self.finished and self.score() >= pass_score
        return self.finished and all(c.state == "passed" for c in self._checks)

    def status(self) -> DrillStatus:
        return DrillStatus(
            title=self.scenario.title, elapsed=_t(self.elapsed),
            limit=self.scenario.time_limit, checks=tuple(c.result() for c in self._checks),
            hints_revealed=tuple(self._hints),
            hints_left=len(self.scenario.model.hint) - len(self._hints), score=self.score(),
            max_score=self.max_score(), finished=self.finished, reason=self.reason)

    def report(self) -> DrillReport:
        return DrillReport(
            scenario=str(self.scenario.path), title=self.scenario.title,
            frame=self.scenario.frame_label, seed=self.scenario.seed, passed=self.passed(),
            score=self.score(), max_score=self.max_score(),
            pass_score=self.scenario.model.drill.pass_score, reason=self.reason,
            engine_time=_t(self.elapsed), started_at=_t(self.started_at),
            checks=tuple(c.result() for c in self._checks), hints=tuple(self._hints),
            faults=tuple(f.result() for f in self._faults), timeline=tuple(self._log),
            macro=self.macro,
            macro_failure=self.macro_failure,
            wall_seconds=round(time.monotonic() - self._wall, 3))
