"""The engine service with several managed systems: a remote console gets every system's
frame and live figures, and its operations, utilisation requests and terminals name one."""

from __future__ import annotations

import asyncio
import time

import pytest

from engine import ops
from engine.errors import HmcError
from engine.store import demo_hmc
from hmc_tui.service.remote import RemoteConsole

from .conftest import ServiceFactory

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
