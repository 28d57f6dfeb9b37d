"""Cookie sessions: the JSESSIONID and CCFWSESSION cookies an HMC sets at logon, sent back
by clients that keep a cookie jar instead of the X-API-Session header (nmon2influxdb's Go
cookiejar, curl -c/-b scripts)."""

from __future__ import annotations

import asyncio
import shutil
from pathlib import Path

import aiohttp
import pytest

from hmc_tui.rest import uuids
from tests.rest.conftest import LOGON_TYPE, PASSWORDS, Rest, logon_body
from tests.rest.test_errors import call, error


def _jar_client(rest: Rest) -> aiohttp.ClientSession:
    # unsafe=True: aiohttp's jar keeps no cookies from an IP address otherwise.
    return aiohttp.ClientSession(rest.url, connector=aiohttp.TCPConnector(ssl=False),
                                 cookie_jar=aiohttp.CookieJar(unsafe=True))


async def test_logon_sets_the_hmcs_cookies_and_a_jar_client_reads_with_them(
        rest: Rest) -> None:
    async with _jar_client(rest) as http:
        async with http.put("/rest/api/web/Logon", data=logon_body("oper", PASSWORDS["oper"]),
                            headers={"Content-Type": LOGON_TYPE}) as resp:
            assert resp.status == 200
            text = await resp.text()
            token = text.split("<X-API-Session", 1)[1].split(">", 1)[1].split("<", 1)[0]
            cookies = sorted(resp.headers.getall("Set-Cookie"))
        assert cookies == [
            f"CCFWSESSION={token}; HttpOnly; Path=/; SameSite=Strict; Secure",
            f"JSESSIONID={token}; HttpOnly; Path=/rest; SameSite=Strict; Secure"]
        async with http.get("/rest/api/uom/ManagedSystem") as resp:  # no header: the jar's
            assert resp.status == 200
            assert "Server-9080-HEX-SN78H4A21" in await resp.text()
        system = uuids.system_uuid(rest.engine.snapshot().frame.system)
        async with http.get(f"/rest/api/pcm/ManagedSystem/{system}/preferences") as resp:
            assert resp.status == 200  # PCM too: nmon2influxdb reads ProcessedMetrics so
        async with http.delete("/rest/api/web/Logon") as resp:
            assert resp.status == 204
        assert [c.key for c in http.cookie_jar] == []  # logoff expired them
        async with http.get("/rest/api/uom/ManagedSystem") as resp:
            assert resp.status == 401
    assert len(rest.server.ctx.auth.sessions) == 0


async def test_either_cookie_alone_works_and_the_header_wins(rest: Rest) -> None:
    async with rest.client() as http:
        token = await rest.logon(http, "view")
    for cookie in ("JSESSIONID", "CCFWSESSION"):
        status, _ = await call(rest, "GET", "/rest/api/uom/ManagementConsole",
                               Cookie=f"{cookie}={token}")
        assert status == 200, cookie
    status, text = await call(rest, "GET", "/rest/api/uom/ManagementConsole", "not-a-token",
                              Cookie=f"JSESSIONID={token}")
    assert (status, error(text)[1]) == (401, "HSCL1363 The session is not valid or has "
                                             "expired (X-API-Session); log on again.")
    status, _ = await call(rest, "GET", "/rest/api/uom/ManagementConsole",
                           Cookie="JSESSIONID=forged")
    assert status == 401


@pytest.mark.skipif(shutil.which("curl") is None, reason="no curl on this machine")
async def test_a_curl_script_with_a_cookie_file(rest: Rest, tmp_path: Path) -> None:
    jar, body = tmp_path / "cookies", tmp_path / "logon.xml"
    body.write_text(logon_body("hscroot", PASSWORDS["hscroot"]))

    async def curl(*args: str) -> tuple[str, str]:
        proc = await asyncio.create_subprocess_exec(
            "curl", "-s", "--cacert", str(rest.server.cert), "-c", str(jar), "-b", str(jar),
            "-o", str(tmp_path / "out"), "-w", "%{http_code}", *args,
            stdout=asyncio.subprocess.PIPE)
        out, _ = await proc.communicate()
        return out.decode(), (tmp_path / "out").read_text() if (tmp_path / "out").exists() \
            else ""

    base = f"https://127.0.0.1:{rest.server.port}"
    code, _ = await curl("-X", "PUT", "-H", f"Content-Type: {LOGON_TYPE}", "--data-binary",
                         f"@{body}", f"{base}/rest/api/web/Logon")
    assert code == "200"
    assert "JSESSIONID" in jar.read_text() and "CCFWSESSION" in jar.read_text()
    code, text = await curl(f"{base}/rest/api/uom/ManagedSystem/quick/All")
    assert code == "200" and '"SystemName": "Server-9080-HEX-SN78H4A21"' in text
    code, _ = await curl("-X", "DELETE", f"{base}/rest/api/web/Logon")
    assert code == "204"
    code, _ = await curl(f"{base}/rest/api/uom/ManagedSystem/quick/All")
    assert code == "401"
