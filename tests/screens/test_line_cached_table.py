"""LineCachedDataTable (hmc_tui/widgets/line_cached_table.py) draws exactly what Textual's
DataTable draws, through cell updates, cursor moves, focus and a theme change, while drawing
again only the rows whose texts changed."""

from __future__ import annotations

from typing import Any

import pytest
from textual.app import App, ComposeResult
from textual.widgets import DataTable

from hmc_tui.widgets.line_cached_table import LineCachedDataTable

COLUMNS = ("id", "name", "used")


def fill(table: DataTable[Any]) -> None:
    for key in COLUMNS:
        table.add_column(key.title(), key=key, width=6)
    for row in range(6):
        table.add_row(str(row), f"lpar{row}", "0.00", key=f"r{row}")


class Twins(App[None]):
    AUTO_FOCUS = None  # both blurred: compared in the same state
    def compose(self) -> ComposeResult:
        yield LineCachedDataTable(id="cached", cursor_type="row", zebra_stripes=True)
        yield DataTable(id="plain", cursor_type="row", zebra_stripes=True)

    def on_mount(self) -> None:
        for table in self.query(DataTable):
            fill(table)


def lines(table: DataTable[Any]) -> list[str]:
    return ["".join(f"{seg.text}|{seg.style}" for seg in table.render_line(y))
            for y in range(table.size.height)]


async def test_it_draws_what_datatable_draws_and_redraws_only_changed_rows(
        monkeypatch: pytest.MonkeyPatch) -> None:
    app = Twins()
    async with app.run_test(size=(40, 20)) as pilot:
        cached = app.query_one("#cached", LineCachedDataTable)
        plain = app.query_one("#plain", DataTable)
        await pilot.pause()

        async def same() -> None:
            await pilot.pause()
            assert lines(cached) == lines(plain)

        await same()
        drawn: list[int] = []
        render = DataTable.render_line

        def counting(self: DataTable[Any], y: int) -> Any:
            if self is cached:
                drawn.append(y)
            return render(self, y)

        monkeypatch.setattr(DataTable, "render_line", counting)
        asked: list[int] = []
        kept_render = LineCachedDataTable.render_line

        def asking(self: LineCachedDataTable, y: int) -> Any:
            asked.append(y)
            return kept_render(self, y)

        monkeypatch.setattr(LineCachedDataTable, "render_line", asking)
        cells_before = len(cached.kept_cells)
        for table in (cached, plain):
            table.update_cell("r2", "used", "1.25")
        await pilot.pause()
        assert asked == [3]  # only the changed row's line is repainted, not the table
        await same()
        assert drawn == [3]  # the header is line 0: row 2 is line 3, drawn again alone
        # and of its cells only the changed one is rendered again (3 columns, 1 new cell)
        assert len(cached.kept_cells) == cells_before + 1
        for table in (cached, plain):
            table.move_cursor(row=4)
        await same()
        cached.focus()
        await pilot.pause()
        focused = lines(cached)
        plain.focus()
        await pilot.pause()
        assert lines(plain) == focused  # each drawn focused
        app.set_focus(None)
        await same()  # and blurred again
        app.theme = "textual-light"
        await same()
        for table in (cached, plain):
            table.update_cell("r4", "name", "renamed")
        await same()
