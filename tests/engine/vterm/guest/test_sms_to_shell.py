"""The drill of issue 14 end to end, in lockstep: activate in SMS mode, pick the virtual
optical device with the install image, boot, watch AIX boot, log in, check lparstat -i."""

from __future__ import annotations

from engine import ops
from engine.model import Frame
from engine.roles import Actor
from tests.engine.vterm.helpers import open_screen, state, stopped_engine, typed, with_iso


def test_sms_install_image_boot_login_lparstat(frame: Frame) -> None:
    engine = stopped_engine(with_iso(frame))
    handle, screen = open_screen(engine, "lpar1")
    assert engine.execute(ops.ActivatePartition(lpar="lpar1", boot_mode="sms"), Actor()).ok
    engine.step(8)
    assert state(engine) == ("Open Firmware", "CA00E1DC")
    for key in ("5", "1", "2", "1", "2", "1"):  # Boot Options, Install/Boot Device, CD/DVD,
        typed(engine, handle, key + "\r")        # the CD-ROM, Normal Mode Boot, Yes
    assert screen.take().endswith(" STARTING SOFTWARE\r\n    PLEASE WAIT...\r\n")
    engine.step(3)  # the hand-off (CA00E105) and AIX's first lines
    assert "Welcome to AIX." in screen.take()
    engine.step(26)
    assert state(engine) == ("Running", "")
    assert screen.take().endswith("Console login: ")
    typed(engine, handle, "root\r", "root\r")
    assert screen.take().endswith("# ")
    typed(engine, handle, "lparstat -i | head -6\r")
    assert screen.take().split("\r\n")[1:7] == [
        "Node Name                                  : lpar1",
        "Partition Name                             : lpar1",
        "Partition Number                           : 3",
        "Type                                       : Shared-SMT-4",
        "Mode                                       : Uncapped",
        "Entitled Capacity                          : 0.50"]
