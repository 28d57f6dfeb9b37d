"""Every macro under examples/macros/ replays headless as its comments say it does.

activate-oracle.toml is replayed (twice) by test_macro_replay.test_replay_is_deterministic,
sms-boot-from-iso.toml by tests/console/test_terminal_drill.py.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from hmc_tui.macros.load import load_macro
from tests.macros.conftest import EXAMPLES, step_line

Cli = Callable[[list[str]], int]
PASSING = {
    "dlpar-add-processing-units.toml": {"oradb01": ("Running", 4.5)},
    "vios-map-backing-device.toml": {"sandbox01": ("Not Activated", None)},
    "shutdown-with-confirmation.toml": {"test01": ("Not Activated", None)},
    "refused-activation.toml": {"oradb01": ("Running", 4.0)},
    "create-partition.toml": {"lp12": ("Not Activated", None)},
    "delete-partition.toml": {"vios1": ("Running", 1.0)},  # sandbox01 gone (its expect)
    "rename-partition.toml": {"sandbox02": ("Not Activated", None)},
    "save-current-configuration.toml": {"was01": ("Running", 1.5)},
    "edit-profile.toml": {"sandbox01": ("Not Activated", None)},
    "task-menu-dlpar-memory.toml": {"oradb01": ("Running", 4.0)},
    "power-off-system-forced.toml": {"oradb01": ("Not Activated", None),
                                     "vios1": ("Not Activated", None)},
    "virtual-network-failover.toml": {"vios1": ("Not Activated", None),
                                      "vios2": ("Running", 1.0)},
    "migrate-to-dr-and-back.toml": {"was01": ("Running", 1.5)},  # there and back (LPM)
}


def test_every_example_is_covered() -> None:
    names = {p.name for p in EXAMPLES.glob("*.toml")}
    assert names == {*PASSING, "activate-oracle.toml", "failing-expectation.toml",
                     "sms-boot-from-iso.toml"}
    for name in names:
        load_macro(EXAMPLES / name)  # valid, and documented in a title
        assert load_macro(EXAMPLES / name).macro.header.title


@pytest.mark.parametrize("name", sorted(PASSING))
def test_example_passes(name: str, cli: Cli, tmp_path: Path,
                        capsys: pytest.CaptureFixture[str]) -> None:
    report = tmp_path / "report.json"
    assert cli(["replay", str(EXAMPLES / name), "--headless", "--report", str(report)]) == 0
    out = capsys.readouterr()
    assert out.err == ""
    assert "every expectation held" in out.out
    data = json.loads(report.read_text())
    assert {s["status"] for s in data["steps"]} == {"ok"}
    for lpar, (state, units) in PASSING[name].items():
        assert data["partitions"][lpar]["state"] == state
        assert data["partitions"][lpar]["proc_units"] == units
    if name == "task-menu-dlpar-memory.toml":  # 262144 MB + the 1024 added from the menu
        assert data["partitions"]["oradb01"]["memory"] == 263168


def test_failing_example_fails_as_documented(cli: Cli,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    path = EXAMPLES / "failing-expectation.toml"
    assert cli(["replay", str(path), "--headless"]) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"hmc-tui: replay failed: {path}:{step_line(path, 8)}: step 8 "
                          "(expect): expected partition dev02 state Running; dev02 is "
                          "Starting, ")
    assert err.count("\n") == 1
