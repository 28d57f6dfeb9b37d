"""The status line: engine time and clock, who is signed on, REC while a macro is being
recorded, live-update state. The right end (REC, LIVE/FROZEN) is always shown: the left part
is cut first on a narrow terminal.

It updates itself from the app's `snapshot_signal`, so any screen can `yield StatusBar()`
(just before its Footer) and get it for free (the Pools, VIOS and Events screens included).
It is not docked: a docked status bar and a docked Footer would cover each other. The user
and role are read from the console at every repaint: the engine service changes them when
the user is demoted meanwhile.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from functools import lru_cache

from rich.text import Text
from textual.widget import Widget

from engine.snapshot import Snapshot
from hmc_tui.console import Console
from hmc_tui.screens.host import console_host


def shown_time(snap: Snapshot) -> str:
    """Engine time as the status line shows it (to the second)."""
    return _wall_text(snap.frame.system.epoch, snap.time)


@lru_cache(maxsize=4)
def _wall_text(epoch: datetime, seconds: float) -> str:
    # Every screen has a status line, and each compares the time it shows at every refresh:
    # formatted once per snapshot, not once per status line.
    return f"{epoch + timedelta(seconds=seconds):%Y-%m-%d %H:%M:%S}"


def clock_label(snap: Snapshot) -> str:
    clock = snap.clock
    if clock.paused:
        return "clock paused"
    if clock.mode == "stepped":
        return "clock stepped"
    if clock.mode == "realtime":
        return "real time"
    return f"×{clock.speed:g}"


def others_label(console: Console) -> str:
    """Who else works on the shared frame (consoles of `hmc-tui serve`; none when local)."""
    me = console.session_id
    if me is None:  # not a shared frame
        return ""
    others = [f"{s.user} ({s.role})" for s in console.sessions()
              if s.id != me and s.kind == "console"]
    return f"  │  also on: {', '.join(others)}" if others else "  │  nobody else on"


class StatusBar(Widget):
    DEFAULT_CSS = """
    StatusBar {
        height: 1;
        background: $panel;
        color: $foreground;
    }
    """

    def __init__(self, *, all_systems: bool = False) -> None:
        super().__init__()
        self._all_systems = all_systems  # on a view of every managed system (All Systems)
        self._snap: Snapshot | None = None
        self._frozen = False
        self._shown: tuple[object, ...] = ()  # what the last snapshot showed (show_snapshot)

    def on_mount(self) -> None:
        host = console_host(self)
        host.snapshot_signal.subscribe(self, self.show_snapshot)
        self.watch(self.app, "frozen", self._frozen_changed)
        self.show_snapshot(host.snapshot)

    def _frozen_changed(self, frozen: bool) -> None:
        self._frozen = frozen
        self.refresh()

    def show_snapshot(self, snap: Snapshot) -> None:
        self._snap = snap
        # The clock shows whole seconds: snapshots come 5 times a second, and a repaint of
        # the line for each (every screen has one) was most of what a live screen cost.
        shown = (shown_time(snap), snap.clock, snap.in_flight, snap.frame.mtms,
                 console_host(self).hmc_console.actor, self._is_recording())
        if shown != self._shown:
            self._shown = shown
            self.refresh()

    def _is_recording(self) -> bool:
        """The app records keys (hmc_tui.macros.record.RecordingMixin sets `recorder`)."""
        return getattr(self.app, "recorder", None) is not None

    def render(self) -> Text:
        snap = self._snap
        if snap is None:
            return Text("")
        console = console_host(self).hmc_console
        actor = console.actor
        user = f"{actor.user} ({actor.role})"
        left = Text.assemble(
            " ", (shown_time(snap), "bold"), "  ", clock_label(snap),
            "  │  ", user, others_label(console),
        )
        if snap.several:  # which managed system this screen is about
            name = "All Systems" if self._all_systems else snap.frame.system.name
            left = Text.assemble(" ", (name, "bold"), "  │", left)
        if snap.in_flight:
            left.append(f"  │  {snap.in_flight} queued")
        right = Text(" FROZEN - space resumes ", style="reverse bold") if self._frozen \
            else Text(" LIVE ", style="bold")
        if self._is_recording():
            right = Text.assemble((" REC ", "reverse bold"), " ", right)
        left.truncate(max(self.size.width - right.cell_len - 1, 0), overflow="ellipsis")
        pad = max(1, self.size.width - left.cell_len - right.cell_len)
        return Text.assemble(left, " " * pad, right)
