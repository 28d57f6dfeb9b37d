"""Consoles forked from the template process (hmc_tui/service/prefork.py): each is still a
process of its own on its own PTY; killing one (or the template) leaves the others working."""

from __future__ import annotations

import asyncio
import os
import signal
from pathlib import Path

from .conftest import StackFactory, alive, open_console, wait_until


def parent_of(pid: int) -> int:
    return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])


async def test_killing_one_forked_console_leaves_the_others_running(
        make_stack: StackFactory) -> None:
    stack = await make_stack()
    assert stack.ssh._prefork is not None and stack.ssh._prefork.process is not None
    template = stack.ssh._prefork.process.pid
    conn = await stack.connect("oper")
    sessions = [await open_console(conn, size=(80 + i, 24)) for i in range(3)]
    for i, (_, screen) in enumerate(sessions):
        await screen.read_until(f"size={80 + i}x24", timeout=30)
        assert "user=oper" in screen.text and "ctty=/dev/pts/" in screen.text
    pids = stack.ssh.console_pids()
    assert len(pids) == 3
    assert {parent_of(pid) for pid in pids} == {template}  # forked, not spawned
    assert all(os.getsid(pid) == pid for pid in pids)  # each leads its own session

    victim_process, victim_screen = sessions[0]
    victim = next(pid for pid in pids if f"pid={pid}" in victim_screen.text)
    os.kill(victim, signal.SIGKILL)
    await victim_screen.read_until("was stopped by signal 9 (SIGKILL)", timeout=10)
    await asyncio.wait_for(victim_process.wait(), 10)
    assert victim_process.exit_status == 128 + 9

    for i, (process, screen) in enumerate(sessions[1:], start=1):
        process.stdin.write(b"x")
        await screen.read_until("KEY 78", timeout=10)
        process.change_terminal_size(100 + i, 30)  # SIGWINCH still reaches it
        await screen.read_until(f"SIZE {100 + i}x30", timeout=10)
    assert alive(template)

    # The template itself dies: running consoles carry on, the next one gets a new template.
    os.kill(template, signal.SIGKILL)
    process, screen = sessions[1]
    process.stdin.write(b"y")
    await screen.read_until("KEY 79", timeout=10)
    _, late = await open_console(conn)
    await late.read_until("READY", timeout=30)
    assert stack.ssh._prefork.process.pid != template
    # A console of the dead template still ends cleanly: its exit is seen through its pid.
    process.stdin.write(b"q")
    await screen.read_until("BYE", timeout=10)
    await asyncio.wait_for(process.wait(), 10)
    assert process.exit_status == 1  # the status went with the template; not a hang
    conn.close()
    await wait_until(lambda: not stack.ssh.console_pids(), 10)
