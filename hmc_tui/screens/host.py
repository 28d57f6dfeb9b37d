"""What the screens and widgets may ask of the app that hosts them: one typed contract.

HmcApp provides it, and so does the small host the screen tests use; a screen reaches it with
`console_host(self)`, never with casts or getattr. The HMC console is `hmc_console`, not
`console`: Textual's App owns that name (its Rich console, which renders every widget).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Protocol, TypeGuard, runtime_checkable

from textual.dom import DOMNode
from textual.signal import Signal

from engine.ops import Operation
from engine.service import OpResult
from engine.snapshot import Snapshot
from hmc_tui.console import Console

if TYPE_CHECKING:
    from hmc_tui.command_mode import Alias
    from hmc_tui.hmccli import CommandResult

__all__ = ["ConsoleHost", "console_host"]


@runtime_checkable
class ConsoleHost(Protocol):
    hmc_console: Console
    snapshot: Snapshot  # the newest snapshot the app applied
    snapshot_signal: Signal[Snapshot]  # published with every applied snapshot
    last_input: float  # time.monotonic() of the last key or click (0.0: none yet)

    @property
    def frozen(self) -> bool:
        """The display is frozen (space): snapshots are not applied; a reactive to watch."""
        ...

    async def run_operation(self, op: Operation) -> OpResult:
        """Apply `op` without blocking the UI; refusals come back in the OpResult."""
        ...

    def clock(self, change: Callable[[], None], done: str) -> str:
        """Change the shared engine clock and report it (a refusal is shown, not raised)."""
        ...

    async def open_system(self, key: str | int) -> bool:
        """Go into managed system `key`'s overview (index, name or MTMS); False, with the
        HMC's message shown, when there is no such system."""
        ...

    async def goto_partition(self, lpar_id: int, properties: bool = False) -> bool:
        """Select a partition in the overview (and open its properties)."""
        ...

    def open_dialog(self, kind: str, lpar_id: int) -> None:
        """Open the "activate", "shutdown" or "dlpar" dialog for a partition."""
        ...

    async def open_terminal_window(self, lpar_id: int) -> bool:
        """The partition's terminal window (opening its session if this console has none);
        False, with the HMC's message shown, when the console refuses it."""
        ...

    def close_terminal_window(self, lpar_id: int) -> None:
        """End this console's session on the partition and close its window."""
        ...

    def run_alias_here(self, alias: Alias) -> str:
        """A `:` alias answered inside the command panel; what to print."""
        ...

    async def run_hmc_command(self, line: str) -> CommandResult:
        """One HMC command line (never raises; a remote user's never reads server files)."""
        ...


# App classes found to provide the contract. A runtime protocol check looks up every member
# (about 30 us); screens ask on every snapshot and repaint, so each class is checked once.
_HOST_CLASSES: set[type] = set()


def _is_host(app: object) -> TypeGuard[ConsoleHost]:
    if type(app) in _HOST_CLASSES:
        return True
    if isinstance(app, ConsoleHost):
        _HOST_CLASSES.add(type(app))
        return True
    return False


def console_host(node: DOMNode) -> ConsoleHost:
    """The app hosting `node`, as the contract screens rely on (TypeError if it is not one)."""
    app = node.app
    if not _is_host(app):
        raise TypeError(f"{type(app).__name__} does not host hmc-tui screens (ConsoleHost)")
    return app
