"""Tab in the `:` command line completes (and keeps the focus there)."""

from __future__ import annotations

from console_helpers import wait_for

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
