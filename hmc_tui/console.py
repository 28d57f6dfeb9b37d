"""The Console: how every front end reaches the engine.

A front end reads the frame through `snapshot()` and changes it only through `submit()` /
`execute()` of engine operations, on behalf of the session's actor. `LocalConsole` embeds an
engine in this process; `hmc_tui.service.remote.RemoteConsole` reaches the engine service over
a Unix socket. Front ends use only what this protocol declares (no probing with getattr).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Sequence
from concurrent.futures import Future
from typing import TYPE_CHECKING, Literal, Protocol

from engine.ops import Operation
from engine.roles import Actor
from engine.service import Engine, OpResult
from engine.snapshot import Snapshot, UtilSeries
from engine.vterm.hub import Terminal, TerminalHandle
from hmc_tui.service.protocol import SessionInfo


class Console(Protocol):
    # Who acts: every operation is checked against this actor's role. The engine service may
    # replace it while the console runs (a user demoted meanwhile), so read it when needed.
    actor: Actor

    @property
    def restricted(self) -> bool:
        """A console run for a remote (SSH) user: the front end never reads or writes the
        server's files on that user's behalf (no -f FILE, screenshots, macros, server
        config); the user's own settings live in a per-user file (hmc_tui.config)."""
        ...

    @property
    def connected(self) -> bool:
        """False once the engine behind this console went away (see `close_reason`)."""
        ...

    @property
    def close_reason(self) -> str:
        """Why the console is no longer connected; "" while it is."""
        ...

    @property
    def session_id(self) -> int | None:
        """This console's session among `sessions()`; None when the frame is not shared."""
        ...

    def sessions(self) -> tuple[SessionInfo, ...]:
        """Everyone working on the frame, this session included."""
        ...

    def snapshot(self) -> Snapshot: ...

    def submit(self, op: Operation) -> Future[OpResult]: ...

    def execute(self, op: Operation) -> OpResult: ...

    async def run(self, op: Operation) -> OpResult:
        """Apply an operation without blocking the event loop (the UI's way)."""
        ...

    def utilisation(self, resource: Literal["lpar", "pool"], key: int,
                    interval: Literal["short", "long"] = "long",
                    system: str = "") -> UtilSeries: ...

    def utilisations(self, resource: Literal["lpar", "pool"], keys: Sequence[int],
                     interval: Literal["short", "long"] = "long", system: str = "",
                     last: int | None = None) -> list[UtilSeries]:
        """`utilisation` of several keys at once (one round trip to a remote engine), only
        the newest `last` samples of each when given."""
        ...

    def pace(self, interval: float) -> None:
        """How often the front end wants new snapshots (0: as often as they come): an idle
        remote console asks the service for fewer, so nobody parses what nobody sees."""
        ...

    def set_speed(self, speed: float) -> None: ...

    def pause(self) -> None: ...

    def resume(self) -> None: ...

    def open_terminal(self, lpar: str | int, listener: Callable[[str], None],
                      on_close: Callable[[str], None], system: str = "") -> Terminal:
        """Open the partition's virtual terminal (mkvterm), as engine.service.Engine
        .open_terminal: HmcError HSCL350B / HSCL8012 / HSCL1000. `listener` is called from
        another thread with output; `on_close(reason)` when someone else closes it."""
        ...

    def close_terminal(self, lpar: str | int, system: str = "") -> bool:
        """Force the partition's terminal session closed (rmvterm); False when none was."""
        ...


class LocalConsole:
    """An engine in this process. `lockstep=True` keeps the clock still until `step()` is
    called (tests and headless replay); otherwise `start()` runs it in a thread."""

    # An engine in this process is nobody else's: nothing to restrict, nobody to disconnect.
    restricted = False
    connected = True
    close_reason = ""
    session_id: int | None = None

    def __init__(self, engine: Engine, actor: Actor | None = None) -> None:
        self.engine = engine
        self.actor = actor or Actor()
        self._since = time.time()

    def sessions(self) -> tuple[SessionInfo, ...]:
        """Just this session: an in-process engine has no other consoles."""
        return (SessionInfo(id=0, user=self.actor.user, role=self.actor.role, since=self._since,
                            origin="local", kind="console"),)

    def snapshot(self) -> Snapshot:
        return self.engine.snapshot()

    def submit(self, op: Operation) -> Future[OpResult]:
        return self.engine.submit(op, self.actor)

    def execute(self, op: Operation) -> OpResult:
        return self.engine.execute(op, self.actor)

    async def run(self, op: Operation) -> OpResult:
        if not self.engine.running:  # lockstep: apply at once, nothing else would
            return self.execute(op)
        return await asyncio.wrap_future(self.submit(op))

    def utilisation(self, resource: Literal["lpar", "pool"], key: int,
                    interval: Literal["short", "long"] = "long",
                    system: str = "") -> UtilSeries:
        return self.engine.utilisation(resource, key, interval, system)

    def utilisations(self, resource: Literal["lpar", "pool"], keys: Sequence[int],
                     interval: Literal["short", "long"] = "long", system: str = "",
                     last: int | None = None) -> list[UtilSeries]:
        return [self.engine.utilisation(resource, key, interval, system, last)
                for key in keys]

    def pace(self, interval: float) -> None:
        """Nothing to do: an in-process engine's snapshot is a reference read."""

    def set_speed(self, speed: float) -> None:
        self.engine.set_speed(speed)

    def pause(self) -> None:
        self.engine.pause()

    def resume(self) -> None:
        self.engine.resume()

    def step(self, seconds: float) -> None:
        self.engine.step(seconds)

    def open_terminal(self, lpar: str | int, listener: Callable[[str], None],
                      on_close: Callable[[str], None], system: str = "") -> TerminalHandle:
        return self.engine.open_terminal(lpar, self.actor, listener, on_close, system)

    def close_terminal(self, lpar: str | int, system: str = "") -> bool:
        return self.engine.close_terminal(lpar, self.actor, system)


if TYPE_CHECKING:  # mypy checks that both consoles provide the whole protocol
    from hmc_tui.service.remote import RemoteConsole

    _LOCAL: type[Console] = LocalConsole
    _REMOTE: type[Console] = RemoteConsole
