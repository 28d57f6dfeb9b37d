"""The console as the UI sees it when the HMC manages several systems: one system at a time.

`SystemView` wraps a Console and is a Console itself. Its snapshots are `snap.on(system)`:
`frame`, `physc` and `pools` are the chosen system's (every system stays in `frames`), so
every screen written for one managed system shows the chosen one unchanged; its operations,
utilisation requests and terminals name that system. `select` switches system; the frame
version of its snapshots then jumps, so screens that rebuild only on a new frame version
rebuild for the other system.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from concurrent.futures import Future
from dataclasses import replace
from typing import TYPE_CHECKING, Any, Literal

from engine.ops import Operation
from engine.roles import Actor
from engine.service import OpResult
from engine.snapshot import Snapshot, UtilSeries
from engine.vterm.hub import Terminal
from hmc_tui.service.protocol import SessionInfo

if TYPE_CHECKING:
    from hmc_tui.console import Console

SWITCH_STEP = 1 << 32  # added to frame versions at each switch: monotonic, never reused


class SystemView:
    def __init__(self, console: Console, index: int = 0) -> None:
        self.inner = console
        self.index = index
        self._bump = 0

    # -- which system
    def select(self, key: str | int) -> int:
        """Show system `key` (index, name or MTMS; HmcError HSCL8014 when unknown)."""
        snap = self.inner.snapshot()
        index = key if isinstance(key, int) else snap.index(key)
        if index != self.index:
            self.index = index
            self._bump += SWITCH_STEP
        return index

    @property
    def system(self) -> str:
        """The chosen system's MTMS, as operations name it (a rename does not change it)."""
        return self.inner.snapshot().frames[self.index].mtms

    def _named(self, op: Operation) -> Operation:
        return op if op.system else op.model_copy(update={"system": self.system})

    # -- the Console protocol
    @property
    def actor(self) -> Actor:
        return self.inner.actor

    @actor.setter
    def actor(self, actor: Actor) -> None:
        self.inner.actor = actor

    @property
    def restricted(self) -> bool:
        return self.inner.restricted

    @property
    def connected(self) -> bool:
        return self.inner.connected

    @property
    def close_reason(self) -> str:
        return self.inner.close_reason

    @property
    def session_id(self) -> int | None:
        return self.inner.session_id

    def sessions(self) -> tuple[SessionInfo, ...]:
        return self.inner.sessions()

    def snapshot(self) -> Snapshot:
        snap = self.inner.snapshot()
        index = min(self.index, len(snap.frames) - 1)
        focused = snap.on(index)
        return replace(focused, frame_version=focused.frame_version + self._bump) \
            if self._bump else focused

    def submit(self, op: Operation) -> Future[OpResult]:
        return self.inner.submit(self._named(op))

    def execute(self, op: Operation) -> OpResult:
        return self.inner.execute(self._named(op))

    async def run(self, op: Operation) -> OpResult:
        return await self.inner.run(self._named(op))

    def utilisation(self, resource: Literal["lpar", "pool"], key: int,
                    interval: Literal["short", "long"] = "long",
                    system: str = "") -> UtilSeries:
        return self.inner.utilisation(resource, key, interval, system or self.system)

    def utilisations(self, resource: Literal["lpar", "pool"], keys: Sequence[int],
                     interval: Literal["short", "long"] = "long", system: str = "",
                     last: int | None = None) -> list[UtilSeries]:
        return self.inner.utilisations(resource, keys, interval, system or self.system, last)

    def pace(self, interval: float) -> None:
        self.inner.pace(interval)

    def set_speed(self, speed: float) -> None:
        self.inner.set_speed(speed)

    def pause(self) -> None:
        self.inner.pause()

    def resume(self) -> None:
        self.inner.resume()

    def open_terminal(self, lpar: str | int, listener: Callable[[str], None],
                      on_close: Callable[[str], None], system: str = "") -> Terminal:
        return self.inner.open_terminal(lpar, listener, on_close, system or self.system)

    def close_terminal(self, lpar: str | int, system: str = "") -> bool:
        return self.inner.close_terminal(lpar, system or self.system)

    def __getattr__(self, name: str) -> Any:
        """What a particular console has beyond the protocol (LocalConsole.step, .engine)."""
        return getattr(self.inner, name)


if TYPE_CHECKING:  # mypy checks that the view provides the whole protocol
    _VIEW: type[Console] = SystemView
