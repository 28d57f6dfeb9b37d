"""The status line: engine time and clock, who is signed on, live-update state.

It updates itself from the app's `snapshot_signal`, so any screen can `yield StatusBar()`
(just before its Footer) and get it for free (the Pools, VIOS and Events screens included).
It is not docked: a docked status bar and a docked Footer would cover each other.
"""

from __future__ import annotations

from rich.text import Text
from textual.widget import Widget

from engine.snapshot import Snapshot


def clock_label(snap: Snapshot) -> str:
    clock = snap.clock
    if clock.paused:
        return "clock paused"
    if clock.mode == "stepped":
        return "clock stepped"
    if clock.mode == "realtime":
        return "real time"
    return f"×{clock.speed:g}"


def others_label(console: object) -> str:
    """Who else works on the shared frame (consoles of `hmc-tui serve`; none when local)."""
    sessions = getattr(console, "sessions", None)
    if not callable(sessions):
        return ""
    me = getattr(console, "session_id", None)
    others = [f"{s.user} ({s.role})" for s in sessions() if s.id != me and s.kind == "console"]
    return f"  │  also on: {', '.join(others)}" if others else "  │  nobody else on"


class StatusBar(Widget):
    DEFAULT_CSS = """
    StatusBar {
        height: 1;
        background: $panel;
        color: $foreground;
    }
    """

    def __init__(self) -> None:
        super().__init__()
        self._snap: Snapshot | None = None
        self._frozen = False

    def on_mount(self) -> None:
        app = self.app
        signal = getattr(app, "snapshot_signal", None)
        if signal is not None:
            signal.subscribe(self, self.show_snapshot)
        if hasattr(app, "frozen"):
            self.watch(app, "frozen", self._frozen_changed)
        snap = getattr(app, "snapshot", None)
        if snap is not None:
            self.show_snapshot(snap)

    def _frozen_changed(self, frozen: bool) -> None:
        self._frozen = frozen
        self.refresh()

    def show_snapshot(self, snap: Snapshot) -> None:
        old = self._snap
        self._snap = snap
        if old is None or (old.time, old.clock, old.in_flight) != (
                snap.time, snap.clock, snap.in_flight):
            self.refresh()

    def render(self) -> Text:
        snap = self._snap
        if snap is None:
            return Text("")
        console = getattr(self.app, "hmc_console", None)
        actor = getattr(console, "actor", None)
        user = f"{actor.user} ({actor.role})" if actor is not None else ""
        left = Text.assemble(
            " ", (f"{snap.wall:%Y-%m-%d %H:%M:%S}", "bold"), "  ", clock_label(snap),
            "  │  ", user, others_label(console),
        )
        if snap.in_flight:
            left.append(f"  │  {snap.in_flight} queued")
        right = Text(" FROZEN - space resumes ", style="reverse bold") if self._frozen \
            else Text(" LIVE ", style="bold")
        pad = max(1, self.size.width - left.cell_len - right.cell_len)
        return Text.assemble(left, " " * pad, right)
