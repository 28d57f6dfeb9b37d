"""The virtual network view: switches, VLANs, the adapters on each VLAN and the SEA bridging
it with its failover state, from the model (exact rows) to the screen, live."""

from __future__ import annotations

from screen_host import HostApp

from engine.ops import InjectFault, ShutdownPartition
from engine.store import demo_frame
from hmc_tui.screens.vnet import VnetScreen
from hmc_tui.widgets.vnet_model import vlan_rows, vswitches

BRIDGED = "vios1 ent8\nvios2 ent8"
PAIR = "PRIMARY (priority 1)\nBACKUP (priority 2)"


def test_the_demo_frames_vlans() -> None:
    rows = vlan_rows(demo_frame())
    assert [(r.vswitch, r.vlan, [m.text for m in r.members]) for r in rows] == [
        ("ETHERNET0", 1, []),
        ("ETHERNET0", 10, ["oradb01 C10", "was01 C10", "hana01 C10", "nim01 C10"]),
        ("ETHERNET0", 20, ["ibmi01 C10"]),
        ("ETHERNET0", 30, ["dev01 C10", "test01 C10", "dev02 C10", "sandbox01 C10"]),
        ("ETHERNET0", 4000, ["vios1 C3 ctl_chan",
                             "vios2 C3 ctl_chan"]),
    ]
    ten = rows[1]
    assert [(b.vios, b.sea, b.physical, b.ha_mode, b.state, b.detail, b.style)
            for b in ten.bridges] == [
        ("vios1", "ent8", "ent0", "auto", "PRIMARY", "(trunk priority 1)", "ok"),
        ("vios2", "ent8", "ent0", "auto", "BACKUP", "(trunk priority 2)", ""),
    ]
    assert rows[4].bridges == ()  # the control channel VLAN is never bridged
    assert vswitches(demo_frame()) == [("ETHERNET0", [1, 10, 20, 30, 4000])]


def test_a_second_switch_and_a_tagged_adapter() -> None:
    frame = demo_frame()
    p = frame.partition("dev01")
    assert p is not None
    eth = p.adapter(10)
    assert eth is not None and eth.type == "eth"
    frame = frame.with_partition(p.model_copy(update={"adapters": tuple(
        a.model_copy(update={"vswitch": "LAB", "pvid": 5, "vlans": (30,), "ieee": True})
        if a.slot == 10 else a for a in p.adapters)}))
    rows = vlan_rows(frame)
    lab = [(r.vswitch, r.vlan, [m.text for m in r.members], r.bridges) for r in rows
           if r.vswitch == "LAB"]
    assert lab == [("LAB", 5, ["dev01 C10"], ()), ("LAB", 30, ["dev01 C10 tagged"], ())]
    thirty = next(r for r in rows if (r.vswitch, r.vlan) == ("ETHERNET0", 30))
    assert [m.text for m in thirty.members] == ["test01 C10", "dev02 C10", "sandbox01 C10"]
    assert vswitches(frame) == [("ETHERNET0", [1, 10, 20, 30, 4000]), ("LAB", [5, 30])]


async def test_the_screen_shows_every_vlan_and_follows_a_failover() -> None:
    app = HostApp(VnetScreen)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, VnetScreen)
        assert screen.cell_lines() == [
            ("ETHERNET0", "1", "-", BRIDGED, "auto\nauto", PAIR),
            ("ETHERNET0", "10", "oradb01 C10\nwas01 C10\nhana01 C10\nnim01 C10", BRIDGED,
             "auto\nauto", PAIR),
            ("ETHERNET0", "20", "ibmi01 C10", BRIDGED, "auto\nauto", PAIR),
            ("ETHERNET0", "30", "dev01 C10\ntest01 C10\ndev02 C10\nsandbox01 C10", BRIDGED,
             "auto\nauto", PAIR),
            ("ETHERNET0", "4000", "vios1 C3 ctl_chan\n"
             "vios2 C3 ctl_chan", "none: internal only", "", ""),
        ]
        assert str(screen.query_one("#vnet-title").content) == (
            "Server-9080-HEX-SN78H4A21   1 virtual switch(es), 5 VLAN(s), 2 shared Ethernet "
            "adapter(s)")
        app.hmc_console.execute(ShutdownPartition(lpar="vios1", option="immediate"))
        app.hmc_console.step(30)
        app.deliver()
        await pilot.pause()
        failed_over = ("PRIMARY (priority 1), not bridging: VIOS Not Activated\n"
                       "BACKUP, bridging (priority 2): primary not available")
        assert screen.cell_lines()[1][5] == failed_over


async def test_a_physical_link_down_shows_the_failover() -> None:
    # A fault changes the SEA roles without changing a partition: the view follows it.
    app = HostApp(VnetScreen)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, VnetScreen)
        assert screen.cell_lines()[1][5] == PAIR
        assert app.hmc_console.execute(
            InjectFault(kind="port_down", location="vios1:ent0")).ok
        app.deliver()
        await pilot.pause()
        assert screen.cell_lines()[1][5] == (  # the SEA failover delay (5 s)
            "PRIMARY (priority 1), not bridging: physical link down\n"
            "BACKUP, taking over (priority 2): failover in progress")
        app.hmc_console.step(5)
        app.deliver()
        await pilot.pause()
        assert screen.cell_lines()[1][5] == (
            "PRIMARY (priority 1), not bridging: physical link down\n"
            "BACKUP, bridging (priority 2): primary not available")
