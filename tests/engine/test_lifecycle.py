"""Partition and system state machines on the engine clock, with their reference codes."""

from __future__ import annotations

import pytest

from engine import ops
from engine.lifecycle import settle
from engine.roles import Actor
from engine.service import Engine
from engine.store import demo_frame

ADMIN = Actor()


@pytest.fixture
def engine() -> Engine:
    return Engine(demo_frame(), seed=7)


def run(engine: Engine, op: ops.Operation) -> None:
    result = engine.execute(op, ADMIN)
    assert result.ok, f"{result.code} {result.message}"


def state_at(engine: Engine, name: str) -> tuple[str, str, str]:
    p = engine.snapshot().frame.partition(name)
    assert p is not None
    return p.state, p.refcode, p.rmc_state


def trace(engine: Engine, name: str, seconds: float, step: float = 1.0) -> list[tuple]:
    """(engine seconds since start, state, refcode, rmc) each time something changed."""
    start = engine.time
    seen: list[tuple] = [(0.0, *state_at(engine, name))]
    while engine.time - start < seconds - 1e-9:
        engine.step(step)
        now = state_at(engine, name)
        if now != seen[-1][1:]:
            seen.append((round(engine.time - start, 2), *now))
    return seen


def test_aix_activation_walks_the_reference_codes(engine: Engine) -> None:
    run(engine, ops.ActivatePartition(lpar="dev02"))
    assert trace(engine, "dev02", 70) == [
        (0.0, "Starting", "C2001150", "inactive"),
        (2.0, "Starting", "C2002100", "inactive"),
        (3.0, "Starting", "CA000000", "inactive"),
        (4.0, "Starting", "CA000020", "inactive"),
        (5.0, "Starting", "CA000040", "inactive"),
        (6.0, "Starting", "CA000080", "inactive"),
        (7.0, "Running", "CA00E1F1", "inactive"),  # Running while firmware seeks a boot device
        (9.0, "Running", "CA00E1F5", "inactive"),
        (10.0, "Running", "CA00E1F6", "inactive"),
        (12.0, "Running", "CA00E105", "inactive"),
        (14.0, "Running", "0538", "inactive"),
        (18.0, "Running", "0539", "inactive"),
        (24.0, "Running", "0551", "inactive"),
        (28.0, "Running", "0553", "inactive"),
        (33.0, "Running", "0581", "inactive"),
        (38.0, "Running", "", "inactive"),
        (63.0, "Running", "", "active"),  # RMC comes up after the OS
    ]


def test_steps_land_on_their_exact_engine_time(engine: Engine) -> None:
    run(engine, ops.ActivatePartition(lpar="dev02"))
    engine.step(1.49)
    assert state_at(engine, "dev02")[1] == "C2001150"
    engine.step(0.01)
    assert state_at(engine, "dev02")[1] == "C2002100"


@pytest.mark.parametrize(("mode", "code"), [("sms", "CA00E1DC"), ("of", "CA00E1DC")])
def test_sms_and_ok_prompt_stop_in_open_firmware(engine: Engine, mode: str, code: str) -> None:
    run(engine, ops.ActivatePartition(lpar="dev02", boot_mode=mode))
    engine.step(8)
    assert state_at(engine, "dev02") == ("Open Firmware", code, "inactive")
    engine.step(120)
    assert state_at(engine, "dev02")[0] == "Open Firmware"


def test_no_boot_device_ends_in_error_with_a_reference_code(engine: Engine) -> None:
    run(engine, ops.ActivatePartition(lpar="sandbox01"))
    engine.step(15.99)
    assert state_at(engine, "sandbox01")[0] == "Running"
    engine.step(0.01)
    assert state_at(engine, "sandbox01") == ("Error", "AA06000B", "inactive")
    # An Error partition still holds its resources and can be shut down.
    run(engine, ops.ShutdownPartition(lpar="sandbox01", option="immediate"))
    engine.step(2)
    assert state_at(engine, "sandbox01")[0] == "Not Activated"


def test_ibm_i_ipl_codes(engine: Engine) -> None:
    run(engine, ops.ShutdownPartition(lpar="ibmi01", option="immediate"))
    engine.step(2)
    run(engine, ops.ActivatePartition(lpar="ibmi01", keylock="manual", ipl_source="b"))
    codes = [refcode for _, _, refcode, _ in trace(engine, "ibmi01", 55)]
    assert codes[:4] == ["C2001150", "C2002100", "C2004300", "C6004001"]
    assert "C9002F00" in codes and codes[-1] == ""
    assert engine.snapshot().frame.partition("ibmi01").keylock == "manual"


def test_linux_and_vios_boot_and_rmc_times(engine: Engine) -> None:
    for name in ("test01", "vios2"):
        run(engine, ops.ShutdownPartition(lpar=name, option="immediate"))
    engine.step(2)
    run(engine, ops.ActivatePartition(lpar="test01"))
    run(engine, ops.ActivatePartition(lpar="vios2"))
    linux = trace(engine, "test01", 90)
    assert linux[-2:] == [(20.0, "Running", "", "inactive"), (60.0, "Running", "", "active")]


@pytest.mark.parametrize(("option", "seconds"), [
    ("delayed", 8.0), ("immediate", 2.0), ("os", 30.0), ("os_immediate", 10.0),
])
def test_shutdown_options_take_their_time_and_release_resources(
    engine: Engine, option: str, seconds: float
) -> None:
    before = engine.snapshot().frame.avail_proc_units()
    run(engine, ops.ShutdownPartition(lpar="was01", option=option))
    assert state_at(engine, "was01") == ("Shutting Down", "", "inactive")
    engine.step(seconds - 0.01)
    assert state_at(engine, "was01")[0] == "Shutting Down"
    engine.step(0.01)
    frame = engine.snapshot().frame
    assert state_at(engine, "was01") == ("Not Activated", "00000000", "inactive")
    assert frame.partition("was01").current is None
    assert frame.avail_proc_units() == pytest.approx(before + 1.5)


def test_restart_activates_again_with_the_same_profile(engine: Engine) -> None:
    run(engine, ops.ShutdownPartition(lpar="oradb01", option="immediate", restart=True))
    engine.step(2)
    p = engine.snapshot().frame.partition("oradb01")
    assert (p.state, p.refcode, p.curr_profile) == ("Starting", "C2001150", "default_profile")
    engine.step(70)
    assert state_at(engine, "oradb01") == ("Running", "", "active")


@pytest.mark.parametrize("op", [
    ops.ShutdownPartition(lpar="dev02"),
    ops.ActivatePartition(lpar="dev02"),
    ops.ChangeProcessors(lpar="dev02", action="add", proc_units=0.1),
])
def test_a_partition_in_transition_refuses_conflicting_operations(
    engine: Engine, op: ops.Operation
) -> None:
    run(engine, ops.ActivatePartition(lpar="dev02"))
    result = engine.execute(op, ADMIN)
    assert (result.ok, result.code) == (False, "HSCL0B02")


def test_activation_while_shutting_down_is_refused(engine: Engine) -> None:
    run(engine, ops.ShutdownPartition(lpar="was01"))
    result = engine.execute(ops.ActivatePartition(lpar="was01"), ADMIN)
    assert result.code == "HSCL0B02"


def test_an_immediate_shutdown_overtakes_a_slower_one_and_nothing_else_does(
        engine: Engine) -> None:
    run(engine, ops.ShutdownPartition(lpar="was01", option="os"))  # 30 s
    engine.step(5)
    for slower in ("delayed", "os", "os_immediate"):
        result = engine.execute(ops.ShutdownPartition(lpar="was01", option=slower), ADMIN)
        assert (result.ok, result.code) == (False, "HSCL0B02"), slower
    run(engine, ops.ShutdownPartition(lpar="was01", option="immediate"))  # 2 s from now
    engine.step(1.99)
    assert state_at(engine, "was01")[0] == "Shutting Down"
    engine.step(0.01)
    assert state_at(engine, "was01") == ("Not Activated", "00000000", "inactive")


def test_system_power_off_is_refused_while_partitions_run(engine: Engine) -> None:
    before = engine.snapshot().frame
    active = [p.name for p in before.partitions if p.active]
    result = engine.execute(ops.PowerOffSystem(immediate=True), ADMIN)
    assert (result.ok, result.code) == (False, "HSCL1220")
    assert f"{len(active)} partition(s) are active ({', '.join(active)})" in result.message
    assert engine.snapshot().frame.system.state == "Operating"
    # once every partition is down the same request goes through without --force
    for name in active:
        run(engine, ops.ShutdownPartition(lpar=name, option="immediate"))
    engine.step(30)
    run(engine, ops.PowerOffSystem())
    assert engine.snapshot().frame.system.state == "Power Off In Progress"


def test_system_power_off_and_on(engine: Engine) -> None:
    run(engine, ops.PowerOffSystem(force=True))
    frame = engine.snapshot().frame
    assert frame.system.state == "Power Off In Progress"
    assert all(p.state in ("Shutting Down", "Not Activated") for p in frame.partitions)
    engine.step(20)
    frame = engine.snapshot().frame
    assert frame.system.state == "Power Off"
    assert {p.state for p in frame.partitions} == {"Not Activated"}
    refused = engine.execute(ops.ActivatePartition(lpar="vios1"), ADMIN)
    assert refused.code == "HSCL0B01"
    run(engine, ops.PowerOnSystem())
    assert engine.snapshot().frame.system.state == "Initializing"
    engine.step(60)
    assert engine.snapshot().frame.system.state == "Operating"
    again = engine.execute(ops.PowerOnSystem(), ADMIN)
    assert again.code == "HSCL0B07"


def test_power_on_auto_starts_partitions_but_standby_does_not(engine: Engine) -> None:
    run(engine, ops.ChangeProfile(lpar="dev02", profile="default_profile",
                                  changes={"auto_start": True}))
    run(engine, ops.PowerOffSystem(immediate=True, force=True))
    engine.step(5)
    run(engine, ops.PowerOnSystem(standby=True))
    engine.step(60)
    assert engine.snapshot().frame.system.state == "Standby"
    assert state_at(engine, "dev02")[0] == "Not Activated"
    run(engine, ops.PowerOffSystem(immediate=True, force=True))
    engine.step(5)
    run(engine, ops.PowerOnSystem())
    engine.step(60)
    assert state_at(engine, "dev02")[0] == "Starting"


def test_settle_finishes_transitions_a_saved_frame_was_caught_in() -> None:
    engine = Engine(demo_frame())
    run(engine, ops.ActivatePartition(lpar="dev02"))
    run(engine, ops.ShutdownPartition(lpar="was01"))
    settled = settle(engine.snapshot().frame)
    assert settled.partition("dev02").state == "Running"
    assert settled.partition("was01").state == "Not Activated"
    assert settled.partition("was01").current is None
