"""The overview's live physc figures are brought up to date only for the rows on screen; the
rows off screen take the current figures as soon as they are shown again (scroll, cursor,
resize, sort, filter). At 120x12 the demo frame's table shows 7 of its 11 rows."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from console_helpers import lpar_id, step, table
from textual.pilot import Pilot

import hmc_tui.widgets.partition_table as partition_table
from hmc_tui.app import HmcApp
from hmc_tui.console import LocalConsole
from hmc_tui.widgets.partition_table import PartitionTable

SIZE = (120, 12)
OFF_SCREEN = ("test01", "dev02", "sandbox01", "nim01")  # IDs 8-11, below the window


def drawn(t: PartitionTable) -> dict[str, str]:
    """What the table's body lines show: the physc figure (last column) by partition name."""
    lines = [s.text.split() for s in t.render_lines(t.region.reset_offset)[1:]]
    return {words[0]: words[-1] for words in lines if words}


def current(app: HmcApp, console: LocalConsole, name: str) -> str:
    """The figure a running partition must show: the engine's newest snapshot, 2 decimals."""
    return f"{console.snapshot().physc[lpar_id(app, name)]:.2f}"


async def moved_off_screen(pilot: Pilot[object], console: LocalConsole) -> PartitionTable:
    """Step the engine until every running partition's figure has left 0.00 (the start)."""
    app = pilot.app
    assert isinstance(app, HmcApp)
    t = table(app)
    for _ in range(5):
        await step(pilot, console, 1)
    # The running partitions below the window: their figures moved since the first draw.
    for name in running_off_screen(app):
        assert current(app, console, name) != "0.00"
    return t


def running_off_screen(app: HmcApp) -> list[str]:
    frame = app.snapshot.frame
    names = []
    for name in OFF_SCREEN:
        p = frame.partition(name)
        assert p is not None
        if p.state == "Running":
            names.append(name)
    return names


@pytest.fixture
def formatted(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[int]]:
    """The partition ids whose physc text is formatted."""
    ids: list[int] = []
    original = partition_table.physc_text

    def spy(p: partition_table.Partition, physc: object) -> str:
        ids.append(p.id)
        return original(p, physc)  # type: ignore[arg-type]

    monkeypatch.setattr(partition_table, "physc_text", spy)
    yield ids


async def test_a_refresh_formats_only_the_rows_on_screen(
        app: HmcApp, console: LocalConsole, formatted: list[int]) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        t = table(app)
        assert list(t.window()) == list(range(7))
        assert [drawn(t)[n] for n in ("vios1", "oradb01", "dev01")] == ["0.00"] * 3
        formatted.clear()
        await step(pilot, console, 1)
        # The 7 rows on screen (all running), neither of the 2 running ones below.
        assert sorted(formatted) == t.shown_ids()[:7]
        for name in ("vios1", "oradb01", "dev01"):
            assert drawn(t)[name] == current(app, console, name) != "0.00"


async def test_scrolling_shows_current_figures(app: HmcApp, console: LocalConsole) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        t = await moved_off_screen(pilot, console)
        t.scroll_end(animate=False)
        await pilot.pause()
        shown = drawn(t)
        names = running_off_screen(app)
        assert names == ["test01", "nim01"]
        assert {n: shown[n] for n in names} == {n: current(app, console, n) for n in names}
        assert shown["dev02"] == "-"  # not activated


async def test_the_cursor_going_down_shows_current_figures(
        app: HmcApp, console: LocalConsole) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        t = await moved_off_screen(pilot, console)
        t.focus()
        await pilot.press("end")
        await pilot.pause()
        names = running_off_screen(app)
        shown = drawn(t)
        assert {n: shown[n] for n in names} == {n: current(app, console, n) for n in names}


async def test_a_taller_terminal_shows_current_figures(
        app: HmcApp, console: LocalConsole) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        t = await moved_off_screen(pilot, console)
        await pilot.resize_terminal(120, 30)
        await pilot.pause()
        shown = drawn(t)
        assert len(shown) == 11
        running = [p.name for p in app.snapshot.frame.partitions if p.state == "Running"]
        assert {n: shown[n] for n in running} == {n: current(app, console, n) for n in running}


async def test_sorting_by_physc_orders_by_current_figures(
        app: HmcApp, console: LocalConsole) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        t = await moved_off_screen(pilot, console)
        t.set_sort("physc", reverse=True)
        await pilot.pause()
        physc = console.snapshot().physc
        frame = app.snapshot.frame
        figure = {p.id: float(f"{physc[p.id]:.2f}") if p.state == "Running" else -1.0
                  for p in frame.partitions}
        expected = sorted(sorted(figure), key=lambda i: figure[i], reverse=True)
        assert t.shown_ids() == expected
        shown = drawn(t)
        top = [frame.partition(i) for i in expected[:7]]
        assert {p.name: shown[p.name] for p in top if p} == {
            p.name: f"{physc[p.id]:.2f}" for p in top if p}


async def test_filtering_shows_current_figures(app: HmcApp, console: LocalConsole) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        t = await moved_off_screen(pilot, console)
        names = running_off_screen(app)
        t.set_filter(names[-1])
        await pilot.pause()
        assert t.row_count == 1
        assert drawn(t) == {names[-1]: current(app, console, names[-1])}
        assert t.cell_text(lpar_id(app, names[-1]), "physc") == current(
            app, console, names[-1])
