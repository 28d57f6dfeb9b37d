"""HMC utilisation counters, samples and rates (docs/powervm-rules.md section 7)."""

from __future__ import annotations

import numpy as np
import pytest

from engine.phyp import DispatchConfig, Dispatcher, WindowTotals
from engine.utilisation import (
    LPAR_COUNTERS,
    PROC_CYCLES_PER_SECOND,
    Utilisation,
    rates,
)

# 8 cores: a donating dedicated LPAR (2 cores), a capped, an uncapped in DefaultPool, an
# uncapped in SharedPool01 (max 2), and a partition that is not running.
CFG = DispatchConfig.build(
    8, [2, 0.5, 0.5, 1.0, 0.3], [2, 1, 4, 4, 1],
    running=[True, True, True, True, False], dedicated=[True, False, False, False, False],
    capped=[False, True, False, False, False], pool=[0, 0, 0, 1, 0], donate=[True] + [False] * 4,
    pool_max={1: 2})
DEMAND = np.array([0.5, 0.8, 3.0, 3.0, 1.0])


def steady_run(u: Utilisation, seconds: int, tick: float = 1.0) -> WindowTotals:
    """Constant demand for `seconds`, in ticks of `tick` seconds; returns one tick's totals."""
    k = round(tick * 100)
    tot = Dispatcher(CFG, dtype=np.float64).run(np.tile(DEMAND, (k, 1)))
    for i in range(round(seconds / tick)):
        u.add(tot, k, (i + 1) * tick)
    return tot


def test_counters_are_monotonic_and_sampled_on_interval_boundaries() -> None:
    u = Utilisation(CFG.n)
    rng = np.random.default_rng(1)
    d = Dispatcher(CFG, dtype=np.float64)
    t = 0.0
    for _ in range(40):
        k = int(rng.integers(1, 400))
        tot = d.run(rng.random((k, CFG.n)) * CFG.vps * 1.5)
        t += k * 0.01
        u.add(tot, k, t)
    times, cycles, lpar, pool = u.block(interval="short", newest_first=False)
    assert len(times) == int(t // 5)
    assert times == pytest.approx(5.0 * np.arange(1, len(times) + 1))
    assert np.all(np.diff(cycles) == 5 * PROC_CYCLES_PER_SECOND)
    assert np.all(np.diff(lpar, axis=0) >= 0) and np.all(np.diff(pool, axis=0) >= 0)
    assert np.all(u.lpar >= lpar[-1]) and np.all(u.pool >= pool[-1])
    long_times = u.block(interval="long", newest_first=False)[0]
    assert long_times == pytest.approx(30.0 * np.arange(1, int(t // 30) + 1))


def test_rates_from_deltas_equal_dispatched_usage() -> None:
    u = Utilisation(CFG.n)
    tot = steady_run(u, 120)
    per_window = tot.used / tot.windows
    for row in (1, 2, 3):  # shared: physc = d(capped + uncapped) / d(time)
        r = rates(u.lpar_samples(row, interval="long"))
        assert r["physc"] == pytest.approx(np.full(3, per_window[row]), abs=1e-6)
        assert r["entc_pct"] == pytest.approx(100 * per_window[row] / CFG.ent[row], abs=1e-4)
    assert per_window[3] == pytest.approx(2.0, abs=1e-9)  # SharedPool01's max
    ded = rates(u.lpar_samples(0, interval="short"))  # dedicated: owned cores, busy fraction
    assert ded["physc"] == pytest.approx(2.0, abs=1e-6)
    assert ded["busy"] * ded["physc"] == pytest.approx(0.5, abs=1e-6)
    assert rates(u.lpar_samples(4, interval="short"))["physc"] == pytest.approx(0.0, abs=0)
    pool0, pool1 = (rates(u.pool_samples(p, interval="short")) for p in (0, 1))
    assert pool0["pool_size"] == pytest.approx(6.0 + 1.5, abs=1e-6)  # 1.5 idle donated
    assert pool0["pool_used"] == pytest.approx(per_window[[1, 2]].sum(), abs=1e-6)
    assert pool1["pool_size"] == pytest.approx(2.0, abs=1e-6)
    assert pool1["pool_used"] == pytest.approx(2.0, abs=1e-6)


def test_long_ticks_are_interpolated_across_boundaries() -> None:
    a, b = Utilisation(CFG.n), Utilisation(CFG.n)
    steady_run(a, 60, tick=1.0)
    steady_run(b, 60, tick=15.0)  # 15 s ticks: 3 short samples each
    sa, sb = a.lpar_samples(2, interval="short"), b.lpar_samples(2, interval="short")
    assert sb.time == pytest.approx(sa.time)
    for name in ("time_cycles", *LPAR_COUNTERS):
        assert np.abs(sa[name] - sb[name]).max() <= 1  # cycles, rounding only


def test_samples_are_newest_first_and_the_ring_is_bounded() -> None:
    u = Utilisation(CFG.n, short_capacity=12, long_capacity=3)
    steady_run(u, 100, tick=2.5)
    s = u.lpar_samples(2, interval="short")
    assert len(s) == 12
    assert s.time == pytest.approx(100.0 - 5.0 * np.arange(12))  # newest first
    old = u.lpar_samples(2, interval="short", newest_first=False)
    assert old.time == pytest.approx(s.time[::-1])
    assert len(u.lpar_samples(2, n=4, interval="short")) == 4
    assert u.lpar_samples(2, interval="long").time == pytest.approx([90.0, 60.0, 30.0])
    assert len(u.pool_samples(0, n=100, interval="short")) == 12


def test_memory_for_a_day_of_history_of_1000_partitions() -> None:
    u = Utilisation(1000)
    assert len(u.long.time) == 2880 and len(u.short.time) == 720
    assert u.nbytes() < 200e6


def test_resize_and_remap_keep_rows_and_start_new_ones_empty() -> None:
    u = Utilisation(CFG.n)
    steady_run(u, 30)
    before = u.lpar[:, 2].copy()
    u.remap([2, -1])
    assert u.n == 2
    assert np.array_equal(u.lpar[:, 0], before)
    assert np.all(u.lpar[:, 1] == 0)
    assert len(u.lpar_samples(0, interval="short")) == 6
    assert len(u.lpar_samples(1, interval="short")) == 0
    u.resize(3)
    assert u.n == 3 and u.lpar.shape == (len(LPAR_COUNTERS), 3)
    with pytest.raises(ValueError, match="rows"):
        u.remap([5])


def test_live_figures_cover_at_least_a_second() -> None:
    u = Utilisation(CFG.n)
    d = Dispatcher(CFG, dtype=np.float64)
    tot = d.run(np.tile(DEMAND, (50, 1)))
    u.add(tot, 50, 0.5)
    assert np.all(u.live_physc == 0)  # half a second: nothing published yet
    u.add(tot, 50, 1.0)
    assert u.live_physc == pytest.approx(tot.used / 50)
    assert u.live_pool_size[1] == pytest.approx(2.0)


def test_time_must_advance() -> None:
    u = Utilisation(CFG.n)
    steady_run(u, 2)
    tot = Dispatcher(CFG, dtype=np.float64).run(np.tile(DEMAND, (1, 1)))
    with pytest.raises(ValueError, match="advance"):
        u.add(tot, 1, 2.0)
