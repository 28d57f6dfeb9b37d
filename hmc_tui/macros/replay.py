"""Running a macro's steps, the same way headless and in the visible console.

The step semantics live here once; a `Driver` supplies how time passes and how keys reach
the app: the headless driver steps the engine in lockstep (deterministic, no wall-clock
waits), the interactive one lets the engine's clock run and waits on it.

The first failing `expect` or timed-out `wait` ends the replay: later keys would land on a
console in a state the macro never saw. Its message names the step as `FILE:LINE: step N
(kind)` and says what was seen instead.
"""

from __future__ import annotations

import json
from abc import ABC, abstractmethod
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Literal

from engine.snapshot import Snapshot
from engine.store import atomic_write_bytes
from hmc_tui.macros.check import Outcome, View, describe_condition
from hmc_tui.macros.format import (
    CommentStep,
    Condition,
    ExpectStep,
    KeyStep,
    ScreenshotStep,
    SpeedStep,
    Step,
    TextStep,
    WaitStep,
    kind_of,
)
from hmc_tui.macros.load import LoadedMacro

__all__ = ["Driver", "ReplayReport", "Runner", "StepResult", "write_svg"]

Status = Literal["ok", "failed", "skipped"]


@dataclass
class StepResult:
    step: int  # 1-based, as messages count
    line: int
    kind: str
    status: Status
    detail: str = ""
    engine_time: float = 0.0  # engine seconds when the step finished
    screen: str = ""  # screen shown when the step finished


@dataclass
class ReplayReport:
    macro: str
    frame: str
    ok: bool = True
    failure: str = ""  # one line: FILE:LINE: step N (kind): what went wrong
    engine_time: float = 0.0
    steps: list[StepResult] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    partitions: dict[str, dict[str, Any]] = field(default_factory=dict)
    screenshot: str | None = None
    stopped: bool = False  # interactive: escape stopped it
    error: str = ""  # the traceback when the console itself failed during the replay

    @property
    def exit_code(self) -> int:
        return 0 if self.ok else 1

    def finish(self, snap: Snapshot) -> None:
        """Record the final frame: what determinism tests and CI scripts compare."""
        self.engine_time = snap.time
        for p in snap.frame.partitions:
            cur = p.current
            self.partitions[p.name] = {
                "state": p.state, "refcode": p.refcode,
                "proc_units": None if cur is None or not cur.shared else cur.desired_proc_units,
                "procs": None if cur is None else cur.desired_procs,
                "memory": None if cur is None else cur.desired_mem,
            }

    def to_json(self) -> str:
        data = asdict(self)
        data["exit_code"] = self.exit_code
        return json.dumps(data, indent=2) + "\n"

    def write(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        atomic_write_bytes(path, self.to_json().encode("utf-8"))


def write_svg(path: Path, svg: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    atomic_write_bytes(path, svg.encode("utf-8"))


class StepFailed(Exception):
    """A wait that timed out or an expectation that does not hold."""


class AppExited(Exception):
    """A replayed key quit the console."""


class Driver(ABC):
    """How a replay reaches the console. Times are engine seconds."""

    @abstractmethod
    def now(self) -> float: ...

    @abstractmethod
    def view(self) -> View: ...

    @abstractmethod
    async def advance(self, seconds: float, wall_ms: int | None = None) -> None:
        """Let `seconds` of engine time pass (the recorded pace between two keys)."""

    @abstractmethod
    async def press(self, key: str) -> None: ...

    async def type_text(self, keys: list[str]) -> None:
        """The keys of a `text` step; a driver may queue them faster than press()."""
        for key in keys:
            await self.press(key)

    @abstractmethod
    async def wait_for(self, condition: Condition, timeout: float) -> Outcome:
        """Until the condition holds or `timeout` engine seconds passed; the last outcome."""

    @abstractmethod
    async def expect(self, condition: Condition) -> Outcome: ...

    @abstractmethod
    async def screenshot(self, path: Path) -> None: ...

    @abstractmethod
    async def set_speed(self, speed: float) -> None: ...

    @abstractmethod
    def exited(self) -> bool: ...

    def progress(self, index: int, total: int, step: Step) -> None:
        """Before step `index` (0-based) runs; only the interactive driver shows it."""
        return None


class Runner:
    def __init__(self, loaded: LoadedMacro, driver: Driver, report: ReplayReport, *,
                 screenshot_dir: Path | None = None) -> None:
        self.loaded = loaded
        self.driver = driver
        self.report = report
        self.base = screenshot_dir or loaded.path.parent  # screenshot steps are relative

    async def run(self) -> ReplayReport:
        steps = self.loaded.macro.steps
        for index, step in enumerate(steps):
            self.driver.progress(index, len(steps), step)
            result = StepResult(index + 1, self.loaded.lines[index], kind_of(step), "ok")
            try:
                result.detail = await self.run_step(step)
            except (StepFailed, AppExited) as exc:
                result.status = "failed"
                result.detail = str(exc)
                self.report.ok = False
                self.report.failure = f"{self.loaded.describe(index)}: {exc}"
            result.engine_time = round(self.driver.now(), 2)
            result.screen = "" if self.driver.exited() else self.driver.view().screen
            self.report.steps.append(result)
            if not self.report.ok:
                self._skip_rest(index + 1)
                break
        return self.report

    def _skip_rest(self, start: int) -> None:
        for index in range(start, len(self.loaded.macro.steps)):
            step = self.loaded.macro.steps[index]
            self.report.steps.append(StepResult(index + 1, self.loaded.lines[index],
                                                kind_of(step), "skipped"))

    async def run_step(self, step: Step) -> str:
        """Run one step; the detail for the report. Raises StepFailed."""
        if isinstance(step, KeyStep | TextStep):
            return await self._keys(step)
        if isinstance(step, WaitStep):
            if isinstance(step.wait, float | int):
                await self.driver.advance(float(step.wait))
                return f"waited {float(step.wait):g} s"
            start = self.driver.now()
            outcome = await self.driver.wait_for(step.wait, step.limit)
            if not outcome.ok:
                raise StepFailed(f"timed out after {step.limit:g} engine seconds waiting for "
                                 f"{describe_condition(step.wait)}; {outcome.seen}")
            return f"after {self.driver.now() - start:.2f} s: {outcome.seen}"
        if isinstance(step, ExpectStep):
            outcome = await self.driver.expect(step.expect)
            if not outcome.ok:
                raise StepFailed(f"expected {describe_condition(step.expect)}; "
                                 f"{outcome.seen}")
            return outcome.seen
        if isinstance(step, ScreenshotStep):
            path = self.base / step.screenshot
            await self.driver.screenshot(path)
            return str(path)
        if isinstance(step, SpeedStep):
            await self.driver.set_speed(step.speed)
            return f"engine clock {step.speed:g}x"
        assert isinstance(step, CommentStep)
        return step.comment

    async def _keys(self, step: KeyStep | TextStep) -> str:
        if isinstance(step, KeyStep):
            await self.driver.advance(step.after, step.wall_ms)
            if step.screen and not self.driver.exited():
                shown = self.driver.view().screen
                if shown != step.screen:
                    self.report.warnings.append(
                        f"step {len(self.report.steps) + 1}: recorded on {step.screen}, "
                        f"replayed on {shown}")
        else:
            await self.driver.advance(step.after)
        keys = step.keys
        if isinstance(step, TextStep):
            await self.driver.type_text(keys)
            if self.driver.exited() and not self._last_step(step):
                raise AppExited(f"typing {step.text!r} quit the console before the macro ended")
            return f"typed {step.text!r}"
        for n, key in enumerate(keys):
            if self.driver.exited():
                raise AppExited(f"the console quit before key {key!r}")
            await self.driver.press(key)
            if self.driver.exited() and (n < len(keys) - 1 or not self._last_step(step)):
                raise AppExited(f"key {key!r} quit the console before the macro ended")
        return " ".join(keys)

    def _last_step(self, step: Step) -> bool:
        return step is self.loaded.macro.steps[-1]
