"""The processors of the frame: workloads -> PHYP dispatch -> utilisation counters.

Glue between the frame model and the array code in phyp, workload and utilisation: one
row per partition (in frame order, keyed by partition id so a partition keeps its demand
stream and history when others come and go), rebuilt only when the frame changes.

Demand is generated per 100 ms block (workload.Workloads.demand_blocks). The ten 10 ms
windows of a block see the same demand, hence get identical grants; the dispatcher
solves such a run of windows once and weights its sums by the window count
(Dispatcher.run(repeats=...)), which is exact, not an approximation of per-window dispatch.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from engine.model import RUNNING_STATES, Frame, Partition
from engine.phyp import N_POOLS, DispatchConfig, Dispatcher
from engine.snapshot import PoolLive, UtilSeries
from engine.utilisation import PROC_CYCLES_PER_SECOND, WINDOW_SECONDS, Utilisation
from engine.workload import Workloads
from engine.workload_faults import PINNED, leaking, memory

if TYPE_CHECKING:
    from engine.io_load import IoSeries

# Share of a partition's workload demand while it is not running its OS: firmware,
# boot and shutdown still burn a little CPU.
BOOTING_DEMAND = 0.1


def os_up(p: Partition) -> bool:
    return p.state in RUNNING_STATES and p.refcode == ""


class Processors:
    def __init__(self, frame: Frame, seed: int = 0) -> None:
        self._seed = seed
        self._epoch = frame.system.epoch
        self._frame: Frame | None = None
        self._ids: list[int] = []
        self._workload_key: tuple | None = None  # None: never built (frames may be empty)
        self._util = Utilisation(0, start_time=frame.engine_time)
        # late: engine.io_load routes through engine.redundancy, which imports os_up from here
        from engine.io_load import IoLoad

        self._io = IoLoad(seed)
        self._configure(frame)

    # ------------------------------------------------------------------ configuration
    def _configure(self, frame: Frame) -> None:
        parts = frame.partitions
        ids = [p.id for p in parts]
        if ids != self._ids:
            old = {lpar_id: row for row, lpar_id in enumerate(self._ids)}
            self._util.remap(np.array([old.get(i, -1) for i in ids], dtype=np.int64))
            self._ids = ids
        self._util.sample_rate = frame.system.sample_rate
        current = [p.current for p in parts]
        active = np.array([c is not None for c in current], dtype=bool)
        res = [p.settings() for p in parts]
        dedicated = np.array([not r.shared for r in res], dtype=bool)
        vps = np.array([float(r.desired_procs) for r in res])
        ent = np.array([r.entitlement for r in res])
        pool_max = np.zeros(N_POOLS)
        pool_reserved = np.zeros(N_POOLS)
        for pool in frame.pools[1:]:
            if pool.max_proc_units > 0:
                pool_max[pool.id] = pool.max_proc_units
                pool_reserved[pool.id] = pool.reserved_proc_units
        self._cfg = DispatchConfig.build(
            float(frame.system.configurable_procs), ent, vps, running=active,
            dedicated=dedicated, capped=np.array([r.capped for r in res], dtype=bool),
            weight=np.array([float(r.uncap_weight) for r in res]),
            pool=np.array([r.shared_proc_pool_id if r.shared else 0 for r in res]),
            donate=np.array([r.donates_while_active for r in res], dtype=bool),
            pool_max=pool_max, pool_reserved=pool_reserved,
        )
        self._dispatcher = Dispatcher(self._cfg)
        key = tuple((p.id, p.workload.kind, tuple(sorted(p.workload.params.items())))
                    for p in parts)
        if key != self._workload_key:
            self._workloads = Workloads(
                [p.workload.kind for p in parts], [dict(p.workload.params) for p in parts],
                vps, self._seed, epoch=self._epoch, keys=ids)
            self._workload_key = key
        else:
            self._workloads.set_vps(vps)
        self._scale = np.array(
            [1.0 if os_up(p) else BOOTING_DEMAND if p.active else 0.0 for p in parts],
            dtype=np.float32)
        # A runaway process or a noisy neighbour (faults, engine/ops/faults.py) keeps every
        # virtual processor of its partition busy whatever the workload asks.
        runaway = {f.target for f in frame.faults if f.kind in PINNED}
        self._floor = np.array([vps[i] if p.name in runaway and os_up(p) else 0.0
                                for i, p in enumerate(parts)], dtype=np.float32) \
            if runaway else None
        # A memory leak: paging costs CPU growing with engine time (engine/workload_faults.py)
        self._leaks = [(row, parts[row], vps[row]) for row, _ in leaking(frame)
                       if os_up(parts[row])]
        self._frame = frame
        self._io_update(frame)

    def _io_update(self, frame: Frame) -> None:
        """Network and storage load (engine/io_load.py): a new epoch when the frame's routes
        or rates changed, with every counter as it is now."""
        ring = self._util.long
        oldest = float(ring.time[ring.seq % ring.capacity]) if len(ring) == ring.capacity else None
        self._io.update(frame, self._util.time, self._ids, self._used(), keep_after=oldest)

    def _used(self) -> np.ndarray:
        """Cycles each partition has used so far (capped + uncapped - idle)."""
        return _used_cycles(self._util.lpar)

    def _same_setup(self, frame: Frame) -> bool:
        """Nothing `_configure` reads has changed (frames share unchanged parts)."""
        old = self._frame
        return old is not None and (
            frame.partitions is old.partitions and frame.pools is old.pools
            and frame.system is old.system and frame.faults is old.faults)

    # ------------------------------------------------------------------ running
    def run(self, frame: Frame, start_window: int, windows: int) -> None:
        """Dispatch `windows` 10 ms windows starting at window `start_window`."""
        if frame is not self._frame:
            if self._same_setup(frame):
                self._frame = frame  # e.g. only a migration's progress moved on
                self._io_update(frame)  # an SEA takeover ends, a path comes back
            else:
                self._configure(frame)
        if not self._ids:
            return
        blocks, repeats = self._workloads.demand_blocks(start_window / 100, windows)
        demand = blocks * self._scale
        if self._floor is not None:
            demand = np.maximum(demand, self._floor)
        if self._leaks:
            demand = self._paging(frame, demand, start_window / 100)
        totals = self._dispatcher.run(demand, repeats)
        self._util.add(totals, windows, (start_window + windows) / 100)

    def _paging(self, frame: Frame, demand: np.ndarray, now: float) -> np.ndarray:
        """Demand plus the CPU a leaking partition spends paging (its figure at the start of
        the run: runs are a tick, at most a second)."""
        demand = np.array(demand, order="F")
        for row, p, vps in self._leaks:
            extra = memory(frame, p, now).paging_cpu * vps
            if extra:
                demand[:, row] = np.minimum(demand[:, row] + extra, vps)
        return demand

    # ------------------------------------------------------------------ reading
    def physc(self) -> dict[int, float]:
        """Physical cores used per partition over the last tick."""
        live = self._util.live_physc
        return {lpar_id: round(float(live[row]), 4) for row, lpar_id in enumerate(self._ids)}

    def core_seconds(self) -> dict[int, float]:
        """Core-seconds each partition used since this engine started (unrounded)."""
        used = self._util.used * WINDOW_SECONDS
        return {lpar_id: float(used[row]) for row, lpar_id in enumerate(self._ids)}

    def pools_live(self, frame: Frame) -> tuple[PoolLive, ...]:
        used, size = self._util.live_pool_used, self._util.live_pool_size
        entitled = frame.pools_entitled()
        return tuple(
            PoolLive(pool_id=pool.id, size=round(float(size[pool.id]), 4),
                     entitled=entitled[pool.id],
                     used=round(float(used[pool.id]), 4))
            for pool in frame.pools if pool.id == 0 or pool.max_proc_units > 0
        )

    def io_series(self, last: int | None = None, want: set[int] | None = None) -> IoSeries:
        """Network and storage counters at the last `last` long-term samples (all kept if
        None), oldest first; partitions of `want` only (None: every one)."""
        times, cycles, lpar, _ = self._util.block(last, "long", newest_first=False)
        return self._io.series(times, cycles / PROC_CYCLES_PER_SECOND, self._ids,
                               _used_cycles(lpar), want)

    def series(self, resource: str, key: int, interval: str,
               last: int | None = None) -> UtilSeries:
        if resource == "lpar":
            if key not in self._ids:
                return UtilSeries(times=(), counters={})
            s = self._util.lpar_samples(self._ids.index(key), last, interval=interval,
                                        newest_first=False)
        else:
            s = self._util.pool_samples(key, last, interval=interval, newest_first=False)
        # tolist: Python ints and floats, as the snapshot's types say, a C loop each (a
        # 1000-partition frame's Pools screen reads 64 pools' samples at a time)
        counters = {name: tuple(values.tolist()) for name, values in s.counters.items()}
        counters["time_cycles"] = tuple(s.time_cycles.tolist())
        return UtilSeries(times=tuple(s.time.astype(float).tolist()), counters=counters)


def _used_cycles(lpar: np.ndarray) -> np.ndarray:
    """Cycles used (capped + uncapped - idle, LPAR_COUNTERS) from counters laid out as
    [..., counter, partition]: now, or at each sample of a ring."""
    return (lpar[..., 1, :] + lpar[..., 2, :] - lpar[..., 3, :]).astype(np.float64)
