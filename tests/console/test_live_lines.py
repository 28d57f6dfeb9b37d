"""Live figures repaint only the lines that changed: the overview header's Pools line (not
its four lines), nothing on a short terminal where the header has no Pools line; a frame
change repaints the header lines it changed. What is drawn afterwards is checked line by line
against the engine's figures (a line left out of a repaint would show the old figure)."""

from __future__ import annotations

from typing import Any

from console_helpers import step
from textual.geometry import Region

from hmc_tui.app import HmcApp
from hmc_tui.console import LocalConsole
from hmc_tui.widgets.system_header import SystemHeader


def drawn(header: SystemHeader) -> list[str]:
    """The header's lines as the compositor gets them (its line cache included)."""
    return [s.text.rstrip() for s in header.render_lines(header.region.reset_offset)]


def repaints(header: SystemHeader) -> list[tuple[tuple[Region, ...], bool]]:
    """Each refresh of the header from now on: its regions, and whether a layout."""
    calls: list[tuple[tuple[Region, ...], bool]] = []
    refresh = header.refresh

    def recording(*regions: Region, **kwargs: Any) -> Any:
        calls.append((regions, bool(kwargs.get("layout"))))
        return refresh(*regions, **kwargs)

    header.refresh = recording  # type: ignore[method-assign]
    return calls


def pools_line(console: LocalConsole) -> str:
    used = {p.pool_id: p.used for p in console.snapshot().pools}
    return (f" Pools       DefaultPool 10.00 PU entitled, {used[0]:.2f} used   "
            f"DevTestPool 2.00/8 PU entitled, {used[1]:.2f} used")


async def test_moving_pool_figures_repaint_only_the_pools_line(
        app: HmcApp, console: LocalConsole) -> None:
    async with app.run_test(size=(120, 35)) as pilot:
        await pilot.pause()
        header = app.screen.query_one(SystemHeader)
        await step(pilot, console, 1)
        before = drawn(header)
        assert len(before) == 4 and before[3] == pools_line(console)
        calls = repaints(header)
        for _ in range(3):
            used = [round(p.used, 2) for p in console.snapshot().pools]
            await step(pilot, console, 1)
            assert [round(p.used, 2) for p in console.snapshot().pools] != used
        width = header.size.width
        assert calls == [((Region(0, 3, width, 1),), False)] * 3
        after = drawn(header)
        assert after[:3] == before[:3] and after[3] == pools_line(console) != before[3]


async def test_a_short_terminal_header_has_no_pools_line_to_repaint(
        app: HmcApp, console: LocalConsole) -> None:
    async with app.run_test(size=(120, 20)) as pilot:
        await pilot.pause()
        header = app.screen.query_one(SystemHeader)
        calls = repaints(header)
        for _ in range(3):
            await step(pilot, console, 1)
        assert calls == []
        assert drawn(header) == [
            " Server-9080-HEX-SN78H4A21  Operating   avail 20.50 PU, 580.25 GB"]


async def test_a_frame_change_repaints_the_header_only_where_it_shows(
        app: HmcApp, console: LocalConsole) -> None:
    from engine.ops import InjectFault, SetUncapWeight

    async with app.run_test(size=(120, 35)) as pilot:
        await pilot.pause()
        header = app.screen.query_one(SystemHeader)
        before = drawn(header)
        calls = repaints(header)
        version = app.snapshot.frame_version
        console.execute(SetUncapWeight(lpar="dev01", uncap_weight=77))
        await app.run_operation(SetUncapWeight(lpar="dev01", uncap_weight=78))
        assert app.snapshot.frame_version > version
        assert calls == [] and drawn(header) == before  # nothing the header shows
        # A fault: the attention mark pushes the model to a line of its own (a layout).
        await app.run_operation(InjectFault(kind="core"))
        await step(pilot, console, 1)
        assert ((), True) in calls
        after = drawn(header)
        assert len(after) == 5 and after[0].split() == [
            "Server-9080-HEX-SN78H4A21", "Operating", "!", "Attention:", "1", "open", "event,",
            "1", "fault"]


async def test_every_status_line_draws_the_engine_time_of_the_last_snapshot(
        app: HmcApp, console: LocalConsole) -> None:
    """Each screen's status line compares what it shows with each snapshot (the time is
    formatted once per snapshot for all of them): the active one draws every new second,
    a kept screen's shows the newest when switched to."""
    from hmc_tui.widgets.status_bar import StatusBar, shown_time

    def clock_drawn() -> str:
        bar = app.screen.query_one(StatusBar)
        return bar.render_lines(bar.region.reset_offset)[0].text

    async with app.run_test(size=(120, 35)) as pilot:
        await pilot.pause()
        for _ in range(3):
            before = shown_time(console.snapshot())
            await step(pilot, console, 1)
            now = shown_time(console.snapshot())
            assert now != before and now in clock_drawn()
        await pilot.press("2")  # the Pools screen, built meanwhile: its line is current
        await pilot.pause()
        assert app.current_mode == "pools" and now in clock_drawn()
        await step(pilot, console, 1)
        assert shown_time(console.snapshot()) in clock_drawn()
        await pilot.press("1")
        await pilot.pause()
        assert shown_time(console.snapshot()) in clock_drawn()
