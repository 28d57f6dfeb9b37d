"""`hmc-tui serve` on loopback, driven exactly as real HMC clients drive an HMC.

One server for the whole directory (starting it costs a few seconds): private data, config
and state dirs, the demo frame, an SSH port chosen by the server (`--listen 127.0.0.1:0`),
and two users made with `hmc-tui users add`: `ansible` (hmcsuperadmin, password) and
`monitor` (hmcviewer, key only; its default shell is the HMC prompt).

The helpers run the system OpenSSH client as the clients do (`ssh -i KEY ... 'COMMAND'`,
`sshpass -p PW ssh ...`), through /bin/sh where the client itself goes through a shell
(Ansible's `run_command(..., use_unsafe_shell=True)`), so the quoting is theirs. The only
additions are the options a throw-away server on a random port needs: `-p PORT` and no
known_hosts file (Ansible users set `ANSIBLE_HOST_KEY_CHECKING=False`, which adds
`-o StrictHostKeyChecking=no`).
"""

from __future__ import annotations

import contextlib
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

import asyncssh
import pytest

from engine.store import demo_frame_text

PASSWORD = "ansible-Passw0rd"
SYSTEM = "Server-9080-HEX-SN78H4A21"  # the demo frame's managed system
KNOWN_HOSTS = "-o UserKnownHostsFile={known} -o LogLevel=ERROR"


class Answer(NamedTuple):
    stdout: str
    stderr: str
    status: int


@dataclass(frozen=True)
class Hmc:
    """The served HMC: where it listens and how its users log in."""

    port: int
    key: Path  # monitor's private key
    known_hosts: Path  # the server's host key, as a client that has connected before has it
    env: dict[str, str]  # the data dirs, for anything run beside the server

    def ssh_key(self, command: str, user: str = "monitor") -> Answer:
        """`ssh -o BatchMode=yes -i KEY user@host 'COMMAND'` (LPAR2RRD, Nagios checks)."""
        return self._sh(f"ssh -o BatchMode=yes -o PreferredAuthentications=publickey "
                        f"{self.known} -i {self.key} -p {self.port} {user}@127.0.0.1 "
                        f"{shlex.quote(command)}")

    def ansible(self, cmd: str, password: str = PASSWORD) -> Answer:
        """IBM/ansible-power-hmc plugins/module_utils/hmc_cli_client.py, HmcCliConnection
        .execute(): `sshpass -p  '{pwd}' ssh '{user}'@{ip} {host_key_ignore} '{cmd}'` through
        a shell, with host_key_ignore ` -o StrictHostKeyChecking=no `."""
        host_key_ignore = " -o StrictHostKeyChecking=no "
        line = "sshpass -p  '{0}' ssh '{1}'@{2} {3} '{4}'".format(  # noqa: UP030 (verbatim)
            password, "ansible", "127.0.0.1", host_key_ignore, cmd)
        # the port and the throw-away known_hosts go right after `ssh`
        line = line.replace(" ssh ", f" ssh -p {self.port} {self.known} "
                            "-o PreferredAuthentications=password -o PubkeyAuthentication=no ",
                            1)
        return self._sh(line)

    @property
    def known(self) -> str:
        return KNOWN_HOSTS.format(known=self.known_hosts)

    def _sh(self, line: str) -> Answer:
        done = subprocess.run(["/bin/sh", "-c", line], capture_output=True, text=True,
                              timeout=60, env=self.env, stdin=subprocess.DEVNULL)
        return Answer(done.stdout, done.stderr, done.returncode)


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        reason = f"the {name} client is not installed (apt-get install openssh-client sshpass)"
        print(f"SKIP: {reason}", file=sys.stderr)
        pytest.skip(reason)
    return path


@pytest.fixture(scope="session")
def hmc() -> Iterator[Hmc]:
    with served_hmc() as served:
        yield served


@contextlib.contextmanager
def served_hmc(*serve_args: str, frame_text: str = "") -> Iterator[Hmc]:
    """A server of its own (`serve_args` added to `hmc-tui serve`, e.g. `--speed 5`) on
    `frame_text` (default: the one-system demo)."""
    _tool("ssh")
    _tool("sshpass")
    root = Path(tempfile.mkdtemp(prefix="hmcc"))  # short: the socket path must fit 108 bytes
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HMC_TUI", "XDG_"))}
    env.update(HOME=str(root / "home"), XDG_CONFIG_HOME=str(root / "c"),
               XDG_DATA_HOME=str(root / "d"), XDG_STATE_HOME=str(root / "s"),
               HMC_TUI_DATA_DIR=str(root / "data"), HMC_TUI_CONFIG_DIR=str(root / "conf"),
               HMC_TUI_STATE_DIR=str(root / "state"))
    (root / "home").mkdir()
    # The one-system demo these clients' figures pin (a first start copies the two-system
    # demo, tests/engine/test_multisys.py)
    (root / "data").mkdir(mode=0o700)
    (root / "data" / "frame.toml").write_text(frame_text or demo_frame_text())
    key = asyncssh.generate_private_key("ssh-ed25519")
    key_path = root / "monitor_key"
    key_path.write_bytes(key.export_private_key())
    key_path.chmod(0o600)
    key.write_public_key(str(root / "monitor_key.pub"))
    hmc_tui = [sys.executable, "-m", "hmc_tui"]
    subprocess.run([*hmc_tui, "users", "add", "ansible", "--role", "hmcsuperadmin",
                    "--password-stdin"], input=PASSWORD + "\n", text=True, env=env, check=True,
                   capture_output=True)
    subprocess.run([*hmc_tui, "users", "add", "monitor", "--role", "hmcviewer", "--key",
                    str(root / "monitor_key.pub"), "--shell", "rbash"], text=True, env=env,
                   check=True, capture_output=True)
    log = root / "serve.log"  # a file, not a pipe: a full pipe would stall the server
    with log.open("w") as out:
        server = subprocess.Popen([*hmc_tui, "serve", "--listen", "127.0.0.1:0", "--rest", "off",
                                   "--socket",
                                   str(root / "e.sock"), *serve_args], env=env, stdout=out,
                                  stderr=subprocess.STDOUT, text=True)
    port = 0
    deadline = time.monotonic() + 60
    while not port and time.monotonic() < deadline and server.poll() is None:
        m = re.search(r"SSH on 127\.0\.0\.1:(\d+)", log.read_text())
        port = int(m.group(1)) if m else 0
        time.sleep(0.1)
    assert port, log.read_text()
    where = subprocess.run([sys.executable, "-c", "from hmc_tui.service.paths import "
                            "host_key_path; print(host_key_path())"], env=env, text=True,
                           capture_output=True, check=True).stdout.strip()
    public = Path(where + ".pub").read_text().split()
    known_hosts = root / "known_hosts"
    known_hosts.write_text(f"[127.0.0.1]:{port} {public[0]} {public[1]}\n")
    try:
        yield Hmc(port, key_path, known_hosts, env)
    finally:
        server.terminate()
        try:
            server.wait(20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        shutil.rmtree(root, ignore_errors=True)
