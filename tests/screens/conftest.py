"""Screen tests: each screen mounted in a small host app over a lockstep engine.

The host (screen_host.HostApp) provides what HmcApp provides to its screens (`console`,
`snapshot`, `run_operation`, show_snapshot on new versions), so these tests do not depend on
the app shell. The engine runs in stepped mode: nothing moves until a test steps it, which
keeps pilot.pause() fast and the SVG snapshots deterministic.
"""

from __future__ import annotations

import gc
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

# `pytest` (unlike `python -m pytest`) does not put the repository root on sys.path.
_ROOT = str(Path(__file__).resolve().parents[2])
if _ROOT not in sys.path:
    sys.path.insert(0, _ROOT)


@pytest.fixture(autouse=True)
def _private_dirs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Never touch the user's real frame, config or logs."""
    for name in ("DATA", "CONFIG", "STATE"):
        path = tmp_path / name.lower()
        path.mkdir()
        monkeypatch.setenv(f"HMC_TUI_{name}_DIR", str(path))


@pytest.fixture(autouse=True)
def _quiet_gc() -> Iterator[None]:
    """Collect between tests and freeze what survives (modules, caches): each test builds a
    Textual app of many small objects, and without this the cyclic GC rescans every earlier
    test's survivors during the next test, making later tests several times slower."""
    yield
    gc.collect()
    gc.freeze()
