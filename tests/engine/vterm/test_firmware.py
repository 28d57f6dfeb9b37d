"""The partition firmware on the console: codes, banner and boot menu window, keys 1/5/6/8
in the countdown, the hand-over, and a boot with nothing to boot."""

from __future__ import annotations

import pytest

from engine import ops
from engine.model import Frame
from engine.roles import Actor
from engine.vterm.firmware import BANNER, BOOT_MENU, NO_OS_IMAGE
from tests.engine.vterm.helpers import open_screen, state, stopped_engine

pytestmark = pytest.mark.usefixtures("plain_os")  # the OS: a bare login prompt

WORDS = "     Memory      Keyboard     Network     SCSI     Speaker"
CODES = "C2001150\r\nC2002100\r\nCA000000\r\nCA000020\r\nCA000040\r\nCA000080\r\n"


def test_a_normal_boot_as_the_console_shows_it(frame: Frame) -> None:
    engine = stopped_engine(frame)
    _, screen = open_screen(engine, "lpar1")
    engine.execute(ops.ActivatePartition(lpar="lpar1"), Actor())
    engine.step(7)  # CA00E1F1 at 7 s: the window opens
    assert screen.take() == CODES + BANNER + BOOT_MENU + "     Memory"
    assert state(engine) == ("Running", "CA00E1F1")
    engine.step(2)
    assert screen.take() == "      Keyboard     Network"
    engine.step(3)  # the hand-over at 12 s: the rest of the window, then the OS
    assert screen.take() == ("     SCSI     Speaker\r\n\r\n STARTING SOFTWARE\r\n"
                             "    PLEASE WAIT...\r\n\r\nlogin: ")
    assert state(engine) == ("Running", "CA00E105")
    assert " IBM IBM" in BANNER and "1 = SMS Menu" in BOOT_MENU


def test_a_terminal_opened_mid_boot_shows_the_screen_so_far(frame: Frame) -> None:
    engine = stopped_engine(frame)
    engine.execute(ops.ActivatePartition(lpar="lpar1"), Actor())
    engine.step(9.5)
    _, screen = open_screen(engine, "lpar1")
    assert screen.text == CODES + BANNER + BOOT_MENU + "     Memory      Keyboard     Network"


def test_key_1_in_the_countdown_stops_at_sms_as_the_partition(frame: Frame) -> None:
    engine = stopped_engine(frame)
    handle, screen = open_screen(engine, "lpar1")
    engine.execute(ops.ActivatePartition(lpar="lpar1"), Actor())
    engine.step(8)
    screen.take()
    handle.send("1")
    assert state(engine) == ("Open Firmware", "CA00E1DC")
    assert engine.snapshot().frame.partition("lpar1").boot_mode == "sms"  # type: ignore[union-attr]
    shown = screen.take()
    assert shown.startswith("     Network     SCSI     Speaker\r\n")  # the window finishes
    assert "Main Menu\r\n 1.   Select Language\r\n" in shown
    event = engine.snapshot().events[-1]
    assert (event.user, event.role, event.op, event.ok) == (
        "lpar1 (OS)", "hmcsuperadmin", "interrupt_boot", True)
    assert event.command == "mkvterm -m Server-9080-HEX-SN78ABC12 -p lpar1"
    engine.step(60)
    assert state(engine) == ("Open Firmware", "CA00E1DC")  # it waits in SMS


def test_key_8_stops_at_the_open_firmware_prompt(frame: Frame) -> None:
    engine = stopped_engine(frame)
    handle, screen = open_screen(engine, "lpar1")
    engine.execute(ops.ActivatePartition(lpar="lpar1"), Actor())
    engine.step(10)
    handle.send("8")
    assert state(engine) == ("Open Firmware", "CA00E1DC")
    assert screen.take().endswith("     Speaker\r\n\r\n0 > ")


def test_keys_outside_the_countdown_and_keys_5_6_change_nothing(frame: Frame) -> None:
    engine = stopped_engine(frame)
    handle, screen = open_screen(engine, "lpar1")
    engine.execute(ops.ActivatePartition(lpar="lpar1"), Actor())
    engine.step(4)
    handle.send("1")  # CA000020: the firmware is not taking keys yet
    engine.step(4)
    handle.send("5")  # the default boot list: go on
    handle.send("1")  # one key only: the 5 was taken
    engine.step(10)
    assert state(engine) == ("Running", "0539")  # the AIX boot, 18 s in
    assert "HSCL" not in screen.text
    assert [e.op for e in engine.snapshot().events if e.user == "lpar1 (OS)"] == []


def test_no_boot_device_shows_why_and_the_code(frame: Frame) -> None:
    lpar = frame.partition("lpar1")
    assert lpar is not None
    engine = stopped_engine(frame.with_partition(lpar.model_copy(update={"bootable": False})))
    _, screen = open_screen(engine, "lpar1")
    engine.execute(ops.ActivatePartition(lpar="lpar1"), Actor())
    engine.step(16)
    assert state(engine) == ("Error", "AA06000B")
    text = screen.take()
    assert text.endswith("     SCSI     Speaker" + NO_OS_IMAGE + "\r\n   AA06000B\r\n")
    assert "STARTING SOFTWARE" not in text
    assert "No OS image was detected by firmware." in NO_OS_IMAGE
