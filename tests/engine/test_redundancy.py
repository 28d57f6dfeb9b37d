"""Failure propagation (engine/redundancy/) on the demo frame: disk paths, SEA roles, RMC,
a boot disk that loses its last path. Figures: docs/powervm-rules.md section 13."""

from __future__ import annotations

import pytest

from engine import ops
from engine import redundancy as r
from engine.model import Frame, SharedEthernetAdapter, VirtualEth, VirtualScsi
from engine.roles import Actor
from engine.service import Engine
from engine.store import demo_frame

ADMIN = Actor()
CLIENTS = ("oradb01", "was01", "hana01", "ibmi01", "dev01", "test01", "nim01")


def run(engine: Engine, op: ops.Operation) -> ops.Context | None:
    result = engine.execute(op, ADMIN)
    assert result.ok, result
    return None


def frame_of(engine: Engine) -> Frame:
    return engine.snapshot().frame


def statuses(frame: Frame, lpar: str) -> list[tuple[str, str, str, str]]:
    return [(p.disk, p.parent, p.vios, p.status) for p in r.client_paths(frame, lpar)]


def single_path_nim01() -> Frame:
    """The demo frame with nim01's second path (vscsi slot 3 -> vios2 slot 21) removed:
    its rootvg is served by vios1 alone."""
    f = demo_frame()
    nim = f.partition("nim01")
    vios2 = f.partition("vios2")
    assert nim is not None and vios2 is not None
    f = f.with_partition(nim.model_copy(update={
        "adapters": tuple(a for a in nim.adapters if a.slot != 3)}))
    return f.with_partition(vios2.model_copy(update={
        "adapters": tuple(a for a in vios2.adapters if a.slot != 21),
        "vscsi_mappings": tuple(m for m in vios2.vscsi_mappings if m.vhost_slot != 21)}))


# ---------------------------------------------------------------- paths


def test_dual_vios_paths_all_enabled() -> None:
    f = demo_frame()
    assert statuses(f, "oradb01") == [
        ("hdisk0", "vscsi0", "vios1", "Enabled"), ("hdisk0", "vscsi1", "vios2", "Enabled"),
        ("hdisk1", "fscsi0", "vios1", "Enabled"), ("hdisk1", "fscsi1", "vios2", "Enabled")]
    disk = r.client_disks(f, "oradb01")[0]
    assert (disk.unique_id, disk.size_gb, disk.boot) == (
        "600507680C8101A2B8000000000001A2", 120, True)
    path = r.client_paths(f, "oradb01")[0]
    assert (path.connection, path.server) == ("810000000000", "vhost0")
    npiv = r.client_paths(f, "hana01")
    assert [(p.parent, p.port, p.connection) for p in npiv] == [
        ("fscsi0", "fcs1", "500507680bb1c201,0"), ("fscsi1", "fcs1", "500507680bb1c3a1,0")]


def test_shutting_down_vios1_fails_its_paths_on_every_client() -> None:
    e = Engine(demo_frame())
    run(e, ops.ShutdownPartition(lpar="vios1", option="immediate"))
    f = frame_of(e)
    for name in CLIENTS:
        paths = r.client_paths(f, name)
        assert paths, name
        assert {p.status for p in paths if p.vios == "vios1"} == {"Failed"}, name
        assert {p.status for p in paths if p.vios == "vios2"} == {"Enabled"}, name
    e.step(300)  # long past any hang or crash time
    f = frame_of(e)
    assert [(p.name, p.state, p.rmc_state) for p in f.partitions if p.name in CLIENTS] == [
        (n, "Running", "active") for n in CLIENTS]
    assert f.outages == ()
    # vios1 comes back: its paths are Enabled again once its OS is up (52 s)
    run(e, ops.ActivatePartition(lpar="vios1"))
    e.step(51)
    assert statuses(frame_of(e), "was01")[0][3] == "Failed"
    e.step(1)
    assert statuses(frame_of(e), "was01") == [
        ("hdisk0", "vscsi0", "vios1", "Enabled"), ("hdisk0", "vscsi1", "vios2", "Enabled")]


def test_single_path_client_loses_its_boot_disk_hangs_then_crashes() -> None:
    e = Engine(single_path_nim01())
    assert statuses(frame_of(e), "nim01") == [("hdisk0", "vscsi0", "vios1", "Enabled")]
    run(e, ops.ShutdownPartition(lpar="vios1", option="immediate"))
    f = frame_of(e)
    assert statuses(f, "nim01") == [("hdisk0", "vscsi0", "vios1", "Failed")]
    assert [(o.lpar_id, o.kind, o.since) for o in f.outages] == [(11, "rootvg", 0.0)]
    e.step(29.99)
    nim = frame_of(e).partition("nim01")
    assert nim is not None and (nim.state, nim.rmc_state) == ("Running", "active")
    e.step(0.01)  # 30 s: the OS hangs, RMC stops answering
    nim = frame_of(e).partition("nim01")
    assert nim is not None and (nim.state, nim.refcode, nim.rmc_state) == (
        "Running", "", "inactive")
    e.step(150)  # 180 s: the crash, dump to the lost disk fails
    nim = frame_of(e).partition("nim01")
    assert nim is not None and (nim.state, nim.refcode) == ("Running", "00C9")
    e.step(10)
    nim = frame_of(e).partition("nim01")
    assert nim is not None and (nim.state, nim.refcode, nim.rmc_state) == (
        "Error", "00C1", "inactive")
    assert [(c.time, c.refcode) for c in nim.refcode_history[-2:]] == [
        (180.0, "00C9"), (190.0, "00C1")]
    assert frame_of(e).outages == ()
    # the other clients have a second path: untouched
    was = frame_of(e).partition("was01")
    assert was is not None and (was.state, was.rmc_state) == ("Running", "active")


def test_a_hanging_client_can_still_be_shut_down_immediately() -> None:
    # Its crash is pending in the schedule, but the hypervisor stops a hung OS at once (as
    # an HMC's immediate shutdown does); an OS shutdown still needs RMC.
    e = Engine(single_path_nim01())
    run(e, ops.ShutdownPartition(lpar="vios1", option="immediate"))
    e.step(40)  # hung, RMC gone
    assert not e.execute(ops.ShutdownPartition(lpar="nim01", option="os"), ADMIN).ok
    run(e, ops.ShutdownPartition(lpar="nim01", option="immediate"))
    e.step(2)
    nim = frame_of(e).partition("nim01")
    assert nim is not None and (nim.state, nim.refcode) == ("Not Activated", "00000000")
    assert frame_of(e).outages == ()
    e.step(200)  # the crash that was scheduled does not come
    nim = frame_of(e).partition("nim01")
    assert nim is not None and nim.state == "Not Activated"


def test_boot_disk_back_before_the_crash_recovers() -> None:
    e = Engine(single_path_nim01())
    run(e, ops.ShutdownPartition(lpar="vios1", option="immediate"))
    e.step(5)
    run(e, ops.ActivatePartition(lpar="vios1"))
    e.step(40)  # 45 s: hung (RMC lost at 30 s)
    nim = frame_of(e).partition("nim01")
    assert nim is not None and nim.rmc_state == "inactive"
    e.step(12)  # vios1's OS is up at 5 + 52 = 57 s: the path is back, the hang is over
    f = frame_of(e)
    nim = f.partition("nim01")
    assert nim is not None and (nim.state, nim.refcode, nim.rmc_state) == (
        "Running", "", "active")
    assert f.outages == ()
    e.step(300)
    nim = frame_of(e).partition("nim01")
    assert nim is not None and nim.state == "Running"


def test_activation_without_a_path_to_the_boot_disk_finds_no_boot_device() -> None:
    f = single_path_nim01()
    e = Engine(f)
    run(e, ops.ShutdownPartition(lpar="nim01", option="immediate"))
    run(e, ops.ShutdownPartition(lpar="vios1", option="immediate"))
    e.step(5)
    run(e, ops.ActivatePartition(lpar="nim01"))
    e.step(16)
    nim = frame_of(e).partition("nim01")
    assert nim is not None and (nim.state, nim.refcode) == ("Error", "AA06000B")


def test_npiv_path_fails_with_its_physical_port() -> None:
    e = Engine(demo_frame())
    run(e, ops.InjectFault(kind="port_down", location="vios1:fcs1"))
    f = frame_of(e)
    assert [(p.parent, p.status) for p in r.client_paths(f, "hana01")] == [
        ("fscsi0", "Failed"), ("fscsi1", "Enabled")]
    # oradb01's NPIV path through vios1 uses fcs0: still up; vSCSI still reaches the SAN
    assert [p.status for p in r.client_paths(f, "oradb01")] == ["Enabled"] * 4
    run(e, ops.InjectFault(kind="port_down", location="U78DA.ND0.WZS0A21-P0-C1-T1"))
    # vios1 has no FC port left: its vSCSI disks (SAN LUNs) are unreachable too
    assert statuses(frame_of(e), "was01") == [
        ("hdisk0", "vscsi0", "vios1", "Failed"), ("hdisk0", "vscsi1", "vios2", "Enabled")]
    run(e, ops.ClearFault(kind="port_down", location="vios1:fcs1"))
    assert [p.status for p in r.client_paths(frame_of(e), "hana01")] == ["Enabled"] * 2


def test_unmapped_vfchost_is_missing() -> None:
    f = demo_frame()
    vios1 = f.partition("vios1")
    assert vios1 is not None
    f = f.with_partition(vios1.model_copy(update={"npiv_mappings": ()}))
    assert [(p.parent, p.status) for p in r.client_paths(f, "hana01")] == [
        ("fscsi0", "Missing"), ("fscsi1", "Enabled")]


# ---------------------------------------------------------------- SEA roles


def roles(frame: Frame) -> list[tuple[str, str, tuple[int, ...]]]:
    return [(s.vios, s.state, s.vlans) for s in r.sea_roles(frame)]


def test_sea_failover_and_failback() -> None:
    e = Engine(demo_frame())
    assert roles(frame_of(e)) == [("vios1", "PRIMARY", (1, 10, 20, 30)), ("vios2", "BACKUP", ())]
    run(e, ops.ShutdownPartition(lpar="vios1"))
    # the backup takes over after SEA_TAKEOVER_SECONDS (5 s): nothing is bridged meanwhile
    assert roles(frame_of(e)) == [("vios1", "UNAVAILABLE", ()), ("vios2", "BACKUP", ())]
    assert [(t.vios_id, t.sea, t.until) for t in frame_of(e).sea_takeovers] == [
        (2, "ent8", 5.0)]
    was01 = frame_of(e).partition("was01")
    assert was01 is not None and r.has_network(frame_of(e), was01) is False  # the gap
    e.step(4.99)
    assert roles(frame_of(e))[1] == ("vios2", "BACKUP", ())
    e.step(0.01)
    assert roles(frame_of(e)) == [
        ("vios1", "UNAVAILABLE", ()), ("vios2", "PRIMARY", (1, 10, 20, 30))]
    assert frame_of(e).sea_takeovers == ()
    e.step(5)
    run(e, ops.ActivatePartition(lpar="vios1"))
    e.step(51)
    assert roles(frame_of(e))[1] == ("vios2", "PRIMARY", (1, 10, 20, 30))
    e.step(1)  # vios1's OS is up: ha_mode=auto fails back, 5 s later; vios2 bridges until
    assert roles(frame_of(e)) == [("vios1", "BACKUP", ()), ("vios2", "PRIMARY", (1, 10, 20, 30))]
    e.step(5)
    assert roles(frame_of(e)) == [("vios1", "PRIMARY", (1, 10, 20, 30)), ("vios2", "BACKUP", ())]
    # clients kept RMC through it all: a gap of seconds is not an RMC outage
    assert all(p.rmc_state == "active" for p in frame_of(e).partitions if p.name in CLIENTS)
    assert frame_of(e).outages == ()


def with_sea(frame: Frame, vios: str, **changes: object) -> Frame:
    p = frame.partition(vios)
    assert p is not None
    seas = tuple(s.model_copy(update=changes) for s in p.seas)
    return frame.with_partition(p.model_copy(update={"seas": seas}))


def test_standby_keeps_the_better_priority_sea_backup() -> None:
    f = with_sea(demo_frame(), "vios1", ha_mode="standby")
    assert roles(f) == [("vios1", "BACKUP", ()), ("vios2", "PRIMARY", (1, 10, 20, 30))]


def test_physical_link_down_fails_over_and_back() -> None:
    e = Engine(demo_frame())
    run(e, ops.InjectFault(kind="port_down", location="vios1:ent0"))
    assert roles(frame_of(e)) == [("vios1", "LIMBO", ()), ("vios2", "BACKUP", ())]
    e.step(5)
    assert roles(frame_of(e)) == [("vios1", "LIMBO", ()), ("vios2", "PRIMARY", (1, 10, 20, 30))]
    run(e, ops.ClearFault(kind="port_down", location="vios1:ent0"))
    assert roles(frame_of(e))[0] == ("vios1", "BACKUP", ())
    e.step(5)
    assert roles(frame_of(e))[0] == ("vios1", "PRIMARY", (1, 10, 20, 30))


def test_sharing_splits_the_trunk_adapters() -> None:
    f = demo_frame()
    for name, prio, mac in (("vios1", 1, "FA2C7D010009"), ("vios2", 2, "FA2C7D020009")):
        p = f.partition(name)
        assert p is not None
        extra = VirtualEth(slot=9, pvid=40, vlans=(50,), ieee=True, trunk_priority=prio,
                           mac=mac)
        sea = SharedEthernetAdapter(name="ent8", physical="ent0", trunk_slots=(2, 9),
                                    default_slot=2, ctl_chan_slot=3, ha_mode="sharing")
        f = f.with_partition(p.model_copy(update={"adapters": (*p.adapters, extra),
                                                  "seas": (sea,)}))
    assert roles(f) == [("vios1", "PRIMARY_SH", (1, 10, 20, 30)),
                        ("vios2", "BACKUP_SH", (40, 50))]
    vios1 = f.partition("vios1")
    assert vios1 is not None
    down = f.with_partition(vios1.model_copy(update={"state": "Not Activated"}))
    assert roles(down) == [("vios1", "UNAVAILABLE", ()),
                           ("vios2", "PRIMARY", (1, 10, 20, 30, 40, 50))]


# ---------------------------------------------------------------- RMC


def test_client_without_network_loses_rmc_and_dlpar_is_refused() -> None:
    e = Engine(demo_frame())
    run(e, ops.InjectFault(kind="port_down", location="vios1:ent0"))
    assert frame_of(e).partition("was01").rmc_state == "active"  # type: ignore[union-attr]
    run(e, ops.InjectFault(kind="port_down", location="vios2:ent0"))
    f = frame_of(e)
    assert roles(f) == [("vios1", "LIMBO", ()), ("vios2", "LIMBO", ())]
    assert [(p.name, p.rmc_state) for p in f.partitions if p.name in CLIENTS] == [
        (n, "inactive") for n in CLIENTS]
    assert f.partition("vios1").rmc_state == "active"  # type: ignore[union-attr]
    assert [o.kind for o in f.outages] == ["rmc"] * len(CLIENTS)
    refused = e.execute(ops.ChangeProcessors(lpar="was01", action="add", procs=1), ADMIN)
    assert (refused.ok, refused.code) == (False, "HSCL294C")
    refused = e.execute(ops.ShutdownPartition(lpar="was01", option="os"), ADMIN)
    assert (refused.ok, refused.code) == (False, "HSCL0DB4")
    run(e, ops.ClearFault(kind="port_down", location="vios2:ent0"))
    f = frame_of(e)
    assert [(p.name, p.rmc_state) for p in f.partitions if p.name in CLIENTS] == [
        (n, "active") for n in CLIENTS]
    assert f.outages == ()
    run(e, ops.ChangeProcessors(lpar="was01", action="add", procs=1))


def test_internal_vlan_only_partition_keeps_rmc() -> None:
    """A partition whose VLAN no SEA ever bridged did not lose a path: RMC untouched."""
    f = demo_frame()
    was = f.partition("was01")
    assert was is not None
    adapters = tuple(a.model_copy(update={"pvid": 777}) if isinstance(a, VirtualEth) else a
                     for a in was.adapters)
    f = f.with_partition(was.model_copy(update={"adapters": adapters}))
    e = Engine(f)
    run(e, ops.ShutdownPartition(lpar="vios1", option="immediate"))
    assert frame_of(e).partition("was01").rmc_state == "active"  # type: ignore[union-attr]


@pytest.mark.parametrize("name", ["sandbox01", "dev02"])
def test_inactive_clients_have_no_outage(name: str) -> None:
    e = Engine(demo_frame())
    run(e, ops.ShutdownPartition(lpar="vios1", option="immediate"))
    assert all(o.lpar_id != frame_of(e).partition(name).id  # type: ignore[union-attr]
               for o in frame_of(e).outages)


def test_vscsi_client_adapter_names_follow_slot_order() -> None:
    f = demo_frame()
    nim = f.partition("nim01")
    assert nim is not None
    assert [a.slot for a in nim.adapters if isinstance(a, VirtualScsi)] == [2, 3]
    assert [p.parent for p in r.client_paths(f, nim)] == ["vscsi0", "vscsi1"]


def test_failover_and_outages_are_journaled() -> None:
    e = Engine(single_path_nim01())
    run(e, ops.ShutdownPartition(lpar="vios1", option="immediate"))
    e.step(10)
    run(e, ops.ActivatePartition(lpar="vios1"))
    e.step(52)
    states = [(ev.time, ev.target, ev.message) for ev in e.snapshot().events
              if ev.op == "state" and ("SEA" in ev.message or "disk" in ev.message)]
    assert states == [
        (0.0, "vios1", "SEA ent8 UNAVAILABLE"),
        (0.0, "nim01", "boot disk lost its last path: I/O hangs"),
        (5.0, "vios2", "SEA ent8 PRIMARY (VLANs 1,10,20,30)"),  # after the takeover delay
        (62.0, "vios1", "SEA ent8 BACKUP"),
        (62.0, "nim01", "boot disk path restored"),
    ]
    e.step(5)
    states = [(ev.time, ev.target, ev.message) for ev in e.snapshot().events
              if ev.op == "state" and "SEA" in ev.message]
    assert states[-2:] == [(67.0, "vios1", "SEA ent8 PRIMARY (VLANs 1,10,20,30)"),
                           (67.0, "vios2", "SEA ent8 BACKUP")]


def test_client_booted_while_a_vios_was_down_has_missing_paths_until_cfgmgr() -> None:
    e = Engine(demo_frame())
    run(e, ops.ShutdownPartition(lpar="was01", option="immediate"))
    run(e, ops.ShutdownPartition(lpar="vios2", option="immediate"))
    e.step(5)
    run(e, ops.ActivatePartition(lpar="was01"))
    e.step(40)  # was01's OS is up at 38 s: it configured vios1's path only
    assert statuses(frame_of(e), "was01") == [
        ("hdisk0", "vscsi0", "vios1", "Enabled"), ("hdisk0", "vscsi1", "vios2", "Missing")]
    run(e, ops.ActivatePartition(lpar="vios2"))
    e.step(60)  # vios2 serves again: the path stays Missing (no health check revives it)
    assert statuses(frame_of(e), "was01")[1][3] == "Missing"
    # with vios1 down now, the Missing path is no help: the boot disk has no path
    run(e, ops.ShutdownPartition(lpar="vios1", option="immediate"))
    f = frame_of(e)
    assert [o.kind for o in f.outages if o.lpar_id == 4] == ["missing", "rootvg"]
    run(e, ops.ConfigureDevices(lpar="was01"))  # cfgmgr, in time: the hang is over
    f = frame_of(e)
    assert statuses(f, "was01") == [
        ("hdisk0", "vscsi0", "vios1", "Failed"), ("hdisk0", "vscsi1", "vios2", "Enabled")]
    assert [o.kind for o in f.outages if o.lpar_id == 4] == []
    e.step(300)
    was = frame_of(e).partition("was01")
    assert was is not None and (was.state, was.rmc_state) == ("Running", "active")
    # a reboot with both VIOS up configures every path
    run(e, ops.ActivatePartition(lpar="vios1"))
    e.step(60)
    assert [p.status for p in r.client_paths(frame_of(e), "was01")] == ["Enabled"] * 2


def test_vios_impact_names_the_clients_that_would_lose_a_path() -> None:
    assert r.vios_impact(demo_frame(), "vios1") == []  # every client has a second path
    f = single_path_nim01()
    assert r.vios_impact(f, "vios1") == [
        r.Impact(lpar="nim01", disks=("hdisk0",), boot=True, network=False)]
    assert r.vios_impact(f, "vios2") == []
    # vios2's SEA link is down: stopping vios1 would also take every client's network
    e = Engine(f)
    run(e, ops.InjectFault(kind="port_down", location="vios2:ent0"))
    impact = r.vios_impact(frame_of(e), "vios1")
    assert [(i.lpar, i.boot, i.network) for i in impact] == [
        ("oradb01", False, True), ("was01", False, True), ("hana01", False, True),
        ("ibmi01", False, True), ("dev01", False, True), ("test01", False, True),
        ("nim01", True, True)]
    assert r.vios_impact(f, "was01") == []  # not a VIOS


def test_a_hung_partition_can_still_be_shut_down() -> None:
    """The hang and crash steps are not a transition: an immediate shutdown replaces them."""
    e = Engine(single_path_nim01())
    run(e, ops.ShutdownPartition(lpar="vios1", option="immediate"))
    e.step(40)  # hung
    run(e, ops.ShutdownPartition(lpar="nim01", option="immediate"))
    e.step(300)
    nim = frame_of(e).partition("nim01")
    assert nim is not None and (nim.state, nim.refcode) == ("Not Activated", "00000000")
    assert frame_of(e).outages == ()


def test_ping_in_a_client_shows_the_takeover_gap_rmc_stays() -> None:
    from tests.engine.vterm.guest.test_aix import type_line
    from tests.engine.vterm.helpers import open_screen

    e = Engine(demo_frame())
    handle, screen = open_screen(e, "was01")
    screen.take()
    type_line(e, handle, screen, "root")
    assert type_line(e, handle, screen, "root").endswith("# ")
    ok = type_line(e, handle, screen, "ping -c 2 10.0.0.1")
    assert ok == ("ping -c 2 10.0.0.1\r\nPING 10.0.0.1: (10.0.0.1): 56 data bytes\r\n"
                  "64 bytes from 10.0.0.1: icmp_seq=0 ttl=255 time=0 ms\r\n"
                  "64 bytes from 10.0.0.1: icmp_seq=1 ttl=255 time=0 ms\r\n\r\n"
                  "----10.0.0.1 PING Statistics----\r\n"
                  "2 packets transmitted, 2 packets received, 0% packet loss\r\n"
                  "round-trip min/avg/max = 0/0/0 ms\r\n# ")
    run(e, ops.ShutdownPartition(lpar="vios1", option="immediate"))
    lost = type_line(e, handle, screen, "ping -c 2 10.0.0.1")
    assert "2 packets transmitted, 0 packets received, 100% packet loss" in lost
    assert "icmp_seq" not in lost
    assert frame_of(e).partition("was01").rmc_state == "active"  # type: ignore[union-attr]
    e.step(5)
    back = type_line(e, handle, screen, "ping -c 1 10.0.0.1")
    assert "1 packets transmitted, 1 packets received, 0% packet loss" in back


def test_a_takeover_made_moot_is_dropped() -> None:
    # the link is back before vios2 took over: vios1 bridges again at once, nothing pending
    e = Engine(demo_frame())
    run(e, ops.InjectFault(kind="port_down", location="vios1:ent0"))
    e.step(2)
    assert roles(frame_of(e)) == [("vios1", "LIMBO", ()), ("vios2", "BACKUP", ())]
    run(e, ops.ClearFault(kind="port_down", location="vios1:ent0"))
    assert roles(frame_of(e)) == [("vios1", "PRIMARY", (1, 10, 20, 30)), ("vios2", "BACKUP", ())]
    assert frame_of(e).sea_takeovers == ()
    e.step(10)
    assert roles(frame_of(e))[0] == ("vios1", "PRIMARY", (1, 10, 20, 30))
    assert [role.taking_over for role in r.sea_roles(frame_of(e))] == [False, False]
