"""The `:` line's history, kept per user across sessions (up/down recall it).

One file per user in the data directory, `console_history/<user>` (0600, its directory 0700:
it shows what was typed on the frame), newest line last, at most HISTORY_LENGTH lines. Lines
giving a password never get here (CommandScreen checks `has_secret` before remembering).
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

from engine.store import atomic_write_bytes, data_dir
from hmc_tui.config import SAFE_USER_RE

HISTORY_DIR = "console_history"
HISTORY_LENGTH = 500


def history_path(user: str) -> Path | None:
    """None for a user name unfit for a file name (the history then lives in memory only)."""
    if not SAFE_USER_RE.fullmatch(user):
        return None
    return data_dir() / HISTORY_DIR / user


def load_history(path: Path | None) -> list[str]:
    if path is None:
        return []
    try:
        lines = path.read_text("utf-8").splitlines()
    except (OSError, UnicodeDecodeError):  # none yet, or unreadable: start empty
        return []
    return [line for line in lines if line.strip()][-HISTORY_LENGTH:]


def save_history(path: Path | None, history: list[str]) -> None:
    """Best effort: a full disk must not cost the user the command they just ran."""
    if path is None:
        return
    text = "".join(f"{line}\n" for line in history[-HISTORY_LENGTH:])
    with contextlib.suppress(OSError):
        path.parent.mkdir(parents=True, exist_ok=True)
        os.chmod(path.parent, 0o700)
        atomic_write_bytes(path, text.encode("utf-8"))
