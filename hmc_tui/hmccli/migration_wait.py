"""`migrlpar -o m` waits until the migration ends, as the HMC's command does: exit 0 and
nothing printed when the partition runs on the target, the HSCL error and exit 1 when the
migration stopped (it never converged, a user stopped it, the target failed).

How the wait passes time depends on who owns the engine clock (docs/mobility.md section 4):

- a running clock (the SSH service, the console's `:` line, `hmc-tui shell`): poll the
  console's snapshots every POLL_S wall seconds until the migration has ended;
- `hmc-tui cmd` (the catch-up clock, `--clock wall` or `stopped`): the front end hands the
  command its engine's `step`, and the command steps the engine through the migration, as
  the catch-up steps it; engine time moves on by exactly the migration's duration;
- a lockstep clock nobody handed over (tests, headless macro replay, drill setup), or a
  paused one (`:pause`): nobody moves time for the command, so it returns once the
  migration started (poll it with `lslparmigr -r lpar`), as `-w 0` does everywhere.

`-w WAIT` bounds the wait to WAIT minutes of engine time (migrlpar's man page: the most the
HMC waits on the partition's operating system). When it passes with the migration still
copying memory, the HMC gives up: the migration is stopped (the partition keeps running on
the source) and the command fails with HSCL1337. A migration already suspending is too late
to stop; the wait goes on to its end (at most a second).
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass

from engine.errors import HmcError
from engine.mobility import progress
from engine.model import Frame, Migration
from engine.ops.mobility import MigratePartition
from engine.service import WINDOWS_PER_SECOND
from engine.snapshot import Snapshot
from hmc_tui.hmccli.context import Ctx
from hmc_tui.hmccli.errors import CliError

POLL_S = 0.05  # wall seconds between two looks at a running engine
WINDOW_S = 1 / WINDOWS_PER_SECOND  # engine steps are whole dispatch windows
STEP_S = 10.0  # engine seconds per step when the command drives the clock itself
_EPS = 1e-6

Stepper = Callable[[float], None]


@dataclass(frozen=True)
class Waited:
    """One migration the command waits for: on which system (MTMS: a rename does not change
    it), which partition, since when (engine seconds)."""

    source: str
    lpar_id: int
    name: str
    since: float


def _migration(frame: Frame, lpar_id: int) -> Migration | None:
    return next((m for m in frame.migrations if m.lpar_id == lpar_id), None)


def _failure(snap: Snapshot, w: Waited) -> str:
    """Why the migration ended with the partition still on the source: the journal's coded
    line about it (the stall, the target failing), else the stop someone asked for."""
    since = [e for e in snap.events if e.time >= w.since - _EPS
             and e.op == "migrate" and e.target == w.name]
    coded = [e for e in since if e.code]
    if coded:
        return f"{coded[-1].code} {coded[-1].message}"
    stops = [e for e in since if e.command.startswith("migrlpar -o s")]
    user = stops[-1].user if stops else "another session"
    err = HmcError("HSCL1335", name=w.name, user=user,
                   system=snap.system(w.source).system.name)
    return f"{err.code} {err.message}"


def _outcome(snap: Snapshot, w: Waited) -> str | None:
    """None while the migration goes on; "" once it completed; the error once it failed."""
    source = snap.system(w.source)
    m = _migration(source, w.lpar_id)
    if m is not None:
        if m.state == "Recovery Required":
            return _failure(snap, w)
        return None
    if source.partition(w.lpar_id) is None:
        return ""  # it left the source: it runs on the target
    return _failure(snap, w)


def _give_up(ctx: Ctx, snap: Snapshot, w: Waited, minutes: float) -> str | None:
    """-w passed: stop the migration (None when it is too late to stop: suspending)."""
    m = _migration(snap.system(w.source), w.lpar_id)
    if m is None or m.state == "Suspending":
        return None
    result = ctx.console.execute(MigratePartition(system=w.source, lpar_id=w.lpar_id,
                                                  action="stop"))
    if not result.ok:  # it ended meanwhile, or suspended: the wait goes on
        return None
    err = HmcError("HSCL1337", name=w.name, minutes=f"{minutes:g}",
                   system=snap.system(w.source).system.name)
    return f"{err.code} {err.message}"


def _step_size(snap: Snapshot, deadline: float | None) -> float:
    """Engine seconds to the next migration phase (or -w's deadline), in whole dispatch
    windows: the command returns at the very window its migration ended in."""
    ends = [STEP_S]
    due = progress.next_due(snap.frames)
    if due is not None:
        ends.append(due - snap.time)
    if deadline is not None:
        ends.append(deadline - snap.time)
    return max(math.ceil(min(ends) / WINDOW_S - _EPS), 1) * WINDOW_S


def wait(ctx: Ctx, waited: list[Waited], minutes: float | None,
         step: Stepper | None) -> None:
    """Until every migration in `waited` ended (or -w passed); CliError with each failure's
    line when one failed. Returns at once on a lockstep clock nobody handed over."""
    if not waited or minutes == 0:
        return
    clock = ctx.console.snapshot().clock
    live = clock.mode != "stepped"
    if (not live and step is None) or (live and clock.paused):
        return  # nobody moves time for this command: the migration waits with the clock
    start = ctx.console.snapshot().time
    deadline = start + minutes * 60 if minutes is not None else None
    errors: dict[int, str] = {}
    left = list(waited)
    while left:
        snap = ctx.console.snapshot()
        for w in list(left):
            outcome = _outcome(snap, w)
            if outcome is None and deadline is not None and snap.time >= deadline - _EPS:
                outcome = _give_up(ctx, snap, w, minutes or 0)
            if outcome is not None:
                left.remove(w)
                if outcome:
                    errors[w.lpar_id] = outcome
        if not left:
            break
        if not ctx.console.connected:
            raise CliError(f"hmc-tui: the console closed while migrlpar waited: "
                           f"{ctx.console.close_reason}")
        if live:
            time.sleep(POLL_S)
            continue
        assert step is not None
        step(_step_size(snap, deadline))
    if errors:
        raise CliError("\n".join(errors[w.lpar_id] for w in waited if w.lpar_id in errors))
