"""The partition task menu: which tasks apply and why the others do not (the pure rules in
hmc_tui/partition_tasks.py), and the menu itself on the overview (Enter, right-click)."""

from __future__ import annotations

from console_helpers import lpar_id, select, wait_for

from engine.model import Frame
from engine.ops import DeletePartition, ShutdownPartition
from engine.store import demo_frame
from hmc_tui.app import HmcApp
from hmc_tui.console import LocalConsole
from hmc_tui.partition_tasks import NOT_IN_BUILD, partition_tasks
from hmc_tui.screens.dialogs import ActivateDialog, DlparDialog
from hmc_tui.screens.task_menu import TaskMenu

EVERY_APP_ACTION = {"edit_profile", "save_profile", "rename_partition",
                    "delete_partition", "create_partition", "migrate_partition"}


def reasons(frame: Frame, name: str, role: str = "hmcsuperadmin",
            app_actions: set[str] = EVERY_APP_ACTION) -> dict[str, str]:
    p = frame.partition(name)
    assert p is not None
    return {t.key: t.reason for t in partition_tasks(frame, p.id, role,  # type: ignore[arg-type]
                                                     app_actions)}


def test_a_running_partition_with_rmc() -> None:
    assert reasons(demo_frame(), "oradb01") == {
        "properties": "", "activate": "the partition is already active (Running)",
        "shutdown": "", "restart": "", "dlpar_proc": "", "dlpar_mem": "", "terminal": "",
        "profiles": "", "save": "", "rename": "",
        "delete": "the partition must be Not Activated to be deleted; it is Running",
        "migrate": "", "create": "",
    }


def test_a_partition_that_is_not_activated() -> None:
    got = reasons(demo_frame(), "sandbox01")
    assert {k: v for k, v in got.items() if v} == {
        "shutdown": "the partition is Not Activated",
        "restart": "the partition is Not Activated",
        "dlpar_proc": "DLPAR needs a Running partition; it is Not Activated",
        "dlpar_mem": "DLPAR needs a Running partition; it is Not Activated",
        "save": "the partition is not active: it has no current configuration to save",
    }


def test_dlpar_without_rmc_and_a_partition_in_transition() -> None:
    frame = demo_frame()
    p = frame.partition("was01")
    assert p is not None
    frame = frame.with_partition(p.model_copy(update={"rmc_state": "inactive"}))
    got = reasons(frame, "was01")
    assert got["dlpar_mem"] == "no active RMC connection (RMC inactive): DLPAR needs RMC"
    ibmi = frame.partition("ibmi01")
    assert ibmi is not None  # IBM i needs no RMC for DLPAR
    frame = frame.with_partition(ibmi.model_copy(update={"rmc_state": "inactive"}))
    assert reasons(frame, "ibmi01")["dlpar_proc"] == ""
    frame = frame.with_partition(p.model_copy(update={"state": "Shutting Down"}))
    got = reasons(frame, "was01")
    assert got["shutdown"] == "the partition is Shutting Down; wait until it settles"
    assert got["activate"] == "the partition is already active (Shutting Down)"


def test_system_off_role_and_missing_actions() -> None:
    frame = demo_frame()
    off = frame.model_copy(update={"system": frame.system.model_copy(
        update={"state": "Power Off"})})
    assert reasons(off, "sandbox01")["activate"] == "the managed system is Power Off"
    viewer = reasons(frame, "sandbox01", role="hmcviewer")
    assert viewer["activate"] == ("your role hmcviewer does not include partition and "
                                  "system power tasks")
    assert viewer["delete"] == ("your role hmcviewer does not include partition "
                                "configuration tasks")
    assert viewer["properties"] == ""
    assert viewer["terminal"] == "your role hmcviewer does not include partition console tasks"
    operator = reasons(frame, "oradb01", role="hmcoperator")
    assert operator["dlpar_mem"] == "" and operator["rename"].startswith("your role")
    bare = reasons(frame, "sandbox01", app_actions=set())
    assert [k for k, v in bare.items() if v == NOT_IN_BUILD] == [
        "profiles", "save", "rename", "delete", "migrate", "create"]  # the terminal: screen's
    assert reasons(frame, "vios1")["migrate"] == "a Virtual I/O Server does not migrate (HSCL1320)"


def test_unknown_partition_has_no_tasks() -> None:
    assert partition_tasks(demo_frame(), 99, "hmcsuperadmin", EVERY_APP_ACTION) == []


def menu_lines(app: HmcApp) -> list[str]:
    menu = app.screen
    assert isinstance(menu, TaskMenu)
    return [("  " if t.enabled else "- ") + t.label + (f" [{t.reason}]" if t.reason else "")
            for t in menu.tasks]


async def test_enter_opens_the_menu_with_reasons_and_runs_a_task(app: HmcApp) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await select(pilot, "oradb01")
        await pilot.press("enter")
        assert isinstance(app.screen, TaskMenu)
        lines = menu_lines(app)
        assert lines[:6] == [
            "  Properties", "- Activate... [the partition is already active (Running)]",
            "  Shut Down...", "  Restart...", "  Dynamic partitioning: Processors...",
            "  Dynamic partitioning: Memory..."]
        # arrows skip the greyed task: down goes from Properties to Shut Down
        await pilot.press("down", "down", "down", "down")
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, DlparDialog))
        dialog = app.screen
        assert isinstance(dialog, DlparDialog) and dialog.resource == "mem"


async def test_the_menu_follows_the_engine(app: HmcApp, console: LocalConsole) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await select(pilot, "test01")
        await pilot.press("enter")
        assert menu_lines(app)[1].startswith("- Activate...")
        await console.run(ShutdownPartition(lpar="test01", option="immediate"))
        console.step(30)
        app.refresh_from_engine()
        await pilot.pause()
        lines = menu_lines(app)
        assert lines[1] == "  Activate..."
        assert lines[2] == "- Shut Down... [the partition is Not Activated]"
        menu = app.screen
        assert isinstance(menu, TaskMenu)
        menu.query_one("OptionList").highlighted = 1  # type: ignore[attr-defined]
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, ActivateDialog))
        assert app.screen.lpar_id == lpar_id(app, "test01")  # type: ignore[attr-defined]


async def test_the_menu_says_so_when_its_partition_is_deleted(app: HmcApp,
                                                              console: LocalConsole) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await select(pilot, "sandbox01")
        await pilot.press("enter")
        menu = app.screen
        assert isinstance(menu, TaskMenu)
        assert console.execute(DeletePartition(lpar="sandbox01")).ok
        app.refresh_from_engine()
        await pilot.pause()
        assert str(menu.query_one("#tasks-title").content) == (  # type: ignore[attr-defined]
            "Partition 10 no longer exists (escape closes).")
        assert menu.tasks == []
        await pilot.press("enter")  # nothing to choose
        assert app.screen is menu
        await pilot.press("escape")
        assert app.screen.__class__.__name__ == "OverviewScreen"


async def test_open_terminal_window_from_the_menu(app: HmcApp) -> None:
    from hmc_tui.screens.terminal import TerminalScreen

    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await select(pilot, "oradb01")
        await pilot.press("m")  # the menu's key on the overview
        menu = app.screen
        assert isinstance(menu, TaskMenu)
        index = [t.key for t in menu.tasks].index("terminal")
        menu.query_one("OptionList").highlighted = index  # type: ignore[attr-defined]
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, TerminalScreen))
        assert "oradb01" in str(app.screen.query_one("#term-title").render())
