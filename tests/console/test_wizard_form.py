"""The wizard's form without a terminal: numbers kept as typed or refused naming the field,
and the slots of client/server adapter pairs planned on the demo frame."""

from __future__ import annotations

import pytest

from engine.model import VirtualEth, VirtualFc, VirtualScsi
from engine.store import demo_frame
from hmc_tui.screens.wizard_form import FieldError, WizardForm, number, units_of, whole


def test_numbers_are_what_was_typed() -> None:
    assert number("Maximum", "2.5", whole=False) == 2.5  # never 25
    assert units_of("Desired processing units", " 0.05 ") == 0.05
    assert whole("Desired memory (MB)", "4096") == 4096


@pytest.mark.parametrize(("call", "message"), [
    (lambda: whole("Desired processors", "1.5"),
     "Desired processors: 1.5 is not a whole number."),
    (lambda: whole("Desired memory (MB)", "4k"), "Desired memory (MB): '4k' is not a number."),
    (lambda: units_of("Minimum processing units", "0.055"),
     "Minimum processing units: '0.055' is finer than 0.01 processing units."),
    (lambda: number("VLAN", "", whole=True), "VLAN: enter a value."),
    (lambda: number("VLAN", "-3", whole=True), "VLAN: '-3' is not a valid amount."),
    (lambda: number("VLAN", "nan", whole=True), "VLAN: 'nan' is not a number."),
    (lambda: number("VLAN", "1e3", whole=True), "VLAN: '1e3' is not a number."),
])
def test_bad_numbers_are_refused_naming_the_field(call, message: str) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(FieldError) as err:
        call()
    assert str(err.value) == message


def test_adapter_slots_on_the_demo_frame() -> None:
    frame = demo_frame()
    form = WizardForm(name="lp12")
    form.add_adapter(frame, "scsi", vios="vios1")
    form.add_adapter(frame, "scsi", vios="vios1")
    form.add_adapter(frame, "fc", vios="vios2")
    form.add_adapter(frame, "eth", vlan="20")
    assert [a.model() for a in form.adapters] == [
        VirtualScsi(slot=2, side="client", remote_lpar_id=1, remote_slot=4),
        VirtualScsi(slot=3, side="client", remote_lpar_id=1, remote_slot=5),  # past the first
        VirtualFc(slot=4, side="client", remote_lpar_id=2, remote_slot=4),
        VirtualEth(slot=5, pvid=20),
    ]
    with pytest.raises(FieldError, match=r"VLAN: '4095' is not between 1 and 4094\."):
        form.add_adapter(frame, "eth", vlan="4095")
    with pytest.raises(FieldError, match="VIOS: choose the Virtual I/O Server"):
        form.add_adapter(frame, "scsi", vios="oradb01")


def test_the_operation_and_the_first_problem() -> None:
    frame = demo_frame()
    assert WizardForm().operation(frame) == "Partition name: enter a name."
    assert WizardForm(name="oradb01").operation(frame) == \
        "Partition name: oradb01 is already in use."
    assert WizardForm(name="x", lpar_id="3").operation(frame) == \
        "Partition ID: 3 is already used by oradb01."
    assert WizardForm(name="x", weight="256").operation(frame) == \
        "Uncapped weight: '256' is above 255."
    op = WizardForm(name="x", lpar_id="30", pool="DevTestPool", max_units="1.5").operation(frame)
    assert not isinstance(op, str)
    assert (op.lpar_id, op.profile.shared_proc_pool_id, op.profile.max_proc_units) == (
        30, 1, 1.5)
    assert op.vios_servers


def test_maximum_virtual_adapters_leaves_room_for_the_slots() -> None:
    frame = demo_frame()
    form = WizardForm(name="x", max_slots="3")
    form.add_adapter(frame, "eth", vlan="1")
    form.add_adapter(frame, "eth", vlan="2")
    assert form.check_adapters() == (
        "Maximum virtual adapters: 3 leaves no room for slot 3; enter at least 4.")
    form.max_slots = "4.5"
    assert form.check_adapters() == "Maximum virtual adapters: 4.5 is not a whole number."
    form.max_slots = "40"
    op = form.operation(frame)
    assert not isinstance(op, str) and op.profile.max_virtual_slots == 40
