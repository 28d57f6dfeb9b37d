"""The Console: how every front end reaches the engine.

A front end reads the frame through `snapshot()` and changes it only through `submit()` /
`execute()` of engine operations, on behalf of the session's actor. `LocalConsole` embeds an
engine in this process; the SSH service adds a remote implementation over a Unix socket.
"""

from __future__ import annotations

import asyncio
from concurrent.futures import Future
from typing import Literal, Protocol

from engine.ops import Operation
from engine.roles import Actor
from engine.service import Engine, OpResult
from engine.snapshot import Snapshot, UtilSeries


class Console(Protocol):
    actor: Actor

    def snapshot(self) -> Snapshot: ...

    def submit(self, op: Operation) -> Future[OpResult]: ...

    def execute(self, op: Operation) -> OpResult: ...

    async def run(self, op: Operation) -> OpResult:
        """Apply an operation without blocking the event loop (the UI's way)."""
        ...

    def utilisation(self, resource: Literal["lpar", "pool"], key: int,
                    interval: Literal["short", "long"] = "long") -> UtilSeries: ...

    def set_speed(self, speed: float) -> None: ...

    def pause(self) -> None: ...

    def resume(self) -> None: ...


class LocalConsole:
    """An engine in this process. `lockstep=True` keeps the clock still until `step()` is
    called (tests and headless replay); otherwise `start()` runs it in a thread."""

    def __init__(self, engine: Engine, actor: Actor | None = None) -> None:
        self.engine = engine
        self.actor = actor or Actor()

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
                    interval: Literal["short", "long"] = "long") -> UtilSeries:
        return self.engine.utilisation(resource, key, interval)

    def set_speed(self, speed: float) -> None:
        self.engine.set_speed(speed)

    def pause(self) -> None:
        self.engine.pause()

    def resume(self) -> None:
        self.engine.resume()

    def step(self, seconds: float) -> None:
        self.engine.step(seconds)
