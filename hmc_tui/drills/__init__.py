"""Drills: a scenario file (a frame, faults at engine times or on triggers, hints, checks)
run in the console for a person or graded headless against a recorded macro.

    scenario = load_scenario(path)            # ScenarioFileError: FILE:LINE: field: reason
    engine = prepare_engine(scenario)         # frame, seed, setup applied (stepped)
    run = DrillRun(scenario, console)         # the drill's clock starts now
    messages = run.tick(snapshot)             # on every new snapshot
    run.status(); run.reveal_hint(); report = run.finish("gave up")

docs/drills.md describes the file and the report.
"""

from hmc_tui.drills.load import Scenario, ScenarioFileError, load_scenario
from hmc_tui.drills.run import (
    CheckResult,
    DrillReport,
    DrillRun,
    DrillStatus,
    FaultResult,
    Hint,
    HintUsed,
)
from hmc_tui.drills.setup import prepare_engine

__all__ = ["CheckResult", "DrillReport", "DrillRun", "DrillStatus", "FaultResult", "Hint",
           "HintUsed", "Scenario", "ScenarioFileError", "load_scenario", "prepare_engine"]
