"""PHYP processor dispatcher: 10 ms windows, entitlement, uncapped excess by weight, pools.

Pure numpy; no imports from other engine modules (they call us). One row per partition, pools
0..63. The rules (docs/powervm-rules.md section 6):

1. Dedicated running partitions own whole cores: used = min(d, vps). Donating ones lend their idle
   cores (vps - used) to the physical shared pool for that window.
2. Physical shared pool C = cores - sum(vps of running dedicated) + donated idle.
3. Every running shared partition gets g = min(d, vps, ent). Capped (and weight-0) ones stop there.
4. Spare goes to uncapped partitions by weight, water-filled (a partition wanting less than its
   share is saturated and the rest is re-split). Level 0: a pool's unused entitled capacity
   (member ECs + reserved, at most the pool max) goes to that pool's uncapped members. Level 1:
   whatever is spare system-wide goes by weight to all still-wanting uncapped partitions, bounded
   by each pool's max. DefaultPool (0) spans the physical pool, so its max is C of the window.
5. Conservation: sum of grants <= C, grant <= vps, nothing negative.

How it is computed, and why (target: 100 windows x 1000 partitions in ~1 ms on one core):
* Work arrays are partition-major [rows, K windows], so the demand of a Fortran-ordered [K, N]
  array (what Workloads returns) is gathered by row without a transpose. run() solves at most
  CHUNK windows at a time: bigger arrays fall out of cache and cost more per window.
* Weighted water-filling in two stages with the same weights composes: a partition's total
  excess is min(rem, (lambda0 + lambda1) * w), capped per pool at mu * w, where lambda0 is
  its pool's level-0 water level, lambda1 the system-wide one and mu solves "pool excess ==
  pool headroom". Each level is Newton's method on a concave piecewise-linear
  F(lambda) = sum min(rem, lambda * w) from a lower bound: it never overshoots, and a step is
  exact as soon as the slope (a sum of integer weights, exact in float32) stops changing.
  mu starts from lambda0, where F and its slope are already known, and is only solved where a
  pool's level-0 grant plus all spare left could exceed its headroom.
* Per-pool sums are the hot spot. Rows of each pool are padded to a power of two and laid out
  so that the sums are a tree of adds of two contiguous halves (np.add.reduceat, one-hot GEMMs,
  batched GEMVs and even/odd-row adds measured 2-5x slower). After the first steps only a few
  windows are unsettled, so later evaluations run on those columns only.
* System-wide sums per window are GEMVs (w @ X), far cheaper than X.sum(axis=0). np.where is
  avoided on hot paths (~15x slower than arithmetic on masks in this numpy build), as are
  broadcast column operands (2x slower than same-shape ones, hence the per-K copies in _Full).
* dtype float32 (the default) halves the memory traffic; grants then agree with float64 to
  ~1e-6 cores. dispatch() and the tests use float64.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

N_POOLS = 64
WINDOW_SECONDS = 0.01
WINDOWS_PER_SECOND = 100
MAX_WEIGHT = 255.0

BoolArray = npt.NDArray[np.bool_]
FloatArray = npt.NDArray[np.floating[Any]]
IntArray = npt.NDArray[np.int64]

_BIG = 1e30  # "no limit" water level; finite so that BIG - BIG never makes a NaN


def _ro(a: np.ndarray) -> np.ndarray:
    a = np.array(a, copy=True)
    a.flags.writeable = False
    return a


@dataclass(frozen=True)
class DispatchConfig:
    """Static dispatch parameters, one row per partition (see module docstring for the rules)."""

    running: BoolArray  # partition is running (only running ones are dispatched)
    dedicated: BoolArray  # dedicated-processor partition
    ent: FloatArray  # entitled processing units (shared) / cores owned (dedicated)
    vps: FloatArray  # virtual processors (shared) / cores (dedicated)
    capped: BoolArray  # shared capped
    weight: FloatArray  # uncapped weight 0..255 (0 = never gets spare)
    pool: IntArray  # shared pool id 0..63
    donate: BoolArray  # dedicated partition donates its idle cycles while active
    pool_max: FloatArray  # [64] max capacity per pool (pool 0: physical pool; inactive: 0)
    pool_reserved: FloatArray  # [64] reserved capacity per pool
    cores: float  # configurable cores of the system

    def __post_init__(self) -> None:
        n = np.asarray(self.running).shape[0]
        kinds = {"running": np.bool_, "dedicated": np.bool_, "capped": np.bool_,
                 "donate": np.bool_, "ent": np.float64, "vps": np.float64,
                 "weight": np.float64, "pool": np.int64}
        for name, kind in kinds.items():
            a: npt.NDArray[Any] = np.asarray(getattr(self, name)).astype(kind)
            if a.shape != (n,):
                raise ValueError(f"{name}: expected shape ({n},), got {a.shape}")
            object.__setattr__(self, name, _ro(a))
        for name in ("pool_max", "pool_reserved"):
            a = np.asarray(getattr(self, name), dtype=np.float64)
            if a.shape != (N_POOLS,):
                raise ValueError(f"{name}: expected shape ({N_POOLS},), got {a.shape}")
            object.__setattr__(self, name, _ro(a))
        object.__setattr__(self, "cores", float(self.cores))
        if np.any((self.pool < 0) | (self.pool >= N_POOLS)):
            raise ValueError("pool: ids must be in 0..63")
        if np.any((self.weight < 0) | (self.weight > MAX_WEIGHT)):
            raise ValueError("weight: must be in 0..255")
        for name in ("ent", "vps", "pool_max", "pool_reserved"):
            a = getattr(self, name)
            if not np.all(np.isfinite(a)) or np.any(a < 0):
                raise ValueError(f"{name}: must be finite and >= 0")
        if not np.isfinite(self.cores) or self.cores < 0:
            raise ValueError("cores: must be finite and >= 0")

    @property
    def n(self) -> int:
        return int(self.running.shape[0])

    @property
    def physical_pool(self) -> float:
        """Shared pool size without donation: cores minus cores of running dedicated LPARs."""
        return max(self.cores - float(self.vps[self.running & self.dedicated].sum()), 0.0)

    @staticmethod
    def build(
        cores: float,
        ent: npt.ArrayLike,
        vps: npt.ArrayLike,
        *,
        running: npt.ArrayLike | None = None,
        dedicated: npt.ArrayLike | None = None,
        capped: npt.ArrayLike | None = None,
        weight: npt.ArrayLike | None = None,
        pool: npt.ArrayLike | None = None,
        donate: npt.ArrayLike | None = None,
        pool_max: dict[int, float] | npt.ArrayLike | None = None,
        pool_reserved: dict[int, float] | npt.ArrayLike | None = None,
    ) -> DispatchConfig:
        """Config with defaults: running, shared, uncapped, weight 128, DefaultPool, no donation.

        pool_max / pool_reserved may be dicts {pool id: value}; pool 0's max defaults to (and
        is always dispatched as) the physical pool of the window.
        """
        ent_a = np.asarray(ent, dtype=np.float64)
        n = ent_a.shape[0]

        def vec(v: npt.ArrayLike | None, default: float | bool, kind: type) -> np.ndarray:
            if v is None:
                return np.full(n, default, dtype=kind)
            return np.broadcast_to(np.asarray(v, dtype=kind), (n,)).copy()

        def pools(v: dict[int, float] | npt.ArrayLike | None) -> FloatArray:
            out = np.zeros(N_POOLS)
            if isinstance(v, dict):
                for p, x in v.items():
                    out[int(p)] = float(x)
            elif v is not None:
                out[:] = np.asarray(v, dtype=np.float64)
            return out

        running_a = vec(running, True, np.bool_)
        dedicated_a = vec(dedicated, False, np.bool_)
        vps_a = vec(vps, 1.0, np.float64)
        pmax = pools(pool_max)
        if pool_max is None or (isinstance(pool_max, dict) and 0 not in pool_max):
            pmax[0] = max(cores - float(vps_a[running_a & dedicated_a].sum()), 0.0)
        return DispatchConfig(
            running=running_a, dedicated=dedicated_a, ent=ent_a, vps=vps_a,
            capped=vec(capped, False, np.bool_), weight=vec(weight, 128.0, np.float64),
            pool=vec(pool, 0, np.int64), donate=vec(donate, False, np.bool_),
            pool_max=pmax, pool_reserved=pools(pool_reserved), cores=cores,
        )


@dataclass(frozen=True)
class WindowTotals:
    """Sums over the dispatched windows, in core-windows (divide by windows for cores).

    Per partition: used = cores consumed (dedicated: busy cores); entitled = the part of used
    within entitlement (dedicated: all of used); uncapped = the part above it (level 0 + 1);
    idle = owned but unused dedicated cores; donated = the part of idle lent to the shared pool;
    ent_cap = entitlement held (shared EC, dedicated cores) while running.
    Per pool: pool_used = cores used by members; pool_size = capacity (pool 0: physical pool
    incl. donated cycles, others: their max).
    """

    windows: int
    used: FloatArray
    entitled: FloatArray
    uncapped: FloatArray
    idle: FloatArray
    donated: FloatArray
    ent_cap: FloatArray
    pool_used: FloatArray
    pool_size: FloatArray


@dataclass(frozen=True)
class DispatchLevels:
    """Per-window breakdown [K, N] (for tests and the UI's explain view)."""

    entitled: FloatArray  # g (dedicated: used)
    level0: FloatArray  # excess from the own pool's unused entitled capacity
    level1: FloatArray  # excess from system-wide spare
    capacity: FloatArray  # [K] physical shared pool of each window

    @property
    def grants(self) -> FloatArray:
        return self.entitled + self.level0 + self.level1


class _Layout:
    """Rows of groups (one group per pool) arranged so per-group sums over rows are a tree of
    adds of two contiguous halves.

    np.add.reduceat, one-hot GEMMs, batched GEMVs and even adds of even/odd rows were 2-5x
    slower on these shapes. A group of up to 32 rows is padded to a power of two 2**j and its
    sum is final after j halvings; bigger groups span several 32-row chunks, merged by a small
    matmul. `order[j]` is the caller's index of layout group j (groups are sorted by size).
    """

    TOP = 5  # chunks of 2**5 = 32 rows

    def __init__(self, groups: list[IntArray]) -> None:
        sizes = np.array([len(g) for g in groups], dtype=np.int64)
        level = np.minimum(np.ceil(np.log2(np.maximum(sizes, 1))), self.TOP).astype(np.int64)
        self.order = np.argsort(level, kind="stable")
        by_level = [[j for j in range(len(groups)) if level[self.order[j]] == lv]
                    for lv in range(self.TOP + 1)]
        chunks = {j: -(-len(groups[self.order[j]]) // 2**self.TOP) for j in by_level[-1]}
        # Top-down: the rows of level lv are [groups finished at lv] + [level lv+1 rows, twice].
        slots: list[int] = [j for j in by_level[-1] for _ in range(chunks[j])]
        for lv in range(self.TOP - 1, -1, -1):
            slots = by_level[lv] + slots + slots
        self.taken = [len(b) for b in by_level[:-1]] + [len(by_level[-1]) and sum(chunks.values())]
        self.merge: FloatArray | None = None
        if any(n > 1 for n in chunks.values()):
            self.merge = np.zeros((len(by_level[-1]), sum(chunks.values())))
            self.merge[np.repeat(np.arange(len(by_level[-1])), list(chunks.values())),
                       np.arange(sum(chunks.values()))] = 1.0
        group_of_row = np.array(slots, dtype=np.int64)
        src = np.full(len(slots), -1, dtype=np.int64)
        for j in range(len(groups)):
            where = np.flatnonzero(group_of_row == j)
            members = groups[self.order[j]]
            src[where[: len(members)]] = members
        self.src, self.group_of_row = src, group_of_row
        self.rows = len(src)
        self.groups = len(groups)

    def sums(self, x: FloatArray, scratch: bool = False) -> FloatArray:
        """Per group, sum of x over its rows: [..., rows, J] -> [..., groups, J].

        scratch=True adds in place, overwriting x (saves allocating and faulting in pages).
        """
        out = []
        for n in self.taken:
            if n:
                out.append(x[..., :n, :])
                x = x[..., n:, :]
            h = x.shape[-2] // 2
            if not h:
                break
            x = np.add(x[..., :h, :], x[..., h:, :], out=x[..., :h, :] if scratch else None)
        if not out:
            return np.zeros((*x.shape[:-2], 0, x.shape[-1]), dtype=x.dtype)
        if self.merge is not None:
            out[-1] = self.merge.astype(x.dtype) @ out[-1]
        return np.concatenate(out, axis=-2)  # a copy, also when x itself was taken


@dataclass
class _Parts:
    """Result of one solve, in cores per window. Row blocks: d = dedicated, w = uncapped rows of
    pools with uncapped members (water layout), c = capped-like rows of those pools, o = other
    shared rows."""

    want_d: FloatArray
    idle_d: FloatArray
    g_w: FloatArray
    x0_w: FloatArray  # level-0 excess
    x1_w: FloatArray  # level-1 excess
    g_c: FloatArray
    g_o: FloatArray
    capacity: FloatArray  # [K] float64


@dataclass
class _Full:
    """Per-K copies of per-row constants: same-shape ufuncs are ~2x faster in numpy than ones
    broadcasting a column."""

    vps_d: FloatArray
    vps_w: FloatArray
    cap_w: FloatArray
    w_w: FloatArray
    cap_c: FloatArray
    cap_o: FloatArray


class Dispatcher:
    """Dispatches K windows at once for a fixed config; build a new one when the config changes.

    dtype float32 (default) halves the memory traffic the hot path is bound by; grants then agree
    with float64 to ~1e-6 cores. Use float64 for exact figures (dispatch() does).
    """

    CHUNK = 256  # windows solved at once by run()

    def __init__(self, cfg: DispatchConfig, dtype: npt.DTypeLike = np.float32,
                 max_iter: int = 40) -> None:
        self.cfg = cfg
        self.dtype = np.dtype(dtype)
        self.max_iter = max_iter
        self.evaluations = 0  # water-filling evaluations in the last solve (for profiling)
        self._tol = 1e-12 if self.dtype == np.float64 else 1e-6
        # typed scalars keep small arrays in self.dtype
        self._big = np.array(_BIG, dtype=self.dtype)[()]
        self._tiny = np.array(1e-9, dtype=self.dtype)[()]
        self._fulls: dict[int, _Full] = {}
        self._plan()

    # ------------------------------------------------------------------ static planning

    def _plan(self) -> None:
        cfg, dt = self.cfg, self.dtype
        ded = cfg.running & cfg.dedicated
        sh = cfg.running & ~cfg.dedicated
        unc = sh & ~cfg.capped & (cfg.weight > 0)
        ent = self._effective_ent(sh)
        self.idx_d = np.flatnonzero(ded)
        self.don_d = cfg.donate[self.idx_d].astype(dt)
        self.c_static = cfg.physical_pool

        # "Water pools" have uncapped members, so they need per-window pool sums.
        pools = np.unique(cfg.pool[unc])
        self.lay_w = _Layout([np.flatnonzero(unc & (cfg.pool == p)) for p in pools])
        pools = pools[self.lay_w.order]
        self.water_pools = pools
        self.lay_c = _Layout([np.flatnonzero(sh & ~unc & (cfg.pool == p)) for p in pools])
        self.c_to_w = np.argsort(self.lay_c.order)  # lay_c group order -> water pool order
        self.idx_o = np.flatnonzero(sh & ~np.isin(cfg.pool, pools))

        def take(a: np.ndarray, src: IntArray) -> FloatArray:
            return np.where(src >= 0, a[np.maximum(src, 0)], 0.0)

        # Padding rows (src -1) read partition 0's demand but have vps = ent = weight = 0.
        sw, sc = self.lay_w.src, self.lay_c.src
        w = take(cfg.weight, sw)
        self.vps_w = take(cfg.vps, sw).astype(dt)
        self.cap_w = take(ent, sw).astype(dt)
        self.w_w = w.astype(dt)
        self.cap_c = take(ent, sc).astype(dt)
        self.cap_o = ent[self.idx_o].astype(dt)
        self.w_pool = self.lay_w.sums(w[:, None]).astype(dt)
        self.row_pool = self.lay_w.group_of_row

        # Level 0 capacity: member ECs + reserved, at most the pool max (pool 0: its ECs).
        sum_ent = np.array([ent[sh & (cfg.pool == p)].sum() for p in pools])
        ecap = np.minimum(sum_ent + cfg.pool_reserved[pools], cfg.pool_max[pools])
        ecap = np.where(pools == 0, sum_ent, ecap)
        room = max(self.c_static - float(ent[self.idx_o].sum()), 0.0)
        if ecap.sum() > room:  # reserved capacity overcommitted: squeeze (model should refuse)
            ecap = ecap * (room / ecap.sum())
        self.pool_ecap = ecap[:, None].astype(dt)
        # Pool max can bind only if the members could together exceed it; pool 0's max is C.
        ceiling = np.array([cfg.vps[unc & (cfg.pool == p)].sum()
                            + ent[sh & ~unc & (cfg.pool == p)].sum() for p in pools])
        bindable = (pools != 0) & (ceiling > cfg.pool_max[pools] + 1e-9)
        self.bindable = bool(bindable.any())
        self.pool_max = np.where(bindable, cfg.pool_max[pools], _BIG)[:, None].astype(dt)

        self.perm = np.concatenate([self.idx_d, np.maximum(sw, 0), np.maximum(sc, 0),
                                    self.idx_o]).astype(np.int64)
        # where each solved row's sums go in run(); padding rows go to the spare slot n
        self.dest_w = np.where(sw >= 0, sw, cfg.n)
        self.dest = np.concatenate([self.idx_d, self.dest_w, np.where(sc >= 0, sc, cfg.n),
                                    self.idx_o]).astype(np.int64)
        self.nd, self.mw, self.mc = len(self.idx_d), self.lay_w.rows, self.lay_c.rows

    def _effective_ent(self, sh: BoolArray) -> FloatArray:
        """min(ent, vps), squeezed proportionally where the config overcommits a pool or the box.

        The model layer should refuse such configs; squeezing keeps the invariants (grants within
        capacity and pool max) true rather than silently breaking them.
        """
        cfg = self.cfg
        ent = np.where(sh, np.minimum(cfg.ent, cfg.vps), 0.0)
        for p in np.unique(cfg.pool[sh]):
            members = sh & (cfg.pool == p)
            if p != 0 and ent[members].sum() > cfg.pool_max[p]:
                ent[members] *= cfg.pool_max[p] / ent[members].sum()
        if ent.sum() > cfg.physical_pool:
            ent *= cfg.physical_pool / ent.sum()
        return ent

    def _full(self, k: int) -> _Full:
        full = self._fulls.get(k)
        if full is None:
            def rep(a: np.ndarray) -> FloatArray:
                return np.ascontiguousarray(np.repeat(a[:, None], k, axis=1), dtype=self.dtype)
            full = _Full(vps_d=rep(self.cfg.vps[self.idx_d]), vps_w=rep(self.vps_w),
                         cap_w=rep(self.cap_w), w_w=rep(self.w_w), cap_c=rep(self.cap_c),
                         cap_o=rep(self.cap_o))
            if len(self._fulls) >= 4:
                self._fulls.clear()
            self._fulls[k] = full
        return full

    # ------------------------------------------------------------------ solving
    # Water-filling: find lambda with F(lambda) = sum min(rem, lambda * w) == target. F is
    # concave, piecewise linear, slope B = sum of w over unsaturated rows. Newton from a lower
    # bound never overshoots; a step is exact once B stops changing (B is a sum of integer
    # weights, exact even in float32), which also stops float noise from looping. np.where is
    # avoided: it is ~15x slower than arithmetic on masks here.

    def _gather(self, demand: npt.ArrayLike) -> FloatArray:
        """[K, N] demand -> [rows, K] in row layout (cheap when demand is Fortran-ordered)."""
        d = np.asarray(demand)
        if d.ndim != 2 or d.shape[1] != self.cfg.n:
            raise ValueError(f"demand: expected shape (K, {self.cfg.n}), got {d.shape}")
        return np.take(d.T, self.perm, axis=0).astype(self.dtype, copy=False)

    def _active(self, lam: FloatArray, target: FloatArray, achieved: FloatArray,
                slope: FloatArray, previous: FloatArray | None) -> BoolArray:
        """Entries still below their target whose last step was not already exact."""
        active = (target - achieved > self._tol * (1 + target)) & (slope > 0) & (lam < _BIG)
        if previous is not None:
            active &= slope != previous
        return active

    def _evaluate(self, rem: FloatArray, w: FloatArray, lam: FloatArray
                  ) -> tuple[FloatArray, FloatArray]:
        """Per pool: F = sum min(rem, lam w) and B = sum of w where rem > lam w."""
        self.evaluations += 1
        level = np.take(lam, self.row_pool, axis=0, mode="clip")
        np.multiply(level, w, out=level)
        planes = np.empty((2, *rem.shape), dtype=self.dtype)
        np.minimum(rem, level, out=planes[0])
        mask = np.greater(rem, level)
        np.multiply(w, mask, out=planes[1])
        achieved, slope = self.lay_w.sums(planes, scratch=True)
        return achieved, slope

    def _fill_pools(self, rem: FloatArray, w: FloatArray, target: FloatArray, lam: FloatArray,
                    known: tuple[FloatArray, FloatArray] | None
                    ) -> tuple[FloatArray, FloatArray, FloatArray]:
        """Per pool and window, raise lam [P, K] (BIG = settled) to the water level of target.

        known = (F, B) at lam if the caller has them. Returns (lam, F, B) at the final lam.
        After the first steps only a few windows are unsettled, so later evaluations run on
        those columns only (the tail would otherwise cost as much as the bulk).
        """
        k = rem.shape[1]
        achieved, slope = known if known else self._evaluate(rem, w, lam)
        previous = None
        for _ in range(self.max_iter - 1):
            active = self._active(lam, target, achieved, slope, previous)
            if not active.any():
                break
            # column compaction pays off only for wide runs
            cols = np.flatnonzero(active.any(axis=0)) if k > 32 else np.arange(k)
            gap = (target - achieved) * active
            lam = lam + gap / np.maximum(slope, self._tiny)
            previous = slope
            if len(cols) > k // 2:
                achieved, slope = self._evaluate(rem, w, lam)
            else:
                sub = self._evaluate(np.take(rem, cols, axis=1), w[:, : len(cols)],
                                     np.take(lam, cols, axis=1))
                achieved, slope = achieved.copy(), slope.copy()
                achieved[:, cols], slope[:, cols] = sub
        return lam, achieved, slope

    def _fill_global(self, t: FloatArray, w: FloatArray, spare: FloatArray, slope: FloatArray
                     ) -> FloatArray | None:
        """Per window, lambda [K] with sum min(t, lambda * w) == spare over all rows; None if
        every window has room for all of t. slope = B at 0. Row sums are GEMVs."""
        ones = np.ones(t.shape[0], dtype=self.dtype)
        total = ones @ t
        contended = total > spare + self._tol * (1 + spare)
        if not contended.any():
            return None
        lam = (spare / np.maximum(slope, self._tiny)) * contended + self._big * ~contended
        level = np.empty_like(t)
        mask = np.empty(t.shape, dtype=bool)
        previous = slope
        for it in range(self.max_iter):
            self.evaluations += 1
            np.multiply(w, lam, out=level)
            np.greater(t, level, out=mask)
            achieved = ones @ np.minimum(t, level, out=level)
            np.copyto(level, mask)
            slope = self.w_w @ level
            if it == self.max_iter - 1:
                break
            active = self._active(lam, spare, achieved, slope, previous)
            if not active.any():
                break
            lam = lam + (spare - achieved) * active / np.maximum(slope, self._tiny)
            previous = slope
        return lam

    def _solve(self, rows: FloatArray) -> _Parts:
        k = rows.shape[1]
        full = self._full(k)
        a, b, c = self.nd, self.nd + self.mw, self.nd + self.mw + self.mc
        self.evaluations = 0

        # 1-2. dedicated rows, and the physical shared pool of each window
        want_d = np.maximum(rows[:a], 0)
        np.minimum(want_d, full.vps_d, out=want_d)
        idle_d = np.subtract(full.vps_d, want_d)
        capacity = np.full(k, self.c_static)
        if a:
            capacity += self.don_d @ idle_d

        # 3. entitled part g = min(d, vps, ent) of every shared row; rem = wanted excess
        planes = np.empty((2, self.mw, k), dtype=self.dtype)
        g_w, rem = planes[0], planes[1]
        np.maximum(rows[a:b], 0, out=rem)
        np.minimum(rem, full.vps_w, out=rem)
        np.minimum(rem, full.cap_w, out=g_w)
        np.subtract(rem, g_w, out=rem)
        g_c = np.maximum(rows[b:c], 0)
        np.minimum(g_c, full.cap_c, out=g_c)
        g_o = np.maximum(rows[c:], 0)
        np.minimum(g_o, full.cap_o, out=g_o)
        if not self.mw:
            empty = np.zeros((0, k), dtype=self.dtype)
            return _Parts(want_d, idle_d, empty, empty, empty, g_c, g_o, capacity)

        # 4a. level 0: each pool's unused entitled capacity to its own uncapped members
        g_pool, total = self.lay_w.sums(planes)
        if self.mc:
            g_pool += self.lay_c.sums(g_c)[self.c_to_w]
        spare0 = np.maximum(self.pool_ecap - g_pool, 0)
        contended = total > spare0 + self._tol * (1 + spare0)
        lam0 = spare0 / self.w_pool * contended + self._big * ~contended
        lam0, got0, slope0 = self._fill_pools(rem, full.w_w, spare0, lam0, None)
        x0 = np.take(lam0, self.row_pool, axis=0, mode="clip")
        np.multiply(x0, full.w_w, out=x0)
        np.minimum(rem, x0, out=x0)

        granted = (g_pool.sum(axis=0, dtype=np.float64) + got0.sum(axis=0, dtype=np.float64)
                   + g_o.sum(axis=0, dtype=np.float64))
        spare1 = np.maximum(capacity - granted, 0).astype(self.dtype)

        # 4b. pool maxima: mu = level at which a pool's total excess reaches its headroom.
        # Warm start from lambda0, where F and B are already known.
        open_: npt.NDArray[np.bool_] | bool = True
        head = np.maximum(self.pool_max - g_pool, 0)
        # A pool can only hit its max in a window if its level-0 grant plus all the spare left
        # system-wide exceeds its headroom: a cheap exact filter that skips most solves.
        bind = (got0 + spare1 > head + self._tol * (1 + head)) & (lam0 < _BIG)
        if self.bindable and bind.any():
            mu = lam0 * bind + self._big * ~bind
            mu, _, _ = self._fill_pools(rem, full.w_w, head, mu, (got0, slope0))
            cap = np.take(mu, self.row_pool, axis=0, mode="clip")
            np.multiply(cap, full.w_w, out=cap)
            np.minimum(rem, cap, out=rem)
            open_ = mu > lam0

        # 4c. level 1: system-wide spare by weight on what is left: t = min(rem, mu w) - x0
        t = np.subtract(rem, x0, out=rem)
        lam1 = self._fill_global(t, full.w_w, spare1, (slope0 * open_).sum(axis=0))
        if lam1 is not None:
            level = np.multiply(full.w_w, lam1)
            np.minimum(t, level, out=t)
        return _Parts(want_d, idle_d, g_w, x0, t, g_c, g_o, capacity)

    # ------------------------------------------------------------------ public

    def run(self, demand: npt.ArrayLike, repeats: npt.ArrayLike | None = None) -> WindowTotals:
        """Dispatch the windows of demand [K, N] (cores) and return their sums.

        repeats [K] (optional): window k stands for repeats[k] consecutive identical windows
        (see Workloads.demand_blocks); sums are weighted accordingly. That is exact, because a
        window's grants depend only on its own demand. Long runs are solved CHUNK windows at a
        time: bigger work arrays fall out of cache and cost more per window, not less.
        """
        rows = self._gather(demand)
        k = rows.shape[1]
        mult = np.ones(k) if repeats is None else np.asarray(repeats, dtype=np.float64)
        if mult.shape != (k,) or np.any(mult < 0):
            raise ValueError(f"repeats: expected {k} non-negative counts")
        cfg = self.cfg
        # per row of the layout (padding rows land in a spare slot n): entitled, level 0,
        # level 1, idle, in core-windows
        sums = np.zeros((4, cfg.n + 1))
        capacity = 0.0
        for lo in range(0, k, self.CHUNK):
            hi = min(lo + self.CHUNK, k)
            p = self._solve(np.ascontiguousarray(rows[:, lo:hi]) if hi - lo < k else rows)
            m = mult[lo:hi].astype(self.dtype)
            sums[0, self.dest] += np.concatenate([p.want_d @ m, p.g_w @ m, p.g_c @ m, p.g_o @ m])
            sums[1, self.dest_w] += p.x0_w @ m
            sums[2, self.dest_w] += p.x1_w @ m
            sums[3, self.idx_d] += p.idle_d @ m
            capacity += float(p.capacity @ mult[lo:hi])
        entitled, idle = sums[0, :-1], sums[3, :-1]
        uncapped = sums[1, :-1] + sums[2, :-1]
        used = entitled + uncapped
        windows = round(float(mult.sum()))
        sh = cfg.running & ~cfg.dedicated
        pool_size = cfg.pool_max * windows
        pool_size[0] = capacity
        return WindowTotals(
            windows=windows, used=used, entitled=entitled, uncapped=uncapped, idle=idle,
            donated=idle * cfg.donate,
            ent_cap=np.where(cfg.dedicated, cfg.vps, cfg.ent) * cfg.running * windows,
            pool_used=np.bincount(cfg.pool[sh], weights=used[sh], minlength=N_POOLS).astype(float),
            pool_size=pool_size)

    def levels(self, demand: npt.ArrayLike) -> DispatchLevels:
        """Per-window grants split into entitled / level 0 / level 1, [K, N] in caller order."""
        rows = self._gather(demand)
        p = self._solve(rows)
        k, n = rows.shape[1], self.cfg.n
        ent, lv0, lv1 = (np.zeros((k, n)) for _ in range(3))
        sw, sc = self.lay_w.src, self.lay_c.src
        w, c = sw >= 0, sc >= 0
        ent[:, self.idx_d] = p.want_d.T
        ent[:, sw[w]] = p.g_w[w].T
        ent[:, sc[c]] = p.g_c[c].T
        ent[:, self.idx_o] = p.g_o.T
        lv0[:, sw[w]] = p.x0_w[w].T
        lv1[:, sw[w]] = p.x1_w[w].T
        return DispatchLevels(entitled=ent, level0=lv0, level1=lv1,
                              capacity=np.asarray(p.capacity, dtype=np.float64))


def dispatch(cfg: DispatchConfig, demand: npt.ArrayLike) -> FloatArray:
    """Per-window grants [K, N] in cores (float64; the reference path for tests)."""
    return Dispatcher(cfg, dtype=np.float64).levels(demand).grants
