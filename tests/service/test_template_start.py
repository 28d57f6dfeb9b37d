"""The console template's start (hmc_tui/service/prefork.py, warmup.py, entry.py): `serve`
starts it first thing, and it warms up in stages: the first screen before its first fork,
the others later, each giving way to a fork request, so the first logins after a start wait
for the first screen's stage only, not for the whole warm-up."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from hmc_tui.service.consoles import server_env
from hmc_tui.service.prefork import Prefork
from hmc_tui.service.protocol import SessionInfo
from hmc_tui.service.server import EngineService
from hmc_tui.service.warmup import WARM_STAGES, WARM_USER, wait_for_service

from .conftest import ServiceFactory, wait_until


def watch_warm_ups(service: EngineService, monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The sessions of the template's headless consoles on `service`, one per stage run, as
    they open."""
    warm_ups: list[int] = []
    open_session = service.open_session

    def opening(user: str, role: str, origin: str, kind: str) -> SessionInfo:
        info = open_session(user, role, origin, kind)
        if user == WARM_USER:
            warm_ups.append(info.id)
        return info

    monkeypatch.setattr(service, "open_session", opening)
    return warm_ups


async def fork(prefork: Prefork, text: str) -> None:
    child = await prefork.spawn_pipes([sys.executable, "-c", f"print({text!r})"],
                                      server_env(), None)
    assert child.stdout is not None
    assert await asyncio.wait_for(child.stdout.read(), 30) == f"{text}\n".encode()
    assert await asyncio.wait_for(child.wait(), 10) == 0


@dataclass
class Warming:
    service: EngineService
    prefork: Prefork  # its template warming up on `service`
    warm_ups: list[int]  # watch_warm_ups

    async def done(self) -> None:
        """Until no stage runs."""
        await wait_until(lambda: not any(s.user == WARM_USER
                                         for s in self.service.sessions()), 30)


@pytest.fixture
async def warming(make_service: ServiceFactory,
                  monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[Warming]:
    service = await make_service()
    warm_ups = watch_warm_ups(service, monkeypatch)
    prefork = Prefork(server_env(), warm=service.socket_path)
    await prefork.start()
    yield Warming(service, prefork, warm_ups)
    await prefork.stop()


async def test_a_fork_waiting_is_answered_before_the_later_warm_up_stages(
        warming: Warming) -> None:
    # Asked at once: the request waits while the template imports and runs its first
    # stage (the first screen), and is answered before the other stages.
    requested = asyncio.ensure_future(fork(warming.prefork, "first"))
    await wait_until(lambda: bool(warming.warm_ups), 60)
    await asyncio.wait_for(requested, 60)
    assert len(warming.warm_ups) <= 2  # the first stage; the second interrupted, if begun
    # The later stages still run, after the fork, and end.
    await wait_until(lambda: len(warming.warm_ups) >= len(WARM_STAGES), 60)
    await warming.done()


async def test_a_fork_request_interrupts_a_later_stage_which_runs_again(
        warming: Warming) -> None:
    await fork(warming.prefork, "first")
    # Once no console has started for a while, the later stages run; a request made while
    # one runs is answered at once (the stage is dropped), and the stage runs again once
    # the consoles are quiet: one stage run more than there are stages.
    await wait_until(lambda: len(warming.warm_ups) >= 2, 60, step=0.005)
    await fork(warming.prefork, "second")
    await wait_until(lambda: len(warming.warm_ups) == len(WARM_STAGES) + 1, 60)
    await warming.done()
    await asyncio.sleep(1.0)
    assert len(warming.warm_ups) == len(WARM_STAGES) + 1  # and no more


def test_waiting_for_the_service_ends_when_it_answers_or_a_request_comes(
        short_dir: Path) -> None:
    path = short_dir / "late.sock"
    ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    with ours, theirs:
        started = time.monotonic()
        assert not wait_for_service(path, theirs, timeout=0.3)  # nobody listens
        assert time.monotonic() - started >= 0.3
        ours.send(b"request")
        started = time.monotonic()
        assert not wait_for_service(path, theirs, timeout=30)  # a request: stop waiting
        assert time.monotonic() - started < 5
        theirs.recv(100)
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as listener:
            listener.bind(str(path))
            listener.listen()
            assert wait_for_service(path, theirs, timeout=30)


def templates_of(socket_path: Path) -> list[int]:
    """The console template processes warming up on `socket_path` (its argv names it)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            argv = (entry / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if b"hmc_tui.service.prefork" in argv and str(socket_path).encode() in argv:
            found.append(int(entry.name))
    return found


def serve(dirs: Path, sock: Path, *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "hmc_tui.service", *args, "serve", "--listen", "127.0.0.1:0",
         "--rest", "off", "--socket", str(sock)], env=dict(os.environ),
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


async def test_serve_starts_the_template_before_the_engine_socket(dirs: Path) -> None:
    sock = dirs / "t.sock"
    proc = serve(dirs, sock)
    try:
        deadline = time.monotonic() + 30
        while not sock.exists():
            assert proc.poll() is None, proc.communicate()
            assert time.monotonic() < deadline, "the service did not start"
            await asyncio.sleep(0.01)
        [template] = templates_of(sock)  # already there when the socket appeared
        assert int(Path(f"/proc/{template}/stat").read_text().rsplit(")", 1)[1].split()[1]) \
            == proc.pid
        assert proc.stdout is not None  # SIGTERM is handled once serve says it runs
        while "engine service on" not in await asyncio.to_thread(proc.stdout.readline):
            assert proc.poll() is None
    finally:
        proc.send_signal(signal.SIGTERM)
        _, err = await asyncio.to_thread(proc.communicate, timeout=30)
    assert proc.returncode == 0, err
    assert not templates_of(sock)


async def test_serve_failing_at_start_leaves_no_template(dirs: Path) -> None:
    sock = dirs / "f.sock"
    frame = dirs / "broken.toml"
    frame.write_text("this is [not a frame\n")
    proc = serve(dirs, sock, "--frame", str(frame))
    _, err = await asyncio.to_thread(proc.communicate, timeout=30)
    assert proc.returncode == 2, err
    assert not templates_of(sock)
