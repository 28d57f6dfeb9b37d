"""chsyscfg -r sys, chhwres -r mem -o s, -o apply, sync_curr_profile, the VIOS licence,
lsmap selections and lpar_netboot: what each changes, when pending values apply, and the
HMC's refusals (exact codes, texts and exit statuses)."""

from __future__ import annotations

import pytest
from hmccli_support import SYS

from engine.roles import Actor
from engine.service import Engine
from engine.store import demo_frame
from hmc_tui.console import LocalConsole
from hmc_tui.hmccli import CommandResult, run_command

V1 = f"viosvrcmd -m {SYS} -p vios1 -c"
V2 = f"viosvrcmd -m {SYS} -p vios2 -c"
NIM = "-S 10.0.0.5 -G 10.0.0.1 -C 10.0.0.20"


def ok(console: LocalConsole, line: str) -> str:
    result = run_command(console, line)
    assert result.exit_code == 0, (line, result)
    assert result.stderr == ""
    return result.stdout


def refused(console: LocalConsole, line: str) -> str:
    result = run_command(console, line)
    assert result.exit_code == 1, (line, result)
    assert result.stdout == ""
    assert result.stderr.endswith("\n") and result.stderr.count("\n") == 1
    return result.stderr.rstrip("\n")


def field(console: LocalConsole, line: str) -> str:
    return ok(console, line).rstrip("\n")


def power_cycle(console: LocalConsole) -> None:
    ok(console, f"chsysstate -m {SYS} -r sys -o off --immed --force")
    console.step(30)
    ok(console, f"chsysstate -m {SYS} -r sys -o on")
    console.step(70)


# ---------------------------------------------------------------- chsyscfg -r sys


def test_power_off_needs_force_while_partitions_run(console: LocalConsole) -> None:
    error = refused(console, f"chsysstate -m {SYS} -r sys -o off")
    assert error == (f"HSCL1220 The managed system {SYS} cannot be powered off: 9 "
                     "partition(s) are active (vios1, vios2, oradb01, was01, hana01, ibmi01, "
                     "dev01, test01, nim01). Shut them down first, or specify --force to shut "
                     "them down immediately.")
    assert field(console, f"lssyscfg -r sys -m {SYS} -F state") == "Operating"
    ok(console, f"chsysstate -m {SYS} -r sys -o off --force")
    assert field(console, f"lssyscfg -r sys -m {SYS} -F state") == "Power Off In Progress"
    console.step(30)
    assert field(console, f"lssyscfg -r sys -m {SYS} -F state") == "Power Off"


def test_rename_the_system_and_change_its_policies(console: LocalConsole) -> None:
    ok(console, f'chsyscfg -r sys -m {SYS} -i "new_name=P10-A,power_off_policy=0,'
                'power_on_lpar_start_policy=userinit"')
    assert field(console, "lssyscfg -r sys -F name,power_off_policy,power_on_lpar_start_policy,"
                          "pend_power_on_lpar_start_policy") == "P10-A,0,autostart,userinit"
    # The old name is gone; the new one and type-model*serial both work.
    assert refused(console, f"lssyscfg -r lpar -m {SYS} -F name") == (
        f"HSCL8014 The managed system {SYS} was not found.")
    assert field(console, "lssyscfg -r lpar -m P10-A --filter lpar_ids=9 -F name") == "dev02"
    assert field(console, "lssyscfg -r lpar -m 9080-HEX*78H4A21 --filter lpar_ids=9 -F name") \
        == "dev02"


def test_the_start_policy_takes_effect_at_the_next_power_on(console: LocalConsole) -> None:
    ok(console, f"chsyscfg -r prof -m {SYS} -i 'name=default_profile,lpar_name=dev02,"
                "auto_start=1'")
    ok(console, f'chsyscfg -r sys -m {SYS} -i "power_on_lpar_start_policy=userinit"')
    power_cycle(console)
    assert field(console, "lssyscfg -r sys -F state,power_on_lpar_start_policy,"
                          "pend_power_on_lpar_start_policy") == "Operating,userinit,userinit"
    # userinit: no partition starts by itself, auto_start or not.
    assert field(console, f"lssyscfg -r lpar -m {SYS} --filter lpar_names=dev02 -F state") \
        == "Not Activated"
    ok(console, f'chsyscfg -r sys -m {SYS} -i "power_on_lpar_start_policy=autostart"')
    power_cycle(console)
    assert field(console, f"lssyscfg -r lpar -m {SYS} --filter lpar_names=dev02 -F state") \
        != "Not Activated"


@pytest.mark.parametrize(("attrs", "error"), [
    ("power_off_policy=2", "HSCL0E01 The power_off_policy value 2 is not valid: it must be one "
                           "of 0, 1."),
    ("power_on_lpar_start_policy=always", "HSCL0E01 The power_on_lpar_start_policy value "
     "always is not valid: it must be one of autostart, userinit, autorecovery."),
    # IBM documents no character set for system names (engine/rules/names.py): the length
    ("new_name=" + "S" * 64, "HSCL0A16 The managed system name " + "S" * 64 + " is not "
                             "valid: a managed system name has at most 63 characters, not 64."),
    ("max_lpars=10", "An invalid attribute was entered.  The invalid attribute is max_lpars."
                     "  Please correct your entry and retry the command."),
    ("power_off_policy+=1", "An invalid attribute was entered.  The invalid attribute is "
                            "power_off_policy+.  Please correct your entry and retry the command."),
])
def test_bad_system_settings_change_nothing(console: LocalConsole, attrs: str,
                                            error: str) -> None:
    before = ok(console, "lssyscfg -r sys")
    assert refused(console, f'chsyscfg -r sys -m {SYS} -i "{attrs}"') == error
    assert ok(console, "lssyscfg -r sys").split(",sys_time=")[0] == before.split(
        ",sys_time=")[0]


def test_system_profiles_are_not_supported(console: LocalConsole) -> None:
    assert refused(console, f"chsyscfg -r sysprof -m {SYS} -i 'name=x'") == (
        "HSCLC001 The operation chsyscfg -r sysprof is not supported by this management "
        "console.")


def test_a_viewer_may_not_change_the_system() -> None:
    viewer = LocalConsole(Engine(demo_frame(), mode="stepped"),
                          actor=Actor(user="guest", role="hmcviewer"))
    result = run_command(viewer, f'chsyscfg -r sys -m {SYS} -i "new_name=x"')
    assert (result.exit_code, result.stderr) == (1, "HSCL350B The user guest does not have the "
                                                    "appropriate authority to perform partition "
                                                    "configuration tasks.\n")


# ---------------------------------------------------------------- chhwres -r mem -o s


MEM_F = ("mem_region_size,pend_mem_region_size,configurable_num_sys_huge_pages,"
         "requested_num_sys_huge_pages,curr_mem_mirroring_mode,pend_mem_mirroring_mode,"
         "curr_avail_sys_mem")


def test_system_memory_settings_are_pending_until_power_on(console: LocalConsole) -> None:
    ok(console, f'chsyscfg -r sys -m {SYS} -i "power_on_lpar_start_policy=userinit"')
    ok(console, f'chhwres -r mem -m {SYS} -o s -a "requested_num_sys_huge_pages=4,'
                'mem_mirroring_mode=sys_firmware_only,pend_mem_region_size=128"')
    assert field(console, f"lshwres -r mem -m {SYS} --level sys -F {MEM_F}") == (
        "256,128,0,4,none,sys_firmware_only,594176")
    power_cycle(console)
    # All partitions are off (userinit): configurable 1572864 MB less the hypervisor's
    # base (hardware catalog) less 4 huge pages of 16384 MB.
    base = console.snapshot().frame.hardware.hypervisor_base_mem_mb
    assert field(console, f"lshwres -r mem -m {SYS} --level sys -F {MEM_F}") == (
        f"128,128,4,4,sys_firmware_only,sys_firmware_only,{1572864 - base - 4 * 16384}")


def test_auto_region_size_is_the_firmwares_choice(console: LocalConsole) -> None:
    ok(console, f"chhwres -r mem -m {SYS} -o s -a pend_mem_region_size=auto")
    assert field(console, f"lshwres -r mem -m {SYS} --level sys -F mem_region_size,"
                          "pend_mem_region_size") == "256,auto"
    power_cycle(console)
    assert field(console, f"lshwres -r mem -m {SYS} --level sys -F mem_region_size,"
                          "pend_mem_region_size") == "256,256"


@pytest.mark.parametrize(("attrs", "error"), [
    ("requested_num_sys_huge_pages=96", "HSCL0E01 The requested_num_sys_huge_pages value 96 "
     "is not valid: the managed system can hold at most 95 huge pages of 16384 MB."),
    ("requested_num_sys_huge_pages=-1", "HSCL0E01 The requested_num_sys_huge_pages value -1 "
     "is not valid: it must be a whole number of huge pages."),
    ("mem_mirroring_mode=full", "HSCL0E01 The mem_mirroring_mode value full is not valid: it "
                                "must be one of none, sys_firmware_only."),
    ("pend_mem_region_size=512", "HSCL0E01 The pend_mem_region_size value 512 is not valid: "
                                 "it must be one of auto, 16, 32, 64, 128, 256."),
    ("mem_region_size=128", "An invalid attribute was entered.  The invalid attribute is "
                            "mem_region_size.  Please correct your entry and retry the command."),
])
def test_bad_memory_settings_are_refused(console: LocalConsole, attrs: str, error: str) -> None:
    assert refused(console, f'chhwres -r mem -m {SYS} -o s -a "{attrs}"') == error
    assert field(console, f"lshwres -r mem -m {SYS} --level sys -F requested_num_sys_huge_pages,"
                          "pend_mem_region_size,pend_mem_mirroring_mode") == "0,256,none"


def test_partition_memory_set_is_still_a_usage_error(console: LocalConsole) -> None:
    assert "-p" in refused(console, f"chhwres -r mem -m {SYS} -o s -p was01 -a 'x=1'")


# ---------------------------------------------------------------- -o apply, sync, --force


def test_apply_a_profile_to_a_shut_down_partition(console: LocalConsole) -> None:
    ok(console, f"mksyscfg -r prof -m {SYS} -o save -p was01 -n saved")
    ok(console, f"chsyscfg -r lpar -m {SYS} -n default_profile -p dev02 -o apply")
    assert field(console, f"lssyscfg -r lpar -m {SYS} --filter lpar_names=dev02 "
                          "-F curr_profile,state") == "default_profile,Not Activated"
    assert refused(console, f"chsyscfg -r lpar -m {SYS} -o apply -p was01 -n saved") == (
        "HSCL3681 The partition was01 is already active. The operation cannot be performed.")
    assert refused(console, f"chsyscfg -r lpar -m {SYS} -o apply --id 9 -n nosuch") == (
        "HSCL8013 The profile named nosuch was not found for partition dev02.")
    assert "-p" in refused(console, f"chsyscfg -r lpar -m {SYS} -o apply -n default_profile")
    # Without -n (IBM's synopsis makes it optional): the current, else the default profile.
    ok(console, f"mksyscfg -r prof -m {SYS} -i 'name=second,lpar_name=sandbox01,min_mem=1024,"
                "desired_mem=2048,max_mem=4096,proc_mode=ded,min_procs=1,desired_procs=1,"
                "max_procs=1,sharing_mode=keep_idle_procs'")
    ok(console, f"chsyscfg -r lpar -m {SYS} -o apply -p sandbox01")
    assert field(console, f"lssyscfg -r lpar -m {SYS} --filter lpar_names=sandbox01 "
                          "-F curr_profile") == "default_profile"
    ok(console, f"chsyscfg -r lpar -m {SYS} -o apply -p sandbox01 -n second")
    ok(console, f"chsyscfg -r lpar -m {SYS} -o apply --id 10")
    assert field(console, f"lssyscfg -r lpar -m {SYS} --filter lpar_names=sandbox01 "
                          "-F curr_profile") == "second"
    assert "-i" in refused(console, f"chsyscfg -r lpar -m {SYS} -o apply -p dev02 -n x -i a=1")


def test_sync_protects_the_current_profile_unless_forced(console: LocalConsole) -> None:
    ok(console, f"chsyscfg -r lpar -m {SYS} -i 'name=was01,sync_curr_profile=1'")
    assert field(console, f"lssyscfg -r lpar -m {SYS} --filter lpar_names=was01 "
                          "-F sync_curr_profile") == "1"
    change = (f"chsyscfg -r prof -m {SYS} -i 'name=default_profile,lpar_name=was01,"
              "desired_mem=16384'")
    assert refused(console, change) == (
        "HSCL0E02 The profile default_profile is the current profile of partition was01, "
        "whose current configuration is synchronized with it (sync_curr_profile=1). Specify "
        "--force to change it; synchronization is then suspended until the next activation "
        "or apply.")
    ok(console, change + " --force")
    assert field(console, f"lssyscfg -r prof -m {SYS} --filter lpar_names=was01 "
                          "-F desired_mem") == "16384"
    assert field(console, f"lssyscfg -r lpar -m {SYS} --filter lpar_names=was01 "
                          "-F sync_curr_profile") == "2"
    # Another profile, or a partition without sync, needs no --force.
    ok(console, f"chsyscfg -r prof -m {SYS} -i 'name=default_profile,lpar_name=dev01,"
                "desired_mem=8192'")


def test_apply_resumes_a_suspended_sync(console: LocalConsole) -> None:
    ok(console, f"chsyscfg -r lpar -m {SYS} -i 'name=dev02,sync_curr_profile=2'")
    ok(console, f"chsyscfg -r lpar -m {SYS} -o apply -p dev02 -n default_profile")
    assert field(console, f"lssyscfg -r lpar -m {SYS} --filter lpar_names=dev02 "
                          "-F sync_curr_profile") == "1"


def test_rename_and_sync_in_one_record(console: LocalConsole) -> None:
    ok(console, f"chsyscfg -r lpar -m {SYS} -i 'name=dev02,new_name=dev02b,sync_curr_profile=1'")
    assert field(console, f"lssyscfg -r lpar -m {SYS} --filter lpar_ids=9 "
                          "-F name,sync_curr_profile") == "dev02b,1"
    assert refused(console, f"chsyscfg -r lpar -m {SYS} -i 'name=dev02b,sync_curr_profile=3'") \
        == "HSCL0E01 The sync_curr_profile value 3 is not valid: it must be 0, 1 or 2."


# ---------------------------------------------------------------- VIOS licence, lsmap


def reinstall_vios2(console: LocalConsole) -> None:
    ok(console, f"lpar_netboot -f -t ent {NIM} vios2 default_profile {SYS}")
    console.step(120)
    assert field(console, f"lssyscfg -r lpar -m {SYS} --filter lpar_names=vios2 "
                          "-F state,rmc_state") == "Running,active"


def test_a_reinstalled_vios_asks_for_its_licence(console: LocalConsole) -> None:
    reinstall_vios2(console)
    assert field(console, f"{V2} 'license'") == "The license has not been accepted"
    assert field(console, f"{V2} ioslevel") == "4.1.0.10"
    denied = ("HSCL0E05 The Virtual I/O Server license on vios2 has not been accepted. Run "
              "license -accept first.")
    assert refused(console, f"{V2} 'lsmap -all'") == denied
    assert refused(console, f"{V2} 'mkvdev -vdev hdisk8 -vadapter vhost6'") == denied
    assert ok(console, f"{V2} 'license -accept'") == ""
    assert field(console, f"{V2} license") == "The license has been accepted"
    # A fresh install: the virtual adapters are the partition's, the mappings are gone.
    assert ok(console, f"{V2} 'lsmap -all -fmt ,'").splitlines()[0] == (
        "vhost0,U9080.HEX.78H4A21-V2-C13,0x00000003")
    assert ok(console, f"{V2} 'lsmap -all -net -fmt ,'").splitlines()[0] == (
        "ent4,U9080.HEX.78H4A21-V2-C2-T1,,,,")


def test_licence_accept_needs_rmc(console: LocalConsole) -> None:
    ok(console, f"chsysstate -m {SYS} -r lpar -o shutdown --immed -n vios2")
    console.step(5)
    assert refused(console, f"{V2} 'license -accept'") == (
        "HSCL0B02 The partition vios2 is in state Not Activated; the operation cannot be "
        "performed while it is in this state.")


def test_lsmap_selections(console: LocalConsole) -> None:
    assert ok(console, f"{V1} 'lsmap -all -cpid 3 -fmt ,'") == (
        "vhost0,U9080.HEX.78H4A21-V1-C13,0x00000003,oradb01_rootvg,Available,"
        "0x8100000000000000,hdisk2,,false\n")
    assert ok(console, f"{V1} 'lsmap -all -cpid 0x3 -fmt ,'") == ok(
        console, f"{V1} 'lsmap -cpid 3 -fmt ,'")
    assert ok(console, f"{V1} 'lsmap -all -cpid 2'") == "No results were found.\n"
    assert ok(console, f"{V1} 'lsmap -all -type disk -fmt :'").count("\n") == 7
    assert "vtopt0" not in ok(console, f"{V1} 'lsmap -all -type disk -fmt :'")
    assert ok(console, f"{V1} 'lsmap -all -type optical tape'") == "No results were found.\n"
    assert "-type" in refused(console, f"{V1} 'lsmap -all -type cdrom'")
    assert "-type" in refused(console, f"{V1} 'lsmap -all -npiv -type disk'")
    assert "-net" in refused(console, f"{V1} 'lsmap -all -net -cpid 3'")
    assert "-cpid" in refused(console, f"{V1} 'lsmap -all -cpid three'")


# ---------------------------------------------------------------- lpar_netboot


def test_netboot_boots_the_partition_from_the_network(console: LocalConsole) -> None:
    """sandbox01 has no OS (an activation stops at a boot-device error); after a network
    boot it runs the installed OS through the lifecycle's boot sequence."""
    out = ok(console, f"lpar_netboot -D -t ent -s auto -d auto {NIM} sandbox01 "
                      f"default_profile {SYS}")
    assert out.splitlines()[-5:] == [
        "# /vdevice/l-lan@3000000a ping successful.", "# Network booting install adapter.",
        "# bootp sent over network.", "# Network boot proceeding, lpar_netboot is exiting.",
        "# Finished."]
    assert field(console, f"lssyscfg -r lpar -m {SYS} --filter lpar_names=sandbox01 "
                          "-F state,curr_profile") == "Starting,default_profile"
    console.step(120)
    assert field(console, f"lssyscfg -r lpar -m {SYS} --filter lpar_names=sandbox01 "
                          "-F state,rmc_state") == "Running,active"
    assert field(console, f"lsrefcode -r lpar -m {SYS} --filter lpar_names=sandbox01 "
                          "-F refcode") == ""


def test_discovery_stops_at_open_firmware(console: LocalConsole) -> None:
    out = ok(console, f"lpar_netboot -M -n -D -t ent {NIM} dev02 default_profile {SYS}")
    rows = [line.split() for line in out.splitlines() if not line.startswith("#")]
    assert rows == [["ent", "U9080.HEX.78H4A21-V9-C10-T1", "fa2c7d09000a",
                     "/vdevice/l-lan@3000000a", "successful", "virtual"]]
    console.step(30)
    assert field(console, f"lssyscfg -r lpar -m {SYS} --filter lpar_names=dev02 -F state") \
        == "Open Firmware"
    # Booting now needs -f: the partition is active.
    assert refused(console, f"lpar_netboot -t ent {NIM} dev02 default_profile {SYS}") == (
        "HSCL3681 The partition dev02 is already active. The operation cannot be performed.")


def test_a_partition_without_virtual_ethernet_is_refused(console: LocalConsole) -> None:
    ok(console, f"mksyscfg -r lpar -m {SYS} -i 'name=bare,profile_name=p,lpar_env=aixlinux,"
                "min_mem=1024,desired_mem=2048,max_mem=4096,proc_mode=ded,min_procs=1,"
                "desired_procs=1,max_procs=1,sharing_mode=keep_idle_procs'")
    assert refused(console, f"lpar_netboot -t ent {NIM} bare p {SYS}") == (
        "HSCL0E03 The partition bare has no virtual Ethernet adapter, so it cannot be booted "
        "from the network.")
    assert refused(console, f"lpar_netboot -t ent -l U9080.HEX.78H4A21-V9-C4-T1 {NIM} dev02 "
                            f"default_profile {SYS}") == (
        "HSCL0E03 The partition dev02 has no virtual Ethernet adapter "
        "U9080.HEX.78H4A21-V9-C4-T1, so it cannot be booted from the network.")
    assert field(console, f"lssyscfg -r lpar -m {SYS} --filter lpar_names=bare -F state") \
        == "Not Activated"


def test_an_unreachable_server_fails_the_ping(console: LocalConsole) -> None:
    ok(console, f"chhwres -r virtualio -m {SYS} -o r -p dev02 --rsubtype eth -s 10")
    ok(console, f"chhwres -r virtualio -m {SYS} -o a -p dev02 --rsubtype eth -s 10 "
                "-a 'port_vlan_id=999'")
    out = ok(console, f"lpar_netboot -M -n -D -t ent {NIM} dev02 default_profile {SYS}")
    assert out.splitlines()[-1].split()[4] == "unsuccessful"
    console.step(30)
    assert refused(console, f"lpar_netboot -f -D -t ent {NIM} dev02 default_profile {SYS}") == (
        "HSCL0E04 The network adapter /vdevice/l-lan@3000000a of partition dev02 cannot reach "
        "the boot server 10.0.0.5: ping unsuccessful.")
    # Refused as a whole: the forced power-off did not happen either.
    assert field(console, f"lssyscfg -r lpar -m {SYS} --filter lpar_names=dev02 -F state") \
        == "Open Firmware"


@pytest.mark.parametrize(("line", "flags"), [
    (f"lpar_netboot -t ent dev02 default_profile {SYS}", "-S"),
    (f"lpar_netboot -M -t ent dev02 default_profile {SYS}", "-M, -n"),
    (f"lpar_netboot -t ent -S 10.0.0.5 -G 10.0.0.1 -C 10.0.0.x dev02 default_profile {SYS}",
     "-C"),
    (f"lpar_netboot -t tok {NIM} dev02 default_profile {SYS}", "-t"),
    (f"lpar_netboot -t ent {NIM} dev02 default_profile", "-C"),  # operands: the last 3
])
def test_netboot_usage_errors(console: LocalConsole, line: str, flags: str) -> None:
    assert refused(console, line).endswith(
        f"The parameters that are missing or have an invalid value are {flags}. Please check "
        "your entry and retry the command.")


def test_ibm_i_does_not_boot_from_the_network(console: LocalConsole) -> None:
    assert refused(console, f"lpar_netboot -f -t ent {NIM} ibmi01 default_profile {SYS}") == (
        "HSCL0B09 The operation requires a network-bootable (AIX, Linux or VIOS) partition; "
        "ibmi01 is a os400 partition.")
    assert field(console, f"lssyscfg -r lpar -m {SYS} --filter lpar_names=ibmi01 -F state") \
        == "Running"


def test_netboot_unknown_names(console: LocalConsole) -> None:
    assert refused(console, f"lpar_netboot -t ent {NIM} nosuch default_profile {SYS}") == (
        "HSCL8012 The partition named nosuch was not found.")
    assert refused(console, f"lpar_netboot -t ent {NIM} dev02 default_profile OTHER") == (
        "HSCL8014 The managed system OTHER was not found.")


def test_help_lists_the_operands(console: LocalConsole) -> None:
    result: CommandResult = run_command(console, "lpar_netboot --help")
    assert result.exit_code == 0
    assert "<partition name> <profile name> <managed system>" in result.stdout


def test_the_new_operations_survive_the_operation_log() -> None:
    """The durable log stores operations as JSON and rebuilds them with engine.ops.build."""
    from engine import ops

    for op in (ops.ChangeSystem(new_name="P", power_off_policy=0,
                                power_on_lpar_start_policy="autorecovery"),
               ops.ChangeSystemMemory(requested_num_sys_huge_pages=2, pend_mem_region_size="auto"),
               ops.ChangeSystemMemory(pend_mem_region_size=64, mem_mirroring_mode="none"),
               ops.ApplyProfile(lpar="dev02", profile="p"),
               ops.SetProfileSync(lpar="dev02", sync_curr_profile=1),
               ops.NetbootPartition(lpar="dev02", profile="p", discover=True, ping=True,
                                    mac="a2:00", server="10.0.0.5"),
               ops.AcceptViosLicense(vios="vios1")):
        assert ops.build(op.model_dump(mode="json")) == op
