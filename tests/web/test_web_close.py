"""Closing a browser console is bounded: a websocket whose close never completes (a browser
that stopped reading, so aiohttp's send of the close frame waits for buffer space) does not
hold up the console's end, the server's stop, or textual-serve's task that asked for it."""

from __future__ import annotations

import asyncio
import time
from typing import Any, cast

import pytest

import hmc_tui.web.server as web_server
from hmc_tui.web.server import _Open
from hmc_tui.web.sessions import WebLogin
from tests.web.conftest import WebStack


class StuckSocket:
    """A websocket whose close() never returns by itself."""

    def __init__(self) -> None:
        self.cancelled = False

    async def close(self) -> bool:
        try:
            await asyncio.Event().wait()
        except asyncio.CancelledError:
            self.cancelled = True
            raise
        return True


class EndedConsole:
    pid = None
    closed = False

    async def close(self) -> None:
        self.closed = True


async def test_a_socket_that_never_closes_does_not_hold_up_the_close(
        web: WebStack, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(web_server, "CLOSE_TIMEOUT", 0.3)
    socket, console = StuckSocket(), EndedConsole()
    login = WebLogin("t", "oper", "127.0.0.1", time.monotonic(), time.monotonic())
    entry = _Open(login, cast(Any, console), cast(Any, socket), time.monotonic())
    web.web._open[entry] = None
    started = time.monotonic()
    await asyncio.wait_for(web.web._close(entry), 10)
    assert 0.3 <= time.monotonic() - started < 3
    # Abandoned, not left running: aiohttp drops the connection when its close is cancelled.
    assert socket.cancelled and console.closed and entry not in web.web._open

    # textual-serve's "the app exited" callback (WebConsole's close=) is bounded the same way.
    again = StuckSocket()
    await asyncio.wait_for(web_server._close_socket(cast(Any, again)), 10)
    assert again.cancelled
