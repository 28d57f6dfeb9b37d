"""SVG snapshots of the drill console at 120x40: the side panel (with a hint revealed and a
check passed) and the score screen. Lockstep engine, stepped by the test: deterministic.
Update with `pytest tests/console/test_drill_snapshots.py --snapshot-update`.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from console_helpers import step, wait_for
from drill_helpers import tiny_drill
from textual.pilot import Pilot

from engine.ops.power import ShutdownPartition
from hmc_tui.drills.console import DrillApp
from hmc_tui.screens.drill_score import DrillScoreScreen
from hmc_tui.widgets.drill_panel import DrillPanel

SIZE = (120, 40)


def drill_app(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> DrillApp:
    # A relative report path in tmp_path: the score screen names it, the same every run.
    monkeypatch.chdir(tmp_path)
    return tiny_drill(Path("drill-report.json"))[1]


async def panel(pilot: Pilot[object]) -> None:
    app = pilot.app
    assert isinstance(app, DrillApp)
    await wait_for(pilot, lambda: bool(app.screen.query(DrillPanel)))
    await app.run_operation(ShutdownPartition(lpar="test01", option="immediate"))
    await step(pilot, app.hmc_console, 95)  # type: ignore[arg-type]
    await pilot.press("f7", "y")
    await pilot.pause()
    app.clear_notifications()
    await pilot.pause()


async def score(pilot: Pilot[object]) -> None:
    app = pilot.app
    assert isinstance(app, DrillApp)
    await panel(pilot)
    await pilot.press("f8", "y")
    await wait_for(pilot, lambda: isinstance(app.screen, DrillScoreScreen))
    app.clear_notifications()
    await pilot.pause()


def test_panel_snapshot(snap_compare: Callable[..., bool], tmp_path: Path,
                        monkeypatch: pytest.MonkeyPatch) -> None:
    app = drill_app(tmp_path, monkeypatch)
    assert snap_compare(app, terminal_size=SIZE, run_before=panel)


def test_score_snapshot(snap_compare: Callable[..., bool], tmp_path: Path,
                        monkeypatch: pytest.MonkeyPatch) -> None:
    app = drill_app(tmp_path, monkeypatch)
    assert snap_compare(app, terminal_size=SIZE, run_before=score)
    assert (tmp_path / "drill-report.json").exists()
