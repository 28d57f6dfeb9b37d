"""The render cache: one render per (frame version, URL), shared by concurrent readers."""

from __future__ import annotations

import asyncio
import threading
import time

import pytest

from hmc_tui.rest.render import RenderCache


async def test_concurrent_first_reads_share_one_render() -> None:
    cache = RenderCache()
    calls = 0
    lock = threading.Lock()

    def make() -> tuple[bytes, str, str | None]:
        nonlocal calls
        with lock:
            calls += 1
        time.sleep(0.1)
        return b"<feed/>", "application/atom+xml", None

    results = await asyncio.gather(*(cache.get(7, "/feed", make) for _ in range(8)))
    assert calls == 1
    assert {r.body for r in results} == {b"<feed/>"}
    assert len({r.etag for r in results}) == 1
    await cache.get(8, "/feed", make)  # the frame changed: rendered again
    assert calls == 2


async def test_a_failed_render_reaches_every_waiter_and_is_not_cached() -> None:
    cache = RenderCache()

    def broken() -> tuple[bytes, str, str | None]:
        time.sleep(0.05)
        raise RuntimeError("boom")

    outcomes = await asyncio.gather(*(cache.get(1, "/x", broken) for _ in range(3)),
                                    return_exceptions=True)
    assert [type(o) for o in outcomes] == [RuntimeError] * 3
    with pytest.raises(RuntimeError):
        await cache.get(1, "/x", broken)


async def test_bounded_by_bytes() -> None:
    cache = RenderCache(size=100, max_bytes=250)
    for i in range(5):
        await cache.get(1, f"/{i}", lambda: (b"x" * 100, "t", None))
    assert len(cache) == 2  # 200 bytes kept of 500
