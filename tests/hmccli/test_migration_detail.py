"""migrlpar -d DETAIL and --protectstorage on the command line: what -o v prints at each
level, and bad values refused with one line naming the option."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

_FRAMES = str(Path(__file__).resolve().parents[1] / "engine" / "mobility")
if _FRAMES not in sys.path:
    sys.path.insert(0, _FRAMES)

from hmccli_support import SYS  # noqa: E402
from mobility_frames import DR, dr_frame  # noqa: E402

from engine.hmc import Hmc  # noqa: E402
from engine.service import Engine  # noqa: E402
from engine.store import demo_frame  # noqa: E402
from hmc_tui.console import LocalConsole  # noqa: E402
from hmc_tui.hmccli import CommandResult, run_command  # noqa: E402

NIM = f"migrlpar -o v -m {SYS} -t {DR} -p nim01"
HSCL1327 = ("HSCL1327 The virtual SCSI adapter in slot 2 of partition nim01 cannot be hosted "
            "on the destination managed system: it uses the virtual optical device vtopt0, "
            "which cannot migrate.")
BLOCK = ["VIOS_DETAILED_ERROR",
         "vios1: vtopt0 maps /var/vio/VMLibrary/aix73_tl2.iso (file), not a physical volume",
         "End Detailed Message."]
HSCL1339 = ("HSCL1339 Storage protection cannot be turned off for the active migration of "
            "partition nim01 (--protectstorage 2 applies to inactive migrations): its virtual "
            "storage must be reachable on the target.")
HOSTS = ["drvios1: hosts the virtual SCSI client adapter in slot 2 of nim01",
         "drvios2: hosts the virtual SCSI client adapter in slot 3 of nim01"]


@pytest.fixture
def two() -> LocalConsole:
    prod = demo_frame()
    return LocalConsole(Engine(Hmc(systems=(prod, dr_frame(prod))), mode="stepped"))


def run(console: LocalConsole, line: str) -> CommandResult:
    return run_command(console, line)


def test_detail_levels(two: LocalConsole) -> None:
    def err(extra: str) -> list[str]:
        r = run(two, f"{NIM} {extra}")
        assert (r.exit_code, r.stdout) == (1, "")
        return r.stderr.splitlines()

    assert err("") == err("-d 1") == [HSCL1327]
    assert err("-d 2") == [HSCL1327, *BLOCK]
    # warnings get their block from level 3 (HSCL1339 has none: it is the HMC's own)
    assert err("-d 2 --protectstorage 2") == [HSCL1327, *BLOCK, HSCL1339]
    assert err("-d 3") == [HSCL1327, *BLOCK]
    assert err("-d 4") == [HSCL1327, *BLOCK, *HOSTS]
    assert err("-d 5") == [HSCL1327, *BLOCK, *HOSTS,
                           "mover service partitions: vios1 -> drvios1",
                           f"shared processor pool on {DR}: DefaultPool",
                           f"partition ID on {DR}: 11"]
    assert err("-d 5 --nodetails") == [HSCL1327]
    clean = run(two, f"migrlpar -o v -m {SYS} -t {DR} -p was01 -d 4")
    assert (clean.exit_code, clean.stdout.splitlines()) == (0, [
        "drvios1: hosts the virtual SCSI client adapter in slot 2 of was01",
        "drvios2: hosts the virtual SCSI client adapter in slot 3 of was01"])


@pytest.mark.parametrize(("extra", "line"), [
    ("-d 0", "HSCL1334 The migration input -d is not valid: '0' is not a detail level from "
             "1 to 5"),
    ("-d 6", "HSCL1334 The migration input -d is not valid: '6' is not a detail level from "
             "1 to 5"),
    ("--protectstorage 3", "HSCL1334 The migration input --protectstorage is not valid: "
                           "'3' is not 1 or 2"),
    ("--protectstorage yes", "HSCL1334 The migration input --protectstorage is not valid: "
                             "'yes' is not 1 or 2"),
])
@pytest.mark.parametrize("op", ["v", "m"])
def test_bad_values_are_refused_in_one_line(two: LocalConsole, op: str, extra: str,
                                            line: str) -> None:
    r = run(two, f"migrlpar -o {op} -m {SYS} -t {DR} -p was01 {extra}")
    assert (r.exit_code, r.stdout, r.stderr.rstrip("\n")) == (1, "", line)
    assert run(two, f"lslparmigr -r lpar -m {SYS} --filter lpar_names=was01").stdout == (
        "name=was01,lpar_id=4,migration_state=Not Migrating\n")


def test_protectstorage_2_migrates_an_inactive_partition_without_its_storage(
        two: LocalConsole) -> None:
    # dev02 (Not Activated) loses its LUN on the DR frame: validate refuses, unless 2
    frames = two.snapshot().frames
    dr = frames[1]
    disks = tuple(d.model_copy(update={"unique_id": "OTHER"}) if d.name == "hdisk7" else d
                  for d in dr.io.disks)
    blind = dr.model_copy(update={"io": dr.io.model_copy(update={"disks": disks})})
    c = LocalConsole(Engine(Hmc(systems=(frames[0], blind)), mode="stepped"))
    base = f"migrlpar -o v -m {SYS} -t {DR} -p dev02"
    assert run(c, base).exit_code == 1
    ok = run(c, f"{base} --protectstorage 2")
    assert ok.exit_code == 0
    assert [line[:8] for line in ok.stdout.splitlines()] == ["HSCL1327", "HSCL1327",
                                                             "HSCL1338", "HSCL1338"]
    moved = run(c, f"migrlpar -o m -m {SYS} -t {DR} -p dev02 --protectstorage 2 -w 0")
    assert (moved.exit_code, moved.stderr) == (0, "")
    c.step(10)
    assert c.snapshot().system(DR).partition("dev02") is not None
