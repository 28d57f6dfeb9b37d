"""Changing commands run engine operations with the console's actor and change the frame."""

from __future__ import annotations

from hmccli_support import SYS

from engine.model import VirtualEth, VirtualScsi
from hmc_tui.hmccli import run_command

V1 = f"viosvrcmd -m {SYS} -p vios1 -c"


def ok(console, line: str) -> str:  # type: ignore[no-untyped-def]
    result = run_command(console, line)
    assert result.exit_code == 0, (line, result.stderr)
    return result.stdout


def lpar(console, name: str):  # type: ignore[no-untyped-def]
    return console.snapshot().frame.partition(name)


def test_activate_boot_modes_and_shutdowns(console) -> None:  # type: ignore[no-untyped-def]
    ok(console, f"chsysstate -m {SYS} -r lpar -o on -n dev02 -f default_profile -b sms")
    assert lpar(console, "dev02").state == "Starting"
    console.step(10)
    assert lpar(console, "dev02").state == "Open Firmware"
    ok(console, f"chsysstate -m {SYS} -r lpar -o shutdown --immed -n dev02")
    console.step(5)
    assert lpar(console, "dev02").state == "Not Activated"
    ok(console, f"chsysstate -m {SYS} -r lpar --id 9 -o on")
    console.step(120)
    assert (lpar(console, "dev02").state, lpar(console, "dev02").rmc_state) == ("Running",
                                                                               "active")
    ok(console, f"chsysstate -m {SYS} -r lpar -o osshutdown --restart -n dev02")
    assert lpar(console, "dev02").state == "Shutting Down"
    console.step(31)
    assert lpar(console, "dev02").state in ("Starting", "Running")
    ok(console, f"chsysstate -m {SYS} -r lpar -o dumprestart -n was01")
    console.step(3)
    assert lpar(console, "was01").state == "Starting"


def test_the_journal_records_the_cli_operation(console) -> None:  # type: ignore
    ok(console, f"chsysstate -m {SYS} -r lpar -o on -n dev02")
    event = next(e for e in reversed(console.snapshot().events) if e.op == "activate")
    assert (event.user, event.role, event.target, event.ok) == (
        "hscroot", "hmcsuperadmin", "dev02", True)
    assert event.command.startswith(f"chsysstate -m {SYS} -r lpar -o on -n dev02")


def test_system_power(console) -> None:  # type: ignore[no-untyped-def]
    ok(console, f"chsysstate -m {SYS} -r sys -o off --immed --force")
    console.step(30)
    assert console.snapshot().frame.system.state == "Power Off"
    assert ok(console, f"lssyscfg -r lpar -m {SYS} -F state --filter lpar_ids=3") == \
        "Not Activated\n"
    ok(console, f"chsysstate -m {SYS} -r sys -o onstandby")
    console.step(61)
    assert console.snapshot().frame.system.state == "Standby"


def test_dlpar_processors_memory_and_weight(console) -> None:  # type: ignore[no-untyped-def]
    ok(console, f"chhwres -m {SYS} -r proc -o a -p oradb01 --procunits 0.5 --procs 1")
    ok(console, f"chhwres -m {SYS} -r mem -o r -p was01 -q 1024")
    ok(console, f"chhwres -m {SYS} -r proc -o s -p test01 -a uncap_weight=64")
    cur = lpar(console, "oradb01").current
    assert (cur.desired_proc_units, cur.desired_procs) == (4.5, 9)
    assert lpar(console, "was01").current.desired_mem == 32768 - 1024
    assert lpar(console, "test01").current.uncap_weight == 64
    console.step(5)
    ok(console, f"chhwres -m {SYS} -r proc -o m -p oradb01 -t was01 --procunits 0.25")
    assert lpar(console, "was01").current.desired_proc_units == 1.75
    assert ok(console, f"lshwres -r proc -m {SYS} --level lpar --filter lpar_names=was01 "
                       "-F curr_proc_units,run_proc_units") == "1.75,1.75\n"


def test_pools(console) -> None:  # type: ignore[no-untyped-def]
    ok(console, f"chhwres -m {SYS} -r procpool -o s --poolid 2 "
                "-a max_pool_proc_units=4,reserved_pool_proc_units=0.25,new_name=Batch")
    assert ok(console, f"lshwres -r procpool -m {SYS} --filter pool_names=Batch "
                       "-F shared_proc_pool_id,max_pool_proc_units") == "2,4\n"
    ok(console, f"chhwres -m {SYS} -r procpool -o s -p was01 --poolname Batch")
    assert lpar(console, "was01").current.shared_proc_pool_id == 2
    ok(console, f"chhwres -m {SYS} -r procpool -o s --id 4 -a shared_proc_pool_id=0")
    assert lpar(console, "was01").current.shared_proc_pool_id == 0


def test_virtual_adapters_dynamically(console) -> None:  # type: ignore[no-untyped-def]
    ok(console, f"chhwres -m {SYS} -r virtualio --rsubtype eth -o a -p was01 -s 11 "
                "-a 'port_vlan_id=20,ieee_virtual_eth=1,\"addl_vlan_ids=21,22\"'")
    added = lpar(console, "was01").adapter(11)
    assert isinstance(added, VirtualEth) and added.vlans == (21, 22) and added.mac
    console.step(5)
    ok(console, f"chhwres -m {SYS} -r virtualio --rsubtype eth -o r -p was01 -s 11")
    assert lpar(console, "was01").adapter(11) is None
    ok(console, f"chhwres -m {SYS} -r virtualio --rsubtype scsi -o a -p vios1 "
                "-a adapter_type=server")  # next free slot, any client
    assert isinstance(lpar(console, "vios1").adapter(4), VirtualScsi)


def test_create_change_and_remove_partitions_and_profiles(console) -> None:  # type: ignore
    ok(console, f"chhwres -m {SYS} -r virtualio --rsubtype scsi -o a -p vios1 -s 30 "
                "-a adapter_type=server,remote_lpar_id=any")
    ok(console, f"mksyscfg -r lpar -m {SYS} -i 'name=lp1,lpar_id=20,profile_name=normal,"
                "lpar_env=aixlinux,min_mem=2048,desired_mem=4096,max_mem=8192,"
                "proc_mode=shared,min_proc_units=0.1,desired_proc_units=0.5,"
                "max_proc_units=1.0,min_procs=1,desired_procs=2,max_procs=2,"
                "sharing_mode=uncap,uncap_weight=100,shared_proc_pool_name=DevTestPool,"
                "\"virtual_scsi_adapters=2/client/1/vios1/30/1\","
                "virtual_eth_adapters=10/0/30//0/1'")
    new = lpar(console, "lp1")
    assert new.id == 20 and new.profile("normal").shared_proc_pool_id == 1
    assert {a.slot for a in new.adapters} == {2, 10}
    # a profile line copied from lssyscfg -r prof works as mksyscfg input
    line = ok(console, f"lssyscfg -r prof -m {SYS} --filter lpar_names=lp1").strip()
    ok(console, f"mksyscfg -r prof -m {SYS} -i '{line.replace('name=normal', 'name=copy', 1)}'")
    assert lpar(console, "lp1").profile("copy") == new.profile("normal").model_copy(
        update={"name": "copy"})
    ok(console, f"chsyscfg -r prof -m {SYS} -i 'name=copy,lpar_id=20,desired_mem+=1024,"
                "max_procs=4,virtual_eth_adapters+=11/0/10//0/0,"
                "virtual_scsi_adapters-=2/client/1/vios1/30/1'")
    changed = lpar(console, "lp1")
    assert changed.profile("copy").desired_mem == 5120
    assert changed.profile("copy").max_procs == 4
    assert {a.slot for a in changed.adapters} == {10, 11}
    ok(console, f"chsyscfg -r prof -m {SYS} -i 'name=copy,lpar_name=lp1,"
                "virtual_eth_adapters=10/0/30//0/1'")  # = keeps 10, drops 11
    assert {a.slot for a in lpar(console, "lp1").adapters} == {10}
    ok(console, f"chsyscfg -r prof -m {SYS} -i 'name=copy,lpar_name=lp1,new_name=renamed'")
    ok(console, f"rmsyscfg -r prof -m {SYS} -n renamed -p lp1")
    assert [p.name for p in lpar(console, "lp1").profiles] == ["normal"]
    ok(console, f"rmsyscfg -r lpar -m {SYS} -n lp1")
    assert lpar(console, "lp1") is None


def test_save_current_configuration(console) -> None:  # type: ignore[no-untyped-def]
    ok(console, f"chhwres -m {SYS} -r mem -o a -p was01 -q 2048")
    ok(console, f"mksyscfg -r prof -m {SYS} -o save -p was01 -n now")
    assert lpar(console, "was01").profile("now").desired_mem == 32768 + 2048
    refused = run_command(console, f"mksyscfg -r prof -m {SYS} -o save -p was01 -n now")
    assert refused.stderr.startswith("HSCL0A06 ")
    ok(console, f"mksyscfg -r prof -m {SYS} -o save -p was01 -n default_profile --force")
    assert lpar(console, "was01").profile("default_profile").desired_mem == 32768 + 2048


def test_vios_mappings(console) -> None:  # type: ignore[no-untyped-def]
    assert ok(console, f"{V1} 'rmvdev -vtd vtscsi3'") == "vtscsi3 deleted\n"
    assert ok(console, f"{V1} 'mkvdev -vdev hdisk7 -vadapter vhost6'") == "vtscsi3 Available\n"
    assert ok(console, f"{V1} 'rmvdev -vdev hdisk7'") == "vtscsi3 deleted\n"
    assert ok(console, f"{V1} 'rmdev -dev vtopt0'") == "vtopt0 deleted\n"
    assert ok(console, f"{V1} 'vfcmap -vadapter vfchost1 -fcp'") == "vfchost1 changed\n"
    assert [m.vfchost_slot for m in lpar(console, "vios1").npiv_mappings] == [43]
    assert ok(console, f"{V1} 'vfcmap -vadapter vfchost1 -fcp fcs0'") == "vfchost1 changed\n"
    assert "Flags:a<LOGGED_IN,STRIP_MERGE>" in ok(console, f"{V1} 'lsmap -vadapter vfchost1 "
                                                           "-npiv'")
    assert ok(console, f"{V1} 'rmdev -dev ent8'") == "ent8 deleted\n"
    made = ok(console, f"{V1} 'mkvdev -sea ent0 -vadapter ent4 -default ent4 -defaultid 1 "
                       "-attr ha_mode=auto ctl_chan=ent5'")
    assert made == "ent6 Available\n"  # the first free entN after ent0-ent5
    sea = lpar(console, "vios1").seas[0]
    assert (sea.trunk_slots, sea.default_slot, sea.ctl_chan_slot) == ((2,), 2, 3)
