"""The drill's side panel: instructions, the engine clock against the time limit, the check
list and the hints revealed so far (hmc-tui drill FILE; hmc_tui/drills/console.py).

The panel shows a `DrillView`, the drill's state in the words the screen needs, built by the
drill console from `DrillRun.status()` after every snapshot; one panel is mounted on every
full screen (modes and pushed screens), all showing the same view.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.widgets import Markdown, Static

CheckState = Literal["pending", "passed", "failed"]
MARKS: dict[str, tuple[str, str]] = {
    "pending": ("·", "dim"), "passed": ("✓", "bold green"), "failed": ("✗", "bold red")}


@dataclass(frozen=True)
class CheckLine:
    title: str
    points: int
    state: CheckState
    at: float | None  # engine seconds since the drill started, when it passed or failed
    holds_now: bool | None = None  # a pending check's condition at the last evaluation


@dataclass(frozen=True)
class HintLine:
    text: str
    cost: int


@dataclass(frozen=True)
class DrillView:
    title: str
    instructions: str  # markdown
    elapsed: float  # engine seconds since the drill started
    limit: float | None  # engine seconds allowed; None: no limit
    checks: tuple[CheckLine, ...]
    hints: tuple[HintLine, ...]  # revealed, in order
    hints_left: int
    next_hint_cost: int | None
    finished: bool
    reason: str  # why it finished ("" while running)
    score: int
    max_score: int


def clock_text(seconds: float) -> str:
    """Engine seconds as m:ss, or h:mm:ss from an hour on."""
    whole = max(int(seconds), 0)
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def clock_line(view: DrillView) -> Text:
    line = Text.assemble("Time ", (clock_text(view.elapsed), "bold"))
    if view.limit is not None:
        line.append(f" / {clock_text(view.limit)}")
        left = view.limit - view.elapsed
        if not view.finished and left <= 60:
            line.append(f"  {clock_text(left)} left", style="bold red")
    line.append("  engine time", style="dim")
    return line


LEGEND = "✓ passed ✗ failed ○ holds now"


def checks_table(view: DrillView) -> Table:
    """One row per check (wrapped lines indented under the title), then the legend."""
    table = Table.grid(padding=(0, 1))
    table.add_column(width=1, no_wrap=True)
    table.add_column(ratio=1)
    for check in view.checks:
        mark, style = MARKS[check.state]
        if check.state == "pending" and check.holds_now:
            mark, style = "○", "bold yellow"  # holds now; decided at the end
        when = f" @{clock_text(check.at)}" if check.at is not None else ""
        table.add_row(Text(mark, style=style),
                      Text.assemble(check.title, (f"  {check.points} pt{when}", "dim")))
    table.add_row("", Text(LEGEND, style="dim"))
    return table


def hints_text(view: DrillView, key: str) -> Text:
    text = Text()
    for n, hint in enumerate(view.hints, 1):
        cost = f"-{hint.cost}" if hint.cost else "free"  # revealed by time: free
        text.append(f"Hint {n} ({cost}): ", style="bold")
        text.append(f"{hint.text}\n")
    if view.finished:
        pass  # nothing more to reveal
    elif view.next_hint_cost is not None:
        text.append(f"{key}: next hint (-{view.next_hint_cost} pt, {view.hints_left} left)",
                    style="dim")
    else:
        text.append("No hints left.", style="dim")
    text.rstrip()
    return text


class DrillPanel(Vertical):
    """Docked at the right of a screen; `show(view)` repaints it."""

    DEFAULT_CSS = """
    DrillPanel {
        dock: right;
        width: 38;
        height: 1fr;
        border-left: solid $primary;
        background: $surface;
        padding: 0 1;
    }
    DrillPanel #drill-title { text-style: bold; color: $text-primary; }
    DrillPanel #drill-checks { margin-top: 1; }
    DrillPanel #drill-hints { margin-top: 1; }
    DrillPanel #drill-instructions { margin-top: 1; height: 1fr; }
    DrillPanel Markdown { margin: 0; padding: 0; }
    """

    def __init__(self, view: DrillView, hint_key: str, keys: str) -> None:
        super().__init__(id="drill-panel")
        self.view = view
        self.hint_key = hint_key
        self.keys = keys  # the drill's keys: the screen's footer is under the panel

    def compose(self) -> ComposeResult:
        yield Static(self.view.title, id="drill-title")
        yield Static(Text(self.keys, style="dim"), id="drill-keys")
        yield Static(id="drill-clock")
        yield Static(id="drill-score")
        yield Static(id="drill-checks")
        yield Static(id="drill-hints")
        with VerticalScroll(id="drill-instructions"):
            yield Markdown(self.view.instructions)

    def on_mount(self) -> None:
        self._paint(self.view, None)

    def show(self, view: DrillView) -> None:
        old, self.view = self.view, view
        if self.is_mounted:
            self._paint(view, old)

    def _paint(self, view: DrillView, old: DrillView | None) -> None:
        # Snapshots come 5 times a second: repaint only the parts that changed.
        if old is None or (old.elapsed, old.limit, old.finished) != (
                view.elapsed, view.limit, view.finished):
            self.query_one("#drill-clock", Static).update(clock_line(view))
        if old is None or (old.score, old.finished, old.reason) != (
                view.score, view.finished, view.reason):
            score = Text.assemble("Score ", (f"{view.score}", "bold"), f" / {view.max_score}")
            if view.finished:
                score.append(f"  finished: {view.reason}", style="bold")
            self.query_one("#drill-score", Static).update(score)
        if old is None or old.checks != view.checks:
            self.query_one("#drill-checks", Static).update(checks_table(view))
        if old is None or (old.hints, old.next_hint_cost, old.finished) != (
                view.hints, view.next_hint_cost, view.finished):
            self.query_one("#drill-hints", Static).update(hints_text(view, self.hint_key))
