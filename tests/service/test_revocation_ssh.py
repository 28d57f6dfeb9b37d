"""Revocation for an interactive SSH session: its console process talks to the engine socket,
so the service's check covers it. Demoted, its next operation is refused; removed, its session
is closed by the service with the reason (the real asyncssh client, a PTY, the stub console)."""

from __future__ import annotations

import asyncio

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
