"""The pool graph's long-term history at the frame's sample rate (lslparutil -r config)."""

from __future__ import annotations

import pytest
from screen_host import HostApp, make_console

from engine.model import Frame
from engine.snapshot import UtilSeries
from engine.store import demo_frame
from hmc_tui.screens.pools import PoolsScreen
from hmc_tui.widgets.pool_data import EntitledHistory, history_label, pool_series
from hmc_tui.widgets.pool_graph import PoolGraph, tick_step

SIZE = (120, 40)


def every_300s() -> UtilSeries:
    # Samples at 300 s intervals: a pool of 8 cores using 2, then 4, then 6.
    return UtilSeries(times=(300.0, 600.0, 900.0, 1200.0), counters={
        "time_cycles": (0, 300, 600, 900),
        "total_pool_cycles": (0, 2400, 4800, 7200),
        "utilized_pool_cycles": (0, 600, 1800, 3600),
    })


def test_the_series_keeps_its_real_times_and_spacing() -> None:
    history = EntitledHistory()
    history.observe(0.0, 3.0)
    got = pool_series(every_300s(), history, "long", rate=300)
    assert got.times == (600.0, 900.0, 1200.0)
    assert got.used == (2.0, 4.0, 6.0)
    assert got.size == (8.0, 8.0, 8.0)
    assert got.interval == 300.0
    assert tick_step(got.interval) == 3600  # a label an hour: 12 columns apart
    # The spacing comes from the samples, not the rate (it may have just changed).
    assert pool_series(every_300s(), history, "long", rate=30).interval == 300.0
    empty = UtilSeries(times=(), counters={})
    assert pool_series(empty, history, "long", rate=900).interval == 900.0
    assert pool_series(empty, history, "long", rate=0).interval == 0.0
    assert pool_series(empty, history, "short", rate=0).interval == 5.0


def test_history_labels() -> None:
    assert [history_label("long", r) for r in (30, 300, 3600, 0)] == [
        "long-term, 30 s samples", "long-term, 5 min samples", "long-term, 1 h samples",
        "long-term, sampling off"]
    assert history_label("short", 0) == "short-term, 5 s samples"


def at_rate(rate: int) -> Frame:
    frame = demo_frame()
    return frame.model_copy(update={"system": frame.system.model_copy(
        update={"sample_rate": rate})})


def screen_text(app: HostApp) -> str:
    graph = app.screen.query_one("#pools-graph", PoolGraph)
    return "\n".join(graph.render_line(y).text for y in range(graph.size.height))


async def test_the_graph_at_a_300_s_rate() -> None:
    console = make_console(at_rate(300))
    console.step(10.0)
    if not console.utilisation("pool", 0, "short").times:
        pytest.skip("engine/cpu.py records no utilisation samples yet")
    console.step(1790.0)  # engine time 1800: long samples at 300, 600, ... 1800
    app = HostApp(PoolsScreen, console)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("h")
        await pilot.pause()
        graph = app.screen.query_one("#pools-graph", PoolGraph)
        series = graph.series
        assert series.times == (600.0, 900.0, 1200.0, 1500.0, 1800.0)
        assert series.interval == 300.0
        assert "long-term, 5 min samples" in graph.graph_title
        app.step(300.0)
        await pilot.pause()
        assert graph.series.times[-1] == 2100.0


async def test_sampling_off_says_so() -> None:
    console = make_console(at_rate(0))
    console.step(600.0)
    app = HostApp(PoolsScreen, console)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("h")
        await pilot.pause()
        graph = app.screen.query_one("#pools-graph", PoolGraph)
        assert len(graph.series) == 0 and graph.series.interval == 0.0
        assert "long-term, sampling off" in graph.graph_title
        text = screen_text(app)
        assert "utilisation sampling is off (sample rate 0; chlparutil -r config -s RATE" \
            in text
        assert "waiting" not in text
