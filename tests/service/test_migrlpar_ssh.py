"""`migrlpar -o m` over SSH (the real OpenSSH client through sshpass, as IBM's Ansible
collection runs HMC commands) waits until the migration ended, as the HMC's command does:
exit 0 and nothing printed, the partition running on the target when it answers."""

from __future__ import annotations

import asyncio
import shutil
import time

import pytest

from engine.store import demo_hmc

from .conftest import PASSWORDS, StackFactory

PROD = "Server-9080-HEX-SN78H4A21"
DR = "Server-9043-MRX-SN78K3D05"
SPEED = 20.0  # engine seconds per wall second: test01's ~20 s migration in about 1 s


async def _ssh(port: int, line: str) -> tuple[int, str, str]:
    process = await asyncio.create_subprocess_shell(
        f"sshpass -p '{PASSWORDS['hscroot']}' ssh hscroot@127.0.0.1 -F /dev/null -p {port} "
        "-o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o LogLevel=ERROR "
        f"-o PubkeyAuthentication=no '{line}'",
        stdin=asyncio.subprocess.DEVNULL, stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE, start_new_session=True)
    out, err = await asyncio.wait_for(process.communicate(), 30)
    return process.returncode or 0, out.decode(), err.decode()


async def test_migrlpar_over_ssh_answers_once_the_partition_runs_on_the_target(
        make_stack: StackFactory) -> None:
    if shutil.which("ssh") is None or shutil.which("sshpass") is None:
        print("SKIP reason: ssh or sshpass missing (apt-get install openssh-client sshpass)")
        pytest.skip("ssh or sshpass is not installed")
    stack = await make_stack(frame=demo_hmc(), speed=SPEED)
    began = stack.engine.time
    started = time.monotonic()
    code, out, err = await _ssh(stack.port, f"migrlpar -o m -m {PROD} -t {DR} -p test01")
    wall = time.monotonic() - started
    assert (code, out, err) == (0, "", "")
    snap = stack.engine.snapshot()
    assert snap.system(PROD).partition("test01") is None
    moved = snap.system(DR).partition("test01")
    assert moved is not None and moved.state == "Running"
    done = [e for e in snap.events if e.op == "migrate" and e.target == "test01"
            and e.message.startswith("migration complete")]
    assert len(done) == 1
    took = done[0].time - began  # start 5 s + the copy of 16 GB + the suspend: about 20 s
    assert 15.0 < took < 30.0
    assert wall >= took / SPEED * 0.8  # it waited for the engine, not less
    # -w 0: answers once started
    code, out, err = await _ssh(stack.port, f"migrlpar -o m -m {DR} -t {PROD} -p test01 -w 0")
    assert (code, out, err) == (0, "", "")
    back = stack.engine.snapshot().system(DR).partition("test01")
    assert back is not None and back.state == "Migrating - Running"
