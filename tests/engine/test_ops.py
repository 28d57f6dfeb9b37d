"""Every operation's accepted and refused cases, with exact figures, on the demo frame."""

from __future__ import annotations

import pytest

from engine import ops
from engine.model import VirtualEth, VirtualFc, VirtualScsi
from engine.roles import Actor
from engine.rules import check_frame
from engine.service import Engine, OpResult
from engine.store import demo_frame

ADMIN = Actor()
OPERATOR = Actor(user="oper1", role="hmcoperator")
VIEWER = Actor(user="view1", role="hmcviewer")


@pytest.fixture
def engine() -> Engine:
    return Engine(demo_frame(), seed=3)


def ok(engine: Engine, op: ops.Operation, actor: Actor = ADMIN) -> OpResult:
    result = engine.execute(op, actor)
    assert result.ok, f"{result.code} {result.message}"
    return result


def refused(engine: Engine, op: ops.Operation, code: str, actor: Actor = ADMIN) -> OpResult:
    before = engine.snapshot().frame
    result = engine.execute(op, actor)
    assert (result.ok, result.code) == (False, code), result.message
    assert engine.snapshot().frame.partitions == before.partitions  # nothing half-done
    return result


def lpar(engine: Engine, name: str):
    p = engine.snapshot().frame.partition(name)
    assert p is not None
    return p


# ------------------------------------------------------------------ activation


def test_activate_grants_desired_and_journals_the_command(engine: Engine) -> None:
    avail = engine.snapshot().frame.avail_proc_units()
    result = ok(engine, ops.ActivatePartition(lpar="dev02"))
    cur = lpar(engine, "dev02").current
    assert (cur.desired_proc_units, cur.desired_procs, cur.desired_mem) == (0.5, 2, 16384)
    assert engine.snapshot().frame.avail_proc_units() == pytest.approx(avail - 0.5)
    assert result.event.command == (
        "chsysstate -m Server-9080-HEX-SN78H4A21 -r lpar -o on -n dev02 -f default_profile")


@pytest.mark.parametrize(("op", "code"), [
    (ops.ActivatePartition(lpar="nosuch"), "HSCL8012"),
    (ops.ActivatePartition(lpar="dev02", profile="nosuch"), "HSCL8013"),
    (ops.ActivatePartition(lpar="oradb01"), "HSCL3681"),
])
def test_activate_refusals(engine: Engine, op: ops.Operation, code: str) -> None:
    refused(engine, op, code)


def test_activation_falls_back_toward_minimums(engine: Engine) -> None:
    # DevTestPool: max 8, reserved 0.5, dev01 0.5 + test01 1.0 entitled -> 6.0 headroom.
    ok(engine, ops.ChangePool(pool="DevTestPool", max_proc_units=3))  # headroom now 1.0
    ok(engine, ops.ChangeProfile(lpar="dev02", profile="default_profile",
                                 changes={"desired_proc_units": 1.5, "max_proc_units": 2.0}))
    ok(engine, ops.ActivatePartition(lpar="dev02"))
    assert lpar(engine, "dev02").current.desired_proc_units == 1.0


def test_activation_fails_when_minimums_are_not_free(engine: Engine) -> None:
    ok(engine, ops.ChangePool(pool="DevTestPool", max_proc_units=2))  # headroom 0.0
    result = refused(engine, ops.ActivatePartition(lpar="dev02"), "HSCL0B03")
    assert "0.2 required at minimum, 0.0 available" in result.message


def test_activation_memory_fallback_in_whole_lmbs(engine: Engine) -> None:
    frame = engine.snapshot().frame
    free = frame.avail_mem()
    # Ask for more than is free; the grant falls back to what is free, in 256 MB steps.
    ok(engine, ops.ChangeProfile(lpar="dev02", profile="default_profile", changes={
        "min_mem": 8192, "desired_mem": 1048576, "max_mem": 1048576}))
    ok(engine, ops.ActivatePartition(lpar="dev02"))
    granted = lpar(engine, "dev02").current.desired_mem
    assert granted % 256 == 0 and 8192 <= granted < free
    assert engine.snapshot().frame.avail_mem() >= 0


# ------------------------------------------------------------------ shutdown


def test_shutdown_refusals(engine: Engine) -> None:
    refused(engine, ops.ShutdownPartition(lpar="dev02"), "HSCL1558")
    ok(engine, ops.ActivatePartition(lpar="dev02"))
    engine.step(40)  # OS up, RMC not yet
    refused(engine, ops.ShutdownPartition(lpar="dev02", option="os"), "HSCL0DB4")
    result = ok(engine, ops.ShutdownPartition(lpar="oradb01", option="os_immediate"))
    assert result.event.command.endswith("-o osshutdown --immed -n oradb01")


# ------------------------------------------------------------------ DLPAR


def test_dlpar_add_and_remove_processing_units(engine: Engine) -> None:
    ok(engine, ops.ChangeProcessors(lpar="was01", action="add", proc_units=0.25))
    assert lpar(engine, "was01").current.desired_proc_units == 1.75
    refused(engine, ops.ChangeProcessors(lpar="was01", action="add", proc_units=0.25),
            "HSCL294C")  # the first DLPAR is still in flight (3 s)
    engine.step(3)
    ok(engine, ops.ChangeProcessors(lpar="was01", action="remove", proc_units=0.5, procs=1))
    cur = lpar(engine, "was01").current
    assert (cur.desired_proc_units, cur.desired_procs) == (1.25, 3)


@pytest.mark.parametrize(("op", "code"), [
    # was01: 0.5..4.0 PU, 1..8 VPs, currently 1.5 PU / 4 VPs.
    (ops.ChangeProcessors(lpar="was01", action="add", proc_units=2.6), "HSCL0B06"),
    (ops.ChangeProcessors(lpar="was01", action="remove", proc_units=1.1), "HSCL0B06"),
    (ops.ChangeProcessors(lpar="was01", action="add", procs=5), "HSCL0B06"),
    (ops.ChangeProcessors(lpar="nim01", action="add", procs=2), "HSCL0B06"),  # max 2 VPs
    (ops.ChangeProcessors(lpar="dev02", action="add", proc_units=0.1), "HSCL0B02"),
    (ops.ChangeProcessors(lpar="hana01", action="add", proc_units=1.0), "HSCL0A0F"),
    (ops.ChangeMemory(lpar="was01", action="add", mem=1000), "HSCL0A03"),
    (ops.ChangeMemory(lpar="was01", action="add", mem=65536), "HSCL0B06"),
    (ops.ChangeProcessors(lpar="nosuch", action="add", procs=1), "HSCL8012"),
])
def test_dlpar_refusals(engine: Engine, op: ops.Operation, code: str) -> None:
    refused(engine, op, code)


def test_dlpar_ratio_rule_is_hscl1566(engine: Engine) -> None:
    ok(engine, ops.ChangeProfile(lpar="dev02", profile="default_profile",
                                 changes={"min_proc_units": 0.1, "max_procs": 8}))
    ok(engine, ops.ActivatePartition(lpar="dev02"))
    engine.step(70)
    ok(engine, ops.ChangeProcessors(lpar="dev02", action="add", procs=6))  # 0.5 PU on 8 VPs
    engine.step(3)
    # 0.3 PU for 8 VPs is below 0.05 per VP (0.4).
    result = refused(engine, ops.ChangeProcessors(lpar="dev02", action="remove",
                                                  proc_units=0.2), "HSCL1566")
    assert "partition 9" in result.message


def test_dlpar_needs_rmc(engine: Engine) -> None:
    ok(engine, ops.ActivatePartition(lpar="dev02"))
    engine.step(40)
    result = refused(engine, ops.ChangeProcessors(lpar="dev02", action="add", proc_units=0.1),
                     "HSCL294C")
    assert "RMC" in result.message
    engine.step(30)
    ok(engine, ops.ChangeProcessors(lpar="dev02", action="add", proc_units=0.1))


def test_dlpar_memory_and_dedicated_processors(engine: Engine) -> None:
    ok(engine, ops.ChangeMemory(lpar="was01", action="add", mem=4096))
    assert lpar(engine, "was01").current.desired_mem == 36864
    ok(engine, ops.ChangeProcessors(lpar="hana01", action="add", procs=2))
    assert lpar(engine, "hana01").current.desired_procs == 10


def test_dlpar_not_enough_free_processors(engine: Engine) -> None:
    # 20.5 units are free; a partition with 18 dedicated cores leaves 2.5.
    filler = new_profile(proc_mode="ded", min_proc_units=None, desired_proc_units=None,
                         max_proc_units=None, min_procs=18, desired_procs=18, max_procs=18,
                         sharing_mode="keep_idle_procs")
    ok(engine, ops.CreatePartition(name="filler", env="aixlinux", profile=filler))
    ok(engine, ops.ActivatePartition(lpar="filler"))
    result = refused(engine, ops.ChangeProcessors(lpar="vios1", action="add", proc_units=3.0,
                                                  procs=2),
                     "HSCL0B04")
    assert "3.0 requested, 2.5 available" in result.message


def test_dlpar_move_between_partitions(engine: Engine) -> None:
    result = ok(engine, ops.ChangeProcessors(lpar="oradb01", action="move", proc_units=0.5,
                                             target_lpar="was01"))
    assert lpar(engine, "oradb01").current.desired_proc_units == 3.5
    assert lpar(engine, "was01").current.desired_proc_units == 2.0
    assert " -o m -p oradb01 -t was01 --procunits 0.5" in result.event.command
    engine.step(3)
    ok(engine, ops.ChangeMemory(lpar="oradb01", action="move", mem=8192, target_lpar="was01"))
    assert lpar(engine, "was01").current.desired_mem == 40960


def test_uncapped_weight(engine: Engine) -> None:
    ok(engine, ops.SetUncapWeight(lpar="was01", uncap_weight=200))
    assert lpar(engine, "was01").current.uncap_weight == 200
    refused(engine, ops.SetUncapWeight(lpar="nim01", uncap_weight=10), "HSCL0A0F")  # capped
    with pytest.raises(Exception, match="HSCL0A0F"):
        ops.build({"op": "set_weight", "lpar": "was01", "uncap_weight": 256})


# ------------------------------------------------------------------ configuration


def new_profile(**changes):
    base = dict(name="default_profile", min_proc_units=0.1, desired_proc_units=0.2,
                max_proc_units=1.0, min_procs=1, desired_procs=2, max_procs=4,
                min_mem=2048, desired_mem=4096, max_mem=8192)
    return ops.build({"op": "create_profile", "lpar": "x", "profile": base | changes}).profile


def test_create_and_delete_partition(engine: Engine) -> None:
    result = ok(engine, ops.CreatePartition(name="web01", env="aixlinux",
                                            profile=new_profile()))
    assert result.data["lpar_id"] == 12
    p = lpar(engine, "web01")
    assert (p.state, p.default_profile) == ("Not Activated", "default_profile")
    assert result.event.command.startswith(
        'mksyscfg -r lpar -m Server-9080-HEX-SN78H4A21 -i "name=web01,'
        'profile_name=default_profile,lpar_env=aixlinux,min_mem=2048,')
    ok(engine, ops.DeletePartition(lpar="web01"))
    assert engine.snapshot().frame.partition("web01") is None


@pytest.mark.parametrize(("op", "code"), [
    (ops.CreatePartition(name="oradb01", env="aixlinux", profile=new_profile()), "HSCL0A06"),
    (ops.CreatePartition(name="web01", env="aixlinux", lpar_id=3, profile=new_profile()),
     "HSCL0A06"),
    (ops.CreatePartition(name="web01", env="aixlinux",
                         profile=new_profile(min_proc_units=0.05, desired_proc_units=0.09)),
     "HSCL0A05"),
    (ops.CreatePartition(name="web01", env="aixlinux",
                         profile=new_profile(desired_mem=4000)), "HSCL0A03"),
    (ops.DeletePartition(lpar="was01"), "HSCL0B05"),
    (ops.DeleteProfile(lpar="was01", profile="default_profile"), "HSCL0B08"),
    (ops.ChangeProfile(lpar="was01", profile="default_profile",
                       changes={"uncap_weight": 300}), "HSCL0A01"),
    (ops.ChangeProfile(lpar="was01", profile="default_profile",
                       changes={"sharing_mode": "share_idle_procs"}), "HSCL0A0F"),
    (ops.ChangePool(pool="DefaultPool", max_proc_units=4), "HSCL0A0C"),
    (ops.ChangePool(pool="DevTestPool", max_proc_units=1), "HSCL0A0D"),
    (ops.ChangePool(pool="nosuch", max_proc_units=1), "HSCL8015"),
])
def test_configuration_refusals(engine: Engine, op: ops.Operation, code: str) -> None:
    refused(engine, op, code)


def test_delete_refused_while_clients_use_its_server_adapters(engine: Engine) -> None:
    ok(engine, ops.PowerOffSystem(immediate=True, force=True))
    engine.step(5)
    result = refused(engine, ops.DeletePartition(lpar="vios1"), "HSCL0B0A")
    assert "oradb01" in result.message


def test_rename_partition_and_choose_its_default_profile(engine: Engine) -> None:
    result = ok(engine, ops.ChangePartition(lpar="oradb01", new_name="oraprod",
                                            default_profile="month_end"))
    p = lpar(engine, "oraprod")
    assert (p.id, p.default_profile) == (3, "month_end")
    assert result.event.command == ('chsyscfg -r lpar -m Server-9080-HEX-SN78H4A21 '
                                    '-i "name=oradb01,new_name=oraprod,default_profile=month_end"')
    refused(engine, ops.ChangePartition(lpar="oraprod", new_name="was01"), "HSCL0A06")
    refused(engine, ops.ChangePartition(lpar="oraprod", default_profile="nosuch"), "HSCL8013")
    refused(engine, ops.ChangePartition(lpar="oraprod", new_name="x" * 48), "HSCL0A0F")
    refused(engine, ops.ChangePartition(lpar="was01", new_name="w"), "HSCL350B", actor=OPERATOR)


def test_profiles_create_change_delete(engine: Engine) -> None:
    prof = new_profile().model_copy(update={"name": "big", "desired_proc_units": 1.0})
    ok(engine, ops.CreateProfile(lpar="dev02", profile=prof))
    ok(engine, ops.ChangeProfile(lpar="dev02", profile="big",
                                 changes={"desired_mem": 6144, "new_name": "bigger"}))
    assert lpar(engine, "dev02").profile("bigger").desired_mem == 6144
    ok(engine, ops.ActivatePartition(lpar="dev02", profile="bigger"))
    assert lpar(engine, "dev02").current.desired_proc_units == 1.0
    ok(engine, ops.DeleteProfile(lpar="oradb01", profile="month_end"))
    assert lpar(engine, "oradb01").profile("month_end") is None


def test_pools_change_and_move_partition(engine: Engine) -> None:
    ok(engine, ops.ChangePool(pool="SharedPool02", max_proc_units=4, new_name="BatchPool"))
    result = ok(engine, ops.MovePartitionPool(lpar="was01", pool="BatchPool"))
    assert lpar(engine, "was01").current.shared_proc_pool_id == 2
    assert engine.snapshot().frame.pool_entitled(2) == 1.5
    assert result.event.command.endswith("-o s -p was01 --poolname BatchPool")
    refused(engine, ops.ChangePool(pool="BatchPool", max_proc_units=1), "HSCL0A0D")
    refused(engine, ops.MovePartitionPool(lpar="hana01", pool="BatchPool"), "HSCL0A0F")


# ------------------------------------------------------------------ virtual I/O


def test_add_and_remove_virtual_adapters(engine: Engine) -> None:
    ok(engine, ops.AddVirtualAdapter(lpar="dev02", adapter=VirtualEth(slot=9, pvid=20)))
    added = lpar(engine, "dev02").adapter(9)
    assert added.mac and len(added.mac) == 12
    ok(engine, ops.RemoveVirtualAdapter(lpar="dev02", slot=9))
    refused(engine, ops.AddVirtualAdapter(lpar="dev02", adapter=VirtualEth(slot=1)), "HSCL0A07")
    refused(engine, ops.AddVirtualAdapter(lpar="dev02", adapter=VirtualScsi(
        slot=9, side="client", remote_lpar_id=1, remote_slot=99)), "HSCL0A09")
    refused(engine, ops.RemoveVirtualAdapter(lpar="dev02", slot=99), "HSCL8016")


def test_removing_a_client_adapter_frees_its_server_adapter(engine: Engine) -> None:
    ok(engine, ops.ShutdownPartition(lpar="was01", option="immediate"))
    engine.step(2)
    client = lpar(engine, "was01").adapter(2)
    assert isinstance(client, VirtualScsi) and client.side == "client"
    ok(engine, ops.RemoveVirtualAdapter(lpar="was01", slot=2))
    server = lpar(engine, "vios1").adapter(client.remote_slot)
    assert (server.remote_lpar_id, server.remote_slot) == (None, None)


def test_new_client_fc_adapter_gets_the_next_wwpn_pair(engine: Engine) -> None:
    frame = engine.snapshot().frame
    ok(engine, ops.AddVirtualAdapter(lpar="vios1", adapter=VirtualFc(slot=60, side="server")))
    result = ok(engine, ops.AddVirtualAdapter(lpar="dev02", adapter=VirtualFc(
        slot=8, side="client", remote_lpar_id=1, remote_slot=60)))
    pair = result.data["adapter"].wwpns
    assert pair == ops.vio.next_wwpns(frame)
    assert int(pair[1], 16) == int(pair[0], 16) + 1 and pair[0].startswith("c05076")


def test_vscsi_map_and_unmap(engine: Engine) -> None:
    ok(engine, ops.AddVirtualAdapter(lpar="vios1", adapter=VirtualScsi(slot=30, side="server")))
    result = ok(engine, ops.CreateOptical(vios="vios1", vhost_slot=30))
    assert result.data["vtd"] == "vtopt1"
    ok(engine, ops.LoadOptical(vios="vios1", vtd="vtopt1", media="aix73_tl2.iso"))
    m = next(m for m in lpar(engine, "vios1").vscsi_mappings if m.vtd == "vtopt1")
    assert (m.vhost_slot, m.lun, m.backing) == (30, 1, "/var/vio/VMLibrary/aix73_tl2.iso")
    refused(engine, ops.MapVscsi(vios="vios1", vhost_slot=30, backing="hdisk2"), "HSCL2970")
    refused(engine, ops.MapVscsi(vios="vios2", vhost_slot=13,
                                 backing="/var/vio/VMLibrary/aix73_tl2.iso"), "HSCL2970")
    refused(engine, ops.MapVscsi(vios="oradb01", vhost_slot=2, backing="hdisk2"), "HSCL0B09")
    ok(engine, ops.UnmapVscsi(vios="vios1", vtd="vtopt1"))
    refused(engine, ops.UnmapVscsi(vios="vios1", vtd="vtopt1"), "HSCL2970")
    refused(engine, ops.RemoveVirtualAdapter(lpar="vios1", slot=13), "HSCL294D")


def test_npiv_map_and_unmap(engine: Engine) -> None:
    result = ok(engine, ops.UnmapNpiv(vios="vios1", vfchost_slot=43))
    assert result.event.command.endswith('-c "vfcmap -vadapter vfchost0 -fcp"')
    ok(engine, ops.MapNpiv(vios="vios1", vfchost_slot=43, port="fcs1"))
    assert (43, "fcs1") in {(m.vfchost_slot, m.port) for m in lpar(engine, "vios1").npiv_mappings}
    refused(engine, ops.MapNpiv(vios="vios1", vfchost_slot=43, port="fcs9"), "HSCL2970")


def test_vios_commands_need_the_vios_up(engine: Engine) -> None:
    ok(engine, ops.ShutdownPartition(lpar="vios2", option="immediate"))
    engine.step(2)
    refused(engine, ops.UnmapVscsi(vios="vios2", vtd="vtscsi0"), "HSCL0B02")


def test_sea_remove_and_create(engine: Engine) -> None:
    ok(engine, ops.RemoveSea(vios="vios1", name="ent8"))
    result = ok(engine, ops.CreateSea(vios="vios1", physical="ent0", trunk_slots=(2,),
                                      default_slot=2, ctl_chan_slot=3))
    assert result.data["sea"] == "ent6"  # after ent0-ent3 (physical) and ent4, ent5 (virtual)
    assert "mkvdev -sea ent0 -vadapter ent4 -default ent4 -defaultid 1" in result.event.command
    refused(engine, ops.CreateSea(vios="vios1", physical="ent0", trunk_slots=(2,),
                                  default_slot=2), "HSCL0A13")


# ------------------------------------------------------------------ roles and journal


def test_roles_are_enforced_and_refusals_journaled(engine: Engine) -> None:
    result = refused(engine, ops.ActivatePartition(lpar="dev02"), "HSCL350B", actor=VIEWER)
    assert (result.event.user, result.event.role, result.event.ok) == ("view1", "hmcviewer",
                                                                       False)
    refused(engine, ops.CreatePartition(name="x1", env="aixlinux", profile=new_profile()),
            "HSCL350B", actor=OPERATOR)
    refused(engine, ops.UnmapVscsi(vios="vios1", vtd="vtscsi0"), "HSCL350B", actor=OPERATOR)
    refused(engine, ops.ChangePool(pool="DevTestPool", max_proc_units=9), "HSCL350B",
            actor=OPERATOR)
    ok(engine, ops.ActivatePartition(lpar="dev02"), actor=OPERATOR)
    ok(engine, ops.ChangeProcessors(lpar="was01", action="add", procs=1), actor=OPERATOR)
    events = engine.snapshot().events
    assert [e.user for e in events if e.op != "state"][-2:] == ["oper1", "oper1"]


def test_every_accepted_frame_passes_the_rules(engine: Engine) -> None:
    ok(engine, ops.ActivatePartition(lpar="dev02"))
    ok(engine, ops.ChangeProcessors(lpar="was01", action="add", proc_units=1.0))
    engine.step(100)
    check_frame(engine.snapshot().frame)


def test_build_turns_bad_input_into_an_hmc_error() -> None:
    with pytest.raises(Exception, match="HSCL0A0F"):
        ops.build({"op": "activate"})
    op = ops.build({"op": "shutdown", "lpar": "was01", "option": "immediate"})
    assert op == ops.ShutdownPartition(lpar="was01", option="immediate")
