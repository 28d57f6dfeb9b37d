"""Waits on a browser console's websocket (the test's client side), each bounded as a whole.

`receive(timeout=T)` alone bounds nothing while the socket is live: every screen update
returns a message, and the server's heartbeat pings (answered inside receive(), which then
starts T again) keep one call waiting. A loop of such receives waiting for the wrong socket to
close (the socket of the console that was *not* killed) once ran until pytest-timeout.
"""

from __future__ import annotations

import asyncio
import contextlib

import aiohttp

ENDED = (aiohttp.WSMsgType.CLOSE, aiohttp.WSMsgType.CLOSING, aiohttp.WSMsgType.CLOSED,
         aiohttp.WSMsgType.ERROR)


async def read_until(socket: aiohttp.ClientWebSocketResponse, text: bytes,
                     timeout: float = 30.0) -> bytes:
    """The screen output received until `text` is in it, the socket ends, or `timeout`
    seconds pass (then what came so far: the caller's assertion shows it)."""
    received = bytearray()
    with contextlib.suppress(TimeoutError):
        async with asyncio.timeout(timeout):
            while text not in received:
                message = await socket.receive()
                if message.type == aiohttp.WSMsgType.BINARY:
                    received += message.data
                elif message.type in ENDED:
                    break
    return bytes(received)


async def next_text(socket: aiohttp.ClientWebSocketResponse,
                    timeout: float = 10.0) -> aiohttp.WSMessage:
    """The next text message (the server's JSON: pong, open_url...), screen output skipped."""
    async with asyncio.timeout(timeout):
        while (message := await socket.receive()).type != aiohttp.WSMsgType.TEXT:
            assert message.type not in ENDED, f"the websocket ended: {message}"
    return message


async def wait_ended(socket: aiohttp.ClientWebSocketResponse, timeout: float) -> bytes:
    """The screen output received until the server closed the socket; AssertionError after
    `timeout` seconds."""
    received = bytearray()
    try:
        async with asyncio.timeout(timeout):
            while (message := await socket.receive()).type not in ENDED:
                if message.type == aiohttp.WSMsgType.BINARY:
                    received += message.data
    except TimeoutError:
        raise AssertionError(f"the websocket was still open after {timeout} s") from None
    return bytes(received)
