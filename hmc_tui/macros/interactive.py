"""Interactive replay: the macro plays in the visible console, at its recorded pace.

The engine's clock runs (at the macro's recorded speed, or --speed) and each key waits until
the recorded engine seconds have passed since the previous one, so a faster clock plays the
macro faster. A toast shows "step n of N" (and the latest comment step); escape stops the
replay and hands the console over. Keys typed meanwhile are ignored: they would put the
console out of step with the macro.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from pathlib import Path
from typing import Any

from textual import events
from textual.notifications import Notification

from engine.service import Engine
from hmc_tui.console import LocalConsole
from hmc_tui.macros.check import Outcome, View, evaluate
from hmc_tui.macros.format import CommentStep, Condition, Step, kind_of
from hmc_tui.macros.headless import replay_config
from hmc_tui.macros.keys import character_of
from hmc_tui.macros.load import LoadedMacro
from hmc_tui.macros.replay import Driver, ReplayReport, Runner, write_svg
from hmc_tui.macros.session import FrameChoice, ReplayApp
from hmc_tui.textual_compat import show_toast, withdraw_toast

__all__ = ["InteractiveReplayApp", "replay_interactive"]

POLL = 0.02  # wall seconds between two looks at the engine clock
KEY_GAP = 0.08  # wall seconds at least between two key steps, so the eye can follow
TYPE_GAP = 0.05  # wall seconds after each key: typing at a brisk human pace
EXPECT_GRACE = 3.0  # wall seconds an expectation may take to show up on screen
PASS_THROUGH = ("ctrl+q",)  # keys the user may still press while a replay runs


class InteractiveDriver(Driver):
    def __init__(self, app: InteractiveReplayApp) -> None:
        self.app = app
        self.console: LocalConsole = app.hmc_console  # type: ignore[assignment]

    def now(self) -> float:
        return self.console.snapshot().time

    def exited(self) -> bool:
        return self.app.return_code is not None or not self.app.is_running

    def view(self) -> View:
        return self.app.view()

    async def advance(self, seconds: float, wall_ms: int | None = None) -> None:
        target = self.now() + seconds
        # A paused clock would never get there: then the recorded wall time paces it.
        wall_end = time.monotonic() + (wall_ms / 1000 if wall_ms is not None else seconds)
        started = time.monotonic()
        while self.now() < target - 1e-9:
            if self.console.snapshot().clock.paused and time.monotonic() >= wall_end:
                break
            await asyncio.sleep(POLL)
        if (rest := KEY_GAP - (time.monotonic() - started)) > 0:
            await asyncio.sleep(rest)

    async def press(self, key: str) -> None:
        await self.app.inject_key(key)

    async def wait_for(self, condition: Condition, timeout: float) -> Outcome:
        start = self.now()
        outcome = evaluate(condition, self.view())
        while not outcome.ok and self.now() - start < timeout:
            await asyncio.sleep(POLL * 5)
            outcome = evaluate(condition, self.view())
        return outcome

    async def expect(self, condition: Condition) -> Outcome:
        deadline = time.monotonic() + EXPECT_GRACE
        outcome = evaluate(condition, self.view())
        while not outcome.ok and time.monotonic() < deadline:
            await asyncio.sleep(POLL * 5)
            outcome = evaluate(condition, self.view())
        return outcome

    async def screenshot(self, path: Path) -> None:
        write_svg(path, self.app.export_screenshot())

    async def set_speed(self, speed: float) -> None:
        self.console.set_speed(speed)
        self.app.refresh_from_engine()

    def progress(self, index: int, total: int, step: Step) -> None:
        self.app.show_progress(index, total, step)


class InteractiveReplayApp(ReplayApp):
    def __init__(self, console: LocalConsole, loaded: LoadedMacro, report: ReplayReport, *,
                 screenshot: Path | None = None, screenshot_dir: Path | None = None,
                 **kwargs: Any) -> None:
        super().__init__(console, **kwargs)
        self.engine_clock_notices = False  # toasts time out on the wall clock here
        self.loaded = loaded
        self.report = report
        self.final_screenshot = screenshot
        self.screenshot_dir = screenshot_dir
        self.replaying = False
        self._escaped = False
        self._injected: dict[int, asyncio.Future[None]] = {}
        self._progress: Notification | None = None
        self._comment = ""

    def on_mount(self) -> None:
        # HmcApp.on_mount runs as well (Textual calls each class's handler).
        self.replaying = True
        self.run_worker(self._replay(), name="macro-replay", group="macro", exclusive=True)

    async def _replay(self) -> None:
        try:
            await Runner(self.loaded, InteractiveDriver(self), self.report,
                         screenshot_dir=self.screenshot_dir).run()
        except asyncio.CancelledError:
            if self._escaped:
                self.report.stopped = True
            else:  # the console went away under the replay (quit, or a crash)
                self.report.ok = False
                self.report.failure = (f"{self.loaded.path}: the console closed before the "
                                       f"replay finished ({len(self.report.steps)} of "
                                       f"{len(self.loaded.macro.steps)} steps ran)")
            raise
        finally:
            self.replaying = False
            self._clear_progress()
            self._finished()

    def _finished(self) -> None:
        if self.return_code is not None:  # the app is exiting: nothing left to show on
            return
        if self.final_screenshot is not None:
            write_svg(self.final_screenshot, self.export_screenshot())
            self.report.screenshot = str(self.final_screenshot)
        done = len([s for s in self.report.steps if s.status == "ok"])
        total = len(self.loaded.macro.steps)
        if self.report.stopped:
            self.notify(f"Replay stopped after {done} of {total} steps.", title="Macro",
                        timeout=8)
        elif self.report.ok:
            self.notify(f"Replay finished: {total} steps, every expectation held.",
                        title="Macro", timeout=8)
        else:
            self.notify(self.report.failure, title="Replay failed", severity="error",
                        timeout=30)

    # -- keys: ours go through, the user's wait until the replay is over
    async def inject_key(self, key: str) -> None:
        """Press `key` as a terminal would, then wait until the console has handled it: a
        key that opens a dialog must find it open before the next key arrives."""
        event = events.Key(key, character_of(key))
        event.set_sender(self)
        seen: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._injected[id(event)] = seen
        self.post_message(event)
        await seen
        await self._settle()
        await asyncio.sleep(TYPE_GAP)
        await self._settle()  # again: a screen pushed meanwhile has its own queue

    async def _settle(self, timeout: float = 5.0) -> None:
        """Until the app and every widget of the active screen processed what is queued
        now (what Pilot does between keys, without its CPU-idle wait)."""
        nodes = [self, *self.screen.walk_children(with_self=True)]
        pending = len(nodes)
        done = asyncio.Event()

        def one_done() -> None:
            nonlocal pending
            pending -= 1
            if pending == 0:
                done.set()

        for node in nodes:
            if not node.call_later(one_done):
                one_done()  # not running (being removed): nothing to wait for
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(done.wait(), timeout)

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.Key) and not event.is_forwarded:
            seen = self._injected.pop(id(event), None)
            if seen is not None:
                try:
                    await super().on_event(event)
                finally:
                    if not seen.done():  # the replay may have been cancelled meanwhile
                        seen.set_result(None)
                return
            if self.replaying and event.key not in PASS_THROUGH:
                if event.key == "escape":
                    self._escaped = True
                    self.workers.cancel_group(self, "macro")
                return
        await super().on_event(event)

    # -- the progress toast
    def show_progress(self, index: int, total: int, step: Step) -> None:
        if isinstance(step, CommentStep):
            self._comment = step.comment
        self.sub_title = f"replay {index + 1}/{total}"
        text = f"Step {index + 1} of {total}: {kind_of(step)}"
        if self._comment:
            text += f"\n{self._comment}"
        self._clear_progress()
        self._progress = Notification(text + "\nescape stops the replay", "Replaying macro",
                                      "information", timeout=3600)
        # Not self.notify(): that is a macro notice conditions could match; and shown now,
        # not by message, so the next step can take it down again whatever the queue holds.
        show_toast(self, self._progress)

    def _clear_progress(self) -> None:
        if self._progress is not None:
            withdraw_toast(self, self._progress)
        self._progress = None


def replay_interactive(loaded: LoadedMacro, choice: FrameChoice, *, speed: float | None = None,
                       screenshot: Path | None = None,
                       screenshot_dir: Path | None = None) -> tuple[ReplayReport, LocalConsole]:
    """Replay in the terminal until the user quits; the report and the console."""
    header = loaded.macro.header
    report = ReplayReport(macro=str(loaded.path), frame=choice.label)
    if choice.warning:
        report.warnings.append(choice.warning)
    engine = Engine(choice.frame, seed=header.seed, mode="realtime")
    console = LocalConsole(engine)
    console.set_speed(speed if speed is not None else header.speed)
    engine.start()
    try:
        app = InteractiveReplayApp(console, loaded, report, screenshot=screenshot,
                                   screenshot_dir=screenshot_dir,
                                   config=replay_config(loaded))
        app.run()
    finally:
        engine.stop()
    report.finish(console.snapshot())
    return report, console
