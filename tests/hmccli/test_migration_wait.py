"""`migrlpar -o m` waits until the migration ends, as the HMC's command does
(hmc_tui/hmccli/migration_wait.py): stepping the engine when the front end hands it the clock
(`hmc-tui cmd`), polling a running one, returning at once on a lockstep clock nobody handed
over. Workloads are flat, so the times are the timing model's exact figures (docs/mobility.md
section 2) rounded up to the 10 ms dispatch window the engine ends a step on."""

from __future__ import annotations

import math
import sys
import time
from pathlib import Path

import pytest

_FRAMES = str(Path(__file__).resolve().parents[1] / "engine" / "mobility")
if _FRAMES not in sys.path:
    sys.path.insert(0, _FRAMES)

from hmccli_support import SYS  # noqa: E402
from mobility_frames import DR, dr_frame  # noqa: E402

from engine.hmc import Hmc  # noqa: E402
from engine.mobility import timing  # noqa: E402
from engine.model import Frame, Workload  # noqa: E402
from engine.service import Engine  # noqa: E402
from engine.store import demo_frame, load_hmc, save_hmc  # noqa: E402
from hmc_tui.cli import main  # noqa: E402
from hmc_tui.console import LocalConsole  # noqa: E402
from hmc_tui.hmccli import CommandResult, run_command  # noqa: E402

WAS01 = f"migrlpar -o m -m {SYS} -t {DR} -p was01"
HANA01 = f"migrlpar -o m -m {SYS} -t {DR} -p hana01"
# was01: 4 VPs x 0.4 = 1.6 cores, 320 MB/s dirtied; 32 GB copied at 1250 MB/s
WAS01_DONE = 5 + (32768 - 625) / (1250 - 320) + 0.5 + 0.5  # 40.5624 s
HANA01_STALL = 5 + timing.STALL_S  # 8 dedicated cores busy: 1600 MB/s, never converges


def flat_frames() -> Hmc:
    prod = demo_frame()
    for name, base in (("was01", 0.4), ("hana01", 1.0)):
        p = prod.partition(name)
        assert p is not None
        prod = prod.with_partition(p.model_copy(update={
            "workload": Workload(kind="steady", params={"base": base, "noise": 0.0})}))
    return Hmc(systems=(prod, dr_frame(prod)))


@pytest.fixture
def two() -> LocalConsole:
    return LocalConsole(Engine(flat_frames(), mode="stepped"))


def driven(console: LocalConsole, line: str) -> CommandResult:
    """As `hmc-tui cmd` runs a line: the command may step the engine."""
    return run_command(console, line, step=console.step)


def on(console: LocalConsole, system: str, name: str) -> str:
    p = console.snapshot().system(system).partition(name)
    return "absent" if p is None else p.state


def migrate_events(console: LocalConsole, name: str) -> list[tuple[float, str, str]]:
    return [(e.time, e.code, e.message) for e in console.snapshot().events
            if e.op == "migrate" and e.target == name and e.message]


def test_stepped_wait_returns_when_the_partition_runs_on_the_target(
        two: LocalConsole) -> None:
    result = driven(two, WAS01)
    assert result == CommandResult("", "", 0)
    # the command returned in the dispatch window the migration completed in
    assert two.snapshot().time == pytest.approx(40.57) == math.ceil(WAS01_DONE * 100) / 100
    last = migrate_events(two, "was01")[-1]
    assert last == (pytest.approx(40.57), "",
                    f"migration complete: was01 is running on {DR} as partition ID 4")
    assert (on(two, SYS, "was01"), on(two, DR, "was01")) == ("absent", "Running")


def test_stepped_wait_fails_with_the_stall_error(two: LocalConsole) -> None:
    result = driven(two, HANA01)
    assert result.exit_code == 1 and result.stdout == ""
    assert result.stderr == (
        "HSCL1322 The migration of partition hana01 was stopped: its memory changed faster "
        "(1600 MB/s) than the mover service partitions could copy it (1250 MB/s), so the copy "
        f"made no progress for 120 seconds. The partition keeps running on {SYS}.\n")
    assert two.snapshot().time == HANA01_STALL == 125.0
    assert (on(two, SYS, "hana01"), on(two, DR, "hana01")) == ("Running", "absent")


def test_wait_bounded_by_w_stops_the_migration(two: LocalConsole) -> None:
    result = driven(two, HANA01 + " -w 1")
    assert result.exit_code == 1
    assert result.stderr == (
        "HSCL1337 The migration of partition hana01 did not complete within 1 minute(s), the "
        "wait time given (migrlpar -w): it was stopped and the partition keeps running on "
        f"{SYS}.\n")
    assert two.snapshot().time == 60.0  # the stop at exactly one engine minute
    assert (on(two, SYS, "hana01"), on(two, DR, "hana01")) == ("Running", "absent")
    assert not two.snapshot().system(SYS).migrations
    # a bound the migration fits in changes nothing
    assert driven(two, WAS01 + " -w 1") == CommandResult("", "", 0)
    assert two.snapshot().time == pytest.approx(60.0 + 40.57)


def test_w_0_and_a_lockstep_clock_return_once_started(two: LocalConsole) -> None:
    assert driven(two, WAS01 + " -w 0") == CommandResult("", "", 0)
    assert two.snapshot().time == 0.0
    assert on(two, SYS, "was01") == "Migrating - Running"
    # nobody handed the lockstep clock over (a test, a headless replay): no wait either
    assert run_command(two, HANA01) == CommandResult("", "", 0)
    assert two.snapshot().time == 0.0
    assert on(two, SYS, "hana01") == "Migrating - Running"


def test_w_must_be_whole_minutes(two: LocalConsole) -> None:
    result = driven(two, WAS01 + " -w soon")
    assert (result.exit_code, result.stderr) == (
        1, "HSCL1334 The migration input -w is not valid: 'soon' is not a whole number of "
        "minutes\n")
    assert on(two, SYS, "was01") == "Running"  # refused before anything started


def test_a_paused_clock_returns_once_started() -> None:
    engine = Engine(flat_frames(), mode="accelerated", speed=200.0)
    console = LocalConsole(engine)
    engine.start()
    try:
        engine.pause()
        assert run_command(console, WAS01) == CommandResult("", "", 0)
        assert on(console, SYS, "was01") == "Migrating - Running"
    finally:
        engine.stop()


def test_running_clock_is_polled_until_the_migration_ends() -> None:
    engine = Engine(flat_frames(), mode="accelerated", speed=200.0)
    console = LocalConsole(engine)
    engine.start()
    try:
        started = time.monotonic()
        result = run_command(console, WAS01)
        wall = time.monotonic() - started
        snap = console.snapshot()
    finally:
        engine.stop()
    assert result == CommandResult("", "", 0)
    done = migrate_events(console, "was01")[-1]
    assert done[2] == f"migration complete: was01 is running on {DR} as partition ID 4"
    assert done[0] == pytest.approx(WAS01_DONE, abs=0.011)
    assert snap.time >= done[0]  # it answered after the completion, not before
    assert (on(console, SYS, "was01"), on(console, DR, "was01")) == ("absent", "Running")
    assert wall < 5.0  # 40.6 engine seconds at 200x: about 0.2 s


def test_hmc_tui_cmd_steps_the_engine_through_the_migration(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "frame.toml"
    save_hmc(flat_frames(), path)
    args = ["--frame", str(path), "cmd", "--clock", "stopped"]
    assert main([*args, WAS01]) == 0
    assert capsys.readouterr() == ("", "")
    saved = load_hmc(path)
    systems: dict[str, Frame] = {f.system.name: f for f in saved.systems}
    assert systems[SYS].partition("was01") is None
    moved = systems[DR].partition("was01")
    assert moved is not None and moved.state == "Running"
    assert saved.engine_time == pytest.approx(40.57)
    assert main([*args, HANA01]) == 1
    assert capsys.readouterr().err.startswith("HSCL1322 The migration of partition hana01")
    assert load_hmc(path).engine_time == pytest.approx(40.57 + 125.0)
