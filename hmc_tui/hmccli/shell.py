"""`hmc-tui shell`: an HMC-like restricted shell with history and tab completion.

Completion covers command names, each command's flags, the values of -r/--level/--rsubtype/-o,
and attribute names after -F (per resource, e.g. `lssyscfg -r lpar -F name,sta<TAB>`).
History lives in the data directory (`hmccli_history`). The engine clock runs in real time
while the shell is open, so activations and shutdowns progress as on a real HMC.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from pathlib import Path

from hmc_tui.console import Console
from hmc_tui.hmccli import hmcinfo, lshwres, lslparutil, lssyscfg, run_command
from hmc_tui.hmccli.commands import COMMANDS
from hmc_tui.hmccli.tokens import tokenize

PROMPT = "{user}@hmc-tui:~> "
HISTORY_FILE = "hmccli_history"
HISTORY_LENGTH = 1000

VALUES: dict[tuple[str, str], tuple[str, ...]] = {
    ("lssyscfg", "-r"): ("sys", "lpar", "prof", "sysprof"),
    ("lshwres", "-r"): ("proc", "mem", "virtualio", "io", "procpool"),
    ("lshwres", "--level"): ("sys", "lpar", "pool", "sharedpool"),
    ("lshwres", "--rsubtype"): ("eth", "scsi", "fc", "serial", "slot", "vswitch"),
    ("chsysstate", "-r"): ("lpar", "sys"),
    ("chsysstate", "-o"): ("on", "onstandby", "off", "shutdown", "osshutdown", "dumprestart"),
    ("chsysstate", "-b"): ("norm", "sms", "of", "dd", "ds"),
    ("chhwres", "-r"): ("proc", "mem", "virtualio", "procpool"),
    ("chhwres", "-o"): ("a", "r", "m", "s"),
    ("chhwres", "--rsubtype"): ("eth", "scsi", "fc"),
    ("mksyscfg", "-r"): ("lpar", "prof"),
    ("chsyscfg", "-r"): ("prof",),
    ("rmsyscfg", "-r"): ("lpar", "prof"),
    ("lslparutil", "-r"): ("lpar", "pool", "procpool", "sys", "all", "config"),
    ("lsrefcode", "-r"): ("lpar", "sys"),
    ("lssysconn", "-r"): ("all", "sys"),
}


def attribute_names(words: list[str]) -> tuple[str, ...]:
    """The -F attributes of the listing the words describe so far."""
    command = words[0] if words else ""
    flags = dict(zip(words[1::2], words[2::2], strict=False))
    resource, level = flags.get("-r", ""), flags.get("--level", "")
    if command == "lssyscfg":
        return {"sys": lssyscfg.SYS_ATTRS, "lpar": lssyscfg.LPAR_ATTRS,
                "prof": lssyscfg.PROF_ATTRS}.get(resource, ())
    if command == "lshwres":
        if resource == "virtualio":
            return {"eth": lshwres.ETH, "scsi": lshwres.SCSI, "fc": lshwres.FC,
                    "serial": lshwres.SERIAL, "slot": lshwres.SLOT,
                    "vswitch": lshwres.VSWITCH}.get(flags.get("--rsubtype", ""), ())
        table = {("proc", "sys"): lshwres.PROC_SYS, ("mem", "sys"): lshwres.MEM_SYS,
                 ("proc", "lpar"): lshwres.PROC_LPAR, ("mem", "lpar"): lshwres.MEM_LPAR,
                 ("proc", "pool"): lshwres.PROC_POOL, ("io", ""): lshwres.IO_SLOT,
                 ("procpool", ""): lshwres.PROCPOOL}
        return table.get((resource, level), ())
    if command == "lslparutil":
        return {"lpar": lslparutil.LPAR, "pool": lslparutil.POOL,
                "procpool": lslparutil.PROCPOOL, "sys": lslparutil.SYS}.get(resource, ())
    if command == "lsrefcode":
        return hmcinfo.LPAR_REFCODE if resource == "lpar" else hmcinfo.SYS_REFCODE
    if command == "lssysconn":
        return hmcinfo.SYSCONN
    return ()


def candidates(line: str, text: str) -> list[str]:
    """Completions of `text`, the word being typed at the end of `line`."""
    before = line[: len(line) - len(text)]
    try:
        words = tokenize(before)
    except Exception:
        return []
    if not words:
        return sorted(n for n in (*COMMANDS, "help", "exit") if n.startswith(text))
    command = COMMANDS.get(words[0])
    if command is None:
        return []
    previous = words[-1] if len(words) > 1 else ""
    if previous == "-F":
        head, _, last = text.rpartition(",")
        prefix = f"{head}," if head else ""
        return [prefix + a for a in attribute_names(words) if a.startswith(last)]
    if (words[0], previous) in VALUES:
        return [v for v in VALUES[(words[0], previous)] if v.startswith(text)]
    return sorted(f for f in command.flags if f.startswith(text) and f not in words)


def repl(console: Console, read: Callable[[str], str], write: Callable[[str], None],
         after: Callable[[], None] = lambda: None) -> int:
    """Read-run-print until `exit` or EOF; `after` runs after every command (saving)."""
    prompt = PROMPT.format(user=console.actor.user)
    status = 0
    while True:
        try:
            line = read(prompt)
        except EOFError:
            write("\n")
            return status
        except KeyboardInterrupt:
            write("\n")
            continue
        if line.strip() in ("exit", "quit", "logout"):
            return status
        result = run_command(console, line)
        write(result.stdout)
        write(result.stderr)
        status = result.exit_code
        after()


def setup_readline(history: Path) -> Callable[[], None]:
    """History and completion when readline exists; returns the history saver."""
    try:
        import readline
    except ImportError:  # pragma: no cover - Windows without pyreadline
        return lambda: None
    with contextlib.suppress(OSError):
        readline.read_history_file(history)
    readline.set_history_length(HISTORY_LENGTH)
    readline.set_completer_delims(" \t\n")
    matches: list[str] = []

    def complete(text: str, state: int) -> str | None:
        if state == 0:
            matches[:] = candidates(readline.get_line_buffer()[: readline.get_endidx()], text)
        return matches[state] if state < len(matches) else None

    readline.set_completer(complete)
    readline.parse_and_bind("tab: complete")

    def save() -> None:
        with contextlib.suppress(OSError):
            history.parent.mkdir(parents=True, exist_ok=True)
            readline.write_history_file(history)

    return save
