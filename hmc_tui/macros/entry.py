"""The macro parts of the `hmc-tui` command: `replay FILE ...` and `--record FILE.toml`.

hmc_tui/cli.py registers them (`add_subcommands(commands)`, `add_record_option(parser)`) and
calls `record_console()` instead of `run_console()` when --record is given. Exit codes:
0 every expectation held, 1 a step failed (named as FILE:LINE: step N (kind)), 2 the macro
or a frame file is not usable (one line, no traceback).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from engine.store import FrameFileError, ensure_user_frame, save_hmc
from hmc_tui.macros.load import LoadedMacro, MacroFileError, load_macro
from hmc_tui.macros.replay import ReplayReport

__all__ = ["add_record_option", "add_subcommands", "cmd_replay", "record_console"]

PROG = "hmc-tui"
EXIT_FAILED = 1
EXIT_USAGE = 2


def _say(message: str) -> None:
    print(f"{PROG}: {message}", file=sys.stderr)


def _positive(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if value <= 0:
        raise argparse.ArgumentTypeError("must be greater than 0")
    return value


# ---------------------------------------------------------------- parser


def add_subcommands(subparsers: Any) -> argparse.ArgumentParser:
    """Register `replay` on the parser's subparsers (argparse's _SubParsersAction)."""
    text = "replay a keystroke macro in the console, or headless to check it"
    sub: argparse.ArgumentParser = subparsers.add_parser("replay", help=text, description=(
        f"{text}. Exit status: 0 every expectation held, 1 a step failed, 2 unusable macro "
        "or frame file."))
    sub.add_argument("macro", metavar="FILE", type=Path, help="the macro (.toml)")
    sub.add_argument("--headless", action="store_true",
                     help="no terminal UI; the engine steps in lockstep (deterministic, fast)")
    sub.add_argument("--speed", metavar="X", type=_positive, default=None,
                     help="engine clock factor for the visible replay (default: as recorded)")
    sub.add_argument("--screenshot", metavar="OUT.svg", type=Path, default=None,
                     help="save an SVG of the console at the end")
    sub.add_argument("--screenshots", metavar="DIR", type=Path, default=None,
                     help="write the macro's screenshot steps under DIR (default: next to "
                     "the macro)")
    sub.add_argument("--report", metavar="OUT.json", type=Path, default=None,
                     help="write per-step results as JSON")
    sub.add_argument("--save", action="store_true",
                     help="save the final frame to your frame file (or --frame FILE) when "
                     "every step passed; without it no frame file changes")
    # --frame FILE (hmc_tui.cli.FRAME_OPTION): replay against it instead of the recorded one.
    sub.set_defaults(handler=cmd_replay)
    return sub


def add_record_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--record", metavar="FILE.toml", type=Path, default=None,
                        help="record every key into a macro; written when the console exits")


# ---------------------------------------------------------------- replay


def _summary(loaded: LoadedMacro, report: ReplayReport) -> None:
    for warning in report.warnings:
        if not warning.startswith("warning: "):  # the --frame one was said before the run
            _say(f"note: {warning}")
    total = len(loaded.macro.steps)
    ran = sum(1 for s in report.steps if s.status == "ok")
    if report.stopped:
        print(f"{loaded.path}: stopped after {ran} of {total} steps; the expectations that "
              f"ran held (engine time {report.engine_time:.2f} s)")
    elif report.ok:
        print(f"{loaded.path}: {total} steps replayed, every expectation held "
              f"(engine time {report.engine_time:.2f} s)")
    else:
        _say(f"replay failed: {report.failure}")


def cmd_replay(args: argparse.Namespace) -> int:
    override: Path | None = getattr(args, "frame", None)
    try:
        loaded = load_macro(args.macro)
    except MacroFileError as exc:
        _say(str(exc))
        return EXIT_USAGE
    from hmc_tui.macros.session import resolve_frame  # Textual: only once the macro is good

    try:
        choice = resolve_frame(loaded.macro.header, loaded.path, override)
        save_to = (override or ensure_user_frame()) if args.save else None
    except FrameFileError as exc:
        _say(str(exc))
        return EXIT_USAGE
    if choice.warning:
        _say(choice.warning)
    if args.headless:
        from hmc_tui.macros.headless import replay_headless

        report, console = replay_headless(loaded, choice, screenshot=args.screenshot,
                                          screenshot_dir=args.screenshots)
    else:
        from hmc_tui.macros.interactive import replay_interactive

        report, console = replay_interactive(loaded, choice, speed=args.speed,
                                             screenshot=args.screenshot,
                                             screenshot_dir=args.screenshots)
    _summary(loaded, report)
    if args.report is not None:
        report.write(args.report)
    if save_to is not None:
        if not report.ok or report.stopped:
            _say(f"not saved: the replay did not finish; {save_to} is unchanged")
        else:
            try:
                save_hmc(console.engine.hmc_to_save(), save_to)
            except FrameFileError as exc:
                _say(str(exc))
                return EXIT_USAGE
            _say(f"saved the final frame to {save_to}")
    return report.exit_code


# ---------------------------------------------------------------- record


def record_console(console: Any, path: Path, *, config: Any = None, seed: int = 0,
                   frame_source: str = "") -> int:
    """Run the console like run_console() while recording every key into `path`.

    `console` is the console run_console() would get (engine already started); `seed` the
    engine's seed and `frame_source` the frame file it was loaded from, for the header.
    """
    if path.is_dir():
        _say(f"{path}: is a directory; give the macro's file name")
        return EXIT_USAGE
    from hmc_tui.app import HmcApp

    app = HmcApp(console, config=config)
    app.engine_seed = seed
    app.frame_source = frame_source
    app.start_recording(path)
    result = app.run()
    saved, keys = app.saved_recording, app.saved_keys  # saved when the console quit
    if app.recorder is not None:  # it ended some other way (a crash): save what there is
        keys = app.recorder.key_count
        try:
            saved = app.stop_recording()
        except (OSError, FrameFileError) as exc:
            app.recording_error = f"{path}: macro not saved: {exc}"
    if app.recording_error:
        _say(app.recording_error)
        return EXIT_USAGE
    if saved is not None:
        _say(f"recorded {keys} keys to {saved} (replay: {PROG} replay {saved})")
    return result if isinstance(result, int) else (app.return_code or 0)
