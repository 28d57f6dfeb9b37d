"""Snapshots at scale: frame changes travel as diffs, an idle console asks for fewer snaps
(`rate`) and gets the newest one at once when its user is back (the app's idle back-off)."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import pytest

from engine import ops
from engine.roles import Actor
from hmc_tui import app as app_module
from hmc_tui.app import HmcApp
from hmc_tui.service import protocol as p
from hmc_tui.service.remote import RemoteConsole
from hmc_tui.service.server import EngineService

from .conftest import RawClient, ServiceFactory, wait_until


async def test_frame_changes_travel_as_diffs(make_service: ServiceFactory) -> None:
    service = await make_service()
    raw = await RawClient.hello(service)
    first = await raw.next(p.Snap)
    assert isinstance(first, p.Snap) and first.frame is not None and first.frame_diff is None
    console = await asyncio.to_thread(RemoteConsole.open, service.socket_path, Actor())
    try:
        service.engine.execute(ops.SetUncapWeight(lpar="dev01", uncap_weight=77), Actor())
        while True:  # the first snap of the new frame version
            snap = await raw.next(p.Snap)
            assert isinstance(snap, p.Snap)
            if snap.frame_version != first.frame_version:
                break
        assert snap.frame is None and snap.frame_diff is not None
        assert snap.frame_diff.base == first.frame_version
        assert list(snap.frame_diff.tuples) == ["partitions"]
        assert [i["name"] for i in snap.frame_diff.tuples["partitions"].items] == ["dev01"]
        # The remote console rebuilt the same frame as the engine's from the diff.
        await asyncio.to_thread(console.wait_for, lambda s: s.frame_version == snap.frame_version,
                                5.0)
        engine_frame = service.engine.snapshot().frame
        assert console.snapshot().frame.partitions == engine_frame.partitions
        assert console.snapshot().frame.partition("dev01").settings().uncap_weight == 77
    finally:
        console.close()
        raw.close()


async def test_rate_spaces_snaps_and_a_faster_rate_sends_one_at_once(
        make_service: ServiceFactory) -> None:
    service: EngineService = await make_service(publish_hz=20)
    raw = await RawClient.hello(service)
    await raw.next(p.Snap)
    raw.send(p.encode(p.Rate(interval=1.0)))
    await raw.next(p.Snap)  # one may have been on its way
    arrivals = []
    t0 = time.monotonic()
    while time.monotonic() - t0 < 2.6:
        with_timeout = max(0.01, 2.6 - (time.monotonic() - t0))
        try:
            await raw.next(p.Snap, timeout=with_timeout)
        except TimeoutError:
            break
        arrivals.append(time.monotonic() - t0)
    assert 2 <= len(arrivals) <= 3, arrivals  # at 20 Hz that would be about 52
    raw.send(p.encode(p.Rate(interval=0.0)))
    sent = time.monotonic()
    await raw.next(p.Snap, timeout=0.5)
    assert time.monotonic() - sent < 0.04  # pushed on the rate message, not at a later turn
    raw.close()


async def test_an_idle_console_backs_off_and_wakes_at_once(
        make_service: ServiceFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    service = await make_service()
    console = await asyncio.to_thread(RemoteConsole.open, service.socket_path, Actor())
    app = HmcApp(console)
    # The service runs on this test's event loop: a screen prebuilt while the console idles
    # (Pools asks for its samples with a blocking request, ~1 ms from a real service) would
    # wait here for a loop it blocks.
    app.prebuild.to_build = []
    try:
        async with app.run_test(size=(120, 35)) as pilot:
            (client,) = service._clients.values()
            await wait_until(lambda: client.interval == 0.2, 3)  # refresh_hz 5: no more snaps
            assert not app.idle
            monkeypatch.setattr(app_module, "ACTIVE_FOR", 0.5)
            await wait_until(lambda: app.idle and client.interval == app_module.IDLE_INTERVAL, 3)
            # Idle: snapshots come every IDLE_INTERVAL seconds, the display follows them.
            seen = client.snaps
            await asyncio.sleep(1.0)
            assert client.snaps - seen <= 1
            service.engine.execute(ops.SetUncapWeight(lpar="dev01", uncap_weight=99), Actor())
            woken = time.monotonic()
            await pilot.press("down")
            await wait_until(lambda: app.snapshot.frame.partition("dev01").settings()
                             .uncap_weight == 99, 1.5, step=0.01)
            # Not the 2 s an idle console waits (30 ms plus the key's way when the machine
            # is not shared with a dozen other busy processes).
            assert time.monotonic() - woken < 1.0
            assert not app.idle and client.interval == 0.2
    finally:
        console.close()


async def test_one_system_snaps_are_the_same_bytes_for_protocol_3_and_4(
        make_service: ServiceFactory) -> None:
    """Protocol 4 only added `frame_diffs` (several systems): with one system a version 4
    console gets what a version 3 console gets, byte for byte."""
    service = await make_service()
    clients = []
    for proto in (3, 4):
        reader, writer = await asyncio.open_unix_connection(str(service.socket_path))
        writer.write(b'{"type":"hello","proto":%d,"user":"hscroot","role":"hmcsuperadmin"}\n'
                     % proto)
        clients.append(RawClient(reader, writer))
    try:
        async def snap_lines(raw: RawClient) -> dict[int, bytes]:
            lines: dict[int, bytes] = {}
            while len(lines) < 6:
                line = await asyncio.wait_for(raw.reader.readline(), 5)
                message = p.read_service(line)
                if isinstance(message, p.Snap):
                    lines[message.version] = line
            return lines

        await asyncio.gather(*(snap_lines(raw) for raw in clients))  # sessions settle
        service.engine.execute(ops.SetUncapWeight(lpar="dev01", uncap_weight=77), Actor())
        old, new = await asyncio.gather(*(snap_lines(raw) for raw in clients))
        common = sorted(set(old) & set(new))
        assert len(common) >= 3
        assert [old[v] for v in common] == [new[v] for v in common]
        assert any(b'"frame_diff":{' in old[v] for v in common)  # the change is among them
    finally:
        for raw in clients:
            raw.close()


async def test_a_key_that_wakes_a_console_switches_at_once_and_shows_the_newest_later(
        make_service: ServiceFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """The key that wakes an idle console and switches screens shows the screen at once,
    with the snapshot at hand, and the newest one (the service sends it on waking) at the
    next pull at the earliest (the live figures' next tick when only they moved), not 30 ms
    later: fifty consoles woken in one second drew every screen twice within it. The screen
    it leaves is not updated.
    (Events, not Pools: Pools reads samples with a blocking request, which the service on
    this test's loop could not answer.)"""
    from hmc_tui.screens.events import EventsScreen
    from hmc_tui.screens.overview import OverviewScreen

    service = await make_service()
    console = await asyncio.to_thread(RemoteConsole.open, service.socket_path, Actor())
    app = HmcApp(console)
    app.prebuild.to_build = []  # as above: no blocking request on the shared loop
    shown: list[tuple[str, float]] = []
    for screen_type in (OverviewScreen, EventsScreen):
        real = screen_type.show_snapshot

        def recording(self: Any, snap: Any, real: Any = real) -> None:
            shown.append((type(self).__name__, snap.version))
            real(self, snap)

        monkeypatch.setattr(screen_type, "show_snapshot", recording)
    # The service answers a faster rate 10 ms later, as one in another process does (on this
    # test's loop it would answer before the key's handler goes on).
    set_rate = EngineService._set_rate

    def slow_rate(self: EngineService, client: Any, interval: float) -> None:
        asyncio.get_running_loop().call_later(0.01, set_rate, self, client, interval)

    monkeypatch.setattr(EngineService, "_set_rate", slow_rate)
    try:
        async with app.run_test(size=(120, 35)) as pilot:
            for key in "41":  # both screens built and shown
                await pilot.press(key)
                await pilot.pause(0.1)
            monkeypatch.setattr(app_module, "ACTIVE_FOR", 0.5)
            await wait_until(lambda: app.idle, 3)
            await asyncio.sleep(0.5)  # the service's snapshots move on; the console's not
            held = console.snapshot().version
            assert held < service.engine.snapshot().version
            shown.clear()
            pressed = time.monotonic()
            await pilot.press("4")
            await wait_until(lambda: bool(shown), 2)
            assert shown[0] == ("EventsScreen", held)  # at once, with what it had
            await wait_until(lambda: console.snapshot().version > held, 2)  # the wake's
            await asyncio.sleep(max(0.0, pressed + 0.15 - time.monotonic()))
            assert {version for _, version in shown} == {held}  # not redrawn with it yet
            await wait_until(lambda: shown[-1][1] > held, 2)
            assert {name for name, _ in shown} == {"EventsScreen"}
    finally:
        console.close()
