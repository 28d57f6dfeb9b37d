"""What readers get: an immutable, versioned view of the frame and its live figures."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Literal

from engine.journal import Event
from engine.model import Frame

ClockMode = Literal["realtime", "accelerated", "stepped"]


@dataclass(frozen=True)
class ClockState:
    mode: ClockMode
    speed: float  # engine seconds per wall second (realtime: 1.0)
    paused: bool


@dataclass(frozen=True)
class PoolLive:
    pool_id: int
    size: float  # cores the pool could use in the last tick (its max, or the physical pool)
    entitled: float  # member entitlement + reserved
    used: float  # cores used in the last tick


@dataclass(frozen=True)
class Snapshot:
    """Published by swapping one reference; safe to read from any thread, never mutated.

    `version` grows with every publish; `frame_version` only when a frame itself changed,
    so a reader can skip rebuilding structure when only live figures moved.

    `frames` holds every managed system of the HMC (`physcs`, `system_pools` their live
    figures, same order). `frame`, `physc` and `pools` are one system's: the first in a
    snapshot from the engine, the chosen one in `on(key)`'s: a screen about one system takes
    `snap.on(name)` and reads those three as it always did.
    """

    version: int
    frame_version: int
    time: float  # engine seconds since frame.system.epoch
    frame: Frame
    physc: dict[int, float]  # partition id -> physical cores used over the last tick
    pools: tuple[PoolLive, ...]  # active pools only (DefaultPool first)
    clock: ClockState
    events: tuple[Event, ...]
    in_flight: int  # operations queued and not yet applied
    frames: tuple[Frame, ...] = ()  # every managed system; () = just `frame`
    physcs: tuple[dict[int, float], ...] = ()
    system_pools: tuple[tuple[PoolLive, ...], ...] = ()

    def __post_init__(self) -> None:
        if not self.frames:  # a snapshot made with one frame (remote clients, tests)
            object.__setattr__(self, "frames", (self.frame,))
            object.__setattr__(self, "physcs", (self.physc,))
            object.__setattr__(self, "system_pools", (self.pools,))

    def index(self, key: str) -> int:
        """The system `key` names (name or MTMS; "" = the only one): HSCL8014 when
        unknown, HSCL1300 for "" with several systems."""
        from engine.hmc import resolve_index  # late: hmc imports errors and the model

        return resolve_index(self.frames, key)

    def system(self, key: str) -> Frame:
        return self.frames[self.index(key)]

    def on(self, key: str | int) -> Snapshot:
        """This snapshot about system `key` (name, MTMS or index): its frame, physc and
        pools in `frame`, `physc` and `pools`."""
        i = key if isinstance(key, int) else self.index(key)
        if self.frames[i] is self.frame:
            return self
        return replace(self, frame=self.frames[i], physc=self.physcs[i],
                       pools=self.system_pools[i])

    @property
    def several(self) -> bool:
        """The HMC manages more than one system."""
        return len(self.frames) > 1

    @property
    def wall(self) -> datetime:
        """Engine time on the calendar (what the HMC would print as sys_time)."""
        return self.frame.system.epoch + timedelta(seconds=self.time)


@dataclass(frozen=True)
class UtilSeries:
    """HMC utilisation samples of one partition or pool, oldest first.

    `counters` holds the monotonically increasing cycle counters at each sample, named as
    `lslparutil` names them: partitions have time_cycles, entitled_cycles, capped_cycles,
    uncapped_cycles and idle_cycles; pools time_cycles, total_pool_cycles and
    utilized_pool_cycles. Rates come from deltas (physc = d(capped+uncapped) / d(time)).
    """

    times: tuple[float, ...]  # engine seconds of each sample
    counters: dict[str, tuple[int, ...]]

    def rate(self, *names: str, per: str = "time_cycles") -> list[float]:
        """Per-interval ratio d(sum of `names`) / d(`per`), one value per sample after the
        first (e.g. physc, or pool cores used)."""
        total = [sum(self.counters[n][i] for n in names) for i in range(len(self.times))]
        base = self.counters[per]
        return [
            (total[i] - total[i - 1]) / (base[i] - base[i - 1]) if base[i] > base[i - 1] else 0.0
            for i in range(1, len(self.times))
        ]
