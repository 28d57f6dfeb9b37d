"""The SSH server, driven by a real SSH client (asyncssh) on loopback."""

from __future__ import annotations

import asyncio
import os
import signal
import stat
import sys
import time
from pathlib import Path

import asyncssh
import pytest

from engine import ops
from hmc_tui.hmccli import CommandResult
from hmc_tui.service.paths import host_key_path
from hmc_tui.service.remote import RemoteConsole
from hmc_tui.service.sshd import load_host_key

from .conftest import PASSWORDS, STUB, Stack, StackFactory, alive, open_console, wait_until


def fake_hmccli(console: object, line: str, *, allow_files: bool = True,
                users: object = None) -> CommandResult:
    """Stands in for hmc_tui.hmccli.run_command: two commands, through the console given."""
    assert not allow_files  # a remote user never gets to read the server's files
    argv = line.split()
    snap = console.snapshot()  # type: ignore[attr-defined]
    if argv[:3] == ["lssyscfg", "-r", "sys"]:
        return CommandResult(stdout=f"{snap.frame.system.name},{snap.frame.system.state}\n")
    if argv[0] == "chsysstate" and "-n" in argv:
        result = console.execute(  # type: ignore[attr-defined]
            ops.ActivatePartition(lpar=argv[argv.index("-n") + 1]))
        if result.ok:
            return CommandResult()
        return CommandResult(stderr=f"{result.code} {result.message}\n", exit_code=1)
    return CommandResult(stderr=f"{argv[0]}: command not found\n", exit_code=127)


ACTIVATE = "chsysstate -m Server-9080-HEX-SN78H4A21 -r lpar -o on -n dev02 -f default_profile"


# ---------------------------------------------------------------- logging in


async def test_password_login_and_exec(make_stack: StackFactory) -> None:
    stack = await make_stack(runner=fake_hmccli)
    async with await stack.connect("oper") as conn:
        result = await asyncio.wait_for(conn.run("lssyscfg -r sys -F name,state"), 10)
    assert (result.stdout, result.exit_status) == ("Server-9080-HEX-SN78H4A21,Operating\n", 0)


async def test_key_login(stack: Stack) -> None:
    key = asyncssh.generate_private_key("ssh-ed25519")
    stack.store.add("keyed", "hmcviewer", keys=[key.export_public_key().decode()])
    async with await stack.connect("keyed", key=key) as conn:
        result = await asyncio.wait_for(conn.run("lshmcusr -F name,taskrole"), 10)
    assert (result.exit_status, result.stdout) == (0, "keyed,hmcviewer\n")  # as the viewer
    stranger = asyncssh.generate_private_key("ssh-ed25519")
    with pytest.raises(asyncssh.PermissionDenied):
        await stack.connect("keyed", key=stranger)


async def test_refused_logins_are_delayed_then_the_address_is_blocked(
        make_stack: StackFactory) -> None:
    stack = await make_stack(login_delay=0.3, max_login_delay=0.3, max_failures=3)
    for user, password in (("oper", "wrong-password"), ("nobody", "whatever-pw"),
                           ("view", PASSWORDS["oper"])):
        started = time.monotonic()
        with pytest.raises(asyncssh.PermissionDenied):
            await stack.connect(user, password=password)
        assert time.monotonic() - started >= 0.3
    with pytest.raises(asyncssh.DisconnectError, match="too many failed logins"):
        await stack.connect("oper")  # the right password, from a blocked address


async def test_host_key_is_generated_once_and_private(dirs: Path) -> None:
    first = load_host_key(host_key_path())
    assert stat.S_IMODE(host_key_path().stat().st_mode) == 0o600
    again = load_host_key(host_key_path())
    assert first.get_fingerprint() == again.get_fingerprint()
    assert again.get_algorithm() == "ssh-ed25519"


# ---------------------------------------------------------------- exec: the restricted shell


async def test_exec_runs_hmc_commands_for_the_user(make_stack: StackFactory) -> None:
    stack = await make_stack(runner=fake_hmccli)
    async with await stack.connect("view") as conn:
        refused = await asyncio.wait_for(conn.run(ACTIVATE), 10)
        unknown = await asyncio.wait_for(conn.run("bash -c id"), 10)
    assert refused.exit_status == 1
    assert refused.stderr.startswith("HSCL350B The user view does not have the appropriate "
                                     "authority")
    assert unknown.exit_status != 0 and "not found" in unknown.stderr
    assert stack.engine.snapshot().frame.partition("dev02").state == "Not Activated"
    async with await stack.connect("oper") as conn:
        done = await asyncio.wait_for(conn.run(ACTIVATE), 10)
    assert done.exit_status == 0, done.stderr
    assert stack.engine.snapshot().frame.partition("dev02").state != "Not Activated"


async def test_exec_user_commands(stack: Stack) -> None:
    async with await stack.connect("hscroot") as conn:
        made = await asyncio.wait_for(
            conn.run("mkhmcusr -u night -a hmcoperator --passwd 'night shift!'"), 10)
        listed = await asyncio.wait_for(conn.run("lshmcusr -F name:taskrole"), 10)
    assert made.exit_status == 0, made.stderr
    assert listed.stdout.split() == ["hscroot:hmcsuperadmin", "night:hmcoperator",
                                     "oper:hmcoperator", "view:hmcviewer"]
    async with await stack.connect("night", password="night shift!") as conn:
        refused = await asyncio.wait_for(conn.run("rmhmcusr -u view"), 10)
    assert refused.exit_status == 1 and refused.stderr.startswith("HSCL350B")


async def test_exec_with_the_real_command_line(make_stack: StackFactory) -> None:
    stack = await make_stack()
    async with await stack.connect("view") as conn:
        listed = await asyncio.wait_for(conn.run("lssyscfg -r sys -F name,state"), 10)
        refused = await asyncio.wait_for(conn.run(ACTIVATE), 10)
        unknown = await asyncio.wait_for(conn.run("bash -c id"), 10)
    assert (listed.stdout, listed.exit_status) == ("Server-9080-HEX-SN78H4A21,Operating\n", 0)
    assert refused.exit_status == 1 and refused.stderr.startswith("HSCL350B The user view ")
    assert unknown.exit_status != 0 and unknown.stderr


async def test_exec_never_reads_server_files(stack: Stack) -> None:
    async with await stack.connect("hscroot") as conn:
        result = await asyncio.wait_for(conn.run(
            "chsyscfg -r lpar -m Server-9080-HEX-SN78H4A21 -f /etc/hostname"), 10)
    assert result.exit_status == 1 and result.stderr.startswith("HSCLC001")


async def test_no_other_doors(stack: Stack) -> None:
    """No forwarding, no sftp, no subsystems: the console and HMC commands are all there is."""
    async with await stack.connect("hscroot") as conn:
        with pytest.raises(asyncssh.ChannelOpenError):
            await asyncio.wait_for(conn.open_connection("127.0.0.1", stack.port), 10)
        with pytest.raises((asyncssh.SFTPError, asyncssh.ChannelOpenError)):
            await asyncio.wait_for(conn.start_sftp_client(), 10)
        result = await asyncio.wait_for(conn.run(subsystem="netconf"), 10)
        assert result.exit_status != 0


async def test_no_pty_is_told_to_use_ssh_t(stack: Stack) -> None:
    async with await stack.connect("oper") as conn:
        process = await conn.create_process(encoding=None)  # a shell, no PTY
        result = await asyncio.wait_for(process.wait(), 10)  # collects the output
    assert result.exit_status == 1 and b"ssh -t" in result.stderr


async def test_session_limit_has_a_clear_message(make_stack: StackFactory) -> None:
    stack = await make_stack(max_sessions=1)
    async with await stack.connect("oper") as conn:
        _, screen = await open_console(conn)
        await screen.read_until("READY")
        extra = await asyncio.wait_for(conn.run("lshmcusr"), 10)
    assert extra.exit_status == 1 and "maximum number of sessions (1)" in extra.stderr


# ---------------------------------------------------------------- interactive consoles


async def test_console_gets_its_user_a_controlling_pty_and_resizes(stack: Stack) -> None:
    async with await stack.connect("oper") as conn:
        process, screen = await open_console(conn, size=(90, 25))
        await screen.read_until("READY")
        assert "user=oper role=hmcoperator" in screen.text and "size=90x25" in screen.text
        assert "restricted=True" in screen.text  # no server files for a remote user
        process.change_terminal_size(132, 43)
        await screen.read_until("SIZE 132x43")
        process.stdin.write(b"a")  # activate dev02 through the engine service
        await screen.read_until("RESULT True")
        assert stack.engine.snapshot().frame.partition("dev02").state != "Not Activated"
        process.stdin.write(b"s")
        await screen.read_until("SESSIONS")
        assert "oper/hmcoperator/console" in screen.text
        process.stdin.write(b"q")
        await asyncio.wait_for(process.wait(), 10)
    assert process.exit_status == 3  # the console's own exit status
    await wait_until(lambda: not stack.ssh.console_pids(), 5)


async def test_viewer_console_is_refused_activation(stack: Stack) -> None:
    async with await stack.connect("view") as conn:
        process, screen = await open_console(conn)
        await screen.read_until("READY user=view role=hmcviewer")
        process.stdin.write(b"a")
        await screen.read_until("RESULT False HSCL350B")
        process.stdin.write(b"q")
        await asyncio.wait_for(process.wait(), 10)
    assert stack.engine.snapshot().frame.partition("dev02").state == "Not Activated"
    refusal = stack.engine.snapshot().events[-1]
    assert (refusal.user, refusal.code, refusal.ok) == ("view", "HSCL350B", False)


async def test_sessions_show_who_is_connected_over_ssh(stack: Stack) -> None:
    watcher = await asyncio.to_thread(RemoteConsole.open, stack.socket)
    try:
        async with await stack.connect("view") as conn:
            _, screen = await open_console(conn)
            await screen.read_until("READY")
            await wait_until(lambda: any(s.user == "view" and s.origin == "ssh 127.0.0.1"
                                         for s in watcher.sessions()), 2)
        await wait_until(lambda: all(s.user != "view" for s in watcher.sessions()), 5)
    finally:
        watcher.close()


@pytest.mark.parametrize("ignore_hup", [False, True], ids=["hup", "needs-kill"])
async def test_abrupt_disconnect_leaves_no_process(make_stack: StackFactory,
                                                   ignore_hup: bool) -> None:
    command = [sys.executable, str(STUB), "{socket}"] + (["--ignore-hup"] if ignore_hup else [])
    stack = await make_stack(console=command, hangup_grace=0.5)
    conn = await stack.connect("oper")
    _, screen = await open_console(conn)
    await screen.read_until("READY")
    (pid,) = stack.ssh.console_pids()
    assert alive(pid)
    conn.abort()  # the network goes away: no EOF, no close, nothing
    await wait_until(lambda: not alive(pid), 5)
    await wait_until(lambda: stack.ssh.active_sessions == 0, 2)


async def test_service_survives_a_killed_console(stack: Stack) -> None:
    async with await stack.connect("oper") as conn:
        process, screen = await open_console(conn)
        await screen.read_until("READY")
        (pid,) = stack.ssh.console_pids()
        os.kill(pid, signal.SIGKILL)
        await asyncio.wait_for(process.wait(), 10)
        assert process.exit_status == 128 + signal.SIGKILL
        process, screen = await open_console(conn)  # the next console works
        await screen.read_until("READY")
        process.stdin.write(b"a")
        await screen.read_until("RESULT True")
        process.stdin.write(b"q")
        await asyncio.wait_for(process.wait(), 10)


async def test_idle_console_is_closed(make_stack: StackFactory) -> None:
    stack = await make_stack(idle_timeout=1.5)
    async with await stack.connect("oper") as conn:
        process, screen = await open_console(conn)
        await screen.read_until("READY")
        (pid,) = stack.ssh.console_pids()
        await screen.read_until("closed after 1.5 seconds without input", timeout=5)
        await asyncio.wait_for(process.wait(), 5)
    assert process.exit_status == 1
    assert "\x1b[?1049l" in screen.text  # the client's terminal was given back
    await wait_until(lambda: not alive(pid), 5)


async def test_stopping_the_server_ends_consoles_cleanly(stack: Stack) -> None:
    async with await stack.connect("oper") as conn:
        _, screen = await open_console(conn)
        await screen.read_until("READY")
        (pid,) = stack.ssh.console_pids()
        await asyncio.wait_for(stack.ssh.stop(), 10)
        await screen.read_until("the service is stopping")
        assert "\x1b[?1049l" in screen.text
    await wait_until(lambda: not alive(pid), 5)
