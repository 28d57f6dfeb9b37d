"""A small drill for the console tests (until branch drill's scenarios are merged)."""

from __future__ import annotations

from collections.abc import Callable

from drill_fake import FakeRun, Hint, Scenario

from engine.snapshot import Snapshot
from hmc_tui.console import LocalConsole

INSTRUCTIONS = """\
Activate **dev02**, then shut *test01* down for maintenance.

- dev02 must reach Running
- test01 must be Not Activated within 10 engine minutes
"""


def in_state(name: str, state: str) -> Callable[[Snapshot], bool]:
    def test(snap: Snapshot) -> bool:
        p = snap.frame.partition(name)
        return p is not None and p.state == state
    return test


def tiny_run(console: LocalConsole) -> FakeRun:
    scenario = Scenario(
        title="Tiny drill", instructions=INSTRUCTIONS, time_limit=600.0,
        checks=[("dev02 is Running", 10, in_state("dev02", "Running")),
                ("test01 is shut down", 20, in_state("test01", "Not Activated"))],
        hints=[Hint("Select dev02 and press a.", 5), Hint("s on test01.", 10)])
    return FakeRun(scenario, console)
