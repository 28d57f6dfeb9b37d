"""A screen built while the console is quiet (hmc_tui/prebuild.py, Prebuilder.step) is shown at its
first visit as a screen built on the key would be, at the cost of a later switch: its tables
are filled and its footer's keys composed before the visit, and the footer shows the keys a
never-prebuilt screen shows, whatever happened meanwhile (focus, a dialog, a selected
partition, a theme, a keymap, a resize)."""

from __future__ import annotations

from typing import Any

import pytest
from console_helpers import make_app, select, wait_for
from textual.pilot import Pilot
from textual.widgets import DataTable
from textual.widgets._footer import FooterKey

from hmc_tui.app import HmcApp
from hmc_tui.prebuild import PREBUILD_MODES
from hmc_tui.screens.command import CommandScreen
from hmc_tui.textual_compat import mode_built
from hmc_tui.widgets.footer import Footer

SIZE = (120, 35)


def keys(app: HmcApp) -> list[tuple[str, str, str, bool]]:
    """What the active screen's footer shows: key, its display, label, greyed."""
    return [(k.key, k.key_display, k.description, k.disabled)
            for k in app.screen.query(Footer).first().query(FooterKey)]


def styles(app: HmcApp) -> list[str]:
    """The footer keys' drawn styles (colours from the theme)."""
    return [str(k.rich_style) for k in app.screen.query(Footer).first().query(FooterKey)]


async def prebuild_all(app: HmcApp, pilot: Pilot[Any]) -> None:
    """Let the app build and warm every PREBUILD_MODES screen as if the console had been
    quiet long enough (each quiet tick called by hand)."""
    for _ in range(40):
        if not app.prebuild.to_build and app.prebuild.to_warm is None:
            break
        app.last_input = app.active_since = app.prebuild.built_at = 0.0
        app.prebuild.step()
        await pilot.pause()
    assert all(mode_built(app, m) for m in PREBUILD_MODES) and app.prebuild.to_warm is None


def no_prebuild(app: HmcApp) -> HmcApp:
    app.prebuild.to_build = []  # every screen built on its key, as before the prebuild
    return app


@pytest.fixture
def recomposed(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The screens whose footer recomposed, in order."""
    seen: list[str] = []
    recompose = Footer.recompose

    async def counting(self: Footer) -> Any:
        seen.append(type(self.screen).__name__)
        return await recompose(self)

    monkeypatch.setattr(Footer, "recompose", counting)
    return seen


async def reference_keys(key: str, size: tuple[int, int] = SIZE, theme: str | None = None,
                         before: str = "") -> tuple[list[Any], list[str]]:
    """The footer keys and styles of a never-prebuilt screen, reached by `before` + `key`."""
    app = no_prebuild(make_app())
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        if theme is not None:
            app.theme = theme
        for k in before + key:
            await pilot.press(k)
            await pilot.pause()
        await pilot.pause()
        return keys(app), styles(app)


@pytest.mark.parametrize("key", ["2", "3", "4"])
async def test_first_visit_of_a_prebuilt_screen_recomposes_nothing_and_shows_its_keys(
        key: str, recomposed: list[str]) -> None:
    expected, expected_styles = await reference_keys(key)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await prebuild_all(app, pilot)
        mode = {"2": "pools", "3": "vios", "4": "events"}[key]
        screen = app._screen_stacks[mode][0]
        assert app.screen is not screen
        # Built, filled and drawn before the visit: keys composed, tables filled.
        assert keys_of(screen) == expected
        if mode == "pools":
            table = screen.query_one("#pools-table", DataTable)
            assert table.row_count == len(app.snapshot.pools) == 2
        before = list(recomposed)
        await pilot.press(key)
        await pilot.pause()
        await pilot.pause()
        assert app.screen is screen
        assert recomposed == before  # the first visit recomposed no footer
        assert keys(app) == expected
        assert styles(app) == expected_styles


def keys_of(screen: Any) -> list[tuple[str, str, str, bool]]:
    return [(k.key, k.key_display, k.description, k.disabled)
            for k in screen.query(Footer).first().query(FooterKey)]


async def test_keys_composed_under_a_dialog_are_the_screens_own(recomposed: list[str]) -> None:
    """The footer composes at its own turn: a dialog opened meanwhile (whose keys hide the
    screen keys) must not change what the built screen's footer shows."""
    expected, _ = await reference_keys("2")
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        app.last_input = app.active_since = app.prebuild.built_at = 0.0
        app.prebuild.step()  # Pools built
        await pilot.pause()
        app.prebuild.step()  # its snapshot, and its footer's keys asked for ...
        app.push_screen(CommandScreen([]))  # ... composed with the : line up
        await pilot.pause()
        assert isinstance(app.screen, CommandScreen)
        pools = app._screen_stacks["pools"][0]
        assert keys_of(pools) == expected
        await pilot.press("escape")
        await pilot.pause()
        before = list(recomposed)
        await pilot.press("2")
        await pilot.pause()
        await pilot.pause()
        assert keys(app) == expected and recomposed == before


async def test_a_partition_selected_and_focus_moved_show_the_same_keys() -> None:
    expected, _ = await reference_keys("2", before="")
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await prebuild_all(app, pilot)
        await select(pilot, "dev02")  # the overview's keys change with the selection
        await pilot.press("2")
        await pilot.pause()
        assert keys(app) == expected
        # Focus moves on the visited screen: the footer follows as on any screen.
        reference = no_prebuild(make_app())
        async with reference.run_test(size=SIZE) as ref_pilot:
            await ref_pilot.pause()
            for k in ("2", "tab"):
                await ref_pilot.press(k)
                await ref_pilot.pause()
            await ref_pilot.pause()
            moved = keys(reference)
        await pilot.press("tab")
        await pilot.pause()
        await pilot.pause()
        assert keys(app) == moved


async def test_a_theme_changed_while_away_restyles_the_built_screens_keys(
        recomposed: list[str]) -> None:
    expected, expected_styles = await reference_keys("3", theme="high-contrast")
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await prebuild_all(app, pilot)
        vios = app._screen_stacks["vios"][0]
        old_styles = [str(k.rich_style) for k in vios.query(FooterKey)]
        app.theme = "high-contrast"
        await pilot.pause()
        await pilot.press("3")
        await pilot.pause()
        await pilot.pause()
        assert keys(app) == expected
        assert styles(app) == expected_styles != old_styles


async def test_a_keymap_changed_while_away_shows_the_new_key(recomposed: list[str]) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await prebuild_all(app, pilot)
        app.set_keymap({"nav.overview": "f1"})
        await pilot.pause()
        before = list(recomposed)
        await pilot.press("4")
        await pilot.pause()
        await pilot.pause()
        shown = [k[1] for k in keys(app)]
        assert "f1" in shown and "1" not in shown
        assert recomposed[len(before):] == ["EventsScreen"]  # what it shows changed


async def test_a_resize_while_away_lays_the_built_screen_out_at_the_new_size() -> None:
    expected, _ = await reference_keys("2", size=(90, 28))
    reference = no_prebuild(make_app())
    async with reference.run_test(size=(90, 28)) as pilot:
        await pilot.pause()
        await pilot.press("2")
        await pilot.pause()
        await pilot.pause()
        regions = {w.id: w.region for w in reference.screen.query("*") if w.id}
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await prebuild_all(app, pilot)
        await pilot.resize_terminal(90, 28)
        await pilot.pause()
        await pilot.press("2")
        await wait_for(pilot, lambda: app.screen.size.width == 90)
        await pilot.pause()
        assert keys(app) == expected
        assert {w.id: w.region for w in app.screen.query("*") if w.id} == regions
