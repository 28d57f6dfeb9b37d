"""-m with several managed systems: every command acts on the system it names (name or
MTMS), `lssyscfg -r sys` lists them all, an unknown one is the HMC's HSCL8014."""

from __future__ import annotations

import pytest
from hmccli_support import MTMS, SYS

from engine.hmc import Hmc
from engine.service import Engine
from engine.store import demo_frame
from hmc_tui.console import LocalConsole
from hmc_tui.hmccli import run_command

DR = "Server-DR"
DR_MTMS = "9080-HEX*78H4B99"


@pytest.fixture
def console() -> LocalConsole:
    prod = demo_frame()
    dr = prod.model_copy(update={"system": prod.system.model_copy(
        update={"name": DR, "serial": "78H4B99"})})
    return LocalConsole(Engine(Hmc(systems=(prod, dr)), mode="stepped"))


def ok(console: LocalConsole, line: str) -> str:
    result = run_command(console, line)
    assert (result.exit_code, result.stderr) == (0, ""), (line, result)
    return result.stdout


def test_lssyscfg_lists_every_system_unless_m_names_one(console: LocalConsole) -> None:
    line = "lssyscfg -r sys -F name,type_model,serial_num,state"
    assert ok(console, line) == (f"{SYS},9080-HEX,78H4A21,Operating\n"
                                 f"{DR},9080-HEX,78H4B99,Operating\n")
    assert ok(console, f"{line} -m {DR_MTMS}") == f"{DR},9080-HEX,78H4B99,Operating\n"
    assert ok(console, f"{line} --filter names={DR}") == f"{DR},9080-HEX,78H4B99,Operating\n"


def test_a_change_lands_on_the_system_m_names(console: LocalConsole) -> None:
    ok(console, f"chsysstate -m {DR} -r lpar -o on -n sandbox01 -f default_profile")
    states = "lssyscfg -r lpar -F name,state --filter lpar_names=sandbox01 -m "
    assert ok(console, states + DR) == "sandbox01,Starting\n"
    assert ok(console, states + MTMS) == "sandbox01,Not Activated\n"
    assert ok(console, states + MTMS.lower()) == "sandbox01,Not Activated\n"  # any case
    events = [e for e in console.snapshot().events if e.op == "activate"]
    assert [(e.system, e.command) for e in events] == [
        (DR, f"chsysstate -m {DR} -r lpar -o on -n sandbox01 -f default_profile")]


def test_each_system_has_its_own_figures(console: LocalConsole) -> None:
    ok(console, f"chhwres -m {DR_MTMS} -r proc -o r -p was01 --procunits 0.5")
    line = "lshwres -r proc --level lpar -F lpar_name,curr_proc_units --filter lpar_names=was01 -m "
    assert ok(console, line + DR) == "was01,1.0\n"
    assert ok(console, line + SYS) == "was01,1.5\n"
    avail = "lshwres -r proc --level sys -F curr_avail_sys_proc_units -m "
    assert float(ok(console, avail + DR)) == float(ok(console, avail + SYS)) + 0.5


def test_unknown_and_missing_systems_are_refused(console: LocalConsole) -> None:
    result = run_command(console, "lssyscfg -r lpar -m nosuch -F name")
    assert (result.exit_code, result.stderr) == (
        1, "HSCL8014 The managed system nosuch was not found.\n")
    result = run_command(console, "lssyscfg -r lpar -F name")
    assert result.exit_code != 0 and "-m" in result.stderr
    result = run_command(console, "chsysstate -r lpar -o on -n sandbox01 -f default_profile")
    assert result.exit_code != 0 and "-m" in result.stderr


def test_utilisation_is_per_system(console: LocalConsole) -> None:
    console.step(120)
    line = ("lslparutil -r lpar -F lpar_name,capped_cycles --filter lpar_names=oradb01 "
            "-n 1 -m ")
    prod, dr = ok(console, line + SYS), ok(console, line + DR)
    assert prod.startswith("oradb01,") and dr.startswith("oradb01,")
    assert prod != dr  # two dispatchers, two workload streams


def test_hardware_events_of_every_system_without_m(console: LocalConsole) -> None:
    ok(console, f"chhwfault -m {DR} -o inject -t core")
    line = "lssvcevents -t hardware -F sys_name,refcode"
    everywhere = ok(console, line)
    assert everywhere.startswith(f"{DR},")  # the only event, on the DR system
    assert ok(console, f"{line} -m {SYS}") == "No results were found.\n"
    assert ok(console, f"{line} -m {DR}") == everywhere


def test_chlparutil_without_m_sets_every_system(console: LocalConsole) -> None:
    ok(console, f"chlparutil -r config -s 300 -m {DR}")
    line = "lslparutil -r config -F sample_rate -m "
    assert (ok(console, line + SYS), ok(console, line + DR)) == ("30\n", "300\n")
    ok(console, "chlparutil -r config -s 60")
    assert (ok(console, line + SYS), ok(console, line + DR)) == ("60\n", "60\n")
