"""`hmc-tui drill FILE`: the normal console (same engine, screens and keys) in drill mode.

DrillApp is HmcApp plus: a side panel on every full screen (instructions, the engine clock
against the limit, the check list, hints; F6 shows or hides it), `run.tick()` on every
snapshot the app applies (its messages become notifications), F7 to reveal the next hint
(asks first: it costs points), F8 or the palette to give up (asks first), and at the end, the
score screen with where the JSON report was saved. Quitting mid-drill asks, then saves the
report marked abandoned. The F-keys are priority bindings: they work in the terminal window
and in text fields too (the partition never sees F6-F8 during a drill).
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Iterable
from datetime import datetime
from pathlib import Path
from typing import Any, ClassVar

from textual.app import SystemCommand
from textual.binding import Binding, BindingType
from textual.screen import Screen

from engine.snapshot import Snapshot
from engine.store import atomic_write_bytes, state_dir
from hmc_tui import app as app_module
from hmc_tui.app import HmcApp
from hmc_tui.config import Config, load_config
from hmc_tui.console import Console, LocalConsole
from hmc_tui.drills.run import DrillReport, DrillRun
from hmc_tui.screens.dialogs import ConfirmDialog
from hmc_tui.screens.drill_score import DrillScoreScreen, ScoreLine, ScoreView
from hmc_tui.widgets.drill_panel import CheckLine, DrillPanel, DrillView, HintLine
from hmc_tui.widgets.terminal_pane import TerminalPane

PANEL_KEY, HINT_KEY, GIVE_UP_KEY = "f6", "f7", "f8"
ABANDONED = "abandoned"
GAVE_UP = "gave up"
NARROW = 100  # columns: below, the panel starts hidden
PANEL_KEYS = f"{PANEL_KEY} hides this  {HINT_KEY} hint  {GIVE_UP_KEY} give up"


# ------------------------------------------------------------------ the drill, as shown


def drill_view(run: DrillRun) -> DrillView:
    """The panel's view of `run.status()` (the one place that reads DrillStatus)."""
    status = run.status()
    hints = run.scenario.model.hint
    revealed = len(status.hints_revealed)
    return DrillView(
        title=status.title, instructions=run.scenario.instructions,
        elapsed=status.elapsed, limit=status.limit,
        checks=tuple(CheckLine(c.title, c.points, c.state, c.time, c.holds_now)
                     for c in status.checks),
        hints=tuple(HintLine(h.text, h.cost) for h in status.hints_revealed),
        hints_left=status.hints_left,
        next_hint_cost=hints[revealed].cost if revealed < len(hints) else None,
        finished=status.finished, reason=status.reason,
        score=status.score, max_score=status.max_score)


def score_view(report: DrillReport, path: Path | None, error: str = "") -> ScoreView:
    """The score screen's view of a DrillReport (the one place that reads it)."""
    return ScoreView(
        title=report.title, passed=report.passed, score=report.score,
        max_score=report.max_score, reason=report.reason,
        checks=tuple(ScoreLine(c.title, c.state == "passed", c.points, c.time, c.message)
                     for c in report.checks),
        hints_used=len(report.hints), hint_cost=sum(h.cost for h in report.hints),
        engine_time=report.engine_time, report_path=path, report_error=error)


def default_report_path(title: str, now: datetime | None = None) -> Path:
    """<state dir>/drills/<title>-<date>-<time>.json: one file per attempt."""
    slug = re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-") or "drill"
    stamp = f"{now or datetime.now():%Y%m%d-%H%M%S}"
    return state_dir() / "drills" / f"{slug}-{stamp}.json"


# ------------------------------------------------------------------ the app


class DrillApp(HmcApp):
    # Textual resolves a relative CSS_PATH against the subclass's module: the app's own file.
    CSS_PATH = str(Path(app_module.__file__).with_name("app.tcss"))
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(PANEL_KEY, "toggle_drill_panel", "Drill panel", priority=True,
                id="drill.panel"),
        Binding(HINT_KEY, "drill_hint", "Hint", priority=True, id="drill.hint"),
        Binding(GIVE_UP_KEY, "drill_give_up", "Give up drill", show=False, priority=True,
                id="drill.give_up"),
    ]

    def __init__(self, console: Console, run: DrillRun, *, report_path: Path | None = None,
                 config: Config | None = None, refresh_hz: float = 5.0) -> None:
        super().__init__(console, config=config, refresh_hz=refresh_hz)
        self.drill = run
        self.report_path = report_path or default_report_path(run.scenario.title)
        self.report: DrillReport | None = None  # once the drill is over
        self.report_saved: Path | None = None
        self._score_pending = False  # the drill ended under a dialog: score when it closes
        self._score_error = ""
        self._ticked_version = -1  # the snapshot the drill last saw
        self.panel_shown = True
        self.view = drill_view(run)

    # ------------------------------------------------------------------ ticking
    def on_mount(self) -> None:  # HmcApp.on_mount runs too (Textual calls each class's)
        self.snapshot_signal.subscribe(self, self.drill_tick)
        self.screen_change_signal.subscribe(self, lambda _: self.call_after_refresh(
            self._screen_changed))
        if self.size.width < NARROW:  # the panel would leave the screens too little room
            self.panel_shown = False
            self.notify(f"{PANEL_KEY} shows the drill's panel (instructions, clock, checks).",
                        title="Drill", timeout=10)
        self.drill_tick(self.snapshot)
        self.call_after_refresh(self.ensure_panel)
        self.set_interval(1 / self.refresh_hz, self.tick_while_frozen, name="drill-frozen")

    def tick_while_frozen(self) -> None:
        """A frozen display (space) applies no snapshots, but the drill goes on: faults
        land on time and the time limit holds."""
        if self.frozen and self.is_running:
            snap = self.hmc_console.snapshot()
            if snap.version != self._ticked_version:
                self.drill_tick(snap)

    def drill_tick(self, snap: Snapshot) -> None:
        """Every applied snapshot: the drill injects due faults, grades, and may finish."""
        self._ticked_version = snap.version
        if self.report is not None:
            self._show_score_when_free()
            return
        for message in self.drill.tick(snap):
            self.notify(message, title="Drill", timeout=8)
        self.show_view(drill_view(self.drill))
        if self.view.finished:
            self.finish_drill(self.view.reason)
        self.ensure_panel()

    def _screen_changed(self) -> None:
        self.ensure_panel()
        if self.report is not None:
            self._show_score_when_free()

    def show_view(self, view: DrillView) -> None:
        self.view = view
        for screen in self.screen_stack:
            for panel in screen.query(DrillPanel):
                panel.show(view)

    # ------------------------------------------------------------------ the side panel
    def ensure_panel(self) -> None:
        """Every full screen gets a panel the first time it is shown (a mode's screens are
        kept, so once each); dialogs leave the panel of the screen below visible."""
        screen = self._top()
        if screen is None or screen.is_modal or isinstance(screen, DrillScoreScreen) or \
                not screen.is_mounted:
            return
        panels = list(screen.query(DrillPanel))
        if not panels:
            panel = DrillPanel(self.view, HINT_KEY, PANEL_KEYS)
            panel.display = self.panel_shown
            screen.mount(panel)
            for pane in screen.query(TerminalPane):
                # The pane takes every key but those reserved (Textual then drops even
                # priority bindings): the drill's keys stay the drill's in the terminal.
                pane.reserved = pane.reserved | self.drill_keys()
        else:  # a mode's screen coming back: it may have missed changes meanwhile
            panels[0].display = self.panel_shown
            panels[0].show(self.view)

    def _top(self) -> Screen[Any] | None:
        try:
            return self.screen
        except Exception:  # no screen yet (starting) or any more (exiting)
            return None

    def drill_keys(self) -> frozenset[str]:
        """The drill's keys, after the user's [keymap]."""
        keys: set[str] = set()
        for binding in Binding.make_bindings(DrillApp.BINDINGS):
            given = self.config.keymap.get(binding.id or "", binding.key)
            keys.update(k.strip() for k in given.split(",") if k.strip())
        return frozenset(keys)

    def action_toggle_drill_panel(self) -> None:
        self.panel_shown = not self.panel_shown
        for screen in self.screen_stack:
            for panel in screen.query(DrillPanel):
                panel.display = self.panel_shown

    # ------------------------------------------------------------------ hints, giving up
    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("drill_hint", "drill_give_up") and (
                self.modal_on_top() or self.report is not None):
            return False  # not under a dialog; nothing to ask once the drill is over
        if action == "toggle_drill_panel" and isinstance(self._top(), DrillScoreScreen):
            return False  # the score screen has no panel
        return super().check_action(action, parameters)

    def action_drill_hint(self) -> None:
        view = self.view
        if view.next_hint_cost is None:
            self.notify("No hints left.", title="Drill", timeout=4)
            return
        number = len(view.hints) + 1
        message = (f"Hint {number} of {len(view.hints) + view.hints_left} costs "
                   f"{view.next_hint_cost} points (score now {view.score} / "
                   f"{view.max_score}).")
        self.push_screen(ConfirmDialog("Reveal the next hint?", message, yes="Reveal"),
                         self._reveal_hint)

    def _reveal_hint(self, yes: bool | None) -> None:
        if not yes or self.report is not None:
            return
        hint = self.drill.reveal_hint()
        if hint is None:
            return
        self.show_view(drill_view(self.drill))
        self.notify(hint.text, title=f"Hint {len(self.view.hints)} (-{hint.cost} points)",
                    timeout=15)
        if not self.panel_shown:
            self.action_toggle_drill_panel()  # the hint stays readable in the panel

    def action_drill_give_up(self) -> None:
        message = ("The drill ends now: the checks not passed count as failed, and the "
                   "report is saved.")
        self.push_screen(ConfirmDialog("Give up the drill?", message, yes="Give up"),
                         lambda yes: self.finish_drill(GAVE_UP) if yes else None)

    # ------------------------------------------------------------------ the end
    def finish_drill(self, reason: str, show: bool = True) -> None:
        """Grade, save the JSON report and (show) open the score screen; once."""
        if self.report is not None:
            return
        self.report = self.drill.finish(reason)
        error = ""
        try:
            self.report_path.parent.mkdir(parents=True, exist_ok=True)
            atomic_write_bytes(self.report_path,
                               self.report.model_dump_json(indent=2).encode("utf-8"))
            self.report_saved = self.report_path
        except OSError as exc:
            error = f"{self.report_path}: {exc.strerror or exc}"
            self.notify(f"Report not saved: {error}", severity="error", timeout=10)
        self.show_view(drill_view(self.drill))
        self._score_error = error
        self._score_pending = show
        self._show_score_when_free()

    def _show_score_when_free(self) -> None:
        """The score screen, once no dialog is open: it would otherwise come up over the
        dialog, and the Esc meant for the dialog would close the score instead."""
        if self._score_pending and self.report is not None and not self.modal_on_top():
            self._score_pending = False
            self.push_screen(DrillScoreScreen(score_view(self.report, self.report_saved,
                                                         self._score_error)))

    def action_request_quit(self, ask: bool | None = None) -> None:
        """Mid-drill, quitting asks (both q and ctrl+q) and saves the report abandoned."""
        if self.report is not None:
            super().action_request_quit(ask)
            return
        if any(isinstance(s, ConfirmDialog) for s in self.screen_stack):
            return
        message = ("The drill is not over: its report is saved marked abandoned. "
                   "Quit anyway?")
        self.push_screen(ConfirmDialog("Quit the drill?", message, yes="Quit"),
                         self._quit_mid_drill)

    def _quit_mid_drill(self, yes: bool | None) -> None:
        if yes:
            self.finish_drill(ABANDONED, show=False)
            self.exit(0 if self.report is not None and self.report.passed else 1)

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        yield SystemCommand("Drill: show or hide the panel", f"instructions, clock, checks "
                            f"({PANEL_KEY})", self.action_toggle_drill_panel)
        if self.report is None:
            yield SystemCommand("Drill: reveal the next hint", f"costs points ({HINT_KEY})",
                                self.action_drill_hint)
            yield SystemCommand("Drill: give up", f"end the drill and see the score "
                                f"({GIVE_UP_KEY})", self.action_drill_give_up)
        else:
            yield SystemCommand("Drill: show the score", "the score screen again",
                                self.show_score)

    def show_score(self) -> None:
        if self.report is not None and not isinstance(self.screen, DrillScoreScreen):
            self.push_screen(DrillScoreScreen(score_view(self.report, self.report_saved,
                                                         self._score_error)))


# ------------------------------------------------------------------ entry point


def run_drill_console(run: DrillRun, args: argparse.Namespace) -> int:
    """Run the drill in the console until the user quits: 0 when the drill passed, else 1.
    The report is saved when the drill ends (or is abandoned by quitting), to `--report`
    or <state dir>/drills/."""
    console = run.console
    report: Path | None = vars(args).get("report")
    app = DrillApp(console, run, report_path=report, config=load_config())
    # Same trade as run_console: short GIL hand-overs for a responsive UI with the engine
    # thread running.
    sys.setswitchinterval(0.001)
    # cmd_drill starts the engine's clock; a caller that did not gets it started here.
    engine = console.engine if isinstance(console, LocalConsole) else None
    started = engine is not None and not engine.running
    if engine is not None and started:
        engine.start()
    try:
        app.run()
    finally:
        if engine is not None and started:
            engine.stop()
    if app.report is None:  # left some other way (the engine went away): still a record
        app.finish_drill(ABANDONED, show=False)
    if app.report_saved is not None:
        print(f"hmc-tui: drill report saved to {app.report_saved}", file=sys.stderr)
    return 0 if app.report is not None and app.report.passed else 1
