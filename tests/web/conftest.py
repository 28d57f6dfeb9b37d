"""The browser console under test: a real-time engine, the socket service, the login gate, the
web server (and, when a test asks, the SSH server on the same gate), all in the test's event
loop on loopback ports chosen fresh. Consoles are the real `python -m hmc_tui --connect`.
Every stack is torn down by its fixture, which checks that no console process outlived it.
"""

from __future__ import annotations

import asyncio
import sys
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiohttp
import asyncssh
import pytest

from engine.service import Engine
from engine.store import demo_frame
from hmc_tui.rest import certificate
from hmc_tui.service.gate import LoginGate
from hmc_tui.service.server import EngineService
from hmc_tui.service.sshd import HmcSshServer, SshSettings
from hmc_tui.service.users import UserStore
from hmc_tui.web.server import WebConsoleServer, WebSettings
from tests.service.conftest import PASSWORDS, alive, dirs, short_dir, store  # noqa: F401


@dataclass
class WebStack:
    engine: Engine
    service: EngineService
    gate: LoginGate
    web: WebConsoleServer
    ssh: HmcSshServer | None
    store: UserStore

    @property
    def url(self) -> str:
        return self.web.url

    def client(self) -> aiohttp.ClientSession:
        """A client that keeps cookies for 127.0.0.1 (the self-signed certificate taken as
        it is)."""
        return aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True),
                                     connector=aiohttp.TCPConnector(ssl=False),
                                     timeout=aiohttp.ClientTimeout(total=20))

    async def login(self, session: aiohttp.ClientSession, user: str,
                    password: str | None = None) -> aiohttp.ClientResponse:
        return await session.post(self.url + "login", allow_redirects=False, data={
            "user": user, "password": PASSWORDS[user] if password is None else password})


WebStackFactory = Callable[..., Awaitable[WebStack]]


@pytest.fixture
async def make_web(store: UserStore, dirs: Path) -> AsyncIterator[WebStackFactory]:  # noqa: F811
    stacks: list[WebStack] = []

    async def make(*, with_ssh: bool = False, tls: bool = False, **settings: Any) -> WebStack:
        engine = Engine(demo_frame(), mode="realtime")
        engine.start()
        service = EngineService(engine, dirs / f"w{len(stacks)}.sock", users=store)
        await service.start()
        gate_options = {k: settings.pop(k) for k in ("max_sessions", "max_sessions_per_user",
                                                     "reserved_admin_sessions")
                        if k in settings}
        gate = LoginGate(store, login_delay=0.05, max_login_delay=0.2, **gate_options)
        options: dict[str, Any] = {"port": 0, "hangup_grace": 1.0, "idle_timeout": 0}
        if tls:  # as `hmc-tui serve --web` does: the REST API's self-signed certificate
            options["ssl"] = certificate.ssl_context(*certificate.load_or_create(
                dirs / "data"))
        options.update(settings)
        web = WebConsoleServer(service, store, gate, WebSettings(**options),
                               console_command=[sys.executable, "-m", "hmc_tui", "--connect",
                                                str(service.socket_path)])
        await web.start()
        ssh = None
        if with_ssh:
            ssh = HmcSshServer(service, store, asyncssh.generate_private_key("ssh-ed25519"),
                               SshSettings(port=0), gate=gate)
            await ssh.start()
        stack = WebStack(engine, service, gate, web, ssh, store)
        stacks.append(stack)
        return stack

    yield make
    for stack in stacks:
        pids = stack.web.console_pids()
        await asyncio.wait_for(stack.web.stop(), 20)
        if stack.ssh is not None:
            await asyncio.wait_for(stack.ssh.stop(), 15)
        stack.gate.close()
        await asyncio.wait_for(stack.service.stop(), 5)
        stack.engine.stop()
        for pid in pids:
            assert not alive(pid), f"console process {pid} outlived its stack"


@pytest.fixture
async def web(make_web: WebStackFactory) -> WebStack:
    return await make_web()
