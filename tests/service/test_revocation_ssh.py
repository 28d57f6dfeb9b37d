"""Revocation for an interactive SSH session: its console process talks to the engine socket,
so the service's check covers it. Demoted, its next operation is refused; removed, its session
is closed by the service with the reason (the real asyncssh client, a PTY, the stub console)."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from .conftest import Stack, open_console


async def test_an_ssh_console_is_demoted_then_removed(stack: Stack) -> None:
    async with await stack.connect("oper") as conn:
        process, screen = await open_console(conn)
        await screen.read_until("READY user=oper role=hmcoperator")
        stack.store.set_role("oper", "hmcviewer")  # as `chhmcusr -t taskrole` would
        process.stdin.write(b"a")
        await screen.read_until("RESULT False HSCL350B")
        process.stdin.write(b"r")
        await screen.read_until("ROLE hmcviewer CONNECTED True REASON -")
        refusal = stack.engine.snapshot().events[-1]
        assert (refusal.user, refusal.role, refusal.code) == ("oper", "hmcviewer", "HSCL350B")

        stack.store.remove("oper")  # as `rmhmcusr -u oper` would
        await asyncio.sleep(1.5)  # the service checks the store every second
        process.stdin.write(b"r")
        await screen.read_until("ROLE hmcviewer CONNECTED False REASON the user oper was "
                                "removed from the user store; this session is closed")
        assert all(s.user != "oper" or s.kind != "console" for s in stack.service.sessions())
        process.stdin.write(b"q")
        await asyncio.wait_for(process.wait(), 10)
    assert stack.engine.snapshot().frame.partition("dev02").state == "Not Activated"


def test_a_closed_remote_console_tells_its_user_why(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    # A remote console's stderr goes to the error log while it runs (no tracebacks for remote
    # users); the reason the service closed it must still reach the user's terminal.
    from hmc_tui import app
    from hmc_tui.service import entry, remote

    class Closed:
        restricted, connected = True, False
        close_reason = "the user oper was removed from the user store; this session is closed"

        def connect(self) -> Closed:
            return self

        def close(self) -> None:
            pass

    monkeypatch.setenv("HMC_TUI_STATE_DIR", str(tmp_path))
    monkeypatch.setattr(remote.RemoteConsole, "from_environment", lambda path: Closed())
    monkeypatch.setattr(app, "run_console", lambda console: 1)
    assert entry.run_remote_console(tmp_path / "engine.sock") == 1
    assert capsys.readouterr().err == (
        "hmc-tui: the user oper was removed from the user store; this session is closed\n")
