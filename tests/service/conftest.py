"""The SSH service under test: a real-time engine, the socket service and the SSH server, all
in the test's event loop, on loopback, on ports and paths chosen fresh for each test.

Every wait is bounded (`read_until`, `wait_until`); each stack is torn down by its fixture,
which also checks that no console process it started is left behind.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
import shutil
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import asyncssh
import pytest

from engine.service import Engine
from engine.store import CONFIG_DIR_ENV, DATA_DIR_ENV, STATE_DIR_ENV, demo_frame
from hmc_tui.service import protocol
from hmc_tui.service.server import EngineService
from hmc_tui.service.sshd import HmcSshServer, SshSettings
from hmc_tui.service.users import UserStore

STUB = Path(__file__).with_name("stub_console.py")
PASSWORDS = {"hscroot": "super-secret-1", "oper": "operator-pw-2", "view": "viewer-pw-3"}
FAST_SCRYPT = 10  # log2(N) for test users: the format is the same, the cost is not


@pytest.fixture
def short_dir() -> Iterator[Path]:
    """A short private directory: Unix socket paths must stay under 108 bytes."""
    path = Path(tempfile.mkdtemp(prefix="hmc", dir="/tmp"))
    yield path
    shutil.rmtree(path, ignore_errors=True)


@pytest.fixture
def dirs(short_dir: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Point every hmc-tui location at the test's own directory."""
    for env, name in ((DATA_DIR_ENV, "data"), (STATE_DIR_ENV, "state"),
                      (CONFIG_DIR_ENV, "config")):
        (short_dir / name).mkdir()
        monkeypatch.setenv(env, str(short_dir / name))
    monkeypatch.delenv("HMC_TUI_SOCKET", raising=False)
    return short_dir


@pytest.fixture
def store(dirs: Path) -> UserStore:
    users = UserStore(dirs / "data" / "users.toml", log2_n=FAST_SCRYPT)
    users.add("hscroot", "hmcsuperadmin", password=PASSWORDS["hscroot"])
    users.add("oper", "hmcoperator", password=PASSWORDS["oper"])
    users.add("view", "hmcviewer", password=PASSWORDS["view"])
    return users


@dataclass
class Stack:
    engine: Engine
    service: EngineService
    ssh: HmcSshServer
    store: UserStore
    socket: Path
    spawned: list[int] = field(default_factory=list)

    @property
    def port(self) -> int:
        return self.ssh.port

    async def connect(self, user: str, *, password: str | None = None,
                      key: asyncssh.SSHKey | None = None) -> asyncssh.SSHClientConnection:
        if password is None and key is None:
            password = PASSWORDS[user]
        return await asyncio.wait_for(asyncssh.connect(
            "127.0.0.1", self.port, username=user, password=password,
            client_keys=[key] if key is not None else None, known_hosts=None,
            agent_path=None, preferred_auth="publickey" if key is not None else "password"),
            10)


StackFactory = Callable[..., Awaitable[Stack]]


@pytest.fixture
async def make_stack(store: UserStore, dirs: Path) -> AsyncIterator[StackFactory]:
    stacks: list[Stack] = []

    async def make(*, console: list[str] | None = None, runner: Any = None,
                   speed: float = 1.0, frame: Any = None, **settings: Any) -> Stack:
        mode = "realtime" if speed == 1.0 else "accelerated"
        engine = Engine(frame or demo_frame(), mode=mode, speed=speed)
        engine.start()
        socket = dirs / f"e{len(stacks)}.sock"
        service = EngineService(engine, socket, users=store)
        await service.start()
        options: dict[str, Any] = {"port": 0, "login_delay": 0.05, "max_login_delay": 0.2,
                                   "hangup_grace": 1.0, "idle_timeout": 0}
        options.update(settings)
        ssh = HmcSshServer(service, store, asyncssh.generate_private_key("ssh-ed25519"),
                           SshSettings(**options),
                           console_command=[part.replace("{socket}", str(socket)) for part
                                            in console or [sys.executable, str(STUB), "{socket}"]],
                           command_runner=runner)
        await ssh.start()
        stack = Stack(engine, service, ssh, store, socket)
        stacks.append(stack)
        return stack

    yield make
    for stack in stacks:
        pids = stack.ssh.console_pids()
        await asyncio.wait_for(stack.ssh.stop(), 15)
        await asyncio.wait_for(stack.service.stop(), 5)
        stack.engine.stop()
        for pid in pids + stack.spawned:
            assert not alive(pid), f"console process {pid} outlived its stack"


@pytest.fixture
async def stack(make_stack: StackFactory) -> Stack:
    return await make_stack()


ServiceFactory = Callable[..., Awaitable[EngineService]]


@pytest.fixture
async def make_service(short_dir: Path) -> AsyncIterator[ServiceFactory]:
    """Engine services without SSH (a real-time engine each), stopped after the test."""
    services: list[EngineService] = []

    async def make(*, users: UserStore | None = None, frame: Any = None,
                   **options: Any) -> EngineService:
        engine = Engine(frame or demo_frame(), mode="realtime")
        engine.start()
        service = EngineService(engine, short_dir / f"s{len(services)}.sock", users=users,
                                **options)
        await service.start()
        services.append(service)
        return service

    yield make
    for service in services:
        await asyncio.wait_for(service.stop(), 5)
        service.engine.stop()


class RawClient:
    """A protocol client that writes lines as given: what a buggy or hostile peer sends."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader = reader
        self.writer = writer

    @classmethod
    async def hello(cls, service: EngineService, user: str = "hscroot",
                    role: str = "hmcsuperadmin", origin: str = "local",
                    frame_version: int = -1) -> RawClient:
        reader, writer = await asyncio.open_unix_connection(str(service.socket_path))
        client = cls(reader, writer)
        client.send(protocol.encode(protocol.Hello.model_validate(
            {"proto": protocol.PROTOCOL_VERSION, "user": user, "role": role,
             "origin": origin, "frame_version": frame_version})))
        assert isinstance(await client.next(protocol.Welcome), protocol.Welcome)
        return client

    def send(self, line: bytes) -> None:
        self.writer.write(line if line.endswith(b"\n") else line + b"\n")

    async def next(self, *kinds: type[protocol.Message], timeout: float = 5.0
                   ) -> protocol.Message:
        """The next message of one of `kinds` (snaps and others in between are skipped)."""
        deadline = time.monotonic() + timeout
        while True:
            line = await asyncio.wait_for(self.reader.readline(),
                                          max(0.01, deadline - time.monotonic()))
            if not line:
                raise EOFError("the service closed the connection")
            message = protocol.read_service(line)
            if isinstance(message, kinds):
                return message

    async def reply(self, request_id: int, timeout: float = 5.0) -> protocol.Message:
        while True:
            message = await self.next(protocol.OpDone, protocol.UtilDone,
                                      protocol.UtilBatchDone, protocol.ClockDone,
                                      protocol.ErrorReply, timeout=timeout)
            if getattr(message, "id", None) == request_id:
                return message

    def close(self) -> None:
        self.writer.close()


# ---------------------------------------------------------------- helpers


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie still answers kill(0); it has no code running and is not "left behind" in
    # the sense that matters, but asyncio reaps our children, so look at its state anyway.
    with contextlib.suppress(OSError):
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        return state != "Z"
    return True


async def wait_until(predicate: Callable[[], bool], timeout: float, step: float = 0.02) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise TimeoutError(f"condition not met within {timeout} s")
        await asyncio.sleep(step)


ANSI = re.compile(r"\x1b\[[0-9;?<>=]*[ -/]*[@-~]|\x1b[()][0-9A-Za-z]|\x1b[=>78]|"
                  r"\x1b\][^\x07]*\x07")


class Screen:
    """Everything a PTY process wrote, read with bounded waits; tokens are looked for in the
    text with escape sequences removed, so styled text still matches."""

    def __init__(self, process: asyncssh.SSHClientProcess[bytes]) -> None:
        self.process = process
        self.text = ""

    @property
    def plain(self) -> str:
        return ANSI.sub("", self.text)

    async def read_until(self, token: str, timeout: float = 20.0) -> str:
        deadline = time.monotonic() + timeout
        while token not in self.text and token not in self.plain:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError(f"{token!r} not seen within {timeout} s; got {self.text!r}")
            data = await asyncio.wait_for(self.process.stdout.read(65536), remaining)
            if not data:
                raise EOFError(f"{token!r} not seen before EOF; got {self.text!r}")
            self.text += data.decode("utf-8", "replace")
        return self.text


async def open_console(conn: asyncssh.SSHClientConnection, size: tuple[int, int] = (90, 25)
                       ) -> tuple[asyncssh.SSHClientProcess[bytes], Screen]:
    process = await conn.create_process(term_type="xterm-256color", term_size=size,
                                        encoding=None)
    return process, Screen(process)
