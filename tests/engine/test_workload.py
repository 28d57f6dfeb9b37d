"""Seeded workload generators: determinism, day curves, validation."""

from __future__ import annotations

from datetime import datetime

import numpy as np
import pytest

from engine.workload import DEFAULTS, KINDS, Workloads

HOUR = 3600.0
DAY = 24 * HOUR
MONDAY = datetime(2024, 1, 1)  # engine time 0 = Monday 00:00


def frame(kind: str, n: int = 200, seed: int = 1, **kw: object) -> Workloads:
    return Workloads([kind] * n, None, np.full(n, 4.0), seed=seed, **kw)  # type: ignore[arg-type]


def mean_level(w: Workloads, t: float, seconds: int = 10) -> float:
    """Mean demand as a fraction of VPs over `seconds` from engine time t."""
    return float(w.demand(t, seconds * 100).mean() / w.vps.mean())


def test_same_seed_same_calls_identical_and_independent_of_tick_sizes() -> None:
    kinds = [KINDS[i % len(KINDS)] for i in range(90)]
    vps = np.arange(90) % 8 + 1.0
    a = Workloads(kinds, None, vps, seed=42)
    b = Workloads(kinds, None, vps, seed=42)
    one = a.demand(HOUR, 700)
    assert np.array_equal(one, b.demand(HOUR, 700))
    parts = np.concatenate([b.demand(HOUR, 230), b.demand(HOUR + 2.3, 7),
                            b.demand(HOUR + 2.37, 463)])
    assert np.array_equal(one, parts)
    assert not np.array_equal(one, Workloads(kinds, None, vps, seed=43).demand(HOUR, 700))


def test_demand_is_within_zero_and_vps_and_fortran_ordered() -> None:
    kinds = [KINDS[i % len(KINDS)] for i in range(90)]
    vps = np.arange(90) % 8 + 1.0
    w = Workloads(kinds, [{"noise": 1.0} if k != "idle" else None for k in kinds], vps, seed=3)
    d = w.demand(11 * HOUR, 1000)
    assert d.shape == (1000, 90) and d.dtype == np.float32
    assert d.flags.f_contiguous
    assert np.all(d >= 0) and np.all(d <= vps + 1e-6)
    assert d.max() > 0


def test_demand_blocks_matches_demand() -> None:
    w = Workloads(list(KINDS), None, np.full(len(KINDS), 2.0), seed=5)
    blocks, reps = w.demand_blocks(12.34, 333)
    assert reps.sum() == 333 and reps[0] == 6 and np.all(reps[1:-1] == 10)
    assert np.array_equal(np.repeat(blocks, reps, axis=0), w.demand(12.34, 333))
    with pytest.raises(ValueError, match="boundary"):
        w.demand(0.005, 10)


def test_diurnal_business_day_versus_night_and_weekend() -> None:
    w = frame("diurnal")
    noon, night = mean_level(w, 12 * HOUR), mean_level(w, 3 * HOUR)
    assert noon == pytest.approx(DEFAULTS["diurnal"]["peak"], abs=0.02)
    assert night == pytest.approx(DEFAULTS["diurnal"]["base"], abs=0.02)
    saturday_noon = mean_level(w, 5 * DAY + 12 * HOUR)
    assert night + 0.05 < saturday_noon < noon - 0.2
    assert mean_level(w, 8.5 * HOUR) < noon  # still ramping up


def test_epoch_maps_engine_time_to_the_clock() -> None:
    at_noon = frame("diurnal", epoch=datetime(2024, 1, 3, 12, 0))  # a Wednesday noon
    assert mean_level(at_noon, 0.0) == pytest.approx(mean_level(frame("diurnal"), 12 * HOUR),
                                                     abs=0.02)


def test_batch_kinds_peak_at_night() -> None:
    batch, ibmi = frame("batch"), frame("ibmi_batch")
    assert mean_level(batch, 23 * HOUR) > mean_level(batch, 14 * HOUR) + 0.5
    assert mean_level(batch, 3 * HOUR) > 0.8
    assert mean_level(ibmi, 3 * HOUR) > mean_level(ibmi, 14 * HOUR) + 0.5
    assert mean_level(ibmi, 23 * HOUR) < 0.2  # IBM i batch starts after midnight


def test_oltp_lunch_dip_and_other_kinds() -> None:
    oltp = frame("oltp")
    assert mean_level(oltp, 12.6 * HOUR) < mean_level(oltp, 11 * HOUR) - 0.15
    assert mean_level(frame("idle"), 12 * HOUR) < 0.05
    assert mean_level(frame("steady"), 3 * HOUR) == pytest.approx(0.4, abs=0.02)
    assert mean_level(frame("hana"), 3 * HOUR) > 0.55
    assert mean_level(frame("vios"), 12 * HOUR) < 0.3


def test_bursts_are_on_about_burst_prob_of_the_time() -> None:
    w = frame("bursty", n=400, seed=9)
    d = w.demand(0.0, 100 * 600)[::100]  # one window per second for 10 minutes
    high = (d > 0.6 * 4.0).mean()
    assert 0.05 < high < 0.16  # burst_prob 0.10


def test_keys_keep_a_partitions_demand_when_others_change() -> None:
    a = Workloads(["oltp", "batch"], None, [2.0, 2.0], seed=1, keys=[5, 6])
    b = Workloads(["batch"], None, [2.0], seed=1, keys=[6])
    assert np.array_equal(a.demand(HOUR, 300)[:, 1], b.demand(HOUR, 300)[:, 0])


def test_bad_kind_and_params_are_refused_by_name() -> None:
    with pytest.raises(ValueError, match="'database'"):
        Workloads(["steady", "database"], None, [1.0, 1.0], seed=0)
    with pytest.raises(ValueError, match="'lunch_dip'"):
        Workloads(["diurnal"], [{"lunch_dip": 0.2}], [1.0], seed=0)
    with pytest.raises(ValueError, match="'peak'"):
        Workloads(["batch"], [{"peak": 1.5}], [1.0], seed=0)
    with pytest.raises(ValueError, match="'burst_len'"):
        Workloads(["bursty"], [{"burst_len": 0}], [1.0], seed=0)
    with pytest.raises(ValueError, match="vps"):
        Workloads(["idle"], None, [1.0, 2.0], seed=0)
    w = Workloads(["steady"], None, [2.0], seed=0)
    before = w.demand(0.0, 10)
    w.set_vps([4.0])
    assert w.demand(0.0, 10) == pytest.approx(2 * before, rel=1e-6)
    w = Workloads(["oltp"], [{"peak": 0.9}], [1.0], seed=0)
    assert w.describe()[0]["peak"] == 0.9 and w.describe()[0]["kind"] == "oltp"


def test_the_model_knows_every_workload_kind_and_no_other() -> None:
    from engine.model import WORKLOAD_KINDS
    from engine.workload import KINDS

    assert set(WORKLOAD_KINDS) == set(KINDS)


def test_bad_workload_params_are_a_rule_error_naming_the_field() -> None:
    from engine.errors import HmcError
    from engine.model import Workload
    from engine.rules import check_frame
    from engine.store import demo_frame

    frame = demo_frame()
    p = frame.partition("was01").model_copy(
        update={"workload": Workload(kind="diurnal", params={"peek": 0.5})})
    with pytest.raises(HmcError) as err:
        check_frame(frame.with_partition(p))
    assert err.value.code == "HSCL0A0F"
    assert err.value.path == "partitions[3].workload.params"
    assert "'peek' is not valid for kind 'diurnal'" in err.value.message
