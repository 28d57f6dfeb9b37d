"""Browser consoles forked from the console template (hmc_tui/service/prefork.py), as SSH
consoles are: stdin, stdout and stderr pipes to the web server (textual-serve's web driver
speaks over them), no terminal, a session of their own; killing one leaves the others."""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

import aiohttp

from tests.service.conftest import alive
from tests.web.conftest import WebStack
from tests.web.test_web_login import wait_until


def stat_fields(pid: int) -> list[str]:
    return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()


async def read_until(socket: aiohttp.ClientWebSocketResponse, text: bytes) -> bytes:
    received = bytearray()
    deadline = time.monotonic() + 30
    while text not in received and time.monotonic() < deadline:
        message = await socket.receive(timeout=30)
        if message.type == aiohttp.WSMsgType.BINARY:
            received += message.data
        elif message.type != aiohttp.WSMsgType.TEXT:
            break
    return bytes(received)


async def test_browser_consoles_are_forked_and_one_crash_ends_only_itself(
        web: WebStack) -> None:
    prefork = web.web.prefork
    assert prefork is not None
    async with web.client() as http:
        assert (await web.login(http, "oper")).status == 303
        sockets = [await http.ws_connect(web.url + "ws?width=100&height=30") for _ in range(2)]
        for socket in sockets:  # drawn through textual-serve's web driver (the environment's)
            assert b"Partitions" in await read_until(socket, b"Partitions")
        sessions = [s for s in web.service.sessions() if s.kind == "console"]
        assert [(s.user, s.origin) for s in sessions] == [("oper", "web 127.0.0.1")] * 2
        pids = web.web.console_pids()
        assert len(pids) == 2
        assert prefork.process is not None
        template = prefork.process.pid
        for pid in pids:
            fields = stat_fields(pid)
            assert int(fields[1]) == template  # forked by the template, not spawned
            assert os.getsid(pid) == pid  # a session of its own: hang-up reaches the group
            assert int(fields[4]) == 0  # no controlling terminal
            for fd in (0, 1, 2):
                assert os.readlink(f"/proc/{pid}/fd/{fd}").startswith("pipe:")

        victim, survivor = pids
        victim_socket = next(s for s, p in zip(sockets, pids, strict=True) if p == victim)
        os.kill(victim, signal.SIGKILL)
        while (await victim_socket.receive(timeout=10)).type not in (
                aiohttp.WSMsgType.CLOSE, aiohttp.WSMsgType.CLOSED, aiohttp.WSMsgType.CLOSING):
            pass
        await wait_until(lambda: web.web.console_pids() == [survivor])
        assert alive(survivor) and alive(template)
        # The survivor still answers keys: "2" switches it to the pools screen.
        other = next(s for s in sockets if s is not victim_socket)
        await other.send_json(["stdin", "2"])
        assert b"Busiest partitions" in await read_until(other, b"Busiest partitions")
        for socket in sockets:
            await socket.close()
        await wait_until(lambda: not alive(survivor))
