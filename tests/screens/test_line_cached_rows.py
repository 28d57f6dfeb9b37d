"""LineCachedDataTable.update_cell repaints the changed row's line only when it is on screen,
found by its index (the Pools table of a 1000-partition frame has 64 rows, 4 cells of each
changing every second): scrolled or not, it draws what Textual's DataTable draws."""

from __future__ import annotations

from typing import Any

import pytest
from textual.app import App, ComposeResult
from textual.widgets import DataTable

from hmc_tui.widgets.line_cached_table import LineCachedDataTable

ROWS = 64


class Twins(App[None]):
    AUTO_FOCUS = None
    CSS = "DataTable { height: 12; }"  # a header and 11 rows on screen

    def compose(self) -> ComposeResult:
        yield LineCachedDataTable(id="cached", cursor_type="row")
        yield DataTable(id="plain", cursor_type="row")

    def on_mount(self) -> None:
        for table in self.query(DataTable):
            for key in ("id", "used"):
                table.add_column(key.title(), key=key, width=6)
            for row in range(ROWS):
                table.add_row(str(row), "0.00", key=f"r{row}")


def lines(table: DataTable[Any]) -> list[str]:
    return ["".join(f"{seg.text}|{seg.style}" for seg in table.render_line(y))
            for y in range(table.size.height)]


async def test_only_rows_on_screen_are_repainted_scrolled_or_not(
        monkeypatch: pytest.MonkeyPatch) -> None:
    app = Twins()
    async with app.run_test(size=(40, 30)) as pilot:
        cached = app.query_one("#cached", LineCachedDataTable)
        plain = app.query_one("#plain", DataTable)
        await pilot.pause()
        asked: list[int] = []
        kept_render = LineCachedDataTable.render_line

        def asking(self: LineCachedDataTable, y: int) -> Any:
            asked.append(y)
            return kept_render(self, y)

        monkeypatch.setattr(LineCachedDataTable, "render_line", asking)

        async def update(rows: list[int], text: str) -> list[int]:
            asked.clear()
            for table in (cached, plain):
                for row in rows:
                    table.update_cell(f"r{row}", "used", text)
            await pilot.pause()
            repainted = sorted(asked)  # the compositor's requests (lines() asks for all)
            assert lines(cached) == lines(plain)
            return repainted

        # Rows 0-10 are lines 1-11 (line 0 is the header); rows 11-63 are off screen.
        assert await update([3, 40, 63], "1.25") == [4]
        assert await update([20, 50], "2.50") == []  # nothing on screen changed
        for table in (cached, plain):
            table.scroll_to(y=30, animate=False)
        await pilot.pause()
        assert cached.scroll_offset.y == plain.scroll_offset.y == 30
        assert lines(cached) == lines(plain)
        # Scrolled by 30: row 32 is line 1 + 32 - 30 = 3; rows 3 and 63 are off screen.
        assert await update([3, 32, 63], "3.75") == [3]
        assert cached.get_cell("r63", "used") == "3.75"
        for table in (cached, plain):
            table.scroll_to(y=0, animate=False)
        await pilot.pause()
        assert lines(cached) == lines(plain)  # what changed off screen shows when scrolled
        assert "3.75" in "".join(lines(cached)[4])  # row 3


async def test_a_row_more_than_a_line_high_falls_back_to_datatables_own_row_refresh() -> None:
    """With a taller row above, a row's place is not its index: the table repaints it as
    DataTable does, and draws what DataTable draws."""
    app = Twins()
    async with app.run_test(size=(40, 30)) as pilot:
        cached = app.query_one("#cached", LineCachedDataTable)
        plain = app.query_one("#plain", DataTable)
        for table in (cached, plain):
            table.clear()
            table.add_row("tall", "0.00", key="tall", height=2)
            for row in range(5):
                table.add_row(str(row), "0.00", key=f"r{row}")
        await pilot.pause()
        for table in (cached, plain):
            table.update_cell("r3", "used", "9.99")
        await pilot.pause()
        assert lines(cached) == lines(plain)
        assert "9.99" in lines(cached)[1 + 2 + 3]  # header, the tall row, rows 0-2
