"""Seeded, deterministic CPU demand per partition, in cores, vectorised over partitions.

Each partition has a kind (steady, diurnal, batch, bursty, idle, oltp, hana, ibmi_batch, vios)
and a few float params (fractions of its virtual processors). Demand is a pure function of
(seed, partition key, engine time): the same seed and calls give identical arrays, and
demand(0, 200) equals demand(0, 100) followed by demand(1, 100), however the engine slices
its ticks.

Noise is a pure function of (seed, key, 100 ms block number), so it does not depend on tick
sizes or call order. It is read from two per-partition tables of uniforms with coprime
lengths (1021 and 1031 blocks), summed into triangular noise: the pair repeats only after
1021 * 1031 blocks (29 h), costs two row slices per call instead of a hash of every element
(~7x cheaper, and the budget is ~1 ms per simulated second), and takes 8 MB for 1000
partitions. Tables are filled once from a splitmix64 hash of (seed, key), so a partition keeps
its noise when others are added or removed. Bursts use the hash directly (few columns).
Demand is constant within a 100 ms block (10 dispatch windows): nothing the HMC shows resolves
finer than 1 s, and it lets the dispatcher dispatch each block once (demand_blocks +
Dispatcher.run(repeats=...)), which is exact because identical windows get identical grants.
The day curves are tabulated per second of the day.

Engine time t maps to wall-clock time epoch + t (naive local time, no DST) for the hour of
day and weekday of the business curves.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

import numpy as np
import numpy.typing as npt

BLOCK_SECONDS = 0.1  # demand resolution
WINDOW_SECONDS = 0.01  # PHYP dispatch window (same value as engine.phyp)
WINDOWS_PER_BLOCK = 10
DEFAULT_EPOCH = datetime(2024, 1, 1)  # a Monday, 00:00

# Defaults per kind (fractions of VPs unless noted). Every key of a kind may be overridden.
DEFAULTS: dict[str, dict[str, float]] = {
    "steady": {"base": 0.40, "noise": 0.05},
    "diurnal": {"base": 0.10, "peak": 0.70, "noise": 0.05, "weekend": 0.25},
    "batch": {"base": 0.05, "peak": 0.90, "noise": 0.05},
    "bursty": {"base": 0.10, "peak": 0.90, "noise": 0.05, "burst_prob": 0.10,
               "burst_len": 20.0},
    "idle": {"base": 0.02, "noise": 0.01},
    "oltp": {"base": 0.15, "peak": 0.75, "noise": 0.10, "lunch_dip": 0.30, "weekend": 0.20},
    "hana": {"base": 0.60, "peak": 0.95, "noise": 0.05, "spike_prob": 0.05, "spike_len": 5.0},
    "ibmi_batch": {"base": 0.05, "peak": 0.85, "noise": 0.05},
    "vios": {"base": 0.05, "peak": 0.20, "noise": 0.06},
}
KINDS: tuple[str, ...] = tuple(DEFAULTS)
_LENGTHS = {"burst_len", "spike_len"}  # seconds (> 0); every other key is a fraction in 0..1


def param_problem(kind: str, given: Mapping[str, float] | None) -> str:
    """Why a workload kind and its params are not valid ("" when they are)."""
    if kind not in DEFAULTS:
        return f"unknown workload kind {kind!r} (valid: {', '.join(KINDS)})"
    for key, value in (given or {}).items():
        if key not in DEFAULTS[kind]:
            return (f"workload param {key!r} is not valid for kind {kind!r} "
                    f"(valid: {', '.join(DEFAULTS[kind])})")
        try:
            v = float(value)
        except (TypeError, ValueError):
            v = float("nan")
        ok = v > 0 if key in _LENGTHS else 0.0 <= v <= 1.0
        if not (np.isfinite(v) and ok):
            limit = "a number > 0" if key in _LENGTHS else "a number in 0..1"
            return f"workload param {key!r} must be {limit}, got {value!r}"
    return ""


def _mix(z: np.ndarray) -> np.ndarray:
    """splitmix64 finaliser on uint64 arrays (wrapping arithmetic is intended)."""
    with np.errstate(over="ignore"):
        z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
        return z ^ (z >> np.uint64(31))


def _hash(keys: np.ndarray, counter: np.ndarray, salt: int) -> np.ndarray:
    """64 random bits from (key, counter, salt); shapes broadcast."""
    with np.errstate(over="ignore"):
        c = counter.astype(np.uint64) * np.uint64(0x9E3779B97F4A7C15)
        return _mix(keys ^ c ^ np.uint64(salt * 0xD1B54A32D192ED03 & 0xFFFFFFFFFFFFFFFF))


def _uniform(keys: np.ndarray, counter: np.ndarray, salt: int) -> np.ndarray:
    """Uniform [0, 1) float32 from (key, counter, salt); shapes broadcast."""
    return (_hash(keys, counter, salt) >> np.uint64(40)).astype(np.float32) * np.float32(2.0**-24)


def _plateau(h: np.ndarray, a: float, b: float, c: float, d: float) -> np.ndarray:
    """0 before hour a, smooth rise to 1 at b, 1 until c, smooth fall to 0 at d."""
    up = np.clip((h - a) / (b - a), 0.0, 1.0)
    down = np.clip((d - h) / (d - c), 0.0, 1.0)
    up, down = up * up * (3 - 2 * up), down * down * (3 - 2 * down)  # smoothstep
    return np.minimum(up, down)


class Workloads:
    """Demand generators for N partitions.

    kinds[i] in KINDS; params[i] overrides that kind's DEFAULTS (None = defaults); vps[i] caps
    the demand (cores); keys[i] (default i) seeds partition i's noise, so pass stable LPAR ids
    to keep a partition's demand unchanged when others are added or removed.
    """

    NOISE_PERIODS = (1021, 1031)  # blocks; coprime, so the sum repeats after 29 hours

    def __init__(self, kinds: Sequence[str], params: Sequence[Mapping[str, float] | None] | None,
                 vps: npt.ArrayLike, seed: int, epoch: datetime = DEFAULT_EPOCH,
                 keys: Sequence[int] | None = None, dtype: npt.DTypeLike = np.float32) -> None:
        n = len(kinds)
        self.n = n
        self.vps = np.asarray(vps, dtype=np.float64).reshape(-1)
        if self.vps.shape != (n,) or np.any(~np.isfinite(self.vps)) or np.any(self.vps < 0):
            raise ValueError(f"vps: expected {n} finite values >= 0")
        if params is not None and len(params) != n:
            raise ValueError(f"params: expected {n} entries, got {len(params)}")
        self.kinds = list(kinds)
        self.params = [self._resolve(i, kinds[i], params[i] if params else None)
                       for i in range(n)]
        self.seed = int(seed)
        self.epoch = epoch
        self.dtype = np.dtype(dtype)
        kind_idx = np.array([KINDS.index(k) for k in kinds], dtype=np.int64)

        def col(key: str) -> np.ndarray:
            return np.array([p.get(key, 0.0) for p in self.params], dtype=np.float32)

        self.base = col("base")
        self.span = np.maximum(col("peak") - self.base, 0)  # 0 for kinds without a peak
        self.noise = col("noise")
        self.vps32 = self.vps.astype(np.float32)
        business = np.isin(kind_idx, [KINDS.index("diurnal"), KINDS.index("oltp")])
        self.weekend_cut = business * (1 - col("weekend"))  # fraction of the lift lost
        self.lunch_dip = col("lunch_dip")
        curve_of = {"diurnal": 0, "oltp": 0, "vios": 0, "batch": 1, "ibmi_batch": 2}
        self.curve = np.array([curve_of.get(k, 3) for k in kinds], dtype=np.int64)  # 3: flat
        self.event_prob = col("burst_prob") + col("spike_prob")
        self.events = np.flatnonzero(self.event_prob > 0)  # bursty / hana columns
        self.event_len = (col("burst_len") + col("spike_len")).astype(np.float64)[self.events]

        key_list = np.arange(n) if keys is None else np.asarray(keys, dtype=np.int64)
        if key_list.shape != (n,):
            raise ValueError(f"keys: expected {n} entries")
        seed64 = np.array([self.seed & 0xFFFFFFFFFFFFFFFF], dtype=np.uint64)
        with np.errstate(over="ignore"):
            self.keys = _mix(key_list.astype(np.uint64) * np.uint64(0xA24BAED4963EE407)
                             ^ _mix(seed64))
        self.tables = [_uniform(self.keys, np.arange(p)[:, None], 10 + j)
                       for j, p in enumerate(self.NOISE_PERIODS)]
        self._event_cache: tuple[np.ndarray, np.ndarray] | None = None
        self._day0 = (epoch.hour * 3600 + epoch.minute * 60 + epoch.second
                      + epoch.microsecond / 1e6)  # seconds since midnight at engine time 0
        self._weekday0 = epoch.weekday()

    def set_vps(self, vps: npt.ArrayLike) -> None:
        """New demand caps (after a DLPAR change) without rebuilding the noise tables."""
        v = np.asarray(vps, dtype=np.float64).reshape(-1)
        if v.shape != (self.n,) or np.any(~np.isfinite(v)) or np.any(v < 0):
            raise ValueError(f"vps: expected {self.n} finite values >= 0")
        self.vps, self.vps32 = v, v.astype(np.float32)

    @staticmethod
    def _resolve(i: int, kind: str, given: Mapping[str, float] | None) -> dict[str, float]:
        problem = param_problem(kind, given)
        if problem:
            raise ValueError(f"partition {i}: {problem}")
        out = dict(DEFAULTS[kind])
        out.update({key: float(value) for key, value in (given or {}).items()})
        return out

    # ------------------------------------------------------------------ generation

    @staticmethod
    @functools.cache
    def _day_table() -> np.ndarray:
        """Per second of the day: business, night batch, IBM i batch, flat (0), lunch: [86400, 5].

        business 10:00-16:00 (ramps 07-10, 16-19); batch 22:00-04:00 (ramps 20-22, 04-06);
        IBM i batch 01:00-05:00 (ramps 23-01, 05-06); lunch dip 12:15-13:00.
        """
        h = (np.arange(86400) + 0.5) / 3600.0
        night = (h + 12.0) % 24.0  # 22:00 -> 10, 04:00 -> 16
        cols = [_plateau(h, 7, 10, 16, 19), _plateau(night, 8, 10, 16, 18),
                _plateau(night, 11, 13, 17, 18), np.zeros_like(h),
                _plateau(h, 11.75, 12.25, 13.0, 13.5)]
        table = np.stack(cols, axis=1).astype(np.float32)
        table.flags.writeable = False
        return table

    def block_levels(self, first_block: int, blocks: int) -> np.ndarray:
        """Demand in cores of the 100 ms blocks first_block...: [blocks, N] float32."""
        b = np.arange(first_block, first_block + blocks, dtype=np.int64)
        t = (b + 0.5) * BLOCK_SECONDS
        second = np.floor(self._day0 + t).astype(np.int64)
        day, sod = np.divmod(second, 86400)
        weekend = ((self._weekday0 + day) % 7 >= 5).astype(np.float32)[:, None]
        curves = self._day_table()[sod]  # [B, 5]
        shape = np.take(curves, self.curve, axis=1)  # [B, N]
        shape *= 1 - weekend * self.weekend_cut
        shape *= 1 - curves[:, 4:5] * self.lunch_dip
        if len(self.events) and blocks:
            shape[:, self.events] += self._events_on(t)
        t1, t2 = self.tables
        u = np.take(t1, b, axis=0, mode="wrap") + np.take(t2, b, axis=0, mode="wrap")
        u -= 1  # triangular in (-1, 1)
        level = self.base + self.span * shape + self.noise * u
        np.clip(level, 0.0, 1.0, out=level)
        return level * self.vps32

    def _events_on(self, t: np.ndarray) -> np.ndarray:
        """Bursts / spikes: on or off for whole segments of event_len seconds: [B, E] float32.

        Segments last seconds while a call covers ~1 s, so the last segment row is cached.
        """
        segment = np.floor(t[:, None] / self.event_len).astype(np.int64)
        if np.array_equal(segment[0], segment[-1]):
            cached = self._event_cache
            if cached is None or not np.array_equal(cached[0], segment[0]):
                on = _uniform(self.keys[self.events], segment[0], 1) < self.event_prob[self.events]
                cached = self._event_cache = (segment[0], on.astype(np.float32))
            return np.broadcast_to(cached[1], segment.shape)
        on = _uniform(self.keys[self.events], segment, 1) < self.event_prob[self.events]
        return on.astype(np.float32)

    def _blocks(self, start_time: float, k: int) -> tuple[int, np.ndarray]:
        """First block and windows per block for k windows from start_time."""
        if k < 0:
            raise ValueError("k: must be >= 0")
        w0 = round(start_time / WINDOW_SECONDS)
        if abs(w0 * WINDOW_SECONDS - start_time) > 1e-6:
            raise ValueError(f"start_time {start_time!r} is not on a 10 ms window boundary")
        first = w0 // WINDOWS_PER_BLOCK
        last = (w0 + k - 1) // WINDOWS_PER_BLOCK if k else first - 1
        blocks = np.arange(first, last + 1, dtype=np.int64)
        lo = np.maximum(blocks * WINDOWS_PER_BLOCK, w0)
        hi = np.minimum((blocks + 1) * WINDOWS_PER_BLOCK, w0 + k)
        return int(first), (hi - lo).astype(np.int64)

    def demand(self, start_time: float, k: int) -> np.ndarray:
        """Demand [k, N] in cores (0..vps) of the k windows starting at start_time (seconds).

        Fortran-ordered (partition-major memory), which the dispatcher reads without a transpose.
        """
        first, reps = self._blocks(start_time, k)
        level = np.ascontiguousarray(self.block_levels(first, len(reps)).T)  # [N, B]
        # a scalar repeat count is ~3x faster than per-block counts
        same = len(reps) > 0 and np.all(reps == reps[0])
        out = np.repeat(level, int(reps[0]) if same else reps, axis=1)
        return out.T.astype(self.dtype, copy=False)  # [N, k] C-order viewed as [k, N]

    def demand_blocks(self, start_time: float, k: int) -> tuple[np.ndarray, np.ndarray]:
        """The same k windows as (distinct demands [B, N], windows of each [B]), for
        Dispatcher.run(demand, repeats=windows)."""
        first, reps = self._blocks(start_time, k)
        level = np.asfortranarray(self.block_levels(first, len(reps)))
        return level.astype(self.dtype, copy=False), reps

    def describe(self) -> list[dict[str, Any]]:
        """Kind and resolved params of every partition (for the UI and saved frames)."""
        return [{"kind": k, **p} for k, p in zip(self.kinds, self.params, strict=True)]
