"""The console drill of issue 14, examples/macros/sms-boot-from-iso.toml, replayed headless:
activate nim01 in SMS mode, open its terminal window, boot its CD-ROM from the SMS menus, log
in, `lparstat -i`, close the window. It needs the guest OS programs (AIX's login and shell)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from hmc_tui.macros.headless import run_headless
from hmc_tui.macros.load import load_macro
from hmc_tui.macros.session import resolve_frame

pytest.importorskip("engine.vterm.guest.aix", reason="the guest OS programs (AIX) are needed")

DRILL = Path(__file__).resolve().parents[2] / "examples" / "macros" / "sms-boot-from-iso.toml"


async def test_sms_boot_from_iso_drill(tmp_path: Path) -> None:
    loaded = load_macro(DRILL)
    report, console = await run_headless(loaded, resolve_frame(loaded.macro.header, DRILL,
                                                               None))
    assert (report.ok, report.failure) == (True, "")
    assert {s.status for s in report.steps} == {"ok"}
    assert report.partitions["nim01"] == {"state": "Running", "refcode": "", "proc_units": 0.5,
                                          "procs": 1, "memory": 8192}
    assert console.engine._systems[0].hub.open_ids() == ()  # the window closed its session
    # The boot went through SMS: nim01 stopped at Open Firmware before the CD-ROM boot.
    by_kind = [(s.kind, s.detail) for s in report.steps]
    assert ("wait", "after 8.00 s: nim01 is Open Firmware, 0.50 PU, 1 procs, 8192 MB") in by_kind
    report.write(tmp_path / "report.json")
    assert json.loads((tmp_path / "report.json").read_text())["exit_code"] == 0
