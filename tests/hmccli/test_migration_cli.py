"""migrlpar and lslparmigr between two managed systems: the demo E1080 and a DR E1050
(tests/mobility_frames.py). Golden files hold the listings."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

# the DR frame the engine's mobility tests use (a directory of test files only)
_FRAMES = str(Path(__file__).resolve().parents[1] / "engine" / "mobility")
if _FRAMES not in sys.path:
    sys.path.insert(0, _FRAMES)

from hmccli_support import SYS  # noqa: E402
from mobility_frames import DR, dr_frame  # noqa: E402
from test_golden import check  # noqa: E402

from engine.hmc import Hmc  # noqa: E402
from engine.model import Workload  # noqa: E402
from engine.service import Engine  # noqa: E402
from engine.store import demo_frame  # noqa: E402
from hmc_tui.console import LocalConsole  # noqa: E402
from hmc_tui.hmccli import CommandResult, run_command  # noqa: E402


@pytest.fixture
def two() -> LocalConsole:
    prod = demo_frame()
    was01 = prod.partition("was01")
    assert was01 is not None  # a flat workload: 1.6 cores, 320 MB/s dirtied
    prod = prod.with_partition(was01.model_copy(update={
        "workload": Workload(kind="steady", params={"base": 0.4, "noise": 0.0})}))
    return LocalConsole(Engine(Hmc(systems=(prod, dr_frame(prod))), mode="stepped"))


def run(console: LocalConsole, line: str) -> CommandResult:
    return run_command(console, line)


GOLDEN = {
    "lslparmigr_msp": f"lslparmigr -r msp -m {SYS} -t {DR}",
    "lslparmigr_virtualio": f"lslparmigr -r virtualio -m {SYS} -t {DR} "
                            "--filter lpar_names=oradb01,was01,hana01",
    "lslparmigr_procpool": f"lslparmigr -r procpool -m {SYS} -t {DR} "
                           "--filter lpar_names=was01,dev01",
}


@pytest.mark.parametrize("name", sorted(GOLDEN))
def test_listings_golden(name: str, two: LocalConsole) -> None:
    result = run(two, GOLDEN[name])
    assert (result.exit_code, result.stderr) == (0, "")
    check(name, result.stdout)


def test_validate_clean_and_refused(two: LocalConsole) -> None:
    assert run(two, f"migrlpar -o v -m {SYS} -t {DR} -p was01").exit_code == 0
    bad = run(two, f"migrlpar -o v -m {SYS} -t {DR} -p nim01,vios1")
    assert bad.exit_code == 1
    assert [line[:8] for line in bad.stderr.splitlines()] == ["HSCL1327", "HSCL1320"]
    assert run(two, f"migrlpar -o v -m {SYS} -t nosuch -p was01").stderr.startswith(
        "HSCL8014 ")
    opts = run(two, f'migrlpar -o v -m {SYS} -t {DR} -p was01 -i "dest_lpar_id=2"')
    assert opts.stderr.startswith("HSCL132C The partition ID 2 cannot be used")
    wrong = run(two, f'migrlpar -o v -m {SYS} -t {DR} -p was01 -i "colour=red"')
    assert (wrong.exit_code, wrong.stderr.split(" ")[0]) == (1, "HSCL1334")


def test_migrate_then_list_progress_and_completion(two: LocalConsole) -> None:
    started = run(two, f'migrlpar -o m -m {SYS} -t {DR} -p was01 '
                       f'-i "virtual_scsi_mappings=""2/drvios2/2,3/drvios1/1"",dest_lpar_id=44"')
    assert (started.exit_code, started.stderr) == (0, "")
    two.step(15)
    listing = run(two, f"lslparmigr -r lpar -m {SYS} --filter lpar_names=was01").stdout
    # 10 s of copy at 1250 MB/s, 320 MB/s dirtied: 32768 - 9300 = 23468 MB left
    assert listing == (
        "name=was01,lpar_id=4,migration_state=Migration In Progress,migration_type=active,"
        f"dest_sys_name={DR},dest_lpar_id=44,source_msp_name=vios1,source_msp_id=1,"
        "dest_msp_name=drvios1,dest_msp_id=1,bytes_transmitted=13107200000,"
        "bytes_remaining=24607981568\n")
    assert run(two, f"lslparmigr -r sys -m {DR} -F num_active_migrations_in_progress"
               ).stdout == "1\n"
    state = run(two, f"lssyscfg -r lpar -m {SYS} --filter lpar_names=was01 -F state")
    assert state.stdout == "Migrating - Running\n"
    two.step(40)
    done = run(two, f"lslparmigr -r lpar -m {DR} --filter lpar_names=was01").stdout
    assert done == "name=was01,lpar_id=44,migration_state=Not Migrating\n"
    drvios2 = two.snapshot().system(DR).partition("drvios2")
    assert drvios2 is not None  # client slot 2 went to drvios2, as asked
    assert [(a.slot, a.remote_lpar_id, a.remote_slot) for a in drvios2.adapters
            if a.type == "scsi"] == [(10, 44, 2)]
    assert [(m.vtd, m.backing) for m in drvios2.vscsi_mappings] == [("vtscsi0", "hdisk3")]


def test_stop(two: LocalConsole) -> None:
    assert run(two, f"migrlpar -o m -m {SYS} -t {DR} --id 4").exit_code == 0
    two.step(8)
    assert run(two, f"migrlpar -o s -m {SYS} -p was01").exit_code == 0
    assert run(two, f"lslparmigr -r lpar -m {SYS} --filter lpar_names=was01").stdout == (
        "name=was01,lpar_id=4,migration_state=Not Migrating\n")
    again = run(two, f"migrlpar -o r -m {SYS} -p was01")
    assert again.stderr.startswith("HSCL0D0F ")
