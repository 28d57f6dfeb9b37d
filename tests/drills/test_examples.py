"""Every drill under examples/drills/: its solution passes (exit 0), its wrong answer fails
(exit 1), and both grade the same twice (the JSON report, wall time aside). In-process."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from hmc_tui.cli import main
from tests.drills.conftest import EXAMPLES

DRILLS = sorted(p.parent.name for p in EXAMPLES.glob("*/drill.toml"))


def test_the_three_first_drills_are_there() -> None:
    assert {"vios-maintenance", "wont-boot", "power-loss"} <= set(DRILLS)
    for name in DRILLS:
        assert {p.name for p in (EXAMPLES / name).glob("*.toml")} >= {
            "drill.toml", "solution.toml", "wrong.toml"}


def grade(name: str, macro: str, out: Path) -> tuple[int, dict]:
    code = main(["drill", str(EXAMPLES / name / "drill.toml"), "--headless", "--macro",
                 str(EXAMPLES / name / f"{macro}.toml"), "--report", str(out)])
    data = json.loads(out.read_text())
    del data["wall_seconds"]
    return code, data


@pytest.mark.parametrize("name", DRILLS)
@pytest.mark.parametrize(("macro", "code"), [("solution", 0), ("wrong", 1)])
def test_example_grades_as_stated_and_deterministically(name: str, macro: str, code: int,
                                                        tmp_path: Path) -> None:
    first_code, first = grade(name, macro, tmp_path / "one.json")
    assert first_code == code
    assert first["passed"] is (code == 0)
    assert first["macro_failure"] == ""  # the recording itself replays as recorded
    if code == 0:
        assert first["score"] == first["max_score"]
        assert all(c["state"] == "passed" for c in first["checks"])
    else:
        assert any(c["state"] == "failed" for c in first["checks"])
    second_code, second = grade(name, macro, tmp_path / "two.json")
    assert (second_code, second) == (first_code, first)


def test_lpm_evacuate_grades_the_mobility_checks(tmp_path: Path) -> None:
    """The reference solution ran both partitions on the DR frame (test01, 16 GB, from 25 s
    of the drill; was01, 32 GB, from 40 s: the engine ticks the drill every engine second)
    and brought them home; the wrong answer's shutdowns fail the mobility checks and keep
    only the end state."""
    code, solution = grade("lpm-evacuate", "solution", tmp_path / "s.json")
    assert code == 0
    assert [(c["title"], c["state"], c["time"]) for c in solution["checks"][:2]] == [
        ("was01 ran on the DR frame", "passed", 40.0),
        ("test01 ran on the DR frame", "passed", 25.0)]
    code, wrong = grade("lpm-evacuate", "wrong", tmp_path / "w.json")
    assert (code, wrong["score"]) == (1, 45)
    assert [c["title"] for c in wrong["checks"] if c["state"] == "failed"] == [
        "was01 ran on the DR frame", "test01 ran on the DR frame",
        "No outage of was01 or test01 on the production frame"]
