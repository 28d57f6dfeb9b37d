"""A small, valid 9080-HEX frame for the engine tests (the rules tests break it field by field).

The frame (every position below is what the tests' paths refer to):

    partitions[0]  vios1  id 1  Running, shared 1.00 PU / 2 VPs
        slot 11 vSCSI server -> lpar1 slot 2     slot 12 vFC server -> lpar1 slot 3
        slot 20 trunk veth PVID 1 priority 1     slot 21 veth PVID 99 (control channel)
        vscsi hdisk2 on vhost 11, NPIV fcs0 for vfchost 12, SEA ent8 = ent0 + slot 20
    partitions[1]  vios2  id 2  the mirror image: client slots 4 and 5, trunk priority 2
    partitions[2]  lpar1  id 3  Running AIX in SharedPool01: 0.50 PU / 2 VPs,
        slots 2/3 to vios1, 4/5 to vios2, slot 6 veth PVID 1
    partitions[3]  ibmi1  id 4  IBM i, dedicated 2 cores, Not Activated
    pools[1]       SharedPool01: max 8, reserved 0.50

Tests change it with `model_copy(update=...)`, which does not validate: exactly what is
needed to hand the rules a frame that only they would refuse.
"""

from __future__ import annotations

from typing import Any

import pytest

from engine.model import (
    Disk,
    Frame,
    ManagedSystem,
    NpivMapping,
    Partition,
    PhysicalAdapter,
    PhysicalIO,
    PhysicalPort,
    Profile,
    Resources,
    SharedEthernetAdapter,
    SharedPool,
    VirtualEth,
    VirtualFc,
    VirtualScsi,
    VscsiMapping,
)


def _shared(**kw: Any) -> dict[str, Any]:
    base: dict[str, Any] = dict(
        proc_mode="shared", min_proc_units=0.1, desired_proc_units=0.5, max_proc_units=2.0,
        min_procs=1, desired_procs=2, max_procs=4, sharing_mode="uncap", uncap_weight=128,
        min_mem=1024, desired_mem=4096, max_mem=8192, max_virtual_slots=20,
    )
    base.update(kw)
    return base


def _vios(lpar_id: int, name: str, client_scsi: int, client_fc: int, priority: int,
          suffix: str) -> Partition:
    res = _shared(
        min_proc_units=0.5, desired_proc_units=1.0, max_proc_units=2.0, desired_procs=2,
        min_mem=2048, desired_mem=8192, max_mem=16384, max_virtual_slots=200, uncap_weight=255,
    )
    return Partition(
        id=lpar_id, name=name, env="vioserver", state="Running", rmc_state="active",
        default_profile="default", curr_profile="default",
        profiles=(Profile(name="default", **res),),
        current=Resources(**res),
        adapters=(
            VirtualScsi(slot=11, side="server", remote_lpar_id=3, remote_slot=client_scsi),
            VirtualFc(slot=12, side="server", remote_lpar_id=3, remote_slot=client_fc),
            VirtualEth(slot=20, pvid=1, trunk_priority=priority, ieee=True, vlans=(10, 20),
                       mac=f"AA00000020{suffix}"),
            VirtualEth(slot=21, pvid=99, mac=f"AA00000021{suffix}"),
        ),
        vscsi_mappings=(VscsiMapping(vhost_slot=11, vtd="vtscsi0", backing="hdisk2", lun=1),),
        npiv_mappings=(NpivMapping(vfchost_slot=12, port="fcs0"),),
        seas=(SharedEthernetAdapter(name="ent8", physical="ent0", trunk_slots=(20,),
                                    default_slot=20, ctl_chan_slot=21),),
        workload={"kind": "vios"},
    )


def _fc(drc: str, loc: str, owner: int, wwpn_base: int) -> PhysicalAdapter:
    return PhysicalAdapter(
        drc_index=drc, location=loc, description="PCIe4 32Gb 2-Port FC Adapter", kind="fc",
        owner=owner,
        ports=tuple(
            PhysicalPort(name=f"fcs{n}", location=f"{loc}-T{n + 1}",
                         wwpn=f"{wwpn_base + n:016x}", max_npiv=64)
            for n in range(2)
        ),
    )


def _eth(drc: str, loc: str, owner: int, mac_base: int) -> PhysicalAdapter:
    return PhysicalAdapter(
        drc_index=drc, location=loc, description="PCIe3 4-Port 10GbE Adapter", kind="eth",
        owner=owner,
        ports=tuple(
            PhysicalPort(name=f"ent{n}", location=f"{loc}-T{n + 1}", mac=f"{mac_base + n:012X}")
            for n in range(2)
        ),
    )


def make_frame() -> Frame:
    lpar1_res = _shared(shared_proc_pool_id=1)
    lpar1 = Partition(
        id=3, name="lpar1", env="aixlinux", os_version="AIX 7.3 7300-02-01-2346",
        state="Running", rmc_state="active", default_profile="normal", curr_profile="normal",
        profiles=(Profile(name="normal", **lpar1_res),
                  Profile(name="small", **_shared(desired_proc_units=0.2, desired_mem=2048))),
        current=Resources(**lpar1_res),
        adapters=(
            VirtualScsi(slot=2, side="client", remote_lpar_id=1, remote_slot=11),
            VirtualFc(slot=3, side="client", remote_lpar_id=1, remote_slot=12,
                      wwpns=("c050760000000001", "c050760000000002")),
            VirtualScsi(slot=4, side="client", remote_lpar_id=2, remote_slot=11),
            VirtualFc(slot=5, side="client", remote_lpar_id=2, remote_slot=12,
                      wwpns=("c050760000000003", "c050760000000004")),
            VirtualEth(slot=6, pvid=1, mac="AA0000000006"),
        ),
        workload={"kind": "oltp"},
    )
    ded = dict(
        proc_mode="ded", min_procs=1, desired_procs=2, max_procs=4,
        sharing_mode="share_idle_procs", min_mem=2048, desired_mem=16384, max_mem=32768,
    )
    ibmi1 = Partition(
        id=4, name="ibmi1", env="os400", default_profile="default",
        profiles=(Profile(name="default", **ded),), workload={"kind": "ibmi_batch"},
    )
    return Frame(
        system=ManagedSystem(
            name="Server-9080-HEX-SN78ABC12", mtm="9080-HEX", serial="78ABC12",
            installed_procs=64, configurable_procs=48, installed_mem=1048576,
            configurable_mem=524288, mem_region_size=256,
        ),
        pools=(SharedPool(id=1, name="SharedPool01", max_proc_units=8, reserved_proc_units=0.5),),
        io=PhysicalIO(
            adapters=(
                _fc("21010010", "U78DA.ND0.WZS0001-P0-C1", 1, 0x10000090FA000010),
                _eth("21010011", "U78DA.ND0.WZS0001-P0-C2", 1, 0x40F2E9000010),
                _fc("21010020", "U78DA.ND0.WZS0001-P0-C3", 2, 0x10000090FA000020),
                _eth("21010021", "U78DA.ND0.WZS0001-P0-C4", 2, 0x40F2E9000020),
                PhysicalAdapter(drc_index="21010030", location="U78DA.ND0.WZS0001-P0-C5",
                                description="PCIe3 SAS RAID Adapter", kind="sas"),
            ),
            disks=(
                Disk(name="hdisk2", unique_id="600507680C8101", owners=(1, 2)),
                Disk(name="hdisk3", unique_id="600507680C8102", owners=(1, 2)),
                Disk(name="/var/vio/VMLibrary/aix73.iso", kind="file", size_gb=4, owners=(1,)),
            ),
        ),
        partitions=(
            _vios(1, "vios1", client_scsi=2, client_fc=3, priority=1, suffix="01"),
            _vios(2, "vios2", client_scsi=4, client_fc=5, priority=2, suffix="02"),
            lpar1,
            ibmi1,
        ),
    )


@pytest.fixture
def frame() -> Frame:
    return make_frame()
