"""The REST API under test: a real-time engine on the demo frame and the HTTPS server on a
fresh loopback port, in the test's event loop; users as in tests/service (fast scrypt)."""

from __future__ import annotations

import asyncio
import shutil
import tempfile
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from engine.model import Frame
from engine.service import Engine
from engine.store import demo_frame
from hmc_tui.rest.context import RestSettings
from hmc_tui.rest.server import RestServer, make_context
from hmc_tui.service.logins import LoginLimiter
from hmc_tui.service.users import UserStore

PASSWORDS = {"hscroot": "super-secret-1", "oper": "operator-pw-2", "view": "viewer-pw-3"}
WEB = "http://www.ibm.com/xmlns/systems/power/firmware/web/mc/2012_10/"
LOGON_TYPE = "application/vnd.ibm.powervm.web+xml; type=LogonRequest"


def logon_body(user: str, password: str) -> str:
    # As pypowervm's const.LOGONREQUEST_TEMPLATE_PASS sends it.
    return (f'<LogonRequest xmlns="{WEB}" schemaVersion="V1_0"><Metadata><Atom/></Metadata>'
            f'<UserID kb="CUR" kxe="false">{user}</UserID>'
            f'<Password kb="CUR" kxe="false">{password}</Password></LogonRequest>')


@dataclass
class Rest:
    engine: Engine
    server: RestServer
    store: UserStore
    limiter: LoginLimiter

    @property
    def url(self) -> str:
        return f"https://127.0.0.1:{self.server.port}"

    def client(self) -> aiohttp.ClientSession:
        return aiohttp.ClientSession(self.url, connector=aiohttp.TCPConnector(ssl=False))

    async def logon(self, http: aiohttp.ClientSession, user: str = "hscroot") -> str:
        async with http.put("/rest/api/web/Logon", data=logon_body(user, PASSWORDS[user]),
                            headers={"Content-Type": LOGON_TYPE}) as resp:
            text = await resp.text()
            assert resp.status == 200, text
        token = text.split("<X-API-Session", 1)[1].split(">", 1)[1].split("<", 1)[0]
        return token


RestFactory = Callable[..., Awaitable[Rest]]


@pytest.fixture
def rest_dir() -> Iterator[Path]:
    path = Path(tempfile.mkdtemp(prefix="hmcrest", dir="/tmp"))
    yield path
    shutil.rmtree(path, ignore_errors=True)


@pytest.fixture
def rest_store(rest_dir: Path) -> UserStore:
    users = UserStore(rest_dir / "users.toml", log2_n=10)
    for name, role in (("hscroot", "hmcsuperadmin"), ("oper", "hmcoperator"),
                       ("view", "hmcviewer")):
        users.add(name, role, password=PASSWORDS[name])
    return users


@pytest.fixture
async def make_rest(rest_dir: Path, rest_store: UserStore) -> AsyncIterator[RestFactory]:
    made: list[Rest] = []
    executor = ThreadPoolExecutor(1)

    async def make(frame: Frame | None = None, *, speed: float = 1.0, stepped: bool = False,
                   limiter: LoginLimiter | None = None, **settings: Any) -> Rest:
        if stepped:  # no clock thread: operations apply when asked (engine.execute)
            engine = Engine(frame or demo_frame(), mode="stepped")
        else:
            engine = Engine(frame or demo_frame(),
                            mode="realtime" if speed == 1.0 else "accelerated", speed=speed)
            engine.start()
        limiter = limiter or LoginLimiter(delay=0.01, max_delay=0.05)
        ctx = make_context(engine, rest_store, RestSettings(port=0, **settings),
                           limiter=limiter, executor=executor)
        server = RestServer(ctx, rest_dir / "data")
        await server.start()
        rest = Rest(engine, server, rest_store, limiter)
        made.append(rest)
        return rest

    yield make
    for rest in made:
        await asyncio.wait_for(rest.server.stop(), 10)
        rest.engine.stop()
    executor.shutdown(wait=False)


@pytest.fixture
async def rest(make_rest: RestFactory) -> Rest:
    return await make_rest()
