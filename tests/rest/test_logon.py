"""Logon, sessions and log-off over HTTPS, with raw HTTP (aiohttp's client)."""

from __future__ import annotations

import asyncio
import stat

from tests.rest.conftest import LOGON_TYPE, Rest, RestFactory, logon_body

ERROR_TYPE = "application/vnd.ibm.powervm.web+xml; type=HttpErrorResponse"


async def test_logon_gives_a_token_that_reads_and_logoff_ends_it(rest: Rest) -> None:
    async with rest.client() as http:
        async with http.put("/rest/api/web/Logon", data=logon_body("hscroot", "super-secret-1"),
                            headers={"Content-Type": LOGON_TYPE}) as resp:
            assert resp.status == 200
            assert resp.headers["Content-Type"] == (
                "application/vnd.ibm.powervm.web+xml; type=LogonResponse")
            body = await resp.text()
        assert "<LogonResponse" in body or ":LogonResponse" in body
        token = body.split("X-API-Session", 1)[1].split(">", 1)[1].split("<", 1)[0]
        assert len(token) >= 60
        async with http.delete("/rest/api/web/Logon", headers={"X-API-Session": token}) as resp:
            assert resp.status == 204
        async with http.delete("/rest/api/web/Logon", headers={"X-API-Session": token}) as resp:
            assert resp.status == 401
            assert resp.headers["Content-Type"] == ERROR_TYPE
            text = await resp.text()
            assert "<HTTPStatus" in text and ">401<" in text and "HSCL1363" in text


async def test_wrong_password_is_401_and_five_failures_block_the_address(rest: Rest) -> None:
    async with rest.client() as http:
        for _ in range(5):
            async with http.put("/rest/api/web/Logon", data=logon_body("hscroot", "nope"),
                                headers={"Content-Type": LOGON_TYPE}) as resp:
                assert resp.status == 401
                assert "HSCL1360" in await resp.text()
        # Now even the right password is refused: the address is blocked, as over SSH.
        async with http.put("/rest/api/web/Logon", data=logon_body("hscroot", "super-secret-1"),
                            headers={"Content-Type": LOGON_TYPE}) as resp:
            assert resp.status == 403
            assert "HSCL1361" in await resp.text()
            assert 290 <= int(resp.headers["Retry-After"]) <= 301
    assert rest.limiter.blocked("127.0.0.1")


async def test_expired_password_must_be_changed_first(rest: Rest) -> None:
    rest.store.set_password("oper", "operator-pw-2", must_change=True)
    async with rest.client() as http, http.put(
            "/rest/api/web/Logon", data=logon_body("oper", "operator-pw-2"),
            headers={"Content-Type": LOGON_TYPE}) as resp:
        assert resp.status == 401
        assert "HSCL1362" in await resp.text()


async def test_idle_session_expires_and_a_removed_user_loses_its_token(
        make_rest: RestFactory) -> None:
    rest = await make_rest(session_timeout=0.2)
    async with rest.client() as http:
        token = await rest.logon(http)
        await asyncio.sleep(0.3)
        async with http.delete("/rest/api/web/Logon", headers={"X-API-Session": token}) as resp:
            assert resp.status == 401
        token = await rest.logon(http, "view")
        rest.store.remove("view")
        async with http.delete("/rest/api/web/Logon", headers={"X-API-Session": token}) as resp:
            assert resp.status == 401


async def test_certificate_is_made_once_with_a_private_key(rest: Rest) -> None:
    key = rest.server.key
    assert stat.S_IMODE(key.stat().st_mode) == 0o600
    assert rest.server.fingerprint.startswith("SHA256:")
    assert len(rest.server.fingerprint.split(":")) == 33
