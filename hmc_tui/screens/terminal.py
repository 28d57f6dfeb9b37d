"""A partition's terminal window: the HMC's "Open terminal window" (issue 14).

One screen per open terminal; its title names the partition and the managed system. The pane
takes every key, as the HMC's terminal does, except:

- ctrl+] or `~.` at the start of a line (as in ssh and mkvterm) close the window: the session
  ends, the partition keeps running. `~~` at the start of a line types one `~`.
- F1-F5 show the overview, pools, VIOS, events and virtual network screens; the session
  stays open behind them and the window comes back with the overview (1 / F1) or "Open
  terminal window".

These keys have no binding ids: a keymap cannot move them onto a key the partition needs.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widgets import Static

from engine.snapshot import Snapshot
from hmc_tui.screens.host import ConsoleHost, console_host
from hmc_tui.terminals import TerminalSession
from hmc_tui.widgets.footer import Footer
from hmc_tui.widgets.terminal_pane import TerminalPane

__all__ = ["CLOSE_KEY", "TerminalScreen", "TildeEscape"]

CLOSE_KEY = "ctrl+right_square_bracket"
SCREEN_KEYS = {"f1": "overview", "f2": "pools", "f3": "vios", "f4": "events", "f5": "vnet"}
SCREEN_LABELS = {"vios": "VIOS", "vnet": "Networks"}


class TildeEscape:
    """ssh's escape at the start of a line: `~.` closes, `~~` types one `~`, `~` and
    anything else types both. A line starts after Enter (or when nothing was typed yet)."""

    def __init__(self, send: Callable[[str], None], close: Callable[[], None]) -> None:
        self._send = send
        self._close = close
        self._line_start = True
        self._held = False

    def __call__(self, data: str) -> None:
        if self._held:
            self._held = False
            if data == ".":
                self._close()
                return
            if data != "~":
                data = "~" + data
        elif self._line_start and data == "~":
            self._held = True
            return
        self._line_start = data.endswith("\r")
        self._send(data)


class TerminalScreen(Screen[None]):
    HELP_GROUP = "Terminal"
    AUTO_FOCUS = "TerminalPane"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(CLOSE_KEY, "close_terminal", "Close terminal (or ~.)"),
        *(Binding(key, f"show('{mode}')", SCREEN_LABELS.get(mode, mode.capitalize()))
          for key, mode in SCREEN_KEYS.items()),
    ]

    def __init__(self, session: TerminalSession) -> None:
        super().__init__()
        self.session = session
        self.escape = TildeEscape(session.send, self.action_close_terminal)
        self._view: Callable[[set[int]], None] | None = None  # the pane's, while mounted
        self._title = ""

    @property
    def hmc(self) -> ConsoleHost:
        return console_host(self)

    @property
    def lpar_id(self) -> int:
        return self.session.lpar_id

    def compose(self) -> ComposeResult:
        yield Static("", id="term-title")
        yield TerminalPane(self.session.vt, self.escape, reserved={CLOSE_KEY, *SCREEN_KEYS},
                           id="term-pane")
        yield Footer(compact=True)

    @property
    def pane(self) -> TerminalPane:
        return self.query_one(TerminalPane)

    def on_mount(self) -> None:
        self._view = self.pane.rows_changed
        self.session.views.append(self._view)
        self.session.closed_views.append(self._session_closed)
        self.pane.redraw()
        self.show_snapshot(self.hmc.snapshot)

    def on_unmount(self) -> None:
        # The session goes on without this window (output still reaches its screen).
        if self._view in self.session.views:
            self.session.views.remove(self._view)
        if self._session_closed in self.session.closed_views:
            self.session.closed_views.remove(self._session_closed)

    def on_screen_resume(self) -> None:
        self.pane.redraw()
        self.show_snapshot(self.hmc.snapshot)

    def show_snapshot(self, snap: Snapshot) -> None:
        p = snap.frame.partition(self.lpar_id)
        name = p.name if p is not None else f"partition {self.lpar_id}"
        title = Text.assemble(("Terminal ", "bold"), (name, "bold"),
                              f" (ID {self.lpar_id}) on {snap.frame.system.name}")
        if p is not None:
            title.append(f"   {p.state}" + (f" {p.refcode}" if p.refcode else ""))
        if self.session.closed:
            title.append(f"   {self.session.close_reason} ctrl+] closes the window.",
                         style="bold")
        if title.plain != self._title:  # snapshots come 5 times a second; titles change rarely
            self._title = title.plain
            self.query_one("#term-title", Static).update(title)

    def _session_closed(self, reason: str) -> None:
        self.show_snapshot(self.hmc.snapshot)
        self.notify(reason, title=f"Terminal of partition {self.lpar_id}", severity="warning")

    async def action_show(self, mode: str) -> None:
        """F1-F5: that screen (the first of its mode's stack); the session stays open."""
        app = self.app
        if mode != app.current_mode:
            await app.run_action(f"app.goto('{mode}')")
            return
        # The app refuses goto to the mode it is in (its footer hides that key): unwind.
        while len(app.screen_stack) > 1 and not app.screen.is_modal:
            app.pop_screen()

    def action_close_terminal(self) -> None:
        """End the session (the partition keeps running) and close the window."""
        self.hmc.close_terminal_window(self.lpar_id)
