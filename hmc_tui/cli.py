"""The `hmc-tui` command.

One function per subcommand (`cmd_<name>(args) -> int`), registered in `build_parser()`.
`--frame FILE` is declared once (FRAME_OPTION) and every subcommand's parser inherits it
(SubcommandParser), so it may be given before or after the subcommand's name; a subcommand
that works on a frame calls `_frame(args)`. Problems the user can fix (a bad frame file) print
one line, `hmc-tui: <message>`, on stderr and exit 2, never a traceback.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from engine.model import Frame, Partition
from engine.store import FrameFileError, ensure_user_frame, load_frame
from hmc_tui import __version__
from hmc_tui.config import ConfigFileError
from hmc_tui.drills.entry import add_subcommands as drill_commands
from hmc_tui.hmccli.entry import add_subcommands as hmccli_commands
from hmc_tui.macros.entry import add_record_option
from hmc_tui.macros.entry import add_subcommands as macro_commands
from hmc_tui.service.entry import add_subcommands as service_commands

PROG = "hmc-tui"
EXIT_USAGE = 2  # argparse's code for bad usage; also used for bad frame files
SEED = 0  # the console's engine seed (workload noise); macros record it


# ---------------------------------------------------------------- --frame, declared once


def _frame_option() -> argparse.ArgumentParser:
    parent = argparse.ArgumentParser(add_help=False)
    # SUPPRESS: a subcommand without --frame keeps the value given before its name (the main
    # parser's default is None: the user's own frame).
    parent.add_argument("--frame", metavar="FILE", type=Path, default=argparse.SUPPRESS,
                        help="frame file to use instead of your own (created from the demo "
                        "frame on first start)")
    return parent


FRAME_OPTION = _frame_option()


class SubcommandParser(argparse.ArgumentParser):
    """The parser of every `hmc-tui` subcommand (`add_subparsers(parser_class=...)`): it
    inherits FRAME_OPTION, wherever the subcommand is registered."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs["parents"] = [FRAME_OPTION, *kwargs.get("parents", ())]
        super().__init__(**kwargs)


# ---------------------------------------------------------------- subcommands


def cmd_console(args: argparse.Namespace) -> int:
    """No subcommand: the console, live on your frame (or attached to `hmc-tui serve`).

    The engine runs in this process; the frame is saved (atomically) when the console
    quits, so nothing done in a session is lost, and only then: an unchanged frame file is
    left as the user wrote it (its comments and layout; the demo frame's are worth keeping).
    """
    if args.connect is not None:
        from hmc_tui.service.entry import run_remote_console

        return run_remote_console(args.connect)
    from hmc_tui.app import run_console
    from hmc_tui.config import load_config
    from hmc_tui.console import LocalConsole
    from hmc_tui.hmccli.local_frame import FrameBusy, catch_up_note, open_frame
    from hmc_tui.macros.entry import record_console

    path = _frame_path(args)
    try:  # the file, what a crashed session had acknowledged, and the time since (local_frame)
        local = open_frame(path, "wall", who="console", mode="realtime")
    except FrameBusy as exc:
        print(exc.message, file=sys.stderr)
        return 2
    catch_up_note(local, "console")
    config = load_config()
    engine = local.engine
    engine.start()
    console = LocalConsole(engine)
    try:
        if args.record is not None:
            return record_console(console, args.record, config=config, seed=SEED,
                                  frame_source=str(path))
        return run_console(console, config)
    finally:
        engine.stop()
        try:
            if local.changed() or local.caught_up:
                local.save()
            else:  # an unchanged frame keeps its file (and comments); the journal still
                engine.flush_events()  # gets the session's refusals and lifecycle events
        finally:
            local.close()  # sqlite folds its WAL back in; the frame is free


def cmd_summary(args: argparse.Namespace) -> int:
    """Print the managed system, its pools and its partitions as plain text."""
    print(format_summary(_frame(args)))
    return 0


def _frame_path(args: argparse.Namespace) -> Path:
    """--frame FILE, else the user's own frame file. (FRAME_OPTION's default is SUPPRESS, and
    a parser's set_defaults would change it for every parser sharing it: absent means none.)"""
    path: Path | None = getattr(args, "frame", None)
    return path if path is not None else ensure_user_frame()


def _frame(args: argparse.Namespace) -> Frame:
    """The frame a subcommand works on."""
    return load_frame(_frame_path(args))


# ---------------------------------------------------------------- parser


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=PROG,
        description="A terminal HMC console over a live simulated IBM PowerVM frame.",
        parents=[FRAME_OPTION],
    )
    parser.add_argument("--version", action="version", version=f"{PROG} {__version__}")
    parser.add_argument("--connect", metavar="SOCKET", type=Path, default=None,
                        help="attach the console to a running engine service (hmc-tui serve)")
    add_record_option(parser)
    parser.set_defaults(handler=cmd_console)

    commands = parser.add_subparsers(title="commands", metavar="COMMAND",
                                     parser_class=SubcommandParser)

    def command(name: str, handler: object, help_text: str) -> argparse.ArgumentParser:
        sub = commands.add_parser(name, help=help_text, description=help_text)
        sub.set_defaults(handler=handler)
        return sub

    command("summary", cmd_summary, "print the frame's system, pools and partitions")
    hmccli_commands(commands)
    macro_commands(commands)
    service_commands(commands)
    drill_commands(commands)
    return parser


def _exit_code(code: object) -> int:
    """SystemExit.code as an int (argparse exits with 0 after --help, 2 on bad usage)."""
    if code is None:
        return 0
    if isinstance(code, int):
        return code
    print(code, file=sys.stderr)
    return 1


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # --help, --version and usage errors: return, don't exit
        return _exit_code(exc.code)
    try:
        return int(args.handler(args))
    except (FrameFileError, ConfigFileError) as exc:
        print(f"{PROG}: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # `hmc-tui | head`: the reader left. Point stdout at /dev/null so the interpreter's
        # final flush does not fail again with a traceback.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 1


# ---------------------------------------------------------------- the summary


def _table(headers: Sequence[str], rows: Sequence[Sequence[str]], right: set[int]) -> list[str]:
    """Plain-text columns; the columns in `right` (numbers) are right-aligned."""
    widths = [max(len(cell) for cell in column) for column in zip(headers, *rows, strict=True)]
    lines = []
    for row in (headers, *rows):
        cells = [
            cell.rjust(width) if i in right else cell.ljust(width)
            for i, (cell, width) in enumerate(zip(row, widths, strict=True))
        ]
        lines.append("  " + "  ".join(cells).rstrip())
    return lines


def _processors(lpar: Partition) -> tuple[str, str]:
    """(mode, processors) columns from what applies now: current config or default profile."""
    res = lpar.settings()
    if res.shared:
        mode = "shared capped" if res.capped else f"shared uncapped ({res.uncap_weight})"
        return mode, f"{res.entitlement:.2f} EC / {res.desired_procs} VP"
    cores = "core" if res.desired_procs == 1 else "cores"
    return "dedicated", f"{res.desired_procs} {cores}"


def format_summary(frame: Frame) -> str:
    system = frame.system
    hw = frame.hardware
    lines = [
        f"Managed system  {system.name}",
        f"MTMS            {frame.mtms} ({hw.name}, {hw.generation})",
        f"State           {system.state}",
        f"Firmware        {system.firmware or hw.firmware}",
        f"Processors      installed {system.installed_procs}, configurable "
        f"{system.configurable_procs}, available {frame.avail_proc_units():.2f}",
        f"Memory (MB)     installed {system.installed_mem}, configurable "
        f"{system.configurable_mem}, available {frame.avail_mem()}",
        "",
        "Shared processor pools",
    ]
    pool_rows = []
    for pool in frame.pools:
        if not (pool.is_default or pool.max_proc_units > 0):
            continue  # inactive pools (max 0) are not worth a line
        members = frame.pool_members(pool.id)
        pool_rows.append([
            str(pool.id),
            pool.name,
            "-" if pool.is_default else str(pool.max_proc_units),
            "-" if pool.is_default else f"{pool.reserved_proc_units:.2f}",
            f"{frame.pool_entitled(pool.id):.2f}",
            str(len(members)),
        ])
    lines += _table(
        ("ID", "Name", "Max", "Reserved", "Entitled", "Active partitions"), pool_rows,
        right={0, 2, 3, 4, 5},
    )
    lines += ["", "Partitions"]
    if frame.partitions:
        rows = []
        for lpar in frame.partitions:
            mode, procs = _processors(lpar)
            rows.append([
                str(lpar.id), lpar.name, lpar.env, lpar.state, lpar.os_version, mode, procs,
                str(lpar.settings().desired_mem),
            ])
        lines += _table(
            ("ID", "Name", "Type", "State", "OS", "Mode", "Processors", "Memory (MB)"),
            rows, right={0, 6, 7},
        )
    else:
        lines.append("  No partitions.")
    return "\n".join(lines)
