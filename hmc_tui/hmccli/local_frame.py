"""The frame file under `hmc-tui cmd` and `hmc-tui shell`: opened through its operation log,
caught up with the wall clock, checkpointed at the end.

A real HMC's partitions go on booting between two commands. So, by default (`--clock wall`),
opening a frame advances the engine by the wall time elapsed since the frame was last saved,
stepped as the running engine would step it (lifecycle steps, processor dispatch), so a
partition activated by one `cmd` shows Starting with advancing reference codes at the next
until its boot time has passed, and a `--restart` of an OS shutdown reactivates it. The
transitions in flight live in the checkpoint (engine.durable), not in the frame file. The
catch-up is deterministic for a given elapsed time (stepped clock, fixed seed) and capped
at MAX_CATCH_UP: a frame left for a month moves on by one day, and the command says so.

`--clock stopped` keeps the behaviour of earlier versions: no engine time passes between
two commands and a transition caught in flight completes at once at the next (tests,
golden files, scripts that must not depend on timing).

One process per frame file: another `cmd` is waited for (LOCK_WAIT); when a service or
console has it open (its database stays locked), the front end refuses with one line that
says how to reach that process instead. A frame file hmc-tui has not saved (new, imported,
edited by hand) has no checkpoint to measure from: it starts where it stands.
"""

from __future__ import annotations

import shlex
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from engine import durable
from engine.durable import FrameInUse
from engine.errors import OpLogError
from engine.service import Engine
from engine.store import FrameFileError
from hmc_tui.service.paths import default_socket_path

Clock = Literal["wall", "stopped"]
CLOCKS: tuple[Clock, ...] = ("wall", "stopped")
# Engine seconds: a day. Stepping a day costs seconds (benchmarks/bench_cmd_catch_up.py).
MAX_CATCH_UP = 86_400.0
SEED = 0  # the engine's workload seed, as the console's: catch-up repeats exactly
SERVICE_PORT = 2222  # hmc-tui serve's default SSH port, for the refusal's hint
# Another `cmd` holds a frame for well under a second (a day's catch-up: a few): wait that
# long, as the HMC queues two commands, before calling the holder a service.
LOCK_WAIT = 5.0


def wall_now() -> float:
    """The wall clock the catch-up is measured with (a seam for tests)."""
    return time.time()


class FrameBusy(Exception):
    """The frame is held by another process: `message` is the one line to print."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass
class LocalFrame:
    """An engine on a frame file for one front end run, and what its catch-up did."""

    engine: Engine
    path: Path
    clock: Clock
    behind: float = 0.0  # wall seconds since the last save (0 when unknown or stopped)
    caught_up: float = 0.0  # engine seconds stepped at open
    seen: int = 0  # frame version after the catch-up: a command changed it when it differs
    opened_at: float = 0.0  # engine time before the catch-up (of the frame file)

    @property
    def capped(self) -> bool:
        return self.behind > MAX_CATCH_UP

    def changed(self) -> bool:
        """The frame changed since open (or since the last save())."""
        return self.engine.snapshot().frame_version != self.seen

    def moved(self) -> bool:
        """Engine time moved since the frame file was read (or last saved)."""
        return self.engine.time != self.opened_at

    def save(self) -> None:
        """Checkpoint the frame (file, in-flight transitions, log pruned). FrameFileError."""
        durable.save(self.engine, self.path)
        self.seen = self.engine.snapshot().frame_version
        self.opened_at = self.engine.time

    def close(self) -> None:
        oplog = self.engine.oplog
        if oplog is not None:
            oplog.close()


def open_frame(path: Path, clock: Clock, *, who: str, line: str = "",
               mode: Literal["stepped", "realtime"] = "stepped") -> LocalFrame:
    """Open `path` through its operation log and catch its engine up (module docstring).
    FrameBusy when another process has it open; FrameFileError for a bad frame file or an
    unusable operation log. `who` and `line` word the FrameBusy message."""
    deadline = time.monotonic() + LOCK_WAIT
    while True:
        try:
            engine, recovery = durable.open_engine(path, seed=SEED, mode=mode,
                                                   settle=clock == "stopped")
            break
        except FrameInUse:
            if time.monotonic() >= deadline:
                raise FrameBusy(busy_message(path, who, line)) from None
            time.sleep(0.05)
        except OpLogError as exc:
            raise FrameFileError(str(path), f"operation log {exc}") from None
    frame = LocalFrame(engine, path, clock, opened_at=engine.time)
    if clock == "wall" and recovery.saved_wall is not None:
        frame.behind = max(0.0, wall_now() - recovery.saved_wall)
        # From the checkpoint's engine time: operations replayed after it already moved
        # the engine part of the way.
        target = recovery.saved_time + min(frame.behind, MAX_CATCH_UP)
        frame.caught_up = max(0.0, target - engine.time)
        if frame.caught_up > 0:
            engine.step(frame.caught_up)
    frame.seen = engine.snapshot().frame_version
    return frame


def busy_message(path: Path, who: str, line: str) -> str:
    """One line: the frame is held, nothing was done, how to reach the holder instead."""
    # USER: one of the service's own users (`hmc-tui users list`), not the login name.
    ssh = f"ssh -p {SERVICE_PORT} USER@127.0.0.1"
    if line:
        ssh += " " + shlex.quote(line)
    return (f"hmc-tui {who}: the frame {path} is open in another hmc-tui process (a running "
            f"`hmc-tui serve` or console); nothing was done. Reach the service over SSH as "
            f"one of its users (`{ssh}`, {SERVICE_PORT} being its default port) or with "
            f"`hmc-tui --connect {shlex.quote(str(default_socket_path()))}`.")


def catch_up_note(frame: LocalFrame, who: str) -> None:
    """Say so on stderr when the catch-up was capped: the engine is behind the wall clock."""
    if frame.capped:
        days = frame.behind / 86_400
        print(f"hmc-tui {who}: note: {days:.1f} days since {frame.path} was last used; engine "
              f"time moved on by {MAX_CATCH_UP / 3600:.0f} hours (the most it catches up)",
              file=sys.stderr)

