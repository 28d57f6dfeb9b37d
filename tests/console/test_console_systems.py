"""Several managed systems in the console: the All Systems view first, Enter into a system,
every screen about the chosen system (operations included), `:system NAME`, `0` back."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from console_helpers import make_app, table
from textual.pilot import Pilot
from textual.widgets import DataTable

from engine import ops
from engine.service import Engine
from engine.store import demo_hmc
from hmc_tui.app import HmcApp
from hmc_tui.console import LocalConsole
from hmc_tui.screens.command import CommandScreen
from hmc_tui.screens.overview import OverviewScreen
from hmc_tui.screens.systems import SystemsScreen
from hmc_tui.widgets.status_bar import StatusBar

PROD = "Server-9080-HEX-SN78H4A21"
DR = "Server-9043-MRX-SN78K3D05"


def two_systems() -> LocalConsole:
    return LocalConsole(Engine(demo_hmc(), mode="stepped"))


def rows(app: HmcApp) -> list[list[str]]:
    grid: DataTable[object] = app.screen.query_one("#systems-table", DataTable)
    return [[str(c) for c in grid.get_row_at(i)] for i in range(grid.row_count)]


async def test_the_console_opens_on_all_systems_and_enters_one() -> None:
    console = two_systems()
    app = make_app(console)
    async with app.run_test(size=(160, 40)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, SystemsScreen)
        assert rows(app) == [
            [PROD, "Operating", "9080-HEX*78H4A21", "E1080", "20.50", "580.25", "9 of 11",
             "-"],
            [DR, "Operating", "9043-MRX*78K3D05", "E1050", "29.50", "715.25", "3 of 3", "-"],
        ]
        assert "All Systems" in app.screen.query_one(StatusBar).render().plain
        await pilot.press("down", "enter")
        await pilot.pause()
        assert app.current_mode == "overview"
        assert app.snapshot.frame.system.name == DR
        assert [p.name for p in app.snapshot.frame.partitions] == [
            "drvios1", "drvios2", "drtest01"]
        assert table(app).row_count == 3
        bar = app.screen.query_one(StatusBar)
        assert DR in bar.render().plain
        # an operation from this screen acts on this system
        result = await app.run_operation(ops.SetUncapWeight(lpar="drtest01", uncap_weight=5))
        assert result.ok and result.event.system == DR
        assert console.snapshot().frames[1].partition("drtest01").current.uncap_weight == 5  # type: ignore[union-attr]
        # :system NAME goes to the other one; 0 back to All Systems
        await pilot.press("colon", *f"system {PROD}", "enter")
        await pilot.pause()
        assert app.snapshot.frame.system.name == PROD
        assert table(app).row_count == 11
        await pilot.press("0")
        await pilot.pause()
        assert isinstance(app.screen, SystemsScreen)


async def test_an_unknown_system_is_refused_in_place() -> None:
    app = make_app(two_systems())
    async with app.run_test(size=(160, 40)) as pilot:
        await pilot.pause()
        await pilot.press("colon", *"system nosuch", "enter")
        await pilot.pause()
        assert app.snapshot.frame.system.name == PROD
        panel = app.screen
        assert isinstance(panel, CommandScreen)  # the line stays open on the error
        assert [str(line.text) for line in panel.output.lines] == [
            ":system nosuch", "HSCL8014 The managed system nosuch was not found."]


async def test_one_system_opens_on_its_overview_and_has_no_systems_key() -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, OverviewScreen)
        await pilot.press("0")
        await pilot.pause()
        assert isinstance(app.screen, OverviewScreen)
        assert app.system_view is None


def test_all_systems_snapshot(snap_compare: Callable[..., bool]) -> None:
    async def settle(pilot: Pilot[object]) -> None:
        await pilot.pause()

    assert snap_compare(make_app(two_systems()), terminal_size=(120, 24), run_before=settle)


@pytest.mark.parametrize("key", ["2", "3", "5"])
async def test_every_screen_shows_the_chosen_system(key: str) -> None:
    app = make_app(two_systems())
    async with app.run_test(size=(160, 40)) as pilot:
        await pilot.pause()
        await pilot.press("down", "enter")
        await pilot.pause()
        await pilot.press(key)
        await pilot.pause()
        assert DR in app.screen.query_one(StatusBar).render().plain


async def test_the_palette_finds_partitions_on_every_system() -> None:
    app = make_app(two_systems())
    async with app.run_test(size=(160, 40)) as pilot:
        await pilot.pause()
        await pilot.press("enter")  # into the production E1080
        await pilot.pause()
        assert app.snapshot.frame.system.name == PROD
        await pilot.press("ctrl+p", *"drtest01 on")
        await pilot.pause(0.5)
        await pilot.press("enter")
        await pilot.pause(0.3)
        assert app.snapshot.frame.system.name == DR
        assert table(app).selected_id == 3  # drtest01, selected in the DR overview
