"""Every engine operation's `command()` string parses back to the same operation."""

from __future__ import annotations

import typing

import pytest

from engine import ops
from engine.model import Profile, VirtualEth, VirtualFc, VirtualScsi
from hmc_tui.hmccli import plan_operations

SHARED = Profile(name="p2", min_proc_units=0.1, desired_proc_units=0.5, max_proc_units=1.0,
                 min_procs=1, desired_procs=2, max_procs=4, sharing_mode="uncap",
                 uncap_weight=64, min_mem=2048, desired_mem=4096, max_mem=8192,
                 max_virtual_slots=30, boot_mode="sms")
POOLED = SHARED.model_copy(update={"name": "pooled", "shared_proc_pool_id": 1})
DEDICATED = Profile(name="ded", proc_mode="ded", min_procs=1, desired_procs=2, max_procs=2,
                    sharing_mode="keep_idle_procs", min_mem=4096, desired_mem=8192,
                    max_mem=8192)

OPERATIONS: list[ops.Operation] = [
    ops.ChangePartition(lpar="dev02", new_name="dev02b", default_profile="default_profile"),
    ops.ActivatePartition(lpar="dev02", profile="default_profile", boot_mode="sms"),
    ops.ActivatePartition(lpar="ibmi01", profile="default_profile", boot_mode="of",
                          keylock="manual", ipl_source="b"),
    *(ops.ShutdownPartition(lpar="was01", option=option, restart=restart)
      for option in ("delayed", "immediate", "os", "os_immediate") for restart in (False, True)),
    ops.PowerOnSystem(), ops.PowerOnSystem(standby=True),
    ops.PowerOffSystem(), ops.PowerOffSystem(immediate=True),
    ops.PowerOffSystem(immediate=True, force=True),
    ops.ChangeProcessors(lpar="oradb01", action="add", proc_units=0.5),
    ops.ChangeProcessors(lpar="oradb01", action="remove", procs=2, proc_units=1.25),
    ops.ChangeProcessors(lpar="oradb01", action="move", procs=1, target_lpar="was01"),
    ops.ChangeMemory(lpar="was01", action="add", mem=1024),
    ops.ChangeMemory(lpar="was01", action="move", mem=512, target_lpar="oradb01"),
    ops.SetUncapWeight(lpar="was01", uncap_weight=64),
    ops.CreatePartition(name="lp9", env="aixlinux", profile=SHARED),
    ops.CreatePartition(name="lp10", env="os400", profile=DEDICATED),
    ops.CreatePartition(name="lp11", env="vioserver", profile=POOLED),
    ops.DeletePartition(lpar="dev02"),
    ops.CreateProfile(lpar="was01", profile=SHARED),
    ops.CreateProfile(lpar="hana01", profile=DEDICATED),
    ops.ChangeProfile(lpar="was01", profile="default_profile", changes={
        "desired_mem": 16384, "desired_proc_units": 1.0, "sharing_mode": "cap",
        "shared_proc_pool_name": "DevTestPool", "auto_start": True, "new_name": "prod"}),
    ops.DeleteProfile(lpar="oradb01", profile="month_end"),
    ops.ChangePool(pool="DevTestPool", max_proc_units=10, reserved_proc_units=1.5,
                   new_name="Dev"),
    ops.ChangePool(pool="SharedPool05", max_proc_units=4),
    ops.MovePartitionPool(lpar="was01", pool="DevTestPool"),
    ops.AddVirtualAdapter(lpar="dev02", adapter=VirtualEth(slot=5, pvid=20, vlans=(21, 22),
                                                           ieee=True)),
    ops.AddVirtualAdapter(lpar="vios1", adapter=VirtualEth(slot=9, pvid=99, trunk_priority=3)),
    ops.AddVirtualAdapter(lpar="dev02", adapter=VirtualScsi(slot=6, side="client",
                                                            remote_lpar_id=1, remote_slot=30)),
    ops.AddVirtualAdapter(lpar="vios1", adapter=VirtualScsi(slot=30, side="server")),
    ops.AddVirtualAdapter(lpar="dev02", adapter=VirtualFc(slot=7, side="client",
                                                          remote_lpar_id=2, remote_slot=47)),
    ops.RemoveVirtualAdapter(lpar="dev02", slot=10),
    ops.RemoveVirtualAdapter(lpar="oradb01", slot=4),
    ops.MapVscsi(vios="vios1", vhost_slot=20, backing="hdisk7"),
    ops.MapVscsi(vios="vios2", vhost_slot=19, backing="hdisk8", vtd="dev02_data"),
    ops.UnmapVscsi(vios="vios1", vtd="vtscsi0"),
    ops.MapNpiv(vios="vios1", vfchost_slot=43, port="fcs1"),
    ops.UnmapNpiv(vios="vios2", vfchost_slot=45),
    ops.CreateSea(vios="vios1", physical="ent1", trunk_slots=(3,), default_slot=3,
                  ha_mode="sharing"),
    ops.CreateSea(vios="vios2", physical="ent1", trunk_slots=(2, 3), default_slot=2,
                  ctl_chan_slot=3, ha_mode="standby"),
    ops.UpdateFirmware(option="a", level="52"),
    ops.UpdateFirmware(option="c"),
    ops.RemoveSea(vios="vios1", name="ent8"),
    # engine/ops/system.py
    ops.ChangeSystem(new_name="P10A", power_off_policy=0, power_on_lpar_start_policy="userinit"),
    ops.ChangeSystem(power_off_policy=1),
    ops.ChangeSystemMemory(requested_num_sys_huge_pages=4, mem_mirroring_mode="sys_firmware_only",
                           pend_mem_region_size="auto"),
    ops.ChangeSystemMemory(pend_mem_region_size=128),
    ops.ApplyProfile(lpar="dev02", profile="default_profile"),
    ops.SetProfileSync(lpar="was01", sync_curr_profile=2),
    ops.NetbootPartition(lpar="dev02", profile="default_profile", discover=True, ping=True,
                         server="10.0.0.5", gateway="10.0.0.1", client="10.0.0.20"),
    ops.NetbootPartition(lpar="dev02", profile="default_profile", force=True, ping=True,
                         location="U9080.HEX.78H4A21-V9-C10-T1", server="10.0.0.5",
                         gateway="10.0.0.1", client="10.0.0.20"),
    ops.NetbootPartition(lpar="dev02", profile="default_profile", mac="fa2c7d09000a",
                         server="10.0.0.5", gateway="10.0.0.1", client="10.0.0.20"),
    ops.AcceptViosLicense(vios="vios1"),
    ops.MapVscsi(vios="vios1", vhost_slot=20, backing="hdisk7", force=True),
    ops.CreateOptical(vios="vios1", vhost_slot=20),
    ops.CreateOptical(vios="vios2", vhost_slot=19, vtd="cd0"),
    ops.LoadOptical(vios="vios1", vtd="vtopt0", media="aix73_tl2.iso"),
    ops.LoadOptical(vios="vios1", vtd="vtopt0", media="aix73_tl2.iso", force=True),
    ops.UnloadOptical(vios="vios1", vtd="vtopt0"),
    ops.CreateRepository(vios="vios2", size_mb=10240),
    ops.CreateRepository(vios="vios2", pool="datavg", size_mb=1500),
    ops.ChangeSampleRate(sample_rate=300),
    ops.ChangeSampleRate(sample_rate=0),
    # engine/ops/faults.py (hmc-tui's own chhwfault)
    ops.InjectFault(kind="port_down", location="vios1:fcs0"),
    ops.InjectFault(kind="core"),
    ops.InjectFault(kind="dimm", location="dimm 3", size_gb=32),
    ops.InjectFault(kind="crash", location="was01", restart=False),
    ops.InjectFault(kind="power_loss"),
    ops.InjectFault(kind="runaway", location="test01"),
    ops.InjectFault(kind="memleak", location="test01", rate=256),
    ops.InjectFault(kind="noisy", location="was01"),
    ops.InjectFault(kind="callhome_down"),
    ops.ClearFault(kind="core", location="core 0"),
    ops.ClearFault(kind="port_down"),
    ops.ConfigureDevices(lpar="was01"),
    ops.CloseServiceEvent(problem_num=3),
    ops.CloseServiceEvent(),
    ops.SetCallHome(enabled=False),
    ops.SetCallHome(enabled=True),
    # engine/ops/partition_config.py and rmsyscfg --vioscfg
    ops.SaveCurrentConfig(lpar="was01", profile="saved"),
    ops.SaveCurrentConfig(lpar="was01", profile="default_profile", force=True),
    ops.DeletePartition(lpar="sandbox01", vioscfg=True),
    ops.DeletePartition(lpar="sandbox01", vioscfg=True, vdisk=True),
    # engine/ops/mobility.py (migrlpar; the target is named as given, resolved by the engine)
    ops.MigratePartition(system="Server-9080-HEX-SN78H4A21", lpar="was01",
                         dest_system="Server-9043-MRX-SN78K3D05"),
    ops.MigratePartition(system="Server-9080-HEX-SN78H4A21", lpar="was01",
                         dest_system="9043-MRX*78K3D05", dest_lpar_id=20, pool="DefaultPool",
                         vscsi=((2, "drvios1"), (3, "drvios2")), vfc=((4, "drvios1"),),
                         source_msp="vios1", dest_msp="drvios1"),
    ops.MigratePartition(system="Server-9080-HEX-SN78H4A21", lpar="was01", action="stop"),
    ops.MigratePartition(system="Server-9080-HEX-SN78H4A21", lpar="was01", action="recover"),
]


@pytest.mark.parametrize("op", OPERATIONS, ids=lambda op: op.op)
def test_command_parses_back_to_the_operation(console, op: ops.Operation) -> None:  # type: ignore
    line = op.command(console.snapshot().frame)
    assert plan_operations(console, line) == [op], line


# What a partition's console does (engine/ops/console.py: keys in the firmware, a boot device,
# the OS shutting itself down) has no HMC command that makes it: its command names the
# nearest one (mkvterm, chsysstate), which plans another operation.
CONSOLE_ONLY = {"InterruptBoot", "BootFromDevice", "FirmwareReset", "OsShutdown"}


def test_every_operation_type_is_covered() -> None:
    union = typing.get_args(typing.get_args(ops.AnyOperation)[0])
    assert {cls.__name__ for cls in union} - CONSOLE_ONLY == {
        type(op).__name__ for op in OPERATIONS}


def test_defaults_the_command_fills_in(console) -> None:  # type: ignore[no-untyped-def]
    """The command of an activation without profile names the default profile, and an
    explicit `-b norm` (overriding a profile's SMS boot mode) survives the round trip."""
    frame = console.snapshot().frame
    bare = ops.ActivatePartition(lpar="dev02")
    assert plan_operations(console, bare.command(frame)) == [
        ops.ActivatePartition(lpar="dev02", profile="default_profile")]
    norm = ops.ActivatePartition(lpar="dev02", profile="default_profile", boot_mode="norm")
    assert plan_operations(console, norm.command(frame)) == [norm]


def test_listings_plan_nothing(console) -> None:  # type: ignore[no-untyped-def]
    assert plan_operations(console, "lssyscfg -r sys") == []
    line = "viosvrcmd -m Server-9080-HEX-SN78H4A21 -p vios1 -c 'lsmap -all'"
    assert plan_operations(console, line) == []
