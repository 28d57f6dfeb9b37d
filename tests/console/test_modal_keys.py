"""A modal dialog keeps its keys, and q asks before leaving.

Before, with the focus on a dialog button, `-` slowed the engine clock and `1` switched
screens under the dialog, closing it without a word; and `q` quit at once.
"""

from __future__ import annotations

from pathlib import Path

from console_helpers import make_app, select, wait_for
from textual.widgets import Button

from hmc_tui.app import HmcApp
from hmc_tui.config import Config, load_config, save_config
from hmc_tui.console import LocalConsole
from hmc_tui.screens.dialogs import ConfirmDialog, DlparDialog
from hmc_tui.screens.overview import OverviewScreen


async def test_screen_keys_do_not_fire_under_a_dialog(app: HmcApp, console: LocalConsole) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        speed = console.snapshot().clock.speed
        await select(pilot, "oradb01")
        await pilot.press("d")
        dialog = app.screen
        assert isinstance(dialog, DlparDialog)
        dialog.query_one("#cancel", Button).focus()
        await pilot.press("minus", "plus", "1", "2", "3", "4", "space", "P", "q", "colon")
        await pilot.pause()
        assert app.screen is dialog and app.current_mode == "overview"
        assert console.snapshot().clock.speed == speed and not console.snapshot().clock.paused
        assert not app.frozen and app.is_running
        keys = {b.binding.key for b in dialog.active_bindings.values()}
        assert "escape" in keys and not keys & {"1", "2", "minus", "q", "colon", "space"}
        await pilot.press("escape")
        assert isinstance(app.screen, OverviewScreen)
        await pilot.press("plus")  # on the screen itself the key works
        assert console.snapshot().clock.speed > speed


async def test_q_asks_before_quitting(app: HmcApp) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("q")
        dialog = app.screen
        assert isinstance(dialog, ConfirmDialog)
        assert "Leave the console?" in str(dialog.query_one("#message").render())
        footer_keys = {b.binding.key for b in dialog.active_bindings.values() if b.binding.show}
        assert footer_keys == {"y", "n", "escape"}  # not the screen's keys under it
        await pilot.press("n")
        assert isinstance(app.screen, OverviewScreen) and app.is_running
        await pilot.press("q", "y")
        await wait_for(pilot, lambda: not app.is_running)
    assert app.return_code == 0


async def test_confirm_quit_false_quits_at_once(console: LocalConsole) -> None:
    app = make_app(console, Config(confirm_quit=False))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("q")
        await wait_for(pilot, lambda: not app.is_running)


async def test_ctrl_q_quits_from_a_dialog_without_asking(app: HmcApp) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await select(pilot, "oradb01")
        await pilot.press("d")
        assert isinstance(app.screen, DlparDialog)
        await pilot.press("ctrl+q")
        await wait_for(pilot, lambda: not app.is_running)


def test_confirm_quit_is_read_and_not_written_unless_set(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text("confirm_quit = false  # I know what q does\n")
    assert load_config(path).confirm_quit is False
    fresh = tmp_path / "fresh.toml"
    config = Config()
    config.theme = "hmc-dark"
    save_config(config, fresh)
    assert fresh.read_text() == 'theme = "hmc-dark"\n'  # no default filled in
    loaded = load_config(path)
    loaded.theme = "hmc-dark"
    save_config(loaded, path)
    assert path.read_text() == ("confirm_quit = false  # I know what q does\n"
                                'theme = "hmc-dark"\n')
