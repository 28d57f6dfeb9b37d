"""The browser console's door: login page, cookie, logout, lockout shared with SSH, session
slots, and one real console process per websocket, as the logged-in user."""

from __future__ import annotations

import asyncio
import time

import aiohttp
import asyncssh
import pytest

from tests.service.conftest import PASSWORDS, alive
from tests.web.conftest import WebStack, WebStackFactory
from tests.web.sockets import next_text, read_until, wait_ended


async def wait_until(predicate, timeout: float = 15.0) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, "timed out"
        await asyncio.sleep(0.05)


async def test_console_page_needs_a_login(web: WebStack) -> None:
    async with web.client() as http:
        page = await http.get(web.url, allow_redirects=False)
        assert page.status == 303 and page.headers["Location"] == "/login"
        form = await http.get(web.url + "login")
        assert form.status == 200
        assert 'name="password" type="password"' in await form.text()
        socket = await http.get(web.url + "ws", allow_redirects=False)
        assert socket.status == 401


async def test_login_sets_an_httponly_cookie_and_serves_the_terminal(web: WebStack) -> None:
    async with web.client() as http:
        response = await web.login(http, "oper")
        assert response.status == 303 and response.headers["Location"] == "/"
        cookie = response.headers["Set-Cookie"]
        assert "HttpOnly" in cookie and "SameSite=Strict" in cookie
        page = await http.get(web.url, allow_redirects=False)
        text = await page.text()
        assert page.status == 200
        assert f'data-session-websocket-url="ws://127.0.0.1:{web.web.port}/ws"' in text
        assert "Log out oper" in text
        assert "fonts.googleapis" not in text  # nothing fetched from outside
        script = await http.get(web.url + "static/js/textual.js")
        assert script.status == 200 and len(await script.read()) > 100_000


async def test_wrong_password_is_refused_without_saying_which_part(web: WebStack) -> None:
    async with web.client() as http:
        wrong = await web.login(http, "oper", "not-the-password")
        assert wrong.status == 401
        assert "The user ID or password is not valid." in await wrong.text()
        nobody = await web.login(http, "nosuchuser", "whatever-pw")
        assert nobody.status == 401
        assert "The user ID or password is not valid." in await nobody.text()
        assert (await http.get(web.url, allow_redirects=False)).status == 303


async def test_expired_password_is_changed_at_the_first_login(web: WebStack) -> None:
    web.store.set_password("oper", "fresh-pass-9", must_change=True)
    async with web.client() as http:
        response = await web.login(http, "oper", "fresh-pass-9")
        assert response.status == 403
        assert "The password of oper has expired and must be changed now." in \
            await response.text()
        assert (await http.get(web.url, allow_redirects=False)).status == 303  # no login yet

        async def change(old: str, new: str, retype: str) -> aiohttp.ClientResponse:
            return await http.post(web.url + "password", allow_redirects=False, data={
                "user": "oper", "password": old, "new": new, "retype": retype})

        mismatch = await change("fresh-pass-9", "brand-new-pw1", "brand-new-pw2")
        assert mismatch.status == 400 and "do not match" in await mismatch.text()
        same = await change("fresh-pass-9", "fresh-pass-9", "fresh-pass-9")
        assert same.status == 400
        assert "must differ from the current one" in await same.text()
        wrong = await change("not-the-old-1", "brand-new-pw1", "brand-new-pw1")
        assert wrong.status == 401
        done = await change("fresh-pass-9", "brand-new-pw1", "brand-new-pw1")
        assert done.status == 303 and done.headers["Location"] == "/"
        assert (await http.get(web.url, allow_redirects=False)).status == 200
    user = web.store.get("oper")
    assert user is not None and not user.must_change
    assert web.store.verify_password("oper", "brand-new-pw1")


async def test_five_failures_block_the_address_for_ssh_too(make_web: WebStackFactory) -> None:
    web = await make_web(with_ssh=True)
    async with web.client() as http:
        for _ in range(5):
            assert (await web.login(http, "hscroot", "wrong-password")).status == 401
        blocked = await web.login(http, "hscroot")  # even the right password
        assert blocked.status == 429
        assert int(blocked.headers["Retry-After"]) > 290
        assert "Too many failed logins from 127.0.0.1" in await blocked.text()
    assert web.ssh is not None
    with pytest.raises(asyncssh.PermissionDenied):
        await asyncio.wait_for(asyncssh.connect(
            "127.0.0.1", web.ssh.port, username="hscroot", password=PASSWORDS["hscroot"],
            known_hosts=None, agent_path=None, preferred_auth="password"), 10)


async def test_cross_site_posts_and_sockets_are_refused(web: WebStack) -> None:
    async with web.client() as http:
        forged = await http.post(web.url + "login", allow_redirects=False,
                                 headers={"Origin": "http://evil.example"},
                                 data={"user": "oper", "password": PASSWORDS["oper"]})
        assert forged.status == 403
        assert (await web.login(http, "oper")).status == 303
        with pytest.raises(aiohttp.WSServerHandshakeError) as refused:
            await http.ws_connect(web.url + "ws", origin="http://evil.example")
        assert refused.value.status == 403
        huge = await http.post(web.url + "login", data={"user": "x" * 40_000, "password": "y"})
        assert huge.status == 413


async def test_one_console_process_per_socket_as_the_user(web: WebStack) -> None:
    async with web.client() as http:
        assert (await web.login(http, "view")).status == 303
        socket = await http.ws_connect(web.url + "ws?width=120&height=40")
        # The frame overview, drawn by the real console:
        assert b"Partitions" in await read_until(socket, b"Partitions")
        [pid] = web.web.console_pids()
        sessions = [s for s in web.service.sessions() if s.kind == "console"]
        assert [(s.user, s.role, s.origin) for s in sessions] == [
            ("view", "hmcviewer", "web 127.0.0.1")]
        assert web.gate.sessions == 1
        await socket.send_json(["ping", "x1"])
        assert (await next_text(socket)).json() == ["pong", "x1"]
        await socket.close()
        await wait_until(lambda: not alive(pid) and web.gate.sessions == 0)
        await wait_until(lambda: not [s for s in web.service.sessions() if s.kind == "console"])


async def test_logout_ends_the_login_and_closes_its_consoles(web: WebStack) -> None:
    async with web.client() as http:
        assert (await web.login(http, "oper")).status == 303
        socket = await http.ws_connect(web.url + "ws")
        await wait_until(lambda: len(web.web.console_pids()) == 1)
        [pid] = web.web.console_pids()
        out = await http.post(web.url + "logout", allow_redirects=False)
        assert out.status == 303 and out.headers["Location"] == "/login"
        await wait_until(lambda: not alive(pid))
        assert (await http.get(web.url, allow_redirects=False)).status == 303
        await socket.close()
    assert len(web.web.logins) == 0


async def test_browser_consoles_count_in_the_users_session_slots(
        make_web: WebStackFactory) -> None:
    web = await make_web(max_sessions_per_user=1)
    async with web.client() as http:
        assert (await web.login(http, "oper")).status == 303
        first = await http.ws_connect(web.url + "ws")
        await wait_until(lambda: web.gate.sessions == 1)
        page = await http.get(web.url)
        assert page.status == 503
        assert "the user oper already has 1 sessions open" in await page.text()
        with pytest.raises(aiohttp.WSServerHandshakeError) as refused:
            await http.ws_connect(web.url + "ws")
        assert refused.value.status == 503
        await first.close()
        await wait_until(lambda: web.gate.sessions == 0)


async def test_removed_user_loses_the_login(web: WebStack) -> None:
    async with web.client() as http:
        assert (await web.login(http, "oper")).status == 303
        web.store.remove("oper")
        assert (await http.get(web.url, allow_redirects=False)).status == 303
        socket = await http.get(web.url + "ws", allow_redirects=False)
        assert socket.status == 401


async def test_https_marks_the_cookie_secure_and_serves_wss(make_web: WebStackFactory) -> None:
    web = await make_web(tls=True)
    assert web.url == f"https://127.0.0.1:{web.web.port}/"
    async with web.client() as http:
        response = await web.login(http, "oper")
        assert response.status == 303
        assert "Secure" in response.headers["Set-Cookie"]
        page = await http.get(web.url)
        assert f'"wss://127.0.0.1:{web.web.port}/ws"' in await page.text()
        socket = await http.ws_connect(web.url + "ws")
        await wait_until(lambda: len(web.web.console_pids()) == 1)
        await socket.close()
        await wait_until(lambda: web.gate.sessions == 0)


async def test_an_idle_browser_console_is_closed(make_web: WebStackFactory) -> None:
    web = await make_web(idle_timeout=2.0)
    async with web.client() as http:
        assert (await web.login(http, "oper")).status == 303
        socket = await http.ws_connect(web.url + "ws")
        await wait_until(lambda: len(web.web.console_pids()) == 1)
        [pid] = web.web.console_pids()
        started = time.monotonic()
        await wait_ended(socket, 20)
        assert time.monotonic() - started >= 1.5  # not before the idle time
        await wait_until(lambda: not alive(pid) and web.gate.sessions == 0)
