"""A console on several managed systems starts on All Systems without building the overview
first (it was composed, styled and drawn, then replaced at mount: ~0.1 s of each login's
CPU, and the wrong screen flashed); the overview is built once the console is quiet, and
entering a system then shows it as a later visit would."""

from __future__ import annotations

from typing import Any

import pytest
from console_helpers import make_app, table
from textual.screen import Screen
from textual.widgets import Footer as TextualFooter

from engine.service import Engine
from engine.store import demo_hmc
from hmc_tui.app import HmcApp
from hmc_tui.console import LocalConsole
from hmc_tui.screens.overview import OverviewScreen
from hmc_tui.screens.systems import SystemsScreen
from hmc_tui.textual_compat import mode_built
from hmc_tui.widgets.footer import Footer


def two_systems_app() -> HmcApp:
    return make_app(LocalConsole(Engine(demo_hmc(), mode="stepped")))


async def test_several_systems_start_on_all_systems_and_build_no_overview(
        monkeypatch: pytest.MonkeyPatch) -> None:
    composed: list[str] = []
    compose = Screen._compose

    async def counting(self: Screen[Any]) -> None:
        composed.append(type(self).__name__)
        await compose(self)

    monkeypatch.setattr(Screen, "_compose", counting)
    app = two_systems_app()
    async with app.run_test(size=(120, 35)) as pilot:
        await pilot.pause()
        await pilot.pause()
        assert app.current_mode == "systems" and isinstance(app.screen, SystemsScreen)
        assert app.sub_title == "All Systems"
        assert composed == ["SystemsScreen"]  # the overview was built first, then replaced
        assert not mode_built(app, "overview")
        assert app.prebuild.to_build[0] == "overview"  # built first once the console is quiet
        # Textual's own Footer recomposed three times at each start on this screen.
        assert isinstance(app.screen.query_one(TextualFooter), Footer)


async def test_the_overview_built_while_quiet_is_the_one_entered() -> None:
    app = two_systems_app()
    async with app.run_test(size=(120, 35)) as pilot:
        await pilot.pause()
        app.last_input = app.active_since = app.prebuild.built_at = 0.0
        for _ in range(6):  # build, snapshot and footer keys, layouts
            app.prebuild.step()
            await pilot.pause()
        assert mode_built(app, "overview") and app.prebuild.to_warm is None
        overview = app._screen_stacks["overview"][0]
        assert isinstance(overview, OverviewScreen)
        await pilot.press("enter")  # the first system's overview
        await pilot.pause()
        await pilot.pause()
        assert app.screen is overview and app.current_mode == "overview"
        assert table(app).row_count == len(app.snapshot.frame.partitions) == 11

