"""Events screen: the journal with the HMC command of every action, filter, state toggle."""

from __future__ import annotations

from screen_host import HostApp, wait_for
from textual.widgets import Input, Static

from engine.ops import ActivatePartition, CloseServiceEvent, UnmapVscsi
from hmc_tui.screens.events import EventsScreen
from hmc_tui.widgets.event_table import EventTable

SIZE = (120, 40)


def table(app: HostApp) -> EventTable:
    return app.screen.query_one("#events-table", EventTable)


def column(app: HostApp, key: str) -> list[str]:
    """One column's cells, top row first (as shown)."""
    return [str(cell) for cell in table(app).get_column(key)]


def commands(app: HostApp) -> list[str]:
    return column(app, "command")


async def test_activation_shows_its_chsysstate_command() -> None:
    app = HostApp(EventsScreen)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert table(app).row_count == 0
        result = await app.run_operation(ActivatePartition(lpar="dev02"))
        assert result.ok
        await pilot.pause()
        assert commands(app)[0] == (
            "chsysstate -m Server-9080-HEX-SN78H4A21 -r lpar -o on -n dev02 -f default_profile")
        assert [column(app, c)[0] for c in ("user", "op", "target", "result")] == [
            "hscroot", "activate", "dev02", "ok"]
        assert column(app, "time")[0] == "08:00:00"  # engine time on the frame's calendar
        detail = str(app.screen.query_one("#events-detail", Static).content)
        assert "chsysstate" in detail and "01/05/2026 08:00:00" in detail
        assert "hscroot (hmcsuperadmin)" in detail


async def test_newest_first_refusals_and_lifecycle_states() -> None:
    app = HostApp(EventsScreen)
    async with app.run_test(size=SIZE) as pilot:
        await app.run_operation(ActivatePartition(lpar="dev02"))
        app.step(120.0)  # the boot: Starting ... Running, journaled as "state" events
        refused = await app.run_operation(ActivatePartition(lpar="oradb01"))
        assert not refused.ok and refused.code == "HSCL3681"
        await pilot.pause()
        seqs = [int(seq) for seq in column(app, "seq")]
        assert seqs == sorted(seqs, reverse=True)  # newest first
        assert column(app, "result")[0] == "HSCL3681"
        assert "state" in column(app, "op")

        await pilot.press("s")  # hide lifecycle states
        assert column(app, "op") == ["activate", "activate"]
        assert "states hidden" in str(app.screen.query_one("#events-title", Static).content)
        await pilot.press("s")
        assert "state" in column(app, "op")


async def test_filter_is_incremental_and_escape_keeps_it() -> None:
    app = HostApp(EventsScreen)
    async with app.run_test(size=SIZE) as pilot:
        await app.run_operation(ActivatePartition(lpar="dev02"))
        await app.run_operation(UnmapVscsi(vios="vios1", vtd="vtscsi3"))
        await app.run_operation(ActivatePartition(lpar="oradb01"))  # refused: HSCL3681
        await pilot.pause()
        assert table(app).row_count == 3
        await pilot.press("slash", "r", "m", "v")  # typed into the filter bar
        screen = app.screen
        assert isinstance(screen, EventsScreen)
        assert screen.filter_text == "rmv"
        assert commands(app) == [
            'viosvrcmd -m Server-9080-HEX-SN78H4A21 -p vios1 -c "rmvdev -vtd vtscsi3"']
        await pilot.press("escape")  # leaves the bar, keeps the filter
        assert screen.focused is table(app)
        assert table(app).row_count == 1
        screen.query_one("#events-filter", Input).value = "hscl3681"  # codes match too
        await wait_for(pilot, lambda: table(app).row_count == 1
                       and column(app, "result") == ["HSCL3681"])
        await pilot.press("ctrl+l")
        await wait_for(pilot, lambda: table(app).row_count == 3)
        assert screen.filter_text == ""


async def test_new_events_arrive_while_filtered() -> None:
    app = HostApp(EventsScreen)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("slash", "d", "e", "v", "0", "2", "enter")
        await app.run_operation(ActivatePartition(lpar="test01"))  # refused, other target
        await app.run_operation(ActivatePartition(lpar="dev02"))
        await pilot.pause()
        assert column(app, "target") == ["dev02"]


async def test_state_and_pool_names_are_not_cut() -> None:
    """The Result column cut "Not Activated" to "Not Activ", Target "DevTestPool"."""
    from engine.ops import ChangePool, ShutdownPartition

    app = HostApp(EventsScreen)
    async with app.run_test(size=(80, 24)) as pilot:
        await app.run_operation(ChangePool(pool="DevTestPool", reserved_proc_units=0.25))
        await app.run_operation(ShutdownPartition(lpar="oradb01", option="immediate"))
        app.step(600.0)
        await pilot.pause()
        widths = {c.key.value: c.width for c in table(app).columns.values()}
        for key in ("target", "result"):
            longest = max(len(cell) for cell in column(app, key))
            assert widths[key] >= longest, (key, column(app, key))
        assert "Not Activated" in column(app, "result")
        assert "DevTestPool" in column(app, "target")


async def test_a_no_op_shows_no_change() -> None:
    from engine.ops import ChangePool

    app = HostApp(EventsScreen)
    async with app.run_test(size=SIZE) as pilot:
        result = await app.run_operation(ChangePool(pool="DevTestPool", max_proc_units=8))
        await pilot.pause()
        assert result.ok
        assert column(app, "result")[0] == "no change"


async def test_serviceable_events_with_call_home_and_closing_one() -> None:
    from engine.ops import InjectFault

    app = HostApp(EventsScreen)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        title = app.screen.query_one("#svc-title", Static)
        assert str(title.content) == "Serviceable events · none"
        assert (await app.run_operation(InjectFault(kind="core"))).ok
        assert (await app.run_operation(InjectFault(kind="port_down",
                                                    location="vios1:fcs0"))).ok
        await pilot.pause()
        svc = app.screen.query_one("#svc-table")
        rows = [[str(c) for c in svc.get_row_at(i)] for i in range(svc.row_count)]
        assert rows == [
            ["2", "B7006A8A", "Open", "08:00:00", "08:00:00", "Pending",
             "Fibre Channel port link down (fcs0 of vios1)"],
            ["1", "B113E504", "Open", "08:00:00", "08:00:00", "Pending",
             "Processor core deconfigured (core 0)"]]
        assert str(title.content) == ("Serviceable events · 2 open of 2 · c closes the "
                                      "selected one")
        app.step(30)
        await pilot.pause()
        assert [str(svc.get_row_at(i)[5]) for i in range(2)] == ["Sent", "Sent"]
        svc.focus()
        assert svc.selected.problem_num == 1  # type: ignore[attr-defined]  # kept selected
        await pilot.press("k", "c")  # up to the newest, problem 2, and close it
        await pilot.pause()
        assert app.operations[-1] == CloseServiceEvent(problem_num=2)
        assert [str(svc.get_row_at(i)[2]) for i in range(2)] == ["Closed", "Open"]
        detail = app.screen.query_one("#svc-detail", Static)
        assert str(detail.content) == "Problem 2 closed."
        assert str(title.content) == ("Serviceable events · 1 open of 2 · c closes the "
                                      "selected one")
        await pilot.press("c")
        await pilot.pause()
        assert str(detail.content) == "Problem 2 is already closed."


async def test_an_operator_may_not_close_a_serviceable_event() -> None:
    from screen_host import make_console

    from engine.ops import InjectFault
    from engine.roles import Actor

    console = make_console(actor=Actor(user="op", role="hmcoperator"))
    assert console.engine.execute(InjectFault(kind="core"), Actor()).ok
    app = HostApp(EventsScreen, console=console)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        app.screen.query_one("#svc-table").focus()
        await pilot.press("c")
        await pilot.pause()
        detail = str(app.screen.query_one("#svc-detail", Static).content)
        assert detail.startswith("HSCL350B ")
        svc = app.screen.query_one("#svc-table")
        assert str(svc.get_row_at(0)[2]) == "Open"
