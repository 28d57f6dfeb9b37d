"""Scenario files: every bad input is one line, FILE:LINE: field: what is wrong; random TOML
never raises anything but ScenarioFileError."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hmc_tui.drills.format import CrashedCheckEntry, PartitionCond, PathsCheckEntry
from hmc_tui.drills.load import ScenarioFileError, load_scenario, parse_scenario
from tests.drills.conftest import EXAMPLES, HEADER

Write = Callable[..., Path]


def error_of(text: str) -> str:
    with pytest.raises(ScenarioFileError) as caught:
        parse_scenario(text, "d.toml")
    message = str(caught.value)
    assert "\n" not in message
    return message


@pytest.mark.parametrize(("body", "message"), [
    ('[[check]]\npartition = "vios1"\nstate = "Runing"\n',
     "d.toml:6: check[0].state: Input should be 'Not Activated', 'Starting', 'Running', "
     "'Open Firmware', 'Shutting Down', 'Error', 'Not Available', 'Migrating - Running' or "
     "'Migrating - Not Activated' (got 'Runing')"),
    ('[[check]]\npartition = "vios9"\nstate = "Running"\n',
     "d.toml:5: check[0].partition: no partition named 'vios9' in the frame (dev01, dev02, "
     "hana01, ibmi01, nim01, oradb01, sandbox01, test01, vios1, vios2, was01)"),
    ('[[check]]\npartition = "vios1"\npaths = "*"\n',
     "d.toml:4: check[0]: name exactly one of partition, paths, sea, crashed, system, "
     "command (found partition and paths)"),
    ('[[check]]\ntitle = "x"\n',
     "d.toml:4: check[0]: name exactly one of partition, paths, sea, crashed, system, "
     "command (found none of them)"),
    ('[[check]]\npartition = "vios1"\n',
     "d.toml:4: check[0]: give at least one of state, refcode, rmc, proc_units, procs, "
     "memory"),
    ('[[check]]\npaths = "*"\nmode = "end"\nwithin = 5\n',
     'd.toml:4: check[0]: within applies to mode = "ever" (held once within that time)'),
    ('[[check]]\npaths = "*"\npoints = -1\n',
     "d.toml:6: check[0].points: Input should be greater than or equal to 0 (got -1)"),
    ('[[check]]\npaths = "*"\nafter = "boom"\n',
     "d.toml:6: check[0].after: no fault named 'boom' (faults: none)"),
    ('[[check]]\ncommand = "lssyscfg -r sys"\nmatch = "(("\n',
     "d.toml:6: check[0].match: not a regular expression: missing ), unterminated subpattern "
     "at position 1 (got '((')"),
    ('[[check]]\ncommand = "chsysstate -m Server-9080-HEX-SN78H4A21 -r lpar -o on -n dev02 '
     '-f default_profile"\nmatch = "x"\n',
     "d.toml:5: check[0].command: chsysstate would change the frame (activate); a check's "
     "command only reads (ls...)"),
    ('[[check]]\ncommand = "lssyscfg -r nope"\nmatch = "x"\n',
     "d.toml:5: check[0].command: The command entered is either missing a required parameter "
     "or a parameter value is invalid. The parameters that are missing or have an invalid "
     "value are -r. Please check your entry and retry the command."),
    ('[[check]]\ncommand = "nosuch x"\nmatch = "x"\n',
     "d.toml:5: check[0].command: rbash: nosuch: command not found"),
    ('[[check]]\nsea = "oradb01"\nrole = "PRIMARY"\n',
     "d.toml:5: check[0].sea: no VIOS named 'oradb01' in the frame (vios1, vios2)"),
    ('[[check]]\nsea = "vios1"\nrole = "MASTER"\n',
     "d.toml:6: check[0].role: Input should be 'PRIMARY', 'BACKUP', 'PRIMARY_SH', "
     "'BACKUP_SH', 'LIMBO' or 'UNAVAILABLE' (got 'MASTER')"),
    ('[[fault]]\nkind = "core"\n[[check]]\npaths = "*"\n',
     "d.toml:4: fault[0]: give exactly one of at (engine seconds) or when (a trigger)"),
    ('[[fault]]\nkind = "crash"\nlocation = "oradb01"\nat = 1\nclear_after = 5\n'
     '[[check]]\npaths = "*"\n',
     "d.toml:4: fault[0]: a crash is over when it happened: it has no clear_after"),
    ('[[fault]]\nkind = "melt"\nat = 1\n[[check]]\npaths = "*"\n',
     "d.toml:5: fault[0].kind: Input should be 'port_down', 'core', 'dimm', 'crash', "
     "'power_loss', 'runaway', 'memleak', 'noisy' or 'callhome_down' (got 'melt')"),
    ('[[fault]]\nkind = "crash"\nlocation = "oradb01"\nwhen = "vios1 stat Running"\n'
     '[[check]]\npaths = "*"\n',
     'd.toml:7: fault[0].when: a trigger is "PARTITION state STATE" or a condition table '
     'such as { partition = "vios1", state = "Not Activated" }'),
    ('[[fault]]\nkind = "crash"\nlocation = "oradb01"\n'
     'when = { partition = "vios1", state = "Gone" }\n[[check]]\npaths = "*"\n',
     "d.toml:7: fault[0].when.state: Input should be 'Not Activated', 'Starting', 'Running', "
     "'Open Firmware', 'Shutting Down', 'Error', 'Not Available', 'Migrating - Running' or "
     "'Migrating - Not Activated' (got 'Gone')"),
    ('[[fault]]\nkind = "crash"\nlocation = "nosuch"\nat = 5\n[[check]]\npaths = "*"\n',
     "d.toml:6: fault[0].location: no partition named 'nosuch' in the frame (dev01, dev02, "
     "hana01, ibmi01, nim01, oradb01, sandbox01, test01, vios1, vios2, was01)"),
    ('[[fault]]\nname = "a"\nkind = "core"\nat = 1\n[[fault]]\nname = "a"\nkind = "dimm"\n'
     'at = 2\n[[check]]\npaths = "*"\n',
     "d.toml:9: fault[1].name: a second fault named 'a'"),
    ('[[hint]]\ntext = "x"\ncost = "lots"\n[[check]]\npaths = "*"\n',
     "d.toml:6: hint[0].cost: Input should be a valid integer, unable to parse string as an "
     "integer (got 'lots')"),
    ('[setup]\nrun = -1\n[[check]]\npaths = "*"\n',
     "d.toml:5: setup.run: Input should be greater than or equal to 0 (got -1)"),
    ('[[check]]\npaths = "*"\n[extra]\n',
     "d.toml:6: extra: unknown table (a scenario has [drill], [setup], [[fault]], [[hint]] "
     "and [[check]])"),
])
def test_bad_scenario_is_one_line_with_its_place(body: str, message: str) -> None:
    assert error_of(HEADER + body) == message


def test_header_errors() -> None:
    assert error_of('[drill]\ntitle = "t"\ntme_limit = 5\n[[check]]\npaths = "*"\n') == \
        "d.toml:3: drill.tme_limit: unknown field"
    assert error_of('[drill]\ntitle = "t"\ntime_limit = 0\n[[check]]\npaths = "*"\n') == \
        "d.toml:3: drill.time_limit: Input should be greater than 0"
    assert error_of('[drill]\ntitle = ""\n[[check]]\npaths = "*"\n') == \
        "d.toml:2: drill.title: String should have at least 1 character (got '')"
    assert error_of('[[check]]\npaths = "*"\n') == \
        "d.toml:1: no [drill] table (title, instructions, frame, seed, time_limit)"
    assert error_of(HEADER) == "d.toml: no [[check]] table: a drill grades something"
    assert error_of("x = \n") == "d.toml:1: invalid TOML: Invalid value (column 5)"


def test_frame_next_to_the_scenario(write: Write, tmp_path: Path) -> None:
    path = write('[drill]\ntitle = "t"\nframe = "nope.toml"\n[[check]]\npaths = "*"\n')
    with pytest.raises(ScenarioFileError) as caught:
        load_scenario(path)
    assert str(caught.value) == (f"{path}:3: drill.frame: {tmp_path / 'nope.toml'}: cannot "
                                 "read: No such file or directory")
    (tmp_path / "mine.toml").write_text((EXAMPLES.parents[1] / "engine" / "frames" /
                                         "demo.toml").read_text())
    path = write('[drill]\ntitle = "t"\nframe = "mine.toml"\n[[check]]\npaths = "*"\n')
    assert load_scenario(path).frame_label == str(tmp_path / "mine.toml")


def test_several_systems_demo_hmc_and_a_frame_file(write: Write, tmp_path: Path) -> None:
    """"demo-hmc" is the two-system demo; a frame file of several systems keeps them all;
    partition conditions are checked against the first."""
    two = parse_scenario('[drill]\ntitle = "t"\nframe = "demo-hmc"\n[[check]]\n'
                         'partition = "was01"\nstate = "Running"\n', "d.toml")
    assert two.frame_label == "demo-hmc"
    assert [f.system.name for f in two.hmc.systems] == [
        "Server-9080-HEX-SN78H4A21", "Server-9043-MRX-SN78K3D05"]
    assert two.frame is two.hmc.systems[0]
    (tmp_path / "pair.toml").write_text((EXAMPLES.parents[1] / "engine" / "frames" /
                                         "demo-hmc.toml").read_text())
    path = write('[drill]\ntitle = "t"\nframe = "pair.toml"\n[[check]]\n'
                 'partition = "drvios1"\nstate = "Running"\n')
    assert str(caught_error(path)).startswith(
        f"{path}:5: check[0].partition: no partition named 'drvios1' in the frame (dev01, ")
    path = write('[drill]\ntitle = "t"\nframe = "pair.toml"\n[[check]]\n'
                 'partition = "was01"\nstate = "Running"\n')
    assert len(load_scenario(path).hmc.systems) == 2


def caught_error(path: Path) -> ScenarioFileError:
    with pytest.raises(ScenarioFileError) as caught:
        load_scenario(path)
    return caught.value


def test_not_utf8(write: Write, tmp_path: Path) -> None:
    path = tmp_path / "bad.toml"
    path.write_bytes(b'[drill]\ntitle = "\xff"\n')
    with pytest.raises(ScenarioFileError) as caught:
        load_scenario(path)
    assert str(caught.value) == f"{path}:2: not UTF-8 text (invalid start byte)"


def test_good_scenario_parts() -> None:
    scenario = parse_scenario(HEADER + """
[[fault]]
kind = "crash"
location = "oradb01"
when = "vios1 state Not Activated"
[[fault]]
name = "port"
kind = "port_down"
location = "vios1:fcs0"
at = 60
clear_after = 30
[[check]]
paths = "*"
after = "port"
[[check]]
crashed = "*"
mode = "never"
""", "d.toml")
    assert scenario.fault_names == ["fault 1", "port"]
    first = scenario.model.fault[0]
    assert first.when == PartitionCond(partition="vios1", state="Not Activated")
    assert isinstance(scenario.model.check[0], PathsCheckEntry)
    assert isinstance(scenario.model.check[1], CrashedCheckEntry)
    assert scenario.model.check[0].points == 10 and scenario.model.check[0].mode == "end"
    assert scenario.time_limit == 1800.0


# Random TOML-ish text built from the format's own words: the loader may refuse it, but
# only with a ScenarioFileError (one line), never another exception.
WORDS = ["[drill]", "[setup]", "[[fault]]", "[[hint]]", "[[check]]", "title = \"t\"",
         "frame = \"demo\"", "partition = \"vios1\"", "state = \"Running\"", "paths = \"*\"",
         "sea = \"vios1\"", "role = \"PRIMARY\"", "crashed = \"*\"", "system = \"Operating\"",
         "command = \"lssyscfg -r sys -F name\"", "match = \"Server\"", "mode = \"ever\"",
         "mode = \"never\"", "within = 10", "after = \"fault 1\"", "kind = \"core\"",
         "at = 5", "when = \"vios1 state Running\"", "when = { system = \"Operating\" }",
         "text = \"h\"", "cost = 3", "points = 7", "commands = [\"lssyscfg -r sys\"]",
         "run = 2", "seed = 1", "time_limit = 10", "location = \"oradb01\"",
         "when = 3", "x = 1", "points = \"a\"", "[[check.x]]", "clear_after = 1", "= =", ""]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(WORDS), max_size=14))
def test_random_scenarios_never_traceback(lines: list[str]) -> None:
    try:
        parse_scenario("\n".join(lines), "r.toml")
    except ScenarioFileError as exc:
        assert "\n" not in str(exc) and str(exc).startswith("r.toml")


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=80))
def test_random_text_never_tracebacks(text: str) -> None:
    try:
        parse_scenario(text, "r.toml")
    except ScenarioFileError as exc:
        assert "\n" not in str(exc)
