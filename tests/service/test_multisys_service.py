"""The engine service with several managed systems: a remote console gets every system's
frame and live figures (a frame change as the diffs of the systems that changed), and its
operations, utilisation requests and terminals name one."""

from __future__ import annotations

import asyncio
import time

import pytest

from engine import ops
from engine.errors import HmcError
from engine.roles import Actor
from engine.store import demo_hmc
from hmc_tui.service import protocol as p
from hmc_tui.service.remote import RemoteConsole

from .conftest import RawClient, ServiceFactory

DR = "Server-9043-MRX-SN78K3D05"


async def test_a_remote_console_sees_and_drives_every_system(
        make_service: ServiceFactory) -> None:
    service = await make_service(frame=demo_hmc())
    console = RemoteConsole(service.socket_path)
    await asyncio.to_thread(console.connect)
    try:
        snap = console.snapshot()
        assert [f.system.name for f in snap.frames] == [
            "Server-9080-HEX-SN78H4A21", DR]
        assert len(snap.physcs) == 2 and len(snap.system_pools) == 2
        assert sorted(snap.on(DR).physc) == [1, 2, 3]
        result = await asyncio.to_thread(console.execute, ops.SetUncapWeight(
            lpar="drtest01", uncap_weight=9, system=DR))
        assert result.ok and result.event.system == DR
        deadline = time.monotonic() + 5
        while console.snapshot().system(DR).partition("drtest01").current.uncap_weight != 9:  # type: ignore[union-attr]
            assert time.monotonic() < deadline
            await asyncio.sleep(0.05)
        assert console.snapshot().frames[0].partition("was01") is not None
        series = await asyncio.to_thread(console.utilisation, "lpar", 3, "short", DR)
        assert set(series.counters) >= {"time_cycles", "capped_cycles"}
        with pytest.raises(HmcError) as err:
            await asyncio.to_thread(console.utilisation, "lpar", 3, "short", "nosuch")
        assert err.value.code == "HSCL8014"
        refused = await asyncio.to_thread(console.execute,
                                          ops.SetUncapWeight(lpar="drtest01", uncap_weight=9))
        assert refused.code == "HSCL1300"
    finally:
        console.close()


async def _next_frame_change(raw: RawClient, version: int) -> p.Snap:
    while True:
        snap = await raw.next(p.Snap)
        assert isinstance(snap, p.Snap)
        if snap.frame_version != version:
            return snap


async def test_a_change_on_the_second_system_travels_as_its_diff_alone(
        make_service: ServiceFactory) -> None:
    service = await make_service(frame=demo_hmc())
    raw = await RawClient.hello(service)
    first = await raw.next(p.Snap)
    assert isinstance(first, p.Snap) and first.frames is not None and first.frame_diffs is None
    console = await asyncio.to_thread(RemoteConsole.open, service.socket_path, Actor())
    try:
        service.engine.execute(ops.SetUncapWeight(lpar="drtest01", uncap_weight=9, system=DR),
                               Actor())
        snap = await _next_frame_change(raw, first.frame_version)
        assert snap.frame is snap.frames is snap.frame_diff is None
        assert snap.frame_diffs is not None and len(snap.frame_diffs) == 2
        assert snap.frame_diffs[0] is None  # the first system did not change
        change = snap.frame_diffs[1]
        assert change is not None and change.base == first.frame_version
        assert list(change.tuples) == ["partitions"]
        assert [i["name"] for i in change.tuples["partitions"].items] == ["drtest01"]
        # The remote console rebuilt both systems as the engine has them.
        await asyncio.to_thread(console.wait_for,
                                lambda s: s.frame_version >= snap.frame_version, 5.0)
        mine, engine = console.snapshot(), service.engine.snapshot()
        assert [f.partitions for f in mine.frames] == [f.partitions for f in engine.frames]
        assert mine.system(DR).partition("drtest01").settings().uncap_weight == 9  # type: ignore[union-attr]
    finally:
        console.close()
        raw.close()


async def test_a_version_3_console_still_gets_every_system_whole(
        make_service: ServiceFactory) -> None:
    service = await make_service(frame=demo_hmc())
    reader, writer = await asyncio.open_unix_connection(str(service.socket_path))
    raw = RawClient(reader, writer)
    raw.send(b'{"type":"hello","proto":3,"user":"hscroot","role":"hmcsuperadmin"}')
    welcome = await raw.next(p.Welcome)
    assert isinstance(welcome, p.Welcome) and welcome.proto == 3
    first = await raw.next(p.Snap)
    assert isinstance(first, p.Snap)
    try:
        service.engine.execute(ops.SetUncapWeight(lpar="drtest01", uncap_weight=9, system=DR),
                               Actor())
        snap = await _next_frame_change(raw, first.frame_version)
        assert snap.frame_diffs is None and snap.frames is not None
        assert snap.frames[1].partition("drtest01").settings().uncap_weight == 9  # type: ignore[union-attr]
    finally:
        raw.close()


async def test_an_unknown_protocol_version_is_refused(make_service: ServiceFactory) -> None:
    service = await make_service(frame=demo_hmc())
    reader, writer = await asyncio.open_unix_connection(str(service.socket_path))
    raw = RawClient(reader, writer)
    raw.send(b'{"type":"hello","proto":6,"user":"hscroot","role":"hmcsuperadmin"}')
    close = await raw.next(p.Close)
    assert isinstance(close, p.Close)
    assert close.reason == ("protocol version 6 is not served (this service speaks versions "
                            "3, 4 and 5)")
    raw.close()
