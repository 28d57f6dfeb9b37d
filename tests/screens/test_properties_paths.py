"""The partition properties' Paths (storage) tab: each client disk's paths through each VIOS
and their state, as the engine derives them (engine.redundancy.client_paths)."""

from __future__ import annotations

from screen_host import HostApp
from textual.widgets import DataTable, Static

from engine.ops import ClearFault, InjectFault, ShutdownPartition
from hmc_tui.screens.properties import PropertiesScreen

SIZE = (120, 40)


def rows(app: HostApp) -> list[list[str]]:
    table = app.screen.query_one("#paths-table", DataTable)
    return [[str(c) for c in table.get_row_at(i)] for i in range(table.row_count)]


def info(app: HostApp) -> str:
    return str(app.screen.query_one("#paths-info", Static).content)


async def test_npiv_paths_follow_a_dead_port_and_its_repair() -> None:
    app = HostApp(lambda: PropertiesScreen(5, tab="paths"))  # hana01: NPIV through fcs1
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert rows(app) == [
            ["hdisk0", "fscsi0", "NPIV", "vios1", "vfchost1", "fcs1", "Enabled"],
            ["hdisk0", "fscsi1", "NPIV", "vios2", "vfchost1", "fcs1", "Enabled"]]
        assert info(app) == "1 disk(s), 2 path(s), 0 not Enabled"
        assert (await app.run_operation(InjectFault(kind="port_down",
                                                    location="vios1:fcs1"))).ok
        await pilot.pause()
        assert [r[6] for r in rows(app)] == ["Failed", "Enabled"]
        assert info(app) == "1 disk(s), 2 path(s), 1 not Enabled"
        assert (await app.run_operation(ShutdownPartition(lpar="vios2",
                                                          option="immediate"))).ok
        await pilot.pause()
        assert [r[6] for r in rows(app)] == ["Failed", "Failed"]
        assert info(app) == "1 disk(s), 2 path(s), 2 not Enabled; no path left: hdisk0"
        assert (await app.run_operation(ClearFault(kind="port_down",
                                                   location="vios1:fcs1"))).ok
        await pilot.pause()
        assert [r[6] for r in rows(app)] == ["Enabled", "Failed"]


async def test_vscsi_client_and_a_vios() -> None:
    app = HostApp(lambda: PropertiesScreen(4, tab="paths"))  # was01: vSCSI through both
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert [r[:4] + r[6:] for r in rows(app)] == [
            ["hdisk0", "vscsi0", "vSCSI", "vios1", "Enabled"],
            ["hdisk0", "vscsi1", "vSCSI", "vios2", "Enabled"]]
    app = HostApp(lambda: PropertiesScreen(1, tab="paths"))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert rows(app) == []
        assert info(app) == "A VIOS serves disks: its mappings are on the VIOS screen (3)."
