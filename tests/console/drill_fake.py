"""A stand-in DrillRun with the interface of hmc_tui.drills.run (branch drill) until it is
merged: checks are predicates on the snapshot ("ever" checks), the drill's clock starts at
the console's engine time when it is made. Field names as in hmc_tui.drills.run."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from engine.snapshot import Snapshot


@dataclass(frozen=True)
class Hint:
    text: str
    cost: int
    after: float | None = None


class CheckResult(BaseModel):
    number: int
    title: str
    points: int
    state: str = "pending"
    holds_now: bool | None = None
    time: float | None = None
    message: str = ""


class HintUsed(BaseModel):
    text: str
    cost: int
    time: float
    how: str


class DrillStatus(BaseModel):
    title: str
    elapsed: float
    limit: float
    checks: tuple[CheckResult, ...]
    hints_revealed: tuple[HintUsed, ...]
    hints_left: int
    score: int
    max_score: int
    finished: bool
    reason: str


class DrillReport(BaseModel):
    scenario: str
    title: str
    passed: bool
    score: int
    max_score: int
    reason: str
    engine_time: float
    checks: tuple[CheckResult, ...]
    hints: tuple[HintUsed, ...]


@dataclass
class Model:
    hint: list[Hint]


@dataclass
class Scenario:
    title: str
    instructions: str
    time_limit: float
    checks: list[tuple[str, int, Callable[[Snapshot], bool]]]
    hints: list[Hint] = field(default_factory=list)
    path: Path = Path("tiny/drill.toml")

    @property
    def model(self) -> Model:
        return Model(self.hints)


class FakeRun:
    def __init__(self, scenario: Scenario, console: Any) -> None:
        self.scenario = scenario
        self.console = console
        self.started_at = console.snapshot().time
        self.elapsed = 0.0
        self.checks = [CheckResult(number=i, title=t, points=p)
                       for i, (t, p, _) in enumerate(scenario.checks, 1)]
        self.hints: list[HintUsed] = []
        self.finished = False
        self.reason = ""

    def tick(self, snap: Snapshot) -> list[str]:
        if self.finished:
            return []
        self.elapsed = snap.time - self.started_at
        messages = []
        for i, (_, _, test) in enumerate(self.scenario.checks):
            c = self.checks[i]
            if c.state == "pending" and test(snap):
                self.checks[i] = c.model_copy(update={"state": "passed", "time": self.elapsed,
                                                      "holds_now": True})
                messages.append(f"Check passed: {c.title}")
        if all(c.state == "passed" for c in self.checks):
            self._finish("every check passed")
        elif self.elapsed >= self.scenario.time_limit:
            self._finish("time limit reached")
        return messages

    def _finish(self, reason: str) -> None:
        self.finished, self.reason = True, reason
        self.checks = [c if c.state != "pending" else c.model_copy(update={
            "state": "failed", "time": self.elapsed, "message": "never held"})
            for c in self.checks]

    def score(self) -> int:
        passed = sum(c.points for c in self.checks if c.state == "passed")
        return max(0, passed - sum(h.cost for h in self.hints))

    def status(self) -> DrillStatus:
        return DrillStatus(
            title=self.scenario.title, elapsed=self.elapsed, limit=self.scenario.time_limit,
            checks=tuple(self.checks), hints_revealed=tuple(self.hints),
            hints_left=len(self.scenario.hints) - len(self.hints), score=self.score(),
            max_score=sum(c.points for c in self.checks), finished=self.finished,
            reason=self.reason)

    def reveal_hint(self) -> Hint | None:
        if len(self.hints) >= len(self.scenario.hints) or self.finished:
            return None
        hint = self.scenario.hints[len(self.hints)]
        self.hints.append(HintUsed(text=hint.text, cost=hint.cost, time=self.elapsed,
                                   how="asked"))
        return hint

    def finish(self, reason: str) -> DrillReport:
        if not self.finished:
            self.elapsed = self.console.snapshot().time - self.started_at
            self._finish(reason)
        return DrillReport(
            scenario=str(self.scenario.path), title=self.scenario.title,
            passed=all(c.state == "passed" for c in self.checks), score=self.score(),
            max_score=sum(c.points for c in self.checks), reason=self.reason,
            engine_time=self.elapsed, checks=tuple(self.checks), hints=tuple(self.hints))
