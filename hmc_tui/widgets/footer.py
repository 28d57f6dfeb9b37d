"""The key footer: Textual's Footer, rebuilt only when what it shows changed.

Textual's Footer recomposes (unmounts and mounts a widget per key, styles applied to each)
whenever the screen says its bindings may have changed: on every screen switch, focus change
and dialog, several times each, whether or not a key changed. Measured on the demo frame,
that was most of a screen switch's CPU (about 60 of 110 ms for "1"/"2"), which fifty SSH
consoles on two cores cannot afford. This footer remembers what it showed (each key, its
label, whether it is enabled) and recomposes only when that differs.

A screen built before its first visit (the app's prebuild) has its footer's keys composed
then too (`compose_keys_now`), with the keys it will show once active: its first visit then
skips the recompose, as a later visit does (the keys mounted and styled cost 30-40 ms).
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Any

from textual.screen import Screen
from textual.widgets import Footer as TextualFooter

from hmc_tui.textual_compat import compose_footer_keys


class Footer(TextualFooter):
    _shown: tuple[Any, ...] | None = None

    def bindings_changed(self, screen: Screen[Any]) -> None:
        if screen.app.app_focus and self.is_attached and screen is self.screen:
            # A screen being switched away from is told too, with the next screen's keys
            # active: nothing to show there; it is told again when it is back.
            if not screen.is_current:
                return
            shown = self._what_it_shows()
            if shown == self._shown:
                return
            self._shown = shown
        super().bindings_changed(screen)

    @property
    def keys_pending(self) -> bool:
        """No keys composed yet: Textual's Footer composes them when its screen is first
        active."""
        return self._shown is None and not self.children

    async def compose_keys_now(self, as_active: Callable[[], AbstractContextManager[Any]]
                               ) -> None:
        """Compose and mount the keys of a screen that is not active yet, as they will show
        once it is: `as_active()` makes the app answer for bindings as if that screen were
        the active one (its check_action). Run in this footer's own context (call_later):
        the keys bind to it. Nothing when the footer already shows keys."""
        if not self.keys_pending or not self.is_attached:
            return
        with as_active():
            shown = self._what_it_shows()
            keys = compose_footer_keys(self)
        self._shown = shown
        await self.mount_all(keys)

    def _what_it_shows(self) -> tuple[Any, ...]:
        active = self.screen.active_bindings
        keys = tuple(
            (binding.key, self.app.get_key_display(binding), binding.description,
             binding.action, enabled, tooltip,
             None if binding.group is None else (binding.group.description,
                                                 binding.group.compact))
            for (_, binding, enabled, tooltip) in active.values() if binding.show)
        palette = active.get(self.app.COMMAND_PALETTE_BINDING)
        return (keys, self.compact, self.show_command_palette,
                None if palette is None else (palette[1].key, palette[2]))
