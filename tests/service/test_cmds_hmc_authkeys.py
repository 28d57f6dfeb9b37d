"""mkauthkeys over SSH: a key a user adds with mkauthkeys logs them in from the next
connection, and a key they remove no longer does (asyncssh on loopback)."""

from __future__ import annotations

import asyncio

import asyncssh
import pytest

from hmc_tui.service.sshd import default_command_runner

from .conftest import Stack

pytestmark = pytest.mark.skipif(default_command_runner() is None,
                                reason="hmc_tui.hmccli.run_command not there yet")


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
