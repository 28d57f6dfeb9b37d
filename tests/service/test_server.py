"""The engine service and RemoteConsole, without SSH: shared state, roles, sessions, slow
clients, the socket's safety and a restart that keeps the frame."""

from __future__ import annotations

import asyncio
import itertools
import os
import signal
import socket
import stat
import subprocess
import sys
import time
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from engine import ops
from engine.errors import HmcError
from engine.roles import Actor
from engine.service import Engine
from engine.store import demo_frame, load_frame, save_frame
from hmc_tui.service import protocol
from hmc_tui.service.remote import RemoteConsole
from hmc_tui.service.server import EngineService, ServiceAlreadyRunning

VIEWER = Actor(user="view", role="hmcviewer")
OPERATOR = Actor(user="oper", role="hmcoperator")


@pytest.fixture
async def service(short_dir: Path) -> AsyncIterator[EngineService]:
    engine = Engine(demo_frame(), mode="realtime")
    engine.start()
    svc = EngineService(engine, short_dir / "e.sock")
    await svc.start()
    yield svc
    await svc.stop()
    engine.stop()


def state(console: RemoteConsole, lpar: str) -> str:
    p = console.snapshot().frame.partition(lpar)
    assert p is not None
    return p.state


async def test_two_consoles_see_each_others_changes_within_a_second(
        service: EngineService) -> None:
    a = await asyncio.to_thread(RemoteConsole.open, service.socket_path, Actor())
    b = await asyncio.to_thread(RemoteConsole.open, service.socket_path, OPERATOR)
    try:
        assert state(b, "dev02") == "Not Activated"
        started = time.monotonic()
        result = await a.run(ops.ActivatePartition(lpar="dev02"))
        assert result.ok, result
        await asyncio.to_thread(b.wait_for, lambda s: s.frame.partition("dev02").state
                                == "Starting", 1.0)
        assert time.monotonic() - started < 1.0
        # and the other way round, through the blocking call
        weight = await asyncio.to_thread(b.execute, ops.SetUncapWeight(lpar="dev01",
                                                                       uncap_weight=7))
        assert weight.ok, weight
        await asyncio.to_thread(a.wait_for, lambda s: s.frame.partition("dev01").settings()
                                .uncap_weight == 7, 1.0)
        # the journal reaches every console, with who did it
        snap = await asyncio.to_thread(b.wait_for, lambda s: any(
            e.op == "set_weight" for e in s.events), 1.0)
        ev = next(e for e in snap.events if e.op == "activate")
        assert (ev.user, ev.role, ev.target, ev.ok) == ("hscroot", "hmcsuperadmin", "dev02", True)
        assert snap.time > 0 and snap.frame.engine_time == snap.time
    finally:
        a.close()
        b.close()


async def test_roles_hold_over_the_socket(service: EngineService) -> None:
    viewer = await asyncio.to_thread(RemoteConsole.open, service.socket_path, VIEWER)
    try:
        refused = await viewer.run(ops.ActivatePartition(lpar="dev02"))
        assert not refused.ok and refused.code == "HSCL350B"
        assert "view does not have the appropriate authority" in refused.message
        assert refused.event.user == "view"  # journaled with the user
        with pytest.raises(HmcError) as err:  # the shared clock is a superadmin's
            await asyncio.to_thread(viewer.set_speed, 10.0)
        assert err.value.code == "HSCL350B"
        assert state(viewer, "dev02") == "Not Activated"
        series = await asyncio.to_thread(viewer.utilisation, "lpar", 3, "short")
        assert isinstance(series.times, tuple)
    finally:
        viewer.close()


async def test_sessions_are_listed_for_everyone(service: EngineService) -> None:
    a = await asyncio.to_thread(RemoteConsole.open, service.socket_path, Actor(),
                                origin="local")
    b = await asyncio.to_thread(RemoteConsole.open, service.socket_path, VIEWER,
                                origin="ssh 192.0.2.9")
    try:
        def users(c: RemoteConsole) -> set[tuple[str, str, str]]:
            return {(s.user, s.role, s.origin) for s in c.sessions()}

        both = {("hscroot", "hmcsuperadmin", "local"), ("view", "hmcviewer", "ssh 192.0.2.9")}
        await asyncio.to_thread(a.wait_for, lambda _: users(a) == both, 1.0)
        assert users(b) == both
        assert {s.id for s in b.sessions()} == {a.session_id, b.session_id}
        b.close()
        await asyncio.to_thread(a.wait_for, lambda _: len(a.sessions()) == 1, 1.0)
    finally:
        a.close()
        b.close()


async def test_service_gone_fails_requests_and_keeps_last_snapshot(short_dir: Path) -> None:
    engine = Engine(demo_frame(), mode="realtime")
    engine.start()
    svc = EngineService(engine, short_dir / "e.sock")
    await svc.start()
    console = await asyncio.to_thread(RemoteConsole.open, svc.socket_path, Actor())
    await svc.stop()
    engine.stop()
    await asyncio.to_thread(console.wait_for, lambda _: not console.connected, 2.0)
    assert console.snapshot().frame.partition("dev02") is not None
    with pytest.raises(protocol.ServiceGone):
        await console.run(ops.ActivatePartition(lpar="dev02"))
    console.close()
    with pytest.raises(protocol.ServiceGone):
        RemoteConsole.open(svc.socket_path, Actor(), timeout=1)


async def test_socket_is_private_single_and_survives_a_stale_file(
        service: EngineService, short_dir: Path) -> None:
    assert stat.S_IMODE(service.socket_path.stat().st_mode) == 0o600
    second = EngineService(service.engine, service.socket_path)
    with pytest.raises(ServiceAlreadyRunning):
        await second.start()
    stale = short_dir / "stale.sock"
    leftover = socket.socket(socket.AF_UNIX)
    leftover.bind(str(stale))
    leftover.close()  # the file stays, nobody listens
    third = EngineService(service.engine, stale)
    await third.start()
    await third.stop()
    assert not stale.exists()


async def test_bad_hello_is_refused_with_the_reason(service: EngineService) -> None:
    reader, writer = await asyncio.open_unix_connection(str(service.socket_path))
    writer.write(b'{"type":"hello","proto":2,"user":"x","role":"root"}\n')
    answer = await asyncio.wait_for(reader.read(), 2.0)  # one line, then the service hangs up
    writer.close()
    close = protocol.read_service(answer)
    assert isinstance(close, protocol.Close)
    assert close.reason == ("hello.role: Input should be 'hmcsuperadmin', 'hmcoperator' or "
                            "'hmcviewer'")
    assert service.sessions() == ()


async def test_a_stalled_client_slows_neither_the_engine_nor_others(short_dir: Path) -> None:
    """A client that never reads (a dead or SIGSTOPped console) while the frame changes 20
    times a second: its snapshots are dropped at the buffer limit, the engine keeps real
    time and a healthy console keeps getting fresh snapshots. (The first snapshot carries
    the whole frame, about 40 kB, the later ones frame diffs: a 16 kB limit is reached.)"""
    engine = Engine(demo_frame(), mode="realtime")
    engine.start()
    svc = EngineService(engine, short_dir / "e.sock", publish_hz=20, soft_buffer=16 * 1024)
    await svc.start()
    stalled = socket.socket(socket.AF_UNIX)
    stalled.connect(str(svc.socket_path))
    stalled.sendall(protocol.encode(protocol.Hello(proto=protocol.PROTOCOL_VERSION,
                                                   user="dead", role="hmcviewer")))
    healthy = await asyncio.to_thread(RemoteConsole.open, svc.socket_path, Actor())
    arrivals: list[float] = []
    healthy.on_snapshot = lambda _: arrivals.append(time.monotonic())
    try:
        wall0, engine0 = time.monotonic(), engine.time
        for i in range(60):  # 3 s of frame changes: a frame diff in every snapshot
            engine.submit(ops.SetUncapWeight(lpar="dev01", uncap_weight=i % 200 + 1), Actor())
            await asyncio.sleep(0.05)
        ratio = (engine.time - engine0) / (time.monotonic() - wall0)
        stats = svc.client_stats()
        dead_stats = stats[next(s.id for s in svc.sessions() if s.user == "dead")]
        assert dead_stats["dropped"] > 0, stats
        assert dead_stats["buffered"] < 16 * 1024 + 100 * 1024  # bounded: limit + one frame
        assert ratio > 0.9, ratio
        gaps = [b - a for a, b in itertools.pairwise(arrivals)]
        assert len(arrivals) > 40 and max(gaps) < 0.5, (len(arrivals), max(gaps))
        assert healthy.snapshot().frame.partition("dev01").settings().uncap_weight > 1
    finally:
        healthy.close()
        stalled.close()
        await svc.stop()
        engine.stop()


def _serve(frame: Path, sock: Path, env: dict[str, str]) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "hmc_tui.service", "serve", "--no-ssh", "--frame", str(frame),
         "--socket", str(sock)], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        text=True)


async def _wait_for_socket(sock: Path, proc: subprocess.Popen[str]) -> None:
    deadline = time.monotonic() + 20
    while not sock.exists():
        assert proc.poll() is None, proc.communicate()
        assert time.monotonic() < deadline, "service did not start"
        await asyncio.sleep(0.05)


async def test_restart_keeps_the_frame(dirs: Path) -> None:
    frame = dirs / "data" / "frame.toml"
    save_frame(demo_frame(), frame)
    sock = dirs / "r.sock"
    env = dict(os.environ)
    proc = _serve(frame, sock, env)
    try:
        await _wait_for_socket(sock, proc)
        console = await asyncio.to_thread(RemoteConsole.open, sock, Actor())
        assert (await console.run(ops.ActivatePartition(lpar="sandbox01"))).ok
        await asyncio.to_thread(console.wait_for, lambda s: s.time > 1.0, 5.0)
        time_before = console.snapshot().time
        console.close()
        proc.send_signal(signal.SIGTERM)
        out, err = await asyncio.to_thread(proc.communicate, timeout=15)
        assert proc.returncode == 0, err
        assert "frame saved" in out
        saved = load_frame(frame)
        assert saved.partition("sandbox01").state != "Not Activated"  # type: ignore[union-attr]
        assert saved.engine_time >= time_before
        assert not sock.exists()
        proc = _serve(frame, sock, env)
        await _wait_for_socket(sock, proc)
        again = await asyncio.to_thread(RemoteConsole.open, sock, VIEWER)
        assert state(again, "sandbox01") != "Not Activated"
        assert again.snapshot().time >= time_before
        again.close()
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            await asyncio.to_thread(proc.communicate, timeout=15)
