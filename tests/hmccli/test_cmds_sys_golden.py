"""Golden output of chsyscfg -r sys / chhwres -r mem -o s effects, lsmap field layouts, the
VIOS licence and lpar_netboot against the demo frame.

Regenerate after an intended format change with `HMCCLI_UPDATE_GOLDEN=1 pytest
tests/hmccli/test_cmds_sys_golden.py` and read the diff against docs/hmc-commands.md.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hmccli_support import SYS

from hmc_tui.console import LocalConsole
from hmc_tui.hmccli import run_command

GOLDEN = Path(__file__).parent / "golden"
UPDATE = os.environ.get("HMCCLI_UPDATE_GOLDEN") == "1"
V1 = f"viosvrcmd -m {SYS} -p vios1 -c"
V2 = f"viosvrcmd -m {SYS} -p vios2 -c"
NIM = "-S 10.0.0.5 -G 10.0.0.1 -C 10.0.0.20 -K 255.255.255.0"
SETTINGS = (f'chsyscfg -r sys -m {SYS} -i "power_off_policy=0,'
            'power_on_lpar_start_policy=autorecovery"',
            f'chhwres -r mem -m {SYS} -o s -a "requested_num_sys_huge_pages=8,'
            'mem_mirroring_mode=sys_firmware_only,pend_mem_region_size=128"')

# name -> (command, setup commands, engine seconds stepped before the command)
CASES: dict[str, tuple[str, tuple[str, ...], float]] = {
    "cmds_sys_lssyscfg_r_sys_pending": ("lssyscfg -r sys", SETTINGS, 0),
    "cmds_sys_lshwres_mem_sys_pending": (f"lshwres -r mem -m {SYS} --level sys", SETTINGS, 0),
    "cmds_sys_lssyscfg_r_lpar_sync": (
        f"lssyscfg -r lpar -m {SYS} -F name,curr_profile,sync_curr_profile",
        (f"chsyscfg -r lpar -m {SYS} -i 'name=was01,sync_curr_profile=1'",
         f"chsyscfg -r lpar -m {SYS} -o apply -p dev02 -n default_profile"), 0),
    "cmds_sys_lsmap_all_fmt_comma": (f'{V1} "lsmap -all -fmt ,"', (), 0),
    "cmds_sys_lsmap_all_npiv_fmt_comma": (f'{V1} "lsmap -all -npiv -fmt ,"', (), 0),
    "cmds_sys_lsmap_cpid": (f'{V1} "lsmap -cpid 11"', (), 0),
    "cmds_sys_lsmap_npiv_cpid": (f'{V2} "lsmap -all -npiv -cpid 3"', (), 0),
    "cmds_sys_lsmap_type_file_opt": (f'{V1} "lsmap -all -type file_opt"', (), 0),
    "cmds_sys_lsmap_type_disk_fmt": (f'{V1} "lsmap -all -type disk -fmt :"', (), 0),
    "cmds_sys_lsmap_all_net_fmt_comma": (f'{V1} "lsmap -all -net -fmt ,"', (), 0),
    "cmds_sys_lsmap_npiv_fmt_not_logged_in": (
        f'{V1} "lsmap -all -npiv -fmt ,"',
        (f"chsysstate -m {SYS} -r lpar -o shutdown --immed -n hana01",), 5),
    "cmds_sys_license_status": (f'{V1} "license"', (), 0),
    "cmds_sys_netboot_discover": (
        f"lpar_netboot -A -M -D -n -t ent {NIM} dev02 default_profile {SYS}", (), 0),
    "cmds_sys_netboot_boot": (
        f"lpar_netboot -f -D -t ent -s auto -d auto {NIM} nim01 normal {SYS}", (), 0),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_golden(console: LocalConsole, name: str) -> None:
    line, setup, seconds = CASES[name]
    for pre in setup:
        assert run_command(console, pre).exit_code == 0, pre
    if seconds:
        console.step(seconds)
    result = run_command(console, line)
    assert result.exit_code == 0, result
    out = result.stdout
    path = GOLDEN / f"{name}.txt"
    if UPDATE:
        path.write_text(out, encoding="utf-8")
    assert out == path.read_text(encoding="utf-8"), name
