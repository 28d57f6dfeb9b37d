"""Fixtures for the HMC command line tests: a fresh engine on the demo frame per test."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

# `pytest` (unlike `python -m pytest`) does not put the repository root on sys.path and the
# package is not installed in the venv (same workaround as tests/engine/conftest.py).
_ROOT = str(Path(__file__).resolve().parents[2])
if _ROOT not in sys.path:
    sys.path.insert(0, _ROOT)

from hmccli_support import UtilConsole  # noqa: E402

from engine.service import Engine  # noqa: E402
from engine.store import CONFIG_DIR_ENV, DATA_DIR_ENV, STATE_DIR_ENV, demo_frame  # noqa: E402
from hmc_tui.console import LocalConsole  # noqa: E402
from hmc_tui.hmccli import CommandResult, run_command  # noqa: E402


@pytest.fixture(scope="session", autouse=True)
def private_dirs(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """Data, config and state dirs of the session's own: the user commands (lshmcusr, ...)
    open the data dir's user store, which must never be the real one."""
    root = tmp_path_factory.mktemp("dirs")
    with pytest.MonkeyPatch.context() as patch:
        for env, name in ((DATA_DIR_ENV, "data"), (CONFIG_DIR_ENV, "config"),
                          (STATE_DIR_ENV, "state")):
            patch.setenv(env, str(root / name))
        yield root


@pytest.fixture
def console() -> LocalConsole:
    return LocalConsole(Engine(demo_frame(), mode="stepped"))


@pytest.fixture
def util_console() -> UtilConsole:
    console = UtilConsole(Engine(demo_frame(), mode="stepped"))
    console.step(600)
    return console


@pytest.fixture
def run(console: LocalConsole):  # type: ignore[no-untyped-def]
    def go(line: str) -> CommandResult:
        return run_command(console, line)
    return go
