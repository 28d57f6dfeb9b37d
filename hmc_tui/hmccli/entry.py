"""`hmc-tui cmd | shell | import | export`: the command line's subcommands.

`add_subcommands(subparsers)` registers them on hmc-tui's argparse subparsers; each handler
takes the namespace and returns the exit status. The top-level `--frame FILE` (args.frame,
None for the user's own frame) selects the frame file.
"""

from __future__ import annotations

import argparse
import shlex
import sys
from pathlib import Path
from typing import Any, Literal

from engine.durable import db_path_for
from engine.errors import HmcError
from engine.hmc import Hmc
from engine.service import Engine
from engine.store import FrameFileError, data_dir, ensure_user_frame, load_hmc, save_hmc
from hmc_tui.console import Console, LocalConsole
from hmc_tui.hmccli import run_command
from hmc_tui.hmccli.capture import capture_script, export
from hmc_tui.hmccli.capture_parse import CaptureError
from hmc_tui.hmccli.importer import import_frame
from hmc_tui.hmccli.local_frame import (
    CLOCKS,
    MAX_CATCH_UP,
    FrameBusy,
    LocalFrame,
    catch_up_note,
    open_frame,
)
from hmc_tui.hmccli.result import CommandResult, TerminalRequest
from hmc_tui.hmccli.shell import (
    HISTORY_FILE,
    OpenTerminal,
    remember,
    repl,
    setup_readline,
)

EXIT_BAD_INPUT = 2  # a capture that does not parse, a file that cannot be written


def _frame_path(args: argparse.Namespace) -> Path:
    path = getattr(args, "frame", None)
    return Path(path) if path is not None else ensure_user_frame()


def _console(path: Path) -> tuple[Engine, LocalConsole]:
    """A read-only engine on the frame file (export)."""
    engine = Engine(load_hmc(path))
    return engine, LocalConsole(engine)


def _open(args: argparse.Namespace, who: str, line: str = "",
          mode: Literal["stepped", "realtime"] = "stepped") -> LocalFrame | int:
    """The frame for cmd / shell, or the exit status after printing why it cannot be used."""
    try:
        frame = open_frame(_frame_path(args), getattr(args, "clock", "wall"), who=who,
                           line=line, mode=mode)
    except FrameBusy as exc:
        print(exc.message, file=sys.stderr)
        return EXIT_BAD_INPUT
    catch_up_note(frame, who)
    return frame


def _save(frame: LocalFrame, who: str, *, always: bool) -> bool:
    """Checkpoint when the frame changed (or `always` and engine time moved); False, after
    saying why, when it could not be written (the operation log keeps every operation)."""
    if not (frame.changed() or (always and frame.moved())):
        return True
    try:
        frame.save()
    except FrameFileError as exc:
        if not frame.changed():
            return True  # only the catch-up is unsaved: the next run repeats it exactly
        print(f"hmc-tui {who}: frame not saved: {exc} (the operation log "
              f"{db_path_for(frame.path)} keeps every operation)", file=sys.stderr)
        return False
    return True


def cmd_run(args: argparse.Namespace) -> int:
    """Run one HMC command against the frame file: caught up with the wall clock, the
    operation logged before the answer, checkpointed at exit (hmccli.local_frame)."""
    words: list[str] = args.line
    if not words:
        print("hmc-tui cmd: give an HMC command, e.g. hmc-tui cmd 'lssyscfg -r sys'",
              file=sys.stderr)
        return EXIT_BAD_INPUT
    line = words[0] if len(words) == 1 else shlex.join(words)
    frame = _open(args, "cmd", line)
    if isinstance(frame, int):
        return frame
    try:
        result = run_command(LocalConsole(frame.engine), line, step=frame.engine.step)
        sys.stdout.write(result.stdout)
        sys.stderr.write(result.stderr)
        saved = _save(frame, "cmd", always=frame.clock == "wall")
    finally:
        frame.close()
    return result.exit_code if saved else max(result.exit_code, 1)


def _terminal() -> OpenTerminal:
    """mkvterm and vtmenu in `hmc-tui shell` bridge its terminal as the HMC prompt does."""
    from hmc_tui.rbash.vterm import open_terminal  # the restricted shell imports this package

    def run(console: Console, request: TerminalRequest) -> CommandResult:
        sys.stdout.flush()
        return open_terminal(console, request)

    return run


def cmd_shell(args: argparse.Namespace) -> int:
    """An interactive HMC shell over the frame file: the clock runs in real time while it
    is open; checkpointed after each change and at exit."""
    frame = _open(args, "shell", mode="realtime")
    if isinstance(frame, int):
        return frame
    engine = frame.engine
    console = LocalConsole(engine)
    save_history = setup_readline(data_dir() / HISTORY_FILE, console)
    engine.start()

    def after() -> None:
        _save(frame, "shell", always=False)

    saved = True
    try:
        status = repl(console, input, sys.stdout.write, after, remember,
                      terminal=_terminal() if sys.stdin.isatty() else None)
    finally:
        engine.stop()
        try:
            saved = _save(frame, "shell", always=True)
        finally:
            frame.close()
            save_history()
    return status if saved else max(status, 1)


def cmd_import(args: argparse.Namespace) -> int:
    """Build a frame file from HMC captures (a directory, or one sectioned file)."""
    if args.script:
        print(capture_script(args.system or "SYSTEM", args.target))
        return 0
    if not args.source or args.output is None:
        print("hmc-tui import: give DIR|FILE and -o OUT.toml (or --script)", file=sys.stderr)
        return EXIT_BAD_INPUT
    out: Path = args.output
    if out.exists() and not args.force:
        print(f"hmc-tui import: {out} exists (use --force to replace it)", file=sys.stderr)
        return EXIT_BAD_INPUT
    frames = []
    for source in args.source:
        try:
            imported = import_frame(Path(source))
        except CaptureError as exc:
            print(exc, file=sys.stderr)
            return EXIT_BAD_INPUT
        for warning in imported.warnings:
            print(f"hmc-tui import: warning: {warning}", file=sys.stderr)
        frames.append(imported.frame)
    try:
        save_hmc(Hmc(systems=tuple(frames)), out)
    except HmcError as exc:  # two captures of the same system
        print(f"hmc-tui import: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except FrameFileError as exc:
        print(f"hmc-tui import: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    for frame in frames:
        print(f"{out}: {frame.system.name}, {len(frame.partitions)} partitions")
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    """Write the frame's captures, one file per command, into a directory."""
    _, console = _console(_frame_path(args))
    frames = console.snapshot().frames
    directory = Path(args.directory)
    # --system: that one into DIR; else the only one into DIR, or each into DIR/NAME
    targets = ([(args.system, directory)] if args.system else [("", directory)]
               if len(frames) == 1 else [(f.mtms, directory / f.system.name) for f in frames])
    for system, where in targets:
        try:
            written = export(console, where, system)
        except (OSError, CaptureError, HmcError) as exc:
            print(f"hmc-tui export: {exc}", file=sys.stderr)
            return EXIT_BAD_INPUT
        print(f"{where}: {len(written)} capture files")
    return 0


def _add_clock(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--clock", choices=CLOCKS, default="wall",
        help="wall (default): engine time moves on with the wall clock between two runs on "
        f"the same frame (at most {MAX_CATCH_UP / 3600:.0f} hours at a time), so a partition "
        "activated by one command is still Starting at the next; stopped: no time passes "
        "between runs and a transition in flight completes at once at the next")


def add_subcommands(subparsers: Any) -> None:
    """Register cmd, shell, import and export on hmc-tui's subparsers."""
    def add(name: str, handler: Any, text: str) -> argparse.ArgumentParser:
        sub = subparsers.add_parser(name, help=text, description=text)  # --frame: hmc_tui.cli
        sub.set_defaults(handler=handler)
        return sub

    cmd = add("cmd", cmd_run, "run one HMC command (lssyscfg, chsysstate, ...) on your frame")
    _add_clock(cmd)
    cmd.add_argument("line", nargs=argparse.REMAINDER, metavar="LINE",
                     help="the command line, quoted as one word or as separate words")
    _add_clock(add("shell", cmd_shell, "an interactive HMC command shell on your frame"))
    imp = add("import", cmd_import, "build a frame file from HMC command captures")
    imp.add_argument("source", metavar="DIR|FILE", nargs="*",
                     help="a directory of captures, or one file with '### <command>' "
                     "sections; several: one managed system each, all in OUT.toml")
    imp.add_argument("-o", "--output", type=Path, metavar="OUT.toml",
                     help="the frame file to write")
    imp.add_argument("--force", action="store_true", help="replace OUT.toml if it exists")
    imp.add_argument("--script", action="store_true",
                     help="print the command that captures a real frame through its HMC")
    imp.add_argument("--system", metavar="NAME",
                     help="with --script: the managed system's name (default SYSTEM)")
    imp.add_argument("--target", metavar="USER@HMC", default="hscroot@HMC",
                     help="with --script: where ssh logs in (default hscroot@HMC)")
    exp = add("export", cmd_export, "write HMC command captures of your frame into DIR")
    exp.add_argument("directory", metavar="DIR")
    exp.add_argument("-m", "--system", metavar="SYSTEM",
                     help="the managed system (name or type-model*serial); without it a "
                     "frame of several systems is written one directory per system")
