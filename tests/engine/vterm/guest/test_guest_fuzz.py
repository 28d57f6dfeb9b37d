"""Any keys typed into a logged-in OS shell (escape sequences, binary bytes, very long
lines, shell syntax) never raise, and change the partition only as the OS may."""

from __future__ import annotations

from dataclasses import dataclass, field

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engine.model import Frame, Partition
from engine.ops.base import Operation
from engine.store import demo_frame
from engine.vterm.guest import program_for
from engine.vterm.program import Program

FRAME = demo_frame()
LOGINS = {"was01": "root", "test01": "root", "vios1": "padmin", "ibmi01": "QSECOFR"}
KEYS = st.lists(st.one_of(
    st.text(max_size=40),
    st.sampled_from(["\r", "\x1b", "\x1b[A", "\x03", "\x04", "\x7f", "|", "$(", "'", "`",
                     "lparstat 1 3\r", "lsmap -all | grep vhost\r", "for i in 1 2; do\r",
                     "oem_setup_env\r", "exit\r", "WRKACTJOB\r", "echo ${X?}\r", "a" * 300]),
    st.binary(max_size=40).map(lambda b: b.decode("latin-1")),
), max_size=25)


@dataclass
class FakeIO:
    frame: Frame
    partition: Partition
    now: float = 100.0
    physc: float = 0.42
    written: list[str] = field(default_factory=list)
    submitted: list[Operation] = field(default_factory=list)

    def write(self, text: str) -> None:
        assert isinstance(text, str)
        self.written.append(text)

    def submit(self, op: Operation) -> None:
        self.submitted.append(op)

    def switch(self, program: Program) -> None:
        pass


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(keys=KEYS, lpar=st.sampled_from(sorted(LOGINS)))
def test_a_logged_in_shell_takes_any_keys(keys: list[str], lpar: str) -> None:
    p = FRAME.partition(lpar)
    assert p is not None and p.state == "Running" and p.refcode == ""
    io = FakeIO(FRAME, p)
    program = program_for(p)
    program.start(io)
    user = LOGINS[lpar]
    program.feed(f"{user}\r{user}\r", io)
    assert io.written[-1] in ("# ", "$ ", "[root@test01 ~]# ", "===> ")
    for chunk in keys:
        program.feed(chunk, io)
        io.now += 0.5
        program.tick(io)
    assert all(op.op in ("os_shutdown", "accept_vios_license") for op in io.submitted)
    assert all(isinstance(text, str) for text in io.written)
