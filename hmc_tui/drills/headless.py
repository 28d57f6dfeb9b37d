"""Grading a recorded solution: the macro replayed headless, the drill ticking in lockstep.

The macro's replay is hmc_tui/macros/headless.py's (the real console app, engine stepped,
keys pressed once the app is idle); this driver moves the engine in steps of at most
STEP engine seconds and ticks the drill after each, so faults land at their engine times
and checks see every frame on the way. For one scenario and macro, two runs see the same
snapshots in the same order: the same report, wall time aside.
"""

from __future__ import annotations

import asyncio

from textual.pilot import Pilot

from hmc_tui.console import LocalConsole
from hmc_tui.drills.load import Scenario
from hmc_tui.drills.run import DrillReport, DrillRun
from hmc_tui.drills.setup import prepare_engine
from hmc_tui.macros.headless import REFRESH_HZ, HeadlessDriver, replay_config
from hmc_tui.macros.load import LoadedMacro
from hmc_tui.macros.replay import ReplayReport, Runner
from hmc_tui.macros.session import ReplayApp

__all__ = ["STEP", "grade", "run_graded"]

STEP = 1.0  # engine seconds between two ticks of the drill while time passes


class DrillDriver(HeadlessDriver):
    def __init__(self, app: ReplayApp, pilot: Pilot[int], console: LocalConsole,
                 run: DrillRun) -> None:
        super().__init__(app, pilot, console)
        self.run = run
        self.messages: list[str] = []

    def _tick(self) -> None:
        self.messages += self.run.tick(self.console.snapshot())

    def step_engine(self, seconds: float) -> None:
        """Move the engine on by `seconds`, ticking the drill at least every STEP and at
        each time it has something due (a fault lands at its engine time)."""
        left = seconds
        while left > 1e-9:
            step = min(STEP, left)
            due = self.run.next_due()
            if due is not None:
                step = min(step, max(due - self.console.snapshot().time, 0.01))
            self.console.step(step)
            left -= step
            self._tick()

    async def press(self, key: str) -> None:
        await super().press(key)
        self._tick()  # an operation the key ran changed the frame, no time passing

    async def type_text(self, keys: list[str]) -> None:
        await super().type_text(keys)
        self._tick()


async def run_graded(scenario: Scenario, loaded: LoadedMacro) -> tuple[DrillReport, list[str]]:
    """The report and the messages the drill gave on the way. Raises ScenarioFileError
    when a setup command is refused."""
    console = LocalConsole(prepare_engine(scenario))
    run = DrillRun(scenario, console)
    run.macro = str(loaded.path)
    replay = ReplayReport(macro=str(loaded.path), frame=scenario.frame_label)
    app = ReplayApp(console, config=replay_config(loaded), refresh_hz=REFRESH_HZ)
    messages: list[str] = []
    try:
        async with app.run_test(size=loaded.macro.header.size) as pilot:
            await pilot.pause()
            driver = DrillDriver(app, pilot, console, run)
            driver.messages += run.tick(console.snapshot())  # faults at 0, first grading
            await Runner(loaded, driver, replay).run()
            messages = driver.messages
    except Exception as exc:  # the console itself broke: the drill is graded as it stands
        replay.ok = False
        replay.failure = f"{loaded.path}: the console failed: {type(exc).__name__}: {exc}"
    if not replay.ok:
        run.macro_failure = replay.failure
    report = run.finish("the macro ended")
    return report, messages


def grade(scenario: Scenario, loaded: LoadedMacro) -> DrillReport:
    """run_graded() from synchronous code (the command line, tests)."""
    return asyncio.run(run_graded(scenario, loaded))[0]
