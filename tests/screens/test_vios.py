"""VIOS adapter mapping screen: the tree, and map / unmap through the dialogs."""

from __future__ import annotations

from screen_host import HostApp, make_console, wait_for
from textual.widgets import OptionList

from engine.model import Partition
from engine.roles import Actor
from hmc_tui.screens.dialogs.confirm import ConfirmDialog
from hmc_tui.screens.vios import ViosScreen
from hmc_tui.widgets.vios_dialogs import (
    OPTICAL,
    LoadOpticalDialog,
    MapNpivDialog,
    MapVscsiDialog,
)
from hmc_tui.widgets.vios_tree import ViosTree

SIZE = (120, 40)
VHOST0 = "vios:vios1/scsi/vhost:13"  # vios1's vhost0 serves oradb01 slot 2
VHOST6 = "vios:vios1/scsi/vhost:20"  # serves sandbox01, nothing mapped
VFCHOST0 = "vios:vios1/fc/vfchost:43"


def tree(app: HostApp) -> ViosTree:
    return app.screen.query_one("#vios-tree", ViosTree)


def vios1(app: HostApp) -> Partition:
    p = app.hmc_console.snapshot().frame.partition("vios1")
    assert p is not None
    return p


async def test_tree_shows_the_demo_mappings() -> None:
    app = HostApp(ViosScreen)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        t = tree(app)
        assert "vhost0" in t.label_text(VHOST0)
        assert "U9080.HEX.78H4A21-V1-C13" in t.label_text(VHOST0)
        vtd = f"{VHOST0}/vtd:oradb01_rootvg"
        assert "LUN 0x8100000000000000" in t.label_text(vtd)
        assert t.label_text(f"{vtd}/backing").startswith("hdisk2")
        client = t.label_text(f"{vtd}/backing/client")
        assert "oradb01 (id 3) slot 2" in client and "vscsi0" in client
        assert "NO VIRTUAL TARGET DEVICE FOUND" in t.label_text(f"{VHOST6}/none")
        # NPIV: vfchost0 -> fcs0 -> oradb01 with its WWPN pair
        assert t.label_text(f"{VFCHOST0}/port").startswith("fcs0")
        assert "NPIV 63/64 free" in t.label_text(f"{VFCHOST0}/port")
        fc_client = t.label_text(f"{VFCHOST0}/port/client")
        assert "c0507610a8c40000 c0507610a8c40001" in fc_client and "LOGGED_IN" in fc_client
        # SEA: vios1's trunk has priority 1, so it is the primary of the failover pair
        assert "PRIMARY" in t.label_text("vios:vios1/sea/sea:ent8")
        assert "BACKUP" in t.label_text("vios:vios2/sea/sea:ent8")
        assert "control channel ent5" in t.label_text("vios:vios1/sea/sea:ent8/ctl")
        assert "VLANs 10,20,30" in t.label_text("vios:vios1/sea/sea:ent8/trunk:2")

        # map and unmap act on what the cursor is on: a SEA is neither
        t.select_key("vios:vios1/sea/sea:ent8")
        await pilot.press("m")
        screen = app.screen
        assert isinstance(screen, ViosScreen)
        assert screen.message.startswith("Select a vhost or vfchost")
        await pilot.press("u")
        assert screen.message.startswith("Select a virtual target device or a mapped vfchost")


async def test_map_then_unmap_a_backing_device() -> None:
    app = HostApp(ViosScreen)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert tree(app).select_key(VHOST6)
        await pilot.press("m")
        await wait_for(pilot, lambda: isinstance(app.screen, MapVscsiDialog))
        devices = app.screen.query_one("#devices", OptionList)
        # every hdisk is mapped already; media files go into a virtual optical device
        assert [str(devices.get_option_at_index(i).id) for i in range(devices.option_count)] == [
            OPTICAL]
        await pilot.press("enter")  # the highlighted entry: an empty optical device
        await wait_for(pilot, lambda: isinstance(app.screen, ViosScreen))
        mapped = [m for m in vios1(app).vscsi_mappings if m.vhost_slot == 20]
        assert [(m.vtd, m.backing) for m in mapped] == [("vtopt1", "")]
        screen = app.screen
        assert isinstance(screen, ViosScreen)
        assert "mkvdev -fbo -vadapter vhost6" in screen.message
        await wait_for(pilot, lambda: tree(app).selected is not None
                       and tree(app).selected.key == f"{VHOST6}/vtd:vtopt1")
        await pilot.press("l")  # load media: the repository's image
        await wait_for(pilot, lambda: isinstance(app.screen, LoadOpticalDialog))
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, ViosScreen))
        mapped = [m for m in vios1(app).vscsi_mappings if m.vhost_slot == 20]
        assert [(m.vtd, m.backing) for m in mapped] == [
            ("vtopt1", "/var/vio/VMLibrary/aix73_tl2.iso")]
        assert "loadopt -disk aix73_tl2.iso -vtd vtopt1" in screen.message
        assert len(app.operations) == 2
        key = f"{VHOST6}/vtd:vtopt1"
        assert tree(app).node(key) is not None
        assert tree(app).node(f"{VHOST6}/none") is None
        await wait_for(pilot, lambda: tree(app).selected is not None
                       and tree(app).selected.key == key)

        await pilot.press("u")  # asks first; "n" keeps the mapping
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmDialog))
        await pilot.press("n")
        await wait_for(pilot, lambda: isinstance(app.screen, ViosScreen))
        assert any(m.vtd == "vtopt1" for m in vios1(app).vscsi_mappings)
        assert len(app.operations) == 2

        await pilot.press("u")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmDialog))
        await pilot.press("y")
        await wait_for(pilot, lambda: isinstance(app.screen, ViosScreen))
        await wait_for(pilot, lambda: not any(m.vhost_slot == 20
                                              for m in vios1(app).vscsi_mappings))
        assert tree(app).node(key) is None
        assert "rmvdev -vtd vtopt1" in screen.message


async def test_refusals_show_the_hscl_code_in_place() -> None:
    app = HostApp(ViosScreen, make_console(actor=Actor(user="oper", role="hmcoperator")))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        tree(app).select_key(VHOST6)
        await pilot.press("m")
        await wait_for(pilot, lambda: isinstance(app.screen, MapVscsiDialog))
        dialog = app.screen
        await pilot.press("enter")
        await wait_for(pilot, lambda: dialog.error_text.startswith("HSCL350B"))
        assert app.screen is dialog  # refused: the dialog stays, the frame is unchanged
        assert not any(m.vhost_slot == 20 for m in vios1(app).vscsi_mappings)
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, ViosScreen))

        # an unmap refused after the confirmation: the HSCL message on the message line
        tree(app).select_key(f"{VFCHOST0}/port")
        await pilot.press("u")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmDialog))
        await pilot.press("y")
        await wait_for(pilot, lambda: isinstance(app.screen, ViosScreen)
                       and app.screen.message.startswith("HSCL350B"))
        assert len(vios1(app).npiv_mappings) == 2


async def test_npiv_unmap_then_map_to_another_port() -> None:
    app = HostApp(ViosScreen)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        tree(app).select_key(VFCHOST0)
        await pilot.press("u")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmDialog))
        await pilot.press("y")
        await wait_for(pilot, lambda: all(m.vfchost_slot != 43
                                          for m in vios1(app).npiv_mappings))
        await wait_for(pilot, lambda: tree(app).node(f"{VFCHOST0}/none") is not None)
        assert "NOT_MAPPED" in tree(app).label_text(f"{VFCHOST0}/none")

        tree(app).select_key(f"{VFCHOST0}/none")
        await pilot.press("m")
        await wait_for(pilot, lambda: isinstance(app.screen, MapNpivDialog))
        ports = app.screen.query_one("#ports", OptionList)
        labels = [str(ports.get_option_at_index(i).prompt) for i in range(ports.option_count)]
        assert labels[0].startswith("fcs0") and "NPIV 64 of 64 free" in labels[0]
        assert "NPIV 63 of 64 free" in labels[1]  # fcs1 serves vfchost1
        await pilot.press("down", "enter")
        await wait_for(pilot, lambda: isinstance(app.screen, ViosScreen))
        assert (43, "fcs1") in {(m.vfchost_slot, m.port) for m in vios1(app).npiv_mappings}
        assert tree(app).label_text(f"{VFCHOST0}/port").startswith("fcs1")
        assert "NPIV 62/64 free" in tree(app).label_text(f"{VFCHOST0}/port")


async def test_live_updates_keep_the_users_expansion() -> None:
    app = HostApp(ViosScreen)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        node = tree(app).node(VHOST0)
        assert node is not None
        node.collapse()
        # another console activates dev02: its client line changes state, the tree patches
        from engine.ops import ActivatePartition

        client = "vios:vios1/scsi/vhost:19/vtd:vtscsi3/backing/client"
        assert "Not Activated" in tree(app).label_text(client)
        await app.run_operation(ActivatePartition(lpar="dev02"))
        app.step(2.0)
        await pilot.pause()
        assert "Not Activated" not in tree(app).label_text(client)
        assert tree(app).node(VHOST0) is node and not node.is_expanded
