"""Migrations as engine time passes: the engine calls `tick` at each tick boundary while any
system has a migration, with the cores each partition used over the step (its dispatcher's
physc), and `next_due` so that a step ends when a phase does (docs/mobility.md section 2).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from engine.errors import HmcError
from engine.hmc import resolve_index
from engine.mobility import moves, timing
from engine.model import Frame, Migration

_EPS = 1e-6


@dataclass(frozen=True)
class Line:
    """A journal line: on which system (index), about what, what happened, and the code when
    it is a failure."""

    system: int
    target: str
    message: str
    code: str = ""


def next_due(frames: tuple[Frame, ...]) -> float | None:
    dues = [timing.next_due(m) for f in frames for m in f.migrations
            if m.state != "Recovery Required"]
    dues = [d for d in dues if math.isfinite(d)]
    return min(dues) if dues else None


def tick(frames: tuple[Frame, ...], physcs: tuple[dict[int, float], ...],
         now: float) -> tuple[tuple[Frame, ...], list[Line]]:
    """Every migration moved on to engine time `now`."""
    out = list(frames)
    lines: list[Line] = []
    for i in range(len(out)):
        for m in out[i].migrations:
            _one(out, physcs, i, m, now, lines)
    return tuple(out), lines


def _put(frames: list[Frame], i: int, m: Migration) -> None:
    f = frames[i]
    frames[i] = f.model_copy(update={"migrations": tuple(
        m if x.lpar_id == m.lpar_id else x for x in f.migrations)})


def _one(frames: list[Frame], physcs: tuple[dict[int, float], ...], i: int, m: Migration,
         now: float, lines: list[Line]) -> None:
    if m.state == "Recovery Required":
        return
    try:
        j = resolve_index(frames, m.target)
    except HmcError:
        j = -1
    if j < 0 or frames[j].system.state != "Operating":
        state = frames[j].system.state if j >= 0 else "unknown"
        _put(frames, i, m.model_copy(update={
            "state": "Recovery Required", "error": f"{m.target} is {state}"}))
        lines.append(Line(i, m.name, f"migration to {m.target} failed: the target is "
                          f"{state}; recovery required (migrlpar -o r)", "HSCL0D0F"))
        return
    if m.state == "Migration Starting" and now >= m.phase_end - _EPS:
        lines += [Line(j, t, msg) for t, msg in moves.served(frames[j], m.dest_lpar_id, m.name)]
        if m.kind == "inactive":
            _finish(frames, i, j, m, lines)
            return
        m = timing.begin_copy(m, now)
        _put(frames, i, m)
        lines.append(Line(i, m.name, f"memory copy started: {m.mem_mb} MB from "
                          f"{m.source_msp} to {m.dest_msp} at {m.bandwidth:g} MB/s"))
        if m.state == "Suspending":
            lines.append(Line(i, m.name, "partition suspended"))
        return
    if m.state == "Migration In Progress":
        dirty = timing.dirty_rate(physcs[i].get(m.lpar_id, 0.0))
        m = timing.advance(m, m.updated, now - m.updated, dirty)
        if m.state == "Suspending":
            _put(frames, i, m)
            lines.append(Line(i, m.name, f"memory copy converged ({m.remaining_mb:g} MB "
                              f"left): partition suspended"))
        elif timing.stalled(m, now):
            err = HmcError("HSCL1322", name=m.name, dirty=f"{m.dirty_mb_s:g}",
                           bandwidth=f"{m.bandwidth:g}", seconds=f"{timing.STALL_S:g}",
                           system=frames[i].system.name)
            source, target, _, lj = moves.rollback(frames[i], frames[j], m)
            frames[i], frames[j] = source, target
            lines.append(Line(i, m.name, err.message, err.code))
            lines += [Line(j, t, msg) for t, msg in lj]
        else:
            _put(frames, i, m)
        return
    if m.state == "Suspending" and now >= m.phase_end - _EPS:
        _finish(frames, i, j, timing.suspend_done(m), lines)


def _finish(frames: list[Frame], i: int, j: int, m: Migration, lines: list[Line]) -> None:
    source, target, li, lj = moves.complete(frames[i], frames[j], m)
    frames[i], frames[j] = source, target
    lines += [Line(i, t, msg) for t, msg in li]
    lines += [Line(j, t, msg) for t, msg in lj]
