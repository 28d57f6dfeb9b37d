"""What a screen switch ("2"/"1") costs once both screens exist: no layout at the same size,
no line of a widget drawn again when nothing changed while away, no utilisation samples
fetched unless a new one can exist, and yet what changed while away is shown at once."""

from __future__ import annotations

import time
from collections import Counter
from typing import Any

import pytest
from console_helpers import make_app
from textual.geometry import Region
from textual.pilot import Pilot
from textual.screen import Screen
from textual.widgets import DataTable

from engine.ops.power import ActivatePartition
from engine.service import Engine
from engine.store import demo_frame
from hmc_tui.app import HmcApp
from hmc_tui.console import LocalConsole
from hmc_tui.screens.kept import KeptScreen
from hmc_tui.screens.pools import FETCH_SPREAD, PoolsScreen
from hmc_tui.widgets.pool_graph import PoolGraph
from hmc_tui.widgets.pool_members import PoolMembersTable
from themes import shipped_themes

SIZE = (120, 35)


async def switch(pilot: Pilot[Any], key: str) -> None:
    await pilot.press(key)
    await pilot.pause(0.1)  # past switch_mode's 50 ms hold: the new screen is drawn


@pytest.fixture
def fetches(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, int]]:
    """Every key's utilisation samples read from the engine (by a screen of a served
    console: through a round trip), however the console asks for them."""
    made: list[tuple[str, int]] = []
    real = Engine.utilisation

    def counting(self: Engine, resource: Any, key: int, *args: Any, **kwargs: Any) -> Any:
        made.append((resource, key))
        return real(self, resource, key, *args, **kwargs)

    monkeypatch.setattr(Engine, "utilisation", counting)
    return made


@pytest.fixture
def layouts(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    done: list[str] = []
    real = Screen._refresh_layout

    def counting(self: Screen[Any], *args: Any, **kwargs: Any) -> None:
        done.append(type(self).__name__)
        real(self, *args, **kwargs)

    monkeypatch.setattr(Screen, "_refresh_layout", counting)
    return done


async def test_a_switch_with_nothing_changed_draws_no_widget_line_and_fetches_nothing(
        app: HmcApp, drawn: Counter[str], fetches: list[tuple[str, int]],
        layouts: list[str]) -> None:
    async with app.run_test(size=SIZE) as pilot:
        for key in "2121":  # both screens built, shown and drawn
            await switch(pilot, key)
        fetches.clear()
        layouts.clear()
        for key, screen in (("2", "PoolsScreen"), ("1", "OverviewScreen"), ("2", "PoolsScreen"),
                            ("1", "OverviewScreen")):
            drawn.clear()
            await switch(pilot, key)
            # The whole terminal is written again, all from the widgets' kept lines (the
            # screen's own background lines, under its widgets, are blank: KeptScreen.BLANK).
            assert drawn == {}, screen
        assert fetches == []  # the engine did not move: no sample can be new
        assert layouts == []  # the same size, no widget asked for a layout


def live_console() -> LocalConsole:
    """Real-time labelled (the live figures are paced as in a served console), no clock
    thread: the test moves engine time itself."""
    return LocalConsole(Engine(demo_frame(), mode="realtime"))


def cells(app: HmcApp, pid: int) -> dict[str, str]:
    table = app.screen.query_one("#pools-table", DataTable)
    return {str(col.key.value): str(table.get_cell(f"pool-{pid}", col.key))
            for col in table.ordered_columns}


async def test_pools_show_what_changed_while_away_at_once(
        fetches: list[tuple[str, int]]) -> None:
    console = live_console()
    console.step(10.0)
    app = make_app(console)
    async with app.run_test(size=SIZE) as pilot:
        app._pull.stop()  # type: ignore[union-attr]  # the test delivers the snapshots
        await switch(pilot, "2")
        pools = app.screen
        assert isinstance(pools, PoolsScreen)
        assert cells(app, 1)["entitled"] == "2.00" and cells(app, 1)["members"] == "2"
        assert pools.query_one(PoolGraph).series.times[-1] == 10.0
        shown = cells(app, 0)["used"]
        await switch(pilot, "1")
        # While away, 1.2 s of engine time: only live figures moved (the overview is shown
        # them, the Pools screen is not), no new 5 s sample.
        console.step(1.2)
        assert app.refresh_from_engine()
        await pilot.pause()
        fetches.clear()
        pools._live_at = time.monotonic()  # type: ignore[attr-defined]  # figures just shown
        await switch(pilot, "2")
        live = {p.pool_id: p for p in app.snapshot.pools}
        assert cells(app, 0)["used"] == f"{live[0].used:.2f}" != shown  # now, not 1 s later
        await switch(pilot, "1")
        # While away: sandbox01 (0.25 PU, DevTestPool) activated.
        console.step(0.4)
        await console.run(ActivatePartition(lpar="sandbox01"))
        assert app.refresh_from_engine()
        await pilot.pause()
        pools._live_at = time.monotonic()  # type: ignore[attr-defined]
        await switch(pilot, "2")
        snap = app.snapshot
        live = {p.pool_id: p for p in snap.pools}
        assert fetches == []  # the next sample is due at 15 s of engine time
        assert cells(app, 1) == {
            "id": "1", "name": "DevTestPool", "used": f"{live[1].used:.2f}",
            "entitled": "2.25", "size": "8.00", "avail": f"{live[1].size:.2f}",
            "reserved": "0.50", "members": "3", "trend": cells(app, 1)["trend"]}
        assert cells(app, 0)["used"] == f"{live[0].used:.2f}"
        graph = pools.query_one(PoolGraph)
        assert graph.series.times[-1] == 10.0
        assert graph.render_line(0).text.startswith(
            f" DefaultPool (ID 0) · short-term, 5 s samples  █ used {live[0].used:.2f}  "
            "╌ entitled 10.00")
        members = pools.query_one(PoolMembersTable)
        physc = {str(members.get_cell(f"rank-{r}", "name")):
                 str(members.get_cell(f"rank-{r}", "physc")) for r in range(members.row_count)}
        oradb = snap.frame.partition("oradb01")
        assert physc["oradb01"] == f"{snap.physc[oradb.id]:.2f}"
        # Away again while a sample became due (at 15 s) and this screen's fetch phase
        # passed: fetched on the way back (one per pool).
        await switch(pilot, "1")
        pools._fetch_phase = 0.5  # type: ignore[attr-defined]
        console.step(3.2)  # 14.8 s: no sample due yet
        assert app.refresh_from_engine()
        await switch(pilot, "2")
        assert fetches == []
        await switch(pilot, "1")
        console.step(0.5)  # 15.3 s: a sample exists, but the phase (15.5 s) has not passed
        assert app.refresh_from_engine()
        await switch(pilot, "2")
        assert fetches == []
        await switch(pilot, "1")
        console.step(0.3)  # 15.6 s
        assert app.refresh_from_engine()
        await switch(pilot, "2")
        assert sorted(fetches) == [("pool", 0), ("pool", 1)]
        assert graph.series.times[-1] == 15.0


async def test_each_pools_screen_fetches_at_a_phase_of_its_own() -> None:
    """Every console sees a new sample at the same engine second: fifty Pools screens
    fetching at once made a burst every 5 s. Each fetches within FETCH_SPREAD after it."""
    phases = {PoolsScreen()._fetch_phase for _ in range(20)}  # type: ignore[attr-defined]
    assert len(phases) == 20 and all(0.0 <= p < FETCH_SPREAD for p in phases)


def own_lines(screen: Screen[Any]) -> list[list[tuple[str, object]]]:
    """The screen's own lines (under its widgets), cell by cell as they look: the character
    and its background (a space's foreground colour shows nothing)."""
    return [[(char, seg.style.bgcolor if seg.style else None, bool(seg.style and (
              seg.style.reverse or seg.style.underline or seg.style.strike)))
             for seg in strip for char in seg.text]
            for strip in screen.render_lines(Region(0, 0, *SIZE))]


async def test_kept_screens_blank_background_is_what_textual_draws(
        app: HmcApp, monkeypatch: pytest.MonkeyPatch) -> None:
    """KeptScreen.BLANK: the screen's own lines (under its widgets, and wherever they would
    leave room) look as Screen.render's background does, in every shipped theme and mode."""
    async with app.run_test(size=SIZE) as pilot:
        for theme in [t.name for t in shipped_themes()]:
            app.theme = theme
            await pilot.pause()
            for key in "23451":
                await switch(pilot, key)
                screen = app.screen
                assert isinstance(screen, KeptScreen)
                blank = own_lines(screen)
                monkeypatch.setattr(KeptScreen, "BLANK", False)
                screen.refresh()  # Textual's own drawing of them
                drawn = own_lines(screen)
                monkeypatch.undo()
                assert len(drawn) == 35 and blank == drawn, (theme, key)
                assert {cell[0] for line in drawn for cell in line} == {" "}


async def test_a_screen_already_shown_is_drawn_without_textuals_50_ms_hold(
        app: HmcApp, monkeypatch: pytest.MonkeyPatch) -> None:
    holds: list[str] = []
    hold = HmcApp.delay_update

    def recording(self: HmcApp, delay: float = 0.05) -> None:
        holds.append(self.current_mode)
        hold(self, delay)

    monkeypatch.setattr(HmcApp, "delay_update", recording)
    async with app.run_test(size=SIZE) as pilot:
        await switch(pilot, "2")  # a first visit: Textual's switch, with its hold
        assert holds == ["overview"]
        await switch(pilot, "1")
        await switch(pilot, "2")
        assert holds == ["overview"]  # back to screens already shown: no hold
        app.theme = "hmc-dark" if app.theme != "hmc-dark" else "hmc-light"
        await pilot.pause()
        await switch(pilot, "1")  # restyled for the new theme: Textual's switch again
        assert holds == ["overview", "pools"]
        shown: list[str] = []
        display = app._display

        def showing(screen: Screen[Any], update: Any) -> None:
            if update is not None:
                shown.append(type(screen).__name__)
            display(screen, update)

        monkeypatch.setattr(app, "_display", showing)
        await pilot.press("2")
        assert app._batch_count == 0
        await pilot.pause()
        assert shown[:1] == ["PoolsScreen"]  # drawn at the first update, nothing held
