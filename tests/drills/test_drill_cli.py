"""`hmc-tui drill`: exit codes, --list, --check, --report, the console hook."""

from __future__ import annotations

import json
import sys
import types
from collections.abc import Callable
from pathlib import Path

import pytest

from hmc_tui.cli import main
from hmc_tui.drills import DrillRun
from tests.drills.conftest import EXAMPLES, HEADER

Write = Callable[..., Path]

# A drill graded in a few engine seconds: oradb01 must be Running (it is) and a command
# must match; the macro only waits.
QUICK = HEADER + """
[[check]]
title = "oradb01 runs"
partition = "oradb01"
state = "Running"
points = 7
[[check]]
title = "the system is listed"
command = "lssyscfg -r sys -F name,state"
match = '^Server-9080-HEX-SN78H4A21,Operating$'
points = 3
"""
WAIT = """[macro]
format = 1
frame = "demo"
size = [100, 30]

[[step]]
wait = 2
"""


def test_list(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["drill", "--list"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert f"{'vios-maintenance':24} VIOS maintenance without an outage" in out
    assert f"{'wont-boot':24} A partition that will not boot (AA06000B)" in out
    assert f"{'power-loss':24} Power loss: bring production back with auto-start set " \
           "right" in out


def test_check_valid_and_invalid(write: Write, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["drill", str(EXAMPLES / "wont-boot"), "--check"]) == 0
    assert capsys.readouterr().err == (f"{EXAMPLES / 'wont-boot' / 'drill.toml'}: A partition "
                                       "that will not boot (AA06000B): valid (0 faults, 4 "
                                       "checks, 2 hints)\n")
    bad = write(HEADER + '[[check]]\npartition = "vios1"\nstate = "Runing"\n')
    assert main(["drill", str(bad), "--check"]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"hmc-tui: {bad}:6: check[0].state: Input should be ")
    assert err.count("\n") == 1 and "Traceback" not in err


def test_check_runs_setup(write: Write, capsys: pytest.CaptureFixture[str]) -> None:
    bad = write(HEADER + '[setup]\ncommands = ["lssyscfg -r nope"]\n[[check]]\npaths = "*"\n')
    assert main(["drill", str(bad), "--check"]) == 2
    assert capsys.readouterr().err.startswith(
        f"hmc-tui: {bad}:5: setup.commands[0]: 'lssyscfg -r nope' failed: ")


def test_headless_pass_to_stdout(write: Write, capsys: pytest.CaptureFixture[str]) -> None:
    drill = write(QUICK)
    macro = write(WAIT, "m.toml")
    assert main(["drill", str(drill), "--headless", "--macro", str(macro)]) == 0
    captured = capsys.readouterr()
    report = json.loads(captured.out)
    assert (report["passed"], report["score"], report["max_score"]) == (True, 10, 10)
    assert report["macro"] == str(macro)
    assert report["reason"] == "every check passed"
    assert captured.err.splitlines()[0] == \
        "t: PASSED, score 10 of 10 (every check passed, 0 engine seconds)"
    assert captured.err.splitlines()[1] == \
        "  ok     7  oradb01 runs: oradb01 is Running, 4.00 PU, 8 procs, 262144 MB"


def test_headless_fail_to_report(write: Write, tmp_path: Path,
                                 capsys: pytest.CaptureFixture[str]) -> None:
    drill = write(QUICK.replace('state = "Running"', 'state = "Error"'))
    macro = write(WAIT, "m.toml")
    out = tmp_path / "out" / "r.json"
    assert main(["drill", str(drill), "--headless", "--macro", str(macro),
                 "--report", str(out)]) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    report = json.loads(out.read_text())
    assert (report["passed"], report["score"], report["reason"]) == (False, 3,
                                                                     "the macro ended")
    assert report["engine_time"] == 2.0
    assert "  FAIL   7  oradb01 runs: oradb01 is Running" in captured.err


def test_headless_macro_failure_is_reported(write: Write,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    drill = write(QUICK)
    macro = write(WAIT + '\n[[step]]\nexpect = { partition = "oradb01", state = "Error" }\n',
                  "m.toml")
    assert main(["drill", str(drill), "--headless", "--macro", str(macro)]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["macro_failure"] == (f"{macro}:9: step 2 (expect): expected partition "
                                       "oradb01 state Error; oradb01 is Running, 4.00 PU, 8 "
                                       "procs, 262144 MB")


@pytest.mark.parametrize(("args", "message"), [
    (["drill"], "hmc-tui: drill: give the scenario file (or --list)\n"),
    (["drill", "x.toml", "--headless"],
     "hmc-tui: drill: --headless needs --macro M.toml (the solution to grade)\n"),
    (["drill", "x.toml", "--macro", "m.toml"],
     "hmc-tui: drill: --macro grades a recorded solution: give --headless too\n"),
    (["drill", "nope.toml", "--check"],
     "hmc-tui: nope.toml: cannot read: No such file or directory\n"),
])
def test_usage_errors(args: list[str], message: str,
                      capsys: pytest.CaptureFixture[str]) -> None:
    assert main(args) == 2
    assert capsys.readouterr().err == message


def test_bad_macro_is_exit_2(write: Write, capsys: pytest.CaptureFixture[str]) -> None:
    drill = write(QUICK)
    macro = write("[macro]\nformat = 2\n", "m.toml")
    assert main(["drill", str(drill), "--headless", "--macro", str(macro)]) == 2
    assert capsys.readouterr().err.startswith(f"hmc-tui: {macro}:2: [macro]: format: ")


def test_console_mode_hook(write: Write, capsys: pytest.CaptureFixture[str]) -> None:
    """Until the console's drill mode (hmc_tui.drills.console) is there, a clear refusal;
    once it is, cmd_drill hands it the DrillRun."""
    try:
        import hmc_tui.drills.console  # noqa: F401
    except ModuleNotFoundError:
        assert main(["drill", str(write(QUICK))]) == 2
        assert capsys.readouterr().err == (
            "hmc-tui: drill: the console's drill mode is not there yet; grade a solution "
            "with --headless --macro M.toml\n")
    else:
        pytest.skip("the console's drill mode is tested with it")


def test_frame_option_runs_the_drill_on_another_frame(
        write: Write, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    frame = tmp_path / "f.toml"
    frame.write_text((EXAMPLES.parents[1] / "engine" / "frames" / "demo.toml").read_text()
                     .replace('name = "oradb01"', 'name = "oracle"'))
    drill = write(QUICK)
    assert main(["drill", str(drill), "--check", "--frame", str(frame)]) == 2
    assert capsys.readouterr().err.startswith(
        f"hmc-tui: {drill}:7: check[0].partition: no partition named 'oradb01' in the frame")
    assert main(["drill", str(drill), "--check", "--frame", str(tmp_path / "none.toml")]) == 2
    assert capsys.readouterr().err == \
        f"hmc-tui: {tmp_path / 'none.toml'}: cannot read: No such file or directory\n"
    drill = write(QUICK.replace('"oradb01"', '"oracle"'))
    assert main(["drill", str(drill), "--check", "--frame", str(frame)]) == 0
    assert capsys.readouterr().err.splitlines()[0] == \
        f"hmc-tui: warning: running the drill on {frame}, not its own frame (demo)"


def test_console_mode_gets_a_running_drill(write: Write, monkeypatch: pytest.MonkeyPatch) -> None:
    """cmd_drill hands hmc_tui.drills.console.run_drill_console a DrillRun on a started
    engine with the setup applied, returns its exit status and stops the engine."""
    seen: dict[str, object] = {}

    def run_drill_console(run: DrillRun, args: object) -> int:
        seen["running"] = run.console.engine.running  # type: ignore[attr-defined]
        seen["started_at"] = run.started_at
        seen["title"] = run.scenario.title
        seen["run"] = run
        return 1

    fake = types.ModuleType("hmc_tui.drills.console")
    fake.run_drill_console = run_drill_console  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "hmc_tui.drills.console", fake)
    drill = write(QUICK.replace('[[check]]', '[setup]\nrun = 12\n\n[[check]]', 1))
    assert main(["drill", str(drill)]) == 1
    assert seen["running"] is True
    assert seen["started_at"] == 12.0 and seen["title"] == "t"
    run = seen["run"]
    assert isinstance(run, DrillRun)
    assert not run.console.engine.running  # type: ignore[attr-defined]


def test_headless_faults_land_on_their_engine_time(
        write: Write, capsys: pytest.CaptureFixture[str]) -> None:
    drill = write(HEADER + r"""
[[fault]]
name = "core"
kind = "core"
location = "core 3"
at = 7.25
clear_after = 1.5
[[check]]
command = "lshwfault -m Server-9080-HEX-SN78H4A21 -r fault"
match = 'core 3'
mode = "ever"
after = "core"
[[check]]
title = "repaired"
command = "lshwfault -m Server-9080-HEX-SN78H4A21 -r fault"
match = '\A(?![\s\S]*core 3)'
after = "core"
""")
    macro = write(WAIT.replace("wait = 2", "wait = 10"), "m.toml")
    assert main(["drill", str(drill), "--headless", "--macro", str(macro)]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["faults"][0]["time"] == 7.25
    assert report["faults"][0]["cleared"] == 8.75
    assert report["checks"][0]["time"] == 7.25
    assert report["checks"][1]["time"] == 8.75
    assert report["reason"] == "every check passed"
