"""Turning the engine's pool samples into what the pool screen plots.

The engine keeps HMC-style monotonic cycle counters (`lslparutil -r procpool`): pool cores used
= d(utilized_pool_cycles) / d(time_cycles), pool size = d(total_pool_cycles) / d(time_cycles).
Only the newest samples are converted (the graph shows at most a screen's width), so a long
history costs the UI nothing per refresh. Short-term samples come every 5 s of engine time;
long-term ones at the frame's sample rate (`lslparutil -r config`: 30 s to 1 h, 0 = off), so
the graph takes its spacing from the samples' own times, and the rate only when there are
none yet.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence

from engine.snapshot import UtilSeries
from hmc_tui.widgets.pool_graph import PoolSeries, duration

SHORT_INTERVAL = 5.0  # engine seconds between short-term samples (engine/utilisation.py)
MAX_POINTS = 600  # more columns than any terminal is wide


def tail_rates(series: UtilSeries, names: Sequence[str], n: int,
               per: str = "time_cycles") -> list[float]:
    """The last `n` values of series.rate(*names, per=per), without touching older samples."""
    count = len(series.times)
    if count < 2 or per not in series.counters or any(k not in series.counters for k in names):
        return []
    start = max(1, count - n)
    base = series.counters[per]
    cols = [series.counters[k] for k in names]
    out: list[float] = []
    for i in range(start, count):
        d_base = base[i] - base[i - 1]
        d = sum(c[i] - c[i - 1] for c in cols)
        out.append(d / d_base if d_base > 0 else 0.0)
    return out


class EntitledHistory:
    """Entitled pool capacity as this console saw it change over engine time.

    The engine samples no counter for a pool's entitlement (the HMC has none either), so the
    screen records each change it observes and the graph reads the value in force at each
    sample's time; before the first observation the first value stands.
    """

    LIMIT = 2000

    def __init__(self) -> None:
        self._times: list[float] = []
        self._values: list[float] = []

    def observe(self, time: float, value: float) -> None:
        if self._values and abs(self._values[-1] - value) < 1e-9:
            return
        if self._times and time < self._times[-1]:  # the engine never goes back: start over
            self._times.clear()
            self._values.clear()
        self._times.append(time)
        self._values.append(value)
        if len(self._times) > self.LIMIT:
            del self._times[0], self._values[0]

    def at(self, time: float) -> float:
        if not self._values:
            return 0.0
        i = bisect_right(self._times, time) - 1
        return self._values[max(i, 0)]


def sample_step(interval: str, rate: int) -> float:
    """Engine seconds between two samples of a history: 5 s short-term, the frame's sample
    rate (`ManagedSystem.sample_rate`, 0 = sampling off) long-term."""
    return SHORT_INTERVAL if interval == "short" else float(rate)


def history_label(interval: str, rate: int) -> str:
    """The graph title's words for a history: "long-term, 5 min samples"."""
    if interval == "short":
        return f"short-term, {duration(SHORT_INTERVAL)} samples"
    if rate <= 0:
        return "long-term, sampling off"
    return f"long-term, {duration(rate)} samples"


def pool_series(util: UtilSeries, entitled: EntitledHistory, interval: str, rate: int = 30,
                n: int = MAX_POINTS) -> PoolSeries:
    """The graph's data for one pool from its samples (empty while there are none).

    `interval` of the result is the spacing of the newest two samples (the rate may have
    changed since older ones); without two samples it is the rate's, 0 when the long-term
    history is off (the graph says so).
    """
    used = tail_rates(util, ("utilized_pool_cycles",), n)
    size = tail_rates(util, ("total_pool_cycles",), n)
    step = sample_step(interval, rate)
    if not used or len(size) != len(used):
        return PoolSeries(interval=step)
    times = tuple(util.times[-len(used):])
    step = util.times[-1] - util.times[-2] or step  # tail_rates needs two samples
    return PoolSeries(
        times=times, used=tuple(used), size=tuple(size),
        entitled=tuple(entitled.at(t) for t in times), interval=step,
    )


def join_samples(held: UtilSeries, new: UtilSeries, keep: int) -> UtilSeries | None:
    """`held` followed by the samples of `new` after its last one, the newest `keep` of
    them; None when the two do not join (`new` does not start at or before held's last
    sample, or names other counters): the caller then reads the whole history again."""
    if not held.times or held.counters.keys() != new.counters.keys():
        return None
    after = bisect_right(new.times, held.times[-1])
    if after == 0 or new.times[after - 1] != held.times[-1]:
        return None
    if after == len(new.times):
        return held
    return UtilSeries(
        times=(held.times + new.times[after:])[-keep:],
        counters={k: (v + new.counters[k][after:])[-keep:] for k, v in held.counters.items()})
