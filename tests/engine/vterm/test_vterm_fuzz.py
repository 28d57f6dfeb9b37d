"""Bad input on a console (escape sequences, binary bytes, very long lines) never raises in
a program, never breaks the hub, and never leaves the partition in a state it could not
reach by keys."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from engine import ops
from engine.model import Frame, Partition
from engine.ops.base import Operation
from engine.roles import Actor
from engine.vterm.devices import Nvram
from engine.vterm.firmware import ErrorScreen, Firmware
from engine.vterm.guest import program_for
from engine.vterm.openfirmware import OpenFirmware
from engine.vterm.program import Program
from engine.vterm.sms import Sms
from tests.engine.conftest import make_frame
from tests.engine.vterm.helpers import open_screen, stopped_engine, with_iso

KEYS = st.lists(st.one_of(
    st.text(max_size=40),
    st.sampled_from(["\r", "\x1b", "\x1b[A", "\x03", "\x7f", "1\r", "2\r", "5\r", "x\r",
                     "m\r", "boot\r", "ls\r", " "]),
    st.binary(max_size=40).map(lambda b: b.decode("latin-1")),
    st.just("z" * 5000),
), max_size=25)


@dataclass
class FakeIO:
    frame: Frame
    partition: Partition
    now: float = 10.0
    written: list[str] = field(default_factory=list)
    submitted: list[Operation] = field(default_factory=list)

    def write(self, text: str) -> None:
        assert isinstance(text, str)
        self.written.append(text)

    def submit(self, op: Operation) -> None:
        self.submitted.append(op)

    def switch(self, program: Program) -> None:
        pass


def programs(p: Partition) -> list[Program]:
    return [Firmware(), Firmware(resumed=True), ErrorScreen(), Sms(Nvram()),
            OpenFirmware(Nvram()), program_for(p)]


@pytest.mark.parametrize("state", ["Running", "Open Firmware", "Error", "Starting"])
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(keys=KEYS)
@example(keys=["²", "\r"])  # isdigit() but not int(): found by this test (SMS menu number)
def test_programs_take_any_keys(state: str, keys: list[str]) -> None:
    frame = with_iso(make_frame())
    p = frame.partition("lpar1")
    assert p is not None
    p = p.model_copy(update={"state": state, "refcode": "CA00E1F1"})
    for program in programs(p):
        io = FakeIO(frame, p)
        program.start(io)  # type: ignore[arg-type]
        for chunk in keys:
            program.feed(chunk, io)  # type: ignore[arg-type]
            program.tick(io)  # type: ignore[arg-type]
        assert all(op.op in ("interrupt_boot", "boot_device", "firmware_reset")
                   for op in io.submitted)


@settings(max_examples=15, deadline=None, suppress_health_check=[
    HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(keys=KEYS, boot_mode=st.sampled_from(["norm", "sms", "of"]))
def test_the_hub_survives_any_keys_through_a_boot(
        keys: list[str], boot_mode: str, caplog: pytest.LogCaptureFixture) -> None:
    engine = stopped_engine(with_iso(make_frame()))
    handle, screen = open_screen(engine, "lpar1")
    engine.execute(ops.ActivatePartition(lpar="lpar1", boot_mode=boot_mode), Actor())
    with caplog.at_level(logging.ERROR):
        for chunk in keys:
            handle.send(chunk)
            engine.step(1.5)
    assert [r.getMessage() for r in caplog.records if r.name.startswith("engine.vterm")] == []
    assert not handle.closed and screen.closed == []
    p = engine.snapshot().frame.partition("lpar1")
    assert p is not None and p.state in ("Starting", "Running", "Open Firmware", "Error")
    engine.close_terminal("lpar1", Actor())  # the hub still answers
    assert handle.closed
