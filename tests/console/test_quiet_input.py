"""The console's terminal driver (textual_compat.QuietLinuxDriver) reads keys as Textual's
LinuxDriver does, but its input thread sleeps while nothing comes: no 0.1 s polling.

The driver runs its input thread on a pseudo-terminal here; what it reads is recorded where
it would be sent to the app.
"""

from __future__ import annotations

import asyncio
import os
import pty
import selectors
import threading
import time
import tty
from collections.abc import AsyncIterator
from typing import Any

import pytest
from textual import events
from textual.app import App
from textual.drivers.headless_driver import HeadlessDriver
from textual.drivers.linux_driver import LinuxDriver
from textual.messages import Message

from hmc_tui.textual_compat import QuietLinuxDriver, quiet_input_driver


class Recording(QuietLinuxDriver):
    def __init__(self, app: App[Any]) -> None:
        super().__init__(app)
        self.received: list[Message] = []

    def send_message(self, message: Message) -> None:
        self.received.append(message)

    def keys(self) -> list[str]:
        return [m.key for m in self.received if isinstance(m, events.Key)]


def raw_pty() -> tuple[int, int]:
    """A terminal pair whose slave end reads keys one by one, as a console's does."""
    master, slave = pty.openpty()
    tty.setraw(slave)
    return master, slave


@pytest.fixture
def waits(monkeypatch: pytest.MonkeyPatch) -> list[float | None]:
    """The timeout of every wait of the input thread's selector."""
    seen: list[float | None] = []
    select = selectors.SelectSelector.select

    def recorded(self: selectors.SelectSelector, timeout: float | None = None) -> Any:
        seen.append(timeout)
        return select(self, timeout)

    monkeypatch.setattr(selectors.SelectSelector, "select", recorded)
    return seen


@pytest.fixture
async def driver() -> AsyncIterator[tuple[Recording, int]]:
    master, slave = raw_pty()
    driver = Recording(App())
    driver.fileno = slave
    thread = threading.Thread(target=driver.run_input_thread, daemon=True)
    thread.start()
    yield driver, master
    driver.exit_event.set()
    thread.join(2)
    os.close(master)
    os.close(slave)


def wait_until(condition: Any, timeout: float = 2.0) -> bool:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.01)
    return True


async def test_keys_reach_the_app(driver: tuple[Recording, int]) -> None:
    recording, master = driver
    os.write(master, b"ab")
    assert wait_until(lambda: recording.keys() == ["a", "b"])


async def test_a_lone_escape_arrives_once_the_parser_times_it_out(
        driver: tuple[Recording, int], waits: list[float | None]) -> None:
    """The parser cannot tell Escape from the start of a sequence until its timeout: the
    thread wakes for that timeout, with nothing more to read."""
    recording, master = driver
    os.write(master, b"\x1b")
    assert wait_until(lambda: recording.keys() == ["escape"])
    assert any(t is not None and t < 1 for t in waits)  # it waited for the parser's timeout


async def test_the_thread_sleeps_while_nothing_comes(
        driver: tuple[Recording, int], waits: list[float | None]) -> None:
    recording, master = driver
    os.write(master, b"x")
    assert wait_until(lambda: recording.keys() == ["x"])
    time.sleep(0.2)
    before = len(waits)
    time.sleep(0.5)  # LinuxDriver's thread woke five times meanwhile
    assert len(waits) == before and waits[-1] is None


def test_setting_the_exit_flag_ends_the_thread_at_once() -> None:
    async def run() -> None:
        master, slave = raw_pty()
        recording = Recording(App())
        recording.fileno = slave
        thread = threading.Thread(target=recording.run_input_thread, daemon=True)
        thread.start()
        time.sleep(0.1)
        started = time.monotonic()
        recording.exit_event.set()
        thread.join(2)
        assert not thread.is_alive() and time.monotonic() - started < 0.1
        # Cleared and started again (Textual's suspend and resume): it reads keys again.
        recording.exit_event.clear()
        thread = threading.Thread(target=recording.run_input_thread, daemon=True)
        thread.start()
        os.write(master, b"k")
        assert wait_until(lambda: recording.keys() == ["k"])
        recording.exit_event.set()
        thread.join(2)
        os.close(master)
        os.close(slave)

    asyncio.run(run())


def test_the_thread_ends_at_the_end_of_its_input(waits: list[float | None]) -> None:
    """Input that ended (its other end closed) is readable for ever: the thread stops
    rather than spin on it."""
    async def run() -> None:
        read_end, write_end = os.pipe()
        recording = Recording(App())
        recording.fileno = read_end
        thread = threading.Thread(target=recording.run_input_thread, daemon=True)
        thread.start()
        os.write(write_end, b"z")
        assert wait_until(lambda: recording.keys() == ["z"])
        os.close(write_end)
        thread.join(2)
        assert not thread.is_alive() and len(waits) < 10
        os.close(read_end)

    asyncio.run(run())


def test_only_the_terminal_driver_is_replaced() -> None:
    assert quiet_input_driver(LinuxDriver) is QuietLinuxDriver
    assert quiet_input_driver(HeadlessDriver) is HeadlessDriver
