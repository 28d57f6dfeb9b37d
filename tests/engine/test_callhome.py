"""Call home of serviceable events (engine/ops/faults.py): pending, then sent or failed
over engine time; off with chsacfg. Figures: docs/powervm-rules.md section 13."""

from __future__ import annotations

from engine import ops
from engine.roles import Actor
from engine.service import Engine
from engine.store import demo_frame, frame_from_toml, frame_to_toml

ADMIN = Actor()
OPERATOR = Actor(user="op", role="hmcoperator")


def states(e: Engine) -> list[tuple[int, str, float]]:
    return [(s.problem_num, s.call_home, s.callhome_due) for s in e.snapshot().frame.svc_events]


def test_a_call_home_is_pending_for_30_seconds_then_sent() -> None:
    e = Engine(demo_frame())
    e.step(10)
    assert e.execute(ops.InjectFault(kind="core"), ADMIN).ok
    assert states(e) == [(1, "Pending", 40.0)]
    e.step(29.99)
    assert states(e) == [(1, "Pending", 40.0)]
    e.step(0.01)
    assert states(e) == [(1, "Sent", 40.0)]
    assert e.execute(ops.ClearFault(kind="core"), ADMIN).ok  # closing keeps "Sent"
    assert [(s.status, s.call_home) for s in e.snapshot().frame.svc_events] == [
        ("Closed", "Sent")]


def test_call_home_fails_while_the_link_is_down_and_not_after() -> None:
    e = Engine(demo_frame())
    assert e.execute(ops.InjectFault(kind="callhome_down"), ADMIN).ok
    assert e.execute(ops.InjectFault(kind="port_down", location="vios1:fcs0"), ADMIN).ok
    e.step(30)
    assert states(e) == [(1, "Failed", 30.0)]
    assert [(f.kind, f.target) for f in e.snapshot().frame.faults] == [
        ("callhome_down", "hmc"), ("port_down", "U78DA.ND0.WZS0A21-P0-C1-T1")]
    assert len(e.snapshot().frame.svc_events) == 1  # the link itself opens no event
    assert e.execute(ops.ClearFault(kind="callhome_down"), ADMIN).ok
    assert e.execute(ops.InjectFault(kind="core"), ADMIN).ok
    e.step(30)
    assert states(e) == [(1, "Failed", 30.0), (2, "Sent", 60.0)]


def test_disabled_call_home_marks_new_events_and_is_a_superadmin_task() -> None:
    e = Engine(demo_frame())
    refused = e.execute(ops.SetCallHome(enabled=False), OPERATOR)
    assert (refused.ok, refused.code) == (False, "HSCL350B")
    op = ops.SetCallHome(enabled=False)
    assert op.command(e.snapshot().frame) == \
        "chsacfg -t callhome -o disable -s Server-9080-HEX-SN78H4A21"
    assert e.execute(op, ADMIN).ok
    assert e.execute(ops.InjectFault(kind="dimm", size_gb=32), ADMIN).ok
    e.step(60)
    assert states(e) == [(1, "Disabled", 0.0)]
    f = e.snapshot().frame
    assert f.system.callhome is False
    assert frame_from_toml(frame_to_toml(f), "x") == f  # kept in the frame file
    assert e.execute(ops.SetCallHome(enabled=True), ADMIN).ok
    assert e.execute(ops.InjectFault(kind="core"), ADMIN).ok
    assert states(e)[-1] == (2, "Pending", 90.0)


def test_a_crash_is_not_called_home() -> None:
    e = Engine(demo_frame())
    assert e.execute(ops.InjectFault(kind="crash", location="test01"), ADMIN).ok
    e.step(60)
    assert states(e) == [(1, "Not required", 0.0)]
