"""Drill tests: private data/config/state dirs and scenario files written on the fly."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples" / "drills"
SYSTEM = "Server-9080-HEX-SN78H4A21"
HEADER = """[drill]
title = "t"
frame = "demo"
"""


@pytest.fixture(autouse=True)
def _private_dirs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Never touch the user's real frame, config or logs."""
    for name in ("DATA", "CONFIG", "STATE"):
        path = tmp_path / name.lower()
        path.mkdir(exist_ok=True)
        monkeypatch.setenv(f"HMC_TUI_{name}_DIR", str(path))


@pytest.fixture
def write(tmp_path: Path) -> Callable[[str, str], Path]:
    """write(text, name="drill.toml") -> the file's path."""

    def _write(text: str, name: str = "drill.toml") -> Path:
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        return path

    return _write
