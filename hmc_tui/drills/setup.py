"""The engine a drill runs on: the scenario's frame and seed, its setup applied.

Setup commands are HMC command lines run as actor "drill" before the drill's clock starts
(activating partitions, a fault that is there from the start); then the engine runs
`setup.run` engine seconds in lockstep so partitions are up when the trainee arrives. The
engine comes back stopped (stepped): the console mode starts its clock, the headless
grader steps it.
"""

from __future__ import annotations

from engine.service import Engine
from hmc_tui.console import LocalConsole
from hmc_tui.drills.load import Scenario
from hmc_tui.hmccli import run_command

__all__ = ["prepare_engine"]

def prepare_engine(scenario: Scenario) -> Engine:
    """Raises ScenarioFileError (FILE:LINE: setup.commands[N]: the HMC's message) when a
    setup command is refused."""
    from hmc_tui.drills.run import DRILL_ACTOR

    engine = Engine(scenario.hmc, seed=scenario.seed, mode="stepped")
    console = LocalConsole(engine, DRILL_ACTOR)
    setup = scenario.model.setup
    for i, line in enumerate(setup.commands):
        result = run_command(console, line, allow_files=False)
        if not result.ok:
            message = " ".join((result.stderr or result.stdout).split())
            raise scenario.error(("setup", "commands", i), f"{line!r} failed: {message}")
    if setup.run:
        engine.step(setup.run)
    return engine
