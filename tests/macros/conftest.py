"""Macro tests: private data/config/state dirs, a command line built the way cli.py wires
the macro commands, and small macro files written on the fly."""

from __future__ import annotations

import argparse
import gc
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

# `pytest` (unlike `python -m pytest`) does not put the repository root on sys.path.
_ROOT = str(Path(__file__).resolve().parents[2])
if _ROOT not in sys.path:
    sys.path.insert(0, _ROOT)

from hmc_tui.cli import FRAME_OPTION, SubcommandParser  # noqa: E402
from hmc_tui.macros.entry import add_record_option, add_subcommands  # noqa: E402

EXAMPLES = Path(_ROOT) / "examples" / "macros"
HEADER = """[macro]
format = 1
frame = "demo"
seed = 0
size = [100, 30]
"""


@pytest.fixture(autouse=True)
def _private_dirs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Never touch the user's real frame, config or logs."""
    for name in ("DATA", "CONFIG", "STATE"):
        path = tmp_path / name.lower()
        path.mkdir()
        monkeypatch.setenv(f"HMC_TUI_{name}_DIR", str(path))


@pytest.fixture(autouse=True)
def _quiet_gc() -> Iterator[None]:
    """Each test builds a Textual app of many small objects: collect and freeze between
    tests so the cyclic GC does not rescan every earlier test's survivors."""
    yield
    gc.collect()
    gc.freeze()


def build_parser() -> argparse.ArgumentParser:
    """What hmc_tui/cli.py does with the macro entry points."""
    parser = argparse.ArgumentParser(prog="hmc-tui", parents=[FRAME_OPTION])
    add_record_option(parser)
    add_subcommands(parser.add_subparsers(parser_class=SubcommandParser))
    return parser


def run_cli(argv: list[str]) -> int:
    args = build_parser().parse_args(argv)
    return int(args.handler(args))


def step_line(path: Path, number: int) -> int:
    """The line of the `number`th (1-based) [[step]] table of a macro file."""
    lines = path.read_text(encoding="utf-8").splitlines()
    found = [i for i, line in enumerate(lines, start=1) if line.strip() == "[[step]]"]
    return found[number - 1]


@pytest.fixture
def cli() -> Callable[[list[str]], int]:
    return run_cli


@pytest.fixture
def write_macro(tmp_path: Path) -> Callable[..., Path]:
    """write_macro(steps_text, name=..., header=...) -> path of a macro in tmp_path."""

    def write(steps: str, name: str = "m.toml", header: str = HEADER) -> Path:
        path = tmp_path / name
        path.write_text(header + "\n" + steps, encoding="utf-8")
        return path

    return write
