"""chhwfault / lshwfault (hmc-tui's own) and lssvcevents -t hardware listing their events."""

from __future__ import annotations

from hmccli_support import SYS

from hmc_tui.console import LocalConsole

INJ = f"chhwfault -m {SYS} -o inject"


def test_inject_list_and_clear(run, console: LocalConsole) -> None:  # type: ignore
    assert run(f"{INJ} -t port_down -l vios1:ent0").exit_code == 0
    console.step(90)
    assert run(f'{INJ} -t core -l "core 7"').exit_code == 0
    assert run(f"lshwfault -m {SYS} -r fault").stdout == (
        "kind=port_down,target=U78DA.ND0.WZS0A21-P0-C2-T1,since=01/05/2026 08:00:00,"
        "amount=0,problem_num=1\n"
        "kind=core,target=core 7,since=01/05/2026 08:01:30,amount=1,problem_num=2\n")
    assert run(f"lshwfault -m {SYS} -r sea -F vios,sea,priority,ha_mode,state,vlans").stdout \
        == 'vios1,ent8,1,auto,LIMBO,none\nvios2,ent8,2,auto,PRIMARY,"1,10,20,30"\n'
    assert run(f"lshwres -r proc --level sys -m {SYS} -F configurable_sys_proc_units"
               ).stdout == "39.0\n"
    assert run("lssvcevents -t hardware -F problem_num,refcode,status,callhome_intended,text"
               ).stdout == (
        "2,B113E504,Open,true,Processor core deconfigured (core 7)\n"
        "1,B7006A8B,Open,true,Ethernet port link down (ent0 of vios1)\n")
    assert run(f"chhwfault -m {SYS} -o clear -t port_down -l vios1:ent0").exit_code == 0
    assert run("lssvcevents -t hardware --filter status=closed -F problem_num,refcode"
               ).stdout == "1,B7006A8B\n"
    assert run("lssvcevents -t hardware --filter refcodes=B113E504 -F problem_num"
               ).stdout == "2\n"
    console.step(120)
    assert run(f"{INJ} -t dimm --size 32").exit_code == 0
    assert run("lssvcevents -t hardware -i 1 -F problem_num,text").stdout == \
        "3,Memory DIMM deconfigured (dimm 0)\n"  # the last minute only
    assert run(f"lshwfault -m {SYS} -r sea -F vios,state").stdout == \
        "vios1,PRIMARY\nvios2,BACKUP\n"


def test_paths_of_a_client(run) -> None:  # type: ignore[no-untyped-def]
    assert run(f"chsysstate -m {SYS} -r lpar -o shutdown --immed -n vios2").exit_code == 0
    assert run(f"lshwfault -m {SYS} -r path -p oradb01 -F name,status,parent,vios --header"
               ).stdout == (
        "name,status,parent,vios\n"
        "hdisk0,Enabled,vscsi0,vios1\nhdisk0,Failed,vscsi1,vios2\n"
        "hdisk1,Enabled,fscsi0,vios1\nhdisk1,Failed,fscsi1,vios2\n")


def test_refusals(run) -> None:  # type: ignore[no-untyped-def]
    result = run(f"{INJ} -t port_down -l vios1:ent9")
    assert (result.exit_code, result.stderr) == (1, (
        "HSCL1101 The physical port vios1:ent9 was not found in managed system "
        f"{SYS}.\n"))
    assert run(f"{INJ} -t crash").stderr.endswith("are -l. Please check your entry and "
                                                   "retry the command.\n")
    assert run(f"{INJ} -t power_loss -l x").exit_code == 1
    assert run(f"chhwfault -m {SYS} -o clear -t dimm").stderr == (
        f"HSCL1103 There is no fault dimm in managed system {SYS} to clear.\n")
    assert run(f"lshwfault -m {SYS} -r path").exit_code == 1
    assert run(f"lshwfault -m {SYS} -r path -p nope").stderr == \
        "HSCL8012 The partition named nope was not found.\n"


def test_power_loss_and_power_on(run) -> None:  # type: ignore[no-untyped-def]
    assert run(f"{INJ} -t power_loss").exit_code == 0
    assert run(f"lssyscfg -r sys -m {SYS} -F state").stdout == "Power Off\n"
    assert run(f"chsysstate -m {SYS} -r sys -o on").stderr == (
        f"HSCL1105 The managed system {SYS} has lost power (SRC 11002630); it cannot be "
        "powered on until power is restored.\n")
    assert run(f"chhwfault -m {SYS} -o clear -t power_loss").exit_code == 0
    assert run(f"chsysstate -m {SYS} -r sys -o on").exit_code == 0


def test_impact_of_stopping_a_vios(run) -> None:  # type: ignore[no-untyped-def]
    assert run(f"lshwfault -m {SYS} -r impact -p vios1").stdout == "No results were found.\n"
    assert run(f"{INJ} -t port_down -l vios2:ent0").exit_code == 0
    assert run(f"lshwfault -m {SYS} -r impact -p vios1 -F lpar_name,disks,boot_disk,network "
               "--header").stdout.splitlines()[:3] == [
        "lpar_name,disks,boot_disk,network", "oradb01,none,ok,lost", "was01,none,ok,lost"]
    assert run(f"lshwfault -m {SYS} -r impact -p was01").stderr.startswith("HSCL0B09 ")


def test_attention_leds_follow_open_events(run) -> None:  # type: ignore[no-untyped-def]
    assert run(f"lsled -r sa -t phys -m {SYS}").stdout == "state=off\n"
    assert run(f"{INJ} -t crash -l was01").exit_code == 0
    assert run(f"lsled -r sa -t virtualsys -m {SYS}").stdout == "state=on\n"
    assert run(f"lsled -r sa -t virtuallpar -m {SYS} --filter lpar_names=was01,dev01 "
               "-F lpar_name,state").stdout == "was01,on\ndev01,off\n"


def test_chsvcevent_closes_events(run) -> None:  # type: ignore[no-untyped-def]
    assert run(f"{INJ} -t crash -l was01").exit_code == 0
    assert run(f"{INJ} -t core").exit_code == 0
    assert run("chsvcevent -o close -p 1 -h hmc").exit_code == 0
    assert run("lssvcevents -t hardware -F problem_num,status").stdout == "2,Open\n1,Closed\n"
    assert run(f"lsled -r sa -t virtuallpar -m {SYS} --filter lpar_names=was01 -F state"
               ).stdout == "off\n"
    assert run("chsvcevent -o close -p 9 -h hmc").stderr == \
        "HSCL1106 The serviceable event with problem number 9 was not found.\n"
    assert run("chsvcevent -o closeall").exit_code == 0
    assert run(f"lsled -r sa -t phys -m {SYS}").stdout == "state=off\n"
    assert run(f"lshwfault -m {SYS} -r fault -F kind,target").stdout == "core,core 0\n"


def test_call_home_status_and_chsacfg(run, console: LocalConsole) -> None:  # type: ignore
    assert run(f"{INJ} -t core").exit_code == 0
    fields = "lssvcevents -t hardware -F problem_num,callhome_intended,callhome_status"
    assert run(fields).stdout == "1,true,Pending\n"
    console.step(30)
    assert run(fields).stdout == "1,true,Sent\n"
    assert run(f"chsacfg -t callhome -o disable -s {SYS}").exit_code == 0
    assert run(f"{INJ} -t memleak -l test01 --rate 64").exit_code == 0  # no event
    assert run(f"{INJ} -t dimm").exit_code == 0
    assert run(fields).stdout == "2,true,Disabled\n1,true,Sent\n"
    assert run("lssvcevents -t hardware --filter callhome_status=disabled -F problem_num"
               ).stdout == "2\n"
    bad = run("chsacfg -t callhome -o enable -s nosuch")
    assert (bad.exit_code, bad.stdout + bad.stderr) != (0, "")
    assert "HSCL8014" in bad.stdout + bad.stderr
    assert run("chsacfg -t callhome -o enable -s all").exit_code == 0
    assert run(f"lshwfault -m {SYS} -r fault -F kind,target,amount").stdout == \
        "core,core 0,1\nmemleak,test01,64\ndimm,dimm 0,65536\n"
