"""Engine speed and memory: simulated time per wall time at 10 ms windows, on one core.

Run: python benchmarks/bench_engine.py [--hours H] [--faults] [--systems N [--partitions M]]
     python benchmarks/bench_engine.py --io [--hours H]

Prints, for the 1000-partition / 64-pool / 240-core frame and for the demo frame, the ratio
of simulated to wall time (stepping in ten-second ticks, as the accelerated clock does),
and the peak RSS once a simulated day of utilisation history is held. With --faults the
same run starts with faults active (two cores and a DIMM deconfigured, a runaway process,
a memory leak paging, a noisy neighbour, a VIOS down where the frame has one (its SEA's
failover delay included): docs/powervm-rules.md section 13), to show what they cost per
window. With --systems N one engine (one clock) runs N managed systems of M running
partitions each (default 8 x 250: one HMC's fleet), then one of them alone: the ratio to
real time of both, and what one system costs per simulated second. With --io the wired
frame (benchmarks/frames.wired_frame: 989 clients with network and vSCSI through two VIOS)
runs H hours, then vios1 fails and comes back (two SEA failovers and every disk path moved):
the CPU seconds of each part and of reading the I/O load counters (engine/io_load.py).
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.frames import fleet_hmc, large_frame, wired_frame
from engine import ops
from engine.hmc import Hmc
from engine.model import Frame
from engine.roles import Actor
from engine.service import Engine
from engine.store import demo_frame


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def inject_faults(engine: Engine) -> None:
    admin = Actor()
    for op in (ops.InjectFault(kind="core"), ops.InjectFault(kind="core"),
               ops.InjectFault(kind="dimm", size_gb=16)):
        assert engine.execute(op, admin).ok
    busy = next((p for p in engine.snapshot().frame.partitions
                 if not p.is_vios and p.state == "Running"), None)
    if busy is not None:  # a runaway process: the per-window demand floor is in the path
        assert engine.execute(ops.InjectFault(kind="runaway", location=busy.name), admin).ok
    running = [p for p in engine.snapshot().frame.partitions
               if not p.is_vios and p.state == "Running" and p.current is not None]
    leaky = next((p for p in running if busy is None or p.name != busy.name), None)
    if leaky is not None:  # a memory leak: the paging CPU is added every run
        assert engine.execute(ops.InjectFault(kind="memleak", location=leaky.name, rate=64),
                              admin).ok
    noisy = next((p for p in running if p.current is not None and p.current.shared
                  and not p.current.capped and p.current.uncap_weight > 0
                  and p.name not in (busy.name if busy else "", leaky.name if leaky else "")),
                 None)
    if noisy is not None:  # a noisy neighbour: a second pinned demand
        assert engine.execute(ops.InjectFault(kind="noisy", location=noisy.name), admin).ok
    vios = next((p for p in engine.snapshot().frame.partitions if p.is_vios), None)
    if vios is not None:
        assert engine.execute(ops.ShutdownPartition(lpar=vios.name, option="immediate"),
                              admin).ok


def run(name: str, frame: Frame | Hmc, hours: float, faults: bool = False) -> float:
    """The ratio of simulated to wall time."""
    engine = Engine(frame, seed=1)
    if faults:
        inject_faults(engine)
        name += " with faults"
    engine.step(60)  # warm-up: first samples, caches
    seconds = hours * 3600
    wall0, cpu0 = time.perf_counter(), time.process_time()
    engine.step(seconds)
    wall, cpu = time.perf_counter() - wall0, time.process_time() - cpu0
    count = sum(len(f.partitions) for f in Hmc.of(frame).systems)
    print(f"{name}: {count} partitions, {seconds:.0f} s simulated in "
          f"{wall:.1f} s wall ({cpu:.1f} s CPU): {seconds / wall:.0f}x real time "
          f"({seconds / cpu:.0f}x per CPU second); peak RSS {peak_rss_mb():.0f} MB")
    return seconds / wall


def run_fleet(systems: int, partitions: int, hours: float) -> None:
    t0 = time.perf_counter()
    hmc = fleet_hmc(systems, partitions)
    print(f"built {systems} systems x {partitions} partitions in "
          f"{time.perf_counter() - t0:.2f} s")
    ratio = run(f"{systems} systems on one engine", hmc, hours)
    alone = run("one of them alone", hmc.systems[0], hours)
    print(f"per system: {1000 / ratio / systems:.2f} ms of wall time per simulated second "
          f"in the fleet, {1000 / alone:.2f} ms alone; target >= 500x real time: "
          f"{'met' if ratio >= 500 else 'NOT met'}")


def run_io(hours: float) -> None:
    engine = Engine(wired_frame(), seed=1)
    admin = Actor()
    engine.step(60)

    def cpu(what: str, action: Callable[[], object]) -> None:
        t = time.process_time()
        action()
        print(f"{what}: {time.process_time() - t:.3f} s CPU")

    cpu(f"wired frame, {hours * 3600:.0f} s simulated", lambda: engine.step(hours * 3600))
    for last in (2, 120):
        cpu(f"reading the I/O counters of every adapter, {last} samples",
            lambda last=last: engine.io_load(last=last))
    cpu("vios1 shut down, 120 s (the SEA fails over)", lambda: (
        engine.execute(ops.ShutdownPartition(lpar="vios1", option="immediate"), admin),
        engine.step(120)))
    cpu("vios1 activated, 120 s (boot, failback)", lambda: (
        engine.execute(ops.ActivatePartition(lpar="vios1"), admin), engine.step(120)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--hours", type=float, default=24.0, help="simulated hours (default 24)")
    parser.add_argument("--faults", action="store_true", help="run with faults active")
    parser.add_argument("--systems", type=int, default=0,
                        help="N managed systems on one engine (e.g. 8)")
    parser.add_argument("--partitions", type=int, default=250,
                        help="running partitions per system with --systems (default 250)")
    parser.add_argument("--io", action="store_true",
                        help="the wired frame's I/O load and a VIOS failover (engine/io_load.py)")
    args = parser.parse_args()
    if args.io:
        run_io(args.hours)
        return
    if args.systems:
        run_fleet(args.systems, args.partitions, args.hours)
        return
    t0 = time.perf_counter()
    big = large_frame()
    print(f"built the large frame in {time.perf_counter() - t0:.2f} s")
    run("large frame", big, args.hours, args.faults)
    run("demo frame", demo_frame(), args.hours, args.faults)


if __name__ == "__main__":
    main()
