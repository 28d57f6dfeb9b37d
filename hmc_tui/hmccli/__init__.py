"""The HMC command line over the engine: lssyscfg, chsysstate, lshwres, viosvrcmd, ...

Public entry points:

* `run_command(console, line)` runs one command line against a console and returns its
  stdout, stderr and exit status (`CommandResult`); it never raises.
* `plan_operations(console, line)` gives the engine operations a changing command
  would run, without running them (tests, previews).
* `hmc_tui.hmccli.entry.add_subcommands(subparsers)` registers `hmc-tui cmd`, `shell`,
  `import` and `export`.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from engine.errors import HmcError
from engine.ops import Operation
from hmc_tui.console import Console
from hmc_tui.hmccli.commands import COMMANDS
from hmc_tui.hmccli.context import Ctx
from hmc_tui.hmccli.errors import CliError, CodedError, CommandNotFound, ShowUsage
from hmc_tui.hmccli.result import CommandResult
from hmc_tui.hmccli.tokens import tokenize
from hmc_tui.hmccli.usage import help_text, usage
from hmc_tui.hmccli.vterm import OpenTerminal
from hmc_tui.service.users import UserStore

__all__ = ["COMMANDS", "CommandResult", "plan_operations", "run_command"]

log = logging.getLogger(__name__)


def _lines(text: str) -> str:
    return text + "\n" if text else ""


def run_command(console: Console, line: str, *, allow_files: bool = True,
                users: UserStore | None = None,
                step: Callable[[float], None] | None = None) -> CommandResult:
    """Run one HMC command line; errors come back as `HSCLxxxx ...` on stderr, status 1.

    `allow_files=False` refuses `-f FILE` (remote sessions must not read the server's files);
    `users` is the user store the user commands act on (None: the data dir's); `step`, the
    engine's step when the caller hands the command a stopped clock to drive (`hmc-tui cmd`:
    migrlpar -o m steps it through the migration it waits for).
    """
    try:
        words = tokenize(line)
        if not words:
            return CommandResult("", "", 0)
        name, rest = words[0], words[1:]
        if name == "help":
            if rest and rest[0] in COMMANDS:
                return CommandResult(_lines(usage(rest[0])), "", 0)
            return CommandResult(_lines(help_text()), "", 0)
        command = COMMANDS.get(name)
        if command is None:
            raise CommandNotFound(name)
        args = command.parse(rest)
        ctx = Ctx.of(console, allow_files=allow_files, users=users, step=step)
        return CommandResult(_lines(command.run(ctx, args)), "", 0)
    except ShowUsage as exc:
        text = _lines(usage(exc.command))
        return CommandResult(text, "", 0) if exc.requested else CommandResult("", text, 1)
    except HmcError as exc:
        return CommandResult("", f"{exc.code} {exc.message}\n", 1)
    except OpenTerminal as exc:  # the refusal, unless the front end opens the terminal
        return CommandResult("", _lines(exc.message), exc.exit_code, terminal=exc.request)
    except CliError as exc:
        return CommandResult("", _lines(exc.message), exc.exit_code)
    except Exception as exc:  # a bug: one line for the user, the traceback for the log
        log.exception("hmccli: %r failed", line)
        detail = " ".join(f"{type(exc).__name__}: {exc}".split())
        return CommandResult("", CodedError("HSCLC0FF", detail=detail).message + "\n", 1)


def plan_operations(console: Console, line: str) -> list[Operation]:
    """The operations a changing command line would run (none for a listing).

    Raises the command's error (HmcError, CliError) when the line is refused before any
    operation exists.
    """
    words = tokenize(line)
    command = COMMANDS.get(words[0]) if words else None
    if command is None:
        raise CommandNotFound(words[0] if words else "")
    args = command.parse(words[1:])
    if command.plan is None:
        return []
    return command.plan(Ctx.of(console), args)

