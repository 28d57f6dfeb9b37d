"""A small drill for the console's drill-mode tests: tests/console/drills/tiny.toml on a
lockstep engine (prepare_engine leaves it stepped; tests step it)."""

from __future__ import annotations

from pathlib import Path

from hmc_tui.console import LocalConsole
from hmc_tui.drills import DrillRun, load_scenario, prepare_engine
from hmc_tui.drills.console import DrillApp

TINY = Path(__file__).with_name("drills") / "tiny.toml"


def tiny_drill(report: Path) -> tuple[LocalConsole, DrillApp]:
    """The lockstep console and the drill app on it, saving its report to `report`."""
    scenario = load_scenario(TINY)
    console = LocalConsole(prepare_engine(scenario))
    return console, DrillApp(console, DrillRun(scenario, console), report_path=report)
