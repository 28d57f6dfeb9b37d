"""The shell: completion of commands, flags, values and -F attributes; the read loop."""

from __future__ import annotations

from hmccli_support import SYS

from hmc_tui.hmccli.shell import candidates, repl


def test_completes_commands_flags_values_and_attributes() -> None:
    assert candidates("lss", "lss") == ["lssyscfg", "lssysconn"]
    assert "--filter" in candidates("lssyscfg -r lpar -", "-")
    assert "-r" not in candidates("lssyscfg -r lpar -", "-")  # given already
    assert candidates("lshwres -r ", "") == ["proc", "mem", "virtualio", "io", "procpool"]
    assert candidates("chsysstate -r lpar -o sh", "sh") == ["shutdown"]
    assert candidates("lssyscfg -r lpar -F name,sta", "name,sta") == ["name,state"]
    assert candidates("lshwres -r virtualio --rsubtype eth --level lpar -F port", "port") == [
        "port_vlan_id"]
    assert candidates("nosuch -", "-") == []
    assert candidates('lssyscfg -r "lp', '"lp') == []


def test_repl_runs_until_exit(console) -> None:  # type: ignore[no-untyped-def]
    lines = iter([f"lssyscfg -r lpar -m {SYS} -F name --filter lpar_ids=1", "lsfoo",
                  f"chsysstate -m {SYS} -r lpar -o on -n dev02", "exit", "never read"])
    prompts: list[str] = []
    out: list[str] = []
    saves: list[int] = []

    def read(prompt: str) -> str:
        prompts.append(prompt)
        return next(lines)

    status = repl(console, read, out.append, lambda: saves.append(1))
    assert status == 0 and prompts[0] == "hscroot@hmc-tui:~> "
    assert "".join(out) == "vios1\nrbash: lsfoo: command not found\n"
    assert len(saves) == 3
    assert console.snapshot().frame.partition("dev02").state == "Starting"


def test_repl_ends_on_eof(console) -> None:  # type: ignore[no-untyped-def]
    def read(prompt: str) -> str:
        raise EOFError

    out: list[str] = []
    assert repl(console, read, out.append) == 0 and out == ["\n"]
