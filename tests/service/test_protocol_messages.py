"""The wire protocol's messages: typed both ways, no NaN or infinity anywhere, a bad line is a
ProtocolError naming what was wrong (and the request it came with), never a KeyError."""

from __future__ import annotations

import json

import pytest

from engine import ops
from engine.errors import HmcError
from engine.roles import Actor
from engine.service import Engine
from engine.store import demo_frame
from hmc_tui.service import protocol as p


def test_every_client_message_round_trips() -> None:
    messages: list[p.Hello | p.Request] = [
        p.Hello(proto=2, user="bob", role="hmcoperator", origin="ssh 192.0.2.1", kind="exec"),
        p.OpRequest(id=1, op={"op": "activate", "lpar": "dev02"}),
        p.UtilRequest(id=2, resource="pool", key=0, interval="short"),
        p.SetSpeed(id=3, speed=86_400),
        p.Pause(id=4),
        p.Resume(id=5),
    ]
    for message in messages:
        assert p.read_client(p.encode(message)) == message


def test_every_service_message_round_trips() -> None:
    engine = Engine(demo_frame())
    result = engine.execute(ops.SetUncapWeight(lpar="dev01", uncap_weight=9), Actor())
    assert result.ok
    messages: list[p.Welcome | p.Snap | p.Reply | p.RoleChanged | p.Close] = [
        p.Welcome(proto=2, session=7, role="hmcviewer"),
        p.OpDone(id=1, result=result),
        p.UtilDone(id=2, times=[0.0, 5.0], counters={"time_cycles": [0, 5]}),
        p.ClockDone(id=3),
        p.ErrorReply(id=4, code="HSCL350B", message="no", fields={"user": "bob"}),
        p.RoleChanged(role="hmcviewer", reason="demoted"),
        p.Close(reason="the user bob was removed"),
    ]
    for message in messages:
        assert p.read_service(p.encode(message)) == message


def test_a_spliced_snap_line_reads_back_as_the_snapshot() -> None:
    engine = Engine(demo_frame())
    assert engine.execute(ops.ActivatePartition(lpar="dev02"), Actor()).ok
    engine.step(30)
    snap = engine.snapshot()
    head = p.Snap(version=snap.version, frame_version=snap.frame_version, time=snap.time,
                  physc=list(snap.physc.items()), pools=list(snap.pools), clock=snap.clock,
                  in_flight=0, events=[], sessions=[p.SessionInfo(
                      id=1, user="bob", role="hmcviewer", since=1.5, origin="local",
                      kind="console")])
    events = ",".join(e.model_dump_json() for e in snap.events)
    line = p.snap_line(head, events, snap.frame.model_dump_json())
    back = p.read_service(line)
    assert isinstance(back, p.Snap)
    assert back.frame == snap.frame
    assert tuple(back.events) == snap.events and len(back.events) > 0
    assert dict(back.physc) == snap.physc and tuple(back.pools) == snap.pools
    assert back.sessions is not None and back.sessions[0].user == "bob"
    without = p.read_service(p.snap_line(head.model_copy(update={"sessions": None}), "", None))
    assert isinstance(without, p.Snap)
    assert (without.frame, without.sessions, without.events) == (None, None, [])


@pytest.mark.parametrize(("line", "where", "request_id"), [
    (b'{"type":"set_speed","id":3,"speed":NaN}',
     "set_speed.speed: Input should be a finite number", 3),
    (b'{"type":"set_speed","id":4,"speed":Infinity}',
     "set_speed.speed: Input should be a finite number", 4),
    (b'{"type":"set_speed","id":5,"speed":-Infinity}',
     "set_speed.speed: Input should be a finite number", 5),
    (b'{"type":"set_speed","id":6,"speed":1e999}',
     "set_speed.speed: Input should be a finite number", 6),
    (b'{"type":"set_speed","id":7,"speed":0}', "set_speed.speed: Input should be greater than 0",
     7),
    (b'{"type":"set_speed","id":8,"speed":86401}',
     "set_speed.speed: Input should be less than or equal to 86400", 8),
    (b'{"type":"set_speed","id":9}', "set_speed.speed: Field required", 9),
    (b'{"type":"op","id":10,"op":{"op":"chproc","lpar":"a","proc_units":NaN}}',
     "op.op: Value error, op.proc_units must be a finite number", 10),
    (b'{"type":"op","id":11,"op":{"op":"x","v":[1,[2,Infinity]]}}',
     "op.op: Value error, op.v[1][1] must be a finite number", 11),
    (b'{"type":"util","id":12,"resource":"disk","key":1}',
     "util.resource: Input should be 'lpar' or 'pool'", 12),
    (b'{"type":"launch","id":13}',
     "message: Input tag 'launch' found using 'type' does not match any of the expected tags: "
     "'hello', 'op', 'util', 'util_batch', 'set_speed', 'pause', 'resume', 'term_open', "
     "'term_close', 'term_remove', 'term_input', 'rate'", 13),
    (b'{"type":"pause","id":14,"extra":1}', "pause.extra: Extra inputs are not permitted", 14),
    (b'{"type":"pause","id":-1}', "pause.id: Input should be greater than or equal to 0", 0),
    (b'{"t":"pause","id":15}', "message: Unable to extract tag using discriminator 'type'", 15),
    (b'[1,2]', "message: Input should be an object", 0),
    (b'{"type":', "message: Invalid JSON: EOF while parsing a value at line 1 column 8", 0),
])
def test_bad_client_lines_are_named(line: bytes, where: str, request_id: int) -> None:
    with pytest.raises(p.ProtocolError) as err:
        p.read_client(line)
    assert str(err.value) == where
    assert err.value.request_id == request_id


def test_encode_never_writes_nan() -> None:
    # A refusal that quotes a NaN the caller gave shows it as text; JSON readers choke on NaN.
    reply = p.error_reply(3, HmcError("HSCL0F01", value=float("nan"), max="86400"))
    data = json.loads(p.encode(reply))
    assert data["fields"] == {"value": "nan", "max": "86400"}
    assert data["message"].startswith("The engine clock speed nan is not valid")
    back = p.error_from_reply(p.ErrorReply.model_validate(data))
    assert isinstance(back, HmcError) and back.code == "HSCL0F01"
