"""Pool utilisation screen, driven by the pilot over a lockstep engine."""

from __future__ import annotations

from typing import Any

import pytest
from screen_host import HostApp, SyntheticUtilConsole, make_console, wait_for
from textual.widgets import DataTable, Input, Static

from engine.ops import ChangePool
from engine.service import Engine
from engine.snapshot import UtilSeries
from engine.store import demo_frame
from hmc_tui.screens import pools as pools_module
from hmc_tui.screens.pools import PoolsScreen
from hmc_tui.widgets.pool_data import MAX_POINTS, join_samples, pool_series
from hmc_tui.widgets.pool_dialogs import ChangePoolDialog
from hmc_tui.widgets.pool_graph import PoolGraph
from hmc_tui.widgets.pool_members import PoolMembersTable

SIZE = (120, 40)


def synthetic_app(warmup: float = 600.0) -> HostApp:
    return HostApp(PoolsScreen, SyntheticUtilConsole(Engine(demo_frame(), mode="stepped")),
                   warmup=warmup)


def pools_table(app: HostApp) -> DataTable:
    return app.screen.query_one("#pools-table", DataTable)


def graph(app: HostApp) -> PoolGraph:
    return app.screen.query_one("#pools-graph", PoolGraph)


def sampled_console() -> Any:
    """A console on a lockstep engine that has recorded pool samples."""
    console = make_console()
    console.step(10.0)
    if not console.utilisation("pool", 0, "short").times:
        pytest.skip("engine/cpu.py records no utilisation samples yet")
    return console


async def test_shows_each_active_pool() -> None:
    app = HostApp(PoolsScreen)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        table = pools_table(app)
        assert table.row_count == 2  # DefaultPool and DevTestPool; the 62 others are inactive
        names = [table.get_cell(f"pool-{pid}", "name") for pid in (0, 1)]
        assert names == ["DefaultPool", "DevTestPool"]
        assert table.get_cell("pool-1", "size") == "8.00"
        assert table.get_cell("pool-1", "reserved") == "0.50"
        # dev01 and test01 run in DevTestPool: 0.75 + 0.75 entitled + 0.50 reserved
        assert table.get_cell("pool-1", "members") == "2"
        assert table.get_cell("pool-1", "entitled") == f"{demo_frame().pool_entitled(1):.2f}"

        # pools (de)activated elsewhere come and go in pool id order; the selection stays
        await pilot.press("right_square_bracket")
        await app.run_operation(ChangePool(pool="SharedPool05", max_proc_units=4))
        await app.run_operation(ChangePool(pool="SharedPool03", max_proc_units=2))
        await pilot.pause()
        assert [str(cell) for cell in table.get_column("name")] == [
            "DefaultPool", "DevTestPool", "SharedPool03", "SharedPool05"]
        assert app.screen.pool_id == 1 and table.cursor_row == 1
        await app.run_operation(ChangePool(pool="SharedPool03", max_proc_units=0))
        await pilot.pause()
        assert [str(cell) for cell in table.get_column("id")] == ["0", "1", "5"]


async def test_switch_pools_with_keys_and_the_list() -> None:
    app = HostApp(PoolsScreen)
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        assert isinstance(screen, PoolsScreen)
        await pilot.pause()
        assert screen.pool_id == 0
        await pilot.press("right_square_bracket")
        assert screen.pool_id == 1
        assert "DevTestPool" in str(screen.query_one("#pools-members-title", Static).content)
        members = screen.query_one("#pools-members", PoolMembersTable)
        assert {members.get_cell("rank-0", "name"), members.get_cell("rank-1", "name")} == {
            "dev01", "test01"}
        await pilot.press("right_square_bracket")  # wraps around
        assert screen.pool_id == 0
        await pilot.press("left_square_bracket")
        assert screen.pool_id == 1
        await pilot.press("up")  # the pool list itself selects too
        assert screen.pool_id == 0
        assert "DefaultPool" in graph(app).graph_title


async def test_clock_speed_and_pause_drive_the_engine_clock() -> None:
    app = HostApp(PoolsScreen)
    async with app.run_test(size=SIZE) as pilot:
        clock = app.screen.query_one("#pools-clock", Static)
        await pilot.press("plus")
        assert app.hmc_console.snapshot().clock.speed == 10
        assert app.hmc_console.snapshot().clock.mode == "accelerated"
        await pilot.press("plus", "plus")
        assert app.hmc_console.snapshot().clock.speed == 600
        assert "x600" in str(clock.content)
        await pilot.press("minus", "minus", "minus", "minus")  # floors at real time
        assert app.hmc_console.snapshot().clock.speed == 1
        assert "realtime x1" in str(clock.content)
        await pilot.press("p")
        assert app.hmc_console.snapshot().clock.paused
        assert "PAUSED" in str(clock.content)
        assert clock.has_class("-paused")
        await pilot.press("p")
        assert not app.hmc_console.snapshot().clock.paused


async def test_graph_grows_with_engine_time_and_switches_history() -> None:
    app = synthetic_app(warmup=60.0)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        before = len(graph(app).series)
        assert before == 12  # 60 s of 5 s samples
        app.step(50.0)
        await pilot.pause()
        assert len(graph(app).series) == before + 10
        # the x axis is in engine time on the frame's calendar (epoch 08:00)
        assert graph(app).series.times[-1] == 110.0

        await pilot.press("h")  # long-term history: 30 s samples
        assert app.screen.interval == "long"
        assert graph(app).series.interval == 30
        assert len(graph(app).series) == 3  # samples at 30, 60 and 90 s (deltas from 0)
        assert "long-term" in graph(app).graph_title
        await pilot.press("h")
        assert graph(app).series.interval == 5


async def test_graph_from_the_real_dispatcher() -> None:
    console = sampled_console()
    app = HostApp(PoolsScreen, console)
    async with app.run_test(size=SIZE) as pilot:
        app.step(60.0)
        await pilot.pause()
        series = graph(app).series
        assert len(series) >= 12
        assert all(0.0 <= u <= s + 1e-6 for u, s in zip(series.used, series.size, strict=True))
        table = pools_table(app)
        assert table.get_cell("pool-0", "used") != "-"  # live PoolLive figures
        before = len(series)
        app.step(30.0)
        await pilot.pause()
        assert len(graph(app).series) == before + 6


async def test_change_pool_refusal_in_place_then_success() -> None:
    app = HostApp(PoolsScreen)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("right_square_bracket", "c")
        await wait_for(pilot, lambda: isinstance(app.screen, ChangePoolDialog))
        dialog = app.screen
        assert isinstance(dialog, ChangePoolDialog)
        dialog.query_one("#max", Input).value = "1"  # below the pool's entitled capacity
        await pilot.press("enter")
        await wait_for(pilot, lambda: dialog.error_text.startswith("HSCL"))
        assert app.screen is dialog  # stays open to correct the input
        assert app.hmc_console.snapshot().frame.pools[1].max_proc_units == 8
        dialog.query_one("#max", Input).value = "12"
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, PoolsScreen))
        assert app.hmc_console.snapshot().frame.pools[1].max_proc_units == 12
        assert pools_table(app).get_cell("pool-1", "size") == "12.00"
        message = str(app.screen.query_one("#pools-message", Static).content)
        assert "chhwres -r procpool" in message


async def test_viewer_role_cannot_change_pools() -> None:
    from engine.roles import Actor

    app = HostApp(PoolsScreen, make_console(actor=Actor(user="view", role="hmcviewer")))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("right_square_bracket", "c")
        await wait_for(pilot, lambda: isinstance(app.screen, ChangePoolDialog))
        await pilot.press("enter")
        await wait_for(pilot, lambda: "HSCL350B" in app.screen.error_text)
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, PoolsScreen))


async def test_change_pool_maximum_keeps_the_decimal_and_refuses_it() -> None:
    """A pool's maximum "2.5" once became 25 (the integer field dropped the point)."""
    app = HostApp(PoolsScreen)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("right_square_bracket", "c")
        await wait_for(pilot, lambda: isinstance(app.screen, ChangePoolDialog))
        dialog = app.screen
        assert isinstance(dialog, ChangePoolDialog)
        field = dialog.query_one("#max", Input)
        field.clear()
        await pilot.press("1", "2", ".", "5")
        assert field.value == "12.5"
        await pilot.press("enter")
        await pilot.pause()
        assert dialog.error_text == "Maximum processing units: 12.5 is not a whole number."
        assert app.screen is dialog
        assert app.hmc_console.snapshot().frame.pools[1].max_proc_units == 8
        field.value = "12"
        reserved = dialog.query_one("#reserved", Input)
        reserved.value = "0.5"
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, PoolsScreen))
        pool = app.hmc_console.snapshot().frame.pools[1]
        assert (pool.max_proc_units, pool.reserved_proc_units) == (12, 0.5)


async def test_default_pool_size_is_configurable_and_avail_is_this_interval() -> None:
    """DefaultPool's "Size" was what it could use this interval: a fraction that kept moving
    with the idle cycles dedicated partitions donate. Size is now the configurable pool (40
    configurable cores less hana01's 8 dedicated = 32), Avail the interval's figure."""
    app = HostApp(PoolsScreen)  # the real dispatcher: hana01 donates what it leaves idle
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        table = pools_table(app)
        assert table.get_cell("pool-0", "size") == "32.00"
        for _ in range(3):
            app.step(5.0)
            await pilot.pause()
            assert table.get_cell("pool-0", "size") == "32.00"  # stable
            live = {p.pool_id: p for p in app.hmc_console.snapshot().pools}
            assert table.get_cell("pool-0", "avail") == f"{live[0].size:.2f}"
        legend = str(app.screen.query_one("#pools-legend", Static).content)
        assert legend == ("Size: configurable cores · Avail: usable this interval "
                          "(+ donated idle cycles)")


def test_graph_axis_follows_the_load_not_the_pool_size() -> None:
    from hmc_tui.widgets.pool_graph import axis_top

    assert axis_top([5.0, 4.2], [10.0], [40.0]) == 10  # not 40: the load fills the graph
    assert axis_top([5.0], [6.0], [7.5]) == 8  # a size close above: stretched to show it
    assert axis_top([0.1], [0.0], [0.0]) == 1


async def test_graph_legend_keeps_its_keys_at_80_columns() -> None:
    """At 80 columns the legend lost "available ... cores" (the history's name came first)."""
    app = synthetic_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        legend = graph(app).render_line(0).text
        assert legend.startswith(" DefaultPool (ID 0)  █ used ")
        assert legend.rstrip().endswith(" cores")
    wide = synthetic_app()
    async with wide.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert "· short-term, 5 s samples  █ used" in graph(wide).render_line(0).text


async def test_samples_after_the_first_read_are_only_the_new_ones() -> None:
    """Fifty consoles waking at once each read every pool's 601 samples; after the first
    read a screen asks only for what is new (and one sample held, to join them), and its
    graph is what reading the whole width again would give."""
    console = sampled_console()
    asked: list[int | None] = []
    real = console.utilisations

    def recording(resource, keys, interval="long", system="", last=None):  # type: ignore[no-untyped-def]
        asked.append(last)
        return real(resource, keys, interval, system, last)

    console.utilisations = recording  # type: ignore[method-assign]
    app = HostApp(PoolsScreen, console)
    async with app.run_test(size=SIZE) as pilot:
        app.step(3600.0)  # more samples than the graph holds
        await pilot.pause()
        assert asked and asked[-1] == MAX_POINTS + 1  # the first read: the graph's width
        asked.clear()
        app.step(12.0)  # two new 5 s samples
        await pilot.pause()
        assert asked == [4]  # two new, one held to join them, one spare
        screen = app.screen
        assert isinstance(screen, PoolsScreen)
        for pid in (0, 1):  # every pool's samples as a whole read gives them
            assert screen._views[pid].samples == real("pool", [pid], "short",
                                                      last=MAX_POINTS + 1)[0]
        whole = real("pool", [screen.pool_id], "short", last=MAX_POINTS + 1)[0]
        assert graph(app).series == pool_series(whole, screen._views[screen.pool_id].entitled,
                                                "short")
        assert graph(app).series.times[-1] == whole.times[-1] == 3620.0  # 10 + 3600 + 12 s

async def test_only_the_graphed_pools_series_is_made_whole(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """On new samples the graph's pool gets its whole series made (once, however many live
    ticks show it), every other pool only the newest TREND_POINTS of its own (its trend
    cell), and that tail is the whole series' tail."""
    made: list[tuple[int, int]] = []
    real = pools_module.pool_series

    def counting(util: UtilSeries, *args: object, n: int = MAX_POINTS) -> object:
        made.append((len(util.times), n))
        return real(util, *args, n=n)  # type: ignore[arg-type]

    monkeypatch.setattr(pools_module, "pool_series", counting)
    console = sampled_console()
    app = HostApp(PoolsScreen, console)
    async with app.run_test(size=SIZE) as pilot:
        app.step(600.0)
        await pilot.pause()
        made.clear()
        app.step(12.0)  # two new samples, and the live ticks of 12 s
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, PoolsScreen)
        wholes = [n for _, n in made if n == MAX_POINTS]
        trends = [n for _, n in made if n == pools_module.TREND_POINTS]
        assert len(wholes) == 1 and len(trends) == len(screen._pools) == 2
        whole = real(screen._views[1].samples, screen._views[1].entitled, "short")
        trend = screen._views[1].trend
        assert trend is not None and trend.used == whole.used[-pools_module.TREND_POINTS:]
        assert pools_table(app).get_cell("pool-1", "trend") == pools_module.sparkline(
            trend.used, max(trend.size))


def test_joining_samples() -> None:
    held = UtilSeries((5.0, 10.0, 15.0), {"a": (1, 2, 3)})
    new = UtilSeries((15.0, 20.0, 25.0), {"a": (3, 4, 5)})
    assert join_samples(held, new, 4) == UtilSeries((10.0, 15.0, 20.0, 25.0), {"a": (2, 3, 4, 5)})
    assert join_samples(held, UtilSeries((15.0,), {"a": (3,)}), 4) is held  # nothing new
    # A gap (the history restarted, or fewer asked for than came): not joined.
    assert join_samples(held, UtilSeries((20.0, 25.0), {"a": (4, 5)}), 4) is None
    assert join_samples(held, UtilSeries((12.0, 20.0), {"a": (3, 4)}), 4) is None
    assert join_samples(held, UtilSeries((15.0, 20.0), {"b": (3, 4)}), 4) is None
    assert join_samples(UtilSeries((), {"a": ()}), new, 4) is None
