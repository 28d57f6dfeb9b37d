"""A DataTable whose `update_cell` re-renders only the changed cells, and only when visible.

Textual's DataTable (8.2.8) keys every render cache on one counter that `update_cell` bumps,
so a single changed cell re-renders every visible cell: ~570 cells, ~125 ms of CPU for a
160x50 partitions table on the 2-core test box, five times a second when live figures move.
Here `update_cell` leaves the counter alone and records the cell; just before the next paint
the cached renders of the recorded cells (and of the lines and rows holding them) are dropped,
so a tick that changes 30 visible physc cells re-renders 30 cells. A change to a row outside
the viewport only updates the data: its cached renders are dropped when it scrolls into view.

This reaches into DataTable's private caches, which is why textual is pinned exactly; the
console tests check rendered lines after updates and would catch a stale cache after an
upgrade. Rows must be one line high (the viewport check counts rows as lines). Anything
structural (add/remove rows, sort, columns) still goes through DataTable and invalidates
everything, as before (and makes the recorded cells moot).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from textual.geometry import Region, Size
from textual.strip import Strip
from textual.widgets import DataTable
from textual.widgets.data_table import CellDoesNotExist, ColumnKey, RowKey

Cell = tuple[str | None, str | None]  # (row key value, column key value): cheap to hash


class LiveDataTable(DataTable[Any]):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._stale: set[Cell] = set()  # visible cells changed since the last paint
        self._hidden_stale: dict[int, set[Cell]] = {}  # by row index, outside the viewport
        # DataTable's own counter when the cells above were recorded: once it moves, every
        # cached render is unreachable anyway (its keys hold the counter), so they can go.
        self._stale_count = 0

    def _update_dimensions(self, new_rows: Iterable[RowKey]) -> None:
        """DataTable measures every cell of every new row to size auto-width columns and
        auto-height rows (13,000 measurements, ~0.3 s, for 1000 partitions). With fixed-width
        columns, one-line rows and no labels there is nothing to measure: set the size."""
        rows = [self.rows[key] for key in new_rows if key in self.rows]
        if any(c.auto_width for c in self.columns.values()) or any(
                row.auto_height or row.label is not None for row in rows):
            super()._update_dimensions([row.key for row in rows])
            return
        width = sum(c.get_render_width(self) for c in self.columns.values())
        header = self.header_height if self.show_header else 0
        self.virtual_size = Size(width + self._row_label_column_width,
                                 self._total_row_height + header)

    def update_cell(self, row_key: RowKey | str, column_key: ColumnKey | str, value: Any,
                    *, update_width: bool = False) -> None:
        if update_width:  # the width may change: let DataTable redo everything
            super().update_cell(row_key, column_key, value, update_width=True)
            return
        row = RowKey(row_key) if isinstance(row_key, str) else row_key
        column = ColumnKey(column_key) if isinstance(column_key, str) else column_key
        index = self._row_locations.get(row)
        if index is None or column not in self._column_locations:
            raise CellDoesNotExist(f"No cell exists for row_key={row!r}, "
                                   f"column_key={column!r}.")
        self._data[row][column] = value
        if self._stale_count != self._update_count:
            self._forget_stale()
        cell = (row.value, column.value)
        top, bottom = self._rows_in_view()
        if not top <= index < bottom:
            self._hidden_stale.setdefault(index, set()).add(cell)
            return
        if not self._stale:  # the first visible change since the last paint asks for one
            self.refresh()
        self._stale.add(cell)

    def _forget_stale(self) -> None:
        self._stale.clear()
        self._hidden_stale.clear()
        self._stale_count = self._update_count

    def _rows_in_view(self) -> tuple[int, int]:
        top = int(self.scroll_offset.y)
        body = self.size.height - (self.header_height if self.show_header else 0)
        return top, top + max(body, 0)

    def render_lines(self, crop: Region) -> list[Strip]:
        if self._stale_count != self._update_count:
            self._forget_stale()
        if self._hidden_stale:
            # Rows changed while out of view that have scrolled in.
            top, bottom = self._rows_in_view()
            for index in range(top, bottom):
                cells = self._hidden_stale.pop(index, None)
                if cells:
                    self._stale |= cells
        if self._stale:
            self._drop_stale_renders()
        return super().render_lines(crop)

    def _drop_stale_renders(self) -> None:
        cells = self._stale
        rows = {row for row, _ in cells}
        self._stale = set()
        # LRUCache has keys() but is not iterable itself (hence the noqa: SIM118 below).
        cell_cache = self._cell_render_cache
        for key in [k for k in cell_cache.keys() if (k[0].value, k[1].value) in cells]:  # noqa: SIM118
            cell_cache.discard(key)
        renderables = self._row_renderable_cache
        for row in rows:
            index = self._row_locations.get(RowKey(row)) if row is not None else None
            if index is not None:
                renderables.discard((self._update_count, index))
        row_cache = self._row_render_cache
        for key in [k for k in row_cache.keys() if k[0].value in rows]:  # noqa: SIM118
            row_cache.discard(key)
        # Line cache keys start with the line's y in table coordinates (header included).
        header = self.header_height if self.show_header else 0
        offsets = self._y_offsets
        line_cache = self._line_cache
        stale_lines = []
        for key in line_cache.keys():  # noqa: SIM118
            y = key[0] - header
            if 0 <= y < len(offsets) and offsets[y][0].value in rows:
                stale_lines.append(key)
        for key in stale_lines:
            line_cache.discard(key)
