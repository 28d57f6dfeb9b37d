"""A console that crashes: the remote user sees no traceback, gets a usable terminal back and
one line saying what happened; the traceback is kept on the server."""

from __future__ import annotations

import asyncio
import signal
import sys
from pathlib import Path

from hmc_tui.crash_log import LOG_NAME as CONSOLE_ERRORS_FILE
from hmc_tui.service.ptysession import TERMINAL_RESET

from .conftest import StackFactory, open_console

# A Textual app run the way run_remote_console runs the console, crashing on its first key
# with a local variable Textual would show in its traceback.
TEXTUAL_CRASH = '''
import sys
from textual.app import App
from textual.widgets import Static
from hmc_tui.service.entry import _errors_to_file

class Crash(App[None]):
    def compose(self):
        yield Static("CRASH-READY")

    def on_key(self) -> None:
        secret_local = "do-not-show-me"
        raise ValueError("properties of " + secret_local)

app = Crash()
with _errors_to_file(True):
    app.run()
    raise SystemExit(app.return_code or 0)
'''

SIGNAL_CRASH = ("import os, signal, sys; os.write(1, b'\\x1b[?1049h\\x1b[?1000hSIG-READY\\r\\n'); "
                "sys.stdin.read(1); os.kill(os.getpid(), signal.SIGSEGV)")


async def test_a_crashed_textual_console_shows_no_traceback(make_stack: StackFactory,
                                                            dirs: Path, tmp_path: Path) -> None:
    script = tmp_path / "crash_console.py"
    script.write_text(TEXTUAL_CRASH)
    stack = await make_stack(console=[sys.executable, str(script)])
    async with await stack.connect("oper") as conn:
        process, screen = await open_console(conn)
        await screen.read_until("CRASH-READY", timeout=20)
        process.stdin.write(b"x")
        await screen.read_until("hmc-tui: the console ended with exit status 1; the frame is "
                                "unaffected. Reconnect to start a new console.", timeout=20)
        await asyncio.wait_for(process.wait(), 10)
    assert process.exit_status == 1
    assert "\x1b[?1049h" in screen.text  # it had taken the alternate screen...
    tail = screen.text.rsplit("\x1b[?1049h", 1)[1]
    assert TERMINAL_RESET.decode() in tail  # ...and the terminal is given back after it
    for leak in ("Traceback", "ValueError", "do-not-show-me", "secret_local"):
        assert leak not in screen.plain
    logged = (dirs / "state" / CONSOLE_ERRORS_FILE).read_text()
    assert "--- console of oper, pid " in logged
    assert "ValueError" in logged and "do-not-show-me" in logged


async def test_a_console_killed_by_a_signal_resets_the_terminal(make_stack: StackFactory
                                                                ) -> None:
    stack = await make_stack(console=[sys.executable, "-c", SIGNAL_CRASH])
    async with await stack.connect("view") as conn:
        process, screen = await open_console(conn)
        await screen.read_until("SIG-READY", timeout=10)
        process.stdin.write(b"x\r")  # the PTY is in line mode: a whole line for read(1)
        await screen.read_until("hmc-tui: the console was stopped by signal 11 (SIGSEGV); the "
                                "frame is unaffected.", timeout=10)
        await asyncio.wait_for(process.wait(), 10)
    assert process.exit_status == 128 + signal.SIGSEGV
    after = screen.text.split("SIG-READY", 1)[1]
    reset = TERMINAL_RESET.decode()  # alternate screen left, mouse reporting off, cursor shown
    assert reset in after and after.index(reset) < after.index("hmc-tui: the console was")
