"""Lines of rich Text drawn one at a time, each kept while its text stands.

A widget that returns its lines from `render()` is drawn whole whenever any part of it is
repainted: Textual turns the joined text into Content and every line into a Strip again. The
status line and the overview header change a line or two per refresh (the clock, the Pools
line's figures); drawn through `render_line` with `TextLines`, only a line whose text changed
is turned into a Strip, the same way Textual draws `render()` (`Visual.to_strips`), so what
shows is the same.
"""

from __future__ import annotations

from rich.text import Text
from textual.strip import Strip
from textual.visual import Visual, visualize
from textual.widget import Widget


class TextLines:
    """The Strips of one widget's lines, kept per line index while the text and width
    stand; `clear()` when the widget's styles change (theme, CSS)."""

    def __init__(self) -> None:
        self._kept: dict[int, tuple[Text, int, Strip]] = {}

    def clear(self) -> None:
        self._kept.clear()

    def strip(self, widget: Widget, y: int, lines: list[Text], width: int) -> Strip:
        """Line `y` of `lines` drawn for `widget` at `width` cells (blank past the last)."""
        if y >= len(lines):
            return Strip.blank(width, widget.visual_style.rich_style)
        text = lines[y]
        kept = self._kept.get(y)
        if (kept is not None and kept[1] == width and kept[0] == text
                and kept[0].style == text.style):
            return kept[2]
        strips = Visual.to_strips(widget, visualize(widget, text), width, 1,
                                  widget.visual_style)
        strip = strips[0] if strips else Strip.blank(width, widget.visual_style.rich_style)
        self._kept[y] = (text, width, strip)
        return strip
