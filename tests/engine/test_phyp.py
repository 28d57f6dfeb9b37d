"""PHYP dispatcher: exact examples (docs/powervm-rules.md section 6) and invariants."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engine.phyp import DispatchConfig, Dispatcher, dispatch

EXACT = 1e-9


def grants(cfg: DispatchConfig, demand: list[float] | list[list[float]]) -> np.ndarray:
    d = np.atleast_2d(np.asarray(demand, dtype=np.float64))
    return dispatch(cfg, d)


# ---------------------------------------------------------------------- exact examples


def test_uncapped_excess_split_by_weight_128_64() -> None:
    cfg = DispatchConfig.build(2.5, [0.5, 0.5], [4, 4], weight=[128, 64])
    g = grants(cfg, [4, 4])[0]
    assert g == pytest.approx([1.5, 1.0], abs=EXACT)
    assert g - 0.5 == pytest.approx([1.0, 0.5], abs=EXACT)  # uncapped excess 2:1


def test_hmc_help_example_200_100_competing_for_075() -> None:
    cfg = DispatchConfig.build(1.75, [0.5, 0.5], [4, 4], weight=[200, 100])
    levels = Dispatcher(cfg, dtype=np.float64).levels(np.full((1, 2), 4.0))
    excess = (levels.level0 + levels.level1)[0]
    assert excess == pytest.approx([0.50, 0.25], abs=EXACT)
    assert levels.entitled[0] == pytest.approx([0.5, 0.5], abs=EXACT)


def test_capped_stays_at_entitlement() -> None:
    cfg = DispatchConfig.build(4, [0.5, 0.5], [4, 4], capped=[True, False])
    assert grants(cfg, [4, 4])[0] == pytest.approx([0.5, 3.5], abs=EXACT)


def test_weight_zero_gets_nothing_beyond_entitlement() -> None:
    cfg = DispatchConfig.build(4, [0.5, 0.5], [4, 4], weight=[0, 128])
    assert grants(cfg, [4, 4])[0] == pytest.approx([0.5, 3.5], abs=EXACT)


def test_uncapped_limited_by_its_virtual_processors() -> None:
    cfg = DispatchConfig.build(10, [0.5, 0.5], [1, 4])
    assert grants(cfg, [4, 4])[0] == pytest.approx([1.0, 4.0], abs=EXACT)


def test_pool_max_holds_with_idle_cores_elsewhere() -> None:
    cfg = DispatchConfig.build(12, [0.5, 0.5], [4, 4], pool=[1, 1], pool_max={1: 2})
    g = grants(cfg, [[4, 4], [4, 1], [0.2, 4]])
    assert g.sum(axis=1) == pytest.approx([2.0, 2.0, 2.0], abs=EXACT)
    assert g[0] == pytest.approx([1.0, 1.0], abs=EXACT)
    assert g[2] == pytest.approx([0.2, 1.8], abs=EXACT)


@pytest.mark.parametrize(("donate", "expected"), [(True, 4.0), (False, 2.0)])
def test_dedicated_donating_idle_cores(donate: bool, expected: float) -> None:
    # 6 cores: 4 dedicated (1 busy), 2 in the shared pool; the shared LPAR wants 4
    cfg = DispatchConfig.build(6, [4, 0.5], [4, 4], dedicated=[True, False],
                               donate=[donate, False])
    levels = Dispatcher(cfg, dtype=np.float64).levels(np.array([[1.0, 4.0]]))
    assert levels.grants[0] == pytest.approx([1.0, expected], abs=EXACT)
    assert levels.capacity[0] == pytest.approx(5.0 if donate else 2.0, abs=EXACT)


def test_water_filling_saturates_small_wants_and_resplits() -> None:
    cfg = DispatchConfig.build(3, [0.1, 0.1, 0.1], [4, 4, 4])
    assert grants(cfg, [0.2, 4, 4])[0] == pytest.approx([0.2, 1.4, 1.4], abs=EXACT)


def test_level0_unused_entitlement_stays_in_the_pool_first() -> None:
    # pool 1: B capped 1.0 PU idle, C uncapped; pool 0: A uncapped. 4 cores.
    cfg = DispatchConfig.build(4, [0.5, 1.0, 0.5], [4, 1, 4], capped=[False, True, False],
                               pool=[0, 1, 1], pool_max={1: 4})
    levels = Dispatcher(cfg, dtype=np.float64).levels(np.array([[4.0, 0.0, 4.0]]))
    assert levels.level0[0] == pytest.approx([0.0, 0.0, 1.0], abs=EXACT)  # B's 1.0 to C
    assert levels.level1[0] == pytest.approx([1.0, 0.0, 1.0], abs=EXACT)  # the 2.0 left, 1:1
    assert levels.grants[0] == pytest.approx([1.5, 0.0, 2.5], abs=EXACT)


def test_reserved_pool_capacity_is_honoured_for_the_pool() -> None:
    cfg = DispatchConfig.build(4, [0.5, 1.0, 0.5], [4, 1, 4], capped=[False, True, False],
                               pool=[0, 1, 1], pool_max={1: 4}, pool_reserved={1: 1.0})
    levels = Dispatcher(cfg, dtype=np.float64).levels(np.array([[4.0, 0.0, 4.0]]))
    assert levels.level0[0] == pytest.approx([0.0, 0.0, 2.0], abs=EXACT)
    assert levels.grants[0] == pytest.approx([1.0, 0.0, 3.0], abs=EXACT)


def test_not_running_partitions_get_nothing_and_free_their_cores() -> None:
    cfg = DispatchConfig.build(4, [2, 0.5], [2, 4], dedicated=[True, False],
                               running=[False, True])
    assert grants(cfg, [2, 4])[0] == pytest.approx([0.0, 4.0], abs=EXACT)


def test_negative_demand_is_treated_as_zero() -> None:
    cfg = DispatchConfig.build(2, [0.5, 0.5], [2, 2])
    assert grants(cfg, [-1.0, 3.0])[0] == pytest.approx([0.0, 2.0], abs=EXACT)


def test_run_totals_match_per_window_grants() -> None:
    rng = np.random.default_rng(7)
    cfg = random_frame(rng, 60)
    demand = rng.random((50, cfg.n)) * cfg.vps * 1.2
    levels = Dispatcher(cfg, dtype=np.float64).levels(demand)
    for dtype, tol in ((np.float64, 1e-9), (np.float32, 2e-3)):
        tot = Dispatcher(cfg, dtype=dtype).run(np.asfortranarray(demand))
        assert tot.windows == 50
        assert tot.used == pytest.approx(levels.grants.sum(axis=0), abs=tol)
        assert tot.entitled + tot.uncapped == pytest.approx(tot.used, abs=tol)
        assert tot.uncapped == pytest.approx((levels.level0 + levels.level1).sum(axis=0), abs=tol)
        assert tot.pool_size[0] == pytest.approx(levels.capacity.sum(), abs=tol)
        sh = cfg.running & ~cfg.dedicated
        assert tot.pool_used.sum() == pytest.approx(tot.used[sh].sum(), abs=tol)
        ded = cfg.running & cfg.dedicated
        assert (tot.used + tot.idle)[ded] == pytest.approx(cfg.vps[ded] * 50, abs=tol)


def test_run_with_repeats_equals_expanded_demand() -> None:
    rng = np.random.default_rng(3)
    cfg = random_frame(rng, 40)
    blocks = rng.random((4, cfg.n)) * cfg.vps
    reps = np.array([10, 3, 0, 7])
    d = Dispatcher(cfg, dtype=np.float64)
    a, b = d.run(blocks, repeats=reps), d.run(np.repeat(blocks, reps, axis=0))
    assert a.windows == b.windows == 20
    for field in ("used", "entitled", "uncapped", "idle", "donated", "ent_cap"):
        assert getattr(a, field) == pytest.approx(getattr(b, field), abs=1e-9)
    assert a.pool_size == pytest.approx(b.pool_size, abs=1e-9)


@pytest.mark.parametrize("k", [0, 1, 3])
def test_degenerate_frames(k: int) -> None:
    frames = [DispatchConfig.build(4, [], []),
              DispatchConfig.build(4, [2, 2], [2, 2], dedicated=[True, True]),
              DispatchConfig.build(4, [0.5, 0.5], [1, 1], capped=[True, True]),
              DispatchConfig.build(4, [0.5], [1], running=[False])]
    for cfg in frames:
        d = np.full((k, cfg.n), 1.5)
        tot = Dispatcher(cfg).run(d)
        assert tot.windows == k
        assert tot.used.sum() == pytest.approx(dispatch(cfg, d).sum(), abs=1e-6)


def test_bad_inputs_are_refused() -> None:
    with pytest.raises(ValueError, match="weight"):
        DispatchConfig.build(4, [0.5], [1], weight=[300])
    with pytest.raises(ValueError, match="pool"):
        DispatchConfig.build(4, [0.5], [1], pool=[64])
    cfg = DispatchConfig.build(4, [0.5], [1])
    with pytest.raises(ValueError, match="demand"):
        dispatch(cfg, np.zeros((2, 3)))


# ---------------------------------------------------------------------- random frames


def random_frame(rng: np.random.Generator, n: int, pools: int = 4) -> DispatchConfig:
    """A valid frame: ECs + reserved fit the physical pool and every pool max."""
    ded = rng.random(n) < 0.15
    vps = np.where(ded, rng.integers(1, 5, n), rng.integers(1, 9, n)).astype(float)
    ent = np.where(ded, vps, np.round(rng.uniform(0.05, 1.0, n) * vps, 2))
    ent = np.maximum(ent, 0.05 * vps)
    pool = np.where(ded, 0, rng.integers(0, pools, n))
    running = rng.random(n) < 0.9
    sh = running & ~ded
    reserved = np.where(np.arange(64) % 2 == 1, 0.5, 0.0) * (np.arange(64) < pools)
    reserved[0] = 0
    pmax = np.zeros(64)
    for p in range(1, pools):
        pmax[p] = np.ceil(ent[sh & (pool == p)].sum() + reserved[p]) + rng.integers(0, 3)
    need = ent[sh].sum() + reserved.sum()
    cores = float(np.ceil(vps[running & ded].sum() + need + rng.integers(0, 8)))
    return DispatchConfig.build(
        cores, ent, vps, running=running, dedicated=ded, capped=rng.random(n) < 0.3,
        weight=np.where(rng.random(n) < 0.15, 0, rng.integers(1, 256, n)), pool=pool,
        donate=ded & (rng.random(n) < 0.5), pool_max={p: pmax[p] for p in range(1, pools)},
        pool_reserved=reserved)


frames = st.tuples(st.integers(0, 2**32 - 1), st.integers(1, 14), st.integers(1, 4),
                   st.integers(1, 4), st.floats(0.0, 1.5))


def check_window(cfg: DispatchConfig, d: np.ndarray, lv0: np.ndarray, lv1: np.ndarray,
                 ent_part: np.ndarray, cap: float, pools_bind: bool = True) -> None:
    g = ent_part + lv0 + lv1
    run, ded = cfg.running, cfg.dedicated
    sh, want = run & ~ded, np.minimum(np.maximum(d, 0), cfg.vps)
    unc = sh & ~cfg.capped & (cfg.weight > 0)
    base = np.minimum(want, cfg.ent)
    tol = 1e-7
    assert np.all(g >= -tol) and np.all(g <= cfg.vps + tol)
    assert np.all(g[~run] == 0)
    assert g[run & ded] == pytest.approx(want[run & ded], abs=tol)
    # nothing beyond the physical shared pool (incl. donated idle) or a pool's max
    assert g[sh].sum() <= cap + 1e-6
    idle = (cfg.vps - want)[run & ded & cfg.donate].sum()
    assert cap == pytest.approx(cfg.physical_pool + idle, abs=tol)
    for p in range(1, 64):
        members = sh & (cfg.pool == p)
        if members.any():
            assert g[members].sum() <= cfg.pool_max[p] + 1e-6
    # entitlement guaranteed; capped and weight 0 never above it
    assert np.all(g[sh] >= base[sh] - tol)
    assert g[sh & ~unc] == pytest.approx(base[sh & ~unc], abs=tol)
    # who is still wanting, and which pools are full
    hungry = unc & (g < want - 1e-6)
    full = np.zeros(64, dtype=bool)
    for p in range(1, 64):
        full[p] = g[sh & (cfg.pool == p)].sum() >= cfg.pool_max[p] - 1e-6
    free = hungry & ~full[cfg.pool]
    # work conserving: spare is never left idle while a free partition wants more
    if free.any():
        assert g[sh].sum() == pytest.approx(cap, abs=1e-6)
    # level 0: a pool's entitled capacity is used up before one of its members goes hungry
    for p in np.unique(cfg.pool[hungry]):
        members = sh & (cfg.pool == p)
        ecap = min(cfg.ent[members].sum() + cfg.pool_reserved[p],
                   cfg.pool_max[p] if p else np.inf)
        assert (ent_part + lv0)[members].sum() >= ecap - 1e-6
    # excess split by weight: within a pool on the total excess, across pools on level 1
    excess = lv0 + lv1
    for p in np.unique(cfg.pool[free]):
        idx = np.flatnonzero(free & (cfg.pool == p))
        per_weight = excess[idx] / cfg.weight[idx]
        assert np.all(np.abs(excess[idx] - per_weight[0] * cfg.weight[idx]) <= 0.01)
    idx = np.flatnonzero(free)
    if len(idx) > 1:
        per_weight = lv1[idx] / cfg.weight[idx]
        assert np.all(np.abs(lv1[idx] - per_weight[0] * cfg.weight[idx]) <= 0.01)
    if not pools_bind:
        # conservation: everything wanted is granted, up to the capacity
        rem = (want - base)[unc].sum()
        assert g[sh].sum() == pytest.approx(base[sh].sum() + min(rem, cap - base[sh].sum()),
                                            abs=1e-6)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(frames)
def test_invariants_on_random_frames(params: tuple[int, int, int, int, float]) -> None:
    seed, n, pools, k, load = params
    rng = np.random.default_rng(seed)
    cfg = random_frame(rng, n, pools)
    demand = rng.random((k, n)) * cfg.vps * 2 * load
    demand[rng.random((k, n)) < 0.1] = 0.0
    lv = Dispatcher(cfg, dtype=np.float64).levels(demand)
    for w in range(k):
        check_window(cfg, demand[w], lv.level0[w], lv.level1[w], lv.entitled[w],
                     float(lv.capacity[w]))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(frames)
def test_conservation_when_no_pool_max_binds(params: tuple[int, int, int, int, float]) -> None:
    seed, n, _, k, load = params
    rng = np.random.default_rng(seed)
    cfg = random_frame(rng, n, pools=1)  # everyone in DefaultPool
    demand = rng.random((k, n)) * cfg.vps * 2 * load
    lv = Dispatcher(cfg, dtype=np.float64).levels(demand)
    for w in range(k):
        check_window(cfg, demand[w], lv.level0[w], lv.level1[w], lv.entitled[w],
                     float(lv.capacity[w]), pools_bind=False)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(frames)
def test_float32_dispatcher_agrees_with_float64(params: tuple[int, int, int, int, float]) -> None:
    seed, n, pools, k, load = params
    rng = np.random.default_rng(seed)
    cfg = random_frame(rng, n * 8, pools * 8)
    demand = np.asfortranarray(rng.random((k * 8, n * 8)) * cfg.vps * 2 * load)
    exact = Dispatcher(cfg, dtype=np.float64).run(demand)
    fast = Dispatcher(cfg, dtype=np.float32).run(demand)
    assert fast.used == pytest.approx(exact.used, abs=1e-3 * k * 8)
    assert fast.pool_used == pytest.approx(exact.pool_used, abs=1e-2 * k * 8)
