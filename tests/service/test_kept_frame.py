"""A frame kept for forked consoles (the console template, prefork.py and warmup.py): a
console that connects with it says its version in the hello, gets only what changed since,
and shares every unchanged part of the kept frame (the same objects, so the same pages)."""

from __future__ import annotations

import asyncio

import pytest

from engine import ops
from engine.roles import Actor
from hmc_tui.service import protocol as p
from hmc_tui.service import remote
from hmc_tui.service.remote import RemoteConsole

from .conftest import RawClient, ServiceFactory


async def test_a_console_starts_from_the_kept_frame_and_gets_a_diff(
        make_service: ServiceFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(remote, "_kept", None)
    service = await make_service()
    template = await asyncio.to_thread(RemoteConsole.open, service.socket_path, Actor())
    template.keep_frame()
    kept = template.snapshot().frame
    version = template.snapshot().frame_version
    template.close()
    service.engine.execute(ops.SetUncapWeight(lpar="dev01", uncap_weight=77), Actor())
    # What the service sends a hello that says it has the kept version: a diff against it.
    raw = await RawClient.hello(service, frame_version=version)
    while True:
        snap = await raw.next(p.Snap)
        assert isinstance(snap, p.Snap)
        if snap.frame_version != version:
            break
    raw.close()
    assert snap.frame is None and snap.frame_diff is not None
    assert snap.frame_diff.base == version
    assert [i["name"] for i in snap.frame_diff.tuples["partitions"].items] == ["dev01"]

    console = await asyncio.to_thread(RemoteConsole.open, service.socket_path, Actor())
    try:
        frame = console.snapshot().frame
        assert frame.partitions == service.engine.snapshot().frame.partitions
        assert frame.partition("dev01").settings().uncap_weight == 77
        unchanged = [q.name for q in frame.partitions if q is kept.partition(q.name)]
        assert sorted(unchanged) == sorted(q.name for q in kept.partitions if q.name != "dev01")
    finally:
        console.close()


async def test_a_kept_frame_of_another_service_is_not_used(
        make_service: ServiceFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(remote, "_kept", None)
    first, second = await make_service(), await make_service()
    template = await asyncio.to_thread(RemoteConsole.open, first.socket_path, Actor())
    template.keep_frame()
    kept = template.snapshot().frame
    template.close()
    console = await asyncio.to_thread(RemoteConsole.open, second.socket_path, Actor())
    try:
        assert console.snapshot().frame is not kept
        assert console.snapshot().frame.partitions == second.engine.snapshot().frame.partitions
    finally:
        console.close()
