"""Injected faults (engine/ops/faults.py): their effect on the frame, their serviceable
events, their repair. Figures: docs/powervm-rules.md section 13."""

from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engine import ops
from engine.durable import open_engine
from engine.errors import HmcError
from engine.lifecycle import Lifecycle
from engine.model import Frame
from engine.roles import Actor
from engine.service import Engine
from engine.store import demo_frame, demo_frame_text, frame_from_toml, frame_to_toml, save_frame

ADMIN = Actor()
OPERATOR = Actor(user="op", role="hmcoperator")
DEMO = demo_frame()


def run(engine: Engine, op: ops.Operation) -> ops.OpResult:  # type: ignore[name-defined]
    result = engine.execute(op, ADMIN)
    assert result.ok, result
    return result


def refused(engine: Engine, op: ops.Operation, actor: Actor = ADMIN) -> str:
    result = engine.execute(op, actor)
    assert not result.ok
    return result.code


def test_each_fault_opens_its_serviceable_event() -> None:
    e = Engine(demo_frame())
    run(e, ops.InjectFault(kind="port_down", location="vios1:fcs0"))
    run(e, ops.InjectFault(kind="port_down", location="vios2:ent0"))
    run(e, ops.InjectFault(kind="core"))
    run(e, ops.InjectFault(kind="dimm", size_gb=32))
    e.step(1)
    run(e, ops.InjectFault(kind="crash", location="test01"))
    run(e, ops.InjectFault(kind="power_loss"))
    f = e.snapshot().frame
    assert [(s.problem_num, s.refcode, s.text, s.fru, s.first_time, s.status, s.call_home)
            for s in f.svc_events] == [
        (1, "B7006A8A", "Fibre Channel port link down (fcs0 of vios1)",
         "U78DA.ND0.WZS0A21-P0-C1-T1", 0.0, "Open", "Pending"),
        (2, "B7006A8B", "Ethernet port link down (ent0 of vios2)",
         "U78DA.ND0.WZS0A21-P0-C8-T1", 0.0, "Open", "Pending"),
        (3, "B113E504", "Processor core deconfigured (core 0)", "core 0", 0.0, "Open",
         "Pending"),
        (4, "B124E504", "Memory DIMM deconfigured (dimm 0)", "dimm 0", 0.0, "Open", "Pending"),
        (5, "B2008105", "Partition test01 terminated abnormally (system dump)", "test01",
         1.0, "Open", "Not required"),
        (6, "11002630", "Loss of AC power to the system", "system", 1.0, "Open", "Pending"),
    ]
    assert [(x.kind, x.target, x.amount, x.problem_num) for x in f.faults] == [
        ("port_down", "U78DA.ND0.WZS0A21-P0-C1-T1", 0, 1),
        ("port_down", "U78DA.ND0.WZS0A21-P0-C8-T1", 0, 2),
        ("core", "core 0", 1, 3), ("dimm", "dimm 0", 32768, 4), ("power_loss", "system", 0, 6)]
    e.step(4)
    run(e, ops.ClearFault(kind="core"))
    closed = e.snapshot().frame.svc_events[2]
    assert (closed.status, closed.first_time, closed.last_time) == ("Closed", 0.0, 5.0)
    # closed before its call home was made: not made
    assert closed.call_home == "Not required"


def test_core_deconfigured_shrinks_configurable_procs_running_partitions_keep_running() -> None:
    e = Engine(demo_frame())
    before = e.snapshot().frame
    assert (before.system.configurable_procs, before.avail_proc_units()) == (40, 20.5)
    run(e, ops.InjectFault(kind="core"))
    run(e, ops.InjectFault(kind="core"))
    f = e.snapshot().frame
    assert (f.system.configurable_procs, f.avail_proc_units()) == (38, 18.5)
    assert [p.state for p in f.partitions] == [p.state for p in before.partitions]
    assert [p.current for p in f.partitions] == [p.current for p in before.partitions]
    assert [x.target for x in f.faults] == ["core 0", "core 1"]
    run(e, ops.ClearFault(kind="core", location="core 0"))
    assert e.snapshot().frame.system.configurable_procs == 39


def test_shrunk_system_keeps_running_partitions_but_refuses_their_minimums() -> None:
    """Deconfigure more than is free: nothing stops; activation checks the shrunk figures."""
    e = Engine(demo_frame())
    for _ in range(21):
        run(e, ops.InjectFault(kind="core"))
    f = e.snapshot().frame
    assert (f.system.configurable_procs, f.avail_proc_units()) == (19, -0.5)
    assert f.partition("oradb01").state == "Running"  # type: ignore[union-attr]
    assert refused(e, ops.ActivatePartition(lpar="dev02")) == "HSCL0B03"
    assert refused(e, ops.ChangeProcessors(lpar="was01", action="add",
                                           proc_units=0.1)) == "HSCL0B04"


def test_dimm_deconfigured_shrinks_configurable_memory() -> None:
    e = Engine(demo_frame())
    mem, avail = DEMO.system.configurable_mem, DEMO.avail_mem()
    run(e, ops.InjectFault(kind="dimm"))  # 64 GB by default
    f = e.snapshot().frame
    assert (f.system.configurable_mem, f.avail_mem()) == (mem - 65536, avail - 65536)
    assert refused(e, ops.InjectFault(kind="dimm", location="dimm 0")) == "HSCL1102"
    assert refused(e, ops.InjectFault(kind="dimm", size_gb=2000)) == "HSCL1104"


def test_refusals() -> None:
    e = Engine(demo_frame())
    assert refused(e, ops.InjectFault(kind="port_down", location="vios1:fcs9")) == "HSCL1101"
    assert refused(e, ops.InjectFault(kind="core", location="core 48")) == "HSCL1100"
    assert refused(e, ops.InjectFault(kind="core", location="cpu 1")) == "HSCL1100"
    assert refused(e, ops.ClearFault(kind="core")) == "HSCL1103"
    assert refused(e, ops.InjectFault(kind="crash", location="sandbox01")) == "HSCL1558"
    assert refused(e, ops.InjectFault(kind="crash", location="nope")) == "HSCL8012"
    assert refused(e, ops.InjectFault(kind="core"), OPERATOR) == "HSCL350B"
    run(e, ops.InjectFault(kind="port_down", location="vios1:fcs0"))
    assert refused(e, ops.InjectFault(kind="port_down",
                                      location="U78DA.ND0.WZS0A21-P0-C1-T1")) == "HSCL1102"


def test_partition_crash_dumps_then_restarts() -> None:
    e = Engine(demo_frame())
    run(e, ops.InjectFault(kind="crash", location="was01"))
    was = e.snapshot().frame.partition("was01")
    assert was is not None and (was.state, was.refcode, was.rmc_state) == (
        "Running", "00C9", "inactive")
    e.step(10)
    was = e.snapshot().frame.partition("was01")
    assert was is not None and was.refcode == "00C0"
    e.step(5)  # the OS reboots: down, then activated again with its profile
    was = e.snapshot().frame.partition("was01")
    assert was is not None and (was.state, was.refcode) == ("Starting", "C2001150")
    e.step(63)
    was = e.snapshot().frame.partition("was01")
    assert was is not None and (was.state, was.refcode, was.rmc_state) == (
        "Running", "", "active")


def test_partition_crash_without_restart_ends_in_error() -> None:
    e = Engine(demo_frame())
    run(e, ops.InjectFault(kind="crash", location="test01", restart=False))
    e.step(1)
    t = e.snapshot().frame.partition("test01")
    assert t is not None and (t.state, t.refcode) == ("Error", "B200A101")  # Linux


def test_power_loss_stops_everything_until_power_returns() -> None:
    f = demo_frame()
    was = f.partition("was01")
    assert was is not None
    prof = was.profiles[0].model_copy(update={"auto_start": True})
    f = f.with_partition(was.model_copy(update={"profiles": (prof,)}))
    e = Engine(f)
    run(e, ops.InjectFault(kind="power_loss"))
    f = e.snapshot().frame
    assert f.system.state == "Power Off"
    assert {p.state for p in f.partitions} == {"Not Activated"}
    assert refused(e, ops.PowerOnSystem()) == "HSCL1105"
    run(e, ops.ClearFault(kind="power_loss"))
    assert e.snapshot().frame.system.state == "Power Off"  # power is back, the system is off
    run(e, ops.PowerOnSystem())
    e.step(61)
    f = e.snapshot().frame
    assert f.system.state == "Operating"
    assert [p.name for p in f.partitions if p.state == "Starting"] == ["was01"]


PORTS = [port.location for a in DEMO.io.adapters for port in a.ports]
FAULT = st.one_of(
    st.builds(lambda loc: ops.InjectFault(kind="port_down", location=loc),
              st.sampled_from(PORTS)),
    st.just(ops.InjectFault(kind="core")),
    st.builds(lambda gb: ops.InjectFault(kind="dimm", size_gb=gb), st.sampled_from([16, 64])),
    st.builds(lambda name: ops.InjectFault(kind="runaway", location=name),
              st.sampled_from(["was01", "hana01", "vios2"])),
    st.builds(lambda name, rate: ops.InjectFault(kind="memleak", location=name, rate=rate),
              st.sampled_from(["was01", "dev01"]), st.sampled_from([None, 64, 4096])),
    st.builds(lambda name: ops.InjectFault(kind="noisy", location=name),
              st.sampled_from(["was01", "test01"])),
    st.just(ops.InjectFault(kind="callhome_down")),
)


def without_events(frame: Frame) -> Frame:
    return frame.model_copy(update={"svc_events": ()})


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(FAULT, min_size=1, max_size=6), st.randoms(use_true_random=False))
def test_faults_injected_and_cleared_leave_the_frame_as_before(
        faults: list[ops.InjectFault], rnd: object) -> None:
    frame, lifecycle = DEMO, Lifecycle()
    injected = []
    for op in faults:
        try:
            ctx = ops.execute(frame, lifecycle, 0.0, op, ADMIN)
        except HmcError as err:
            assert err.code == "HSCL1102"  # the same port (or workload fault) twice
            continue
        frame, lifecycle = ctx.frame, ctx.lifecycle
        injected.append(frame.faults[-1])
    rnd.shuffle(injected)  # type: ignore[attr-defined]
    for fault in injected:
        ctx = ops.execute(frame, lifecycle, 0.0,
                          ops.ClearFault(kind=fault.kind, location=fault.target), ADMIN)
        frame, lifecycle = ctx.frame, ctx.lifecycle
    assert without_events(frame) == without_events(DEMO)
    hardware = sum(1 for fault in injected if fault.kind not in (  # these open none
        "runaway", "memleak", "noisy", "callhome_down"))
    assert [e.status for e in frame.svc_events] == ["Closed"] * hardware
    assert lifecycle.next_due() is None


def test_faults_survive_the_frame_file_and_a_crash(tmp_path: Path) -> None:
    """Faults, events and outages are frame data: saved in the file, replayed from the log."""
    path = tmp_path / "frame.toml"
    path.write_text(demo_frame_text())
    engine, _ = open_engine(path)
    run(engine, ops.InjectFault(kind="port_down", location="vios1:ent0"))
    run(engine, ops.InjectFault(kind="port_down", location="vios2:ent0"))
    run(engine, ops.InjectFault(kind="core"))
    engine.step(31)
    told = engine.state().frame
    assert [o.kind for o in told.outages] == ["rmc"] * 7
    assert engine.oplog is not None
    engine.oplog.close()  # a crash: nothing saved but the operation log
    again, recovery = open_engine(path)
    assert (recovery.replayed, recovery.refused) == (3, [])
    again.step(31)
    assert again.state().frame == told
    save_frame(told, path)
    assert frame_from_toml(frame_to_toml(told), "x") == told
    assert again.oplog is not None
    again.oplog.close()


def test_runaway_process_pins_the_partition_at_its_virtual_processors() -> None:
    e = Engine(demo_frame(), seed=0)
    e.step(300)
    assert e.snapshot().physc[4] == 1.1064  # was01: 1.50 PU, 4 VPs, uncapped
    run(e, ops.InjectFault(kind="runaway", location="was01"))
    e.step(300)
    assert e.snapshot().physc[4] == 4.0
    series = e.utilisation("lpar", 4, "short")
    assert series.rate("capped_cycles", "uncapped_cycles")[-3:] == [4.0, 4.0, 4.0]
    assert e.snapshot().frame.svc_events == ()  # a workload fault: no serviceable event
    assert refused(e, ops.InjectFault(kind="runaway", location="was01")) == "HSCL1102"
    run(e, ops.ClearFault(kind="runaway", location="was01"))
    e.step(300)
    assert e.snapshot().physc[4] == 1.3162


VIOS_STATES = st.sampled_from(["Running", "Not Activated", "Shutting Down"])


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(VIOS_STATES, VIOS_STATES, st.sets(st.sampled_from(PORTS), max_size=4))
def test_reconcile_is_idempotent(vios1: str, vios2: str, down: set[str]) -> None:
    """Applying the derived effects twice changes nothing more (the engine may call it any
    number of times at one moment)."""
    from engine.model import Fault
    from engine.redundancy import reconcile

    f = DEMO
    for name, state in (("vios1", vios1), ("vios2", vios2)):
        p = f.partition(name)
        assert p is not None
        f = f.with_partition(p.model_copy(update={"state": state}))
    f = f.model_copy(update={"faults": tuple(Fault(kind="port_down", target=loc)
                                             for loc in sorted(down))})
    lifecycle = Lifecycle()
    once = reconcile(f, lifecycle, 7.0)
    schedule = lifecycle.to_data()
    assert reconcile(once, lifecycle, 7.0) == once
    assert lifecycle.to_data() == schedule


def test_second_injection_of_the_same_fault_names_it() -> None:
    e = Engine(demo_frame())
    run(e, ops.InjectFault(kind="core", location="core 3"))
    result = e.execute(ops.InjectFault(kind="core", location="core 3"), ADMIN)
    assert (result.code, result.message) == (
        "HSCL1102", "The fault core 3 is already present in managed system "
        "Server-9080-HEX-SN78H4A21.")


def test_a_crash_caught_mid_dump_settles_in_error() -> None:
    """A frame saved without its schedule (cmd --clock stopped) finishes the dump."""
    from engine.lifecycle import settle

    e = Engine(demo_frame())
    run(e, ops.InjectFault(kind="crash", location="was01"))
    was = settle(e.snapshot().frame).partition("was01")
    assert was is not None and (was.state, was.refcode, was.rmc_state) == (
        "Error", "00C0", "inactive")
