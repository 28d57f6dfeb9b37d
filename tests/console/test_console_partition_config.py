"""The partition configuration tasks in the console: the create-partition wizard, delete with
the VIOS server adapters, rename, save the current configuration, the profile editor."""

from __future__ import annotations

from console_helpers import lpar_id, select, table, text, wait_for
from textual.widgets import Button, Checkbox, Input, OptionList, RadioButton, Select

from engine.model import VirtualScsi
from hmc_tui.app import HmcApp
from hmc_tui.console import LocalConsole
from hmc_tui.screens.dialogs.partition_config import (
    DeletePartitionDialog,
    RenamePartitionDialog,
    SaveProfileDialog,
)
from hmc_tui.screens.overview import OverviewScreen
from hmc_tui.screens.partition_wizard import CreatePartitionWizard
from hmc_tui.screens.profile_editor import ProfileEditor
from hmc_tui.screens.task_menu import TaskMenu

SYS = "Server-9080-HEX-SN78H4A21"


async def type_into(pilot, selector: str, value: str) -> None:  # type: ignore[no-untyped-def]
    """Replace a field's text by typing, as a user would."""
    field = pilot.app.screen.query_one(selector, Input)
    field.focus()
    field.value = ""
    await pilot.press(*value)


async def open_wizard(pilot) -> CreatePartitionWizard:  # type: ignore[no-untyped-def]
    """n, then wait for the wizard's name field to have the focus."""
    await pilot.press("n")
    await wait_for(pilot, lambda: getattr(pilot.app.focused, "id", None) == "name")
    wizard = pilot.app.screen
    assert isinstance(wizard, CreatePartitionWizard)
    return wizard


async def test_wizard_creates_a_partition_with_a_vscsi_pair_on_vios1(
        app: HmcApp, console: LocalConsole) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        wizard = await open_wizard(pilot)
        assert text(wizard.query_one("#wizard-title")).strip() == \
            "Create partition: step 1 of 5, General"
        await pilot.press(*"lp12", "enter")  # name, then Enter: the next page
        assert wizard.page_name == "processors"
        await type_into(pilot, "#max-units", "1.5")  # the decimal point stays
        assert wizard.query_one("#max-units", Input).value == "1.5"
        await type_into(pilot, "#desired-procs", "1.5")
        await pilot.press("enter")
        assert wizard.page_name == "processors"  # refused, with the field named
        assert wizard.error_text == "Desired processors: 1.5 is not a whole number."
        assert wizard.query_one("#desired-procs", Input).value == "1.5"  # shown as typed
        assert wizard.query_one("#desired-procs", Input).has_class("-invalid")
        await type_into(pilot, "#desired-procs", "2")
        await pilot.press("enter")
        assert wizard.page_name == "memory"
        await pilot.press("enter")
        assert wizard.page_name == "adapters"
        await pilot.click("#add-adapter")  # vSCSI client on vios1: the defaults
        assert text(wizard.query_one("#adapter-list")).strip() == (
            "slot 2  Virtual SCSI client -> vios1 slot 4 (server adapter made on vios1)")
        await pilot.click("#next")
        assert wizard.page_name == "summary"
        commands = text(wizard.query_one("#command")).replace("\n", "")
        assert (f"$ chhwres -r virtualio -m {SYS} -o a -p vios1 --rsubtype scsi -s 4 -a "
                '"adapter_type=server,remote_lpar_id=12,remote_slot_num=2"') in commands
        assert f'$ mksyscfg -r lpar -m {SYS} -i "name=lp12,profile_name=default_profile' \
            in commands
        await pilot.press("enter")  # Finish has the focus
        await wait_for(pilot, lambda: wizard.last_result is not None)
        assert wizard.last_result is not None and wizard.last_result.ok, wizard.error_text
        await wait_for(pilot, lambda: isinstance(app.screen, OverviewScreen))
        frame = console.snapshot().frame
        new = frame.partition("lp12")
        assert new is not None and new.id == 12 and new.state == "Not Activated"
        prof = new.profiles[0]
        assert (prof.min_proc_units, prof.desired_proc_units, prof.max_proc_units) == (
            0.1, 0.5, 1.5)
        assert (prof.min_procs, prof.desired_procs, prof.max_procs) == (1, 2, 2)
        assert new.adapters == (VirtualScsi(slot=2, side="client", remote_lpar_id=1,
                                            remote_slot=4),)
        assert frame.partition("vios1").adapter(4) == VirtualScsi(  # type: ignore[union-attr]
            slot=4, side="server", remote_lpar_id=12, remote_slot=2)
        assert table(app).selected_id == 12  # the new partition is selected
        event = [e for e in console.snapshot().events if e.op == "create_lpar"][-1]
        assert event.command.startswith(f"chhwres -r virtualio -m {SYS} -o a -p vios1 ")


async def test_wizard_shows_the_engine_refusal_and_stays_open(
        app: HmcApp, console: LocalConsole) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        wizard = await open_wizard(pilot)
        await pilot.press(*"lp12", "enter")
        await type_into(pilot, "#min-units", "1.0")  # above the desired 0.5
        await pilot.press("enter", "enter", "ctrl+n")
        assert wizard.page_name == "summary"
        await pilot.press("enter")
        await wait_for(pilot, lambda: wizard.last_result is not None)
        assert wizard.error_text.startswith("HSCL0A02 ")
        assert app.screen is wizard and console.snapshot().frame.partition("lp12") is None


async def test_wizard_dedicated_processors_and_ethernet(
        app: HmcApp, console: LocalConsole) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        wizard = await open_wizard(pilot)
        await pilot.press(*"db9", "enter")
        wizard.query_one("#mode-ded", RadioButton).value = True
        await pilot.pause()
        assert not wizard.query_one("#units-row").display
        await pilot.press("enter", "enter")
        wizard.query_one("#kind-eth", RadioButton).value = True
        await pilot.pause()
        await type_into(pilot, "#vlan", "20")
        await pilot.press("enter")  # Enter in the VLAN field adds the adapter
        await pilot.click("#next")
        await pilot.click("#finish")
        await wait_for(pilot, lambda: wizard.last_result is not None)
        assert wizard.last_result is not None and wizard.last_result.ok
        new = console.snapshot().frame.partition("db9")
        assert new is not None
        prof = new.profiles[0]
        assert (prof.proc_mode, prof.sharing_mode, prof.desired_procs) == (
            "ded", "keep_idle_procs", 1)
        assert prof.desired_proc_units is None
        assert [(a.type, a.slot, a.pvid) for a in new.adapters] == [("eth", 2, 20)]  # type: ignore[union-attr]


async def test_delete_with_vioscfg_names_what_goes_and_removes_it(
        app: HmcApp, console: LocalConsole) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await select(pilot, "sandbox01")
        await pilot.press("x")
        dialog = app.screen
        assert isinstance(dialog, DeletePartitionDialog)
        assert text(dialog.query_one("#what-goes")).splitlines()[:2] == [
            "Partition sandbox01 (ID 10) and its profiles: default_profile",
            "  vios1 slot 20 (vhost6, vSCSI server)"]
        assert text(dialog.query_one("#command")).strip() == \
            f"$ rmsyscfg -r lpar -m {SYS} -n sandbox01 --vioscfg"
        assert app.focused is dialog.query_one("#cancel", Button)  # Enter never deletes
        await pilot.click("#ok")
        await wait_for(pilot, lambda: isinstance(app.screen, OverviewScreen))
        frame = console.snapshot().frame
        assert frame.partition("sandbox01") is None
        assert frame.partition("vios1").adapter(20) is None  # type: ignore[union-attr]
        assert table(app).row_count == 10


async def test_delete_from_the_properties_screen_returns_to_the_overview(
        app: HmcApp, console: LocalConsole) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await app.goto_partition(lpar_id(app, "sandbox01"), properties=True)
        await pilot.pause()
        await pilot.press("x")
        assert isinstance(app.screen, DeletePartitionDialog)
        await pilot.click("#ok")
        await wait_for(pilot, lambda: isinstance(app.screen, OverviewScreen))
        assert console.snapshot().frame.partition("sandbox01") is None


async def test_the_task_menu_runs_delete_on_its_partition(app: HmcApp) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await select(pilot, "sandbox01")
        await pilot.press("enter")  # the partition's task menu
        menu = app.screen
        assert isinstance(menu, TaskMenu)
        labels = [t.label for t in menu.tasks]
        menu.query_one(OptionList).highlighted = labels.index("Delete...")
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, DeletePartitionDialog))
        assert app.screen.lpar_id == lpar_id(app, "sandbox01")  # type: ignore[attr-defined]


async def test_delete_without_vioscfg_keeps_the_server_adapter(
        app: HmcApp, console: LocalConsole) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await select(pilot, "sandbox01")
        await pilot.press("x")
        dialog = app.screen
        dialog.query_one("#vioscfg", Checkbox).value = False
        await pilot.pause()
        assert text(dialog.query_one("#command")).strip() == \
            f"$ rmsyscfg -r lpar -m {SYS} -n sandbox01"
        await pilot.click("#ok")
        await wait_for(pilot, lambda: isinstance(app.screen, OverviewScreen))
        assert console.snapshot().frame.partition("vios1").adapter(20) == VirtualScsi(  # type: ignore[union-attr]
            slot=20, side="server")


async def test_delete_a_running_partition_is_refused_in_place(app: HmcApp) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await select(pilot, "was01")
        await pilot.press("x")
        dialog = app.screen
        await pilot.click("#ok")
        await wait_for(pilot, lambda: dialog.last_result is not None)  # type: ignore[attr-defined]
        assert dialog.error_text == (  # type: ignore[attr-defined]
            "HSCL0B05 The partition was01 must be in the Not Activated state to be deleted.")


async def test_rename_and_save_current_configuration(
        app: HmcApp, console: LocalConsole) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await select(pilot, "was01")
        await pilot.press("w")
        dialog = app.screen
        assert isinstance(dialog, SaveProfileDialog)
        await type_into(pilot, "#new-name", "saved")
        assert text(dialog.query_one("#command")).strip() == \
            f"$ mksyscfg -r prof -m {SYS} -o save -p was01 -n saved"
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, OverviewScreen))
        was01 = console.snapshot().frame.partition("was01")
        assert was01 is not None and [q.name for q in was01.profiles] == [
            "default_profile", "saved"]
        await pilot.press("R")
        rename = app.screen
        assert isinstance(rename, RenamePartitionDialog)
        await pilot.press("enter")  # the same name: nothing to change, nothing applied
        assert rename.error_text == "New name: the partition is already named was01."
        assert rename.last_result is None
        await type_into(pilot, "#new-name", "was02")
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, OverviewScreen))
        assert console.snapshot().frame.partition(lpar_id(app, "was02")) is not None
        assert table(app).cell_text(4, "name") == "was02"


async def test_profile_editor_edits_copies_and_makes_default(
        app: HmcApp, console: LocalConsole) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await select(pilot, "sandbox01")
        await pilot.press("e")
        editor = app.screen
        assert isinstance(editor, ProfileEditor)
        assert editor.query_one("#desired-mem", Input).value == "4096"
        await type_into(pilot, "#desired-mem", "6144")
        await type_into(pilot, "#max-units", "1.5")
        assert text(editor.query_one("#command")).strip() == (
            f'$ chsyscfg -r prof -m {SYS} -i "name=default_profile,lpar_name=sandbox01,'
            'max_proc_units=1.5,desired_mem=6144"')
        await pilot.click("#save")
        await wait_for(pilot, lambda: editor.last_result is not None)
        prof = console.snapshot().frame.partition("sandbox01").profile(  # type: ignore[union-attr]
            "default_profile")
        assert (prof.desired_mem, prof.max_proc_units) == (6144, 1.5)  # type: ignore[union-attr]
        editor.query_one("#auto-start", Checkbox).value = True
        editor.query_one("#boot", Select).value = "sms"
        await pilot.pause()
        assert text(editor.query_one("#command")).strip() == (
            f'$ chsyscfg -r prof -m {SYS} -i "name=default_profile,lpar_name=sandbox01,'
            'auto_start=1,boot_mode=sms"')
        # Textual's Button ignores a click while it still shows the last press (-active,
        # 0.2 s): the edits above can take less than that now.
        await wait_for(pilot, lambda: not editor.query_one("#save").has_class("-active"))
        await pilot.click("#save")
        await wait_for(pilot, lambda: console.snapshot().frame.partition(  # type: ignore[union-attr]
            "sandbox01").profile("default_profile").auto_start)
        prof = console.snapshot().frame.partition("sandbox01").profile(  # type: ignore[union-attr]
            "default_profile")
        assert (prof.boot_mode, prof.auto_start) == ("sms", True)  # type: ignore[union-attr]
        await type_into(pilot, "#copy-name", "bigger")
        await type_into(pilot, "#desired-mem", "8192")
        await pilot.click("#copy")
        await wait_for(pilot, lambda: editor.profile_name == "bigger")
        p = console.snapshot().frame.partition("sandbox01")
        assert p is not None and p.profile("bigger").desired_mem == 8192  # type: ignore[union-attr]
        assert p.profile("default_profile").desired_mem == 6144  # type: ignore[union-attr]
        await pilot.click("#default")
        await wait_for(pilot, lambda: console.snapshot().frame.partition(
            "sandbox01").default_profile == "bigger")  # type: ignore[union-attr]
        await pilot.click("#save")  # nothing changed: nothing is applied
        assert editor.error_text == "No changes to save."
        await pilot.press("escape")
        assert isinstance(app.screen, OverviewScreen)


async def test_the_tasks_are_app_actions_and_in_the_palette(app: HmcApp) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await select(pilot, "dev02")
        for action, screen in (("create_partition", CreatePartitionWizard),
                               ("delete_partition", DeletePartitionDialog),
                               ("edit_profile", ProfileEditor),
                               ("save_profile", SaveProfileDialog),
                               ("rename_partition", RenamePartitionDialog)):
            await app.run_action(action)
            await pilot.pause()
            assert isinstance(app.screen, screen), action
            await pilot.press("escape")
            assert isinstance(app.screen, OverviewScreen)
        titles = {c.title for c in app.get_system_commands(app.screen)}
        assert {"Create partition", "Delete partition", "Manage profiles",
                "Save current configuration", "Rename partition"} <= titles
