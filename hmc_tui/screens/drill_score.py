"""The score at the end of a drill: score / max, each check right or wrong and when, the
hints used and where the JSON report was saved (hmc-tui drill FILE; hmc_tui/drills/console.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Static

from hmc_tui.widgets.drill_panel import clock_text


@dataclass(frozen=True)
class ScoreLine:
    name: str
    passed: bool
    points: int
    at: float | None  # engine seconds since the drill started
    message: str


@dataclass(frozen=True)
class ScoreView:
    title: str
    passed: bool
    score: int
    max_score: int
    reason: str
    checks: tuple[ScoreLine, ...]
    hints_used: int
    hint_cost: int
    engine_time: float
    report_path: Path | None
    report_error: str = ""  # why the report could not be saved


def score_table(view: ScoreView) -> Table:
    table = Table(box=None, expand=True, header_style="bold", pad_edge=False)
    table.add_column("", no_wrap=True, width=2)
    table.add_column("Check", ratio=2)
    table.add_column("Points", justify="right", no_wrap=True)
    table.add_column("When", justify="right", no_wrap=True)
    table.add_column("", ratio=2)
    for check in view.checks:
        mark = Text("✓", style="bold green") if check.passed else Text("✗", style="bold red")
        points = f"{check.points if check.passed else 0}/{check.points}"
        when = clock_text(check.at) if check.at is not None else "-"
        table.add_row(mark, check.name, points, when, check.message)
    return table


def summary(view: ScoreView) -> Text:
    verdict = Text(" PASSED ", style="reverse bold green") if view.passed \
        else Text(" NOT PASSED ", style="reverse bold red")
    text = Text.assemble(verdict, "  Score ", (f"{view.score} / {view.max_score}", "bold"),
                         f"   {view.reason}", "\n")
    text.append(f"Engine time {clock_text(view.engine_time)}   ")
    text.append(f"Hints used {view.hints_used}" +
                (f" (-{view.hint_cost} points)" if view.hints_used else ""))
    return text


def saved_line(view: ScoreView) -> Text:
    if view.report_path is not None:
        return Text(f"Saved report to {view.report_path}")
    return Text(f"Report not saved: {view.report_error}", style="bold red")


class DrillScoreScreen(Screen[None]):
    HELP_GROUP = "Drill score"
    DEFAULT_CSS = """
    #drill-score-body { padding: 1 2; }
    #drill-results, #drill-saved { margin-top: 1; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "Back to the frame", id="drill.score.close"),
    ]

    def __init__(self, view: ScoreView) -> None:
        super().__init__()
        self.view = view

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="drill-score-body"):
            yield Static(Text(f"Drill finished: {self.view.title}", style="bold"),
                         classes="dialog-title")
            yield Static(summary(self.view), id="drill-summary")
            yield Static(score_table(self.view), id="drill-results")
            yield Static(saved_line(self.view), id="drill-saved")
            yield Static("escape: back to the frame (the drill is over)   q: quit",
                         classes="hint")
        yield Footer(compact=True)

    def action_close(self) -> None:
        self.dismiss(None)
