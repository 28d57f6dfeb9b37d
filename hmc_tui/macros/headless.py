"""Headless replay: the real console app in Textual's headless driver, engine in lockstep.

Nothing here waits on the wall clock for the simulation: the engine moves only when a step
says so (`after`, `wait`), the app is shown each new snapshot at once (not at its timer's
next tick) and every key is pressed once the app is idle. For one macro, frame and seed,
two runs therefore see the same snapshots in the same order: same final frame, and
byte-identical screenshots.
"""

from __future__ import annotations

import asyncio
import traceback
from pathlib import Path

from textual import events
from textual.pilot import Pilot

from engine.service import Engine
from hmc_tui.config import Config
from hmc_tui.console import LocalConsole
from hmc_tui.macros.check import Outcome, View, evaluate
from hmc_tui.macros.format import Condition, PartitionCheck
from hmc_tui.macros.keys import character_of
from hmc_tui.macros.load import LoadedMacro
from hmc_tui.macros.replay import Driver, ReplayReport, Runner, write_svg
from hmc_tui.macros.session import FrameChoice, ReplayApp

__all__ = ["POLL_SECONDS", "replay_headless", "run_headless"]

POLL_SECONDS = 0.25  # engine seconds between two looks while waiting for a condition
REFRESH_HZ = 1.0  # the app's own timer only ever finds the snapshot it was already shown


class HeadlessDriver(Driver):
    def __init__(self, app: ReplayApp, pilot: Pilot[int], console: LocalConsole) -> None:
        self.app = app
        self.pilot = pilot
        self.console = console

    def now(self) -> float:
        return self.console.snapshot().time

    def exited(self) -> bool:
        return self.app.return_code is not None or not self.app.is_running

    def view(self) -> View:
        return self.app.view()

    async def _show(self) -> None:
        """Hand the newest snapshot to the app and let it settle."""
        self.app.refresh_from_engine()
        await self.pilot.pause()

    def step_engine(self, seconds: float) -> None:
        """Every move of the engine's clock (a drill's grader ticks its drill here)."""
        self.console.step(seconds)

    async def advance(self, seconds: float, wall_ms: int | None = None) -> None:
        if seconds > 0:
            self.step_engine(seconds)
            await self._show()

    async def press(self, key: str) -> None:
        await self.pilot.press(key)
        await self.pilot.pause()

    async def type_text(self, keys: list[str]) -> None:
        """Queue the keys of a `text` step at once and settle once: they are handled in
        order all the same, without Pilot's per-key idle wait (~60 ms each)."""
        for key in keys:
            self.app.post_message(events.Key(key, character_of(key)))  # as the driver does
        await self.pilot.pause()

    async def wait_for(self, condition: Condition, timeout: float) -> Outcome:
        # Partition conditions read the engine: no need to repaint between two looks.
        ui = not isinstance(condition, PartitionCheck)
        waited = 0.0
        outcome = evaluate(condition, self.view())
        while not outcome.ok and waited < timeout - 1e-9:
            step = min(POLL_SECONDS, timeout - waited)
            self.step_engine(step)
            waited += step
            if ui:
                await self._show()
            outcome = evaluate(condition, self.view())
        if not ui:
            await self._show()
        return outcome

    async def expect(self, condition: Condition) -> Outcome:
        return evaluate(condition, self.view())

    async def screenshot(self, path: Path) -> None:
        self.app.steady_cursors()
        await self.pilot.pause()
        write_svg(path, self.app.export_screenshot())

    async def set_speed(self, speed: float) -> None:
        self.console.set_speed(speed)  # stepped anyway: only the status bar shows it
        await self._show()


def replay_config(loaded: LoadedMacro) -> Config:
    """The recorded theme and keymap, never the user's config: with another keymap the
    same keys would run other actions, with another theme the screenshots would differ."""
    header = loaded.macro.header
    config = Config(keymap=dict(header.keymap))
    if header.theme:
        config.theme = header.theme
    return config


async def run_headless(loaded: LoadedMacro, choice: FrameChoice, *,
                       screenshot: Path | None = None,
                       screenshot_dir: Path | None = None) -> tuple[ReplayReport, LocalConsole]:
    """Replay `loaded` on `choice.frame`; the report and the console, whose engine holds
    the final frame (for --save)."""
    report = ReplayReport(macro=str(loaded.path), frame=choice.label)
    if choice.warning:
        report.warnings.append(choice.warning)
    header = loaded.macro.header
    console = LocalConsole(Engine(choice.frame, seed=header.seed, mode="stepped"))
    app = ReplayApp(console, config=replay_config(loaded), refresh_hz=REFRESH_HZ)
    try:
        async with app.run_test(size=header.size) as pilot:
            await pilot.pause()
            driver = HeadlessDriver(app, pilot, console)
            await Runner(loaded, driver, report, screenshot_dir=screenshot_dir).run()
            if screenshot is not None:
                if driver.exited():
                    report.warnings.append("no final screenshot: the macro quit the console")
                else:
                    await driver.screenshot(screenshot)
                    report.screenshot = str(screenshot)
    except Exception as exc:  # the console itself broke: say where, keep the traceback
        report.ok = False
        step = len(report.steps) + 1
        report.failure = (f"{loaded.path}: the console failed during step {step}: "
                          f"{type(exc).__name__}: {exc}")
        report.error = traceback.format_exc()
    report.finish(console.snapshot())
    return report, console


def replay_headless(loaded: LoadedMacro, choice: FrameChoice, *,
                    screenshot: Path | None = None,
                    screenshot_dir: Path | None = None) -> tuple[ReplayReport, LocalConsole]:
    """run_headless() from synchronous code (the command line)."""
    return asyncio.run(run_headless(loaded, choice, screenshot=screenshot,
                                    screenshot_dir=screenshot_dir))
