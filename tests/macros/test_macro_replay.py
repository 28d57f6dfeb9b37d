"""Headless replay through the command line: results, exit codes, reports, determinism, and
which files a replay may change."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from engine import store
from engine.store import demo_frame_text, load_frame
from tests.macros.conftest import EXAMPLES, step_line

Cli = Callable[[list[str]], int]
WriteMacro = Callable[..., Path]

# A frame change that is cheap to drive: an HMC command on the `:` command line.
SHUTDOWN_ORADB01 = """
[[step]]
key = "colon"
after = 1.0

[[step]]
text = "chsysstate -m Server-9080-HEX-SN78H4A21 -r lpar -o shutdown --immed -n oradb01"

[[step]]
key = "enter"

[[step]]
key = "escape"

[[step]]
wait = { partition = "oradb01", state = "Not Activated" }
timeout = 60
"""


def test_replay_is_deterministic(cli: Cli, tmp_path: Path) -> None:
    """Two runs: the same final frame (report) and byte-identical screenshots."""
    runs = []
    for n in (1, 2):
        svg, report = tmp_path / f"{n}.svg", tmp_path / f"{n}.json"
        assert cli(["replay", str(EXAMPLES / "activate-oracle.toml"), "--headless",
                    "--screenshot", str(svg), "--report", str(report)]) == 0
        data = json.loads(report.read_text())
        data.pop("screenshot")
        runs.append((svg.read_bytes(), data))
    assert runs[0][1] == runs[1][1]
    assert runs[0][0] == runs[1][0]
    assert b"oradb01" in runs[0][0]


def test_report_lists_every_step(cli: Cli, write_macro: WriteMacro, tmp_path: Path,
                                 capsys: pytest.CaptureFixture[str]) -> None:
    path = write_macro(SHUTDOWN_ORADB01 + """
[[step]]
expect = { partition = "oradb01", state = "Running" }

[[step]]
comment = "not reached"
""")
    report = tmp_path / "out" / "report.json"
    assert cli(["replay", str(path), "--headless", "--report", str(report)]) == 1
    err = capsys.readouterr().err
    line = step_line(path, 6)
    assert err == (f"hmc-tui: replay failed: {path}:{line}: step 6 (expect): expected "
                   "partition oradb01 state Running; oradb01 is Not Activated (no current "
                   "resources)\n")
    data = json.loads(report.read_text())
    assert data["ok"] is False and data["exit_code"] == 1
    assert [s["status"] for s in data["steps"]] == ["ok"] * 5 + ["failed", "skipped"]
    assert [s["kind"] for s in data["steps"][:3]] == ["key", "text", "key"]
    assert data["steps"][4]["detail"].startswith("after 2.00 s: oradb01 is Not Activated")
    assert data["steps"][5]["line"] == line
    assert data["partitions"]["oradb01"]["state"] == "Not Activated"
    assert data["engine_time"] == 3.0


def test_wait_timeout_names_the_step(cli: Cli, write_macro: WriteMacro,
                                     capsys: pytest.CaptureFixture[str]) -> None:
    path = write_macro("""
[[step]]
comment = "dev02 never starts by itself"

[[step]]
wait = { partition = "dev02", state = "Running" }
timeout = 30
""")
    assert cli(["replay", str(path), "--headless"]) == 1
    assert capsys.readouterr().err == (
        f"hmc-tui: replay failed: {path}:{step_line(path, 2)}: step 2 (wait): timed out "
        "after 30 engine seconds waiting for partition dev02 state Running; dev02 is Not Activated "
        "(no current resources)\n")


def test_screen_and_text_waits(cli: Cli, write_macro: WriteMacro,
                               capsys: pytest.CaptureFixture[str]) -> None:
    path = write_macro("""
[[step]]
key = "question_mark"

[[step]]
wait = { screen = "HelpScreen" }
timeout = 2

[[step]]
expect = { text = "Keys: Overview" }

[[step]]
key = "escape"

[[step]]
wait = { text = "no such text anywhere" }
timeout = 2
""")
    assert cli(["replay", str(path), "--headless"]) == 1
    err = capsys.readouterr().err
    assert f"{path}:{step_line(path, 5)}: step 5 (wait): timed out after 2 engine seconds " \
        "waiting for text 'no such text anywhere' on screen; text not on screen " \
        "(OverviewScreen: " in err


def test_error_expectations(cli: Cli, write_macro: WriteMacro,
                            capsys: pytest.CaptureFixture[str]) -> None:
    """The :lpar alias's refusal is a toast: error conditions read notifications too."""
    path = write_macro("""
[[step]]
key = "colon"

[[step]]
text = "lpar nosuch"

[[step]]
key = "enter"

[[step]]
expect = { error = "HSCL8012" }

[[step]]
expect = { text = "The partition named nosuch was not found." }

[[step]]
key = "escape"

[[step]]
wait = 30

[[step]]
expect = { error = "none" }
""")
    assert cli(["replay", str(path), "--headless"]) == 0, capsys.readouterr().err


def test_user_frame_unchanged_without_save(cli: Cli,
                                           capsys: pytest.CaptureFixture[str],
                                           write_macro: WriteMacro) -> None:
    user = store.ensure_user_frame()
    before = user.read_bytes()
    files = sorted(p for d in (store.data_dir(), store.config_dir(), store.state_dir())
                   for p in d.rglob("*"))
    path = write_macro(SHUTDOWN_ORADB01, header='[macro]\nframe = "user"\n')
    assert cli(["replay", str(path), "--headless"]) == 0
    assert user.read_bytes() == before
    assert sorted(p for d in (store.data_dir(), store.config_dir(), store.state_dir())
                  for p in d.rglob("*")) == files  # nothing written anywhere
    assert capsys.readouterr().err == ""


def test_save_writes_the_final_frame(cli: Cli, write_macro: WriteMacro,
                                     capsys: pytest.CaptureFixture[str]) -> None:
    path = write_macro(SHUTDOWN_ORADB01)
    assert cli(["replay", str(path), "--headless", "--save"]) == 0
    user = store.user_frame_path()
    assert f"saved the final frame to {user}" in capsys.readouterr().err
    frame = load_frame(user)
    assert frame.partition(3).state == "Not Activated"
    assert frame.engine_time == 3.0


def test_failed_replay_does_not_save(cli: Cli, write_macro: WriteMacro,
                                     capsys: pytest.CaptureFixture[str]) -> None:
    user = store.ensure_user_frame()
    before = user.read_bytes()
    path = write_macro(SHUTDOWN_ORADB01 + '\n[[step]]\nexpect = { text = "nowhere" }\n')
    assert cli(["replay", str(path), "--headless", "--save"]) == 1
    assert "not saved: the replay did not finish" in capsys.readouterr().err
    assert user.read_bytes() == before


def test_other_frame_warns(cli: Cli, write_macro: WriteMacro, tmp_path: Path,
                           capsys: pytest.CaptureFixture[str]) -> None:
    other = tmp_path / "other.toml"
    other.write_text(demo_frame_text())
    before = other.read_bytes()
    path = write_macro(SHUTDOWN_ORADB01)
    assert cli(["replay", str(path), "--headless", "--frame", str(other)]) == 0
    err = capsys.readouterr().err
    assert err == (f"hmc-tui: warning: replaying against {other}, not the frame the macro "
                   "was recorded on (demo); keys may land on different partitions\n")
    assert other.read_bytes() == before  # no --save: untouched
    # Given before the subcommand it means the same; with --save the other file is written.
    assert cli(["--frame", str(other), "replay", str(path), "--headless", "--save"]) == 0
    assert "warning: replaying against" in capsys.readouterr().err
    assert load_frame(other).partition(3).state == "Not Activated"


def test_screenshot_steps_and_speed(cli: Cli, write_macro: WriteMacro, tmp_path: Path) -> None:
    path = write_macro("""
[[step]]
speed = 10

[[step]]
expect = { text = "×10" }

[[step]]
screenshot = "shots/start.svg"
""")
    assert cli(["replay", str(path), "--headless"]) == 0
    assert (tmp_path / "shots" / "start.svg").read_text().startswith("<svg")
    elsewhere = tmp_path / "elsewhere"
    assert cli(["replay", str(path), "--headless", "--screenshots", str(elsewhere)]) == 0
    assert (elsewhere / "shots" / "start.svg").exists()


def test_a_key_that_quits_mid_macro_fails(cli: Cli, write_macro: WriteMacro,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    path = write_macro('[[step]]\nkey = "q"\n\n[[step]]\nkey = "y"\n\n'
                       '[[step]]\nkey = "down"\n')
    assert cli(["replay", str(path), "--headless"]) == 1
    assert "step 2 (key): key 'y' quit the console before the macro ended" in \
        capsys.readouterr().err
    last = write_macro('[[step]]\nkey = "down"\n\n[[step]]\nkey = "q"\n', name="last.toml")
    assert cli(["replay", str(last), "--headless"]) == 0
