"""The three screens reached through the real app shell (HmcApp), fed by its own timer."""

from __future__ import annotations

from screen_host import make_console, wait_for
from textual.widgets import DataTable

from engine.ops import ActivatePartition
from hmc_tui.app import HmcApp
from hmc_tui.config import Config
from hmc_tui.screens.events import EventsScreen
from hmc_tui.screens.pools import PoolsScreen
from hmc_tui.screens.vios import ViosScreen
from hmc_tui.widgets.event_table import EventTable
from hmc_tui.widgets.vios_tree import ViosTree


async def test_each_screen_through_the_app() -> None:
    console = make_console()
    app = HmcApp(console, config=Config())
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("2")
        await wait_for(pilot, lambda: isinstance(app.screen, PoolsScreen))
        pools = app.screen.query_one("#pools-table", DataTable)
        assert pools.row_count == 2
        await pilot.press("plus")  # the screen's own clock key wins over the app's
        assert console.snapshot().clock.speed == 10
        await pilot.press("minus")

        await pilot.press("3")
        await wait_for(pilot, lambda: isinstance(app.screen, ViosScreen))
        tree = app.screen.query_one("#vios-tree", ViosTree)
        client = "vios:vios1/scsi/vhost:19/vtd:vtscsi3/backing/client"
        assert "dev02 (id 9) slot 2" in tree.label_text(client)
        assert "Not Activated" in tree.label_text(client)

        # Another console starts dev02: the app's timer brings the change to the screen.
        console.execute(ActivatePartition(lpar="dev02"))
        console.step(60.0)
        await wait_for(pilot, lambda: "Not Activated" not in tree.label_text(client))

        await pilot.press("4")
        await wait_for(pilot, lambda: isinstance(app.screen, EventsScreen))
        events = app.screen.query_one("#events-table", EventTable)
        await wait_for(pilot, lambda: events.row_count >= 1)
        commands = [str(cell) for cell in events.get_column("command")]
        assert any(c.startswith("chsysstate") and "-o on -n dev02" in c for c in commands)


async def test_key_5_and_the_command_line_open_the_virtual_networks() -> None:
    from hmc_tui.screens.vnet import VnetScreen

    console = make_console()
    app = HmcApp(console, config=Config())
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("5")
        await wait_for(pilot, lambda: isinstance(app.screen, VnetScreen))
        assert app.sub_title == "Virtual networks"
        screen = app.screen
        assert isinstance(screen, VnetScreen)
        assert [line[1] for line in screen.cell_lines()] == ["1", "10", "20", "30", "4000"]
        await pilot.press("1")
        await wait_for(pilot, lambda: app.current_mode == "overview")
        await pilot.press("colon")
        app.screen.query_one("#command-input").value = "vnet"  # type: ignore[attr-defined]
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, VnetScreen))
