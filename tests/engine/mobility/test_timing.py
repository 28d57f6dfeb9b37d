"""The timing model of a migration (engine/mobility/timing.py): exact figures."""

from __future__ import annotations

import math

import pytest

from engine.mobility import timing
from engine.mobility.timing import advance, begin_copy, estimate, stalled
from engine.model import Migration


def migration(mem_mb: int, bandwidth: float = 1250.0) -> Migration:
    return Migration(lpar_id=4, name="was01", kind="active", target="DR", dest_lpar_id=4,
                     mem_mb=mem_mb, bandwidth=bandwidth)


def test_idle_32_gb_partition() -> None:
    # 32768 MB at 1250 MB/s, nothing dirtied: (32768 - 625) / 1250 = 25.7144 s of pre-copy,
    # then 625 MB in 0.5 s + 0.5 s suspended; plus 5 s starting
    e = estimate(32768, 1250.0, 0.0)
    assert e.precopy_s == pytest.approx(25.7144)
    assert e.suspend_s == pytest.approx(1.0)
    assert e.total_s == pytest.approx(31.7144)


def test_busy_partition_takes_longer() -> None:
    # 2 busy cores dirty 400 MB/s: the link gains 850 MB/s on the memory
    assert timing.dirty_rate(2.0) == 400.0
    e = estimate(32768, 1250.0, timing.dirty_rate(2.0))
    assert e.precopy_s == pytest.approx(32143 / 850)  # 37.8153 s
    assert e.total_s == pytest.approx(5 + 32143 / 850 + 1.0)


def test_small_partition_is_copied_while_suspended() -> None:
    e = estimate(512, 1250.0, 100.0)
    assert (e.precopy_s, e.suspend_s) == (0.0, pytest.approx(512 / 1250 + 0.5))


def test_dirty_rate_at_link_rate_never_converges() -> None:
    e = estimate(65536, 1250.0, 1250.0)
    assert not e.converges and math.isinf(e.total_s)


@pytest.mark.parametrize("step", [0.01, 0.1, 1.0, 7.3])
def test_stepped_copy_suspends_at_the_formula_time(step: float) -> None:
    m = begin_copy(migration(32768), now=5.0)
    now = 5.0
    while m.state == "Migration In Progress":
        m = advance(m, now, step, 400.0)
        now += step
    assert m.state == "Suspending"
    assert m.best_at == pytest.approx(5.0 + 32143 / 850)  # converged at exactly this time
    assert m.phase_end == pytest.approx(5.0 + 32143 / 850 + 1.0)
    assert m.remaining_mb == 625.0
    assert m.sent_mb == pytest.approx(1250.0 * 32143 / 850)
    assert timing.suspend_done(m).sent_mb == pytest.approx(1250.0 * 32143 / 850 + 625.0)


def test_never_converging_copy_stalls_after_stall_seconds() -> None:
    m = begin_copy(migration(65536), now=5.0)
    now = 5.0
    while not stalled(m, now):
        m = advance(m, now, 1.0, 1500.0)
        now += 1.0
    assert now == 5.0 + timing.STALL_S
    assert m.state == "Migration In Progress"
    assert m.remaining_mb == 65536.0  # never more than the partition's memory


def test_a_partition_that_fits_the_suspend_window_suspends_at_once() -> None:
    m = begin_copy(migration(500), now=5.0)
    assert m.state == "Suspending" and m.phase_end == pytest.approx(5.0 + 0.4 + 0.5)
