"""Screens that are built once and kept (the app's modes): no restyling on every visit.

Textual resumes a screen switched to with `ScreenResume(refresh_styles=True)`: the whole
screen's CSS is applied again, every node and every component class, and every widget is told
its style changed, so each one drops its rendered lines (DataTable's cell cache, RowTable's
line cache) and draws everything again. Measured on the demo frame at 120x35, that was about
two thirds of the CPU of a "1"/"2" switch. Textual keeps a suspended screen's styles current
itself (a class, pseudo-class, focus or hover change restyles the node at once; a theme or CSS
change restyles the screen when it is switched to), except for what depends on the app as a
whole: whether the terminal has focus (Textual restyles only the current screen when that
changes) and the theme. So a kept screen asks for the restyle only when one of those changed
since it was last shown, and it counts as styled from its mount (textual_compat.mark_styled:
Textual's own count made a mode's second visit restyle the whole app). The app switches
back to it without Textual's hold and layout (textual_compat.switch_mode_at_once).
"""

from __future__ import annotations

from typing import Any

from textual import events, on
from textual.app import App
from textual.screen import Screen

from hmc_tui.textual_compat import mark_styled


def style_state(app: App[Any]) -> tuple[object, ...]:
    """What a suspended screen's styles depend on and Textual does not restyle it for."""
    return (app.theme, app.app_focus, app.stylesheet)


class KeptScreen(Screen[Any]):
    """A screen that is switched away from and back to (a mode), not rebuilt."""

    _kept_styles: tuple[object, ...] | None = None  # style_state when it was suspended
    # Its own lines are blank in its background (what Screen.render draws for an opaque
    # background; its widgets cover them): made without the line cache Textual empties at
    # every switch (35 lines drawn again, ~1 ms a switch at 120x35; docs/scale.md).
    BLANK = True

    # Decorated handlers (not on_screen_*): the screens have their own on_screen_resume, and
    # Textual calls each class's handlers, subclasses first, Screen's own last.
    # Mounting styled every widget; the first resume would do it all again.
    @on(events.Mount)
    @on(events.ScreenSuspend)
    def _remember_styles(self) -> None:
        self._kept_styles = style_state(self.app)

    @on(events.Mount)
    def _styled_now(self) -> None:
        # Its widgets were styled as they mounted: its second visit need not restyle the app.
        mark_styled(self)

    @on(events.ScreenResume)
    def _skip_restyle(self, event: events.ScreenResume) -> None:
        # Screen's own handler (it runs after this one) reads the flag.
        if self._kept_styles is not None and self._kept_styles == style_state(self.app):
            event.refresh_styles = False
