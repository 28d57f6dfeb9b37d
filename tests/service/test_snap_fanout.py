"""One snapshot, many consoles: the service encodes a snap's head (the live figures: 16 kB
with 1000 partitions) once per snapshot, and every console gets the same bytes."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import pytest

from hmc_tui.service import protocol as p

from .conftest import RawClient, ServiceFactory


async def test_a_snap_head_is_encoded_once_for_every_client(
        make_service: ServiceFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    service = await make_service(publish_hz=10)
    clients = [await RawClient.hello(service) for _ in range(3)]
    try:
        for raw in clients:  # the first snaps carry the frame and the session list
            await raw.next(p.Snap)
        await asyncio.sleep(0.3)
        encoded: list[int] = []
        real = p.snap_head

        def counting(head: p.Snap) -> str:
            encoded.append(head.version)
            return real(head)

        monkeypatch.setattr(p, "snap_head", counting)
        start = service.engine.snapshot().version  # lines already on their way: older

        async def lines(raw: RawClient) -> dict[int, bytes]:
            got: dict[int, bytes] = {}
            deadline = time.monotonic() + 1.2
            while time.monotonic() < deadline:
                line = await asyncio.wait_for(raw.reader.readline(), 2.0)
                msg = p.read_service(line)
                if isinstance(msg, p.Snap) and msg.sessions is None and not msg.events:
                    got[msg.version] = line
            return got

        got = await asyncio.gather(*(lines(raw) for raw in clients))
        common = {v for v in set(got[0]) & set(got[1]) & set(got[2]) if v > start}
        assert len(common) >= 5  # 10 a second for 1.2 s, minus the edges
        for version in common:  # byte for byte the same line for the same snapshot
            assert got[0][version] == got[1][version] == got[2][version]
        # Once per snapshot, not once per client (three clients: three times before).
        assert len(encoded) == len(set(encoded))
        assert common <= set(encoded)
    finally:
        for raw in clients:
            raw.close()


def test_a_pre_encoded_head_makes_the_same_line() -> None:
    head: dict[str, Any] = dict(version=7, frame_version=2, time=12.5, physc=[(1, 0.25)],
                                pools=[], clock={"mode": "realtime", "speed": 1.0,
                                                 "paused": False},
                                in_flight=0, events=[])
    snap = p.Snap.model_validate(head)
    assert p.snap_line(p.snap_head(snap), "", None) == p.snap_line(snap, "", None)
    assert p.read_service(p.snap_line(p.snap_head(snap), "", None)) == snap
