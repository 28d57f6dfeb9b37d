"""A console that hits a bug: a remote user sees one line, never a traceback; the terminal
is restored and the status is non-zero. Run on a real pseudo-terminal (crashing_console.py)."""

from __future__ import annotations

import re
import stat
from pathlib import Path

from pty_run import LEAVE_ALT_SCREEN, PtyProcess
from textual.app import App

from engine.store import CONFIG_DIR_ENV, DATA_DIR_ENV, STATE_DIR_ENV
from hmc_tui import textual_compat
from hmc_tui.crash_log import LOG_NAME

HELPER = str(Path(__file__).with_name("crashing_console.py"))


def crash(mode: str, tmp_path: Path) -> tuple[int, bytes]:
    env = {STATE_DIR_ENV: str(tmp_path / "state"), CONFIG_DIR_ENV: str(tmp_path / "config"),
           DATA_DIR_ENV: str(tmp_path / "data")}
    proc = PtyProcess([HELPER, mode], env)
    try:
        assert proc.read_until(b"Server-9080-HEX-SN78H4A21"), proc.output[-500:]
        proc.send(b"?")  # the help key: crashing_console makes it raise
        return proc.wait(), proc.output
    finally:
        proc.kill()


def test_a_remote_users_console_shows_one_line_and_logs_the_traceback(tmp_path: Path) -> None:
    code, out = crash("restricted", tmp_path)
    assert code == 1
    assert b"Traceback" not in out and b"local-variable-value" not in out
    # The line comes after the alternate screen was left: the user's terminal is back.
    left = out.rindex(LEAVE_ALT_SCREEN)
    found = re.search(rb"hmc-tui: internal error, logged \(reference ([0-9a-f]{8})\)\r\n",
                      out[left:])
    assert found is not None, out[left:]
    log = tmp_path / "state" / LOG_NAME
    assert stat.S_IMODE(log.stat().st_mode) == 0o600
    text = log.read_text()
    assert f"reference {found.group(1).decode()} user bob " in text
    assert "RuntimeError: deliberate crash 20" in text and "Traceback" in text


def test_a_local_console_keeps_textuals_traceback(tmp_path: Path) -> None:
    code, out = crash("local", tmp_path)
    assert code == 1
    assert b"RuntimeError" in out and b"internal error, logged" not in out
    assert not (tmp_path / "state" / LOG_NAME).exists()


def test_the_private_hook_still_exists_in_this_textual() -> None:
    # textual_compat relies on App._handle_exception being what Textual calls on an
    # unhandled exception (the crash tests above show it is); here: that it is still there.
    assert callable(getattr(App, textual_compat.HANDLE_EXCEPTION))

    class Bare(App[None]):
        pass

    seen: list[Exception] = []
    app = Bare()
    textual_compat.route_unhandled_exceptions(app, seen.append)
    error = ValueError("x")
    getattr(app, textual_compat.HANDLE_EXCEPTION)(error)
    assert seen == [error]

