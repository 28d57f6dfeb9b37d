"""The Open Firmware prompt: printenv, devalias, ls, boot by alias and path, reset-all,
words it does not know."""

from __future__ import annotations

import pytest

from engine import ops
from engine.model import Frame
from engine.roles import Actor
from engine.service import Engine
from engine.vterm.hub import TerminalHandle
from tests.engine.vterm.helpers import Screen, open_screen, state, stopped_engine, typed, with_iso

pytestmark = pytest.mark.usefixtures("plain_os")  # the OS: a bare login prompt

DISK = "/vdevice/v-scsi@30000002/disk@8100000000000000"
CDROM = "/vdevice/v-scsi@30000002/disk@8200000000000000"


def at_ok(frame: Frame) -> tuple[Engine, TerminalHandle, Screen]:
    engine = stopped_engine(frame)
    handle, screen = open_screen(engine, "lpar1")
    engine.execute(ops.ActivatePartition(lpar="lpar1", boot_mode="of"), Actor())
    engine.step(8)
    assert state(engine) == ("Open Firmware", "CA00E1DC")
    assert screen.take().endswith("     Speaker\r\n\r\n0 > ")
    return engine, handle, screen


def test_devalias_and_printenv(frame: Frame) -> None:
    engine, handle, screen = at_ok(with_iso(frame))
    typed(engine, handle, "devalias\r")
    assert screen.take() == (
        "devalias\r\n"
        f"disk            {DISK}\r\n"
        f"cdrom           {CDROM}\r\n"
        "disk1           /vdevice/vfc-client@30000003/disk@10000090fa000010,0\r\n"
        "disk2           /vdevice/v-scsi@30000004/disk@8100000000000000\r\n"
        "disk3           /vdevice/vfc-client@30000005/disk@10000090fa000020,0\r\n"
        "net             /vdevice/l-lan@30000006\r\nok\r\n0 > ")
    typed(engine, handle, "printenv boot-device\r")
    order = f"{CDROM} {DISK} /vdevice/vfc-client@30000003/disk@10000090fa000010,0 " \
        "/vdevice/v-scsi@30000004/disk@8100000000000000 " \
        "/vdevice/vfc-client@30000005/disk@10000090fa000020,0"
    assert screen.take() == (
        "printenv boot-device\r\n"
        "-------------- Partition: common -------- Signature: 0x70 ---------------\r\n"
        f"boot-device             {order} {order}\r\nok\r\n0 > ")
    typed(engine, handle, "printenv\r")
    assert "\r\nauto-boot?              true                true\r\n" in screen.take()


def test_ls_shows_the_virtual_processors_and_adapters(frame: Frame) -> None:
    engine, handle, screen = at_ok(frame)
    typed(engine, handle, "ls\r")
    lines = screen.take().split("\r\n")
    names = [line.split(": ", 1)[1] for line in lines[1:-2]]
    assert names == [
        "/ibm,serial", "/chosen", "/packages", "/cpus", "  /PowerPC,Power10@0",
        "  /PowerPC,Power10@8", "/memory@0", "/vdevice", "  /vty@30000000",
        "  /v-scsi@30000002", "    /disk", "  /vfc-client@30000003", "    /disk",
        "  /v-scsi@30000004", "    /disk", "  /vfc-client@30000005", "    /disk",
        "  /l-lan@30000006", "/options", "/aliases", "/openprom", "/rtas"]
    assert lines[1] == "00001f000000: /ibm,serial" and lines[-2:] == ["ok", "0 > "]


def test_unknown_words_and_empty_lines(frame: Frame) -> None:
    engine, handle, screen = at_ok(frame)
    typed(engine, handle, "hello world\r", "\r")
    assert screen.take() == "hello world\r\nUnknown word: hello\r\n0 >  ok\r\n0 > "
    typed(engine, handle, "boot nosuch\r")
    assert screen.take() == "boot nosuch\r\nCannot open nosuch: no such device\r\n0 > "
    assert state(engine) == ("Open Firmware", "CA00E1DC")


def test_boot_cdrom_by_alias_hands_over_to_the_os(frame: Frame) -> None:
    engine, handle, screen = at_ok(with_iso(frame))
    typed(engine, handle, "boot cdrom:\\ppc\\chrp\\bootfile.exe\r")
    assert state(engine) == ("Running", "CA00E1F6")
    event = engine.snapshot().events[-1]
    assert (event.user, event.op) == ("lpar1 (OS)", "boot_device")
    engine.step(2)
    assert screen.take().endswith("\r\nlogin: ")


def test_boot_by_path_of_an_empty_disk_fails_and_plain_boot_uses_the_list(
        frame: Frame) -> None:
    engine, handle, _ = at_ok(with_iso(frame))
    typed(engine, handle, f"boot {DISK}\r")
    engine.step(6)
    assert state(engine) == ("Error", "AA06000B")
    engine, handle, _ = at_ok(with_iso(frame))
    typed(engine, handle, "boot\r")  # the list starts with the optical device: it boots
    engine.step(2)
    assert state(engine) == ("Running", "CA00E105")


def test_reset_all_boots_again_from_the_start(frame: Frame) -> None:
    engine, handle, screen = at_ok(frame)
    granted = engine.snapshot().frame.partition("lpar1").current  # type: ignore[union-attr]
    typed(engine, handle, "reset-all\r")
    assert state(engine) == ("Starting", "C2001150")
    assert engine.snapshot().events[-1].op == "firmware_reset"
    engine.step(12)
    assert state(engine) == ("Running", "CA00E105")
    p = engine.snapshot().frame.partition("lpar1")
    assert p is not None and p.current == granted and p.boot_mode == "norm"
    text = screen.take()
    assert text.startswith("reset-all\r\nC2001150\r\n") and text.endswith("login: ")
