"""The SSH server under attack, over loopback with real clients: concurrent password guesses,
idle unauthenticated connections, one user holding every session.

Attackers connect from other loopback addresses (127.0.0.2, ...: all of 127/8 is local on
Linux) so that the legitimate client on 127.0.0.1 is a different source address.
"""

from __future__ import annotations

import asyncio
import logging
import socket
import threading
from pathlib import Path
from typing import Any

import asyncssh
import pytest

from hmc_tui.service.ratelog import RepeatFilter

from .conftest import PASSWORDS, Stack, StackFactory, open_console, wait_until
from .test_sshd import ACTIVATE, fake_hmccli


async def _guess(stack: Stack, user: str, password: str, source: str = "127.0.0.1"
                 ) -> Exception | None:
    """One login attempt; the exception it ended with (None: it got in)."""
    try:
        conn = await asyncio.wait_for(asyncssh.connect(
            "127.0.0.1", stack.port, username=user, password=password, known_hosts=None,
            agent_path=None, client_keys=None, local_addr=(source, 0),
            preferred_auth="password"), 20)
    except (asyncssh.Error, OSError, TimeoutError) as exc:
        return exc
    conn.close()
    return None


def _count_checks(stack: Stack, monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    """Wrap the store's password check: how many ran, on which threads, how many at once."""
    seen: dict[str, Any] = {"threads": [], "running": 0, "most": 0}
    lock = threading.Lock()
    real = stack.store.verify_password

    def counting(name: str, password: str) -> bool:
        with lock:
            seen["threads"].append(threading.current_thread().name)
            seen["running"] += 1
            seen["most"] = max(seen["most"], seen["running"])
        try:
            return real(name, password)
        finally:
            with lock:
                seen["running"] -= 1

    monkeypatch.setattr(stack.store, "verify_password", counting)
    return seen


# ---------------------------------------------------------------- password guessing


async def test_concurrent_guesses_cannot_outrun_the_lockout(
        make_stack: StackFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """57 wrong passwords at once from one address, then the right one: only 5 hashes are
    ever checked and the right password is refused. (The pre-login caps are raised here:
    they alone would refuse most of the 57 before any password is asked for.)"""
    stack = await make_stack(login_delay=0.2, max_login_delay=0.2, max_failures=5,
                             max_unauthenticated=100, max_unauthenticated_per_address=100)
    checks = _count_checks(stack, monkeypatch)
    guesses = [asyncio.create_task(_guess(stack, "oper", f"guess-{n:04d}")) for n in range(57)]
    await wait_until(lambda: stack.ssh.limiter.blocked("127.0.0.1"), 20)
    right = await _guess(stack, "oper", PASSWORDS["oper"])
    outcomes = await asyncio.gather(*guesses)
    assert isinstance(right, asyncssh.DisconnectError)
    assert "too many failed logins from 127.0.0.1" in str(right)
    assert all(isinstance(o, (asyncssh.PermissionDenied, asyncssh.DisconnectError))
               for o in outcomes)
    assert len(checks["threads"]) == 5  # counted before hashing: not one more
    assert checks["most"] <= 2  # per address, at once
    assert all(name.startswith("hmc-auth") for name in checks["threads"])
    # Another address is not affected.
    assert await _guess(stack, "oper", PASSWORDS["oper"], source="127.0.0.2") is None


async def test_a_guessing_flood_does_not_hold_up_commands(
        make_stack: StackFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """80 wrong passwords from 20 addresses at once, slowed down so the flood outlasts the
    command: a logged-in user's exec finishes while it runs, on a thread that is not one of
    the password threads, and no more hashes run at once than max_auth."""
    stack = await make_stack(runner=fake_hmccli, login_delay=0.05, max_login_delay=0.05,
                             max_failures=100, max_auth=3, max_auth_per_address=2,
                             max_unauthenticated=100)
    checks = _count_checks(stack, monkeypatch)
    real = stack.store.verify_password

    def slow(name: str, password: str) -> bool:
        threading.Event().wait(0.05)  # a costlier hash, without burning the CPU
        return real(name, password)

    monkeypatch.setattr(stack.store, "verify_password", slow)
    conn = await stack.connect("oper")  # logged in before the flood
    exec_threads: list[str] = []
    runner = stack.ssh.run_line

    def recording(actor: Any, line: str) -> Any:
        exec_threads.append(threading.current_thread().name)
        return runner(actor, line)

    monkeypatch.setattr(stack.ssh, "run_line", recording)
    flood = [asyncio.create_task(_guess(stack, "view", f"guess-{n}", f"127.0.1.{n % 20 + 1}"))
             for n in range(80)]
    await wait_until(lambda: len(checks["threads"]) >= 3, 20)
    async with conn:
        result = await asyncio.wait_for(conn.run("lssyscfg -r sys"), 20)
    still_guessing = sum(not task.done() for task in flood)
    outcomes = await asyncio.gather(*flood)
    assert result.exit_status == 0 and result.stdout == "Server-9080-HEX-SN78H4A21,Operating\n"
    assert still_guessing > 0  # the command did not wait for the flood to end
    assert exec_threads and not any(t.startswith("hmc-auth") for t in exec_threads)
    assert all(isinstance(o, asyncssh.PermissionDenied) for o in outcomes), outcomes
    assert 0 < checks["most"] <= 3


# ---------------------------------------------------------------- before login


def _idle_socket(port: int, source: str) -> socket.socket:
    sock = socket.create_connection(("127.0.0.1", port), timeout=5,
                                    source_address=(source, 0))
    sock.setblocking(False)
    return sock


async def _closed_within(sock: socket.socket, timeout: float) -> bool:
    """Whether the server closes `sock` within `timeout` (its banner is read and dropped)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        remaining = deadline - loop.time()
        if remaining <= 0:
            return False
        try:
            data = await asyncio.wait_for(loop.sock_recv(sock, 4096), remaining)
        except TimeoutError:
            return False
        except OSError:  # reset
            return True
        if not data:
            return True


async def test_idle_connections_beyond_the_caps_are_closed(make_stack: StackFactory) -> None:
    stack = await make_stack(runner=fake_hmccli, max_unauthenticated=6,
                             max_unauthenticated_per_address=4, login_timeout=60)
    flooders = [_idle_socket(stack.port, "127.0.0.2") for _ in range(10)]
    try:
        closed = await asyncio.gather(*(_closed_within(s, 3) for s in flooders))
        assert closed == [False] * 4 + [True] * 6  # the address's first 4 are kept
        assert stack.ssh.unauthenticated == 4
        others = [_idle_socket(stack.port, "127.0.0.3") for _ in range(2)]
        flooders += others
        await wait_until(lambda: stack.ssh.unauthenticated == 6, 5)
        # The total cap is reached: a newcomer gets in, at the cost of the oldest connection
        # of the address holding the most.
        async with await stack.connect("oper") as conn:
            result = await asyncio.wait_for(conn.run("lssyscfg -r sys"), 10)
        assert result.exit_status == 0
        assert await _closed_within(flooders[0], 3)
        assert not any([await _closed_within(s, 0.2) for s in flooders[1:4] + others])
    finally:
        for sock in flooders:
            sock.close()


async def test_login_timeout_closes_a_silent_connection(make_stack: StackFactory) -> None:
    stack = await make_stack(login_timeout=0.5)
    sock = _idle_socket(stack.port, "127.0.0.2")
    try:
        assert not await _closed_within(sock, 0.2)
        assert await _closed_within(sock, 5)
        await wait_until(lambda: stack.ssh.unauthenticated == 0, 2)
    finally:
        sock.close()


def test_repeated_log_records_are_shown_once_per_interval_with_a_count() -> None:
    now = [0.0]
    flt = RepeatFilter(10.0, clock=lambda: now[0])
    record = logging.LogRecord("asyncio", logging.ERROR, __file__, 1,
                               "socket.accept() out of system resource\nsocket: fd=%d", (7,),
                               None)
    other = logging.LogRecord("hmc_tui.service.sshd", logging.WARNING, __file__, 1,
                              "failed password for %s from %s", ("x", "y"), None)
    shown = [flt.filter(record) for _ in range(1000)] + [flt.filter(other)]
    assert shown.count(True) == 2 and shown[0] and shown[-1]
    now[0] = 10.5
    again = logging.LogRecord("asyncio", logging.ERROR, __file__, 1,
                              "socket.accept() out of system resource\nsocket: fd=%d", (7,),
                              None)
    assert flt.filter(again)
    assert again.getMessage().endswith("(999 more like this in the last 10 s)")


# ---------------------------------------------------------------- session slots


async def test_one_user_cannot_take_every_session(make_stack: StackFactory) -> None:
    stack = await make_stack(runner=fake_hmccli, max_sessions=6, max_sessions_per_user=2,
                             reserved_admin_sessions=2)
    async with await stack.connect("view") as viewer:
        for _ in range(2):
            _, screen = await open_console(viewer)
            await screen.read_until("READY")
        third = await asyncio.wait_for(viewer.run("lssyscfg -r sys"), 10)
        assert third.exit_status == 1
        assert third.stderr == ("hmc-tui: the user view already has 2 sessions open, the most "
                                "one user may have; close one first.\n")
        async with await stack.connect("oper") as oper:  # other users still get in
            for _ in range(2):
                _, screen = await open_console(oper)
                await screen.read_until("READY")
            # 4 of 6 in use: the last 2 are kept for hmcsuperadmin users.
            async with await stack.connect("hscroot") as admin:
                async with await stack.connect("oper") as late:
                    refused = await asyncio.wait_for(late.run("lssyscfg -r sys"), 10)
                assert refused.exit_status == 1 and str(refused.stderr).startswith(
                    "hmc-tui: all 4 sessions open to users other than hmcsuperadmin are in use "
                    "(2 of 6 are kept for hmcsuperadmin users)")
                _, screen = await open_console(admin)
                await screen.read_until("READY user=hscroot")
                done = await asyncio.wait_for(admin.run(ACTIVATE), 10)
                assert done.exit_status == 0, done.stderr
                assert stack.ssh.active_sessions == 5
    await wait_until(lambda: stack.ssh.active_sessions == 0, 10)


def test_serve_leaves_the_callers_logging_as_it_found_it(tmp_path: Path) -> None:
    # In-process runs (these tests) must not keep serve's stderr handler or its repeat filter
    # on another program's handlers: later tests read their own logs through them.
    from hmc_tui.service import entry

    root = logging.getLogger()
    handlers = list(root.handlers)
    filters = [list(h.filters) for h in handlers]
    level = root.level
    bad = tmp_path / "frame.toml"
    bad.write_text("not toml [")
    assert entry.main(["serve", "--no-ssh", "--frame", str(bad)]) == 2
    assert (root.handlers, [list(h.filters) for h in root.handlers], root.level) == (
        handlers, filters, level)
