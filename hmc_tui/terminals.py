"""The console's open terminal sessions (issue 14): at most one per partition, as on the HMC.

A session lives from "Open terminal window" until its window is closed (ctrl+] or ~.) or
someone closes it from elsewhere (rmvterm). Its window may be hidden meanwhile (another
screen shown): the partition's output keeps drawing into the session's screen, so the window
shows the present when it comes back. Output arrives on the engine's thread (or the remote
console's reader); it is queued and drawn on the console's event loop, one repaint for
whatever arrived between two turns of the loop.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections.abc import Callable

from engine.vterm.hub import Terminal
from hmc_tui.console import Console
from hmc_tui.widgets.terminal_pane import VtScreen

__all__ = ["TerminalSession", "Terminals"]

RowsChanged = Callable[[set[int]], None]


class TerminalSession:
    """One partition's terminal as this console has it open."""

    def __init__(self, lpar_id: int, loop: asyncio.AbstractEventLoop) -> None:
        self.lpar_id = lpar_id
        self.vt = VtScreen()
        self.link: Terminal | None = None  # set once the console opened it
        self.close_reason = ""  # "" while open
        self.views: list[RowsChanged] = []  # windows showing it: told which rows changed
        self.closed_views: list[Callable[[str], None]] = []
        self._loop = loop
        self._lock = threading.Lock()
        self._pending: list[str] = []
        self._scheduled = False

    @property
    def closed(self) -> bool:
        return bool(self.close_reason)

    def send(self, data: str) -> None:
        if self.link is not None and not self.closed:
            self.link.send(data)

    def close(self) -> None:
        """This console closes the session (the partition keeps running). Its windows are
        not told: the one closing goes away, others show it closed at the next snapshot."""
        if self.link is not None and not self.link.closed:
            self.link.close()
        self.close_reason = self.close_reason or "The terminal session was closed."

    # -- from the engine's (or the remote reader's) thread
    def output(self, text: str) -> None:
        with self._lock:
            self._pending.append(text)
            if self._scheduled:
                return
            self._scheduled = True
        self._call_soon(self._draw)

    def closed_elsewhere(self, reason: str) -> None:
        self._call_soon(self._closed, reason or "The terminal session was closed.")

    def _call_soon(self, callback: Callable[..., None], *args: object) -> None:
        with contextlib.suppress(RuntimeError):  # the console is gone: nothing to draw on
            self._loop.call_soon_threadsafe(callback, *args)

    # -- on the console's loop
    def _draw(self) -> None:
        with self._lock:
            text = "".join(self._pending)
            self._pending.clear()
            self._scheduled = False
        rows = self.vt.feed(text)
        for view in list(self.views):
            view(rows)

    def _closed(self, reason: str) -> None:
        if self.closed:
            return
        self.close_reason = reason
        for view in list(self.closed_views):
            view(reason)


class Terminals:
    """The sessions this console has open, by managed system (MTMS) and partition ID: the
    console's snapshot names the system it is on (hmc_tui/system_view.py)."""

    def __init__(self, console: Console) -> None:
        self.console = console
        self.sessions: dict[tuple[str, int], TerminalSession] = {}

    def _key(self, lpar_id: int) -> tuple[str, int]:
        return (self.console.snapshot().frame.mtms, lpar_id)

    def get(self, lpar_id: int) -> TerminalSession | None:
        key = self._key(lpar_id)
        session = self.sessions.get(key)
        if session is not None and session.closed:
            del self.sessions[key]
            return None
        return session

    async def open(self, lpar_id: int) -> TerminalSession:
        """This console's session on the partition, opened if it has none. Raises the
        console's HmcError (no console task, no such partition, open elsewhere)."""
        session = self.get(lpar_id)
        if session is not None:
            return session
        session = TerminalSession(lpar_id, asyncio.get_running_loop())
        # A remote console asks the service: not on the loop.
        session.link = await asyncio.to_thread(self.console.open_terminal, lpar_id,
                                               session.output, session.closed_elsewhere)
        self.sessions[self._key(lpar_id)] = session
        return session

    def close(self, lpar_id: int) -> None:
        session = self.sessions.pop(self._key(lpar_id), None)
        if session is not None:
            session.close()

    def close_all(self) -> None:
        sessions, self.sessions = self.sessions, {}
        for session in sessions.values():
            session.close()
