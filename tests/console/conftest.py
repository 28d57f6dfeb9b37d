"""Console tests: a lockstep engine on the demo frame, and private dirs for every file.

The engine never runs a clock thread here (docs/textual.md section 8: a free-running
thread makes every Pilot press wait ~1-2 s, and breaks determinism); tests move engine time
with `console.step()` and hand the new snapshot to the app with `app.refresh_from_engine()`.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

# `pytest` (unlike `python -m pytest`) does not put the repository root on sys.path.
_ROOT = str(Path(__file__).resolve().parents[2])
if _ROOT not in sys.path:
    sys.path.insert(0, _ROOT)

from console_helpers import make_app, make_console  # noqa: E402
from textual.widgets import Input  # noqa: E402

from engine.store import CONFIG_DIR_ENV, DATA_DIR_ENV, STATE_DIR_ENV  # noqa: E402
from hmc_tui.app import HmcApp  # noqa: E402
from hmc_tui.console import LocalConsole  # noqa: E402


@pytest.fixture(autouse=True)
def private_dirs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Config, data and state dirs under tmp_path: tests never touch the real home."""
    for env, name in ((DATA_DIR_ENV, "data"), (CONFIG_DIR_ENV, "config"),
                      (STATE_DIR_ENV, "state")):
        monkeypatch.setenv(env, str(tmp_path / name))
    yield tmp_path


@pytest.fixture(autouse=True)
def steady_cursor(monkeypatch: pytest.MonkeyPatch) -> None:
    """A blinking Input cursor would make screenshots depend on timing."""
    monkeypatch.setattr(Input, "_toggle_cursor", lambda self: None)


@pytest.fixture
def console() -> LocalConsole:
    return make_console()


@pytest.fixture
def app(console: LocalConsole) -> HmcApp:
    return make_app(console)
