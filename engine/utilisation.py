"""HMC utilisation counters (lslparutil, docs/powervm-rules.md section 7).

Monotonic int64 cycle counters, R = PROC_CYCLES_PER_SECOND cycles per core-second:
  system    time_cycles          += R per elapsed second (one core's worth; same for all rows)
  partition entitled_cycles      += EC x R (dedicated: cores x R) while running
            capped_cycles        += used within EC x R (dedicated: owned cores x R)
            uncapped_cycles      += used above EC x R
            idle_cycles          += idle owned cores x R (dedicated only)
            shared_cycles_while_active += idle cores lent to the pool x R (donating dedicated)
  pool      total_pool_cycles    += pool size x R
            utilized_pool_cycles += cores used by members x R
Rates come from deltas between two samples, e.g. physc = d(capped + uncapped) / d(time_cycles);
for dedicated partitions physc is the owned cores and busy = (d capped - d idle) / d capped.

Samples are taken on engine-time boundaries: short-term every 5 s (720 kept: 1 h) for the
console's live views, and the HMC's samples ("long") at the frame's sample rate
(`lslparutil -r config`: 30 s by default, 0 = off, up to 3600 s; 2880 kept: a day at 30 s,
four months at an hour), in preallocated ring buffers. When a tick spans a boundary the
counters at the boundary are interpolated linearly within the tick (the dispatcher reports
only tick sums), so sample times are exact multiples of the interval. Memory for N partitions:
(720 + 2880) x 5 counters x 8 bytes x N = 144 MB for N = 1000, touched only as filled.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np
import numpy.typing as npt

PROC_CYCLES_PER_SECOND = 512_000_000
WINDOW_SECONDS = 0.01  # PHYP dispatch window (same value as engine.phyp)
SHORT_INTERVAL = 5.0
LONG_INTERVAL = 30.0  # the default sample rate (ManagedSystem.sample_rate)
SHORT_CAPACITY = 720  # one hour at 5 s
LONG_CAPACITY = 2880  # one day at 30 s
N_POOLS = 64
LIVE_SECONDS = 1.0  # span of the "live" figures for the UI

LPAR_COUNTERS = ("entitled_cycles", "capped_cycles", "uncapped_cycles", "idle_cycles",
                 "shared_cycles_while_active")
POOL_COUNTERS = ("total_pool_cycles", "utilized_pool_cycles")

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]
Sums = npt.NDArray[np.floating[Any]]


class Totals(Protocol):
    """What Utilisation.add reads: engine.phyp.WindowTotals (sums in core-windows, float32 or
    float64 as the dispatcher computes them)."""

    @property
    def used(self) -> Sums: ...
    @property
    def entitled(self) -> Sums: ...
    @property
    def uncapped(self) -> Sums: ...
    @property
    def idle(self) -> Sums: ...
    @property
    def donated(self) -> Sums: ...
    @property
    def ent_cap(self) -> Sums: ...
    @property
    def pool_used(self) -> Sums: ...
    @property
    def pool_size(self) -> Sums: ...


class Ring:
    """Preallocated ring of samples; seq counts every sample ever appended."""

    def __init__(self, capacity: int, n: int) -> None:
        self.capacity = capacity
        self.seq = 0
        self.time = np.zeros(capacity)
        self.time_cycles = np.zeros(capacity, dtype=np.int64)
        self.lpar = np.zeros((capacity, len(LPAR_COUNTERS), n), dtype=np.int64)
        self.pool = np.zeros((capacity, len(POOL_COUNTERS), N_POOLS), dtype=np.int64)

    def append(self, time: float, time_cycles: int, lpar: IntArray, pool: IntArray) -> None:
        i = self.seq % self.capacity
        self.time[i], self.time_cycles[i] = time, time_cycles
        self.lpar[i] = lpar
        self.pool[i] = pool
        self.seq += 1

    def __len__(self) -> int:
        return min(self.seq, self.capacity)

    def slots(self, n: int | None = None, newest_first: bool = True) -> IntArray:
        """Buffer indexes of the last n samples (all kept if None)."""
        count = len(self) if n is None else max(0, min(n, len(self)))
        idx = (self.seq - 1 - np.arange(count)) % self.capacity
        return idx if newest_first else idx[::-1]

    def remap(self, rows: IntArray) -> None:
        """New row j = old row rows[j] (-1: a new, zeroed row)."""
        lpar = np.zeros((self.capacity, len(LPAR_COUNTERS), len(rows)), dtype=np.int64)
        keep = rows >= 0
        lpar[:, :, keep] = self.lpar[:, :, rows[keep]]
        self.lpar = lpar


@dataclass(frozen=True)
class Samples:
    """Counter samples, ordered as requested (newest first is lslparutil's order).

    time: engine seconds; time_cycles: system counter; counters: name -> int64 values.
    """

    time: FloatArray
    time_cycles: IntArray
    counters: dict[str, IntArray]

    def __len__(self) -> int:
        return len(self.time)

    def __getitem__(self, name: str) -> IntArray:
        return self.time_cycles if name == "time_cycles" else self.counters[name]


def rates(s: Samples) -> dict[str, FloatArray]:
    """Rates between consecutive samples (len - 1 values, in the samples' order).

    Partition samples give physc, entc_pct (physc / EC x 100) and dedicated busy; pool samples
    give pool_used and pool_size (cores).
    """
    newest_first = len(s) > 1 and s.time[0] > s.time[-1]
    sign = -1 if newest_first else 1

    def d(a: np.ndarray) -> FloatArray:
        return (sign * np.diff(a)).astype(np.float64)

    dt = np.maximum(d(s.time_cycles), 1)
    out: dict[str, FloatArray] = {}
    if "capped_cycles" in s.counters:
        used = d(s["capped_cycles"]) + d(s["uncapped_cycles"])
        ent = d(s["entitled_cycles"])
        capped = d(s["capped_cycles"])
        out["physc"] = used / dt
        out["entc_pct"] = np.divide(100 * used, ent, out=np.zeros_like(used), where=ent > 0)
        out["busy"] = np.divide(capped - d(s["idle_cycles"]), capped, out=np.zeros_like(used),
                                where=capped > 0)
    if "total_pool_cycles" in s.counters:
        out["pool_used"] = d(s["utilized_pool_cycles"]) / dt
        out["pool_size"] = d(s["total_pool_cycles"]) / dt
    return out


class Utilisation:
    """Counters, sample rings and live figures for N partition rows (caller owns the mapping:
    row i = partition i of the caller's list) and 64 pools."""

    def __init__(self, n: int, start_time: float = 0.0, short_capacity: int = SHORT_CAPACITY,
                 long_capacity: int = LONG_CAPACITY) -> None:
        self.n = n
        self.time = float(start_time)  # engine time of the counters
        self.sample_rate = round(LONG_INTERVAL)  # seconds between "long" samples; 0 = none
        self.time_cycles = 0
        self.lpar = np.zeros((len(LPAR_COUNTERS), n), dtype=np.int64)
        self.pool = np.zeros((len(POOL_COUNTERS), N_POOLS), dtype=np.int64)
        self._frac = np.zeros((len(LPAR_COUNTERS), n))  # sub-cycle remainders: no drift
        self._pool_frac = np.zeros((len(POOL_COUNTERS), N_POOLS))
        self.short = Ring(short_capacity, n)
        self.long = Ring(long_capacity, n)
        self.first_seq = {"short": np.zeros(n, dtype=np.int64),
                          "long": np.zeros(n, dtype=np.int64)}
        # live figures for the UI, over the last >= LIVE_SECONDS of engine time
        self.live_physc = np.zeros(n)
        self.live_pool_used = np.zeros(N_POOLS)
        self.live_pool_size = np.zeros(N_POOLS)
        self.live_time = self.time
        self._acc_used = np.zeros(n)
        self._acc_pool = np.zeros((2, N_POOLS))
        self._acc_windows = 0
        # core-windows used per row since the engine started, unrounded: a migration's dirty
        # rate is its difference between two ticks, whatever their spacing (engine/mobility)
        self.used = np.zeros(n)

    # ------------------------------------------------------------------ updates

    def add(self, totals: Totals, windows: int, engine_time: float) -> None:
        """Account `windows` dispatch windows (sums in totals) ending at engine_time."""
        if windows <= 0:
            return
        if engine_time <= self.time:
            raise ValueError(f"engine_time {engine_time} does not advance past {self.time}")
        if totals.used.shape != (self.n,):
            raise ValueError(f"totals: expected {self.n} partitions, got {totals.used.shape}")
        per = PROC_CYCLES_PER_SECOND * WINDOW_SECONDS  # cycles per core-window
        inc = np.stack([totals.ent_cap, totals.entitled + totals.idle, totals.uncapped,
                        totals.idle, totals.donated]) * per
        pool_inc = np.stack([totals.pool_size, totals.pool_used]) * per
        dt_cycles = round(windows * per)
        start, end = self.time, float(engine_time)
        # Sample boundaries crossed by this tick, with the counters interpolated at each.
        first = np.floor(start / SHORT_INTERVAL + 1e-9) + 1
        last = np.floor(end / SHORT_INTERVAL + 1e-9)
        for b in np.arange(first, last + 1):
            at = b * SHORT_INTERVAL
            f = (at - start) / (end - start)
            lpar = self.lpar + np.floor(self._frac + inc * f).astype(np.int64)
            pool = self.pool + np.floor(self._pool_frac + pool_inc * f).astype(np.int64)
            cycles = self.time_cycles + round(dt_cycles * f)
            self.short.append(at, cycles, lpar, pool)
            if self.sample_rate > 0 and round(at) % self.sample_rate == 0:
                self.long.append(at, cycles, lpar, pool)
        self._accumulate(inc, pool_inc, dt_cycles)
        self.time = end
        self._live(totals, windows)

    def _accumulate(self, inc: Sums, pool_inc: Sums, dt_cycles: int) -> None:
        total = self._frac + inc
        whole = np.floor(total)
        self.lpar += whole.astype(np.int64)
        self._frac = total - whole
        ptotal = self._pool_frac + pool_inc
        pwhole = np.floor(ptotal)
        self.pool += pwhole.astype(np.int64)
        self._pool_frac = ptotal - pwhole
        self.time_cycles += dt_cycles

    def _live(self, totals: Totals, windows: int) -> None:
        self._acc_used += totals.used
        self.used += totals.used
        self._acc_pool += (totals.pool_used, totals.pool_size)
        self._acc_windows += windows
        if self._acc_windows * WINDOW_SECONDS >= LIVE_SECONDS - 1e-9:
            w = self._acc_windows
            self.live_physc = self._acc_used / w
            self.live_pool_used, self.live_pool_size = self._acc_pool / w
            self.live_time = self.time
            self._acc_used = np.zeros(self.n)
            self._acc_pool = np.zeros((2, N_POOLS))
            self._acc_windows = 0

    def resize(self, n: int) -> None:
        """Keep rows 0..min(n, old n)-1, add zeroed rows at the end."""
        self.remap(np.concatenate([np.arange(min(n, self.n)), np.full(max(n - self.n, 0), -1)]))

    def remap(self, rows: npt.ArrayLike) -> None:
        """New row j = old row rows[j]; -1 = a new partition (counters 0, no history)."""
        rows = np.asarray(rows, dtype=np.int64)
        if np.any(rows >= self.n) or np.any(rows < -1):
            raise ValueError(f"rows: must be -1 or an old row 0..{self.n - 1}")
        keep = rows >= 0

        def take(a: np.ndarray, fill: float = 0) -> np.ndarray:
            out = np.full((*a.shape[:-1], len(rows)), fill, dtype=a.dtype)
            out[..., keep] = a[..., rows[keep]]
            return out

        self.lpar, self._frac = take(self.lpar), take(self._frac)
        self.live_physc, self._acc_used = take(self.live_physc), take(self._acc_used)
        self.used = take(self.used)
        for name, ring in (("short", self.short), ("long", self.long)):
            ring.remap(rows)
            born = take(self.first_seq[name])
            born[~keep] = ring.seq  # history of a new row starts with the next sample
            self.first_seq[name] = born
        self.n = len(rows)

    # ------------------------------------------------------------------ reading

    def _ring(self, interval: str) -> Ring:
        if interval not in ("short", "long"):
            raise ValueError(f"interval: 'short' or 'long', got {interval!r}")
        return self.short if interval == "short" else self.long

    def lpar_samples(self, row: int, n: int | None = None, interval: str = "long",
                     newest_first: bool = True) -> Samples:
        """The last n samples (all kept if None) of partition row; newest first by default,
        as lslparutil prints them. Samples from before the row existed are left out."""
        ring = self._ring(interval)
        have = ring.seq - int(self.first_seq[interval][row])
        idx = ring.slots(have if n is None else min(n, have), newest_first)
        return Samples(time=ring.time[idx], time_cycles=ring.time_cycles[idx],
                       counters={c: ring.lpar[idx, j, row] for j, c in enumerate(LPAR_COUNTERS)})

    def pool_samples(self, pool: int, n: int | None = None, interval: str = "long",
                     newest_first: bool = True) -> Samples:
        """The last n samples of a shared processor pool (0..63); same order rules."""
        ring = self._ring(interval)
        idx = ring.slots(n, newest_first)
        return Samples(time=ring.time[idx], time_cycles=ring.time_cycles[idx],
                       counters={c: ring.pool[idx, j, pool] for j, c in enumerate(POOL_COUNTERS)})

    def block(self, n: int | None = None, interval: str = "long", newest_first: bool = True
              ) -> tuple[FloatArray, IntArray, IntArray, IntArray]:
        """All rows at once: (time [s], time_cycles [s], lpar [s, counters, N],
        pool [s, 2, 64]); for `lslparutil -r lpar` over every partition. Rows that did not
        exist yet at a sample read 0 there (see first_seq)."""
        ring = self._ring(interval)
        idx = ring.slots(n, newest_first)
        return ring.time[idx], ring.time_cycles[idx], ring.lpar[idx], ring.pool[idx]

    def nbytes(self) -> int:
        """Bytes held by the sample rings (allocated; pages are touched as they fill)."""
        return sum(a.nbytes for r in (self.short, self.long)
                   for a in (r.time, r.time_cycles, r.lpar, r.pool))
