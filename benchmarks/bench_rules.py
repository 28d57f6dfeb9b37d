"""Print how long engine.rules.check_frame takes on a generated 1000-partition frame.

Run from the repository root: `python benchmarks/bench_rules.py`. check_frame runs on every
operation, so it should stay well under 50 ms here. A figure, never a timed test.
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

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
from engine.rules import check_frame, problems

PARTITIONS = 1000
CLIENTS = PARTITIONS - 2  # plus two VIOS
PORTS_PER_VIOS = 16  # 16 x 64 NPIV logins cover 998 clients
POOLS = 10


def client_slot(c: int) -> int:
    """Server slot on each VIOS for client c: vSCSI at 100 + 2c, vFC right after it."""
    return 100 + 2 * c


def build() -> Frame:
    vios_res = dict(
        min_proc_units=1.0, desired_proc_units=2.0, max_proc_units=4.0, min_procs=2,
        desired_procs=4, max_procs=8, min_mem=4096, desired_mem=16384, max_mem=32768,
        max_virtual_slots=4000, uncap_weight=255,
    )
    io_adapters: list[PhysicalAdapter] = []
    disks = [
        Disk(name=f"hdisk{c + 2}", unique_id=f"60050768{c:08X}", owners=(1, 2))
        for c in range(CLIENTS)
    ]
    vioses = []
    for v in (1, 2):
        for a in range(PORTS_PER_VIOS // 2):
            loc = f"U78DA.ND0.WZS000{v}-P0-C{a + 1}"
            io_adapters.append(PhysicalAdapter(
                drc_index=f"2101{v:02X}{a:02X}", location=loc, description="FC", kind="fc",
                owner=v, ports=tuple(
                    PhysicalPort(name=f"fcs{2 * a + t}", location=f"{loc}-T{t + 1}",
                                 wwpn=f"10000090FA{v:02X}{a:02X}{t:02X}")
                    for t in range(2)
                ),
            ))
        loc = f"U78DA.ND0.WZS000{v}-P0-C20"
        io_adapters.append(PhysicalAdapter(
            drc_index=f"2102{v:02X}00", location=loc, description="Eth", kind="eth", owner=v,
            ports=(PhysicalPort(name="ent0", location=f"{loc}-T1", mac=f"40F2E90000{v:02X}"),),
        ))
        adapters: list[VirtualScsi | VirtualFc | VirtualEth] = []
        vscsi, npiv = [], []
        for c in range(CLIENTS):
            lpar_id, s = c + 3, client_slot(c)
            adapters.append(VirtualScsi(slot=s, side="server", remote_lpar_id=lpar_id,
                                        remote_slot=2 * v))
            adapters.append(VirtualFc(slot=s + 1, side="server", remote_lpar_id=lpar_id,
                                      remote_slot=2 * v + 1))
            vscsi.append(VscsiMapping(vhost_slot=s, vtd=f"vtscsi{c}", backing=f"hdisk{c + 2}"))
            npiv.append(NpivMapping(vfchost_slot=s + 1, port=f"fcs{c % PORTS_PER_VIOS}"))
        adapters.append(VirtualEth(slot=10, pvid=1, trunk_priority=v, ieee=True, vlans=(10, 20)))
        adapters.append(VirtualEth(slot=11, pvid=99))
        vioses.append(Partition(
            id=v, name=f"vios{v}", env="vioserver", state="Running", rmc_state="active",
            default_profile="default", curr_profile="default",
            profiles=(Profile(name="default", **vios_res),), current=Resources(**vios_res),
            adapters=tuple(adapters), vscsi_mappings=tuple(vscsi), npiv_mappings=tuple(npiv),
            seas=(SharedEthernetAdapter(name="ent5", physical="ent0", trunk_slots=(10,),
                                        default_slot=10, ctl_chan_slot=11),),
            workload={"kind": "vios"},
        ))
    clients = []
    for c in range(CLIENTS):
        lpar_id, s = c + 3, client_slot(c)
        pool_id = c % (POOLS + 1)  # 0 = DefaultPool, 1..10 user pools
        res = dict(
            min_proc_units=0.05, desired_proc_units=0.1, max_proc_units=1.0, min_procs=1,
            desired_procs=1, max_procs=2, min_mem=1024, desired_mem=2048, max_mem=4096,
            shared_proc_pool_id=pool_id,
        )
        running = c % 2 == 0
        clients.append(Partition(
            id=lpar_id, name=f"lpar{lpar_id:04d}", env="aixlinux",
            state="Running" if running else "Not Activated",
            rmc_state="active" if running else "inactive",
            default_profile="normal", curr_profile="normal" if running else "",
            profiles=(Profile(name="normal", **res), Profile(name="small", **res)),
            current=Resources(**res) if running else None,
            adapters=(
                VirtualScsi(slot=2, side="client", remote_lpar_id=1, remote_slot=s),
                VirtualFc(slot=3, side="client", remote_lpar_id=1, remote_slot=s + 1,
                          wwpns=(f"c05076{c:06x}0001", f"c05076{c:06x}0002")),
                VirtualScsi(slot=4, side="client", remote_lpar_id=2, remote_slot=s),
                VirtualFc(slot=5, side="client", remote_lpar_id=2, remote_slot=s + 1,
                          wwpns=(f"c05076{c:06x}0003", f"c05076{c:06x}0004")),
                VirtualEth(slot=6, pvid=1, mac=f"AA{c:06X}0006"),
            ),
        ))
    return Frame(
        system=ManagedSystem(
            name="bench", mtm="9080-HEX", serial="78BENCH", installed_procs=240,
            configurable_procs=240, installed_mem=4 * 1024 * 1024,
            configurable_mem=4 * 1024 * 1024,
        ),
        pools=tuple(SharedPool(id=i, name=f"pool{i}", max_proc_units=20)
                    for i in range(1, POOLS + 1)),
        io=PhysicalIO(adapters=tuple(io_adapters), disks=tuple(disks)),
        partitions=(*vioses, *clients),
    )


def calibrate() -> float:
    """CPU seconds for a fixed pure-Python loop, to compare figures across machines."""
    t = time.process_time()
    sum(range(1_000_000))
    return time.process_time() - t


def main() -> None:
    t0 = time.perf_counter()
    frame = build()
    built = time.perf_counter() - t0
    found = problems(frame)
    assert not found, found[:3]
    # CPU time of this process: other processes on a shared machine do not count, garbage
    # collections triggered by the check do. Interleaved with the calibration loop.
    runs, walls, marks = [], [], []
    for _ in range(40):
        w, t = time.perf_counter(), time.process_time()
        check_frame(frame)
        runs.append(time.process_time() - t)
        walls.append(time.perf_counter() - w)
        marks.append(calibrate())
    adapters = sum(len(p.adapters) for p in frame.partitions)
    maps = sum(len(p.vscsi_mappings) + len(p.npiv_mappings) for p in frame.partitions)
    ms = 1000
    print(f"frame: {len(frame.partitions)} partitions, {adapters} virtual adapters, "
          f"{maps} VIOS mappings (built in {built:.2f} s)")
    print(f"check_frame CPU time: median {statistics.median(runs) * ms:.1f} ms, "
          f"min {min(runs) * ms:.1f} ms, max {max(runs) * ms:.1f} ms over {len(runs)} runs "
          f"(wall median {statistics.median(walls) * ms:.1f} ms)")
    print(f"calibration: sum(range(10**6)) median {statistics.median(marks) * ms:.1f} ms CPU "
          "(about 8-12 ms on a current desktop CPU with CPython 3.11)")


if __name__ == "__main__":
    main()
