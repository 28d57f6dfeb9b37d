"""While someone types, the live figures land once a second in one tick; what changed the
frame (an activation) shows at the next 5 Hz pull (hmc_tui/app.py, LIVE_FIGURES_EVERY).

The engine is labelled real time but has no clock thread (a free-running thread slows every
Pilot press): the test moves engine time itself, about as fast as the wall clock, so the
app's own 5 Hz timer sees a new snapshot at almost every pull.
"""

from __future__ import annotations

import asyncio
import time

from console_helpers import lpar_id, make_app, table, wait_for
from textual.widgets import DataTable

from engine.ops.power import ActivatePartition
from engine.service import Engine
from engine.store import demo_frame
from hmc_tui.app import LIVE_FIGURES_EVERY, HmcApp, only_live_moved
from hmc_tui.console import LocalConsole
from hmc_tui.prebuild import PREBUILD_MODES
from hmc_tui.screens.pools import PoolsScreen
from hmc_tui.textual_compat import mode_built
from hmc_tui.widgets.partition_table import COLUMN_INDEX

STATE = COLUMN_INDEX["state"]


def live_console() -> LocalConsole:
    return LocalConsole(Engine(demo_frame(), mode="realtime"))


async def test_live_figures_wait_for_their_second() -> None:
    console = live_console()
    app = make_app(console)
    async with app.run_test(size=(120, 35)) as pilot:
        app._pull.stop()  # type: ignore[union-attr]  # the test pulls by hand
        shown = app.snapshot.version
        console.step(0.2)  # engine time, physc, pool use: live figures only
        assert only_live_moved(app.snapshot, console.snapshot())
        app._live_applied = time.monotonic()
        assert not app.refresh_from_engine(coalesce=True)
        assert app.snapshot.version == shown
        # Not coalesced (a key's wake-up, an operation's result): shown at once.
        assert app.refresh_from_engine()
        assert app.snapshot.version > shown
        console.step(0.2)
        app._live_applied = time.monotonic() - LIVE_FIGURES_EVERY
        assert app.refresh_from_engine(coalesce=True)
        # A frame change is never held back.
        app._live_applied = time.monotonic()
        await console.run(ActivatePartition(lpar="dev02"))
        assert not only_live_moved(app.snapshot, console.snapshot())
        assert app.refresh_from_engine(coalesce=True)
        await pilot.pause()
        assert table(app).rows[lpar_id(app, "dev02")][STATE] != "Not Activated"


async def test_activation_shows_within_0_3_s_while_typing() -> None:
    console = live_console()
    app: HmcApp = make_app(console)
    async with app.run_test(size=(120, 35)) as pilot:
        stop = asyncio.Event()
        applied: list[tuple[float, int]] = []  # (wall time, frame_version) of each apply
        apply = app.apply_snapshot

        def counting(snap: object) -> None:
            applied.append((time.monotonic(), snap.frame_version))  # type: ignore[attr-defined]
            apply(snap)  # type: ignore[arg-type]

        app.apply_snapshot = counting  # type: ignore[method-assign]

        async def engine_clock() -> None:
            while not stop.is_set():
                await asyncio.sleep(0.05)
                console.step(0.05)

        clock = asyncio.create_task(engine_clock())
        try:
            start = time.monotonic()
            for _ in range(10):  # typing: a key every 0.2 s for 2 s
                await pilot.press("down" if _ % 2 else "up")
                await pilot.pause(0.2)
            wall = time.monotonic() - start
            live = [t for t, v in applied if t >= start and v == app.snapshot.frame_version]
            # ~10 new snapshots a second reached the timer; about one a second was shown.
            assert 1 <= len(live) <= wall / LIVE_FIGURES_EVERY + 1
            pid = lpar_id(app, "dev02")
            await console.run(ActivatePartition(lpar="dev02"))  # not through the app
            applied_at = time.monotonic()
            await pilot.press("down")
            await wait_for(pilot, lambda: table(app).rows[pid][STATE] != "Not Activated")
            assert time.monotonic() - applied_at <= 0.3  # the next 5 Hz pull showed it
        finally:
            stop.set()
            await clock


async def test_unvisited_screens_are_built_one_per_quiet_second() -> None:
    app = make_app()
    async with app.run_test(size=(120, 35)) as pilot:
        for _ in range(8):  # typing for ~2.4 s after the start: nothing is built meanwhile
            await pilot.press("down")
            await pilot.pause(0.3)
        assert not any(mode_built(app, m) for m in PREBUILD_MODES)
        await wait_for(pilot, lambda: mode_built(app, "pools"), timeout=2.0)
        assert not mode_built(app, "vios")  # one per quiet moment, not all at once
        await wait_for(pilot, lambda: all(mode_built(app, m) for m in PREBUILD_MODES),
                       timeout=4.0)
        pools = app._screen_stacks["pools"][0]
        assert isinstance(pools, PoolsScreen) and pools.is_mounted
        assert app.current_mode == "overview"  # built, not shown
        await pilot.press("2")  # the built screen is the one shown
        await pilot.pause()
        assert app.screen is pools
        assert pools.query_one("#pools-table", DataTable).row_count == len(app.snapshot.pools)


async def test_nothing_is_built_while_the_app_shuts_down() -> None:
    """Textual's shutdown iterates the screen stacks while timers still fire; a stack added
    then failed a macro replay with "dictionary changed size during iteration"."""
    app = make_app()
    async with app.run_test(size=(120, 35)) as pilot:
        await pilot.pause()
        app.last_input = app.active_since = app.prebuild.built_at = 0.0  # quiet for long enough
        app._running = False  # as App._shutdown sets it before closing the screens
        try:
            app.prebuild.step()
        finally:
            app._running = True
        assert not any(mode_built(app, m) for m in PREBUILD_MODES)
        app.prebuild.step()  # running again: the first one is built
        assert mode_built(app, "pools")
