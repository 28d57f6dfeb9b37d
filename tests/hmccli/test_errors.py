"""Every error path: its HSCL code (or usage text) on stderr and the exit status."""

from __future__ import annotations

import logging

import pytest
from hmccli_support import MTMS, SYS, viewer_console

from engine.roles import Actor
from engine.service import Engine
from engine.store import demo_frame
from hmc_tui.console import LocalConsole
from hmc_tui.hmccli import commands, run_command
from hmc_tui.hmccli.errors import USAGE_SENTENCE

V1 = f"viosvrcmd -m {SYS} -p vios1 -c"
PROFILE = ("name=lp1,profile_name=p,lpar_env=aixlinux,min_mem=2048,desired_mem=4096,"
           "max_mem=8192,proc_mode=shared,min_proc_units=0.1,desired_proc_units=0.5,"
           "max_proc_units=1.0,min_procs=1,desired_procs=1,max_procs=2,sharing_mode=cap")


def usage(*params: str) -> str:
    return USAGE_SENTENCE.format(params=", ".join(params)) + "\n"


@pytest.mark.parametrize(("line", "params"), [
    ("lssyscfg -x", ("-x",)),
    ("lssyscfg -r", ("-r",)),
    ("lssyscfg -r bogus", ("-r",)),
    ("lssyscfg -m x", ("-r",)),
    ("lssyscfg -r lpar", ("-m",)),
    (f"lssyscfg -r lpar -m {SYS} -m {SYS}", ("-m",)),
    ("lssyscfg -r sys extra", ("extra",)),
    (f"lssyscfg -r lpar -m {SYS} --filter bogus=1", ("--filter",)),
    ("lssyscfg -r sys --filter lpar_names=x", ("--filter",)),
    (f"lshwres -r proc -m {SYS}", ("--level",)),
    (f"lshwres -r virtualio --rsubtype eth -m {SYS} --level sys", ("--level",)),
    (f"chsysstate -m {SYS} -r lpar -o on", ("-n", "--id")),
    (f"chsysstate -m {SYS} -r lpar -o on -n dev02 -b fast", ("-b",)),
    (f"chsysstate -m {SYS} -r lpar -o on -n dev02 --immed", ("--immed",)),
    (f"chsysstate -m {SYS} -r lpar -o shutdown -n was01 --id 4", ("-n", "--id")),
    (f"chhwres -m {SYS} -r proc -o a -p was01", ("--procs", "--procunits")),
    (f"chhwres -m {SYS} -r proc -o a -p was01 --procs two", ("--procs",)),
    (f"chhwres -m {SYS} -r proc -o m -p was01 --procs 1", ("-t",)),
    (f"chhwres -m {SYS} -r mem -o a -p was01", ("-q",)),
    (f"mksyscfg -r lpar -m {SYS}", ("-i", "-f")),
    (f"lslparutil -r lpar -m {SYS} -s x", ("-s",)),
    (f"lslparutil -r lpar -m {SYS} --startmonth 13", ("--startmonth",)),
    (f"{V1} 'lsmap -bogus'", ("-bogus",)),
    (f"{V1} 'lsmap -all -vadapter vhost0'", ("-all", "-vadapter")),
    ("lshmc -b", ("-b",)),
])
def test_usage_errors(run, line: str, params: tuple[str, ...]) -> None:  # type: ignore
    result = run(line)
    assert (result.stdout, result.stderr, result.exit_code) == ("", usage(*params), 1)


def test_no_arguments_prints_usage_on_stderr_help_on_stdout(run) -> None:  # type: ignore
    bare = run("lshwres")
    assert bare.exit_code == 1 and bare.stderr.startswith("Usage: lshwres -r proc")
    helped = run("lshwres --help")
    assert helped.exit_code == 0 and helped.stdout == bare.stderr and helped.stderr == ""
    assert run("help chhwres").stdout.startswith("Usage: chhwres")


def test_unknown_command_and_shell_syntax(run) -> None:  # type: ignore[no-untyped-def]
    assert run("lsfoo -r x") == run("lsfoo")
    result = run("lsfoo")
    assert (result.stderr, result.exit_code) == ("rbash: lsfoo: command not found\n", 127)
    bad = run('lssyscfg -r "sys')
    assert bad.exit_code == 1 and bad.stderr.startswith("rbash: syntax error")
    assert run("   ").exit_code == 0


@pytest.mark.parametrize(("line", "code"), [
    ("lssyscfg -r lpar -m nosuch", "HSCL8014"),
    (f"lssyscfg -r lpar -m {SYS} --filter lpar_names=ghost", "HSCL8012"),
    (f"chsysstate -m {SYS} -r lpar -o on -n ghost", "HSCL8012"),
    (f"chsysstate -m {SYS} -r lpar -o on --id 99", "HSCL8012"),
    (f"chsysstate -m {SYS} -r lpar -o on -n dev02 -f nosuch", "HSCL8013"),
    (f"chsysstate -m {SYS} -r lpar -o on -n was01", "HSCL3681"),
    (f"chsysstate -m {SYS} -r lpar -o shutdown -n dev02", "HSCL1558"),
    (f"chsysstate -m {SYS} -r sys -o on", "HSCL0B07"),
    (f"chsysstate -m {SYS} -r sys -o onsysprof", "HSCLC001"),
    (f"chsysstate -m {SYS} -r lpar -o suspend -n was01", "HSCLC001"),
    (f"chhwres -m {SYS} -r proc -o a -p was01 --procs 9", "HSCL0B06"),
    (f"chhwres -m {SYS} -r proc -o a -p dev02 --procs 1", "HSCL0B02"),
    (f"chhwres -m {SYS} -r mem -o a -p was01 -q 100", "HSCL0A03"),
    (f"chhwres -m {SYS} -r proc -o s -p nim01 -a uncap_weight=10", "HSCL0A0F"),
    (f"chhwres -m {SYS} -r proc -o s -p was01 -a uncap_weight=300", "HSCL0A0F"),
    (f"chhwres -m {SYS} -r procpool -o s --poolname DefaultPool -a max_pool_proc_units=4",
     "HSCL0A0C"),
    (f"chhwres -m {SYS} -r procpool -o s --poolname nosuch -a max_pool_proc_units=4",
     "HSCL8015"),
    (f"chhwres -m {SYS} -r procpool -o s --poolname DevTestPool -a max_pool_proc_units=2.5",
     "HSCL0A0F"),
    (f"chhwres -m {SYS} -r virtualio --rsubtype eth -o r -p dev02 -s 7", "HSCL8016"),
    (f"chhwres -m {SYS} -r virtualio --rsubtype eth -o a -p dev02 -s 10 -a port_vlan_id=5",
     "HSCL0A06"),
    (f"chhwres -m {SYS} -r io -o a -p dev02", "HSCLC001"),
    (f"rmsyscfg -r lpar -m {SYS} -n was01", "HSCL0B05"),
    (f"rmsyscfg -r prof -m {SYS} -n default_profile -p oradb01", "HSCL0B08"),
    (f"rmsyscfg -r prof -m {SYS} -n nosuch -p oradb01", "HSCL8013"),
    (f"mksyscfg -r lpar -m {SYS} -i 'name=lp1,lpar_env=aixlinux'", "HSCLC002"),
    (f"mksyscfg -r lpar -m {SYS} -i '{PROFILE.replace('max_mem=8192', 'max_mem=lots')}'",
     "HSCL0A0F"),
    (f"mksyscfg -r lpar -m {SYS} -i '{PROFILE.replace('lp1', 'was01')}'", "HSCL0A06"),
    (f"mksyscfg -r lpar -m {SYS} -i '{PROFILE},shared_proc_pool_name=nosuch'", "HSCL8015"),
    (f"mksyscfg -r prof -m {SYS} -i 'name=default_profile,lpar_name=was01'", "HSCL0A06"),
    (f"mksyscfg -r lpar -m {SYS} -i '{PROFILE},\"virtual_scsi_adapters=2/client\"'",
     "HSCL0A0F"),
    (f"chsyscfg -r sysprof -m {SYS} -i 'name=x'", "HSCLC001"),
    (f"chsyscfg -r lpar -m {SYS} -i 'name=was01,new_name=dev01'", "HSCL0A06"),
    (f"chsyscfg -r prof -m {SYS} -i 'name=nosuch,lpar_name=was01,desired_mem=1024'",
     "HSCL8013"),
    (f"chsyscfg -r prof -m {SYS} -i 'lpar_name=was01,desired_mem=1024'", "HSCLC002"),
    (f"chsyscfg -r prof -m {SYS} -i 'name=default_profile,lpar_name=was01,desired_mem=1000'",
     "HSCL0A03"),
    (f"viosvrcmd -m {SYS} -p oradb01 -c ioslevel", "HSCL0B09"),
    (f"{V1} 'rmdev -dev vhost0'", "HSCLC001"),
    (f"{V1} 'mkvdev -sea ent1 -vadapter ent5 -default ent5 -defaultid 1'", "HSCL0A13"),
    (f"{V1} 'cfgdev'", "HSCLC003"),
    # VIOS commands that fail on the VIOS: tests/hmccli/test_vios_commands.py
])
def test_hmc_errors(run, line: str, code: str) -> None:  # type: ignore[no-untyped-def]
    result = run(line)
    assert result.exit_code == 1, result
    assert result.stdout == ""
    assert result.stderr.startswith(f"{code} ") and result.stderr.count("\n") == 1, result.stderr


def test_invalid_F_attribute(run) -> None:  # type: ignore[no-untyped-def]
    result = run("lssyscfg -r sys -F name,type_serial,serial_num,state")
    assert (result.stderr, result.exit_code) == (
        "An invalid attribute was entered.  The invalid attribute is type_serial.  "
        "Please correct your entry and retry the command.\n", 1)
    assert run(f"chsyscfg -r prof -m {SYS} -i 'name=default_profile,lpar_name=was01,"
               "colour=blue'").stderr.endswith(
                   "The invalid attribute is colour.  Please correct your entry and retry the "
                   "command.\n")


def test_system_by_type_model_serial(run) -> None:  # type: ignore[no-untyped-def]
    assert run(f"lssyscfg -r lpar -m {MTMS} -F name --filter lpar_ids=1").stdout == "vios1\n"
    assert run(f"lssyscfg -r lpar -m {MTMS.lower()} -F name --filter lpar_ids=1").exit_code == 0


def test_transitions_and_rmc(console) -> None:  # type: ignore[no-untyped-def]
    assert run_command(console, f"chsysstate -m {SYS} -r lpar -o on -n dev02").exit_code == 0
    busy = run_command(console, f"chsysstate -m {SYS} -r lpar -o shutdown -n dev02")
    assert busy.stderr.startswith("HSCL0B02 ")  # still Starting
    console.step(20)  # Running, RMC not up yet
    os_down = run_command(console, f"chsysstate -m {SYS} -r lpar -o osshutdown -n dev02")
    assert os_down.stderr.startswith("HSCL0DB4 ")
    dlpar = run_command(console, f"chhwres -m {SYS} -r mem -o a -p dev02 -q 256")
    assert dlpar.stderr.startswith("HSCL294C ")
    assert run_command(console, f"chhwres -m {SYS} -r mem -o a -p was01 -q 256").exit_code == 0
    again = run_command(console, f"chhwres -m {SYS} -r mem -o a -p was01 -q 256")
    assert again.stderr.startswith("HSCL294C ")  # the first one still in flight


def test_vios_down(console) -> None:  # type: ignore[no-untyped-def]
    run_command(console, f"chsysstate -m {SYS} -r lpar -o shutdown --immed -n vios2")
    console.step(5)
    result = run_command(console, f"viosvrcmd -m {SYS} -p vios2 -c 'lsmap -all'")
    assert result.stderr.startswith("HSCL0B02 ")


def test_viewer_is_refused_changes_but_reads() -> None:
    viewer = viewer_console()
    refused = run_command(viewer, f"chsysstate -m {SYS} -r lpar -o on -n dev02")
    assert refused.exit_code == 1
    assert refused.stderr.startswith("HSCL350B The user viewer does not have the appropriate")
    assert run_command(viewer, f"lssyscfg -r lpar -m {SYS} -F name").exit_code == 0
    assert viewer.snapshot().frame.partition("dev02").state == "Not Activated"
    journal = viewer.snapshot().events[-1]
    assert (journal.ok, journal.code, journal.user) == (False, "HSCL350B", "viewer")


def test_operator_may_power_but_not_configure() -> None:
    operator = LocalConsole(Engine(demo_frame(), mode="stepped"),
                            Actor(user="op", role="hmcoperator"))
    assert run_command(operator, f"chsysstate -m {SYS} -r lpar -o on -n dev02").exit_code == 0
    made = run_command(operator, f"mksyscfg -r lpar -m {SYS} -i '{PROFILE}'")
    assert made.stderr.startswith("HSCL350B ")
    vios = run_command(operator, f"{V1} 'rmvdev -vtd vtscsi0'")
    assert vios.stderr.startswith("HSCL350B ")


def test_files_can_be_refused(console, tmp_path) -> None:  # type: ignore[no-untyped-def]
    config = tmp_path / "lpar.cfg"
    config.write_text(PROFILE + "\n")
    line = f"mksyscfg -r lpar -m {SYS} -f {config}"
    assert run_command(console, line, allow_files=False).stderr.startswith("HSCLC001 ")
    missing = run_command(console, f"mksyscfg -r lpar -m {SYS} -f {tmp_path}/none")
    assert missing.stderr == usage("-f")
    assert run_command(console, line).exit_code == 0
    assert console.snapshot().frame.partition("lp1") is not None


def test_an_unexpected_exception_is_one_line(console, monkeypatch, caplog) -> None:  # type: ignore
    def broken(ctx, args):  # type: ignore[no-untyped-def]
        raise ZeroDivisionError("boom\nsecond line")

    command = commands.COMMANDS["lshmc"]
    monkeypatch.setitem(commands.COMMANDS, "lshmc",
                        commands.Command(command.grammar, broken))
    with caplog.at_level(logging.ERROR, logger="hmc_tui.hmccli"):
        result = run_command(console, "lshmc -V")
    assert result.exit_code == 1
    assert result.stderr == "HSCLC0FF An unexpected error occurred: ZeroDivisionError: boom " \
                            "second line\n"
    assert "Traceback" in caplog.text


def test_user_commands_reach_the_user_store_with_the_console_role(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """lshmcusr and friends also run from the console's command line, with its role."""
    from engine.roles import Actor
    from engine.service import Engine
    from engine.store import demo_frame
    from hmc_tui.console import LocalConsole
    from hmc_tui.hmccli import run_command
    from hmc_tui.service.users import UserStore

    monkeypatch.setenv("HMC_TUI_DATA_DIR", str(tmp_path))
    UserStore().add("hscroot", "hmcsuperadmin", password="Admin-pass-1")
    UserStore().add("v", "hmcviewer", password="Viewer-pass-1")
    admin = LocalConsole(Engine(demo_frame()))
    assert run_command(admin, "mkhmcusr -u alice -a hmcoperator --passwd Secret-123").ok
    listing = run_command(admin, "lshmcusr -F name,taskrole")
    assert "alice,hmcoperator" in listing.stdout
    viewer = LocalConsole(Engine(demo_frame()), Actor(user="v", role="hmcviewer"))
    assert run_command(viewer, "lshmcusr -F name").stdout == "v\n"  # only themselves
    refused = run_command(viewer, "mkhmcusr -u bob -a hmcviewer --passwd Bob-pass-123")
    assert refused.exit_code == 1 and refused.stderr.startswith("HSCL350B")
