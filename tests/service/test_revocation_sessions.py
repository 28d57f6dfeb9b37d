"""Rights are what the user store says now: every request is authorised with the store's
current role, a demoted user's open console drops to the new role at once, a removed user's
sessions end with the reason, and a hello cannot claim more than the store grants."""

from __future__ import annotations

import asyncio
import logging

import pytest

from engine import ops
from engine.errors import HmcError
from engine.roles import Actor
from hmc_tui.service import protocol as p
from hmc_tui.service import server
from hmc_tui.service.remote import RemoteConsole
from hmc_tui.service.users import UserStore

from .conftest import RawClient, ServiceFactory, wait_until

SSH = "ssh 192.0.2.7"


async def open_console(service: server.EngineService, user: str, role: str = "hmcviewer",
                       origin: str = SSH) -> RemoteConsole:
    return await asyncio.to_thread(RemoteConsole.open, service.socket_path,
                                   Actor.model_validate({"user": user, "role": role}),
                                   origin=origin)


async def test_a_request_uses_the_role_the_store_gives_now(
        make_service: ServiceFactory, store: UserStore,
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(server, "USERS_CHECK", 3600.0)  # only the request's own check
    service = await make_service(users=store)
    console = await open_console(service, "oper", "hmcoperator")
    notices: list[tuple[str, str]] = []
    console.on_role_change = lambda actor, reason: notices.append((actor.role, reason))
    try:
        assert (await console.run(ops.ActivatePartition(lpar="dev02"))).ok
        store.set_role("oper", "hmcviewer")
        refused = await console.run(ops.ActivatePartition(lpar="sandbox01"))
        assert (refused.ok, refused.code) == (False, "HSCL350B")
        assert (refused.event.user, refused.event.role) == ("oper", "hmcviewer")
        await wait_until(lambda: console.actor.role == "hmcviewer", 2)
        assert notices == [("hmcviewer", "the role of oper is now hmcviewer (was hmcoperator)")]
        await wait_until(lambda: [s.role for s in console.sessions()] == ["hmcviewer"], 2)
        store.set_role("oper", "hmcoperator")  # and back up: the same path
        assert (await console.run(ops.ActivatePartition(lpar="sandbox01"))).ok
        await wait_until(lambda: console.actor.role == "hmcoperator", 2)
    finally:
        console.close()


async def test_an_idle_console_hears_of_its_demotion_within_a_second(
        make_service: ServiceFactory, store: UserStore) -> None:
    service = await make_service(users=store)
    console = await open_console(service, "oper", "hmcoperator")
    watcher = await open_console(service, "hscroot", origin="local")
    try:
        await asyncio.sleep(0.2)
        store.set_role("oper", "hmcviewer")
        started = asyncio.get_running_loop().time()
        await wait_until(lambda: console.actor.role == "hmcviewer", 3)
        assert asyncio.get_running_loop().time() - started < 1.5
        await wait_until(lambda: {(s.user, s.role) for s in watcher.sessions()}
                         == {("oper", "hmcviewer"), ("hscroot", "hmcsuperadmin")}, 2)
    finally:
        console.close()
        watcher.close()


async def test_a_demoted_superadmin_cannot_touch_the_clock(
        make_service: ServiceFactory, store: UserStore) -> None:
    store.add("boss", "hmcsuperadmin", password="boss-password-1")
    service = await make_service(users=store)
    console = await open_console(service, "boss", "hmcsuperadmin")
    try:
        await asyncio.to_thread(console.set_speed, 2.0)
        assert service.engine.snapshot().clock.speed == 2.0
        store.set_role("boss", "hmcoperator")
        for change in (lambda: console.set_speed(3.0), console.pause, console.resume):
            with pytest.raises(HmcError) as err:
                await asyncio.to_thread(change)
            assert err.value.code == "HSCL350B"
            assert err.value.message == ("The user boss does not have the appropriate "
                                         "authority to perform simulation clock tasks.")
        clock = service.engine.snapshot().clock
        assert (clock.speed, clock.paused) == (2.0, False)
    finally:
        console.close()


async def test_a_removed_users_sessions_end_with_the_reason(
        make_service: ServiceFactory, store: UserStore,
        caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="hmc_tui.service.server")
    service = await make_service(users=store)
    first = await open_console(service, "view")
    second = await open_console(service, "view", origin="ssh 192.0.2.8")
    other = await open_console(service, "oper", "hmcoperator")
    reason = "the user view was removed from the user store; this session is closed"
    try:
        store.remove("view")
        await wait_until(lambda: not first.connected and not second.connected, 3)
        assert (first.close_reason, second.close_reason) == (reason, reason)
        with pytest.raises(p.ServiceGone, match=reason):
            await first.run(ops.ActivatePartition(lpar="dev02"))
        await wait_until(lambda: [s.user for s in service.sessions()] == ["oper"], 2)
        assert other.connected
        assert (await other.run(ops.ActivatePartition(lpar="dev02"))).ok
    finally:
        for console in (first, second, other):
            console.close()
    assert f"session 1 (view): {reason}; closing the session" in caplog.messages


async def test_a_request_from_a_removed_user_is_refused_then_the_session_ends(
        make_service: ServiceFactory, store: UserStore,
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(server, "USERS_CHECK", 3600.0)  # the request finds out, not the timer
    service = await make_service(users=store)
    raw = await RawClient.hello(service, "oper", "hmcoperator", origin=SSH)
    try:
        store.remove("oper")
        raw.send(p.encode(p.OpRequest(id=5, op={"op": "activate", "lpar": "dev02"})))
        refused = await raw.reply(5)
        assert isinstance(refused, p.ErrorReply)
        assert (refused.code, refused.message) == (
            "HSCL0F03", "The user oper is not in the user store; its rights are revoked and its "
            "sessions are closed.")
        close = await raw.next(p.Close)
        assert close == p.Close(reason="the user oper was removed from the user store; this "
                                       "session is closed")
        with pytest.raises(EOFError):
            await raw.next(p.Close)
    finally:
        raw.close()
    frame = service.engine.snapshot().frame
    assert frame.partition("dev02").state == "Not Activated"  # type: ignore[union-attr]


async def test_a_hello_cannot_claim_more_than_the_store_grants(
        make_service: ServiceFactory, store: UserStore) -> None:
    service = await make_service(users=store)
    console = await open_console(service, "view", "hmcsuperadmin")
    try:
        assert console.actor == Actor(user="view", role="hmcviewer")
        refused = await console.run(ops.ActivatePartition(lpar="dev02"))
        assert (refused.ok, refused.code) == (False, "HSCL350B")
    finally:
        console.close()
    with pytest.raises(p.ServiceGone) as gone:
        await open_console(service, "mallory", "hmcsuperadmin")
    assert str(gone.value).endswith("refused the console: HSCL0F03 The user mallory is not in "
                                    "the user store; its rights are revoked and its sessions are "
                                    "closed.")
    # The service's own OS user at its own socket may act under any name (it owns the store).
    local = await open_console(service, "someone", "hmcoperator", origin="local")
    try:
        assert local.actor == Actor(user="someone", role="hmcoperator")
        assert (await local.run(ops.ActivatePartition(lpar="dev02"))).ok
    finally:
        local.close()


async def test_an_unreadable_store_refuses_requests_until_it_is_fixed(
        make_service: ServiceFactory, store: UserStore) -> None:
    service = await make_service(users=store)
    console = await open_console(service, "oper", "hmcoperator")
    try:
        good = store.path.read_bytes()
        store.path.write_text("[users\n")  # a hand edit gone wrong
        with pytest.raises(HmcError) as err:
            await console.run(ops.ActivatePartition(lpar="dev02"))
        assert err.value.code == "HSCL0F05"
        assert err.value.message.startswith("The user store cannot be read, so the rights of "
                                            "oper cannot be checked: ")
        await asyncio.sleep(1.3)  # the timer's check sees it too, and ends nobody's session
        assert console.connected
        store.path.write_bytes(good)
        assert (await console.run(ops.ActivatePartition(lpar="dev02"))).ok
    finally:
        console.close()
