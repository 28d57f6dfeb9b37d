"""The key footer: Textual's Footer, rebuilt only when what it shows changed.

Textual's Footer recomposes (unmounts and mounts a widget per key, styles applied to each)
whenever the screen says its bindings may have changed: on every screen switch, focus change
and dialog, several times each, whether or not a key changed. Measured on the demo frame,
that was most of a screen switch's CPU (about 60 of 110 ms for "1"/"2"), which fifty SSH
consoles on two cores cannot afford. This footer remembers what it showed (each key, its
label, whether it is enabled) and recomposes only when that differs.
"""

from __future__ import annotations

from typing import Any

from textual.screen import Screen
from textual.widgets import Footer as TextualFooter


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
