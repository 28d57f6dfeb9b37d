"""`hmc-tui shell`: an HMC-like restricted shell with history and tab completion.

Completion is `hmc_tui.hmccli.complete` (commands, flags, values, live names, -F attributes),
from the same declarations the parser uses. History lives in the data directory
(`hmccli_history`, mode 0600) and never holds a password: a line giving one (`chhmcusr -t
passwd -v ...`, `mkhmcusr --passwd ...`, `-i "...passwd=..."`) is not added to it. The engine
clock runs in real time while the shell is open, so activations and shutdowns progress as on
a real HMC.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable
from pathlib import Path

from engine.snapshot import Snapshot
from hmc_tui.console import Console
from hmc_tui.hmccli import run_command
from hmc_tui.hmccli.complete import complete, current_word
from hmc_tui.hmccli.result import CommandResult, TerminalRequest
from hmc_tui.hmccli.tokens import tokenize
from hmc_tui.hmccli.usercmds import SECRET_ATTRS, SECRET_FLAGS

PROMPT = "{user}@hmc-tui:~> "
HISTORY_FILE = "hmccli_history"
HISTORY_LENGTH = 1000
SHELL_WORDS = ("exit", "quit", "logout")


def has_secret(line: str) -> bool:
    """Whether the line gives a password (so it must not be kept anywhere)."""
    try:
        words = tokenize(line)
    except Exception:  # unbalanced quotes: judge the raw text
        words = line.split()
    if not words or words[0] not in SECRET_FLAGS:
        return False
    secret_flags: tuple[str, ...] = SECRET_FLAGS[words[0]]
    if words[0] == "chhmcusr" and "-t" in words[:-1]:  # -v is a password only for -t passwd
        secret_flags = secret_flags if words[words.index("-t") + 1] == "passwd" else ()
    return any(w in secret_flags or any(f"{a}=" in w for a in SECRET_ATTRS) for w in words)


# Opens mkvterm's or vtmenu's request on the user's terminal (hmc_tui.rbash.vterm); gives
# what is left to print once the session is closed.
OpenTerminal = Callable[[Console, TerminalRequest], CommandResult]


def repl(console: Console, read: Callable[[str], str], write: Callable[[str], object],
         after: Callable[[], None] = lambda: None,
         remember: Callable[[str], None] = lambda line: None,
         terminal: OpenTerminal | None = None) -> int:
    """Read-run-print until `exit` or EOF; `after` runs after every command (saving) and
    `remember` gets every line to keep in the history; `terminal` opens what mkvterm and
    vtmenu ask for (on a real terminal; without it they print their refusal)."""
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
        if line.strip() in SHELL_WORDS:
            return status
        remember(line)
        result = run_command(console, line)
        if result.terminal is not None and terminal is not None:
            result = terminal(console, result.terminal)
        write(result.stdout)
        write(result.stderr)
        status = result.exit_code
        after()


def readline_matches(snapshot: Snapshot | None, line: str, begidx: int) -> list[str]:
    """Completions as readline wants them: from `begidx`, where readline's word starts
    (at the last space), whereas a quoted word (`-c "lsmap -all -n`) starts earlier."""
    cut = begidx - current_word(line, len(line)).start
    return [c[cut:] for c in complete(snapshot, line, extra_commands=SHELL_WORDS)
            if len(c) > cut]


def setup_readline(history: Path, console: Console | None = None) -> Callable[[], None]:
    """History and completion when readline exists; returns the history saver.

    Lines are added to the history by `remember` (readline's automatic history is off), so
    a line with a password never reaches it.
    """
    try:
        import readline
    except ImportError:  # pragma: no cover - Windows without pyreadline
        return lambda: None
    with contextlib.suppress(OSError):
        readline.read_history_file(history)
    _scrub(readline)
    readline.set_history_length(HISTORY_LENGTH)
    readline.set_auto_history(False)
    readline.set_completer_delims(" \t\n")
    matches: list[str] = []

    def completer(text: str, state: int) -> str | None:
        if state == 0:
            line = readline.get_line_buffer()[: readline.get_endidx()]
            snap = console.snapshot() if console is not None else None
            matches[:] = readline_matches(snap, line, readline.get_begidx())
        return matches[state] if state < len(matches) else None

    readline.set_completer(completer)
    readline.parse_and_bind("tab: complete")

    def save() -> None:
        with contextlib.suppress(OSError):
            write_history(readline, history)

    return save


def remember(line: str) -> None:
    """Add a line to readline's history unless it is empty or gives a password."""
    try:
        import readline
    except ImportError:  # pragma: no cover
        return
    if line.strip() and not has_secret(line):
        readline.add_history(line)


def _scrub(readline: object) -> None:
    """Drop password lines an older version may have left in the history."""
    rl = readline  # the module; typed loosely so tests can pass a stand-in
    n = rl.get_current_history_length()  # type: ignore[attr-defined]
    for i in range(n, 0, -1):
        item = rl.get_history_item(i)  # type: ignore[attr-defined]
        if item is not None and has_secret(item):
            rl.remove_history_item(i - 1)  # type: ignore[attr-defined]


def write_history(readline: object, history: Path) -> None:
    """The history file, created 0600 (it shows what was typed on the frame)."""
    history.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(history, os.O_WRONLY | os.O_CREAT, 0o600)
    os.close(fd)
    os.chmod(history, 0o600)
    _scrub(readline)
    readline.write_history_file(str(history))  # type: ignore[attr-defined]
    os.chmod(history, 0o600)
