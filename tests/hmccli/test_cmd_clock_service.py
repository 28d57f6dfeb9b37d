"""`hmc-tui cmd` against a frame a real `hmc-tui serve` process holds: refused, untouched;
and `hmc-tui serve --audit-days`."""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hmccli_support import SYS

from engine.durable import db_path_for
from engine.store import CONFIG_DIR_ENV, DATA_DIR_ENV, STATE_DIR_ENV, demo_frame_text
from hmc_tui.service import entry as service_entry


@pytest.fixture
def short_dir() -> Iterator[Path]:
    """Unix socket paths must stay under 108 bytes: not under pytest's tmp_path."""
    with tempfile.TemporaryDirectory(prefix="hmc", dir="/tmp") as path:
        yield Path(path)


def _env(root: Path) -> dict[str, str]:
    env = dict(os.environ)
    for var, name in ((DATA_DIR_ENV, "data"), (STATE_DIR_ENV, "state"),
                      (CONFIG_DIR_ENV, "config")):
        (root / name).mkdir(exist_ok=True)
        env[var] = str(root / name)
    env["HMC_TUI_SOCKET"] = str(root / "s.sock")
    return env


def _hmc_tui(env: dict[str, str], *argv: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "hmc_tui", *argv], env=env,
                          capture_output=True, text=True, timeout=60)


def test_cmd_on_a_frame_a_service_holds_is_refused(short_dir: Path) -> None:
    env = _env(short_dir)
    frame = short_dir / "frame.toml"
    frame.write_text(demo_frame_text())
    proc = subprocess.Popen(
        [sys.executable, "-m", "hmc_tui.service", "serve", "--no-ssh", "--frame", str(frame),
         "--socket", env["HMC_TUI_SOCKET"]], env=env, stdout=subprocess.PIPE,
        stderr=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None
        for line in proc.stdout:  # the service has the frame open once it says so
            if line.startswith("engine service on"):
                break
        else:
            pytest.fail(f"the service did not start: {proc.communicate(timeout=15)}")
        before = frame.read_bytes(), db_path_for(frame).read_bytes()
        command = f"chsysstate -m {SYS} -r lpar -o on -n dev02"
        done = _hmc_tui(env, "--frame", str(frame), "cmd", command)
        assert (done.returncode, done.stdout) == (2, "")
        assert done.stderr == (
            f"hmc-tui cmd: the frame {frame} is open in another hmc-tui process (a running "
            "`hmc-tui serve` or console); nothing was done. Reach the service over SSH as one "
            f"of its users (`ssh -p 2222 USER@127.0.0.1 '{command}'`, 2222 being its default "
            f"port) or with `hmc-tui --connect {env['HMC_TUI_SOCKET']}`.\n")
        assert (frame.read_bytes(), db_path_for(frame).read_bytes()) == before
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.communicate(timeout=30)
    assert proc.returncode == 0
    done = _hmc_tui(env, "--frame", str(frame), "cmd", command)  # the service has stopped
    assert (done.returncode, done.stderr) == (0, "")


def test_serve_audit_days_sets_the_journal_retention(
        short_dir: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    for var, value in _env(short_dir).items():
        monkeypatch.setenv(var, value)
    frame = short_dir / "frame.toml"
    frame.write_text(demo_frame_text())
    seen: dict[str, Any] = {}

    def fake_open_engine(path: Path, **options: Any) -> Any:
        seen.update(options)
        raise OSError("stopped here by the test")

    monkeypatch.setattr(service_entry, "open_engine", fake_open_engine)
    for argv, days in ((["--audit-days", "7"], 7.0), ([], 90.0), (["--audit-days", "0.5"], 0.5)):
        seen.clear()
        status = service_entry.main(["serve", "--no-ssh", "--frame", str(frame), *argv])
        assert status == 1 and seen["retention_days"] == days
        assert capsys.readouterr().err.strip().endswith("stopped here by the test")
    for bad in ("0", "-3", "nan", "many"):
        with pytest.raises(SystemExit) as exc:
            service_entry.build_parser().parse_args(["serve", "--audit-days", bad])
        assert exc.value.code == 2
        assert "--audit-days" in capsys.readouterr().err
    parser = service_entry.build_parser()
    assert isinstance(parser, argparse.ArgumentParser)
