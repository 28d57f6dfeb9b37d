"""The shell: the read loop, completion through readline, and a history without passwords."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest
from hmccli_support import SYS

from hmc_tui.hmccli.shell import (
    has_secret,
    readline_matches,
    remember,
    repl,
    setup_readline,
    write_history,
)

readline = pytest.importorskip("readline")

SECRET_LINES = [
    "chhmcusr -u bob -t passwd -v Secret-pass-1",
    "mkhmcusr -u eve -a hmcviewer --passwd 'Eve pass 123'",
    'mkhmcusr -i "name=eve,taskrole=hmcviewer,passwd=Eve-pass-123"',
    'chhmcusr -i "name=bob,passwd=Secret-pass-1',  # unbalanced quote: still a secret
]
PLAIN_LINES = [f"lssyscfg -r lpar -m {SYS} -F name", "chhmcusr -u bob -t desc -v Night shift",
               "lshmcusr --filter names=bob"]


def test_readline_gets_the_part_after_its_own_word_start(console) -> None:  # type: ignore[no-untyped-def]
    snap = console.snapshot()
    line = f'viosvrcmd -m {SYS} -p vios1 -c "lsmap -all -n'
    assert readline_matches(snap, line, line.rindex(" ") + 1) == ["-npiv", "-net"]
    assert readline_matches(snap, "lssyscfg -r lpar -F name,sta", 20) == ["name,state"]
    assert readline_matches(snap, "ex", 0) == ["exit"]


def test_which_lines_give_a_password() -> None:
    assert [has_secret(line) for line in SECRET_LINES] == [True] * 4
    assert [has_secret(line) for line in PLAIN_LINES] == [False] * 3


def test_password_lines_never_reach_the_history_file(tmp_path: Path) -> None:
    readline.clear_history()
    for line in [*SECRET_LINES, *PLAIN_LINES, "  "]:
        remember(line)
    history = tmp_path / "data" / "hmccli_history"
    write_history(readline, history)
    kept = history.read_text().split("\n")
    assert [k for k in kept if k and not k.startswith("_HiStOrY")] == PLAIN_LINES
    assert "Secret" not in history.read_text() and "Eve" not in history.read_text()
    assert stat.S_IMODE(history.stat().st_mode) == 0o600


def test_an_old_history_is_scrubbed_and_made_private(tmp_path: Path) -> None:
    history = tmp_path / "hmccli_history"
    history.write_text("\n".join([PLAIN_LINES[0], SECRET_LINES[0]]) + "\n")
    history.chmod(0o644)
    readline.clear_history()
    save = setup_readline(history)
    save()
    assert "Secret" not in history.read_text() and PLAIN_LINES[0] in history.read_text()
    assert stat.S_IMODE(history.stat().st_mode) == 0o600


def test_repl_runs_until_exit(console) -> None:  # type: ignore[no-untyped-def]
    lines = iter([f"lssyscfg -r lpar -m {SYS} -F name --filter lpar_ids=1", "lsfoo",
                  f"chsysstate -m {SYS} -r lpar -o on -n dev02", "exit", "never read"])
    prompts: list[str] = []
    out: list[str] = []
    saves: list[int] = []
    remembered: list[str] = []

    def read(prompt: str) -> str:
        prompts.append(prompt)
        return next(lines)

    status = repl(console, read, out.append, lambda: saves.append(1), remembered.append)
    assert status == 0 and prompts[0] == "hscroot@hmc-tui:~> "
    assert "".join(out) == "vios1\nrbash: lsfoo: command not found\n"
    assert len(saves) == 3 and remembered == [
        f"lssyscfg -r lpar -m {SYS} -F name --filter lpar_ids=1", "lsfoo",
        f"chsysstate -m {SYS} -r lpar -o on -n dev02"]
    assert console.snapshot().frame.partition("dev02").state == "Starting"


def test_repl_ends_on_eof(console) -> None:  # type: ignore[no-untyped-def]
    def read(prompt: str) -> str:
        raise EOFError

    out: list[str] = []
    assert repl(console, read, out.append) == 0 and out == ["\n"]
