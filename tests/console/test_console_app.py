"""App-wide behaviour: help, themes and config, keymap, quit, command line, screenshots,
modes, palette, properties."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
from console_helpers import lpar_id, make_app, select, step, table, text, wait_for
from textual.widgets import Sparkline, TabbedContent

from engine.ops import ActivatePartition
from engine.store import config_dir, data_dir
from hmc_tui.app import HmcApp, next_speed
from hmc_tui.config import Config, load_config
from hmc_tui.console import LocalConsole
from hmc_tui.screens.command import CommandScreen
from hmc_tui.screens.dialogs import ActivateDialog, ConfirmDialog, DlparDialog
from hmc_tui.screens.events import EventsScreen
from hmc_tui.screens.help import HelpScreen
from hmc_tui.screens.overview import OverviewScreen
from hmc_tui.screens.pools import PoolsScreen
from hmc_tui.screens.properties import PropertiesScreen
from hmc_tui.screens.vios import ViosScreen


async def test_help_lists_every_binding_of_the_screen(app: HmcApp) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("question_mark")
        help_screen = app.screen
        assert isinstance(help_screen, HelpScreen)
        ids = {row.binding_id for row in help_screen.rows}
        for binding_id in ("lpar.activate", "lpar.shutdown", "lpar.dlpar", "lpar.properties",
                           "overview.filter", "overview.sort", "app.help", "app.quit",
                           "app.command", "nav.pools", "nav.vios", "nav.events", "app.live",
                           "clock.faster", "clock.slower", "clock.pause", "app.screenshot",
                           "table.down", "table.up"):
            assert binding_id in ids, binding_id
        keys = {row.binding_id: row.keys for row in help_screen.rows}
        assert keys["lpar.activate"] == "a" and keys["app.help"] == "?"
        assert "j" in keys["table.down"]
        groups = [row.group for row in help_screen.rows]
        assert groups.index("Partitions table") < groups.index("Overview") < groups.index(
            "Global")
        await pilot.press("escape")
        assert isinstance(app.screen, OverviewScreen)
        await select(pilot, "dev01")
        await pilot.press("enter", "enter", "question_mark")  # help follows the screen
        assert isinstance(app.screen, HelpScreen)
        ids = {row.binding_id for row in app.screen.rows}
        assert "properties.back" in ids and "overview.filter" not in ids


async def test_keymap_from_config_remaps_bindings(console: LocalConsole) -> None:
    app = make_app(console, Config(keymap={"lpar.activate": "f6"}))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await select(pilot, "dev02")
        await pilot.press("a")
        assert isinstance(app.screen, OverviewScreen)
        await pilot.press("f6")
        assert isinstance(app.screen, ActivateDialog)
        await pilot.press("escape", "question_mark")
        keys = {row.binding_id: row.keys for row in app.screen.rows}  # type: ignore[attr-defined]
        assert keys["lpar.activate"] == "f6"


async def test_theme_switch_persists_to_config(app: HmcApp) -> None:
    assert app.theme == "hmc-light"
    assert {"hmc-light", "hmc-dark", "high-contrast"} <= set(app.available_themes)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        app.theme = "hmc-dark"
        await pilot.pause()
        path = config_dir() / "config.toml"
        assert tomllib.loads(path.read_text())["theme"] == "hmc-dark"
        app.theme = "textual-dark"  # a built-in theme lacks the state colours: defaults
        await pilot.pause()
        assert load_config().theme == "textual-dark"
        assert table(app).row_count == 11
    # The next start comes back with the remembered theme.
    again = HmcApp(app.hmc_console)
    assert again.theme == "textual-dark"


async def test_broken_config_is_reported_and_left_untouched(console: LocalConsole) -> None:
    path = config_dir() / "config.toml"
    path.parent.mkdir(parents=True)
    path.write_text("theme = [oops\n")
    app = HmcApp(console)
    assert app.theme == "hmc-light" and "invalid TOML" in app.notices[0]
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await pilot.pause()
        app.theme = "hmc-dark"
        await pilot.pause()
    assert path.read_text() == "theme = [oops\n"


async def test_unknown_theme_in_config_falls_back(console: LocalConsole) -> None:
    app = make_app(console, Config(theme="no-such-theme"))
    assert app.theme == "hmc-light" and "no-such-theme" in app.notices[0]


async def test_quit_asks_when_an_operation_is_in_flight(app: HmcApp) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await app.run_operation(ActivatePartition(lpar="dev02"))
        await pilot.pause()
        await pilot.press("q")
        assert isinstance(app.screen, ConfirmDialog)
        assert "dev02 is Starting" in str(app.screen.query_one("#message").render())
        await pilot.press("n")
        assert isinstance(app.screen, OverviewScreen) and app.is_running
        await pilot.press("q", "y")
        await wait_for(pilot, lambda: not app.is_running)
    assert app.return_code == 0


async def test_ctrl_q_without_work_in_progress_exits_at_once(app: HmcApp) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("ctrl+q")
        await wait_for(pilot, lambda: not app.is_running)


async def test_number_keys_reach_every_mode_and_escape_returns(app: HmcApp) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        for key, screen in (("2", PoolsScreen), ("3", ViosScreen), ("4", EventsScreen)):
            await pilot.press(key)
            assert isinstance(app.screen, screen)
        await pilot.press("escape")
        assert isinstance(app.screen, OverviewScreen)


async def test_command_line_navigation_aliases(app: HmcApp) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        for line, screen in ((":events", EventsScreen), ("overview", OverviewScreen)):
            await pilot.press("colon")
            assert isinstance(app.screen, CommandScreen)
            app.screen.query_one("#command-input").value = line  # type: ignore[attr-defined]
            await pilot.press("enter")
            await wait_for(pilot, lambda screen=screen: isinstance(app.screen, screen))
        await pilot.press("colon", *"lpar ora", "enter")
        await wait_for(pilot, lambda: isinstance(app.screen, PropertiesScreen))
        assert app.screen.lpar_id == lpar_id(app, "oradb01")  # type: ignore[attr-defined]
        assert app.command_history[-1] == "lpar ora"


async def test_command_line_clock_and_errors_print_in_the_panel(
        app: HmcApp, console: LocalConsole, monkeypatch: pytest.MonkeyPatch) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("colon")
        panel = app.screen
        assert isinstance(panel, CommandScreen)
        field = panel.query_one("#command-input")

        async def run(line: str) -> str:
            field.value = line  # type: ignore[attr-defined]
            await pilot.press("enter")
            await pilot.pause()
            return "\n".join(str(line.text) for line in panel.output.lines)

        assert "60× real time" in await run("speed 60")
        assert console.snapshot().clock.speed == 60
        assert "paused" in await run("pause")
        assert console.snapshot().clock.paused
        await run("resume")
        assert "usage: :speed N" in await run("speed fast")
        assert "no theme 'nope'" in await run("theme nope")
        for bad in ("nan", "inf", "-1", "1e400", "0"):  # refused before reaching the engine
            assert f"usage: :speed N (a positive number, 1 = real time); not '{bad}'" in \
                await run(f"speed {bad}")
            assert console.snapshot().clock.speed == 60
        name = app.snapshot.frame.system.name
        assert f"{name},Operating" in await run("lssyscfg -r sys -F name,state")
        out = await run("chsysstate")
        assert "Usage: chsysstate -m <managed system>" in out and "(exit code 1)" in out
        await pilot.press("up")
        assert field.value == "chsysstate"  # type: ignore[attr-defined]
        await pilot.press("escape")
        assert isinstance(app.screen, OverviewScreen)


async def test_clock_keys_change_engine_speed_and_pause(app: HmcApp,
                                                        console: LocalConsole) -> None:
    assert next_speed(1, 1) == 2 and next_speed(1, -1) == 1 and next_speed(7, -1) == 5
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("plus", "plus")
        assert console.snapshot().clock.speed == 5
        await pilot.press("minus")
        assert console.snapshot().clock.speed == 2
        await pilot.press("P")
        assert console.snapshot().clock.paused
        await pilot.press("P")
        assert not console.snapshot().clock.paused


async def test_screenshot_is_saved_in_the_data_dir(app: HmcApp) -> None:
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await pilot.pause()
        await pilot.press("ctrl+s")
        await pilot.press("ctrl+s")
        shots = sorted((data_dir() / "screenshots").glob("*.svg"))
        assert [p.name for p in shots] == ["hmc-tui-20260105-080000-2.svg",
                                           "hmc-tui-20260105-080000.svg"]
        assert shots[0].read_text().startswith("<svg")
        assert any(str(shots[1]) in str(n.message) for n in app._notifications)


async def test_palette_goes_to_a_partition(app: HmcApp) -> None:
    from hmc_tui.palette import PartitionCommands

    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        provider = PartitionCommands(app.screen)
        hits = [hit async for hit in provider.search("activate dev02")]
        assert hits and str(hits[0].text) == "Activate dev02"
        hits = [hit async for hit in provider.search("go to hana")]
        await hits[0].command()  # type: ignore[misc]
        await pilot.pause()
        assert table(app).selected_id == lpar_id(app, "hana01")
        titles = [c.title for c in app.get_system_commands(app.screen)]
        for title in ("Theme", "Go to Pool utilisation", "Help", "Engine clock faster",
                      "Save screenshot", "Quit", "Sort partitions by PU", "Filter partitions"):
            assert title in titles
        assert titles.count("Quit") == 1


async def test_properties_tabs_follow_the_partition(app: HmcApp,
                                                    console: LocalConsole) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await app.goto_partition(lpar_id(app, "dev02"), properties=True)
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, PropertiesScreen)
        general = text(screen.query_one("#general-body"))
        assert "Not Activated" in general and "AIX 7.3 7300-01-02-2320" in general
        assert "not activated" in text(screen.query_one("#processors-body"))
        await pilot.press("a", "enter")
        await wait_for(pilot, lambda: app.screen is screen)
        assert "Starting" in str(screen.query_one("#title").render())
        await step(pilot, console, 10)
        assert "Running" in str(screen.query_one("#title").render())
        assert "Current (granted" in text(screen.query_one("#memory-body"))
        for _ in range(3):
            await pilot.press("right_square_bracket")
        assert screen.query_one(TabbedContent).active == "adapters"
        assert screen.query_one("#adapters-table").row_count == 3  # type: ignore[attr-defined]
        await pilot.press("right_square_bracket")  # its disk paths through both VIOS
        assert screen.query_one(TabbedContent).active == "paths"
        assert screen.query_one("#paths-table").row_count == 2  # type: ignore[attr-defined]
        await pilot.press("right_square_bracket")  # utilisation: the engine's samples
        spark = screen.query_one(Sparkline)
        await step(pilot, console, 30)
        await wait_for(pilot, lambda: len(spark.data or []) >= 2)
        assert all(0 <= v <= 2 for v in spark.data or [])  # dev02 has 2 virtual processors
        await pilot.press("right_square_bracket")
        assert screen.query_one("#profiles-table").row_count == 1  # type: ignore[attr-defined]


def test_shipped_theme_files_are_valid() -> None:
    from themes import STATE_VARIABLES, shipped_themes

    themes = {t.name: t for t in shipped_themes()}
    assert set(themes) == {"hmc-light", "hmc-dark", "high-contrast"}
    assert not themes["hmc-light"].dark
    for theme in themes.values():
        assert set(STATE_VARIABLES) <= set(theme.variables)


def test_bad_theme_file_is_reported_with_its_field(tmp_path: Path) -> None:
    from themes import ThemeFileError, load_theme_file, user_themes

    bad = tmp_path / "bad.toml"
    bad.write_text('name = "bad"\nprimary = "not-a-colour"\n')
    with pytest.raises(ThemeFileError, match="primary"):
        load_theme_file(bad)
    (tmp_path / "good.toml").write_text('name = "mine"\nprimary = "#123456"\n')
    themes, errors = user_themes(tmp_path)
    assert [t.name for t in themes] == ["mine"] and len(errors) == 1


def test_config_round_trip_keeps_unknown_keys(tmp_path: Path) -> None:
    from hmc_tui.config import ConfigFileError, save_config

    path = tmp_path / "config.toml"
    path.write_text('theme = "hmc-dark"\n[keymap]\n"app.quit" = "f10"\n[ssh]\nport = 2222\n')
    config = load_config(path)
    assert config.theme == "hmc-dark" and config.keymap == {"app.quit": "f10"}
    config.theme = "high-contrast"
    save_config(config, path)
    data = tomllib.loads(path.read_text())
    assert data == {"theme": "high-contrast", "keymap": {"app.quit": "f10"},
                    "ssh": {"port": 2222}}
    path.write_text("keymap = 3\n")
    with pytest.raises(ConfigFileError, match="keymap"):
        load_config(path)
    assert load_config(tmp_path / "missing.toml") == Config()


def test_command_aliases_parse() -> None:
    from hmc_tui.command_mode import Alias, parse_alias

    assert parse_alias("lpar dev01") == Alias("lpar", "dev01")
    assert parse_alias("p") == Alias("pools")
    assert parse_alias("lpar") == Alias("overview")
    assert parse_alias("speed 0") == "usage: :speed N (a positive number, 1 = real time); not '0'"
    assert parse_alias("pools now") == "usage: :pools (no arguments)"
    assert parse_alias("lssyscfg -r sys") is None
    assert parse_alias("") is None


async def test_dialog_closes_when_its_partition_is_deleted(app: HmcApp,
                                                           console: LocalConsole) -> None:
    from engine.ops import DeletePartition

    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await select(pilot, "sandbox01")
        await pilot.press("d")
        assert isinstance(app.screen, DlparDialog)
        console.execute(DeletePartition(lpar="sandbox01"))  # another console did it
        app.refresh_from_engine()
        await wait_for(pilot, lambda: isinstance(app.screen, OverviewScreen))
        assert table(app).row_count == 10


def test_utilisation_series_is_empty_safe() -> None:
    from engine.snapshot import UtilSeries
    from hmc_tui.screens.properties import physc_series

    assert physc_series(UtilSeries(times=(), counters={})) == []
    assert physc_series(UtilSeries(times=(0.0,), counters={"time_cycles": (0,)})) == []
