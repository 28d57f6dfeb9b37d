"""Browser consoles forked from the console template (hmc_tui/service/prefork.py), as SSH
consoles are: stdin, stdout and stderr pipes to the web server (textual-serve's web driver
speaks over them), no terminal, a session of their own; killing one leaves the others."""

from __future__ import annotations

import asyncio
import os
import signal
from pathlib import Path

import aiohttp
import pytest

from tests.service.conftest import alive
from tests.web.conftest import WebStack
from tests.web.sockets import read_until, wait_ended
from tests.web.test_web_login import wait_until


def stat_fields(pid: int) -> list[str]:
    return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()


async def test_browser_consoles_are_forked_and_one_crash_ends_only_itself(
        web: WebStack) -> None:
    prefork = web.web.prefork
    assert prefork is not None
    async with web.client() as http:
        assert (await web.login(http, "oper")).status == 303
        # Which console is whose: each socket's pid is the one that appeared when it opened
        # (the second is forked while the first still starts). Guessing the pairing once
        # waited for the close of the socket whose console was not killed (sockets.py).
        sockets: list[aiohttp.ClientWebSocketResponse] = []
        pid_of: dict[aiohttp.ClientWebSocketResponse, int] = {}
        for _ in range(2):
            socket = await http.ws_connect(web.url + "ws?width=100&height=30")
            await wait_until(lambda: len(web.web.console_pids()) == len(sockets) + 1, 60)
            [pid_of[socket]] = set(web.web.console_pids()) - set(pid_of.values())
            sockets.append(socket)
        pids = [pid_of[s] for s in sockets]
        assert web.web.console_pids() == pids  # listed in the order their sockets opened
        for socket in sockets:  # drawn through textual-serve's web driver (the environment's)
            assert b"Partitions" in await read_until(socket, b"Partitions")
        sessions = [s for s in web.service.sessions() if s.kind == "console"]
        assert [(s.user, s.origin) for s in sessions] == [("oper", "web 127.0.0.1")] * 2
        assert prefork.process is not None
        template = prefork.process.pid
        for pid in pids:
            fields = stat_fields(pid)
            assert int(fields[1]) == template  # forked by the template, not spawned
            assert os.getsid(pid) == pid  # a session of its own: hang-up reaches the group
            assert int(fields[4]) == 0  # no controlling terminal
            for fd in (0, 1, 2):
                assert os.readlink(f"/proc/{pid}/fd/{fd}").startswith("pipe:")

        victim_socket, other = sockets
        victim, survivor = pids
        os.kill(victim, signal.SIGKILL)
        # Its browser is told why before the socket closes, as an SSH terminal is.
        assert (b"hmc-tui: the console was stopped by signal 9 (SIGKILL); the frame is "
                b"unaffected.") in await wait_ended(victim_socket, 15)
        await wait_until(lambda: web.web.console_pids() == [survivor])
        assert alive(survivor) and alive(template)
        # The survivor's socket stays open (a bounded wait: it keeps drawing and pinging)...
        with pytest.raises(AssertionError, match=r"still open after 1\.5 s"):
            await wait_ended(other, 1.5)
        # ... and still answers keys: "2" switches it to the pools screen.
        await other.send_json(["stdin", "2"])
        assert b"Busiest partitions" in await read_until(other, b"Busiest partitions")
        # Quitting (ctrl+q) ends it cleanly: the server closes its socket, with no notice.
        await other.send_json(["stdin", "\x11"])
        assert b"hmc-tui: the console" not in await wait_ended(other, 15)
        await wait_until(lambda: not alive(survivor) and not web.web.console_pids())
        for socket in sockets:
            await asyncio.wait_for(socket.close(), 15)
