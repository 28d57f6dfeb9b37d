"""Where a console's unexpected errors go when its user must not see them.

A remote (SSH) user never sees a traceback: its local variables show frame data and paths
of the server. The traceback is appended to `<state dir>/console-errors.log` (0600) under a
short reference, and the user is told the reference only.
"""

from __future__ import annotations

import os
import secrets
import traceback
from datetime import UTC, datetime
from pathlib import Path
from typing import TextIO

from engine.store import state_dir

LOG_NAME = "console-errors.log"


def internal_error_message(reference: str) -> str:
    return f"hmc-tui: internal error, logged (reference {reference})"


def log_internal_error(error: BaseException, who: str) -> tuple[str, Path | None]:
    """Append `error`'s traceback to the log; (reference, log path or None if unwritable)."""
    reference = secrets.token_hex(4)
    stamp = datetime.now(UTC).isoformat(timespec="seconds")
    text = (f"--- {stamp} reference {reference} user {who} pid {os.getpid()}\n"
            + "".join(traceback.format_exception(error)))
    try:
        with open_error_log() as handle:
            handle.write(text)
    except OSError:
        return reference, None
    return reference, log_path()


def log_path() -> Path:
    return state_dir() / LOG_NAME


def open_error_log() -> TextIO:
    """The log, opened for appending (created 0600 in a 0700 state dir); OSError if not."""
    path = log_path()
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    return os.fdopen(fd, "a", encoding="utf-8", errors="replace")
