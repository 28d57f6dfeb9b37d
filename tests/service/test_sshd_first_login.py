"""First start and first login: the host key's permissions, hscroot's generated password in a
private file, and the password change forced at the first password login, with asyncssh and
with the system's OpenSSH client."""

from __future__ import annotations

import asyncio
import os
import shutil
import signal
import stat
import sys
from pathlib import Path

import asyncssh
import pytest

from hmc_tui.service import entry
from hmc_tui.service.paths import host_key_path
from hmc_tui.service.sshd import HostKeyError, load_host_key

from .conftest import PASSWORDS, Stack, StackFactory
from .test_sshd import fake_hmccli

NEW = "my-own-choice-1"


class _Changer(asyncssh.SSHClient):
    """A client that answers password-change requests from a list of new passwords."""

    def __init__(self, old: str, new: list[str]) -> None:
        self.old, self.new = old, list(new)
        self.prompts: list[str] = []

    def password_change_requested(self, prompt: str, lang: str) -> tuple[str, str]:
        self.prompts.append(prompt)
        return self.old, self.new.pop(0)


async def _connect_changing(stack: Stack, user: str, old: str, new: list[str]
                            ) -> tuple[asyncssh.SSHClientConnection, _Changer]:
    changer = _Changer(old, new)
    conn, _ = await asyncio.wait_for(asyncssh.create_connection(
        lambda: changer, "127.0.0.1", stack.port, username=user, password=old,
        known_hosts=None, agent_path=None, client_keys=None, preferred_auth="password"), 10)
    return conn, changer


# ---------------------------------------------------------------- host key


def test_generated_host_key_is_private_in_a_private_directory(dirs: Path) -> None:
    path = host_key_path()
    assert stat.S_IMODE(path.parent.stat().st_mode) != 0o700  # as the test made it
    load_host_key(path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700


@pytest.mark.parametrize("mode", [0o640, 0o604, 0o620])
def test_a_host_key_others_can_reach_is_refused(dirs: Path, mode: int) -> None:
    path = host_key_path()
    load_host_key(path)
    path.chmod(mode)
    with pytest.raises(HostKeyError) as caught:
        load_host_key(path)
    assert str(caught.value) == (f"{path}: the SSH host key is accessible by others "
                                 f"(mode {mode:04o}); fix it with `chmod 600 {path}`")


def test_serve_stops_on_an_unsafe_host_key(dirs: Path, capsys: pytest.CaptureFixture[str]
                                           ) -> None:
    path = host_key_path()
    load_host_key(path)
    path.chmod(0o644)
    before = path.read_bytes()
    assert entry.main(["serve", "--listen", "127.0.0.1:0"]) == 1
    err = capsys.readouterr().err
    assert err == (f"hmc-tui: {path}: the SSH host key is accessible by others (mode 0644); "
                   f"fix it with `chmod 600 {path}`\n")
    assert path.read_bytes() == before and stat.S_IMODE(path.stat().st_mode) == 0o644
    assert not (dirs / "data" / "users.toml").exists()  # nothing created before the refusal


def test_an_unreadable_host_key_is_a_clear_error(dirs: Path) -> None:
    path = host_key_path()
    path.write_text("not a key\n")
    path.chmod(0o600)
    with pytest.raises(HostKeyError, match=r"not a usable SSH host key .*; move it away"):
        load_host_key(path)


# ---------------------------------------------------------------- first login


async def test_first_password_login_must_choose_a_new_password(
        make_stack: StackFactory) -> None:
    stack = await make_stack(runner=fake_hmccli)
    stack.store.set_password("oper", PASSWORDS["oper"], must_change=True)
    # A client that cannot change passwords does not get in with the old one.
    with pytest.raises(asyncssh.PermissionDenied):
        await stack.connect("oper")
    # One that can is asked again while the new password is refused, then gets in.
    conn, client = await _connect_changing(stack, "oper", PASSWORDS["oper"],
                                           [PASSWORDS["oper"], "short", NEW])
    async with conn:
        result = await asyncio.wait_for(conn.run("lssyscfg -r sys"), 10)
    assert result.exit_status == 0
    assert client.prompts == [
        "The password of oper has expired and must be changed now.",
        "The new password must differ from the current one.",
        "The password must have at least 8 characters.",
    ]
    oper = stack.store.get("oper")
    assert oper is not None and not oper.must_change
    assert stack.store.verify_password("oper", NEW)
    assert not stack.ssh.limiter.blocked("127.0.0.1")
    async with await stack.connect("oper", password=NEW) as conn:  # no change asked again
        again = await asyncio.wait_for(conn.run("lssyscfg -r sys"), 10)
    assert again.exit_status == 0


async def test_a_key_login_cannot_skip_the_change(make_stack: StackFactory) -> None:
    stack = await make_stack(runner=fake_hmccli)
    key = asyncssh.generate_private_key("ssh-ed25519")
    stack.store.add_keys("oper", [key.export_public_key().decode()])
    stack.store.set_password("oper", PASSWORDS["oper"], must_change=True)
    async with await stack.connect("oper", key=key) as conn:
        result = await asyncio.wait_for(conn.run("lssyscfg -r sys"), 10)
    assert result.exit_status == 1
    assert result.stderr == (
        "hmc-tui: the password of oper must be changed before first use: log in once with the "
        "password (ssh -o PreferredAuthentications=password) and choose a new one, or on the "
        "server run `hmc-tui users passwd oper`.\n")
    assert stack.ssh.active_sessions == 0


def _askpass(tmp: Path, old: str, new: str) -> Path:
    script = tmp / "askpass.sh"
    script.write_text("#!/bin/sh\n"
                      f'echo "$1" >> {tmp}/prompts\n'
                      f'case "$1" in *"new password"*) echo {new};; *) echo {old};; esac\n')
    script.chmod(0o700)
    return script


async def _system_ssh(port: int, user: str, askpass: Path, *command: str
                      ) -> tuple[int, str, str]:
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(askpass.parent),
           "SSH_ASKPASS": str(askpass), "SSH_ASKPASS_REQUIRE": "force", "DISPLAY": ":0"}
    process = await asyncio.create_subprocess_exec(
        "ssh", "-F", "/dev/null", "-p", str(port), "-o", "StrictHostKeyChecking=no",
        "-o", "UserKnownHostsFile=/dev/null", "-o", "PubkeyAuthentication=no",
        "-o", "LogLevel=ERROR", f"{user}@127.0.0.1", *command,
        stdin=asyncio.subprocess.DEVNULL, stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE, env=env, start_new_session=True)
    out, err = await asyncio.wait_for(process.communicate(), 20)
    return process.returncode or 0, out.decode(), err.decode()


async def test_openssh_client_is_asked_for_a_new_password(make_stack: StackFactory,
                                                          tmp_path: Path) -> None:
    if shutil.which("ssh") is None:
        print("SKIP reason: no system ssh client (apt-get install openssh-client)")
        pytest.skip("the system ssh client is not installed")
    stack = await make_stack(runner=fake_hmccli)
    stack.store.set_password("oper", PASSWORDS["oper"], must_change=True)
    askpass = _askpass(tmp_path, PASSWORDS["oper"], NEW)
    code, out, err = await _system_ssh(stack.port, "oper", askpass, "lssyscfg", "-r", "sys")
    assert (code, out) == (0, "Server-9080-HEX-SN78H4A21,Operating\n"), err
    prompts = (tmp_path / "prompts").read_text().splitlines()
    assert prompts == ["oper@127.0.0.1's password: ",
                       "Enter oper@127.0.0.1's old password: ",
                       "Enter oper@127.0.0.1's new password: ",
                       "Retype oper@127.0.0.1's new password: "]
    assert stack.store.verify_password("oper", NEW)
    assert not stack.store.get("oper").must_change  # type: ignore[union-attr]


async def test_sshpass_with_an_expired_password_fails_cleanly(make_stack: StackFactory
                                                              ) -> None:
    """Scripts (Ansible's sshpass) cannot answer a change request: they fail, nothing
    changes, and the password still works for the interactive change."""
    if shutil.which("ssh") is None or shutil.which("sshpass") is None:
        print("SKIP reason: ssh or sshpass missing (apt-get install openssh-client sshpass)")
        pytest.skip("ssh or sshpass is not installed")
    stack = await make_stack(runner=fake_hmccli)
    stack.store.set_password("oper", PASSWORDS["oper"], must_change=True)
    process = await asyncio.create_subprocess_exec(
        "sshpass", "-p", PASSWORDS["oper"], "ssh", "-F", "/dev/null", "-p", str(stack.port),
        "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null",
        "-o", "PubkeyAuthentication=no", "oper@127.0.0.1", "lssyscfg", "-r", "sys",
        stdin=asyncio.subprocess.DEVNULL, stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE, start_new_session=True)
    out, _ = await asyncio.wait_for(process.communicate(), 20)
    assert process.returncode != 0 and out == b""
    assert stack.store.get("oper").must_change  # type: ignore[union-attr]
    assert stack.store.verify_password("oper", PASSWORDS["oper"])


# ---------------------------------------------------------------- first start, end to end


async def test_first_start_writes_the_password_to_a_private_file(dirs: Path) -> None:
    env = dict(os.environ)
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "hmc_tui.service", "serve", "--listen", "127.0.0.1:0",
        "--rest", "off", "--socket", str(dirs / "first.sock"), stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE, env=env)
    try:
        assert process.stdout is not None
        output = ""
        while "SSH on" not in output:
            line = await asyncio.wait_for(process.stdout.readline(), 30)
            assert line, f"serve ended early: {output}"
            output += line.decode()
        password_file = dirs / "data" / "initial-password"
        password = password_file.read_text().strip()
        assert stat.S_IMODE(password_file.stat().st_mode) == 0o600
        assert password not in output and str(password_file) in output
        port = int(output.split("SSH on 127.0.0.1:")[1].split(",")[0])
        client = _Changer(password, [NEW])
        conn, _ = await asyncio.wait_for(asyncssh.create_connection(
            lambda: client, "127.0.0.1", port, username="hscroot",
            password=password, known_hosts=None, agent_path=None, client_keys=None,
            preferred_auth="password"), 20)
        async with conn:
            result = await asyncio.wait_for(conn.run("lshmcusr -F name"), 20)
        assert (result.exit_status, result.stdout) == (0, "hscroot\n")
        assert client.prompts == ["The password of hscroot has expired and must be "
                                  "changed now."]
        assert not password_file.exists()  # it no longer holds a working password
    finally:
        if process.returncode is None:
            process.send_signal(signal.SIGTERM)
        await asyncio.wait_for(process.wait(), 30)
    assert process.returncode == 0
