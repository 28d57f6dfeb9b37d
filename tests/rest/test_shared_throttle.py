"""The REST API as `hmc-tui serve` wires it next to SSH (entry._start_rest): failed
passwords at either door count against the address at both, as one throttle."""

from __future__ import annotations

import argparse

import aiohttp
import asyncssh
import pytest

from hmc_tui.service import entry
from tests.rest.conftest import LOGON_TYPE, logon_body
from tests.service.conftest import (  # noqa: F401 - fixtures used by name
    PASSWORDS,
    Stack,
    StackFactory,
    dirs,
    make_stack,
    short_dir,
    store,
)


async def test_failures_over_rest_and_ssh_block_the_address_at_both(
        make_stack: StackFactory) -> None:  # noqa: F811
    stack: Stack = await make_stack(max_failures=5)
    args = argparse.Namespace(rest=("127.0.0.1", 0), no_ssh=False, login_delay=0.05,
                              login_timeout=30.0)
    rest = await entry._start_rest(args, stack.engine, stack.store, stack.ssh,
                                   stack.socket.parent / "data")
    try:
        assert rest.ctx.auth.limiter is stack.ssh.limiter
        async with aiohttp.ClientSession(
                f"https://127.0.0.1:{rest.port}",
                connector=aiohttp.TCPConnector(ssl=False)) as http:
            for _ in range(3):
                async with http.put("/rest/api/web/Logon", data=logon_body("hscroot", "bad"),
                                    headers={"Content-Type": LOGON_TYPE}) as resp:
                    assert resp.status == 401
            for _ in range(2):
                with pytest.raises(asyncssh.PermissionDenied):
                    await stack.connect("oper", password="also-bad")
            # Five failures in all: the right password is refused at both doors now.
            async with http.put("/rest/api/web/Logon",
                                data=logon_body("hscroot", PASSWORDS["hscroot"]),
                                headers={"Content-Type": LOGON_TYPE}) as resp:
                assert resp.status == 403
                assert "HSCL1361 Too many failed logons from 127.0.0.1" in await resp.text()
        with pytest.raises((asyncssh.DisconnectError, asyncssh.PermissionDenied)):
            await stack.connect("hscroot")
    finally:
        await rest.stop()


async def test_rest_sessions_are_listed_with_the_services_sessions(
        make_stack: StackFactory) -> None:  # noqa: F811
    stack: Stack = await make_stack()
    args = argparse.Namespace(rest=("127.0.0.1", 0), no_ssh=False, login_delay=0.05,
                              login_timeout=30.0)
    rest = await entry._start_rest(args, stack.engine, stack.store, stack.ssh,
                                   stack.socket.parent / "data", stack.service)
    try:
        async with aiohttp.ClientSession(
                f"https://127.0.0.1:{rest.port}",
                connector=aiohttp.TCPConnector(ssl=False)) as http:
            async with http.put("/rest/api/web/Logon",
                                data=logon_body("oper", PASSWORDS["oper"]),
                                headers={"Content-Type": LOGON_TYPE}) as resp:
                text = await resp.text()
            token = text.split("X-API-Session", 1)[1].split(">", 1)[1].split("<", 1)[0]
            listed = [(s.user, s.role, s.origin, s.kind) for s in stack.service.sessions()]
            assert listed == [("oper", "hmcoperator", "rest 127.0.0.1", "rest")]
            async with http.delete("/rest/api/web/Logon",
                                   headers={"X-API-Session": token}) as resp:
                assert resp.status == 204
            assert stack.service.sessions() == ()
    finally:
        await rest.stop()
