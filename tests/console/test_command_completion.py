"""Tab in the `:` command line completes (and keeps the focus there)."""

from __future__ import annotations

from console_helpers import make_app, wait_for

from hmc_tui.app import HmcApp
from hmc_tui.screens.command import CommandScreen
from hmc_tui.widgets.command_input import CommandInput

SYS = "Server-9080-HEX-SN78H4A21"


async def test_tab_completes_commands_flags_and_names(app: HmcApp) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("colon")
        panel = app.screen
        assert isinstance(panel, CommandScreen)
        field = panel.query_one(CommandInput)
        await pilot.press(*"lssy", "tab")  # lssyscfg, lssysconn: their common start
        assert field.value == "lssysc" and field.has_focus
        await pilot.press("f", "tab")
        assert field.value == "lssyscfg " and field.has_focus
        await pilot.press(*"-r lp", "tab", *"-m ", "tab")
        assert field.value == "lssyscfg -r lpar -m "  # two systems' spellings: none chosen
        output = "\n".join(str(line.text) for line in panel.output.lines)
        assert f"{SYS}  9080-HEX*78H4A21" in output
        await pilot.press("S", "tab", *"--filter lpar_names=or", "tab")
        assert field.value == f"lssyscfg -r lpar -m {SYS} --filter lpar_names=oradb01 "
        assert field.has_focus and isinstance(app.screen, CommandScreen)
        await pilot.press("enter")
        await wait_for(pilot, lambda: "oradb01" in "\n".join(
            str(line.text) for line in panel.output.lines))


async def test_tab_completes_aliases_and_partition_names(app: HmcApp) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("colon", *"lp", "tab")
        field = app.screen.query_one(CommandInput)
        assert field.value == "lpar"  # the alias and the HMC command lpar_netboot: no space
        await pilot.press("space", *"sand", "tab")
        assert field.value == "lpar sandbox01 "
        field.value, field.cursor_position = "zzz", 3
        await pilot.press("tab")  # nothing fits: the line stays, the focus too
        assert field.value == "zzz" and field.has_focus


async def test_a_password_line_is_not_kept_in_the_history(app: HmcApp) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("colon")
        field = app.screen.query_one(CommandInput)
        for line in ("chhmcusr -u nobody -t passwd -v Secret-pass-1", "lshmc -V"):
            field.value = line
            await pilot.press("enter")
            await pilot.pause()
        assert app.command_history == ["lshmc -V"]


async def test_shift_tab_keeps_the_line_and_the_focus(app: HmcApp) -> None:
    """Shift+Tab once moved the focus to the output and back, selecting the whole line, and
    the next key replaced the command."""
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("colon", *"lshmc -V", "enter")  # the output panel is shown
        panel = app.screen
        assert isinstance(panel, CommandScreen)
        await wait_for(pilot, lambda: len(panel.output.lines) > 1)
        await pilot.press(*"lshmc -", "shift+tab", "shift+tab", "V")
        field = panel.query_one(CommandInput)
        assert field.has_focus and field.value == "lshmc -V" and field.selection.is_empty


async def test_a_navigation_error_keeps_the_line_open(app: HmcApp) -> None:
    """`:lpar nosuch` used to close the line; the keys typed next became screen hotkeys."""
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("colon", *"lpar nosuch", "enter")
        await pilot.pause()
        panel = app.screen
        assert isinstance(panel, CommandScreen)
        output = [str(line.text) for line in panel.output.lines]
        assert output == [":lpar nosuch", "HSCL8012 The partition named nosuch was not found."]
        await pilot.press("2", "q")  # would switch to Pools and quit if they leaked
        assert app.screen is panel and panel.query_one(CommandInput).value == "2q"


async def test_history_is_the_users_and_survives_a_restart(app: HmcApp) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("colon", *"lshmc -V", "enter", *"pools", "enter")
        await wait_for(pilot, lambda: not isinstance(app.screen, CommandScreen))
    assert app.history_path is not None
    assert app.history_path.read_text() == "lshmc -V\npools\n"
    assert app.history_path.stat().st_mode & 0o777 == 0o600
    again = make_app()
    assert again.command_history == ["lshmc -V", "pools"]
    async with again.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("colon", "up", "up")
        field = again.screen.query_one(CommandInput)
        assert field.value == "lshmc -V"
        await pilot.press("down")
        assert field.value == "pools"
        await pilot.press("down")
        assert field.value == ""
