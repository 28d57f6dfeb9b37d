"""Several keys' utilisation samples in one round trip (`util_batch`, protocol version 5):
the Pools screen of a frame with 64 pools made 64 round trips per refresh, the UI thread
waiting on each; it now makes one, for the newest samples the graph can show."""

from __future__ import annotations

import asyncio
import time

import pytest

from engine.errors import HmcError
from engine.roles import Actor
from hmc_tui.service import protocol as p
from hmc_tui.service.remote import RemoteConsole

from .conftest import RawClient, ServiceFactory


async def _with_samples(make_service: ServiceFactory, count: int):  # type: ignore[no-untyped-def]
    """A service whose engine has `count` short-term samples (every 5 engine seconds), paused
    so the figures hold still while the test compares them."""
    service = await make_service()
    service.engine.set_speed(600.0)
    deadline = time.monotonic() + 10
    while len(service.engine.utilisation("pool", 0, "short").times) < count:
        assert time.monotonic() < deadline
        await asyncio.sleep(0.02)
    service.engine.pause()
    return service


async def test_a_batch_answers_every_key_in_order_with_the_newest_samples(
        make_service: ServiceFactory) -> None:
    service = await _with_samples(make_service, 5)
    engine = service.engine
    raw = await RawClient.hello(service)
    try:
        raw.send(p.encode(p.UtilBatchRequest(id=7, resource="pool", keys=[1, 0],
                                             interval="short", last=3)))
        reply = await raw.reply(7)
        assert isinstance(reply, p.UtilBatchDone)
        assert len(reply.series) == 2
        for key, data in zip([1, 0], reply.series, strict=True):
            whole = engine.utilisation("pool", key, "short")
            assert len(whole.times) >= 5
            assert data.times == list(whole.times[-3:])
            assert data.counters == {k: list(v[-3:]) for k, v in whole.counters.items()}
        # Partitions too, and without `last` every sample kept.
        raw.send(b'{"type":"util_batch","id":8,"resource":"lpar","keys":[3],'
                 b'"interval":"short"}')
        reply = await raw.reply(8)
        assert isinstance(reply, p.UtilBatchDone)
        assert reply.series[0].times == list(engine.utilisation("lpar", 3, "short").times)
    finally:
        raw.close()


async def test_the_remote_console_asks_once_for_every_pool(
        make_service: ServiceFactory) -> None:
    service = await _with_samples(make_service, 4)
    console = await asyncio.to_thread(RemoteConsole.open, service.socket_path, Actor())
    sent: list[str] = []
    real_send = console._send

    def counting(message: p.Message) -> None:
        sent.append(getattr(message, "type", ""))
        real_send(message)

    console._send = counting  # type: ignore[method-assign]
    try:
        series = await asyncio.to_thread(console.utilisations, "pool", [0, 1], "short", "", 2)
        assert sent == ["util_batch"]  # one request for both pools
        for key, got in zip([0, 1], series, strict=True):
            single = await asyncio.to_thread(console.utilisation, "pool", key, "short")
            assert got.times == single.times[-2:] and len(got.times) == 2
            assert got.counters == {k: v[-2:] for k, v in single.counters.items()}
        assert await asyncio.to_thread(console.utilisations, "pool", []) == []
        assert sent == ["util_batch", "util", "util"]  # nothing sent for no keys
        with pytest.raises(HmcError) as err:  # an unknown system: the HMC's refusal
            await asyncio.to_thread(console.utilisations, "pool", [0], "short", "nosuch")
        assert err.value.code == "HSCL8014"
    finally:
        console.close()


def test_a_batch_is_bounded() -> None:
    too_many = list(range(p.MAX_BATCH_KEYS + 1))
    line = p.encode(p.UtilBatchRequest.model_construct(
        id=1, resource="pool", keys=too_many, interval="long", system="", last=None))
    with pytest.raises(p.ProtocolError, match=r"util_batch\.keys: List should have at most 4096"):
        p.read_client(line)
    with pytest.raises(p.ProtocolError, match=r"util_batch\.last: Input should be greater"):
        p.read_client(b'{"type":"util_batch","id":1,"resource":"pool","keys":[0],"last":0}')
