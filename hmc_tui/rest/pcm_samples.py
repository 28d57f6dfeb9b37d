"""PCM's figures from the engine's utilisation counters: the processed samples a request
asks for (`window`), counter rates over them, and the ProcessedMetrics JSON (`systemUtil`)
for the managed system and for one partition, as hmci and the other collectors read it.
See hmc_tui/rest/pcm.py for the routes and docs/pcm.md for what each figure is."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from engine.io_load import IoSeries
from engine.model import Frame, Partition
from engine.snapshot import UtilSeries
from hmc_tui.rest.pcm_io import IoRates, client_io, utilized_mem, vios_io
from hmc_tui.rest.uuids import mtms, partition_uuid, system_uuid

UTIL_VERSION = "1.3.0"
ENV_TYPES = {"aixlinux": "AIX/Linux", "os400": "IBM i", "vioserver": "Virtual IO Server"}

Series = Callable[[str, int], UtilSeries]  # (resource "lpar"|"pool", key) -> long samples
Uuid = Callable[[Partition], str]


# ---------------------------------------------------------------- time stamps


def wall(frame: Frame, t: float) -> datetime:
    """Engine seconds on the frame's calendar (its epoch is UTC wall time)."""
    return (frame.system.epoch + timedelta(seconds=t)).replace(tzinfo=UTC)


def file_stamp(moment: datetime) -> str:
    """20200807T082500+0000, as in the HMC's JSON file names."""
    return moment.strftime("%Y%m%dT%H%M%S%z")


def json_stamp(moment: datetime) -> str:
    """2020-08-10T21:10:30+0000, as in utilInfo and sampleInfo."""
    return moment.strftime("%Y-%m-%dT%H:%M:%S%z")


def parse_file_stamp(text: str) -> datetime:
    return datetime.strptime(text, "%Y%m%dT%H%M%S%z")


# ---------------------------------------------------------------- samples -> rates


@dataclass(frozen=True)
class Window:
    """The processed samples asked for: pairs (previous raw sample time, sample time)."""

    pairs: tuple[tuple[float, float], ...]

    @property
    def start(self) -> float:
        return self.pairs[0][1]

    @property
    def end(self) -> float:
        return self.pairs[-1][1]

    def __bool__(self) -> bool:
        return bool(self.pairs)


def window(times: Sequence[float], count: int | None = None, start: float | None = None,
           end: float | None = None) -> Window:
    """The last `count` intervals of the timeline `times` (oldest first), or those whose end
    lies in [start, end]."""
    pairs = [(times[i - 1], times[i]) for i in range(1, len(times))]
    if start is not None:
        pairs = [p for p in pairs if p[1] >= start - 1e-6]
    if end is not None:
        pairs = [p for p in pairs if p[1] <= end + 1e-6]
    if count is not None:
        pairs = pairs[-count:] if count > 0 else []
    return Window(tuple(pairs))


def rates(series: UtilSeries, win: Window, per: str = "time_cycles"
          ) -> dict[str, list[float | None]]:
    """Counter rates (cores) for each interval of `win`: d(counter) / d(time_cycles). None
    where the series has no sample at either end (the partition did not exist yet)."""
    at = {round(t, 6): i for i, t in enumerate(series.times)}
    out: dict[str, list[float | None]] = {n: [] for n in series.counters if n != per}
    base = series.counters.get(per, ())
    for before, after in win.pairs:
        i, j = at.get(round(before, 6)), at.get(round(after, 6))
        ok = i is not None and j is not None and base[j] > base[i]
        for name in out:
            if ok:
                assert i is not None and j is not None
                values = series.counters[name]
                out[name].append((values[j] - values[i]) / (base[j] - base[i]))
            else:
                out[name].append(None)
    return out


def _v(value: float | None) -> list[float]:
    """One figure as the HMC writes it: a one-element array (metricArrayOrder AVG), 3 places."""
    return [round(value or 0.0, 3)]


@dataclass(frozen=True)
class LparRates:
    entitled: float
    capped: float
    uncapped: float
    idle: float
    donated: float

    @property
    def utilized(self) -> float:
        # Dedicated partitions accrue their owned cores as capped cycles and the idle part
        # as idle cycles; shared ones accrue no idle cycles. Used = capped + uncapped - idle.
        return max(self.capped + self.uncapped - self.idle, 0.0)


def lpar_rates(series: UtilSeries, win: Window) -> list[LparRates]:
    r = rates(series, win)

    def col(name: str) -> list[float | None]:
        return r.get(name, [None] * len(win.pairs))

    return [LparRates(e or 0.0, c or 0.0, u or 0.0, i or 0.0, d or 0.0) for e, c, u, i, d in zip(
        col("entitled_cycles"), col("capped_cycles"), col("uncapped_cycles"),
        col("idle_cycles"), col("shared_cycles_while_active"), strict=True)]


# ---------------------------------------------------------------- JSON builders


def _os_type(p: Partition) -> str:
    text = p.os_version.upper()
    if p.is_vios or text.startswith("VIOS"):
        return "VIOS"
    if text.startswith("AIX"):
        return "AIX"
    if p.env == "os400" or text.startswith("IBM I"):
        return "IBM i"
    return "Linux"


def _processor(p: Partition, r: LparRates) -> dict[str, Any]:
    res = p.settings()
    block: dict[str, Any] = {}
    if res.shared:
        block.update(poolId=res.shared_proc_pool_id, weight=res.uncap_weight)
    block["mode"] = res.sharing_mode
    block.update(
        maxVirtualProcessors=_v(res.max_procs),
        currentVirtualProcessors=_v(res.desired_procs if p.active else 0),
        maxProcUnits=_v(res.max_proc_units if res.shared else res.max_procs),
        entitledProcUnits=_v(r.entitled),
        utilizedProcUnits=_v(r.utilized),
        utilizedCappedProcUnits=_v(max(r.capped - r.idle, 0.0)),
        utilizedUncappedProcUnits=_v(r.uncapped),
        idleProcUnits=_v(r.idle),
        donatedProcUnits=_v(r.donated),
    )
    return block


def lpar_util(p: Partition, uuid: str, r: LparRates, io: dict[str, Any] | None = None,
              used_mem: float = 0.0) -> dict[str, Any]:
    """One partition in `lparsUtil` (a client partition's own ProcessedMetrics); `io` its
    network and storage blocks (hmc_tui/rest/pcm_io.py), `used_mem` the MB its OS uses."""
    mem = p.settings().desired_mem if p.active else 0
    return {
        "id": p.id, "uuid": uuid, "name": p.name, "state": p.state,
        "type": ENV_TYPES[p.env], "osType": _os_type(p), "affinityScore": 100,
        "memory": {"logicalMem": _v(mem), "backedPhysicalMem": _v(mem),
                   "utilizedMem": _v(used_mem)},
        "processor": _processor(p, r),
        **(io or {}),
    }


def vios_util(p: Partition, uuid: str, r: LparRates, io: dict[str, Any] | None = None,
              used_mem: float = 0.0) -> dict[str, Any]:
    """One VIOS in the managed system's `viosUtil`."""
    mem = p.settings().desired_mem if p.active else 0
    return {
        "id": p.id, "uuid": uuid, "name": p.name, "state": p.state, "affinityScore": 100,
        "memory": {"assignedMem": _v(mem), "utilizedMem": _v(used_mem)},
        "processor": _processor(p, r),
        **(io or {}),
    }


def _util_info(frame: Frame, win: Window, rate: int) -> dict[str, Any]:
    s = frame.system
    return {
        "version": UTIL_VERSION, "metricType": "Processed", "frequency": rate,
        "startTimeStamp": json_stamp(wall(frame, win.start)),
        "endTimeStamp": json_stamp(wall(frame, win.end)),
        "mtms": mtms(s), "name": s.name, "uuid": system_uuid(s), "metricArrayOrder": ["AVG"],
    }


def _sample_info(frame: Frame, t: float) -> dict[str, Any]:
    return {"timeStamp": json_stamp(wall(frame, t)), "status": 0}


def _physical_pool_size(frame: Frame) -> float:
    dedicated = sum(p.current.desired_procs for p in frame.partitions
                    if p.current is not None and not p.current.shared)
    return float(frame.system.configurable_procs - dedicated)


def system_metrics(frame: Frame, series: Series, win: Window, rate: int,
                   lpar_uuid: Uuid | None = None, io: IoSeries | None = None
                   ) -> dict[str, Any]:
    """The managed system's ProcessedMetrics JSON for the intervals of `win`; `io` the
    engine's network and storage counters (engine/io_load.py) over them, if read."""
    uuid_of = lpar_uuid or (lambda p: partition_uuid(frame.system, p))
    io_rates = IoRates(io, win.pairs) if io is not None else None
    vioses = [p for p in frame.partitions if p.is_vios and p.active]
    uuids = {p.id: uuid_of(p) for p in frame.partitions} if vioses and io_rates else {}
    per_lpar = {p.id: lpar_rates(series("lpar", p.id), win) for p in frame.partitions}
    active_pools = [pool for pool in frame.pools if pool.id == 0 or pool.max_proc_units > 0]
    pool_rates = {pool.id: rates(series("pool", pool.id), win) for pool in active_pools}
    entitled = frame.pools_entitled()
    s = frame.system
    assigned_mem = sum(p.current.desired_mem for p in frame.partitions if p.current is not None)
    physical = _physical_pool_size(frame)
    samples = []
    for k, (_, t) in enumerate(win.pairs):
        used = sum(per_lpar[p.id][k].utilized for p in frame.partitions)
        borrowed = sum(per_lpar[p.id][k].donated for p in frame.partitions
                       if p.current is not None and not p.current.shared)
        # The physical shared pool: DefaultPool's size (every core no dedicated partition
        # holds, plus the idle cycles dedicated partitions lend), used by all shared pools.
        pool_size = pool_rates[0]["total_pool_cycles"][k] or 0.0
        pool_used = sum(pool_rates[pool.id]["utilized_pool_cycles"][k] or 0.0
                        for pool in active_pools)
        shared_pools = []
        for pool in active_pools:
            r = pool_rates[pool.id]
            size = r["total_pool_cycles"][k] or 0.0
            utilized = r["utilized_pool_cycles"][k] or 0.0
            # DefaultPool may use whatever the other pools leave of the physical pool.
            left = size - (pool_used if pool.id == 0 else utilized)
            shared_pools.append({
                "id": pool.id, "name": pool.name,
                "assignedProcUnits": _v(entitled[pool.id]),
                "utilizedProcUnits": _v(utilized),
                "availableProcUnits": _v(max(left, 0.0)),
                "configuredProcUnits": _v(physical if pool.id == 0 else pool.max_proc_units),
                "borrowedProcUnits": _v(0.0),
            })
        samples.append({
            "sampleType": "ManagedSystem",
            "sampleInfo": _sample_info(frame, t),
            "systemFirmwareUtil": {"utilizedProcUnits": _v(0.0),
                                   "assignedMem": _v(frame.firmware_mem())},
            "serverUtil": {
                "processor": {
                    "totalProcUnits": _v(s.installed_procs),
                    "utilizedProcUnits": _v(used),
                    "availableProcUnits": _v(frame.avail_proc_units()),
                    "configurableProcUnits": _v(s.configurable_procs),
                },
                "memory": {
                    "totalMem": _v(s.installed_mem),
                    "availableMem": _v(frame.avail_mem()),
                    "configurableMem": _v(s.configurable_mem),
                    "assignedMemToLpars": _v(assigned_mem),
                },
                "physicalProcessorPool": {
                    "assignedProcUnits": _v(pool_size),
                    "utilizedProcUnits": _v(pool_used),
                    "availableProcUnits": _v(max(pool_size - pool_used, 0.0)),
                    "configuredProcUnits": _v(physical),
                    "borrowedProcUnits": _v(borrowed),
                },
                "sharedProcessorPool": shared_pools,
            },
            "viosUtil": [vios_util(
                p, uuid_of(p), per_lpar[p.id][k],
                vios_io(frame, p, io_rates, k, uuids) if io_rates else None,
                utilized_mem(frame, p, t)) for p in vioses],
        })
    return {"systemUtil": {"utilInfo": _util_info(frame, win, rate), "utilSamples": samples}}


def partition_metrics(frame: Frame, p: Partition, series: Series, win: Window, rate: int,
                      lpar_uuid: Uuid | None = None, io: IoSeries | None = None
                      ) -> dict[str, Any]:
    """One partition's ProcessedMetrics JSON (sampleType LogicalPartition, lparsUtil)."""
    uuid = (lpar_uuid or (lambda q: partition_uuid(frame.system, q)))(p)
    per = lpar_rates(series("lpar", p.id), win)
    io_rates = IoRates(io, win.pairs) if io is not None else None
    samples = [{
        "sampleType": "LogicalPartition",
        "sampleInfo": _sample_info(frame, t),
        "lparsUtil": [lpar_util(p, uuid, per[k],
                                client_io(frame, p, io_rates, k) if io_rates else None,
                                utilized_mem(frame, p, t))],
    } for k, (_, t) in enumerate(win.pairs)]
    return {"systemUtil": {"utilInfo": _util_info(frame, win, rate), "utilSamples": samples}}
