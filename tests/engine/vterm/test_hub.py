"""The terminal hub: one session per partition, roles, closing, the program the lifecycle
calls for, input handled at once (lockstep) or waking the clock thread."""

from __future__ import annotations

import threading
import time

import pytest

from engine import ops, service
from engine.errors import HmcError
from engine.model import Frame
from engine.roles import Actor
from engine.service import Engine
from tests.engine.vterm.helpers import open_screen, stopped_engine

pytestmark = pytest.mark.usefixtures("plain_os")  # the OS: a bare login prompt (guest/ tests it)


def test_open_shows_the_current_screen_and_echoes_keys(frame: Frame) -> None:
    engine = Engine(frame)
    handle, screen = open_screen(engine, "lpar1")
    assert screen.take() == "\r\nlogin: "  # lpar1 is Running: the OS's login prompt
    handle.send("root")
    assert screen.take() == "root"  # lockstep: keys are handled at once, no step needed
    handle.send("\x7f\x7f\r")
    assert screen.take() == "\b \b\b \b\r\nlogin: "
    assert (handle.lpar_id, handle.closed, handle.close_reason) == (3, False, "")


def test_one_session_per_partition_with_the_hmc_message(frame: Frame) -> None:
    engine = Engine(frame)
    open_screen(engine, "lpar1")
    with pytest.raises(HmcError) as refused:
        open_screen(engine, 3)  # by id: the same partition
    assert str(refused.value) == (
        "HSCL1000 A terminal session is already open for this partition. Only one open "
        "session is allowed for a partition. Exiting....")
    other, screen = open_screen(engine, "vios1")  # another partition is free
    assert other.lpar_id == 1 and screen.text == "\r\nlogin: "


def test_viewer_is_refused_operator_is_not(frame: Frame) -> None:
    engine = Engine(frame)
    with pytest.raises(HmcError) as refused:
        open_screen(engine, "lpar1", Actor(user="val", role="hmcviewer"))
    assert str(refused.value) == ("HSCL350B The user val does not have the appropriate "
                                  "authority to perform partition console tasks.")
    with pytest.raises(HmcError) as rm:
        engine.close_terminal("lpar1", Actor(user="val", role="hmcviewer"))
    assert rm.value.code == "HSCL350B"
    handle, _ = open_screen(engine, "lpar1", Actor(user="op", role="hmcoperator"))
    assert not handle.closed


def test_unknown_partition(frame: Frame) -> None:
    engine = Engine(frame)
    with pytest.raises(HmcError) as refused:
        open_screen(engine, "nosuch")
    assert str(refused.value) == "HSCL8012 The partition named nosuch was not found."
    with pytest.raises(HmcError):
        engine.close_terminal(99, Actor())


def test_rmvterm_closes_the_session_and_frees_the_partition(frame: Frame) -> None:
    engine = Engine(frame)
    handle, screen = open_screen(engine, "lpar1")
    assert engine.close_terminal("lpar1", Actor(user="op", role="hmcoperator")) is True
    assert handle.closed and screen.closed == ["The terminal session was closed by op."]
    assert handle.close_reason == "The terminal session was closed by op."
    handle.send("root\r")  # a closed session's keys go nowhere
    assert screen.take() == "\r\nlogin: "
    assert engine.close_terminal("lpar1", Actor()) is False  # none open any more
    again, screen2 = open_screen(engine, "lpar1")
    assert not again.closed and screen2.text == ""  # the OS's console waits for a key
    again.send("\r")
    engine.step(0)
    assert screen2.text == "\r\nlogin: "


def test_a_session_closing_itself_is_not_told_why(frame: Frame) -> None:
    engine = Engine(frame)
    handle, screen = open_screen(engine, "lpar1")
    handle.close()
    assert handle.closed and screen.closed == []
    assert handle.close_reason == "The terminal session was closed."
    open_screen(engine, "lpar1")  # free again


def test_deleting_the_partition_closes_its_session(frame: Frame) -> None:
    engine = Engine(frame)
    engine.execute(ops.ShutdownPartition(lpar="lpar1", option="immediate"), Actor())
    engine.step(5)
    handle, screen = open_screen(engine, "lpar1")
    assert engine.execute(ops.DeletePartition(lpar="lpar1"), Actor()).ok
    engine.step(0)
    assert handle.closed and screen.closed == ["The partition was deleted."]


def test_not_activated_is_blank_and_typing_does_nothing(frame: Frame) -> None:
    engine = stopped_engine(frame)
    handle, screen = open_screen(engine, "lpar1")
    handle.send("hello\r")
    engine.step(10)
    assert screen.text == ""


def test_the_session_follows_a_boot_from_firmware_to_the_os(frame: Frame) -> None:
    engine = stopped_engine(frame)
    _, screen = open_screen(engine, "lpar1")
    assert engine.execute(ops.ActivatePartition(lpar="lpar1"), Actor()).ok
    engine.step(0)
    assert screen.take() == "C2001150\r\n"
    engine.step(6)
    assert screen.take() == "C2002100\r\nCA000000\r\nCA000020\r\nCA000040\r\nCA000080\r\n"
    engine.step(6)  # CA00E105 at 12 s: the firmware hands over to the OS
    assert screen.take().endswith("PLEASE WAIT...\r\n\r\nlogin: ")


def test_a_failing_listener_is_closed_and_the_engine_runs_on(frame: Frame) -> None:
    engine = Engine(frame)
    calls: list[str] = []

    def broken(text: str) -> None:
        calls.append(text)
        raise OSError("the pipe is gone")

    closed: list[str] = []
    handle = engine.open_terminal("lpar1", Actor(), broken, closed.append)
    assert handle.closed and closed == ["The terminal session failed."]
    engine.step(1)
    open_screen(engine, "lpar1")  # the partition is free again


def test_typing_wakes_the_clock_thread(frame: Frame, monkeypatch: pytest.MonkeyPatch) -> None:
    """The clock thread would sleep 5 s between boundaries; a key must not wait for it."""
    monkeypatch.setattr(service, "THREAD_PERIOD", 5.0)
    engine = Engine(frame)
    echoed = threading.Event()
    handle = engine.open_terminal("lpar1", Actor(),
                                  lambda text: echoed.set() if "x" in text else None,
                                  lambda reason: None)
    engine.start()
    try:
        time.sleep(0.2)  # the thread is in its first 5 s wait
        sent = time.monotonic()
        handle.send("x")
        assert echoed.wait(3.0)
        assert time.monotonic() - sent < 2.0
    finally:
        engine.stop()


def test_local_console_opens_and_closes_as_its_actor(frame: Frame) -> None:
    from hmc_tui.console import LocalConsole

    console = LocalConsole(Engine(frame), Actor(user="op", role="hmcoperator"))
    seen: list[str] = []
    closed: list[str] = []
    handle = console.open_terminal("lpar1", seen.append, closed.append)
    assert seen == ["\r\nlogin: "]
    assert console.close_terminal("lpar1") is True
    assert handle.closed and closed == ["The terminal session was closed by op."]
    viewer = LocalConsole(console.engine, Actor(user="val", role="hmcviewer"))
    with pytest.raises(HmcError):
        viewer.open_terminal("lpar1", seen.append, closed.append)


class Shutdowner:
    """A guest that submits a shutdown on Enter and 'crashes' on '!'."""

    def start(self, io: object) -> None:
        io.write("# ")  # type: ignore[attr-defined]

    def feed(self, data: str, io: object) -> None:
        if "!" in data:
            raise RuntimeError("a bug in a program")
        io.submit(ops.OsShutdown(lpar=io.partition.name))  # type: ignore[attr-defined]

    def tick(self, io: object) -> None:
        pass


def test_submitted_operations_apply_at_once_and_refusals_reach_the_terminal(
        frame: Frame, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> None:
    from engine.vterm import guest

    monkeypatch.setattr(guest, "program_for", lambda p: Shutdowner())
    engine = Engine(frame)
    handle, screen = open_screen(engine, "lpar1")
    assert screen.take() == "# "
    handle.send("\r")
    p = engine.snapshot().frame.partition("lpar1")
    assert p is not None and p.state == "Shutting Down"  # applied in the same boundary
    event = engine.snapshot().events[-1]
    assert (event.user, event.op, event.ok) == ("lpar1 (OS)", "os_shutdown", True)
    handle.send("\r")  # a second shutdown is refused: the hub says so on the terminal
    assert screen.take() == ("\r\nHSCL0B02 The partition lpar1 is in state Shutting Down; the "
                             "operation cannot be performed while it is in this state.\r\n")
    handle.send("!")
    handle.send("!")
    assert caplog.text.count("the console program of partition 3 failed") == 1  # once
    assert not handle.closed
    engine.step(30)
    assert engine.snapshot().frame.partition("lpar1").state == "Not Activated"  # type: ignore[union-attr]


def test_sessions_opened_typed_into_and_closed_from_threads(frame: Frame) -> None:
    """The clock thread pumps while other threads open, type and close: nothing breaks."""
    engine = Engine(frame, mode="accelerated", speed=50.0)
    engine.start()
    errors: list[BaseException] = []

    def user(lpar: str) -> None:
        try:
            for _ in range(30):
                handle = engine.open_terminal(lpar, Actor(), lambda text: None,
                                              lambda reason: None)
                handle.send("root\r\x1b[A\x7f")
                time.sleep(0.002)
                if not engine.close_terminal(lpar, Actor()):
                    raise AssertionError("the session was not open")
        except BaseException as exc:  # the assertion below reports it
            errors.append(exc)

    threads = [threading.Thread(target=user, args=(name,)) for name in ("vios1", "lpar1")]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    engine.stop()
    assert errors == [] and engine.failure is None
