"""rmsyscfg --vioscfg / --vdisk and mksyscfg -o save on the command line: the frame after."""

from __future__ import annotations

from hmccli_support import SYS

from engine.model import VirtualScsi
from hmc_tui.hmccli import run_command


def test_rmsyscfg_vioscfg_removes_the_server_adapter(console) -> None:  # type: ignore[no-untyped-def]
    result = run_command(console, f"rmsyscfg -r lpar -m {SYS} -n sandbox01 --vioscfg")
    assert (result.exit_code, result.stdout, result.stderr) == (0, "", "")
    frame = console.snapshot().frame
    assert frame.partition("sandbox01") is None
    assert frame.partition("vios1").adapter(20) is None
    events = [e for e in console.snapshot().events if e.op == "delete_lpar"]
    assert events[-1].command == f"rmsyscfg -r lpar -m {SYS} -n sandbox01 --vioscfg"


def test_rmsyscfg_without_vioscfg_keeps_it_serving_any(console) -> None:  # type: ignore[no-untyped-def]
    assert run_command(console, f"rmsyscfg -r lpar -m {SYS} --id 10").exit_code == 0
    assert console.snapshot().frame.partition("vios1").adapter(20) == VirtualScsi(
        slot=20, side="server")


def test_rmsyscfg_vdisk_needs_vioscfg(console) -> None:  # type: ignore[no-untyped-def]
    result = run_command(console, f"rmsyscfg -r lpar -m {SYS} -n sandbox01 --vdisk")
    assert result.exit_code != 0
    assert result.stderr.strip().endswith("The parameters that are missing or have an invalid "
                                          "value are --vioscfg. Please check your entry and "
                                          "retry the command.")
    assert console.snapshot().frame.partition("sandbox01") is not None


def test_mksyscfg_save_is_journaled_as_typed(console) -> None:  # type: ignore[no-untyped-def]
    line = f"mksyscfg -r prof -m {SYS} -o save -p was01 -n saved"
    assert run_command(console, line).exit_code == 0
    assert [e.command for e in console.snapshot().events if e.op == "save_profile"] == [line]
    again = run_command(console, line)
    assert again.exit_code != 0 and "HSCL0A06" in again.stderr
    assert run_command(console, line + " --force").exit_code == 0
