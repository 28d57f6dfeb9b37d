"""mkauthkeys over SSH: a key a user adds with mkauthkeys logs them in from the next
connection, and a key they remove no longer does (asyncssh on loopback)."""

from __future__ import annotations

import asyncio
import shutil
from pathlib import Path

import asyncssh
import pytest

from .conftest import PASSWORDS, Stack


async def test_a_key_added_with_mkauthkeys_logs_in_next_time(stack: Stack) -> None:
    key = asyncssh.generate_private_key("ssh-ed25519", comment="view@laptop")
    line = key.export_public_key().decode().strip()
    with pytest.raises(asyncssh.PermissionDenied):
        await stack.connect("view", key=key)
    async with await stack.connect("view") as conn:  # password
        added = await asyncio.wait_for(conn.run(f"mkauthkeys --add '{line}'"), 10)
    assert (added.exit_status, added.stdout, added.stderr) == (0, "", "")
    async with await stack.connect("view", key=key) as conn:
        me = await asyncio.wait_for(conn.run("lshmcusr -F name,taskrole"), 10)
        removed = await asyncio.wait_for(conn.run("mkauthkeys --remove 'view@laptop'"), 10)
    assert (me.exit_status, me.stdout) == (0, "view,hmcviewer\n")
    assert removed.exit_status == 0
    with pytest.raises(asyncssh.PermissionDenied):
        await stack.connect("view", key=key)


async def test_mkauthkeys_for_someone_else_is_refused_to_a_viewer(stack: Stack) -> None:
    key = asyncssh.generate_private_key("ssh-ed25519", comment="intruder")
    line = key.export_public_key().decode().strip()
    async with await stack.connect("view") as conn:
        refused = await asyncio.wait_for(conn.run(f"mkauthkeys -u hscroot --add '{line}'"), 10)
    assert refused.exit_status == 1
    assert refused.stderr == ("HSCL350B The user view does not have the appropriate authority "
                              "to perform user management tasks.\n")
    with pytest.raises(asyncssh.PermissionDenied):
        await stack.connect("hscroot", key=key)


async def _shell(line: str) -> tuple[int, str, str]:
    process = await asyncio.create_subprocess_shell(
        line, stdin=asyncio.subprocess.DEVNULL, stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE, start_new_session=True)
    out, err = await asyncio.wait_for(process.communicate(), 30)
    return process.returncode or 0, out.decode(), err.decode()


async def test_ansible_and_lpar2rrd_transports_with_mkauthkeys(stack: Stack,
                                                               tmp_path: Path) -> None:
    """IBM Ansible's transport (plugins/module_utils/hmc_cli_client.py: `sshpass -p  'PW'
    ssh 'user'@host  -o StrictHostKeyChecking=no  'CMD'` through a shell, with a port and
    no known_hosts added here) adds a key with mkauthkeys; then the key-only login LPAR2RRD
    uses (PreferredAuthentications=publickey) gets in with it."""
    if shutil.which("ssh") is None or shutil.which("sshpass") is None:
        print("SKIP reason: ssh or sshpass missing (apt-get install openssh-client sshpass)")
        pytest.skip("ssh or sshpass is not installed")
    key = asyncssh.generate_private_key("ssh-ed25519", comment="lpar2rrd@collector")
    key_file = tmp_path / "id_ed25519"
    key.write_private_key(key_file)
    key_file.chmod(0o600)
    options = (f"-F /dev/null -p {stack.port} -o UserKnownHostsFile=/dev/null "
               "-o LogLevel=ERROR")
    line = key.export_public_key().decode().strip()
    code, out, err = await _shell(
        f"sshpass -p  '{PASSWORDS['view']}' ssh 'view'@127.0.0.1  -o StrictHostKeyChecking=no "
        f"{options} -o PubkeyAuthentication=no 'mkauthkeys --add \"{line}\"'")
    assert (code, out) == (0, ""), err
    code, out, err = await _shell(
        f"ssh -i {key_file} -o IdentitiesOnly=yes -o PreferredAuthentications=publickey "
        f"-o StrictHostKeyChecking=no {options} view@127.0.0.1 'lshmcusr -F name,taskrole'")
    assert (code, out) == (0, "view,hmcviewer\n"), err
