"""A small drill for the console tests (until branch drill's scenarios are merged)."""

from __future__ import annotations

from drill_fake import FakeRun, Hint, Scenario

from engine.snapshot import Snapshot
from hmc_tui.console import LocalConsole

INSTRUCTIONS = """\
dev02 is **booting**. Wait until it runs, then activate *sandbox01*.

- dev02 must reach Running
- sandbox01 must be Running within 10 engine minutes
"""


def running(name: str):  # type: ignore[no-untyped-def]
    def test(snap: Snapshot) -> bool:
        p = snap.frame.partition(name)
        return p is not None and p.state == "Running"
    return test


def tiny_run(console: LocalConsole) -> FakeRun:
    scenario = Scenario(
        title="Tiny drill", instructions=INSTRUCTIONS, limit=600.0,
        checks=[("dev02 is Running", 10, running("dev02")),
                ("sandbox01 is Running", 20, running("sandbox01"))],
        hints=[Hint("Select sandbox01 and press a.", 5), Hint("Then Enter twice.", 10)])
    return FakeRun(scenario, console)
