"""Partition terminals over the service socket: RemoteConsole.open_terminal / close_terminal
against EngineService and a real-time engine, and the refusals of bad terminal messages."""

from __future__ import annotations

import asyncio
import threading
import time

import pytest

from engine.errors import HmcError
from engine.roles import Actor
from hmc_tui.service import protocol as p
from hmc_tui.service.remote import RemoteConsole, RemoteTerminal
from hmc_tui.service.server import EngineService
from hmc_tui.service.users import UserStore

from .conftest import RawClient, ServiceFactory

TEST01 = 8  # the demo frame's test01: Running, so its terminal shows the login prompt


class Screen:
    """What a listener received, and why the terminal closed, waited on with bounds."""

    def __init__(self) -> None:
        self.text = ""
        self.reason = ""
        self._changed = threading.Condition()

    def output(self, data: str) -> None:
        with self._changed:
            self.text += data
            self._changed.notify_all()

    def closed(self, reason: str) -> None:
        with self._changed:
            self.reason = reason
            self._changed.notify_all()

    def wait(self, predicate: object, timeout: float = 5.0) -> None:
        deadline = time.monotonic() + timeout
        with self._changed:
            while not predicate(self):  # type: ignore[operator]
                left = deadline - time.monotonic()
                assert left > 0, f"timed out; screen {self.text!r}, reason {self.reason!r}"
                self._changed.wait(left)


def _open(service: EngineService, user: str = "hscroot", role: str = "hmcsuperadmin"
          ) -> RemoteConsole:
    return RemoteConsole.open(service.socket_path, Actor.model_validate(
        {"user": user, "role": role}))


def _terminal(console: RemoteConsole, lpar: str | int, screen: Screen) -> RemoteTerminal:
    return console.open_terminal(lpar, screen.output, screen.closed)


async def test_open_type_one_session_rmvterm_reopen(make_service: ServiceFactory) -> None:
    service = await make_service()
    alice, bob = await asyncio.gather(asyncio.to_thread(_open, service, "alice"),
                                      asyncio.to_thread(_open, service, "bob"))
    try:
        first = Screen()
        term = await asyncio.to_thread(_terminal, alice, "test01", first)
        assert (term.lpar_id, term.closed) == (TEST01, False)
        await asyncio.to_thread(first.wait, lambda s: s.text.endswith("login: "))
        term.send("root\r")
        await asyncio.to_thread(first.wait, lambda s: "root\r\n" in s.text)
        # one session per partition, whoever asks, by name or by number
        with pytest.raises(HmcError) as refused:
            await asyncio.to_thread(_terminal, bob, TEST01, Screen())
        assert str(refused.value) == (
            "HSCL1000 A terminal session is already open for this partition. Only one open "
            "session is allowed for a partition. Exiting....")
        # rmvterm from another console closes it; the holder is told why
        assert await asyncio.to_thread(bob.close_terminal, "test01") is True
        await asyncio.to_thread(first.wait, lambda s: bool(s.reason))
        assert first.reason == "The terminal session was closed by bob."
        assert term.closed and term.close_reason == first.reason
        assert await asyncio.to_thread(bob.close_terminal, TEST01) is False
        seen = len(first.text)
        term.send("ignored\r")  # a closed terminal sends nothing
        second = Screen()
        again = await asyncio.to_thread(_terminal, bob, TEST01, second)
        again.send("\r")  # the console kept its place (a password asked): Enter answers it
        await asyncio.to_thread(second.wait, lambda s: "login: " in s.text)
        assert len(first.text) == seen
        # ~. : the holder closes it itself, and it can be opened again at once
        again.close()
        assert again.closed and second.reason == ""
        third = await asyncio.to_thread(_terminal, alice, TEST01, Screen())
        assert not third.closed
    finally:
        alice.close()
        bob.close()


async def test_a_console_that_goes_away_frees_its_terminal(make_service: ServiceFactory
                                                           ) -> None:
    service = await make_service()
    alice = await asyncio.to_thread(_open, service, "alice")
    await asyncio.to_thread(_terminal, alice, TEST01, Screen())
    alice.close()
    bob = await asyncio.to_thread(_open, service, "bob")
    try:
        deadline = time.monotonic() + 5
        while True:  # the service notices the hang-up within a loop iteration or two
            try:
                await asyncio.to_thread(_terminal, bob, TEST01, Screen())
                break
            except HmcError as exc:
                assert exc.code == "HSCL1000" and time.monotonic() < deadline
                await asyncio.sleep(0.05)
    finally:
        bob.close()


async def test_the_service_going_away_closes_the_terminal(make_service: ServiceFactory
                                                          ) -> None:
    service = await make_service()
    alice = await asyncio.to_thread(_open, service, "alice")
    screen = Screen()
    term = await asyncio.to_thread(_terminal, alice, TEST01, screen)
    await service.stop()
    await asyncio.to_thread(screen.wait, lambda s: bool(s.reason))
    assert term.closed and screen.reason == alice.close_reason
    alice.close()


async def test_viewers_and_unknown_partitions_are_refused(make_service: ServiceFactory
                                                          ) -> None:
    service = await make_service()
    carol = await asyncio.to_thread(_open, service, "carol", "hmcviewer")
    try:
        for call in (lambda: _terminal(carol, TEST01, Screen()),
                     lambda: carol.close_terminal(TEST01)):
            with pytest.raises(HmcError) as refused:
                await asyncio.to_thread(call)
            assert str(refused.value) == ("HSCL350B The user carol does not have the "
                                          "appropriate authority to perform partition "
                                          "console tasks.")
    finally:
        carol.close()
    raw = await RawClient.hello(service)
    try:
        raw.send(b'{"type":"term_open","id":5,"lpar":"nosuch"}')
        reply = await raw.next(p.ErrorReply, p.TermOpened)
        assert isinstance(reply, p.ErrorReply)
        assert (reply.id, reply.code) == (5, "HSCL8012")
        raw.send(b'{"type":"term_input","term":77,"data":"x"}')
        reply = await raw.next(p.ErrorReply)
        assert isinstance(reply, p.ErrorReply) and reply.code == "HSCL0F04"
        assert reply.message.endswith("term_input: no terminal 77 is open in this session")
        raw.send(b'{"type":"term_input","term":1,"data":"' + b"x" * 65_537 + b'"}')
        reply = await raw.next(p.ErrorReply)
        assert isinstance(reply, p.ErrorReply) and reply.code == "HSCL0F04"
        assert "data: String should have at most 65536 characters" in reply.message
        raw.send(b'{"type":"term_close","id":9,"term":3}')  # nothing open: nothing closed
        done = await raw.next(p.TermResult)
        assert done == p.TermResult(id=9, closed=False)
        # keys typed while rmvterm closes the terminal are dropped without a word
        raw.send(b'{"type":"term_open","id":10,"lpar":8}')
        opened = await raw.next(p.TermOpened, p.ErrorReply)
        assert isinstance(opened, p.TermOpened) and opened.lpar_id == TEST01
        assert service.engine.close_terminal(TEST01, Actor()) is True
        closed = await raw.next(p.TermClosed)
        assert closed == p.TermClosed(term=opened.term, reason="The terminal session was "
                                      "closed by hscroot.")
        raw.send(b'{"type":"term_input","term":%d,"data":"late"}' % opened.term)
        raw.send(b'{"type":"term_close","id":11,"term":%d}' % opened.term)
        assert await raw.next(p.TermResult, p.ErrorReply) == p.TermResult(id=11, closed=False)
    finally:
        raw.close()


async def test_a_demoted_user_loses_the_open_terminal(make_service: ServiceFactory,
                                                      store: UserStore) -> None:
    service = await make_service(users=store)
    oper = await asyncio.to_thread(lambda: RemoteConsole.open(
        service.socket_path, Actor(user="oper", role="hmcoperator"), origin="ssh 192.0.2.7"))
    try:
        screen = Screen()
        term = await asyncio.to_thread(_terminal, oper, TEST01, screen)
        store.set_role("oper", "hmcviewer")
        await asyncio.to_thread(screen.wait, lambda s: bool(s.reason))
        assert screen.reason == ("The role of oper is now hmcviewer: the terminal session was "
                                 "closed.")
        assert term.closed
        hscroot = await asyncio.to_thread(_open, service, "hscroot")
        try:  # the partition is free again
            assert not (await asyncio.to_thread(_terminal, hscroot, TEST01, Screen())).closed
        finally:
            hscroot.close()
    finally:
        oper.close()
