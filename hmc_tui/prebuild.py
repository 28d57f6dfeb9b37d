"""Screens built while the console is quiet, so that their first visit costs what a later one
does (docs/scale.md section 3).

A mode's first visit composes, styles, lays out and draws its screen: ~100-150 ms of CPU,
paid on the key. The app instead builds its unvisited modes one per PREBUILD_IDLE quiet
seconds (since the last key, the start and the last one built), gives each the latest
snapshot and its footer's keys at the next quiet step, and lays it out and draws it off
screen at the steps after until it asks for nothing more (its lines cached, no layout
pending). A console forked by the service's template defers all of it while other consoles
are starting (service/prefork.py ForkClock), for at most PREBUILD_DEFER_MAX seconds.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, ClassVar

from textual.screen import Screen
from textual.timer import Timer

from hmc_tui.textual_compat import build_mode, draw_off_screen, mode_built
from hmc_tui.widgets.footer import Footer

if TYPE_CHECKING:
    from hmc_tui.app import HmcApp

PREBUILD_MODES = ("pools", "vios", "events")
PREBUILD_IDLE = 1.0
PREBUILD_STEP = 0.2  # seconds between prebuild steps (build; snapshot and keys; draws)
PREBUILD_DEFER_MAX = 30.0  # seconds after its start a console defers to others' logins
# Off-screen layouts and draws of a built screen at most (a first layout resizes widgets,
# which ask for another: two are usual).
WARM_DRAWS = 3


class Prebuilder:
    """The app's screens still to build while it is quiet, and the one being warmed."""

    # Set in a console forked by the service's template (service/prefork.py): whether other
    # consoles forked from it are starting now. Their first screens come first: 25 logins
    # at once took 2.7 s (median, max 4.5) with every console's prebuild competing, 1.8 s
    # (max 2.6) without (docs/scale.md).
    starts_elsewhere: ClassVar[Callable[[], bool] | None] = None

    def __init__(self, app: HmcApp, modes: list[str]) -> None:
        self.app = app
        self.to_build = modes
        # Built: its mode, the screen, the quiet steps spent on it.
        self.to_warm: tuple[str, Screen[Any], int] | None = None
        self.built_at = 0.0  # monotonic time the last screen was built
        self.started_at = time.monotonic()
        self.keys_of: str | None = None  # check_action as if on this mode (keys_as_on)
        self._timer: Timer | None = None

    def start(self) -> None:
        """Steps at their own pace, not the snapshot pull's (2 s once idle): a screen built
        while idle is warmed within a second, not over a dozen idle ticks."""
        self.started_at = time.monotonic()
        self._timer = self.app.set_interval(PREBUILD_STEP, self._tick, name="prebuild")

    def _tick(self) -> None:
        if self.to_build or self.to_warm is not None:
            self.step()
        elif self._timer is not None:
            self._timer.stop()  # every screen built: nothing more to do
            self._timer = None

    def step(self) -> None:
        """One quiet step: build the next unvisited screen, or warm the one built."""
        app = self.app
        now = time.monotonic()
        # Never while shutting down: Textual's _close_all iterates the screen stacks a new
        # mode's stack would be added to ("dictionary changed size during iteration").
        if not app.is_running or app.modal_on_top() or now - app.last_input < PREBUILD_IDLE:
            return
        if self._others_starting(now):
            return
        if self.to_warm is not None:
            self._warm_step(*self.to_warm)
            return
        if now - max(app.active_since, self.built_at) < PREBUILD_IDLE:
            return
        while self.to_build:
            mode = self.to_build.pop(0)
            if mode_built(app, mode):  # visited already
                continue
            self.built_at = now
            self.to_warm = (mode, build_mode(app, mode), 0)
            return

    def _warm_step(self, mode: str, screen: Screen[Any], done: int) -> None:
        app = self.app
        if not mode_built(app, mode) or app.screen is screen or done > WARM_DRAWS:
            self.to_warm = None  # visited meanwhile, or drawn enough
        elif not screen.is_mounted:
            return  # still mounting its widgets
        elif done == 0:  # its footer's keys take a line: drawn at the next quiet step
            self._fill(mode, screen)
            self.to_warm = (mode, screen, 1)
        elif draw_off_screen(app, screen):
            self.to_warm = (mode, screen, done + 1)
        else:
            self.to_warm = None  # laid out and drawn: nothing more asked for

    def _others_starting(self, now: float) -> bool:
        """Other consoles are starting and this one has not waited PREBUILD_DEFER_MAX yet
        (logins that never stop must not keep its screens from being built)."""
        starting = type(self).starts_elsewhere
        return (starting is not None and now - self.started_at < PREBUILD_DEFER_MAX
                and starting())

    def _fill(self, mode: str, screen: Screen[Any]) -> None:
        """Give a built screen what its first visit would: the latest snapshot (its on_mount
        ran before it was mounted, so its tables are still empty) and its footer's keys as
        they will show when it is active (mounted at the footer's next turn)."""
        show = getattr(screen, "show_snapshot", None)
        if show is not None:
            show(self.app.snapshot)
        for footer in [f for f in screen.query(Footer) if f.keys_pending]:
            footer.call_later(footer.compose_keys_now, lambda: self.keys_as_on(mode))

    @contextmanager
    def keys_as_on(self, mode: str) -> Iterator[None]:
        """The app's check_action answers as if `mode` were the current one and no dialog
        were up: what a prebuilt screen's footer will show once it is switched to."""
        self.keys_of = mode
        try:
            yield
        finally:
            self.keys_of = None
