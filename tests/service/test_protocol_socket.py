"""The protocol over a real socket: bad lines are answered with HSCL0F04 and logged, the
connection and the engine's clock survive them, and RemoteConsole connects only when asked."""

from __future__ import annotations

import asyncio
import logging
import math

import pytest

from engine import ops
from engine.errors import HmcError
from engine.roles import Actor
from hmc_tui.service import protocol as p
from hmc_tui.service.remote import RemoteConsole
from hmc_tui.service.users import UserStore

from .conftest import RawClient, ServiceFactory


async def test_bad_requests_are_answered_and_the_clock_survives(
        make_service: ServiceFactory, caplog: pytest.LogCaptureFixture) -> None:
    service = await make_service()
    raw = await RawClient.hello(service)
    try:
        for request_id, line in ((7, b'{"type":"set_speed","id":7,"speed":NaN}'),
                                 (8, b'{"type":"set_speed","id":8,"speed":Infinity}'),
                                 (9, b'{"type":"set_speed","id":9,"speed":1e308}')):
            raw.send(line)
            reply = await raw.reply(request_id)
            assert isinstance(reply, p.ErrorReply) and reply.code == "HSCL0F04"
        assert reply.message == ("The request was refused: set_speed.speed: Input should be "
                                 "less than or equal to 86400")
        raw.send(b'{"type":"launch","id":10}')
        unknown = await raw.reply(10)
        assert isinstance(unknown, p.ErrorReply) and unknown.code == "HSCL0F04"
        raw.send(b"not json")
        garbage = await raw.reply(0)
        assert isinstance(garbage, p.ErrorReply)
        assert garbage.message.startswith("The request was refused: message: Invalid JSON")
        # the engine's clock still runs, and the same connection still works
        before = service.engine.time
        await asyncio.sleep(0.3)
        assert service.engine.failure is None and service.engine.time > before
        raw.send(p.encode(p.SetSpeed(id=11, speed=2.5)))
        assert isinstance(await raw.reply(11), p.ClockDone)
        assert service.engine.snapshot().clock.speed == 2.5
        raw.send(p.encode(p.OpRequest(id=12, op={"op": "activate", "lpar": "dev02"})))
        done = await raw.reply(12)
        assert isinstance(done, p.OpDone) and done.result.ok
    finally:
        raw.close()
    logged = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert logged == [
        "session 1 (hscroot): bad request: set_speed.speed: Input should be a finite number "
        "(1 so far)",
        "session 1 (hscroot): bad request: set_speed.speed: Input should be a finite number "
        "(2 so far)",
        "session 1 (hscroot): bad request: set_speed.speed: Input should be less than or equal "
        "to 86400 (3 so far)",
        "session 1 (hscroot): bad request: message: Input tag 'launch' found using 'type' does "
        "not match any of the expected tags: 'hello', 'op', 'util', 'util_batch', 'set_speed', "
        "'pause', 'resume', 'term_open', 'term_close', 'term_remove', 'term_input', 'rate' "
        "(4 so far)",
        "session 1 (hscroot): bad request: message: Invalid JSON: expected ident at line 1 "
        "column 2 (5 so far)"]


async def test_a_flood_of_bad_lines_is_answered_but_not_logged_line_by_line(
        make_service: ServiceFactory, caplog: pytest.LogCaptureFixture) -> None:
    service = await make_service()
    raw = await RawClient.hello(service)
    try:
        raw.send(b'{"type":"pause","id":1,"x":0}\n' * 2000)
        raw.send(p.encode(p.Resume(id=2)))
        assert isinstance(await raw.reply(2), p.ClockDone)
    finally:
        raw.close()
    assert len([r for r in caplog.records if "bad request" in r.getMessage()]) == 7  # 5+2


async def test_an_operation_the_engine_refuses_keeps_its_hmc_code(
        make_service: ServiceFactory) -> None:
    service = await make_service()
    raw = await RawClient.hello(service)
    try:
        raw.send(p.encode(p.OpRequest(id=3, op={"op": "activate", "lpar": "nosuch"})))
        reply = await raw.reply(3)
        assert isinstance(reply, p.OpDone) and not reply.result.ok
        assert reply.result.code == "HSCL8012"
        raw.send(p.encode(p.OpRequest(id=4, op={"op": "activate"})))  # no partition named
        missing = await raw.reply(4)
        assert isinstance(missing, p.ErrorReply) and missing.code.startswith("HSCL")
    finally:
        raw.close()


@pytest.mark.parametrize(("first", "reason"), [
    (b'{"type":"hello","proto":1,"user":"a","role":"hmcviewer"}',
     "protocol version 1 is not served (this service speaks versions 3, 4 and 5)"),
    (b'{"type":"pause","id":1}', "the first message must be a hello, not pause"),
    (b'{"t":"hello","proto":1,"user":"a","role":"hmcviewer"}',
     "message: Unable to extract tag using discriminator 'type'"),
])
async def test_a_bad_first_line_is_refused_with_the_reason(
        make_service: ServiceFactory, first: bytes, reason: str) -> None:
    service = await make_service()
    reader, writer = await asyncio.open_unix_connection(str(service.socket_path))
    writer.write(first + b"\n")
    answer = await asyncio.wait_for(reader.read(), 2.0)
    writer.close()
    assert p.read_service(answer) == p.Close(reason=reason)
    assert service.sessions() == ()


async def test_an_over_long_line_ends_the_session_with_the_reason(
        make_service: ServiceFactory) -> None:
    service = await make_service()
    raw = await RawClient.hello(service)
    try:
        raw.send(b'{"type":"pause","id":1,"pad":"' + b"x" * p.MAX_CLIENT_LINE + b'"}')
        close = await raw.next(p.Close)
        assert close == p.Close(reason="request line over 1048576 bytes")
        with pytest.raises(EOFError):
            await raw.next(p.Close)
    finally:
        raw.close()
    assert service.sessions() == ()


async def test_remote_console_connects_only_when_asked(make_service: ServiceFactory) -> None:
    service = await make_service()
    console = RemoteConsole(service.socket_path)  # no I/O here
    assert not console.connected and service.sessions() == ()
    with pytest.raises(RuntimeError, match="before connect"):
        console.snapshot()
    with pytest.raises(p.ServiceGone, match="not connected"):
        console.execute(ops.ActivatePartition(lpar="dev02"))
    assert await asyncio.to_thread(console.connect) is console
    try:
        assert console.connected and console.session_id == 1
        assert [s.user for s in service.sessions()] == ["hscroot"]
        with pytest.raises(RuntimeError, match="already connected"):
            console.connect()
    finally:
        console.close()


async def test_a_refused_console_says_why_and_may_try_again(
        make_service: ServiceFactory, store: UserStore) -> None:
    service = await make_service(users=store)
    console = RemoteConsole(service.socket_path, Actor(user="carol", role="hmcviewer"),
                            origin="ssh 192.0.2.3")
    with pytest.raises(p.ServiceGone) as gone:
        await asyncio.to_thread(console.connect)
    assert str(gone.value).endswith("refused the console: HSCL0F03 The user carol is not in "
                                    "the user store; its rights are revoked and its sessions are "
                                    "closed.")
    assert not console.connected
    store.add("carol", "hmcoperator", password="carol-password")
    await asyncio.to_thread(console.connect)
    try:
        assert console.connected and console.close_reason == ""
        assert console.actor == Actor(user="carol", role="hmcoperator")
    finally:
        console.close()
    with pytest.raises(RuntimeError, match="was closed"):
        console.connect()


async def test_remote_set_speed_refuses_bad_numbers_before_sending(
        make_service: ServiceFactory) -> None:
    service = await make_service()
    console = await asyncio.to_thread(RemoteConsole.open, service.socket_path)
    try:
        for bad in (math.nan, math.inf, -math.inf, 0.0, -1.0, 86_400.5):
            with pytest.raises(HmcError) as err:
                await asyncio.to_thread(console.set_speed, bad)
            assert err.value.code == "HSCL0F01"
        assert service.engine.snapshot().clock.speed == 1.0
        await asyncio.to_thread(console.set_speed, 86_400)
        snap = await asyncio.to_thread(console.wait_for, lambda s: s.clock.speed == 86_400, 2)
        assert snap.clock.mode == "accelerated"
        assert service.engine.failure is None
    finally:
        console.close()
