"""What a console program is and what it may use (docs/partition-console.md).

Programs run in the engine, under the engine lock, at tick boundaries: they read the frame,
write text to the terminal, and change the frame only by submitting engine operations, which
the engine applies as the partition's own OS or firmware (engine.roles.os_actor).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from engine.model import Frame, Partition
    from engine.ops.base import Operation


class TermIO(Protocol):
    """What a program may use; handed to every call."""

    frame: Frame  # the frame now (read only)
    partition: Partition  # this partition now
    now: float  # engine seconds

    @property
    def physc(self) -> float:
        """Cores the dispatcher gave this partition over the last tick (lparstat, mpstat)."""
        ...

    def write(self, text: str) -> None:
        """Output to the terminal ("\\r\\n" line ends)."""
        ...

    def submit(self, op: Operation) -> None:
        """Apply `op` after this call returns, as the partition's OS or firmware; the hub
        writes a refusal to the terminal."""
        ...

    def switch(self, program: Program) -> None:
        """Replace the current program (its `start` runs once this call returns)."""
        ...


class Program(Protocol):
    def start(self, io: TermIO) -> None:
        """Becomes current (or a new session opened on it): print the banner or prompt."""
        ...

    def feed(self, data: str, io: TermIO) -> None:
        """Keys typed: text, "\\r" Enter, "\\x7f"/"\\x08" erase, "\\x03" ^C, escape
        sequences."""
        ...

    def tick(self, io: TermIO) -> None:
        """Each tick boundary: timers, lifecycle changes."""
        ...
