"""Activate, shutdown and DLPAR dialogs: open, act, see the engine change, see refusals."""

from __future__ import annotations

from console_helpers import lpar_id, select, step, table, text, wait_for
from textual.widgets import Checkbox, Input, RadioButton, RadioSet, Select

from hmc_tui.app import HmcApp
from hmc_tui.console import LocalConsole
from hmc_tui.screens.dialogs import (
    ActivateDialog,
    ConfirmDialog,
    DlparDialog,
    ShutdownDialog,
)
from hmc_tui.screens.overview import OverviewScreen


def state(console: LocalConsole, name: str) -> str:
    p = console.snapshot().frame.partition(name)
    assert p is not None
    return p.state


async def test_activate_dev02_then_reference_codes_advance_until_running(
        app: HmcApp, console: LocalConsole) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        t = table(app)
        dev02 = lpar_id(app, "dev02")
        await select(pilot, "dev02")
        await pilot.press("a")
        assert isinstance(app.screen, ActivateDialog)
        dialog = app.screen
        assert "chsysstate -m Server-9080-HEX-SN78H4A21 -r lpar -o on -n dev02 -f " \
               "default_profile" in text(dialog.query_one("#command"))
        await pilot.press("enter")  # OK has the focus: the defaults activate
        await wait_for(pilot, lambda: isinstance(app.screen, OverviewScreen))
        assert state(console, "dev02") == "Starting"
        assert t.cell_text(dev02, "state") == "Starting"
        codes = [t.cell_text(dev02, "refcode")]
        for _ in range(12):  # 60 s of engine time, 5 s at a time, as the timer would see it
            await step(pilot, console, 5)
            codes.append(t.cell_text(dev02, "refcode"))
        assert state(console, "dev02") == "Running"
        assert t.cell_text(dev02, "state") == "Running"
        await step(pilot, console, 5)  # RMC comes up a while after the OS (63 s for AIX)
        assert t.cell_text(dev02, "rmc") == "active"
        distinct = [c for i, c in enumerate(codes) if c and c not in codes[:i]]
        assert distinct[0].startswith("C2") and distinct[1].startswith("CA")
        assert len(distinct) >= 5  # C2xx, CAxx, boot search, AIX LEDs ...
        events = [e for e in console.snapshot().events if e.op == "activate"]
        assert events[-1].command.startswith("chsysstate -m Server-9080-HEX-SN78H4A21 -r lpar "
                                             "-o on -n dev02")


async def test_activating_a_running_partition_shows_hscl3681_in_place(app: HmcApp) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await select(pilot, "dev01")
        await pilot.press("a", "enter")
        dialog = app.screen
        assert isinstance(dialog, ActivateDialog)
        await wait_for(pilot, lambda: dialog.last_result is not None)
        assert dialog.last_result is not None and dialog.last_result.code == "HSCL3681"
        assert app.screen is dialog  # still open, to correct or cancel
        assert dialog.error_text.startswith("HSCL3681 The partition dev01 is already active")
        assert dialog.query_one("#error").display
        await pilot.press("escape")
        assert isinstance(app.screen, OverviewScreen)


async def test_activate_with_sms_boot_mode_stops_in_open_firmware(
        app: HmcApp, console: LocalConsole) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await select(pilot, "sandbox01")
        await pilot.press("a")
        dialog = app.screen
        assert isinstance(dialog, ActivateDialog)
        dialog.query_one("#boot-sms", RadioButton).value = True
        await pilot.pause()
        assert "-b sms" in text(dialog.query_one("#command"))
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, OverviewScreen))
        await step(pilot, console, 20)
        assert state(console, "sandbox01") == "Open Firmware"


async def test_ibm_i_activation_offers_keylock_and_ipl_source(app: HmcApp,
                                                              console: LocalConsole) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await select(pilot, "ibmi01")
        await pilot.press("s")
        shut = app.screen
        assert isinstance(shut, ShutdownDialog)
        shut.query_one("#opt-immediate", RadioButton).value = True
        await pilot.pause()
        await pilot.click("#ok")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmDialog))
        await pilot.press("y")
        await wait_for(pilot, lambda: isinstance(app.screen, OverviewScreen))
        await step(pilot, console, 5)
        assert state(console, "ibmi01") == "Not Activated"
        await pilot.press("a")
        dialog = app.screen
        assert isinstance(dialog, ActivateDialog)
        assert not dialog.query("#boot")  # IBM i has no boot mode ...
        assert dialog.query_one("#keylock", RadioSet) and dialog.query_one("#ipl", RadioSet)
        dialog.query_one("#keylock-manual", RadioButton).value = True
        dialog.query_one("#ipl-d", RadioButton).value = True
        await pilot.pause()
        command = text(dialog.query_one("#command"))
        assert "-k manual" in command and "-i d" in command
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, OverviewScreen))
        p = console.snapshot().frame.partition("ibmi01")
        assert p is not None and p.state == "Starting" and p.keylock == "manual"


async def test_profile_choice_is_sent(app: HmcApp, console: LocalConsole) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await app.run_operation(__import__("engine.ops", fromlist=["x"]).ShutdownPartition(
            lpar="oradb01", option="immediate"))
        await step(pilot, console, 5)
        await select(pilot, "oradb01")
        await pilot.press("a")
        dialog = app.screen
        assert isinstance(dialog, ActivateDialog)
        dialog.query_one("#profile", Select).value = "month_end"
        await pilot.pause()
        assert "-f month_end" in text(dialog.query_one("#command"))
        assert "PU" in str(dialog.query_one("#profile-info").render())
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, OverviewScreen))
        p = console.snapshot().frame.partition("oradb01")
        assert p is not None and p.curr_profile == "month_end"


async def test_shutdown_asks_for_confirmation_and_no_keeps_it_running(
        app: HmcApp, console: LocalConsole) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await select(pilot, "test01")
        await pilot.press("s")
        dialog = app.screen
        assert isinstance(dialog, ShutdownDialog)
        assert "-o shutdown -n test01" in text(dialog.query_one("#command"))
        dialog.query_one("#opt-os", RadioButton).value = True
        dialog.query_one("#restart", Checkbox).value = True
        await pilot.pause()
        assert "RMC" in str(dialog.query_one("#explain").render())
        assert "-o osshutdown --restart -n test01" in text(dialog.query_one("#command"))
        await pilot.click("#ok")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmDialog))
        await pilot.press("n")  # changed my mind: nothing happens, the dialog stays
        await wait_for(pilot, lambda: app.screen is dialog)
        assert state(console, "test01") == "Running"
        await pilot.click("#ok")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmDialog))
        await pilot.press("y")
        await wait_for(pilot, lambda: isinstance(app.screen, OverviewScreen))
        assert state(console, "test01") == "Shutting Down"
        await step(pilot, console, 31)
        assert state(console, "test01") in ("Starting", "Running")  # restarted


async def test_ctrl_o_submits_from_a_checkbox_where_enter_toggles(
        app: HmcApp, console: LocalConsole) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await select(pilot, "test01")
        await pilot.press("s")
        dialog = app.screen
        assert isinstance(dialog, ShutdownDialog)
        restart = dialog.query_one("#restart", Checkbox)
        restart.focus()
        await pilot.press("enter")  # Textual's checkbox: Enter toggles, it does not submit
        await pilot.pause()
        assert restart.value and app.screen is dialog
        assert "--restart -n test01" in text(dialog.query_one("#command"))
        await pilot.press("ctrl+o")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmDialog))
        await pilot.press("y")
        await wait_for(pilot, lambda: isinstance(app.screen, OverviewScreen))
        assert state(console, "test01") == "Shutting Down"


async def test_shutdown_of_a_partition_that_is_off_shows_hscl1558(app: HmcApp) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await select(pilot, "dev02")
        await pilot.press("s")
        dialog = app.screen
        assert isinstance(dialog, ShutdownDialog)
        await pilot.click("#ok")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmDialog))
        await pilot.press("y")
        await wait_for(pilot, lambda: dialog.last_result is not None)
        assert app.screen is dialog
        assert dialog.error_text.startswith("HSCL1558")


async def test_dlpar_add_processing_units_changes_the_engine(app: HmcApp,
                                                              console: LocalConsole) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await select(pilot, "oradb01")
        await pilot.press("d")
        dialog = app.screen
        assert isinstance(dialog, DlparDialog)
        info = str(dialog.query_one("#range").render())
        assert "Current 4.00 PU" in info and "minimum" in info and "maximum" in info
        assert "Add up to" in info and "Free on the system: 20.50" in info
        await pilot.press("1", ".", "5")  # the amount field has the focus
        assert "chhwres -m Server-9080-HEX-SN78H4A21 -r proc -o a -p oradb01 --procunits 1.5" \
            in text(dialog.query_one("#command"))
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, OverviewScreen))
        p = console.snapshot().frame.partition("oradb01")
        assert p is not None and p.current is not None
        assert p.current.desired_proc_units == 5.5
        assert table(app).cell_text(p.id, "pu") == "5.50"


async def test_dlpar_refusal_shows_the_hscl_message_in_place(app: HmcApp,
                                                             console: LocalConsole) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await select(pilot, "oradb01")
        await pilot.press("d")
        dialog = app.screen
        assert isinstance(dialog, DlparDialog)
        dialog.query_one("#amount", Input).value = "9"  # beyond the maximum of 8.00
        await pilot.press("enter")
        await wait_for(pilot, lambda: dialog.last_result is not None)
        assert app.screen is dialog
        assert dialog.error_text.startswith("HSCL0B06")
        p = console.snapshot().frame.partition("oradb01")
        assert p is not None and p.current is not None and p.current.desired_proc_units == 4.0
        dialog.query_one("#amount", Input).value = "abc"
        await pilot.press("enter")
        assert "not a number" in dialog.error_text


async def test_dlpar_memory_move_to_another_partition(app: HmcApp,
                                                      console: LocalConsole) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await select(pilot, "was01")
        await pilot.press("d")
        dialog = app.screen
        assert isinstance(dialog, DlparDialog)
        dialog.query_one("#res-mem", RadioButton).value = True
        dialog.query_one("#act-move", RadioButton).value = True
        await pilot.pause()
        target = dialog.query_one("#target", Select)
        assert target.display
        dialog.query_one("#amount", Input).value = "1000"
        target.value = "oradb01"
        await pilot.pause()
        dialog.submit()
        await wait_for(pilot, lambda: dialog.last_result is not None)
        assert dialog.error_text.startswith("HSCL0A03")  # not a multiple of the LMB
        dialog.query_one("#amount", Input).value = "1024"
        await pilot.pause()
        assert "-r mem -o m -p was01 -t oradb01 -q 1024" in text(dialog.query_one("#command"))
        dialog.submit()
        await wait_for(pilot, lambda: isinstance(app.screen, OverviewScreen))
        frame = console.snapshot().frame
        assert frame.partition("was01").current.desired_mem == 32768 - 1024  # type: ignore[union-attr]
        assert frame.partition("oradb01").current.desired_mem == 262144 + 1024  # type: ignore[union-attr]


async def test_dlpar_on_a_partition_that_is_off_says_why(app: HmcApp) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await select(pilot, "dev02")
        await pilot.press("d")
        dialog = app.screen
        assert isinstance(dialog, DlparDialog)
        assert "needs a running partition" in str(dialog.query_one("#range").render())
        await pilot.press("1", "enter")
        await wait_for(pilot, lambda: dialog.last_result is not None)
        assert dialog.error_text.startswith("HSCL0B02")


async def test_a_snapshot_before_the_dialog_is_composed_is_ignored() -> None:
    """The live timer may hand a dialog a snapshot between push and compose (seen in a
    replay): it must not crash looking for widgets that do not exist yet."""
    from engine.service import Engine
    from engine.store import demo_frame
    from hmc_tui.console import LocalConsole
    from hmc_tui.screens.dialogs import ShutdownDialog

    console = LocalConsole(Engine(demo_frame()))
    dialog = ShutdownDialog(3)
    dialog.show_snapshot(console.snapshot())  # not mounted: nothing happens, no NoMatches
