"""Creating a partition with its VIOS server adapters, deleting it with --vioscfg, saving
the current configuration to a profile: exact adapters, mappings and commands."""

from __future__ import annotations

import pytest

from engine import ops
from engine.model import Disk, Frame, Profile, VirtualEth, VirtualFc, VirtualScsi
from engine.roles import Actor
from engine.service import Engine, OpResult
from engine.store import demo_frame

ADMIN = Actor()
SYS = "Server-9080-HEX-SN78H4A21"
PROFILE = Profile(name="default_profile", min_proc_units=0.1, desired_proc_units=0.5,
                  max_proc_units=2.0, min_procs=1, desired_procs=2, max_procs=4,
                  min_mem=2048, desired_mem=8192, max_mem=16384)
CLIENTS = (VirtualScsi(slot=2, side="client", remote_lpar_id=1, remote_slot=22),
           VirtualFc(slot=4, side="client", remote_lpar_id=2, remote_slot=46),
           VirtualEth(slot=10, pvid=20))


def demo_with_lv() -> Frame:
    """The demo frame with a logical volume on vios1 for the new partition's disk."""
    frame = demo_frame()
    lv = Disk(name="lp12_lv", kind="lv", size_gb=20, owners=(1,))
    return frame.model_copy(update={"io": frame.io.model_copy(
        update={"disks": (*frame.io.disks, lv)})})


@pytest.fixture
def engine() -> Engine:
    return Engine(demo_with_lv(), seed=3)


def without_rmc(engine: Engine, vios: str) -> Engine:
    """The same frame on a new engine, with the VIOS's RMC connection down."""
    frame = engine.snapshot().frame
    v = frame.partition(vios)
    assert v is not None
    return Engine(frame.with_partition(v.model_copy(update={"rmc_state": "inactive"})), seed=3)


def run(engine: Engine, op: ops.Operation) -> OpResult:
    result = engine.execute(op, ADMIN)
    assert result.ok, f"{result.code} {result.message}"
    return result


def refused(engine: Engine, op: ops.Operation, code: str) -> OpResult:
    before = engine.snapshot().frame
    result = engine.execute(op, ADMIN)
    assert (result.ok, result.code) == (False, code), result.message
    assert engine.snapshot().frame == before  # nothing half-done
    return result


def create(**kw: object) -> ops.CreatePartition:
    fields: dict[str, object] = dict(name="lp12", env="aixlinux", profile=PROFILE,
                                     adapters=CLIENTS, vios_servers=True)
    return ops.CreatePartition(**(fields | kw))  # type: ignore[arg-type]


def test_create_makes_the_server_adapters_on_each_vios_in_one_step(engine: Engine) -> None:
    result = run(engine, create())
    frame = engine.snapshot().frame
    new = frame.partition("lp12")
    assert new is not None and new.id == 12 and new.state == "Not Activated"
    assert frame.partition("vios1").adapter(22) == VirtualScsi(  # type: ignore[union-attr]
        slot=22, side="server", remote_lpar_id=12, remote_slot=2)
    assert frame.partition("vios2").adapter(46) == VirtualFc(  # type: ignore[union-attr]
        slot=46, side="server", remote_lpar_id=12, remote_slot=4)
    # The HMC generates the client WWPN pair and the MAC, above the highest in the frame.
    fc = new.adapter(4)
    eth = new.adapter(10)
    assert isinstance(fc, VirtualFc) and fc.wwpns == ("c0507610a8c40008", "c0507610a8c40009")
    assert isinstance(eth, VirtualEth) and eth.mac == "FA2C7D0B000B"
    commands = result.event.command.split("; ")
    assert commands[:2] == [
        f"chhwres -r virtualio -m {SYS} -o a -p vios1 --rsubtype scsi -s 22 "
        '-a "adapter_type=server,remote_lpar_id=12,remote_slot_num=2"',
        f"chhwres -r virtualio -m {SYS} -o a -p vios2 --rsubtype fc -s 46 "
        '-a "adapter_type=server,remote_lpar_id=12,remote_slot_num=4"',
    ]
    assert commands[2].startswith(f'mksyscfg -r lpar -m {SYS} -i "name=lp12,profile_name=')
    assert '"virtual_scsi_adapters=2/client/1/vios1/22/0"' not in commands[2]  # one list each
    assert "virtual_scsi_adapters=2/client/1/vios1/22/0," in commands[2]


def test_create_without_vios_servers_is_mksyscfg_and_refused_without_a_server(
        engine: Engine) -> None:
    result = refused(engine, create(vios_servers=False), "HSCL0A09")
    assert result.event.command.startswith("mksyscfg -r lpar")


def test_create_refuses_a_vios_slot_holding_something_else(engine: Engine) -> None:
    clash = (VirtualScsi(slot=2, side="client", remote_lpar_id=1, remote_slot=43),)  # a vfchost
    result = refused(engine, create(adapters=clash), "HSCL0A06")
    assert result.message == "The virtual slot 43 is already in use by vios1."


def test_create_refuses_a_server_on_a_vios_without_rmc(engine: Engine) -> None:
    refused(without_rmc(engine, "vios1"), create(), "HSCL294C")


def test_create_keeps_a_server_adapter_open_to_any_partition(engine: Engine) -> None:
    run(engine, ops.AddVirtualAdapter(lpar="vios1", adapter=VirtualScsi(slot=22, side="server")))
    run(engine, create(adapters=CLIENTS[:1]))
    assert engine.snapshot().frame.partition("vios1").adapter(22) == VirtualScsi(  # type: ignore[union-attr]
        slot=22, side="server")


def map_slot22(engine: Engine) -> None:
    run(engine, ops.MapVscsi(vios="vios1", vhost_slot=22, backing="lp12_lv"))
    run(engine, ops.MapNpiv(vios="vios2", vfchost_slot=46, port="fcs0"))


def test_delete_with_vioscfg_removes_server_adapters_and_mappings(engine: Engine) -> None:
    run(engine, create())
    map_slot22(engine)
    before = engine.snapshot().frame
    result = run(engine, ops.DeletePartition(lpar="lp12", vioscfg=True))
    assert result.event.command == f"rmsyscfg -r lpar -m {SYS} -n lp12 --vioscfg"
    frame = engine.snapshot().frame
    vios1, vios2 = frame.partition("vios1"), frame.partition("vios2")
    assert vios1 is not None and vios2 is not None
    assert vios1.adapter(22) is None and vios2.adapter(46) is None
    assert [m.vtd for m in vios1.vscsi_mappings if m.vhost_slot == 22] == []
    assert [m.port for m in vios2.npiv_mappings if m.vfchost_slot == 46] == []
    assert len(vios1.adapters) == len(before.partition("vios1").adapters) - 1  # type: ignore[union-attr]
    assert "lp12_lv" in {d.name for d in frame.io.disks}  # no --vdisk: the volume stays


def test_delete_with_vdisk_also_removes_the_logical_volume(engine: Engine) -> None:
    run(engine, create())
    map_slot22(engine)
    result = run(engine, ops.DeletePartition(lpar="lp12", vioscfg=True, vdisk=True))
    assert result.event.command.endswith("-n lp12 --vioscfg --vdisk")
    assert "lp12_lv" not in {d.name for d in engine.snapshot().frame.io.disks}


def test_delete_without_vioscfg_leaves_servers_serving_any(engine: Engine) -> None:
    run(engine, create())
    run(engine, ops.DeletePartition(lpar="lp12"))
    assert engine.snapshot().frame.partition("vios1").adapter(22) == VirtualScsi(  # type: ignore[union-attr]
        slot=22, side="server")


def test_delete_with_vioscfg_needs_the_vios_up_for_its_mappings(engine: Engine) -> None:
    run(engine, create())
    map_slot22(engine)
    refused(without_rmc(engine, "vios1"), ops.DeletePartition(lpar="lp12", vioscfg=True),
            "HSCL0DB4")


def test_save_current_config_to_a_new_and_an_existing_profile(engine: Engine) -> None:
    run(engine, ops.ChangeProcessors(lpar="was01", action="add", proc_units=0.5))
    result = run(engine, ops.SaveCurrentConfig(lpar="was01", profile="after_dlpar"))
    assert result.event.command == (
        f"mksyscfg -r prof -m {SYS} -o save -p was01 -n after_dlpar")
    saved = engine.snapshot().frame.partition("was01").profile("after_dlpar")  # type: ignore[union-attr]
    assert saved is not None and saved.desired_proc_units == 2.0 and saved.desired_procs == 4
    refused(engine, ops.SaveCurrentConfig(lpar="was01", profile="after_dlpar"), "HSCL0A06")
    refused(engine, ops.SaveCurrentConfig(lpar="sandbox01", profile="x"), "HSCL1558")
    result = run(engine, ops.SaveCurrentConfig(lpar="was01", profile="default_profile",
                                               force=True))
    assert result.event.command.endswith("-n default_profile --force")
    was01 = engine.snapshot().frame.partition("was01")
    assert was01 is not None and was01.profile("default_profile").desired_proc_units == 2.0  # type: ignore[union-attr]


@pytest.mark.parametrize("op", [
    create(),
    ops.DeletePartition(lpar="lp12", vioscfg=True, vdisk=True),
    ops.SaveCurrentConfig(lpar="was01", profile="saved", force=True),
], ids=lambda op: op.op)
def test_operations_survive_the_log_and_the_wire(op: ops.Operation) -> None:
    """The operation log and the service protocol carry operations as JSON data."""
    assert ops.build(op.model_dump(mode="json")) == op


def test_a_logged_create_replays_to_the_same_frame(engine: Engine) -> None:
    """Replaying the log applies the same data to the same frame: same ids, slots, MACs."""
    data = create().model_dump(mode="json")
    run(engine, ops.build(data))
    again = Engine(demo_with_lv(), seed=3)
    run(again, ops.build(data))
    assert again.snapshot().frame.partitions == engine.snapshot().frame.partitions
