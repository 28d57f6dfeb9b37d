"""The per-address connection cap and the keep-alive idle timeout of the REST port, over raw
TLS sockets and aiohttp: a connection over the cap gets the HMC's 503 (HSCL1372) and is
closed, never a traceback; idle connections are closed."""

from __future__ import annotations

import asyncio
import logging
import ssl
import time

import aiohttp
import pytest

from hmc_tui.rest import connections
from hmc_tui.rest.server import CAP_KEY
from tests.rest.conftest import Rest, RestFactory

REQUEST = b"GET /rest/api/uom/ManagementConsole HTTP/1.1\r\nHost: hmc\r\n\r\n"


def _tls() -> ssl.SSLContext:
    ctx = ssl.create_default_context()
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    return ctx


async def _open(rest: Rest) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
    return await asyncio.open_connection("127.0.0.1", rest.server.port, ssl=_tls())


async def _answer(reader: asyncio.StreamReader) -> bytes:
    """Everything the server sends until it closes the connection."""
    return await asyncio.wait_for(reader.read(), 5)


async def test_a_connection_over_the_cap_gets_503_and_is_closed(
        make_rest: RestFactory, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.ERROR)
    rest = await make_rest(max_connections_per_address=2)
    held = [await _open(rest), await _open(rest)]
    reader, writer = await _open(rest)
    writer.write(REQUEST)
    answer = await _answer(reader)
    head, _, body = answer.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 503 Service Unavailable\r\n")
    assert b"\r\nConnection: close" in head and b"\r\nRetry-After: 1" in head
    assert (b">HSCL1372 Too many connections from 127.0.0.1 (2 allowed at once); "
            b"close one and try again.</Message>") in body
    writer.close()
    held[0][1].close()
    await held[0][1].wait_closed()
    await asyncio.sleep(0.1)
    reader, writer = await _open(rest)  # one slot free again: served as usual
    writer.write(REQUEST.replace(b"\r\n\r\n", b"\r\nConnection: close\r\n\r\n"))
    assert (await _answer(reader)).startswith(b"HTTP/1.1 401 Unauthorized\r\n")
    writer.close()
    held[1][1].close()
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


async def test_an_idle_connection_over_the_cap_is_closed_soon(
        make_rest: RestFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(connections, "EXCESS_GRACE", 0.3)
    rest = await make_rest(max_connections_per_address=1)
    held = await _open(rest)
    reader, writer = await _open(rest)
    start = time.monotonic()
    assert await _answer(reader) == b""  # closed without a word: it asked nothing
    assert time.monotonic() - start < 3
    writer.close()
    held[1].close()
    await asyncio.sleep(0.1)
    runner = rest.server._runner
    assert runner is not None and runner.app[CAP_KEY].open == {}  # every one counted out


async def test_idle_connections_close_after_the_keepalive_timeout(
        make_rest: RestFactory) -> None:
    rest = await make_rest(keepalive_timeout=0.5)
    reader, writer = await _open(rest)
    writer.write(REQUEST)
    first = await asyncio.wait_for(reader.readuntil(b"</HttpErrorResponse>"), 5)
    assert first.startswith(b"HTTP/1.1 401 Unauthorized\r\n")
    start = time.monotonic()
    rest_of_it = await _answer(reader)  # then nothing more: the server closes it when idle
    assert b"HTTP/1.1" not in rest_of_it
    assert 0.3 < time.monotonic() - start < 3
    writer.close()


async def test_a_pool_of_ten_against_a_cap_of_three(make_rest: RestFactory) -> None:
    rest = await make_rest(max_connections_per_address=3)
    conn = aiohttp.TCPConnector(ssl=False, limit=10)
    async with aiohttp.ClientSession(rest.url, connector=conn) as http:
        async def one() -> tuple[int, str]:
            async with http.get("/rest/api/uom/ManagementConsole") as resp:
                return resp.status, await resp.text()

        got = await asyncio.gather(*(one() for _ in range(10)))
    assert sorted(status for status, _ in got) == [401] * 3 + [503] * 7
    assert all("HSCL1372" in text for status, text in got if status == 503)
