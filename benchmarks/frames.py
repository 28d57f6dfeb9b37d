"""The benchmark frame: a full Power E1080 (240 cores) with 1000 partitions in 64 pools.

Mixed like a real consolidation: dedicated partitions that donate idle cycles or keep them,
capped and uncapped shared partitions with varied weights and workloads, spread over
DefaultPool and 63 shared pools with maximum and reserved capacity. Deterministic.
"""

from __future__ import annotations

import math
import random

from engine.hmc import Hmc
from engine.model import Frame, Partition, Profile, Resources, SharedPool, Workload
from engine.rules import check_frame
from engine.store import demo_frame

KINDS = ("steady", "diurnal", "batch", "bursty", "idle", "oltp", "hana", "ibmi_batch")


def large_frame(partitions: int = 1000, seed: int = 7) -> Frame:
    rng = random.Random(seed)
    demo = demo_frame()
    system = demo.system.model_copy(update={
        "name": "Server-9080-HEX-SN78H9999", "serial": "78H9999",
        "installed_procs": 240, "configurable_procs": 240,
        "installed_mem": 16 * 1024 * 1024, "configurable_mem": 16 * 1024 * 1024,
    })
    parts: list[Partition] = []
    entitled = [0.0] * 64
    for lpar_id in range(1, partitions + 1):
        if lpar_id <= 10:  # dedicated: 4 cores each, half of them donating idle cycles
            mode = "share_idle_procs_active" if lpar_id % 2 else "keep_idle_procs"
            res = dict(proc_mode="ded", min_procs=2, desired_procs=4, max_procs=8,
                       sharing_mode=mode)
        else:
            vps = rng.choice((1, 1, 2, 2, 3, 4))
            units = round(rng.uniform(0.05 * vps, min(0.25, vps)), 2)
            pool = 0 if lpar_id % 3 == 0 else 1 + lpar_id % 63
            capped = rng.random() < 0.2
            res = dict(proc_mode="shared", min_proc_units=round(0.05 * vps, 2),
                       desired_proc_units=units, max_proc_units=float(vps), min_procs=1,
                       desired_procs=vps, max_procs=vps,
                       sharing_mode="cap" if capped else "uncap",
                       uncap_weight=0 if capped else rng.choice((32, 64, 128, 128, 200, 255)),
                       shared_proc_pool_id=pool)
            entitled[pool] += units
        res.update(min_mem=1024, desired_mem=rng.choice((2048, 4096, 8192)), max_mem=16384)
        parts.append(Partition(
            id=lpar_id, name=f"lpar{lpar_id:04d}", env="aixlinux",
            os_version="AIX 7.3 7300-02-01-2346", state="Running", rmc_state="active",
            default_profile="default", curr_profile="default",
            profiles=(Profile(name="default", **res),),  # type: ignore[arg-type]
            current=Resources(**res),  # type: ignore[arg-type]
            workload=Workload(kind=rng.choice(KINDS)),
        ))
    pools = tuple(
        SharedPool(id=i, name=f"Pool{i:02d}", reserved_proc_units=0.25,
                   max_proc_units=math.ceil(entitled[i] + 0.25) + 2)
        for i in range(1, 64)
    )
    frame = Frame(system=system, pools=pools, partitions=tuple(parts))
    check_frame(frame)
    return frame


def fleet_hmc(systems: int = 8, partitions: int = 250) -> Hmc:
    """One HMC managing `systems` large frames of `partitions` running partitions each
    (each its own seed, name and serial): the several-systems benchmark."""
    frames = []
    for i in range(systems):
        frame = large_frame(partitions, seed=7 + i)
        serial = f"78F{i:04d}"
        frames.append(frame.model_copy(update={"system": frame.system.model_copy(
            update={"name": f"Server-9080-HEX-SN{serial}", "serial": serial})}))
    return Hmc(systems=tuple(frames))


def wired_frame(clients: int = 989, seed: int = 7) -> Frame:
    """The demo frame's two VIOS serving `clients` more running partitions, each wired like
    nim01 (a virtual Ethernet adapter on VLAN 10 that vios1's SEA bridges, rootvg over vSCSI
    through both VIOS): the I/O load benchmark (engine/io_load.py)."""
    from engine.model import Disk, VirtualEth, VirtualScsi, VscsiMapping

    rng = random.Random(seed)
    demo = demo_frame()
    system = demo.system.model_copy(update={
        "installed_procs": 240, "configurable_procs": 240,
        "installed_mem": 16 * 1024 * 1024, "configurable_mem": 16 * 1024 * 1024})
    first = max(p.id for p in demo.partitions) + 1
    res = dict(proc_mode="shared", min_proc_units=0.05, desired_proc_units=0.1,
               max_proc_units=1.0, min_procs=1, desired_procs=1, max_procs=1, min_mem=1024,
               desired_mem=2048, max_mem=4096, max_virtual_slots=20)
    parts, disks = list(demo.partitions), list(demo.io.disks)
    servers: dict[int, list[VirtualScsi]] = {1: [], 2: []}
    maps: dict[int, list[VscsiMapping]] = {1: [], 2: []}
    for n in range(clients):
        lpar_id, slot = first + n, 1000 + n
        disk = f"hdisk{100 + n}"
        disks.append(Disk(name=disk, size_gb=50, unique_id=f"6005076{lpar_id:025d}",
                          owners=(1, 2)))
        for vios in (1, 2):
            servers[vios].append(VirtualScsi(slot=slot, side="server", remote_lpar_id=lpar_id,
                                             remote_slot=1 + vios))
            maps[vios].append(VscsiMapping(vhost_slot=slot, vtd=f"vt{lpar_id}", backing=disk))
        parts.append(Partition(
            id=lpar_id, name=f"client{lpar_id:04d}", env="aixlinux",
            os_version="AIX 7.3 7300-02-01-2346", state="Running", rmc_state="active",
            default_profile="default", curr_profile="default",
            profiles=(Profile(name="default", **res),),  # type: ignore[arg-type]
            current=Resources(**res),  # type: ignore[arg-type]
            workload=Workload(kind=rng.choice(KINDS)),
            adapters=(VirtualScsi(slot=2, side="client", remote_lpar_id=1, remote_slot=slot),
                      VirtualScsi(slot=3, side="client", remote_lpar_id=2, remote_slot=slot),
                      VirtualEth(slot=10, pvid=10)),
        ))
    for vios in (1, 2):
        p = parts[vios - 1]
        slots = {"max_virtual_slots": 1000 + clients + 100}
        parts[vios - 1] = p.model_copy(update={
            "current": p.current.model_copy(update=slots) if p.current else None,
            "profiles": tuple(q.model_copy(update=slots) for q in p.profiles),
            "adapters": p.adapters + tuple(servers[vios]),
            "vscsi_mappings": p.vscsi_mappings + tuple(maps[vios])})
    return demo.model_copy(update={"system": system, "partitions": tuple(parts),
                                   "io": demo.io.model_copy(update={"disks": tuple(disks)})})
