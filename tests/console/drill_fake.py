"""A stand-in DrillRun with the interface of hmc_tui.drills (branch drill) until it is merged:
checks are predicates on the snapshot, time comes from the engine's snapshots."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from pydantic import BaseModel

from engine.snapshot import Snapshot


@dataclass(frozen=True)
class Hint:
    text: str
    cost: int


@dataclass
class CheckState:
    name: str
    points: int
    state: str = "pending"  # pending / passed / failed
    at: float | None = None
    message: str = ""


@dataclass
class DrillStatus:
    elapsed: float
    limit: float | None
    checks: list[CheckState]
    hints_revealed: list[Hint]
    hints_left: int
    next_hint_cost: int | None
    finished: bool
    reason: str
    score: int
    max_score: int


class CheckResult(BaseModel):
    name: str
    passed: bool
    points: int
    at: float | None
    message: str


class DrillReport(BaseModel):
    scenario: str
    passed: bool
    score: int
    max: int
    reason: str
    checks: list[CheckResult]
    hints_used: int
    engine_time: float


@dataclass
class Scenario:
    title: str
    instructions: str
    limit: float | None
    checks: list[tuple[str, int, Callable[[Snapshot], bool]]]
    hints: list[Hint] = field(default_factory=list)


class FakeRun:
    def __init__(self, scenario: Scenario, console: object) -> None:
        self.scenario = scenario
        self.console = console
        self.start: float | None = None
        self.now = 0.0
        self.checks = [CheckState(name, points) for name, points, _ in scenario.checks]
        self.revealed: list[Hint] = []
        self.finished = False
        self.reason = ""

    def tick(self, snap: Snapshot) -> list[str]:
        if self.start is None:
            self.start = snap.time
        self.now = snap.time - self.start
        messages = []
        for state, (_, _, test) in zip(self.checks, self.scenario.checks, strict=True):
            if state.state == "pending" and test(snap):
                state.state, state.at = "passed", self.now
                messages.append(f"Check passed: {state.name}")
        limit = self.scenario.limit
        if all(c.state == "passed" for c in self.checks):
            self.finished, self.reason = True, "all checks passed"
        elif limit is not None and self.now >= limit:
            self.finished, self.reason = True, "time limit reached"
            for c in self.checks:
                if c.state == "pending":
                    c.state, c.at, c.message = "failed", self.now, "not done in time"
        return messages

    def status(self) -> DrillStatus:
        left = self.scenario.hints[len(self.revealed):]
        passed = sum(c.points for c in self.checks if c.state == "passed")
        return DrillStatus(
            self.now, self.scenario.limit, list(self.checks), list(self.revealed), len(left),
            left[0].cost if left else None, self.finished, self.reason,
            passed - sum(h.cost for h in self.revealed), sum(c.points for c in self.checks))

    def reveal_hint(self) -> Hint | None:
        left = self.scenario.hints[len(self.revealed):]
        if not left:
            return None
        self.revealed.append(left[0])
        return left[0]

    def finish(self, reason: str) -> DrillReport:
        if not self.finished:
            self.finished, self.reason = True, reason
        for c in self.checks:
            if c.state == "pending":
                c.state, c.at, c.message = "failed", self.now, "not done"
        status = self.status()
        return DrillReport(
            scenario=self.scenario.title, passed=all(c.state == "passed" for c in self.checks),
            score=status.score, max=status.max_score, reason=self.reason,
            checks=[CheckResult(name=c.name, passed=c.state == "passed", points=c.points,
                                at=c.at, message=c.message) for c in self.checks],
            hints_used=len(self.revealed), engine_time=self.now)
