"""The real console (hmc_tui.app) served over SSH: it starts on its PTY as the logged-in user,
shows who that is, and leaves nothing behind when the client vanishes."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

import pytest

from .conftest import StackFactory, alive, open_console, wait_until

REPO = Path(__file__).resolve().parents[2]

try:
    from hmc_tui.app import run_console  # noqa: F401
except ImportError:  # the app is built in parallel; until it lands, the stub tests cover SSH
    pytestmark = pytest.mark.skip(reason="hmc_tui.app.run_console not available")


async def test_real_console_over_ssh(make_stack: StackFactory,
                                     monkeypatch: pytest.MonkeyPatch) -> None:
    # The console process must import this checkout whatever its working directory.
    monkeypatch.setenv("PYTHONPATH", str(REPO))
    stack = await make_stack(console=[sys.executable, "-m", "hmc_tui.service", "connect",
                                      "{socket}"])
    conn = await stack.connect("oper")
    process, screen = await open_console(conn, size=(120, 35))
    await screen.read_until("dev02", timeout=40)  # the frame, read through the service
    await screen.read_until("hmcoperator", timeout=10)  # who is logged in, with which role
    (pid,) = stack.ssh.console_pids()
    process.change_terminal_size(150, 40)
    await asyncio.sleep(0.2)
    conn.abort()
    await wait_until(lambda: not alive(pid), 6)
