"""`hmc-tui drill`: run a drill in the console, grade a macro headless, check or list drills.

    hmc-tui drill FILE                                   the console's drill mode
    hmc-tui drill FILE --headless --macro M.toml [--report OUT.json]
    hmc-tui drill FILE --check                           validate only
    hmc-tui drill --list                                 the drills in examples/drills

Exit status: 0 the drill passed (or the file is valid), 1 it failed, 2 a file is not usable
(one line, FILE:LINE: field: what is wrong, no traceback).
"""

from __future__ import annotations

import argparse
import importlib
import sys
from pathlib import Path
from typing import Any

from engine.store import FrameFileError, atomic_write_bytes

__all__ = ["EXAMPLES", "add_subcommands", "cmd_drill", "list_drills"]

PROG = "hmc-tui"
EXIT_FAILED = 1
EXIT_USAGE = 2
EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "drills"
SCENARIO_NAME = "drill.toml"


def _say(message: str) -> None:
    print(f"{PROG}: {message}", file=sys.stderr)


def add_subcommands(subparsers: Any) -> argparse.ArgumentParser:
    text = "run a failure drill in the console, or grade a recorded solution headless"
    sub: argparse.ArgumentParser = subparsers.add_parser("drill", help=text, description=(
        f"{text}. Exit status: 0 passed (or valid with --check), 1 failed, 2 unusable "
        "scenario, macro or frame file."))
    sub.add_argument("scenario", metavar="FILE", type=Path, nargs="?", default=None,
                     help="the scenario (drill.toml, or the drill's directory)")
    sub.add_argument("--list", action="store_true", help="list the drills in examples/drills")
    sub.add_argument("--check", action="store_true", help="validate the scenario only")
    sub.add_argument("--headless", action="store_true",
                     help="no terminal UI: replay --macro with the engine in lockstep and "
                     "grade it (deterministic)")
    sub.add_argument("--macro", metavar="M.toml", type=Path, default=None,
                     help="the recorded solution to grade (with --headless)")
    sub.add_argument("--report", metavar="OUT.json", type=Path, default=None,
                     help="write the JSON report here instead of stdout")
    sub.set_defaults(handler=cmd_drill)
    return sub


def list_drills(root: Path = EXAMPLES) -> list[tuple[Path, str]]:
    """(scenario file, title) of every drill under `root`; a broken one says why."""
    from hmc_tui.drills.load import ScenarioFileError, load_scenario

    found = []
    for path in sorted(root.glob(f"*/{SCENARIO_NAME}")):
        try:
            found.append((path, load_scenario(path).title))
        except ScenarioFileError as exc:
            found.append((path, f"(not usable: {exc})"))
    return found


def _scenario_path(path: Path) -> Path:
    return path / SCENARIO_NAME if path.is_dir() else path


def cmd_drill(args: argparse.Namespace) -> int:
    from hmc_tui.drills.load import load_scenario

    if args.list:
        if not EXAMPLES.is_dir():
            _say(f"drill: no drills directory {EXAMPLES} (examples/ ships with the source)")
            return EXIT_USAGE
        for path, title in list_drills():
            print(f"{path.parent.name:24} {title}")
        return 0
    if args.scenario is None:
        _say("drill: give the scenario file (or --list)")
        return EXIT_USAGE
    if args.macro is not None and not args.headless:
        _say("drill: --macro grades a recorded solution: give --headless too")
        return EXIT_USAGE
    if args.headless and args.macro is None:
        _say("drill: --headless needs --macro M.toml (the solution to grade)")
        return EXIT_USAGE
    override: Path | None = getattr(args, "frame", None)  # --frame FILE
    try:
        scenario = load_scenario(_scenario_path(args.scenario), override)
    except FrameFileError as exc:  # ScenarioFileError, or the frame it names
        _say(str(exc))
        return EXIT_USAGE
    if override is not None:
        _say(f"warning: running the drill on {override}, not its own frame "
             f"({scenario.model.drill.frame})")
    if args.check:
        from hmc_tui.drills.setup import prepare_engine

        try:
            prepare_engine(scenario)  # the setup commands must run too
        except FrameFileError as exc:
            _say(str(exc))
            return EXIT_USAGE
        checks = len(scenario.model.check)
        print(f"{scenario.path}: {scenario.title}: valid ({len(scenario.model.fault)} faults, "
              f"{checks} checks, {len(scenario.model.hint)} hints)", file=sys.stderr)
        return 0
    if args.headless:
        return _headless(scenario, args)
    return _console(scenario, args)


def _console(scenario: Any, args: argparse.Namespace) -> int:
    """The console's drill mode (hmc_tui.drills.console, the console's part)."""
    try:  # by name: mypy passes with the module and without it
        console_mode = importlib.import_module("hmc_tui.drills.console")
    except ModuleNotFoundError as exc:
        if exc.name != "hmc_tui.drills.console":
            raise
        _say("drill: the console's drill mode is not there yet; grade a solution with "
             "--headless --macro M.toml")
        return EXIT_USAGE
    from hmc_tui.console import LocalConsole
    from hmc_tui.drills.run import DrillRun
    from hmc_tui.drills.setup import prepare_engine

    try:
        engine = prepare_engine(scenario)
    except FrameFileError as exc:
        _say(str(exc))
        return EXIT_USAGE
    engine.start()  # the drill's clock runs in real time from here (speed: + and -)
    try:
        run = DrillRun(scenario, LocalConsole(engine))
        return int(console_mode.run_drill_console(run, args))
    finally:
        engine.stop()


def _headless(scenario: Any, args: argparse.Namespace) -> int:
    from hmc_tui.drills.headless import grade
    from hmc_tui.macros.load import MacroFileError, load_macro

    try:
        loaded = load_macro(args.macro)
    except MacroFileError as exc:
        _say(str(exc))
        return EXIT_USAGE
    try:
        report = grade(scenario, loaded)
    except FrameFileError as exc:  # a setup command refused
        _say(str(exc))
        return EXIT_USAGE
    for line in summary(report):
        print(line, file=sys.stderr)
    text = report.model_dump_json(indent=2) + "\n"
    if args.report is not None:
        args.report.parent.mkdir(parents=True, exist_ok=True)
        atomic_write_bytes(args.report, text.encode("utf-8"))
    else:
        sys.stdout.write(text)
    return 0 if report.passed else EXIT_FAILED


def summary(report: Any) -> list[str]:
    """The human summary of a report: one line per check, the score, the verdict."""
    lines = [f"{report.title}: {'PASSED' if report.passed else 'FAILED'}, score "
             f"{report.score} of {report.max_score} ({report.reason}, "
             f"{report.engine_time:g} engine seconds)"]
    for check in report.checks:
        mark = {"passed": "ok  ", "failed": "FAIL", "pending": "... "}[check.state]
        lines.append(f"  {mark} {check.points:3d}  {check.title}: {check.message}")
    for fault in report.faults:
        if fault.time is None:
            lines.append(f"  fault {fault.name}: never injected")
        elif not fault.ok:
            lines.append(f"  fault {fault.name} at {fault.time:g} s refused: {fault.message}")
        else:
            repaired = f", repaired at {fault.cleared:g} s" if fault.cleared is not None else ""
            lines.append(f"  fault {fault.name} ({fault.kind}) at {fault.time:g} s{repaired}")
    for hint in report.hints:
        lines.append(f"  hint ({hint.how}, -{hint.cost}): {hint.text}")
    if report.macro_failure:
        lines.append(f"  macro: {report.macro_failure}")
    return lines
