"""The SMS menus: the path from SMS boot mode to the OS with the install image, a device
with nothing to boot, Remote IPL's ping test, the boot order, navigation."""

from __future__ import annotations

import pytest

from engine import ops
from engine.model import Frame
from engine.roles import Actor
from engine.service import Engine
from engine.vterm.firmware import NO_OS_IMAGE
from engine.vterm.hub import TerminalHandle
from tests.engine.vterm.helpers import Screen, open_screen, state, stopped_engine, typed, with_iso

pytestmark = pytest.mark.usefixtures("plain_os")  # the OS: a bare login prompt

FOOTER = ("-" * 79 + "\r\nNavigation keys:\r\nM = return to Main Menu\r\n"
          "ESC key = return to previous screen          X = eXit System Management Services\r\n"
          + "-" * 79 + "\r\nType menu item number and press Enter or select Navigation key:")


def in_sms(frame: Frame) -> tuple[Engine, TerminalHandle, Screen]:
    engine = stopped_engine(frame)
    handle, screen = open_screen(engine, "lpar1")
    engine.execute(ops.ActivatePartition(lpar="lpar1", boot_mode="sms"), Actor())
    engine.step(8)
    assert state(engine) == ("Open Firmware", "CA00E1DC")
    screen.take()
    return engine, handle, screen


def test_sms_boots_the_install_image_to_the_os(frame: Frame) -> None:
    engine, handle, screen = in_sms(with_iso(frame))
    typed(engine, handle, "5\r")
    assert "Multiboot\r\n 1.   Select Install/Boot Device\r\n 2.   Configure Boot Device Order" \
        in screen.take()
    typed(engine, handle, "1\r")
    assert "Select Device Type\r\n 1.   Tape\r\n 2.   CD/DVD\r\n 3.   Hard Drive\r\n" \
        " 4.   Network\r\n 5.   List all Devices\r\n" in screen.take()
    typed(engine, handle, "2\r")
    shown = screen.take()
    assert ("Select Device\r\nDevice  Current  Device\r\nNumber  Position  Name\r\n"
            " 1.     1      SCSI CD-ROM\r\n"
            "        ( loc=U9080.HEX.78ABC12-V3-C2-T1-L8200000000000000 )\r\n\r\n"
            + FOOTER) in shown
    typed(engine, handle, "1\r")
    assert " 1.   Information\r\n 2.   Normal Mode Boot\r\n 3.   Service Mode Boot" \
        in screen.take()
    typed(engine, handle, "2\r")
    assert ("Are you sure you want to exit System Management Services?\r\n 1.   Yes\r\n"
            " 2.   No\r\n") in screen.take()
    typed(engine, handle, "1\r")
    assert screen.take() == "1\r\n\r\n\r\n STARTING SOFTWARE\r\n    PLEASE WAIT...\r\n"
    assert state(engine) == ("Running", "CA00E1F6")
    boot = engine.snapshot().events[-1]
    assert (boot.user, boot.op, boot.ok) == ("lpar1 (OS)", "boot_device", True)
    engine.step(2)
    assert state(engine) == ("Running", "CA00E105")
    assert screen.take() == "\r\nlogin: "  # the OS takes the console
    engine.step(26)
    assert state(engine) == ("Running", "")
    assert engine.snapshot().frame.partition("lpar1").bootable  # type: ignore[union-attr]


def test_booting_a_disk_with_nothing_on_it_ends_in_aa06000b(frame: Frame) -> None:
    engine, handle, screen = in_sms(with_iso(frame))
    typed(engine, handle, "5\r", "1\r", "3\r")  # Hard Drive
    shown = screen.take()
    assert " 1.     2      SCSI 100 GB Harddisk\r\n" in shown
    assert " 2.     3      Fibre Channel Disk (NPIV)\r\n" in shown
    typed(engine, handle, "1\r", "2\r", "1\r")
    assert "STARTING SOFTWARE" not in screen.take()
    assert state(engine) == ("Running", "CA00E1F6")
    engine.step(6)
    assert state(engine) == ("Error", "AA06000B")
    assert screen.take() == NO_OS_IMAGE + "\r\n   AA06000B\r\n"
    assert not engine.snapshot().frame.partition("lpar1").bootable  # type: ignore[union-attr]


def test_navigation_escape_main_and_exit(frame: Frame) -> None:
    engine, handle, screen = in_sms(frame)
    typed(engine, handle, "5\r", "1\r")
    screen.take()
    typed(engine, handle, "\x1b")  # ESC: back to Multiboot
    assert "\r\nMultiboot\r\n" in screen.take()
    typed(engine, handle, "m\r")
    assert "\r\nMain Menu\r\n" in screen.take()
    typed(engine, handle, "9\r")  # no such item: the prompt again
    assert screen.take() == ("9\r\n\r\nType menu item number and press Enter or select "
                             "Navigation key:")
    typed(engine, handle, "x\r")
    assert "Are you sure you want to exit System Management Services?" in screen.take()
    typed(engine, handle, "2\r")  # No: back where it was
    assert "\r\nMain Menu\r\n" in screen.take()
    typed(engine, handle, "X\r", "1\r")  # exit: the boot list's first bootable device
    assert state(engine) == ("Running", "CA00E1F6")
    assert engine.snapshot().events[-1].op == "boot_device"
    engine.step(2)
    assert state(engine) == ("Running", "CA00E105")


def test_remote_ipl_ping_test(frame: Frame) -> None:
    engine, handle, screen = in_sms(frame)
    typed(engine, handle, "2\r")
    shown = screen.take()
    assert (" 1.   Interpartition Logical LAN     U9080.HEX.78ABC12-V3-C6-T1      "
            "aa0000000006") in shown
    typed(engine, handle, "1\r", "1\r", "1\r")  # the adapter, IPv4, BOOTP
    assert "Network Parameters\r\nInterpartition Logical LAN: U9080.HEX.78ABC12-V3-C6-T1" \
        in screen.take()
    typed(engine, handle, "3\r", "1\r")  # ping before any address is set
    assert "|  Ping  Failed.  |" in screen.take()
    typed(engine, handle, " ")  # any key
    typed(engine, handle, "\x1b", "1\r", "1\r")  # IP Parameters, Client IP Address
    assert screen.take().endswith("Client IP Address [000.000.000.000]: ")
    typed(engine, handle, "10.1.1.20\r", "2\r", "10.1.1.1\r")
    assert ("Client IP Address                    [010.001.001.020]\r\n"
            " 2.   Server IP Address                    [010.001.001.001]") in screen.take()
    typed(engine, handle, "\x1b", "3\r", "1\r")
    assert "|  Ping  Success. |" in screen.take()
    # vios1 and vios2 down: nothing bridges VLAN 1 out of the frame
    for vios in ("vios1", "vios2"):
        engine.execute(ops.ShutdownPartition(lpar=vios, option="immediate"), Actor())
    engine.step(3)
    typed(engine, handle, " ", "1\r")
    assert "|  Ping  Failed.  |" in screen.take()


def test_a_bad_address_is_refused_in_place(frame: Frame) -> None:
    engine, handle, screen = in_sms(frame)
    typed(engine, handle, "2\r", "1\r", "1\r", "1\r", "1\r", "1\r")
    screen.take()
    typed(engine, handle, "10.1.1.300\r")
    assert "   10.1.1.300 is not an IP address." in screen.take()


def test_boot_order_is_set_and_kept_across_sessions(frame: Frame) -> None:
    engine, handle, screen = in_sms(with_iso(frame))
    typed(engine, handle, "5\r", "2\r", "6\r")  # Display Current Setting: the default
    assert (" 1.   SCSI CD-ROM\r\n        ( loc=U9080.HEX.78ABC12-V3-C2-T1-L8200000000000000 )"
            "\r\n 2.   SCSI 100 GB Harddisk\r\n") in screen.take()
    typed(engine, handle, " ", "1\r", "4\r", "1\r")  # 1st boot device: Network, the LAN
    assert " 1.   Set Boot Sequence: Configure as 1st Boot Device" in screen.take()
    typed(engine, handle, "1\r")
    assert "Current Boot Sequence\r\n 1.   Interpartition Logical LAN\r\n" in screen.take()
    handle.close()
    handle2, screen2 = open_screen(engine, "lpar1")  # a new session: SMS from the top
    assert "\r\nMain Menu\r\n" in screen2.take()
    typed(engine, handle2, "5\r", "2\r", "6\r")
    assert "Current Boot Sequence\r\n 1.   Interpartition Logical LAN\r\n" in screen2.take()

