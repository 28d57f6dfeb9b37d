"""Frame diffs (hmc_tui/service/framediff.py): apply(diff(a, b), a) == b, through JSON, for
one system and for several."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import TypeAdapter

from benchmarks.frames import large_frame
from engine.model import Fault, Frame, ServiceEvent
from engine.store import demo_frame, demo_hmc
from hmc_tui.service import framediff
from hmc_tui.service.framediff import FrameDiff

DEMO = demo_frame()
STATES = ("Running", "Not Activated", "Starting", "Shutting Down", "Error")


def over_the_wire(change: FrameDiff) -> FrameDiff:
    return FrameDiff.model_validate_json(change.model_dump_json())


@st.composite
def edited(draw: st.DrawFn, frame: Frame) -> Frame:
    """`frame` with partitions changed, removed, added and reordered, pools, the system,
    faults and serviceable events changed: every kind of piece a diff carries."""
    parts = list(frame.partitions)
    for index in draw(st.lists(st.integers(0, len(parts) - 1), max_size=4)):
        parts[index] = parts[index].model_copy(update={
            "state": draw(st.sampled_from(STATES)), "refcode": draw(st.text("0123ABC",
                                                                           max_size=8))})
    for _ in range(draw(st.integers(0, 2))):
        if parts:
            parts.pop(draw(st.integers(0, len(parts) - 1)))
    next_id = max((p.id for p in frame.partitions), default=0) + 1
    for offset in range(draw(st.integers(0, 2))):
        template = frame.partitions[draw(st.integers(0, len(frame.partitions) - 1))]
        parts.insert(draw(st.integers(0, len(parts))), template.model_copy(update={
            "id": next_id + offset, "name": f"new{next_id + offset}"}))
    if draw(st.booleans()):
        parts.reverse()
    pools = list(frame.pools)
    for index in draw(st.lists(st.integers(0, len(pools) - 1), max_size=3)):
        pools[index] = pools[index].model_copy(update={
            "max_proc_units": draw(st.integers(1, 99)), "name": f"P{index}x"})
    faults = list(frame.faults)
    if faults and draw(st.booleans()):
        faults.pop(0)
    faults += [Fault(kind="core", target=f"core {n}", amount=1)
               for n in range(draw(st.integers(0, 3)))]
    events = list(frame.svc_events) + [
        ServiceEvent(problem_num=100 + n, refcode="B7006970", text="core")
        for n in range(draw(st.integers(0, 2)))]
    update: dict[str, object] = {"partitions": tuple(parts), "pools": tuple(pools),
                                 "faults": tuple(faults), "svc_events": tuple(events)}
    if draw(st.booleans()):
        update["engine_time"] = draw(st.floats(0, 1e9, allow_nan=False))
    if draw(st.booleans()):
        update["system"] = frame.system.model_copy(update={"state": "Standby"})
    return frame.model_copy(update=update)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_apply_of_diff_gives_the_new_frame(data: st.DataObject) -> None:
    a = data.draw(edited(DEMO))
    b = data.draw(edited(a))
    assert framediff.apply(over_the_wire(framediff.diff(a, b, base=3)), a) == b
    assert framediff.apply(over_the_wire(framediff.diff(b, a)), b) == a


def test_an_unchanged_frame_gives_an_empty_diff() -> None:
    change = framediff.diff(DEMO, DEMO.model_copy())
    assert (change.fields, change.tuples) == ({}, {})
    assert framediff.apply(change, DEMO) == DEMO


def test_one_partition_of_a_thousand_travels_alone() -> None:
    a = large_frame()
    parts = list(a.partitions)
    parts[500] = parts[500].model_copy(update={"state": "Shutting Down"})
    b = a.model_copy(update={"partitions": tuple(parts)})
    change = framediff.diff(a, b, base=41)
    assert list(change.tuples) == ["partitions"] and change.fields == {}
    assert change.tuples["partitions"].ids is None
    assert [item["id"] for item in change.tuples["partitions"].items] == [501]
    wire = change.model_dump_json()
    whole = b.model_dump_json()
    assert len(wire) * 100 < len(whole)  # a few kB instead of the whole frame
    result = framediff.apply(over_the_wire(change), a)
    assert result == b
    assert result.partitions[499] is a.partitions[499]  # untouched pieces are reused


def test_a_diff_for_another_frame_is_refused() -> None:
    a = DEMO
    b = a.model_copy(update={"partitions": a.partitions[1:]})
    change = framediff.diff(b, a)  # brings back partition 1 only by id order
    smaller = a.model_copy(update={"partitions": a.partitions[2:]})
    try:
        framediff.apply(change, smaller)
    except ValueError as exc:
        assert "no item with id 2" in str(exc)
    else:
        raise AssertionError("a diff for another frame was applied")


HMC = demo_hmc().systems


@st.composite
def edited_systems(draw: st.DrawFn, frames: tuple[Frame, ...]) -> tuple[Frame, ...]:
    """Each system edited or left alone, one clock for all of them (as an Hmc has)."""
    out = [draw(edited(f)) if draw(st.booleans()) else f for f in frames]
    clock = draw(st.floats(0, 1e9, allow_nan=False))
    return tuple(f.model_copy(update={"engine_time": clock}) for f in out)


def systems_over_the_wire(changes: list[FrameDiff | None]) -> list[FrameDiff | None]:
    wire = "[" + ",".join("null" if c is None else c.model_dump_json() for c in changes) + "]"
    return TypeAdapter(list[FrameDiff | None]).validate_json(wire)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_apply_of_diffs_gives_every_new_system(data: st.DataObject) -> None:
    a = data.draw(edited_systems(HMC))
    b = data.draw(edited_systems(a))
    changes = framediff.diff_systems(a, b, base=5)
    for old, new, change in zip(a, b, changes, strict=True):
        # A system that did not change (but for the clock) travels as None.
        same = old.model_copy(update={"engine_time": new.engine_time}) == new
        assert (change is None) == same
    assert framediff.apply_systems(systems_over_the_wire(changes), a, b[0].engine_time) == b


def test_a_change_on_the_second_system_says_nothing_of_the_first() -> None:
    first, second = HMC
    parts = list(second.partitions)
    parts[0] = parts[0].model_copy(update={"state": "Shutting Down"})
    later = (first.model_copy(update={"engine_time": 9.5}),
             second.model_copy(update={"engine_time": 9.5, "partitions": tuple(parts)}))
    changes = framediff.diff_systems(HMC, later, base=2)
    assert changes[0] is None
    assert changes[1] is not None and changes[1].base == 2
    assert [i["id"] for i in changes[1].tuples["partitions"].items] == [parts[0].id]
    result = framediff.apply_systems(changes, HMC, 9.5)
    assert result == later
    assert result[0].partitions is first.partitions  # the unchanged system is reused


def test_diffs_for_another_number_of_systems_are_refused() -> None:
    with pytest.raises(ValueError, match="2 systems against 1"):
        framediff.diff_systems(HMC, HMC[:1])
    with pytest.raises(ValueError, match="1 systems, the frames have 2"):
        framediff.apply_systems([None], HMC, 0.0)
