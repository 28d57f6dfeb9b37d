"""What the app relies on from its console, and what screens rely on from the app; crashes
found by double keys; a demoted user's role on the status line; `:speed` refusals."""

from __future__ import annotations

import pytest
from console_helpers import lpar_id, make_app, make_console, step, text, wait_for
from textual import events
from textual.app import App

from engine.roles import Actor
from hmc_tui.app import HmcApp
from hmc_tui.command_mode import parse_alias
from hmc_tui.console import LocalConsole
from hmc_tui.screens.command import CommandScreen
from hmc_tui.screens.host import ConsoleHost, console_host
from hmc_tui.screens.overview import OverviewScreen
from hmc_tui.screens.properties import PropertiesScreen
from hmc_tui.widgets.status_bar import StatusBar


def test_a_local_console_is_unrestricted_connected_and_alone(console: LocalConsole) -> None:
    console.actor = Actor(user="ann", role="hmcoperator")
    assert console.restricted is False and console.connected is True
    assert console.close_reason == "" and console.session_id is None
    (me,) = console.sessions()
    assert (me.id, me.user, me.role, me.origin, me.kind) == (
        0, "ann", "hmcoperator", "local", "console")


async def test_screens_reach_the_app_through_one_typed_host(app: HmcApp) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert isinstance(app, ConsoleHost)
        assert console_host(app.screen) is app


async def test_an_app_without_the_contract_is_refused_by_name() -> None:
    class Bare(App[None]):
        pass

    app = Bare()
    async with app.run_test() as pilot:
        await pilot.pause()
        with pytest.raises(TypeError, match="Bare does not host hmc-tui screens"):
            console_host(app.screen)


async def test_double_enter_after_lpar_opens_its_properties_once(app: HmcApp) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("colon", *"lpar oradb01")
        assert isinstance(app.screen, CommandScreen)
        # Both Enters are queued before the panel handles the first: the second one used to
        # dismiss again, closing the properties screen the first one was opening.
        for _ in range(2):
            app.post_message(events.Key("enter", "\r"))
        # (under load the title fills in a while after the screen is pushed)
        await wait_for(pilot, lambda: isinstance(app.screen, PropertiesScreen)
                       and "oradb01" in text(app.screen.query_one("#title")))
        assert [type(s) for s in app.screen_stack] == [OverviewScreen, PropertiesScreen]
        screen = app.screen
        assert isinstance(screen, PropertiesScreen)
        assert screen.lpar_id == lpar_id(app, "oradb01")
        assert "oradb01" in text(screen.query_one("#title"))


async def test_a_screen_not_yet_mounted_gets_no_snapshot(app: HmcApp,
                                                         console: LocalConsole) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        screen = PropertiesScreen(lpar_id(app, "dev02"))
        app.push_screen(screen)  # not awaited: its widgets do not exist yet
        console.step(5.0)
        assert app.refresh_from_engine()  # applied to the mounted screens only
        await pilot.pause()
        assert app.screen is screen and "dev02" in text(screen.query_one("#title"))


async def test_status_line_shows_the_actors_role_as_it_is_now(console: LocalConsole) -> None:
    console.actor = Actor(user="bob", role="hmcoperator")
    app = make_app(console)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        bar = app.screen.query_one(StatusBar)
        assert "bob (hmcoperator)" in text(bar)
        console.actor = Actor(user="bob", role="hmcviewer")  # demoted meanwhile
        await step(pilot, console, 1.0)
        assert "bob (hmcviewer)" in text(bar) and "hmcoperator" not in text(bar)
        console.pause()  # a frozen clock: no new engine time, the role still shows
        app.refresh_from_engine()
        console.actor = Actor(user="bob", role="hmcsuperadmin")
        app.apply_snapshot(console.snapshot())
        await pilot.pause()
        assert "bob (hmcsuperadmin)" in text(bar)


@pytest.mark.parametrize("arg", ["nan", "NaN", "inf", "-inf", "1e400", "-1", "0", "fast"])
def test_speed_refuses_what_is_not_a_positive_finite_number(arg: str) -> None:
    assert parse_alias(f"speed {arg}") == (
        f"usage: :speed N (a positive number, 1 = real time); not {arg!r}")


async def test_speed_nan_on_the_command_line_leaves_the_clock_alone() -> None:
    console = make_console()
    app = make_app(console)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("colon", *"speed nan", "enter")
        await pilot.pause()
        panel = app.screen
        assert isinstance(panel, CommandScreen)
        shown = "\n".join(str(line.text) for line in panel.output.lines)
        assert "usage: :speed N (a positive number, 1 = real time); not 'nan'" in shown
        assert console.snapshot().clock.speed == 1.0
        await step(pilot, console, 10.0)
        assert console.snapshot().time == 10.0
