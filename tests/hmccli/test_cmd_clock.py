"""`hmc-tui cmd` behaves as an HMC over time: engine time follows the wall clock between two
runs on the same frame file, and transitions in flight survive between them.

The wall clock is a fake one (hmc_tui.hmccli.local_frame.wall_now and the checkpoints'
clock in engine.durable), so every figure below is exact: the activation sequence is
engine.lifecycle's POWER_ON / BOOT_SEARCH / OS_BOOT["aix"] table.
"""

from __future__ import annotations

import threading
import time
import types
from pathlib import Path

import pytest
from hmccli_support import SYS

from engine import durable
from engine.store import demo_frame, load_frame, save_frame
from hmc_tui.cli import main
from hmc_tui.hmccli import local_frame


class FakeWall:
    """The wall clock, for the catch-up and for the checkpoints' `wall` column."""

    def __init__(self, now: float) -> None:
        self.now = now

    def time(self) -> float:
        return self.now


@pytest.fixture
def wall(monkeypatch: pytest.MonkeyPatch) -> FakeWall:
    fake = FakeWall(1_000_000.0)
    monkeypatch.setattr(local_frame, "wall_now", fake.time)
    monkeypatch.setattr(durable, "wallclock", types.SimpleNamespace(
        time=fake.time, perf_counter=time.perf_counter))
    return fake


@pytest.fixture
def frame_file(tmp_path: Path) -> Path:
    path = tmp_path / "frame.toml"
    save_frame(demo_frame(), path)
    return path


def cmd(frame_file: Path, line: str, *options: str) -> int:
    return main(["--frame", str(frame_file), "cmd", *options, line])


def dev02(frame_file: Path, capsys: pytest.CaptureFixture[str], *options: str) -> str:
    """`state/refcode/rmc_state` of dev02, as two read-only commands show them."""
    capsys.readouterr()
    assert cmd(frame_file, f"lssyscfg -r lpar -m {SYS} -F state,rmc_state "
               "--filter lpar_names=dev02", *options) == 0
    assert cmd(frame_file, f"lsrefcode -r lpar -m {SYS} -F lpar_name,refcode "
               "--filter lpar_names=dev02", *options) == 0
    state, refcode = capsys.readouterr().out.splitlines()
    s, rmc = state.split(",")
    refcode = refcode.removeprefix("dev02,")
    return f"{s}/{refcode}/{rmc}"


def test_activation_shows_starting_with_advancing_codes_until_booted(
        wall: FakeWall, frame_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cmd(frame_file, f"chsysstate -m {SYS} -r lpar -o on -n dev02") == 0
    assert load_frame(frame_file).partition("dev02").state == "Starting"  # type: ignore[union-attr]
    seen = []
    for at in (1, 2, 5, 8, 15, 40, 70):  # wall seconds after the activation
        wall.now = 1_000_000.0 + at
        seen.append(dev02(frame_file, capsys))
    assert seen == [
        "Starting/C2001150/inactive",  # 1 s: the first step (0.0) and nothing since
        "Starting/C2002100/inactive",  # 1.5 s
        "Starting/CA000040/inactive",  # 5 s: partition firmware
        "Running/CA00E1F1/inactive",  # 7 s: Running, searching for a boot device
        "Running/0538/inactive",  # 14 s: AIX's own codes
        "Running//inactive",  # 38 s: booted, no code
        "Running//active",  # 63 s: RMC up
    ]


def test_polling_until_running_takes_the_boot_time(
        wall: FakeWall, frame_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """What a script that polls every second until Running sees: seven polls (7.0 s)."""
    assert cmd(frame_file, f"chsysstate -m {SYS} -r lpar -o on -n dev02") == 0
    polls = 0
    while True:
        wall.now += 1
        polls += 1
        capsys.readouterr()
        assert cmd(frame_file, f"lssyscfg -r lpar -m {SYS} -F state "
                   "--filter lpar_names=dev02") == 0
        if capsys.readouterr().out == "Running\n":
            break
        assert polls < 20
    assert polls == 7


def test_restart_after_os_shutdown_survives_between_calls(
        wall: FakeWall, frame_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cmd(frame_file, f"chsysstate -m {SYS} -r lpar -o osshutdown --restart "
               "-n was01") == 0
    capsys.readouterr()

    def was01() -> str:
        assert cmd(frame_file, f"lssyscfg -r lpar -m {SYS} -F state "
                   "--filter lpar_names=was01") == 0
        return capsys.readouterr().out.strip()

    wall.now += 10
    assert was01() == "Shutting Down"
    wall.now += 21  # 31 s: the OS shutdown (30 s) is done, the restart activates it
    assert was01() == "Starting"
    wall.now += 60
    assert was01() == "Running"


def test_stopped_clock_keeps_the_earlier_behaviour(
        wall: FakeWall, frame_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """--clock stopped: no time passes, a transition in flight completes at the next run,
    and a restart scheduled after a shutdown is not carried over."""
    assert cmd(frame_file, f"chsysstate -m {SYS} -r lpar -o on -n dev02",
               "--clock", "stopped") == 0
    saved = load_frame(frame_file)
    wall.now += 3600
    assert dev02(frame_file, capsys, "--clock", "stopped") == "Running//active"
    assert load_frame(frame_file).engine_time == saved.engine_time
    assert cmd(frame_file, f"chsysstate -m {SYS} -r lpar -o osshutdown --restart -n was01",
               "--clock", "stopped") == 0
    capsys.readouterr()
    assert cmd(frame_file, f"lssyscfg -r lpar -m {SYS} -F state --filter lpar_names=was01",
               "--clock", "stopped") == 0
    assert capsys.readouterr().out == "Not Activated\n"


def test_a_read_only_command_under_a_stopped_clock_writes_nothing(
        wall: FakeWall, frame_file: Path) -> None:
    before = frame_file.read_bytes()
    for _ in range(2):
        wall.now += 60
        assert cmd(frame_file, f"lssyscfg -r lpar -m {SYS} -F name", "--clock", "stopped") == 0
    assert frame_file.read_bytes() == before


def test_catch_up_is_capped_at_a_day_and_says_so(
        wall: FakeWall, frame_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cmd(frame_file, "lssyscfg -r sys -F name") == 0  # the first checkpoint: the base
    start = load_frame(frame_file).engine_time
    wall.now += 10 * 86_400
    assert cmd(frame_file, "lssyscfg -r sys -F state") == 0
    err = capsys.readouterr().err
    assert err == (f"hmc-tui cmd: note: 10.0 days since {frame_file} was last used; engine "
                   "time moved on by 24 hours (the most it catches up)\n")
    assert load_frame(frame_file).engine_time == start + 86_400
    wall.now += 90
    assert cmd(frame_file, "lssyscfg -r sys -F state") == 0
    assert capsys.readouterr().err == ""
    assert load_frame(frame_file).engine_time == start + 86_400 + 90


def test_catch_up_is_deterministic_for_the_elapsed_time(
        wall: FakeWall, tmp_path: Path) -> None:
    """Two copies of a frame, the same command, the same elapsed time: the same frame."""
    files = []
    for name in ("a", "b"):
        path = tmp_path / name / "frame.toml"
        path.parent.mkdir()
        save_frame(demo_frame(), path)
        files.append(path)
    results = []
    for path in files:
        wall.now = 2_000_000.0
        assert cmd(path, f"chsysstate -m {SYS} -r lpar -o on -n dev02") == 0
        wall.now += 12.34
        assert cmd(path, f"chhwres -r proc -m {SYS} -o a -p was01 --procunits 0.25") == 0
        wall.now += 3600.5
        assert cmd(path, "lssyscfg -r sys -F name") == 0
        results.append(path.read_bytes())
    assert results[0] == results[1]
    assert load_frame(files[0]).engine_time == pytest.approx(3612.84)


def test_an_operation_not_saved_is_replayed_by_the_next_run(
        wall: FakeWall, frame_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Acknowledged means logged: a frame file that cannot be written loses nothing."""
    assert cmd(frame_file, "lssyscfg -r sys -F name") == 0
    frame_file.chmod(0o444)
    try:
        capsys.readouterr()
        assert cmd(frame_file, f"chsysstate -m {SYS} -r lpar -o on -n dev02") == 1
        err = capsys.readouterr().err
        assert err.startswith(f"hmc-tui cmd: frame not saved: {frame_file}: ")
        assert err.endswith(f"(the operation log {frame_file}.db keeps every operation)\n")
        assert load_frame(frame_file).partition("dev02").state == "Not Activated"  # type: ignore[union-attr]
    finally:
        frame_file.chmod(0o600)
    wall.now += 2
    assert dev02(frame_file, capsys) == "Starting/C2002100/inactive"


def test_a_frame_held_by_another_process_is_refused_and_untouched(
        wall: FakeWall, frame_file: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HMC_TUI_SOCKET", "/run/hmc/engine.sock")
    monkeypatch.setattr(local_frame, "LOCK_WAIT", 0.3)
    engine, _ = durable.open_engine(frame_file)  # what `hmc-tui serve` holds
    try:
        db = durable.db_path_for(frame_file)
        before = [p.read_bytes() for p in (frame_file, db)]
        capsys.readouterr()
        line = f"chsysstate -m {SYS} -r lpar -o on -n dev02"
        assert cmd(frame_file, line) == 2
        out, err = capsys.readouterr()
        assert out == ""
        assert err == (
            f"hmc-tui cmd: the frame {frame_file} is open in another hmc-tui process (a "
            "running `hmc-tui serve` or console); nothing was done. Reach the service over "
            f"SSH as one of its users (`ssh -p 2222 USER@127.0.0.1 '{line}'`, 2222 being its "
            "default port) or with `hmc-tui --connect /run/hmc/engine.sock`.\n")
        assert main(["--frame", str(frame_file), "shell"]) == 2
        assert capsys.readouterr().err.startswith(
            f"hmc-tui shell: the frame {frame_file} is open in another hmc-tui process")
        assert [p.read_bytes() for p in (frame_file, db)] == before
    finally:
        assert engine.oplog is not None
        engine.oplog.close()
    assert cmd(frame_file, line) == 0  # released: the next run goes through


def test_cmd_and_a_console_engine_share_one_log(wall: FakeWall, frame_file: Path) -> None:
    """What cmd logged and checkpointed is what the next engine (serve, console) opens,
    with the transition still in flight."""
    assert cmd(frame_file, f"chsysstate -m {SYS} -r lpar -o on -n dev02") == 0
    engine, recovery = durable.open_engine(frame_file)
    try:
        assert recovery.checkpoint_found and recovery.saved_wall == 1_000_000.0
        p = engine.snapshot().frame.partition("dev02")
        assert p is not None and p.state == "Starting"
        engine.step(7)
        p = engine.snapshot().frame.partition("dev02")
        assert p is not None and (p.state, p.refcode) == ("Running", "CA00E1F1")
    finally:
        assert engine.oplog is not None
        engine.oplog.close()


def test_shell_catches_up_logs_and_checkpoints(
        wall: FakeWall, frame_file: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    """The shell opens the frame as cmd does (8 s later dev02 is Running), runs its clock in
    real time, and leaves a checkpoint with its own change still in flight."""
    assert cmd(frame_file, f"chsysstate -m {SYS} -r lpar -o on -n dev02") == 0
    wall.now += 8
    lines = iter([f"lssyscfg -r lpar -m {SYS} -F name,state --filter lpar_names=dev02,was01",
                  f"chsysstate -m {SYS} -r lpar -o osshutdown -n was01", "exit"])
    monkeypatch.setattr("builtins.input", lambda prompt="": next(lines))
    capsys.readouterr()
    assert main(["--frame", str(frame_file), "shell"]) == 0
    out = capsys.readouterr().out
    assert "dev02,Running\n" in out and "was01,Running\n" in out
    engine, recovery = durable.open_engine(frame_file)
    try:
        assert recovery.checkpoint_found and recovery.replayed == 0
        p = engine.snapshot().frame.partition("was01")
        assert p is not None and p.state == "Shutting Down"  # in flight (30 s), not settled
        engine.step(30)
        p = engine.snapshot().frame.partition("was01")
        assert p is not None and p.state == "Not Activated"
    finally:
        assert engine.oplog is not None
        engine.oplog.close()


def test_a_second_cmd_waits_for_the_first(wall: FakeWall, frame_file: Path) -> None:
    """Two scripts' commands at once: the later one waits its turn (as an HMC queues them)
    and then sees the frame the first one saved."""
    assert cmd(frame_file, f"chsysstate -m {SYS} -r lpar -o on -n dev02") == 0
    engine, _ = durable.open_engine(frame_file)  # a `cmd` still running
    oplog = engine.oplog
    assert oplog is not None
    releaser = threading.Timer(0.5, oplog.close)
    releaser.start()
    started = time.monotonic()
    try:
        assert cmd(frame_file, f"chsysstate -m {SYS} -r lpar -o on -n sandbox01") == 0
    finally:
        releaser.join()
    assert time.monotonic() - started >= 0.5
    states = {p.name: p.state for p in load_frame(frame_file).partitions}
    assert (states["dev02"], states["sandbox01"]) == ("Starting", "Starting")
