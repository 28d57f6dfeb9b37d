"""Golden output of every command and main option against the demo frame.

Regenerate after an intended format change with `HMCCLI_UPDATE_GOLDEN=1 pytest
tests/hmccli/test_golden.py`, then read the diff against docs/hmc-commands.md: a
golden file that enshrines a wrong format is worse than none.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hmccli_support import SYS, UtilConsole

from hmc_tui.hmccli import run_command

GOLDEN = Path(__file__).parent / "golden"
UPDATE = os.environ.get("HMCCLI_UPDATE_GOLDEN") == "1"
V1 = f"viosvrcmd -m {SYS} -p vios1 -c"

# name -> (command, setup commands run first, engine seconds stepped before the command)
CASES: dict[str, tuple[str, tuple[str, ...], float]] = {
    "lssyscfg_r_sys": ("lssyscfg -r sys", (), 0),
    "lssyscfg_r_sys_F": ("lssyscfg -r sys -F name,serial_num,state", (), 0),
    "lssyscfg_r_sys_F_type_model": ("lssyscfg -r sys -F name,type_model,serial_num,state",
                                    (), 0),
    # resource_config=0 for Not Activated partitions without resources, as the real POWER5
    # capture prints it for its Not Activated `dump` (ziutus/hmc_vios_aix, lssyscfg_r_lpar).
    "lssyscfg_r_lpar": (f"lssyscfg -r lpar -m {SYS}", (), 0),
    "lssyscfg_r_lpar_F_header": (
        f"lssyscfg -r lpar -m {SYS} -F name,lpar_id,lpar_env,state --header", (), 0),
    "lssyscfg_r_lpar_F_colon": (f"lssyscfg -r lpar -m {SYS} -F name:state:rmc_state", (), 0),
    "lssyscfg_r_lpar_filter_ids": (f'lssyscfg -r lpar -m {SYS} --filter "lpar_ids=1,9"', (), 0),
    "lssyscfg_r_prof": (f"lssyscfg -r prof -m {SYS}", (), 0),
    "lssyscfg_r_prof_filter": (
        f"lssyscfg -r prof -m {SYS} --filter 'lpar_names=oradb01,profile_names=month_end'",
        (), 0),
    "lssyscfg_r_prof_F_adapters": (
        f"lssyscfg -r prof -m {SYS} --filter lpar_names=vios1 "
        "-F name,virtual_eth_adapters,virtual_fc_adapters", (), 0),
    "lssyscfg_r_sysprof": (f"lssyscfg -r sysprof -m {SYS}", (), 0),
    "lshwres_r_proc_level_sys": (f"lshwres -r proc -m {SYS} --level sys", (), 0),
    "lshwres_r_mem_level_sys": (f"lshwres -r mem -m {SYS} --level sys", (), 0),
    # Attribute order as the real POWER5 capture (ziutus/hmc_vios_aix, 9131-52A_proc_lpar.txt),
    # with the pool name right after the pool id as HMC V7+ prints it.
    "lshwres_r_proc_level_lpar": (f"lshwres -r proc -m {SYS} --level lpar", (), 0),
    "lshwres_r_mem_level_lpar": (f"lshwres -r mem -m {SYS} --level lpar", (), 0),
    "lshwres_r_proc_level_pool": (f"lshwres -r proc -m {SYS} --level pool", (), 0),
    "lshwres_r_procpool": (f"lshwres -r procpool -m {SYS} --filter pool_ids=0,1,2", (), 0),
    "lshwres_r_procpool_F": (
        f"lshwres -r procpool -m {SYS} -F name:max_pool_proc_units:curr_reserved_pool_proc_units"
        ":lpar_names --filter pool_names=DefaultPool,DevTestPool", (), 0),
    "lshwres_virtualio_eth": (f"lshwres -r virtualio --rsubtype eth --level lpar -m {SYS}",
                              (), 0),
    "lshwres_virtualio_scsi": (f"lshwres -r virtualio --rsubtype scsi --level lpar -m {SYS}",
                               (), 0),
    "lshwres_virtualio_fc": (f"lshwres -r virtualio --rsubtype fc --level lpar -m {SYS}",
                             (), 0),
    "lshwres_virtualio_serial": (
        f"lshwres -r virtualio --rsubtype serial --level lpar -m {SYS} --filter lpar_ids=1,9",
        (), 0),
    "lshwres_virtualio_slot": (f"lshwres -r virtualio --rsubtype slot --level lpar -m {SYS}",
                               (), 0),
    "lshwres_virtualio_vswitch": (
        f"lshwres -r virtualio --rsubtype vswitch --level sys -m {SYS}", (), 0),
    "lshwres_io_slot": (f"lshwres -r io --rsubtype slot -m {SYS}", (), 0),
    "lsrefcode_r_lpar": (f"lsrefcode -r lpar -m {SYS} -F lpar_name,time_stamp,refcode",
                         (f"chsysstate -m {SYS} -r lpar -o on -n dev02",), 10),
    "lsrefcode_r_lpar_default": (f"lsrefcode -r lpar -m {SYS} --filter lpar_names=dev02",
                                 (f"chsysstate -m {SYS} -r lpar -o on -n dev02",), 4),
    "lsrefcode_r_sys": (f"lsrefcode -r sys -m {SYS}", (), 0),
    # the last 6 codes of each partition, newest first, each with the time it was posted
    "lsrefcode_r_lpar_n": (
        f"lsrefcode -r lpar -m {SYS} -n 6 --filter lpar_names=dev02,was01 "
        "-F lpar_name,time_stamp,refcode",
        (f"chsysstate -m {SYS} -r lpar -o on -n dev02",), 20),
    "lshmc_V": ("lshmc -V", (), 0),
    "lssysconn_r_all": ("lssysconn -r all", (), 0),
    "lsmap_all": (f"{V1} 'lsmap -all'", (), 0),
    "lsmap_all_fmt": (f'{V1} "lsmap -all -fmt :"', (), 0),
    "lsmap_vadapter": (f"{V1} 'lsmap -vadapter vhost7'", (), 0),
    "lsmap_all_npiv": (f"{V1} 'lsmap -all -npiv'", (), 0),
    "lsmap_all_npiv_not_logged_in": (
        f"{V1} 'lsmap -all -npiv'", (f"chsysstate -m {SYS} -r lpar -o shutdown --immed -n hana01",),
        5),
    "lsmap_all_npiv_fmt": (f"viosvrcmd -m {SYS} -p vios2 -c 'lsmap -all -npiv -fmt :'", (), 0),
    "lsmap_all_net": (f"{V1} 'lsmap -all -net'", (), 0),
    "lsdev_virtual": (f"{V1} 'lsdev -virtual'", (), 0),
    "lsdev_type_adapter": (f"{V1} 'lsdev -type adapter'", (), 0),
    "lsdev_dev_sea_attr": (f"{V1} 'lsdev -dev ent8 -attr'", (), 0),
    "lsdev_dev_attr_one": (f"{V1} 'lsdev -dev ent8 -attr ha_mode'", (), 0),
    "lsdev_field_fmt": (f"{V1} 'lsdev -type adapter -field name physloc -fmt :'", (), 0),
    "lspv": (f"{V1} lspv", (), 0),
    "lspv_size": (f"{V1} 'lspv -size'", (), 0),
    "lsrep": (f"{V1} lsrep", (), 0),
    "lsrep_empty": (f"viosvrcmd -m {SYS} -p vios2 -c lsrep", (), 0),
    "lsnports": (f"{V1} lsnports", (), 0),
    "ioslevel": (f"{V1} ioslevel", (), 0),
    "mkvdev_vdev": (f"{V1} 'lsmap -vadapter vhost6'",
                    (f"{V1} 'mkvdev -fbo -vadapter vhost6'",
                     f"{V1} 'loadopt -disk aix73_tl2.iso -vtd vtopt1'",
                     f"{V1} 'mkvdev -vdev hdisk7 -vadapter vhost6 -dev dup'"), 0),
    # VIOS storage listings (tests/hmccli/test_vios_commands.py cites the layouts)
    "lspv_free": (f"{V1} 'lspv -free'", (f"{V1} 'rmvdev -vtd vtscsi3'",), 0),
    "lsdev_type_disk": (f"{V1} 'lsdev -type disk'", (), 0),
    "lsdev_dev_hdisk_attr": (f"{V1} 'lsdev -dev hdisk2 -attr'", (), 0),
    "lsdev_dev_fcs_attr": (f"{V1} 'lsdev -dev fcs0 -attr'", (), 0),
    "lsdev_dev_fcs_attr_two": (f"{V1} 'lsdev -dev fcs0 -attr num_cmd_elems max_xfer_size'",
                               (), 0),
    "lspath": (f"{V1} 'lspath'", (), 0),
    "lsvopt": (f"{V1} lsvopt", (f"{V1} 'mkvdev -fbo -vadapter vhost6'",), 0),
    "lsrep_mkrep": (f"viosvrcmd -m {SYS} -p vios2 -c lsrep",
                    (f"viosvrcmd -m {SYS} -p vios2 -c 'mkrep -sp rootvg -size 10G'",), 0),
    "help": ("help", (), 0),
    "lssyscfg_help": ("lssyscfg --help", (), 0),
    "chsysstate_help": ("chsysstate --help", (), 0),
    "lshwres_help": ("lshwres --help", (), 0),
    "viosvrcmd_help": ("viosvrcmd --help", (), 0),
}
# Events of three commands (one refused) and of the partition that starts, 5 minutes later.
_EVENTS = (f"chsysstate -m {SYS} -r lpar -o on -n dev02",
           f"chsysstate -m {SYS} -r lpar -o on -n oradb01",
           f"chhwres -m {SYS} -r mem -o a -p was01 -q 256")
CASES.update({
    "lssvcevents_console": ("lssvcevents -t console", _EVENTS, 300),
    "lssvcevents_console_F": (
        "lssvcevents -t console -F time,user_name,task_role,result,command --header "
        "--filter operations=activate", _EVENTS, 300),
    "lssvcevents_console_d0_targets": (
        "lssvcevents -t console -d 0 --filter targets=dev02 -F time:operation:target:text",
        _EVENTS, 300),
    # 08:01:00.5 less one minute: the commands at 08:00:00 are out, dev02's start is in
    "lssvcevents_console_i": ("lssvcevents -t console -i 1", _EVENTS, 60.5),
    "lssvcevents_hardware": ("lssvcevents -t hardware", _EVENTS, 0),
    "lssvcevents_help": ("lssvcevents --help", (), 0),
    "mkvterm_help": ("mkvterm --help", (), 0),
    "rmvterm_help": ("rmvterm --help", (), 0),
    "vtmenu_help": ("vtmenu --help", (), 0),
})


UTIL_CASES: dict[str, str] = {
    "lslparutil_lpar": f"lslparutil -r lpar -m {SYS} -n 2 --filter lpar_names=oradb01,hana01",
    "lslparutil_lpar_F": (f"lslparutil -m {SYS} -r lpar --filter lpar_names=oradb01 "
                          "-F time,entitled_cycles,capped_cycles,uncapped_cycles"),
    "lslparutil_pool": f"lslparutil -r pool -m {SYS} -n 2",
    "lslparutil_procpool": f"lslparutil -r procpool -m {SYS} -n 1",
    "lslparutil_sys": f"lslparutil -r sys -m {SYS} -n 1",
    "lslparutil_long_window": f"lslparutil -r pool -m {SYS} -h 1 -F time,time_cycles --header",
    "lslparutil_config": f"lslparutil -r config -m {SYS}",
}


def check(name: str, text: str) -> None:
    path = GOLDEN / f"{name}.txt"
    if UPDATE:
        path.write_text(text, encoding="utf-8")
    assert path.exists(), f"no golden file {path.name}: run with HMCCLI_UPDATE_GOLDEN=1"
    assert text == path.read_text(encoding="utf-8")


@pytest.mark.parametrize("name", sorted(CASES))
def test_golden(name: str, console) -> None:  # type: ignore[no-untyped-def]
    line, setup, seconds = CASES[name]
    for command in setup:
        done = run_command(console, command)
        assert done.exit_code in (0, 1), done  # a setup step may be a refusal on purpose
    if seconds:
        console.step(seconds)
    result = run_command(console, line)
    assert result.exit_code == 0, result.stderr
    assert result.stderr == ""
    check(name, result.stdout)


@pytest.mark.parametrize("name", sorted(UTIL_CASES))
def test_golden_utilisation(name: str, util_console: UtilConsole) -> None:
    result = run_command(util_console, UTIL_CASES[name])
    assert result.exit_code == 0, result.stderr
    check(name, result.stdout)


def test_no_results_when_utilisation_is_empty(console) -> None:  # type: ignore[no-untyped-def]
    result = run_command(console, f"lslparutil -r lpar -m {SYS}")
    assert (result.stdout, result.exit_code) == ("No results were found.\n", 0)
