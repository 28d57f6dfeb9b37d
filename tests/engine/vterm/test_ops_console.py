"""The console's operations on their own: refusals, timings, the OS's shutdown and reboot,
and their place in the operation log (replayed after a crash like any other)."""

from __future__ import annotations

from pathlib import Path

import pytest

from engine import ops
from engine.durable import open_engine
from engine.errors import HmcError
from engine.model import Frame
from engine.roles import Actor, os_actor
from engine.service import Engine
from engine.store import demo_frame_text
from tests.engine.vterm.helpers import open_screen, state, stopped_engine

pytestmark = pytest.mark.usefixtures("plain_os")  # the OS: a bare login prompt


def refusal(engine: Engine, op: ops.Operation) -> str:
    result = engine.execute(op, Actor())
    assert not result.ok
    return f"{result.code} {result.message}"


def test_refusals_name_the_partition_and_its_state(frame: Frame) -> None:
    engine = Engine(frame)  # lpar1 Running its OS
    assert refusal(engine, ops.InterruptBoot(lpar="lpar1", to="sms")) == (
        "HSCL1001 The partition lpar1 is not in its boot-device countdown (state Running, "
        "reference code none); the firmware takes the keys 1, 5, 6 and 8 only then.")
    assert refusal(engine, ops.BootFromDevice(lpar="lpar1", device="disk")) == (
        "HSCL1002 The partition lpar1 is not at its firmware prompt (state Running); a boot "
        "device is chosen, and the firmware reset, only there.")
    assert refusal(engine, ops.FirmwareReset(lpar="lpar1")).startswith("HSCL1002 ")
    assert refusal(engine, ops.OsShutdown(lpar="ibmi1")) == (
        "HSCL1558 The partition ibmi1 is not activated. The operation cannot be performed.")
    engine.execute(ops.ShutdownPartition(lpar="lpar1", option="immediate"), Actor())
    engine.step(5)
    engine.execute(ops.ActivatePartition(lpar="lpar1", boot_mode="of"), Actor())
    engine.step(8)
    assert refusal(engine, ops.BootFromDevice(lpar="lpar1", device="tape")) == (
        "HSCL1003 The boot device tape was not found on partition lpar1.")
    with pytest.raises(HmcError):
        ops.build({"op": "interrupt_boot", "lpar": "lpar1", "to": "diag"})


def test_the_os_shuts_down_in_30_seconds_and_10_immediately(frame: Frame) -> None:
    engine = Engine(frame)
    result = engine.execute(ops.OsShutdown(lpar="lpar1"), os_actor(frame.partitions[2]))
    assert result.ok and result.event.user == "lpar1 (OS)"
    assert result.event.command == "chsysstate -m Server-9080-HEX-SN78ABC12 -r lpar -o " \
        "osshutdown -n lpar1"
    assert state(engine) == ("Shutting Down", "")
    engine.step(29.99)
    assert state(engine)[0] == "Shutting Down"
    engine.step(0.01)
    assert state(engine) == ("Not Activated", "00000000")
    assert engine.snapshot().frame.partition("lpar1").current is None  # type: ignore[union-attr]
    engine = Engine(frame)
    engine.execute(ops.OsShutdown(lpar="lpar1", immediate=True), Actor())
    engine.step(10)
    assert state(engine) == ("Not Activated", "00000000")


def test_a_reboot_keeps_the_resources_and_the_terminal(frame: Frame) -> None:
    engine = Engine(frame)
    handle, screen = open_screen(engine, "lpar1")
    granted = engine.snapshot().frame.partition("lpar1").current  # type: ignore[union-attr]
    engine.execute(ops.OsShutdown(lpar="lpar1", restart=True), Actor())
    engine.step(30)
    assert state(engine) == ("Starting", "C2001150")
    engine.step(12)
    assert state(engine) == ("Running", "CA00E105")
    assert engine.snapshot().frame.partition("lpar1").current == granted  # type: ignore[union-attr]
    assert not handle.closed and screen.text.endswith("PLEASE WAIT...\r\n\r\nlogin: ")


def test_console_operations_replay_from_the_log(tmp_path: Path) -> None:
    path = tmp_path / "frame.toml"
    path.write_text(demo_frame_text())
    engine, _ = open_engine(path)
    assert engine.execute(ops.ActivatePartition(lpar="dev02", boot_mode="sms"), Actor()).ok
    engine.step(8)
    dev02 = engine.snapshot().frame.partition("dev02")
    assert dev02 is not None
    assert engine.execute(ops.BootFromDevice(lpar="dev02", device="disk"), os_actor(dev02)).ok
    engine.step(1)
    told = engine.state().frame
    assert state(engine, "dev02") == ("Running", "CA00E1F6")
    assert engine.oplog is not None
    engine.oplog.close()  # a crash: nothing saved but the log
    again, recovery = open_engine(path)
    assert (recovery.replayed, recovery.refused) == (2, [])
    again.step(1)
    assert again.state().frame == told
    again.step(1)
    assert state(again, "dev02") == ("Running", "CA00E105")
    assert again.oplog is not None
    again.oplog.close()


def test_an_sms_boot_of_a_stopped_partition_in_lockstep_takes_no_wall_time(
        frame: Frame) -> None:
    engine = stopped_engine(frame)
    engine.execute(ops.ActivatePartition(lpar="lpar1", boot_mode="sms"), Actor())
    engine.step(8)
    assert engine.execute(ops.BootFromDevice(lpar="lpar1", device="disk", mode="service"),
                          Actor()).ok
    engine.step(4)
    assert state(engine) == ("Running", "0538")  # the AIX boot, 2 s after the hand-over
