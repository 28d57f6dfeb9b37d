"""The managed system in the console: its properties pages (every lssyscfg -r sys and
lshwres --level sys figure) and the Power On / Power Off dialogs, refusal and force."""

from __future__ import annotations

from console_helpers import step, wait_for
from textual.widgets import Checkbox, DataTable, RadioSet, Static

from engine.ops import PowerOffSystem, ShutdownPartition
from hmc_tui.app import HmcApp
from hmc_tui.console import LocalConsole
from hmc_tui.hmccli import run_command
from hmc_tui.hmccli.lshwres import MEM_SYS, PROC_SYS
from hmc_tui.hmccli.lssyscfg import SYS_ATTRS
from hmc_tui.screens.dialogs import ConfirmDialog
from hmc_tui.screens.dialogs.system_power import PowerOffDialog, PowerOnDialog
from hmc_tui.screens.system import SystemScreen
from hmc_tui.system_pages import page_of, system_pages

SYS = "Server-9080-HEX-SN78H4A21"
AUTO_STARTED = ["dev02"]  # the only partition given auto_start=1 below


def cli(console: LocalConsole, line: str) -> str:
    result = run_command(console, line)
    assert result.exit_code == 0, result
    return result.stdout.rstrip("\n")


def test_every_figure_is_on_a_page_with_the_clis_value(console: LocalConsole) -> None:
    pages = system_pages(console, console.snapshot())
    attrs = {attr: value for rows in pages.values() for _, value, attr in rows}
    for attr in (*SYS_ATTRS, *PROC_SYS, *MEM_SYS):
        assert attr in attrs, attr
    for attr in ("name", "state", "max_lpars", "power_off_policy", "virtual_fc_capable"):
        assert attrs[attr] == cli(console, f"lssyscfg -r sys -m {SYS} -F {attr}")
    for attr in ("curr_avail_sys_proc_units", "min_proc_units_per_virtual_proc"):
        assert attrs[attr] == cli(console, f"lshwres -r proc -m {SYS} --level sys -F {attr}")
    assert attrs["sys_firmware_mem"] == cli(
        console, f"lshwres -r mem -m {SYS} --level sys -F sys_firmware_mem") == "20224"
    assert attrs["curr_avail_sys_proc_units"] == "20.5"
    assert [page_of(a) for a in ("virtual_fc_capable", "pend_power_on_lpar_start_policy",
                                 "sp_version", "max_lpars")] == [
        "capabilities", "power", "power", "general"]
    assert pages["io"][-1] == ("Virtual switch ETHERNET0", "VEB, VLANs 1,10,20,30,4000",
                               "vswitch")
    assert len(pages["io"]) == 6 and len(pages["capabilities"]) == 37


async def test_the_properties_tabs(app: HmcApp) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("M")
        await wait_for(pilot, lambda: isinstance(app.screen, SystemScreen))
        screen = app.screen
        general = screen.query_one("#general-table", DataTable)
        assert [str(c) for c in general.get_row_at(0)] == [
            "System name", SYS, "name"]
        await pilot.press("right_square_bracket")
        processors = screen.query_one("#processors-table", DataTable)
        assert [str(c) for c in processors.get_row_at(1)] == [
            "Available processing units", "20.5", "curr_avail_sys_proc_units"]
        await pilot.press("escape")
        assert not isinstance(app.screen, SystemScreen)


async def test_power_off_is_refused_while_partitions_run_and_force_works(
        app: HmcApp, console: LocalConsole) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("M", "f")
        await wait_for(pilot, lambda: isinstance(app.screen, PowerOffDialog))
        dialog = app.screen
        assert isinstance(dialog, PowerOffDialog)
        assert str(dialog.query_one("#command", Static).content) == (
            f"$ chsysstate -m {SYS} -r sys -o off")
        dialog.submit()
        await wait_for(pilot, lambda: dialog.error_text != "")
        assert dialog.error_text.startswith(
            f"HSCL1220 The managed system {SYS} cannot be powered off: 9 partition(s) are "
            "active (vios1, vios2, oradb01, ")
        assert console.snapshot().frame.system.state == "Operating"
        # fast and forced: confirmed, every partition goes down at once
        dialog.query_one("#opt-fast").value = True  # type: ignore[attr-defined]
        dialog.query_one("#force", Checkbox).value = True
        await pilot.pause()
        assert str(dialog.query_one("#command", Static).content) == (
            f"$ chsysstate -m {SYS} -r sys -o off --immed --force")
        dialog.submit()
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmDialog))
        message = str(app.screen.query_one("#message", Static).content)
        assert "The 9 active partition(s) are shut down immediately: vios1, vios2," in message
        await pilot.press("y")
        await wait_for(pilot, lambda: isinstance(app.screen, SystemScreen))
        assert console.snapshot().frame.system.state == "Power Off In Progress"
        await step(pilot, console, 10)
        assert console.snapshot().frame.system.state == "Power Off"
        assert {p.state for p in console.snapshot().frame.partitions} == {"Not Activated"}


async def test_power_off_without_partitions_needs_no_force(
        app: HmcApp, console: LocalConsole) -> None:
    for p in console.snapshot().frame.partitions:
        if p.active:
            console.execute(ShutdownPartition(lpar=p.name, option="immediate"))
    console.step(30)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("M", "f")
        await wait_for(pilot, lambda: isinstance(app.screen, PowerOffDialog))
        app.screen.submit()  # type: ignore[attr-defined]
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmDialog))
        await pilot.press("y")
        await wait_for(pilot, lambda: isinstance(app.screen, SystemScreen))
        assert console.snapshot().frame.system.state == "Power Off In Progress"


def power_off_now(console: LocalConsole) -> None:
    assert console.execute(PowerOffSystem(immediate=True, force=True)).ok
    console.step(10)
    assert console.snapshot().frame.system.state == "Power Off"


async def test_power_on_to_partition_standby(app: HmcApp, console: LocalConsole) -> None:
    power_off_now(console)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("M", "n")
        await wait_for(pilot, lambda: isinstance(app.screen, PowerOnDialog))
        dialog = app.screen
        assert isinstance(dialog, PowerOnDialog)
        dialog.query_one("#opt-standby").value = True  # type: ignore[attr-defined]
        await pilot.pause()
        assert str(dialog.query_one("#command", Static).content) == (
            f"$ chsysstate -m {SYS} -r sys -o onstandby")
        dialog.submit()
        await wait_for(pilot, lambda: isinstance(app.screen, SystemScreen))
        await step(pilot, console, 60)
        frame = console.snapshot().frame
        assert frame.system.state == "Standby"
        assert {p.state for p in frame.partitions} == {"Not Activated"}


async def test_power_on_with_partition_auto_start(app: HmcApp, console: LocalConsole) -> None:
    assert cli(console, f"chsyscfg -r sys -m {SYS} -i power_on_lpar_start_policy=userinit") \
        == ""
    assert cli(console, f"chsyscfg -r prof -m {SYS} -i "
                        "name=default_profile,lpar_name=dev02,auto_start=1") == ""
    power_off_now(console)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("M", "n")
        await wait_for(pilot, lambda: isinstance(app.screen, PowerOnDialog))
        dialog = app.screen
        assert isinstance(dialog, PowerOnDialog)
        assert "start policy User-Initiated" in str(dialog.query_one("#lpar-info").content)
        dialog.query_one("#opt-autostart").value = True  # type: ignore[attr-defined]
        await pilot.pause()
        assert str(dialog.query_one("#command", Static).content) == (
            f"$ chsyscfg -r sys -m {SYS} -i \"power_on_lpar_start_policy=autostart\"\n"
            f"$ chsysstate -m {SYS} -r sys -o on")
        assert dialog.query_one("#option", RadioSet).pressed_button is not None
        dialog.submit()
        await wait_for(pilot, lambda: isinstance(app.screen, SystemScreen))
        frame = console.snapshot().frame
        assert frame.system.state == "Initializing"
        assert frame.system.pend_power_on_lpar_start_policy == "autostart"
        await step(pilot, console, 60)
        frame = console.snapshot().frame
        assert frame.system.state == "Operating"
        assert frame.system.power_on_lpar_start_policy == "autostart"
        assert cli(console, f"lssyscfg -r sys -m {SYS} -F power_on_lpar_start_policy") == \
            "autostart"
        starting = sorted(p.name for p in frame.partitions if p.state != "Not Activated")
        assert starting == AUTO_STARTED
