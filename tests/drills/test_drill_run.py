"""DrillRun on an engine in lockstep: faults on time and on triggers, each check kind
passing and failing, hints and their costs, the report."""

from __future__ import annotations

import json

import pytest

from engine.ops import ActivatePartition, ShutdownPartition
from hmc_tui.console import LocalConsole
from hmc_tui.drills import DrillRun, load_scenario, prepare_engine
from hmc_tui.drills.load import Scenario, parse_scenario
from tests.drills.conftest import EXAMPLES, HEADER, SYSTEM


def scenario(body: str, header: str = HEADER) -> Scenario:
    return parse_scenario(header + body, "d.toml")


def start(body: str, header: str = HEADER) -> tuple[DrillRun, LocalConsole]:
    s = scenario(body, header)
    console = LocalConsole(prepare_engine(s))
    return DrillRun(s, console), console


def run_for(run: DrillRun, console: LocalConsole, seconds: int) -> list[str]:
    """Step the engine a second at a time, ticking the drill as the headless grader does."""
    messages = []
    for _ in range(seconds):
        console.step(1.0)
        messages += run.tick(console.snapshot())
    return messages


def states(run: DrillRun) -> list[str]:
    return [c.state for c in run.status().checks]


def test_fault_at_its_time_as_actor_drill_and_a_paths_check() -> None:
    run, console = start("""
[[fault]]
name = "fc port"
kind = "port_down"
location = "vios1:fcs0"
at = 10
clear_after = 20
[[check]]
title = "paths"
paths = "oradb01"
mode = "ever"
after = "fc port"
[[check]]
title = "failed path seen"
command = "lshwfault -m Server-9080-HEX-SN78H4A21 -r path -p oradb01"
match = 'hdisk1,status=Failed,parent=fscsi0'
mode = "ever"
""")
    assert run.tick(console.snapshot()) == []
    messages = run_for(run, console, 10)
    assert messages[0] == "Fault: fc port (port_down vios1:fcs0)"
    status = run.status()
    assert status.checks[1].state == "passed" and status.checks[1].time == 10.0
    # Paths check starts counting at the fault: hdisk1 via vios1 is Failed now.
    assert status.checks[0].state == "pending"
    assert status.checks[0].message == "paths not Enabled: oradb01 hdisk1 via vios1 Failed"
    event = next(e for e in console.snapshot().events if e.op == "inject_fault")
    assert (event.user, event.command) == (
        "drill", f"chhwfault -m {SYSTEM} -o inject -t port_down -l vios1:fcs0")
    messages = run_for(run, console, 20)
    assert "Repaired: fc port (port_down)" in messages
    assert messages[-1] == "Drill finished (every check passed): score 20 of 20, passed"
    report = run.report()
    assert report.checks[0].time == 30.0
    assert report.checks[0].message == "4 paths Enabled on 1 client(s)"
    assert report.faults[0].time == 10.0 and report.faults[0].cleared == 30.0


def test_trigger_when_a_partition_reaches_a_state() -> None:
    run, console = start("""
[[fault]]
kind = "crash"
location = "oradb01"
restart = false
when = "vios1 state Not Activated"
[[check]]
crashed = "oradb01"
mode = "never"
points = 30
[[check]]
partition = "vios1"
state = "Not Activated"
mode = "ever"
""")
    run.tick(console.snapshot())
    assert run_for(run, console, 5) == []
    console.execute(ShutdownPartition(lpar="vios1", option="immediate"))
    messages = run_for(run, console, 40)
    assert messages[0] == "Fault: fault 1 (crash oradb01)"
    assert messages[1].startswith("Check FAILED: oradb01 crashed or lost its boot disk "
                                  "(30 points) at ")
    assert "crashed or lost its boot disk: oradb01 (Running, 00C9)" in messages[1]
    assert states(run) == ["failed", "passed"]
    report = run.finish("gave up")
    assert (report.passed, report.score, report.max_score) == (False, 10, 40)
    assert report.reason == "gave up"


def test_sea_role_and_system_state_checks() -> None:
    run, console = start("""
[[fault]]
name = "eth"
kind = "port_down"
location = "vios1:ent0"
at = 5
[[fault]]
name = "power"
kind = "power_loss"
at = 20
[[check]]
sea = "vios2"
role = "PRIMARY"
mode = "ever"
[[check]]
sea = "vios1/ent8"
role = "PRIMARY"
[[check]]
system = "Power Off"
mode = "ever"
after = "power"
""")
    run.tick(console.snapshot())
    run_for(run, console, 25)
    checks = run.status().checks
    assert checks[0].state == "passed" and checks[0].message == "vios2/ent8 PRIMARY"
    assert checks[0].time == 10.0  # the port died at 5 s; the SEA failover takes 5 s
    assert checks[2].state == "passed" and checks[2].message == "the system is Power Off"
    report = run.finish("done")
    assert report.checks[1].state == "failed"
    assert report.checks[1].message == "vios1/ent8 UNAVAILABLE"
    assert report.score == 20


def test_within_deadline_and_time_limit() -> None:
    run, console = start("""
[[check]]
partition = "sandbox01"
state = "Running"
mode = "ever"
within = 10
[[check]]
partition = "oradb01"
state = "Running"
""", HEADER + "time_limit = 30\n")
    run.tick(console.snapshot())
    messages = run_for(run, console, 11)
    assert messages == ["Check FAILED: sandbox01: state Running (10 points) at 11 s: not within "
                        "10 s; last seen: sandbox01 is Not Activated (no current resources)"]
    messages = run_for(run, console, 30)
    assert messages[-1] == "Drill finished (time limit reached): score 10 of 20, failed"
    assert run.status().finished and run.status().elapsed == 30.0
    assert run_for(run, console, 5) == []  # finished: nothing more happens


def test_fault_never_injected_fails_its_checks_and_refusals_are_reported() -> None:
    run, console = start("""
[[fault]]
name = "late"
kind = "core"
at = 1000
[[fault]]
name = "refused"
kind = "crash"
location = "sandbox01"
at = 1
[[check]]
paths = "*"
after = "late"
""")
    run.tick(console.snapshot())
    messages = run_for(run, console, 2)
    assert messages == ["Fault refused was refused: HSCL1558 The partition sandbox01 is not "
                        "activated. The operation cannot be performed."]
    report = run.finish("stopped")
    assert report.checks[0].state == "failed"
    assert report.checks[0].message == "its fault 'late' never came"
    assert report.faults[0].time is None
    assert report.faults[1].ok is False
    assert report.faults[1].message.startswith("HSCL1558 The partition sandbox01")


def test_hints_cost_points_unless_revealed_by_time() -> None:
    run, console = start("""
[[hint]]
text = "first"
cost = 4
[[hint]]
text = "second"
cost = 30
after = 10
[[hint]]
text = "third"
cost = 1
[[check]]
partition = "oradb01"
state = "Running"
points = 20
[[check]]
partition = "vios1"
state = "Not Activated"
mode = "ever"
points = 5
""")
    run.tick(console.snapshot())
    hint = run.reveal_hint()
    assert hint is not None and (hint.text, hint.cost) == ("first", 4)
    assert run_for(run, console, 10) == ["Hint: second"]  # free: its time came
    status = run.status()
    assert status.hints_left == 1
    assert [(h.text, h.cost, h.how) for h in status.hints_revealed] == [
        ("first", 4, "asked"), ("second", 0, "time")]
    hint = run.reveal_hint()
    assert hint is not None and hint.text == "third"
    assert run.reveal_hint() is None
    report = run.finish("done")
    assert (report.score, report.max_score, report.passed) == (15, 25, False)
    assert [(e.time, e.text) for e in report.timeline] == [
        (0.0, "Hint (-4 points): first"), (10.0, "Hint: second"),
        (10.0, "Hint (-1 points): third"),
        (10.0, "Check passed: oradb01: state Running (20 points) at 10 s: oradb01 is Running, "
         "4.00 PU, 8 procs, 262144 MB"),
        (10.0, "Check FAILED: vios1: state Not Activated (5 points) at 10 s: never held; last "
         "seen: vios1 is Running, 1.00 PU, 2 procs, 16384 MB"),
        (10.0, "Drill finished (done): score 15 of 25, failed")]


def test_score_never_below_zero_and_pass_score() -> None:
    run, _ = start("""
[[hint]]
text = "costly"
cost = 50
[[check]]
partition = "oradb01"
state = "Running"
points = 10
[[check]]
partition = "oradb01"
state = "Error"
points = 5
""", HEADER + "pass_score = 10\n")
    run.reveal_hint()
    report = run.finish("done")
    assert (report.score, report.passed) == (0, False)
    run, _ = start("""
[[check]]
partition = "oradb01"
state = "Running"
points = 10
[[check]]
partition = "oradb01"
state = "Error"
points = 5
""", HEADER + "pass_score = 10\n")
    report = run.finish("done")
    assert (report.score, report.passed) == (10, True)  # one check failed, the score holds


def test_setup_runs_before_the_clock_starts() -> None:
    s = scenario("""
[setup]
commands = ["chsysstate -m Server-9080-HEX-SN78H4A21 -r lpar -o on -n sandbox01 -f default_profile"]
run = 30
[[check]]
partition = "sandbox01"
state = "Error"
refcode = "AA06000B"
""")
    console = LocalConsole(prepare_engine(s))
    run = DrillRun(s, console)
    assert run.started_at == 30.0
    assert run.tick(console.snapshot())[-1] == \
        "Drill finished (every check passed): score 10 of 10, passed"


def test_setup_command_refused_names_its_line() -> None:
    s = scenario('[setup]\ncommands = [\n  "lssyscfg -r sys",\n'
                 '  "chsysstate -m nosys -r lpar -o on -n x -f y",\n]\n'
                 '[[check]]\npaths = "*"\n')
    with pytest.raises(Exception) as caught:
        prepare_engine(s)
    assert str(caught.value) == (
        "d.toml:5: setup.commands[1]: 'chsysstate -m nosys -r lpar -o on -n x -f y' failed: "
        "HSCL8014 The managed system nosys was not found.")


def test_report_json_schema() -> None:
    s = load_scenario(EXAMPLES / "vios-maintenance" / "drill.toml")
    console = LocalConsole(prepare_engine(s))
    run = DrillRun(s, console)
    run.tick(console.snapshot())
    console.execute(ShutdownPartition(lpar="vios1", option="os"))
    run_for(run, console, 60)
    console.execute(ActivatePartition(lpar="vios1"))
    run_for(run, console, 200)
    data = json.loads(run.finish("done").model_dump_json())
    assert set(data) == {"scenario", "title", "frame", "seed", "passed", "score", "max_score",
                         "pass_score", "reason", "engine_time", "started_at", "checks",
                         "hints", "faults", "timeline", "macro", "macro_failure",
                         "wall_seconds"}
    assert set(data["checks"][0]) == {"number", "title", "kind", "mode", "points", "state",
                                      "holds_now", "time", "message"}
    assert data["passed"] is True and data["score"] == 100
    assert data["reason"] == "every check passed"
    assert [c["kind"] for c in data["checks"]] == ["partition", "partition", "paths", "sea",
                                                  "command", "crashed"]


@pytest.mark.parametrize(("condition", "ok", "seen"), [
    ('partition = "oradb01"\nstate = "Running"\nrmc = "active"', True,
     "oradb01 is Running, 4.00 PU, 8 procs, 262144 MB, RMC active"),
    ('partition = "sandbox01"\nrefcode = "AA06000B"', False,
     "sandbox01 is Not Activated (no current resources), refcode none"),
    ('paths = "*"', True, "16 paths Enabled on 7 client(s)"),
    ('paths = "sandbox01"', False, "sandbox01 is Not Activated"),
    ('sea = "vios1/ent8"\nrole = "PRIMARY"', True, "vios1/ent8 PRIMARY"),
    ('sea = "vios2"\nrole = "PRIMARY"', False, "vios2/ent8 BACKUP"),
    ('crashed = "*"', False, "no partition crashed"),
    ('system = "Operating"', True, "the system is Operating"),
    ('system = "Standby"', False, "the system is Operating"),
    ('command = "lssyscfg -r lpar -m Server-9080-HEX-SN78H4A21 -F name '
     '--filter lpar_names=vios1"\nmatch = "^vios1$"', True, "output matched: vios1"),
    ('command = "lssyscfg -r lpar -m nosys"\nmatch = "vios1"', False,
     "output did not match: HSCL8014 The managed system nosys was not found."),
])
def test_each_check_kind_on_the_demo_frame(condition: str, ok: bool, seen: str) -> None:
    run, _ = start(f"[[check]]\n{condition}\n")
    report = run.finish("done")
    assert (report.checks[0].state, report.checks[0].message) == (
        "passed" if ok else "failed", seen)
    assert report.passed is ok


def test_trigger_on_a_sea_role() -> None:
    run, console = start("""
[[fault]]
kind = "core"
when = { sea = "vios2", role = "PRIMARY" }
[[check]]
crashed = "*"
mode = "never"
""")
    run.tick(console.snapshot())
    console.execute(ShutdownPartition(lpar="vios1", option="immediate"))
    messages = run_for(run, console, 30)
    report = run.finish("done")
    assert messages[0] == "Fault: fault 1 (core)"
    assert report.faults[0].ok and report.faults[0].time is not None
    assert console.snapshot().frame.system.configurable_procs == 39  # one core deconfigured
