"""What a running migration costs the engine: x real time with and without one.

Run: python benchmarks/bench_mobility.py [--seconds S] [--repeat N]

Two systems on one engine (the demo E1080 and a DR E1050 with its VIOS pair, VLANs and LUNs,
tests/engine/mobility/mobility_frames.py). The migration is hana01's (512 GB, its workload
made a flat 5.6 busy cores: 1120 MB/s dirtied against 1250 MB/s, so the copy is still running
at the end of the run). Each figure is the best of --repeat runs of S simulated seconds.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests" / "engine" / "mobility"))

from mobility_frames import DR, dr_frame  # noqa: E402

from engine.hmc import Hmc  # noqa: E402
from engine.model import Workload  # noqa: E402
from engine.ops import MigratePartition  # noqa: E402
from engine.roles import Actor  # noqa: E402
from engine.service import Engine  # noqa: E402
from engine.store import demo_frame  # noqa: E402


def engine(migrating: bool) -> Engine:
    prod = demo_frame()
    hana = prod.partition("hana01")
    assert hana is not None
    prod = prod.with_partition(hana.model_copy(update={
        "workload": Workload(kind="steady", params={"base": 0.7, "noise": 0.0})}))
    e = Engine(Hmc(systems=(prod, dr_frame(prod))), seed=1)
    e.step(60)  # warm-up: first samples, caches
    if migrating:
        op = MigratePartition(system=prod.system.name, lpar="hana01", dest_system=DR)
        assert e.execute(op, Actor()).ok
    return e


def ratio(migrating: bool, seconds: float) -> float:
    e = engine(migrating)
    wall0 = time.perf_counter()
    e.step(seconds)
    wall = time.perf_counter() - wall0
    if migrating:
        m = e.snapshot().frames[0].migrations
        assert m and m[0].state == "Migration In Progress", m
    return seconds / wall


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=1800.0)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    for migrating in (False, True):
        best = max(ratio(migrating, args.seconds) for _ in range(args.repeat))
        label = "one migration running" if migrating else "no migration"
        print(f"two systems, {label}: {args.seconds:.0f} s simulated at {best:.0f}x real time")


if __name__ == "__main__":
    main()
