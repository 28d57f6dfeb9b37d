"""Completion comes from the same declarations as the parser, so the two cannot drift."""

from __future__ import annotations

import pytest

from engine.service import Engine
from engine.snapshot import Snapshot
from engine.store import demo_frame
from hmc_tui.console import LocalConsole
from hmc_tui.hmccli import COMMANDS
from hmc_tui.hmccli.complete import common_prefix, complete, current_word, replace_word
from hmc_tui.hmccli.errors import UsageError
from hmc_tui.hmccli.grammar import NAME_KINDS, SWITCH, Grammar

SYS = "Server-9080-HEX-SN78H4A21"


@pytest.fixture(scope="module")
def snap() -> Snapshot:
    return LocalConsole(Engine(demo_frame())).snapshot()


def _contexts(grammar: Grammar) -> list[dict[str, str]]:
    """The command with nothing given, and with each variant's selecting flags given."""
    return [{}, *(dict(v.when) for v in grammar.variants)]


def _line(name: str, given: dict[str, str]) -> str:
    return " ".join([name, *(f"{f} {v}".rstrip() for f, v in given.items())]) + " "


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_every_flag_and_value_the_parser_accepts_is_offered(name: str) -> None:
    grammar = COMMANDS[name].grammar
    for given in _contexts(grammar):
        spec = grammar.spec(given)
        line = _line(name, given)
        offered = complete(None, line)
        assert set(offered) == set(spec.allowed) - set(given), line
        for flag, choices in spec.choices.items():
            if flag in spec.allowed and flag not in given:
                assert complete(None, f"{line}{flag} ") == list(choices), (line, flag)


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_every_offered_value_parses(name: str) -> None:
    """The other direction: a value completion offers is one the parser takes."""
    grammar = COMMANDS[name].grammar
    for given in _contexts(grammar):
        spec = grammar.spec(given)
        for flag in spec.choices:
            if flag in given or flag not in spec.allowed:
                continue
            for value in complete(None, f"{_line(name, given)}{flag} "):
                values = {**given, flag: value}
                words = [w for f, v in values.items() for w in (f, v) if w != ""
                         or grammar.arities[f] != SWITCH]
                try:
                    grammar.parse([w for w in words if w != ""])
                except UsageError as exc:
                    assert flag not in exc.params, (name, values, exc.params)


def test_commands_and_help(snap: Snapshot) -> None:
    assert complete(snap, "lss") == ["lssyscfg", "lssysconn", "lssvcevents"]
    assert complete(snap, "help lsh") == ["lshwres", "lshmc", "lshwfault", "lshmcldap",
                                          "lshmcusr"]
    assert complete(snap, "ex", extra_commands=("exit",)) == ["exit"]
    assert complete(snap, "nosuch -") == []
    assert complete(snap, 'lssyscfg -r "lp') == ['"lpar']


def test_flags_follow_the_variant(snap: Snapshot) -> None:
    assert complete(snap, "chsysstate -r lpar -o on ") == [
        "-m", "-n", "--id", "-f", "-b", "-k", "-i", "--force"]
    assert complete(snap, "chsysstate -r sys -o off ") == [
        "-m", "--immed", "--restart", "--force"]
    assert complete(snap, "lshwres -r proc --level sys -") == ["-m", "-F", "--header"]
    assert complete(snap, "lssyscfg -r lpar -F -") == ["-m", "--filter", "--header"]
    assert complete(snap, "lshwres -r mem --level ") == ["sys", "lpar"]
    assert complete(snap, "lshwres -r virtualio --rsubtype vswitch --level ") == ["sys"]


def test_live_names_from_the_demo_frame(snap: Snapshot) -> None:
    assert complete(snap, "lssyscfg -r lpar -m ") == [SYS, "9080-HEX*78H4A21"]
    assert complete(snap, f"chsysstate -m {SYS} -r lpar -o on -n d") == ["dev01", "dev02"]
    assert complete(snap, "chsysstate -r lpar -o on -n oradb01 -f ") == [
        "default_profile", "month_end"]
    assert complete(snap, "rmsyscfg -r prof -p oradb01 -n m") == ["month_end"]
    assert complete(snap, "viosvrcmd -p ") == ["vios1", "vios2"]
    assert complete(snap, "chhwres -r procpool -o s --poolname D") == [
        "DefaultPool", "DevTestPool"]
    assert complete(snap, "chhwres -r mem -o a -p te") == ["test01"]
    assert complete(snap, "lssyscfg -r lpar --filter lpar_names=w") == ["lpar_names=was01"]
    assert complete(snap, 'lssyscfg -r prof --filter "lpar_names=dev01,p') == [
        '"lpar_names=dev01,profile_names=']
    assert complete(snap, "lshwres -r procpool --filter pool_names=Sh")[:2] == [
        "pool_names=SharedPool02", "pool_names=SharedPool03"]


def test_vios_commands_inside_c(snap: Snapshot) -> None:
    line = f"viosvrcmd -m {SYS} -p vios1 -c "
    assert complete(snap, line + '"lsm') == ['"lsmap']
    assert complete(snap, line + '"lsmap -all -n') == ['"lsmap -all -npiv', '"lsmap -all -net']
    assert complete(snap, line + "vfc") == ["vfcmap"]


def test_every_declared_name_kind_is_known() -> None:
    for command in COMMANDS.values():
        for flag in command.grammar.flags:
            assert flag.names in ("", *NAME_KINDS), (command.name, flag.name)
        for variant in command.grammar.variants:
            assert set(variant.names.values()) <= set(NAME_KINDS), command.name


def test_attribute_lists(snap: Snapshot) -> None:
    assert complete(snap, "lssyscfg -r lpar -F name,sta") == ["name,state"]
    assert complete(snap, "lshwres -r virtualio --rsubtype eth --level lpar -F port") == [
        "port_vlan_id"]
    assert complete(snap, "lssvcevents -t console -F time:us") == ["time:user_name"]
    assert complete(snap, "lshwres -r proc --level lpar -F curr_shared_proc_pool_n") == [
        "curr_shared_proc_pool_name"]


def test_words_and_replacement() -> None:
    assert current_word('lssyscfg --filter "lpar_names=a b', 33).text == "lpar_names=a b"
    line, cursor = replace_word("lssyscfg -r lp -m X", 14, "lpar")
    assert (line, cursor) == ("lssyscfg -r lpar -m X", 16)
    assert common_prefix(["dev01", "dev02"]) == "dev0" and common_prefix([]) == ""


def test_names_come_from_the_system_m_names() -> None:
    from engine.store import demo_hmc

    both = LocalConsole(Engine(demo_hmc())).snapshot()
    assert complete(both, "lssyscfg -r lpar -m ") == [
        SYS, "9080-HEX*78H4A21", "Server-9043-MRX-SN78K3D05", "9043-MRX*78K3D05"]
    assert complete(both, "chsysstate -m Server-9043-MRX-SN78K3D05 -r lpar -o on -n d") == [
        "drvios1", "drvios2", "drtest01"]
    assert complete(both, f"chsysstate -m {SYS} -r lpar -o on -n d") == ["dev01", "dev02"]
