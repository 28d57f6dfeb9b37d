"""How long a migration takes: memory copied between the mover service partitions while the
workload dirties pages, then a short suspend (docs/mobility.md, "The timing model").

An active migration goes through timed phases on the engine clock:

1. Migration Starting, START_S: the shell partition is created on the target and its virtual
   adapters and mappings on the target VIOS.
2. Migration In Progress (pre-copy): the MSPs copy memory at `bandwidth` B (MB/s) while the
   running partition dirties pages at D = DIRTY_MB_PER_CORE x the cores it uses (MB/s), which
   have to be sent again. The memory still to send, R, starts at the partition's memory M and
   moves as dR/dt = D - B (never above M). With D < B it falls linearly; the copy converges
   when R <= B x SUSPEND_WINDOW_S, which takes (M - B x SUSPEND_WINDOW_S) / (B - D) seconds.
   With D >= B it never falls: after STALL_S seconds without a new lowest R the migration is
   stopped (HSCL1322) and the partition keeps running on the source.
3. Suspending: the partition is suspended, the last R = min(M, B x SUSPEND_WINDOW_S) MB are
   sent (R / B seconds) plus SUSPEND_OVERHEAD_S to move the processor state; it resumes on
   the target. At most SUSPEND_WINDOW_S + SUSPEND_OVERHEAD_S = 1 s.
   The partition then runs on the target and its adapters and mappings on the source VIOS
   are removed.

Total = START_S + max(0, M - B x SUSPEND_WINDOW_S) / (B - D) + min(M, B x SUSPEND_WINDOW_S) / B
+ SUSPEND_OVERHEAD_S (`estimate`). The engine steps the copy with the dirty rate
it measured over each step (`advance`); with a constant rate the phase ends at the exact time
the formula gives, whatever the step sizes, because R is linear between steps and the crossing
time is solved inside the step. An inactive migration only moves the definition: INACTIVE_S.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from engine.model import Migration

MSP_BANDWIDTH_MB_S = 1250.0  # 10 Gb/s between the mover service partitions
DIRTY_MB_PER_CORE = 200.0  # MB of memory a busy core dirties per second
SUSPEND_WINDOW_S = 0.5  # the copy converges once what is left fits in this much link time
SUSPEND_OVERHEAD_S = 0.5  # processor state and the switch-over while suspended
START_S = 5.0
INACTIVE_S = 10.0
STALL_S = 120.0  # pre-copy without a new lowest remaining for this long: stopped
_EPS = 1e-9


@dataclass(frozen=True)
class Estimate:
    precopy_s: float  # inf when the copy never converges
    suspend_s: float
    total_s: float  # start + pre-copy + suspend (inf: never)

    @property
    def converges(self) -> bool:
        return math.isfinite(self.total_s)


def dirty_rate(busy_cores: float) -> float:
    """MB/s the partition dirties while it uses `busy_cores` physical cores."""
    return DIRTY_MB_PER_CORE * max(0.0, busy_cores)


def threshold(bandwidth: float) -> float:
    return bandwidth * SUSPEND_WINDOW_S


def estimate(mem_mb: float, bandwidth: float = MSP_BANDWIDTH_MB_S,
             dirty_mb_s: float = 0.0) -> Estimate:
    """The phases' durations with a constant dirty rate (the formula in the module text)."""
    last = min(mem_mb, threshold(bandwidth))
    suspend = last / bandwidth + SUSPEND_OVERHEAD_S
    to_copy = mem_mb - threshold(bandwidth)
    if to_copy <= 0:
        precopy = 0.0
    elif dirty_mb_s >= bandwidth:
        precopy = math.inf
    else:
        precopy = to_copy / (bandwidth - dirty_mb_s)
    return Estimate(precopy_s=precopy, suspend_s=suspend,
                    total_s=START_S + precopy + suspend)


def begin_copy(m: Migration, now: float) -> Migration:
    """Leave Migration Starting: the pre-copy starts with all memory to send (or the suspend
    at once when it all fits in the suspend window)."""
    update: dict[str, object] = {"remaining_mb": float(m.mem_mb), "best_mb": float(m.mem_mb),
                                 "best_at": now, "updated": now,
                                 "state": "Migration In Progress"}
    if m.mem_mb <= threshold(m.bandwidth) + _EPS:
        update.update(state="Suspending",
                      phase_end=now + m.mem_mb / m.bandwidth + SUSPEND_OVERHEAD_S)
    return m.model_copy(update=update)


def advance(m: Migration, now: float, seconds: float, dirty_mb_s: float) -> Migration:
    """The pre-copy `seconds` after engine time `now`, the workload dirtying `dirty_mb_s`.
    Crossing the suspend threshold inside the step moves to Suspending at the exact time."""
    if m.state != "Migration In Progress" or seconds <= 0:
        return m
    b, d, r = m.bandwidth, dirty_mb_s, m.remaining_mb
    limit = threshold(b)
    if d < b and r - (b - d) * seconds <= limit + _EPS:
        t = max(0.0, (r - limit) / (b - d))
        return m.model_copy(update={
            "state": "Suspending", "remaining_mb": limit, "sent_mb": m.sent_mb + b * t,
            "dirty_mb_s": d, "best_mb": limit, "best_at": now + t, "updated": now + t,
            "phase_end": now + t + limit / b + SUSPEND_OVERHEAD_S})
    left = min(float(m.mem_mb), r + (d - b) * seconds)
    update: dict[str, object] = {"remaining_mb": left, "sent_mb": m.sent_mb + b * seconds,
                                 "dirty_mb_s": d, "updated": now + seconds}
    if left < m.best_mb - _EPS:
        update.update(best_mb=left, best_at=now + seconds)
    return m.model_copy(update=update)


def next_due(m: Migration) -> float:
    """When the migration next needs the engine: the end of a timed phase, or during the
    copy the time it would converge at the last dirty rate (or stall)."""
    if m.state != "Migration In Progress":
        return m.phase_end
    stall = m.best_at + STALL_S
    if m.dirty_mb_s >= m.bandwidth:
        return stall
    return min(stall, m.updated + max(0.0, (m.remaining_mb - threshold(m.bandwidth)))
               / (m.bandwidth - m.dirty_mb_s))


def stalled(m: Migration, now: float) -> bool:
    """The pre-copy has made no progress for STALL_S seconds: it cannot converge."""
    return m.state == "Migration In Progress" and now - m.best_at >= STALL_S - _EPS


def suspend_done(m: Migration) -> Migration:
    """The suspend ended: what was left is sent."""
    return m.model_copy(update={"sent_mb": m.sent_mb + m.remaining_mb, "remaining_mb": 0.0})
