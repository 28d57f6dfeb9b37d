"""The drill in the console (issue 15): side panel, clock, checks, hints, score, reports.

Lockstep engine (conftest): engine time moves only when a test steps it, so the clock and
the times in the report are exact.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import pytest
from console_helpers import lpar_id, step, text, wait_for
from drill_helpers import TINY, tiny_drill

from engine.ops.power import ActivatePartition, ShutdownPartition
from hmc_tui.cli import main
from hmc_tui.console import LocalConsole
from hmc_tui.drills.console import DrillApp, run_drill_console
from hmc_tui.screens.command import CommandScreen
from hmc_tui.screens.dialogs import ConfirmDialog
from hmc_tui.screens.drill_score import DrillScoreScreen
from hmc_tui.screens.help import help_rows
from hmc_tui.screens.terminal import TerminalScreen
from hmc_tui.screens.vios import ViosScreen
from hmc_tui.widgets.drill_panel import DrillPanel, DrillView, HintLine, clock_text, hints_text

SIZE = (120, 40)




def panel(app: DrillApp) -> DrillPanel:
    return app.screen.query_one(DrillPanel)


def part(app: DrillApp, name: str) -> str:
    shown = text(panel(app).query_one(f"#drill-{name}")).strip()
    return "\n".join(line.rstrip() for line in shown.splitlines())


async def test_panel_shows_instructions_and_the_clock_follows_engine_time(
        tmp_path: Path) -> None:
    console, app = tiny_drill(tmp_path / "r.json")
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: bool(app.screen.query(DrillPanel)))
        assert part(app, "title") == "Tiny drill"
        assert part(app, "clock") == "Time 0:00 / 10:00  engine time"
        markdown = panel(app).query_one("#drill-instructions")
        assert "test01 must be Not Activated within" in markdown.query_one("Markdown").source
        await step(pilot, console, 90)
        assert part(app, "clock") == "Time 1:30 / 10:00  engine time"
        await step(pilot, console, 500)  # under a minute left: said in red
        assert part(app, "clock") == "Time 9:50 / 10:00  0:10 left  engine time"
        await pilot.press("3")  # every full screen gets the panel
        await wait_for(pilot, lambda: isinstance(app.screen, ViosScreen)
                       and bool(app.screen.query(DrillPanel)))
        assert part(app, "clock") == "Time 9:50 / 10:00  0:10 left  engine time"
        await pilot.press("f6")  # hidden everywhere, back with the same key
        assert not panel(app).display
        await pilot.press("1")
        await pilot.pause()
        assert not panel(app).display
        await pilot.press("f6")
        assert panel(app).display


async def test_a_check_passes_when_the_frame_satisfies_it(tmp_path: Path) -> None:
    console, app = tiny_drill(tmp_path / "r.json")
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await wait_for(pilot, lambda: bool(app.screen.query(DrillPanel)))
        assert part(app, "checks") == ("· dev02 is Running  10 pt\n"
                                       "· test01 is shut down  20 pt\n"
                                       "  ✓ passed ✗ failed ○ holds now")
        await step(pilot, console, 20)
        await app.run_operation(ActivatePartition(lpar="dev02"))
        await step(pilot, console, 5)
        assert part(app, "checks").startswith("· dev02")  # still booting
        for _ in range(40):
            if app.snapshot.frame.partition("dev02").state == "Running":
                break
            await step(pilot, console, 5)
        assert app.snapshot.frame.partition("dev02").state == "Running"
        assert part(app, "checks").splitlines()[0] == "✓ dev02 is Running  10 pt @0:30"
        assert part(app, "score") == "Score 10 / 30"
        assert ("Check passed: dev02 is Running (10 points) at 30 s: dev02 is Running, "
                "0.50 PU, 2 procs, 16384 MB") in [n.message for n in app._notifications]


async def test_a_hint_asks_first_and_costs_its_points(tmp_path: Path) -> None:
    console, app = tiny_drill(tmp_path / "r.json")
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: bool(app.screen.query(DrillPanel)))
        await app.run_operation(ShutdownPartition(lpar="test01", option="immediate"))
        await step(pilot, console, 10)
        assert part(app, "score") == "Score 20 / 30"
        assert part(app, "hints") == "f7: next hint (-5 pt, 2 left)"
        await pilot.press("f7")
        assert isinstance(app.screen, ConfirmDialog)
        assert "Hint 1 of 2 costs 5 points (score now 20 / 30)" in text(
            app.screen.query_one("#message"))
        await pilot.press("n")  # refused: nothing revealed, nothing paid
        assert part(app, "score") == "Score 20 / 30"
        await pilot.press("f7", "y")
        await pilot.pause()
        assert part(app, "score") == "Score 15 / 30"
        assert part(app, "hints") == ("Hint 1 (-5): Select dev02 and press a.\n"
                                      "f7: next hint (-10 pt, 1 left)")
        await pilot.press("f7", "y")
        await pilot.pause()
        assert part(app, "score") == "Score 5 / 30"
        assert part(app, "hints").endswith("No hints left.")
        await pilot.press("f7")  # nothing left to reveal: no question
        assert not isinstance(app.screen, ConfirmDialog)


async def test_finishing_shows_the_score_with_exact_figures(tmp_path: Path) -> None:
    report = tmp_path / "report.json"
    console, app = tiny_drill(report)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: bool(app.screen.query(DrillPanel)))
        await pilot.press("f7", "y")  # -5
        await app.run_operation(ActivatePartition(lpar="dev02"))
        await app.run_operation(ShutdownPartition(lpar="test01", option="immediate"))
        for _ in range(40):
            if isinstance(app.screen, DrillScoreScreen):
                break
            await step(pilot, console, 15)
        assert isinstance(app.screen, DrillScoreScreen)
        summary = text(app.screen.query_one("#drill-summary"))
        assert summary.splitlines()[0].strip() == \
            "PASSED   Score 25 / 30   every check passed"
        when = app.report.engine_time
        assert summary.splitlines()[1].strip() == \
            f"Engine time {clock_text(when)}   Hints used 1 (-5 points)"
        rows = [line.split() for line in
                text(app.screen.query_one("#drill-results")).strip().splitlines()]
        assert rows[1][:5] == ["✓", "dev02", "is", "Running", "10/10"]
        assert rows[2][:6] == ["✓", "test01", "is", "shut", "down", "20/20"]
        assert text(app.screen.query_one("#drill-saved")).strip() == \
            f"Saved report to {report}"
        saved = json.loads(report.read_text())
        assert (saved["passed"], saved["score"], saved["max_score"], len(saved["hints"])) == \
            (True, 25, 30, 1)
        assert saved["engine_time"] == when
        await pilot.press("escape")  # back to the frame; the drill is over
        assert not isinstance(app.screen, DrillScoreScreen)
        await pilot.press("f7")
        assert not isinstance(app.screen, ConfirmDialog)


async def test_giving_up_asks_then_scores_and_saves(tmp_path: Path) -> None:
    report = tmp_path / "gave-up.json"
    console, app = tiny_drill(report)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: bool(app.screen.query(DrillPanel)))
        await step(pilot, console, 42)
        await pilot.press("f8")
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("n")
        assert app.report is None and not report.exists()
        await pilot.press("f8", "y")
        await wait_for(pilot, lambda: isinstance(app.screen, DrillScoreScreen))
        saved = json.loads(report.read_text())
        assert (saved["passed"], saved["score"], saved["reason"], saved["engine_time"]) == \
            (False, 0, "gave up", 42.0)


async def test_quitting_mid_drill_asks_and_saves_the_report_abandoned(
        tmp_path: Path) -> None:
    report = tmp_path / "quit.json"
    console, app = tiny_drill(report)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: bool(app.screen.query(DrillPanel)))
        await step(pilot, console, 12)
        await pilot.press("ctrl+q")  # even ctrl+q asks mid-drill
        assert isinstance(app.screen, ConfirmDialog)
        assert app.screen.query_one("#message", ).content.startswith("The drill is not over")
        await pilot.press("y")
        await pilot.pause()
    assert app.return_value == 1
    saved = json.loads(report.read_text())
    assert (saved["passed"], saved["reason"], saved["engine_time"]) == \
        (False, "abandoned", 12.0)


async def test_the_drill_keys_work_in_the_terminal_window(tmp_path: Path) -> None:
    """The terminal pane takes every key but those reserved: the drill's are reserved."""
    _, app = tiny_drill(tmp_path / "r.json")
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: bool(app.screen.query(DrillPanel)))
        assert await app.open_terminal_window(lpar_id(app, "nim01"))
        await wait_for(pilot, lambda: isinstance(app.screen, TerminalScreen)
                       and bool(app.screen.query(DrillPanel)))
        await pilot.press("f6")
        assert not panel(app).display
        await pilot.press("f7")
        assert isinstance(app.screen, ConfirmDialog)


async def test_help_and_palette_offer_the_drill_keys(tmp_path: Path) -> None:
    _, app = tiny_drill(tmp_path / "r.json")
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: bool(app.screen.query(DrillPanel)))
        rows = {row.binding_id: (row.keys, row.description) for row in help_rows(app.screen)}
        assert rows["drill.panel"] == ("f6", "Drill panel")
        assert rows["drill.hint"] == ("f7", "Hint")
        assert rows["drill.give_up"] == ("f8", "Give up drill")
        titles = [c.title for c in app.get_system_commands(app.screen)]
        assert {"Drill: show or hide the panel", "Drill: reveal the next hint",
                "Drill: give up"} <= set(titles)


async def test_a_drill_ending_under_a_dialog_shows_its_score_when_the_dialog_closes(
        tmp_path: Path) -> None:
    """Else the Esc meant for the : line would close the score screen instead."""
    console, app = tiny_drill(tmp_path / "r.json")
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: bool(app.screen.query(DrillPanel)))
        await app.run_operation(ActivatePartition(lpar="dev02"))
        await app.run_operation(ShutdownPartition(lpar="test01", option="immediate"))
        await pilot.press("colon")
        assert isinstance(app.screen, CommandScreen)
        await step(pilot, console, 60)
        assert app.report is not None and app.report.passed
        assert isinstance(app.screen, CommandScreen)  # still the user's
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, DrillScoreScreen))


def test_leaving_the_console_any_other_way_still_saves_the_report(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """run_drill_console: the engine's clock runs while the app does, and an app that ends
    without the drill finishing (the engine went away) leaves an abandoned report."""
    console, app = tiny_drill(tmp_path / "unused.json")
    seen: list[bool] = []
    monkeypatch.setattr(DrillApp, "run", lambda self: seen.append(console.engine.running))
    report = tmp_path / "left.json"
    status = run_drill_console(app.drill, argparse.Namespace(report=report))
    assert (status, seen, console.engine.running) == (1, [True], False)
    saved = json.loads(report.read_text())
    assert (saved["passed"], saved["reason"]) == (False, "abandoned")
    assert capsys.readouterr().err == f"hmc-tui: drill report saved to {report}\n"


async def test_on_a_narrow_terminal_the_panel_starts_hidden(tmp_path: Path) -> None:
    _, app = tiny_drill(tmp_path / "r.json")
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: bool(app.screen.query(DrillPanel)))
        assert not panel(app).display
        await pilot.press("f6")
        assert panel(app).display


def test_a_hint_revealed_by_time_is_shown_free() -> None:
    view = DrillView(title="t", instructions="", elapsed=0, limit=60, checks=(),
                     hints=(HintLine("asked", 5), HintLine("by time", 0)), hints_left=0,
                     next_hint_cost=None, finished=False, reason="", score=0, max_score=0)
    assert hints_text(view, "f7").plain == ("Hint 1 (-5): asked\nHint 2 (free): by time\n"
                                            "No hints left.")


def test_hmc_tui_drill_file_runs_the_console_mode(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`hmc-tui drill FILE --report OUT`: the console on the drill's engine, clock running."""
    apps: list[DrillApp] = []

    def run(self: DrillApp) -> None:
        apps.append(self)
        assert isinstance(self.hmc_console, LocalConsole) and self.hmc_console.engine.running
        self.finish_drill("gave up", show=False)

    monkeypatch.setattr(DrillApp, "run", run)
    report = tmp_path / "out.json"
    assert main(["drill", str(TINY), "--report", str(report)]) == 1
    assert apps[0].drill.scenario.title == "Tiny drill"
    assert json.loads(report.read_text())["reason"] == "gave up"


async def test_the_drill_goes_on_while_the_display_is_frozen(tmp_path: Path) -> None:
    console, app = tiny_drill(tmp_path / "r.json")
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: bool(app.screen.query(DrillPanel)))
        await pilot.press("space")
        assert app.frozen
        console.step(45)
        assert not app.refresh_from_engine()  # the frame's screens stay as they were
        app.tick_while_frozen()  # the app's timer, called now
        await pilot.pause()
        assert part(app, "clock") == "Time 0:45 / 10:00  engine time"
