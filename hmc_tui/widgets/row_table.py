"""A table of one-line rows drawn with Textual's line API, for rows whose figures move live.

Every row is a tuple of texts; a row's rendered line (a `Strip`) is cached in an LRU keyed by
the texts it shows and whether the cursor is on it, as Textual's own Log widget caches its
lines; the cache is emptied when the columns or the styles (focus, theme) change. Changing
one row's values repaints only that row's line (`refresh_line`), and only if it is on screen;
re-sorting or scrolling repaints the lines from the cache, so the only rows ever rendered
again are those whose texts changed.

Line 0 of the widget is the header (it does not scroll); row `r` is drawn on virtual line
`r + 1`. Everything here is public Textual API (ScrollView, Strip, LRUCache, Binding).
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import ClassVar

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding, BindingType
from textual.cache import LRUCache
from textual.geometry import Region, Size
from textual.scroll_view import ScrollView
from textual.strip import Strip

CELL_PADDING = 1  # one space each side of every cell
ROW_CACHE_SIZE = 1024  # rendered lines kept: a few screenfuls of rows, each in both cursor states
SORT_MARKS = ("▲", "▼")  # ascending, descending

Values = tuple[str, ...]

# Frame data may hold any character; a control character written to a terminal is a command
# to it, not text. Each is drawn as its visible "control picture" (U+2400 block) instead.
_C0 = {c: 0x2400 + c for c in range(0x20)}
_CONTROL_PICTURES: dict[int, int | str] = {**_C0, 0x7F: 0x2421,
                                           **{c: "\ufffd" for c in range(0x80, 0xA0)}}


def printable(text: str) -> str:
    """`text` with every control character replaced by a visible stand-in."""
    return text.translate(_CONTROL_PICTURES)


def fit(text: str, width: int, right: bool) -> str:
    """`text` made exactly `width` cells: padded, or cut with an ellipsis."""
    text = printable(text)
    if cell_len(text) > width:
        return set_cell_size(text, width - 1) + "…" if width > 0 else ""
    pad = " " * (width - cell_len(text))
    return pad + text if right else text + pad


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    width: int
    priority: int = 0  # 0 is never hidden; the highest numbers go first when space runs out
    right: bool = False  # numbers are right-aligned


class RowTable(ScrollView, can_focus=True):
    """Rows keyed by an int, shown in `order`, a row cursor, a header with a sort mark.

    Subclasses set `value_index` (column key -> position in a row's values) and may override
    `cell_style` (per-cell colours), `row_chosen` (Enter or a click on the cursor row) and
    `header_clicked`.
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up", "cursor_up", "Up", show=False),
        Binding("down", "cursor_down", "Down", show=False),
        Binding("pageup", "cursor_page_up", "Page up", show=False),
        Binding("pagedown", "cursor_page_down", "Page down", show=False),
        Binding("home,ctrl+home", "cursor_first", "First row", show=False),
        Binding("end,ctrl+end", "cursor_last", "Last row", show=False),
        Binding("left", "scroll_left", "Scroll left", show=False),
        Binding("right", "scroll_right", "Scroll right", show=False),
    ]
    COMPONENT_CLASSES: ClassVar[set[str]] = {"row-table--header", "row-table--cursor"}
    # The look of Textual's DataTable with a row cursor, so the table reads the same.
    DEFAULT_CSS = """
    RowTable {
        background: $surface;
        color: $foreground;
        &:focus {
            background-tint: $foreground 5%;
            & > .row-table--cursor {
                background: $block-cursor-background;
                color: $block-cursor-foreground;
                text-style: $block-cursor-text-style;
            }
            & > .row-table--header { background-tint: $foreground 5%; }
        }
        & > .row-table--header { text-style: bold; background: $panel; color: $foreground; }
        &:ansi > .row-table--header { background: ansi_bright_blue; color: ansi_default; }
        & > .row-table--cursor {
            background: $block-cursor-blurred-background;
            color: $block-cursor-blurred-foreground;
            text-style: $block-cursor-blurred-text-style;
        }
    }
    """

    value_index: ClassVar[Mapping[str, int]] = {}

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.rows: dict[int, Values] = {}  # what each shown row shows, by row key
        self.order: list[int] = []  # row keys, top to bottom
        self._position: dict[int, int] = {}  # row key -> index in order
        self.columns: list[Column] = []
        self.cursor_row = 0
        self.sort_mark: tuple[str, bool] | None = None  # (column key, descending)
        # Per shown column: (index in a row's values, width, right-aligned, column key).
        self._layout: tuple[tuple[int, int, bool, str], ...] = ()
        self._cache: LRUCache[Hashable, Strip] = LRUCache(ROW_CACHE_SIZE)
        self._styles: tuple[Style, Style, Style] | None = None  # base, header, cursor

    # ------------------------------------------------------------------ reading
    @property
    def row_count(self) -> int:
        return len(self.order)

    @property
    def cursor_key(self) -> int | None:
        """The row key under the cursor."""
        return self.order[self.cursor_row] if self.order else None

    def index_of(self, key: int) -> int | None:
        return self._position.get(key)

    # ------------------------------------------------------------------ hooks
    def cell_style(self, column: str, text: str) -> Style | None:
        """A style for one cell on top of the row's (state colours, say)."""
        return None

    def row_values(self, key: int) -> Values:
        """The texts row `key` shows as it is drawn (a subclass may bring them up to date
        here: rows off screen need not be kept current until they come into view)."""
        return self.rows[key]

    def row_chosen(self, key: int) -> None:
        """Enter on the cursor row, or a click on it."""

    def header_clicked(self, column: str) -> None:
        """A click on a column's header."""

    # ------------------------------------------------------------------ writing
    def set_columns(self, columns: Sequence[Column]) -> None:
        self.columns = list(columns)
        self._layout = tuple((self.value_index[c.key], c.width, c.right, c.key) for c in columns)
        self._cache.clear()  # every line was drawn for the old columns
        self._resize_virtual()
        self.refresh()

    def set_sort_mark(self, column: str, descending: bool) -> None:
        if self.sort_mark != (column, descending):
            self.sort_mark = (column, descending)
            self.refresh(Region(0, 0, self.size.width, 1))  # the header never scrolls

    def set_rows(self, rows: Mapping[int, Values], order: Iterable[int],
                 keep: int | None = None) -> None:
        """Show `rows` in `order`; the cursor stays on row `keep` (else on its index)."""
        self.rows = dict(rows)
        self.order = list(order)
        self._position = {key: i for i, key in enumerate(self.order)}
        self._resize_virtual()
        self.refresh()  # lines come from the cache unless their texts changed
        index = self._position.get(keep) if keep is not None else None
        self.move_cursor(self.cursor_row if index is None else index)

    def update_row(self, key: int, values: Values) -> None:
        """New texts for a shown row; repaints its line if it is on screen and shows a change."""
        self.update_rows(((key, values),))

    def window(self) -> range:
        """The row indexes on screen (the header's line aside)."""
        top = round(self.scroll_offset.y)
        return range(top, min(top + self.size.height - 1, len(self.order)))

    def update_rows(self, changes: Iterable[tuple[int, Values]]) -> None:
        """`update_row` for many rows (the window on screen is looked up once)."""
        top = round(self.scroll_offset.y)
        bottom = top + self.size.height - 1
        layout = self._layout
        for key, values in changes:
            old = self.rows.get(key)
            if old is None or old == values:
                continue
            self.rows[key] = values
            index = self._position[key]
            if top <= index < bottom and any(old[i] != values[i] for i, _, _, _ in layout):
                self.refresh_line(index + 1)

    def move_cursor(self, row: int, *, scroll: bool = True) -> None:
        row = max(0, min(row, len(self.order) - 1))
        if row != self.cursor_row:
            self.refresh_line(self.cursor_row + 1)
            self.cursor_row = row
        self.refresh_line(row + 1)
        if scroll:
            self._scroll_to_cursor()

    # ------------------------------------------------------------------ actions
    def action_cursor_up(self) -> None:
        self.move_cursor(self.cursor_row - 1)

    def action_cursor_down(self) -> None:
        self.move_cursor(self.cursor_row + 1)

    def action_cursor_page_up(self) -> None:
        self.move_cursor(self.cursor_row - self._body_height())

    def action_cursor_page_down(self) -> None:
        self.move_cursor(self.cursor_row + self._body_height())

    def action_cursor_first(self) -> None:
        self.move_cursor(0)

    def action_cursor_last(self) -> None:
        self.move_cursor(len(self.order) - 1)

    def action_select_cursor(self) -> None:
        if (key := self.cursor_key) is not None:
            self.row_chosen(key)

    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None:
            return
        if offset.y == 0:
            x = offset.x + round(self.scroll_offset.x)
            for column in self.columns:
                x -= column.width + 2 * CELL_PADDING
                if x < 0:
                    event.stop()
                    self.header_clicked(column.key)
                    return
            return
        row = offset.y - 1 + round(self.scroll_offset.y)
        if 0 <= row < len(self.order):
            event.stop()
            if event.button == 3:  # right-click: the row's context menu at once
                self.move_cursor(row)
                self.row_chosen(self.order[row])
            elif row == self.cursor_row:
                self.row_chosen(self.order[row])
            else:
                self.move_cursor(row)

    # ------------------------------------------------------------------ rendering
    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._styles = None  # theme, focus or CSS changed: every line is drawn anew
        self._cache.clear()

    def render_line(self, y: int) -> Strip:
        base, header, cursor = self._current_styles()
        scroll_x, scroll_y = self.scroll_offset
        width = self.size.width
        fill = base  # the header and the cursor row keep their colours to the right edge
        if y == 0:
            fill = base + header
            strip = self._header_strip(fill)
        else:
            index = y - 1 + scroll_y
            if index >= len(self.order):
                return Strip.blank(width, base)
            on_cursor = index == self.cursor_row
            if on_cursor:
                fill = base + cursor
            strip = self._row_strip(self.row_values(self.order[index]), on_cursor, base,
                                    cursor)
        return strip.crop_extend(scroll_x, scroll_x + width, fill)

    def _current_styles(self) -> tuple[Style, Style, Style]:
        if self._styles is None:
            self._styles = (self.rich_style,
                            self.get_component_rich_style("row-table--header", partial=True),
                            self.get_component_rich_style("row-table--cursor", partial=True))
        return self._styles

    def _header_strip(self, style: Style) -> Strip:
        key = ("header", self.sort_mark)
        strip = self._cache.get(key)
        if strip is None:
            pad = " " * CELL_PADDING
            segments = []
            for column in self.columns:
                label = fit(column.label, column.width, column.right)
                tail = pad
                if self.sort_mark is not None and self.sort_mark[0] == column.key:
                    mark = SORT_MARKS[self.sort_mark[1]]
                    stripped = label.rstrip()
                    if not column.right and len(stripped) < len(label):
                        label = stripped + mark + label[len(stripped) + 1:]  # after the words
                    else:
                        tail = mark + pad[1:]  # in the right-hand padding
                segments.append(Segment(pad + label + tail, style))
            strip = self._cache[key] = Strip(segments)
        return strip

    def _row_strip(self, values: Values, cursor: bool, base: Style, cursor_style: Style) -> Strip:
        shown = tuple(values[i] for i, _, _, _ in self._layout)
        key = (shown, cursor)
        strip = self._cache.get(key)
        if strip is None:
            pad = " " * CELL_PADDING
            segments = []
            for text, (_, width, right, column) in zip(shown, self._layout, strict=True):
                style = base
                extra = self.cell_style(column, text)
                if extra is not None:
                    style += extra
                if cursor:
                    style += cursor_style  # the cursor's colours win, as in DataTable
                segments.append(Segment(pad + fit(text, width, right) + pad, style))
            strip = self._cache[key] = Strip(segments)
        return strip

    # ------------------------------------------------------------------ geometry
    def _body_height(self) -> int:
        return max(self.size.height - 1, 1)

    def _resize_virtual(self) -> None:
        width = sum(c.width + 2 * CELL_PADDING for c in self.columns)
        self.virtual_size = Size(width, len(self.order) + 1)

    def _scroll_to_cursor(self) -> None:
        top = round(self.scroll_offset.y)
        body = self._body_height()
        if self.cursor_row < top:
            self.scroll_to(y=self.cursor_row, animate=False)
        elif self.cursor_row >= top + body:
            self.scroll_to(y=self.cursor_row - body + 1, animate=False)
