"""Replays of the exact command lines real clients send for the system settings, profile
apply, VIOS licence, lsmap and lpar_netboot, parsed the way each client parses the answer.

Sources (public repositories; each test names its own):
- IBM/ansible-power-hmc: plugins/module_utils/hmc_resource.py (the command builders
  confSysGenSettings, confSysMem, applyProfileToPartition, runCommandOnVIOS,
  fetchIODetailsForNetboot, installOSFromNIM, getPartitionConfig), with the option strings of
  plugins/module_utils/hmc_command_stack.py (hence the double spaces in `-r mem  -m`);
  plugins/modules/power_system.py (modify_syscfg / modify_hwres idempotency checks),
  plugins/modules/vios.py (installVios, viosLicenseAccept).
- IBM/ansible-power-vios: plugins/modules/mapping_facts.py (`ioscli lsmap ... -fmt ,`
  field positions; here sent through viosvrcmd).
- open-power/op-test: common/OpTestHMC.py (configure_lmb, get_lmb_size,
  configure_16gb_hugepage, get_16gb_hugepage_size).

The parsers below are written for these tests from the field layouts the clients expect;
none of the clients' code is copied.
"""

from __future__ import annotations

import csv

from hmccli_support import SYS

from hmc_tui.console import LocalConsole
from hmc_tui.hmccli import run_command

NIM_IP, GATEWAY, CLIENT_IP, MASK = "10.0.0.5", "10.0.0.1", "10.0.0.20", "255.255.255.0"


def hmc(console: LocalConsole, cmd: str) -> str:
    """What HmcCliConnection.execute gives back: stdout, or an error when the exit status is
    not 0 (stdout and stderr joined, as the client reports them)."""
    result = run_command(console, cmd)
    if result.exit_code != 0:
        raise AssertionError(f"{cmd}: {result.stdout} ERROR MSG => {result.stderr}")
    return result.stdout


def parse_record(text: str) -> dict[str, str]:
    """One `attr=value,...` record, a quoted field holding commas kept whole."""
    fields = next(csv.reader([text.strip()]))
    return dict(field.split("=", 1) for field in fields)


# ---------------------------------------------------------------- power_system module


def test_ansible_modify_syscfg(console: LocalConsole) -> None:
    """power_system action=modify_syscfg: lssyscfg -r sys -m, compare, chsyscfg -r sys -i."""
    def details() -> dict[str, str]:
        res = parse_record(hmc(console, f"lssyscfg -r sys -m {SYS}"))
        res["new_name"] = res.pop("name")
        return res

    wanted = {"new_name": "P10A", "power_off_policy": "0",
              "power_on_lpar_start_policy": "autostart"}
    assert not wanted.items() <= details().items()  # "changed": the module sends the change
    cmd = (f'chsyscfg -r sys -m {SYS} -i "new_name=P10A,power_off_policy=0,'
           'power_on_lpar_start_policy=autostart"')
    assert hmc(console, cmd) == ""
    res = parse_record(hmc(console, "lssyscfg -r sys -m P10A"))
    assert (res["name"], res["power_off_policy"], res["power_on_lpar_start_policy"]) == (
        "P10A", "0", "autostart")


def test_ansible_modify_syscfg_start_policy_is_pending(console: LocalConsole) -> None:
    hmc(console, f'chsyscfg -r sys -m {SYS} -i "power_on_lpar_start_policy=userinit"')
    res = parse_record(hmc(console, f"lssyscfg -r sys -m {SYS}"))
    # The module compares power_on_lpar_start_policy: still the current value until the
    # next power-on, so a second run would send the change again, as on a real HMC.
    assert (res["power_on_lpar_start_policy"], res["pend_power_on_lpar_start_policy"]) == (
        "autostart", "userinit")


def test_ansible_modify_hwres(console: LocalConsole) -> None:
    """power_system action=modify_hwres: lshwres -r mem --level sys, rename the keys as the
    module does, compare, then chhwres -r mem -o s -a."""
    def hwres() -> dict[str, str]:
        res = parse_record(hmc(console, f"lshwres -r mem -m {SYS} --level sys"))
        if "curr_mem_mirroring_mode" in res:
            res["mem_mirroring_mode"] = res.pop("curr_mem_mirroring_mode")
        res["pend_mem_region_size"] = res.pop("mem_region_size")
        return res

    wanted = {"requested_num_sys_huge_pages": "2", "mem_mirroring_mode": "sys_firmware_only",
              "pend_mem_region_size": "auto"}
    before = hwres()
    assert before["mem_mirroring_mode"] == "none"
    assert before["possible_hpt_ratios"] == "1:32,1:64,1:128,1:256,1:512"
    assert not wanted.items() <= before.items()
    cmd = (f'chhwres -r mem  -m {SYS} -o s  -a "requested_num_sys_huge_pages=2,'
           'mem_mirroring_mode=sys_firmware_only,pend_mem_region_size=auto"')
    assert hmc(console, cmd) == ""
    after = parse_record(hmc(console, f"lshwres -r mem -m {SYS} --level sys"))
    assert (after["requested_num_sys_huge_pages"], after["pend_mem_mirroring_mode"],
            after["pend_mem_region_size"]) == ("2", "sys_firmware_only", "auto")


# ---------------------------------------------------------------- op-test


def test_op_test_lmb_and_huge_pages(console: LocalConsole) -> None:
    """OpTestHMC.configure_lmb / get_lmb_size / configure_16gb_hugepage /
    get_16gb_hugepage_size: the -F answers are read as they are."""
    assert hmc(console, f"chhwres -m {SYS} -r mem -o s -a pend_mem_region_size=128") == ""
    assert hmc(console, f"chhwres -m {SYS} -r mem -o s -a requested_num_sys_huge_pages=3") == ""
    assert hmc(console, f"lshwres -r mem -m {SYS} --level sys -F mem_region_size") == "256\n"
    assert hmc(console, f"lshwres -r mem -m {SYS} --level sys "
                        "-F configurable_num_sys_huge_pages") == "0\n"
    hmc(console, f"chsysstate -m {SYS} -r sys -o off --immed --force")
    console.step(30)
    hmc(console, f"chsysstate -m {SYS} -r sys -o on")
    console.step(70)
    assert hmc(console, f"lshwres -r mem -m {SYS} --level sys -F mem_region_size") == "128\n"
    assert hmc(console, f"lshwres -r mem -m {SYS} --level sys "
                        "-F configurable_num_sys_huge_pages") == "3\n"


# ---------------------------------------------------------------- powervm_lpar_instance


def test_ansible_apply_profile_after_create(console: LocalConsole) -> None:
    """powervm_lpar_instance (all_resources): the partition is created, then
    applyProfileToPartition sends chsyscfg -r lpar -n PROFILE -p LPAR -o apply."""
    hmc(console, f'mksyscfg -r lpar -m {SYS} -i "name=lp20,profile_name=default_profile,'
                 'lpar_env=aixlinux,min_mem=1024,desired_mem=2048,max_mem=4096,proc_mode=ded,'
                 'min_procs=1,desired_procs=1,max_procs=1,sharing_mode=keep_idle_procs"')
    cmd = f"chsyscfg -r lpar -m {SYS} -n default_profile -p lp20 -o apply"
    assert hmc(console, cmd) == ""
    res = parse_record(hmc(console, f'lssyscfg -r lpar -m {SYS} --filter "lpar_names=lp20"'))
    assert (res["curr_profile"], res["state"]) == ("default_profile", "Not Activated")


def test_ansible_profile_rename_with_force(console: LocalConsole) -> None:
    """chsyscfg -r prof ... --force -i 'name=..,lpar_name=..,new_name=..' (the profile
    options of hmc_command_stack.py: -I NEW_NAME and --FORCE)."""
    hmc(console, f"chsyscfg -r lpar -m {SYS} -i \"name=was01,sync_curr_profile=1\"")
    cmd = (f"chsyscfg -r prof -m {SYS} --force -i "
           "'name=default_profile,lpar_name=was01,new_name=prod'")
    assert hmc(console, cmd) == ""
    res = parse_record(hmc(console, f'lssyscfg -r lpar -m {SYS} --filter "lpar_names=was01"'))
    assert (res["default_profile"], res["curr_profile"], res["sync_curr_profile"]) == (
        "prod", "prod", "2")


# ---------------------------------------------------------------- NIM install (vios module)


def netboot_rows(stdout: str) -> list[dict[str, str]]:
    """_parseIODetailsFromNetboot's reading: every line not starting with `#`, split on
    whitespace into six named fields."""
    names = ("Type", "Location Code", "MAC Address", "Full Path Name", "Ping Result",
             "Device Type")
    rows = []
    for line in stdout.strip("\n").split("\n"):
        if not line.lstrip().startswith("#"):
            rows.append(dict(zip(names, line.split()[:6], strict=True)))
    return rows


def test_ansible_install_vios_from_nim_then_accept_licence(console: LocalConsole) -> None:
    """vios module: state=installed (fetchIODetailsForNetboot, installOSFromNIM, polling
    rmc_state), then action=accept_license (runCommandOnVIOS 'license -accept')."""
    hmc(console, f"chsysstate -m {SYS} -r lpar -o shutdown --immed -n vios2")
    console.step(5)
    discover = (f"lpar_netboot -A -M -D -n -t ent -S {NIM_IP} -G {GATEWAY} -C {CLIENT_IP} "
                f"-K {MASK} vios2 default_profile {SYS}")
    rows = netboot_rows(hmc(console, discover))
    assert [r["Ping Result"] for r in rows] == ["successful", "unsuccessful"]
    location = next(r["Location Code"] for r in rows if r["Ping Result"] == "successful")
    assert location == "U9080.HEX.78H4A21-V2-C2-T1"
    install = (f"lpar_netboot -f -D -t ent -l {location} -S {NIM_IP} -G {GATEWAY} "
               f"-C {CLIENT_IP} -V 0 -Y 0 -K {MASK} vios2 default_profile {SYS}")
    assert hmc(console, install).endswith("# Finished.\n")
    console.step(120)
    res = parse_record(hmc(console, f'lssyscfg -r lpar -m {SYS} --filter "lpar_names=vios2"'))
    assert res["rmc_state"] == "active"
    # A fresh VIOS: its licence first.
    refused = run_command(console, f'viosvrcmd -m {SYS} -p vios2 -c "lsmap -all -fmt ,"')
    assert refused.exit_code == 1 and refused.stderr.startswith("HSCL0E05 ")
    assert hmc(console, f'viosvrcmd -m {SYS} -p vios2 -c "license -accept"') == ""
    assert hmc(console, f'viosvrcmd -m {SYS} -p vios2 -c "ioslevel"') == "4.1.0.10\n"


def test_ansible_install_of_a_partition_without_virtual_ethernet_fails(
        console: LocalConsole) -> None:
    hmc(console, f'mksyscfg -r lpar -m {SYS} -i "name=lp21,profile_name=p,lpar_env=aixlinux,'
                 'min_mem=1024,desired_mem=2048,max_mem=4096,proc_mode=ded,min_procs=1,'
                 'desired_procs=1,max_procs=1,sharing_mode=keep_idle_procs"')
    result = run_command(console, f"lpar_netboot -A -M -D -n -t ent -S {NIM_IP} -G {GATEWAY} "
                                  f"-C {CLIENT_IP} -K {MASK} lp21 p {SYS}")
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr.startswith("HSCL0E03 The partition lp21 has no virtual Ethernet")


# ---------------------------------------------------------------- mapping_facts (VIOS)


def test_mapping_facts_vscsi_fields(console: LocalConsole) -> None:
    """vscsi_mappings: svsa, physloc, clientid in hex, then six fields per VTD."""
    out = hmc(console, f'viosvrcmd -m {SYS} -p vios1 -c "lsmap -all -cpid 11 -fmt ,"')
    fields = [f.strip() for f in out.splitlines()[0].split(",")]
    assert len(fields) >= 9
    assert (fields[0], int(fields[2], 16)) == ("vhost7", 11)
    vtds = {fields[i]: fields[i + 1:i + 6] for i in range(3, len(fields), 6) if fields[i]}
    assert vtds == {
        "nim01_rootvg": ["Available", "0x8100000000000000", "hdisk8", "", "false"],
        "vtopt0": ["Available", "0x8200000000000000", "/var/vio/VMLibrary/aix73_tl2.iso", "",
                   "N/A"]}


def test_mapping_facts_vscsi_types(console: LocalConsole) -> None:
    out = hmc(console, f'viosvrcmd -m {SYS} -p vios1 -c "lsmap -all -type file_opt -fmt ,"')
    rows = [line.split(",") for line in out.splitlines() if len(line.split(",")) >= 9]
    assert [(r[0], r[3], r[6]) for r in rows] == [
        ("vhost7", "vtopt0", "/var/vio/VMLibrary/aix73_tl2.iso")]


def test_mapping_facts_npiv_fields(console: LocalConsole) -> None:
    """npiv_mappings: twelve fields; clntid and ports as int, flags as hex."""
    hmc(console, f"chsysstate -m {SYS} -r lpar -o shutdown --immed -n hana01")
    console.step(5)
    out = hmc(console, f'viosvrcmd -m {SYS} -p vios1 -c "lsmap -all -npiv -fmt ,"')
    parsed = {}
    for line in out.splitlines():
        f = [x.strip() for x in line.split(",")]
        assert len(f) == 12
        parsed[f[0]] = (int(f[2]), f[5], int(f[8]), int(f[9], 16))
    assert parsed == {"vfchost0": (3, "LOGGED_IN", 2, 10),
                      "vfchost1": (0, "NOT_LOGGED_IN", 0, 4)}


def test_mapping_facts_net_fields(console: LocalConsole) -> None:
    """net_mappings: svea, physloc, sea, backing, status, bdphysloc."""
    out = hmc(console, f'viosvrcmd -m {SYS} -p vios1 -c "lsmap -all -net -fmt ,"')
    rows = {f[0]: f[1:] for f in (line.split(",") for line in out.splitlines())}
    assert rows["ent4"] == ["U9080.HEX.78H4A21-V1-C2-T1", "ent8", "ent0", "Available",
                            "U78DA.ND0.WZS0A21-P0-C2-T1"]
    assert rows["ent5"] == ["U9080.HEX.78H4A21-V1-C3-T1", "", "", "", ""]
