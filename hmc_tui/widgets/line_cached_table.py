"""A DataTable whose lines are drawn again only when what they show changed.

Textual's DataTable keys every cache it has (cells, rows, lines) on a count of updates: one
`update_cell` makes it draw every cell of the table again, each through Rich's renderer. The
Pools screen patches a few cells of two tables every second (the live figures), and that
whole-table redraw was most of what the screen cost while someone worked (about 20 ms each
time on two cores shared by fifty consoles). This table keeps each rendered line under what
decides its look: the texts of its row, its position, the scroll, the size, the cursor and
hover positions and the widget's pseudo-classes (focus); a style change (theme, focus, CSS)
empties it. A line whose key is unchanged is DataTable's own earlier output. A line drawn
again renders only its cells whose text changed (textual_compat.keep_table_cells): DataTable
itself would render every cell of it anew. And `update_cell` repaints only the cell's row,
where DataTable repaints the whole table.

Only rows of plain strings are kept (what the Pools tables hold); a row with a Rich Text or
another renderable, a mouse over the table, fixed rows or columns, or a table that ever had a
row taller than one line are drawn by DataTable itself, as before.
"""

from __future__ import annotations

from collections.abc import Hashable
from typing import Any, Self

from rich.text import TextType
from textual.cache import LRUCache
from textual.geometry import Region
from textual.strip import Strip
from textual.widgets import DataTable
from textual.widgets.data_table import CellType, ColumnKey, RowKey

from hmc_tui.textual_compat import keep_table_cells

LINES_KEPT = 256  # a few screenfuls of a small table, each line in a few states
CELLS_KEPT = 2048  # the cells of those lines: a line that changed renders only new cells


class LineCachedDataTable(DataTable[Any]):
    _refresh_row_only = False  # inside update_cell (refresh() may run before __init__ ends)
    _tall_rows = False  # a row more (or less) than one line high was ever added

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._kept_lines: LRUCache[Hashable, Strip] = LRUCache(LINES_KEPT)
        self.kept_cells: LRUCache[Hashable, Any] = LRUCache(CELLS_KEPT)

    def notify_style_update(self) -> None:
        super().notify_style_update()
        if hasattr(self, "_kept_lines"):  # theme, focus or CSS changed: every line anew
            self._kept_lines.clear()
            self.kept_cells.clear()

    def _line_key(self, y: int) -> Hashable | None:
        """What line `y` of the widget shows, or None when DataTable must draw it itself."""
        if self.mouse_hover or self.fixed_rows or self.fixed_columns or self._tall_rows:
            return None  # (with a taller row, line y no longer shows row y - header)
        scroll_x, scroll_y = self.scroll_offset
        header = self.header_height if self.show_header else 0
        if y < header:
            shown: Hashable = ("header", tuple(str(c.label) for c in self.ordered_columns))
        else:
            index = y - header + scroll_y
            if index >= self.row_count:
                shown = "blank"
            else:
                cells = self.get_row_at(index)
                if not all(isinstance(cell, str) for cell in cells):
                    return None
                shown = (index, tuple(cells))
        return (shown, y, scroll_x, scroll_y, self.size, self.virtual_size,
                self.cursor_coordinate, self.cursor_type, self.show_cursor,
                self.hover_coordinate, self.zebra_stripes, self.get_pseudo_class_state())

    def update_cell(self, row_key: RowKey | str, column_key: ColumnKey | str,
                    value: CellType, *, update_width: bool = False) -> None:
        """As DataTable's, but only the cell's row is drawn again: DataTable refreshes the
        whole table, and every line on screen goes through render_line and the compositor
        again for one changed figure. A new column width changes every line: all again."""
        if update_width:
            super().update_cell(row_key, column_key, value, update_width=True)
            return
        self._refresh_row_only = True
        try:
            super().update_cell(row_key, column_key, value)
        finally:
            self._refresh_row_only = False
        self._refresh_row_at(self.get_row_index(row_key))

    def _refresh_row_at(self, index: int) -> None:
        """Repaint row `index` if it is on screen. DataTable.refresh_row finds the row's
        place by summing the heights of the rows above it in a list of every row that it
        builds again after each update: O(rows) per changed cell, and the Pools table of a
        1000-partition frame changes 4 cells in each of its 64 rows every second (most of
        them off screen). With rows one line high the place is the index."""
        if self._tall_rows:
            self.refresh_row(index)
            return
        header = self.header_height if self.show_header else 0
        y = header + index - self.scroll_offset.y  # as DataTable: the scrolled place
        width, height = self.size
        if 0 <= y < height:
            self.refresh(Region(0, y, width, 1))

    def add_row(self, *cells: CellType, height: int | None = 1, key: str | None = None,
                label: TextType | None = None) -> RowKey:
        # Known once, not found by looking at every row for each changed cell.
        self._tall_rows = self._tall_rows or height != 1
        return super().add_row(*cells, height=height, key=key, label=label)

    def refresh(self, *regions: Region, repaint: bool = True, layout: bool = False,
                recompose: bool = False) -> Self:
        if self._refresh_row_only and not (regions or layout or recompose):
            return self  # update_cell's whole-table refresh: update_cell refreshes the row
        return super().refresh(*regions, repaint=repaint, layout=layout, recompose=recompose)

    def render_line(self, y: int) -> Strip:
        key = self._line_key(y)
        if key is None:
            return super().render_line(y)
        strip = self._kept_lines.get(key)
        if strip is None:
            strip = self._kept_lines[key] = super().render_line(y)
        return strip


keep_table_cells(LineCachedDataTable)
