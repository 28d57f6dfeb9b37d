"""The console in a browser: textual-serve's terminal page and websocket on aiohttp, in the
service's own event loop, behind a login page.

- `GET /login`, `POST /login` (form: user, password): the user store's passwords, throttled
  by the service's shared login gate (gate.py: failures counted per address together with
  SSH's). A good login sets an HttpOnly, SameSite=Strict cookie (sessions.py).
- `GET /`: textual-serve's console page; `GET /ws`: its websocket, one console process per
  socket (the same `python -m hmc_tui --connect SOCKET` as an SSH console, the same clean
  environment naming the user, role and origin "web ADDRESS"), counted in the gate's session
  slots; the process is asked to quit, then hung up, when the socket closes.
- `POST /password` (form: user, password, new, retype): the forced change of an expired
  password (hscroot's generated first one), as SSH asks for it at the first login.
- `POST /logout`: ends the login and closes its consoles.
- `/static/...`: textual-serve's JavaScript and CSS (xterm.js).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import ssl
import time
from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import urlsplit

from aiohttp import WSMsgType, web
from textual_serve.download_manager import DownloadManager

from engine.roles import Actor
from hmc_tui.service.consoles import console_argv, template
from hmc_tui.service.gate import LoginGate
from hmc_tui.service.prefork import Prefork
from hmc_tui.service.ptysession import crash_notice
from hmc_tui.service.server import EngineService
from hmc_tui.service.users import UserError, UserStore
from hmc_tui.web.console import WebConsole
from hmc_tui.web.pages import (
    STATIC_DIR,
    console_page,
    login_page,
    message_page,
    password_page,
)
from hmc_tui.web.sessions import COOKIE, WebLogin, WebLogins

log = logging.getLogger(__name__)

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 12480
TITLE = "hmc-tui: Hardware Management Console"
MAX_BODY = 16 * 1024  # a login form; anything bigger is refused (413)
MAX_MESSAGE = 1024 * 1024  # one websocket message from the browser (a paste)
# Seconds for closing a websocket: aiohttp bounds its wait for the browser's close frame, not
# the send of ours to a browser that stopped reading; past this the connection is dropped.
CLOSE_TIMEOUT = 5.0


@dataclass
class WebSettings:
    host: str = DEFAULT_HOST
    port: int = DEFAULT_PORT  # 0: any free port (tests)
    idle_timeout: float = 1800.0  # a console without keystrokes is closed; 0: never
    login_idle: float = 1800.0  # a login without requests ends
    login_lifetime: float = 8 * 3600.0
    hangup_grace: float = 3.0
    # HTTPS with this context (`hmc-tui serve --web`: the data dir's self-signed certificate,
    # the REST API's); None: plain HTTP (--web-http, for loopback or behind a TLS proxy).
    ssl: ssl.SSLContext | None = None
    # The cookie is marked Secure under HTTPS; set this too behind a TLS-terminating proxy.
    secure_cookie: bool = False
    # Fork consoles from a template process that has imported the console already
    # (prefork.py): the SSH server's when given one, else one of our own.
    prefork: bool = True


@dataclass(eq=False)
class _Open:
    """A console open in a browser tab."""

    login: WebLogin
    console: WebConsole
    socket: web.WebSocketResponse
    last_input: float


class WebConsoleServer:
    def __init__(self, service: EngineService, store: UserStore, gate: LoginGate,
                 settings: WebSettings | None = None, *,
                 console_command: Sequence[str] | None = None,
                 prefork: Prefork | None = None) -> None:
        self.service = service
        self.store = store
        self.gate = gate
        self.settings = settings or WebSettings()
        self.console_command = list(console_command or console_argv(service.socket_path))
        s = self.settings
        self.logins = WebLogins(idle=s.login_idle, lifetime=s.login_lifetime)
        self.port = 0
        self._runner: web.AppRunner | None = None
        # Insertion-ordered (a dict, not a set): consoles listed in the order they opened.
        self._open: dict[_Open, None] = {}
        self._downloads = DownloadManager()
        self.prefork = prefork  # shared with the SSH server: not ours to stop
        self._own_prefork: Prefork | None = None

    @property
    def url(self) -> str:
        scheme = "https" if self.settings.ssl is not None else "http"
        host = self.settings.host
        return f"{scheme}://{f'[{host}]' if ':' in host else host}:{self.port}/"

    def console_pids(self) -> list[int]:
        """The running consoles' pids, oldest socket first."""
        return [pid for o in self._open if (pid := o.console.pid) is not None]

    # ------------------------------------------------------------------ lifecycle
    def make_app(self) -> web.Application:
        app = web.Application(client_max_size=MAX_BODY)
        app.add_routes([
            web.get("/", self.handle_console),
            web.get("/login", self.handle_login_page),
            web.post("/login", self.handle_login),
            web.post("/password", self.handle_password),
            web.post("/logout", self.handle_logout),
            web.get("/ws", self.handle_websocket),
            web.static("/static", STATIC_DIR),
        ])
        return app

    async def start(self) -> None:
        s = self.settings
        self._runner = web.AppRunner(self.make_app(), access_log=None,
                                     handle_signals=False, shutdown_timeout=2.0)
        await self._runner.setup()
        site = web.TCPSite(self._runner, s.host, s.port, ssl_context=s.ssl, backlog=32)
        await site.start()
        server = site._server  # aiohttp keeps the listening sockets there
        sockets = getattr(server, "sockets", None) or ()
        self.port = sockets[0].getsockname()[1] if sockets else s.port
        log.info("browser console on %s", self.url)
        if s.prefork and self.prefork is None:
            self.prefork = self._own_prefork = template(self.console_command)
            await self.prefork.start()

    async def stop(self) -> None:
        await asyncio.gather(*(self._close(o) for o in list(self._open)),
                             return_exceptions=True)
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None
        if self._own_prefork is not None:
            await self._own_prefork.stop()
            self._own_prefork = self.prefork = None

    # ------------------------------------------------------------------ login
    def _login(self, request: web.Request) -> WebLogin | None:
        login = self.logins.get(request.cookies.get(COOKIE))
        if login is None:
            return None
        try:
            user = self.store.get(login.user)
        except UserError as exc:
            log.error("%s", exc)
            return None
        if user is None:  # removed since logging in
            self.logins.remove_user(login.user)
            return None
        return login

    async def handle_login_page(self, request: web.Request) -> web.StreamResponse:
        if self._login(request) is not None:
            raise web.HTTPSeeOther("/")
        return _html(login_page(TITLE))

    async def handle_login(self, request: web.Request) -> web.StreamResponse:
        address = request.remote or "?"
        if not _same_origin(request):
            return _html(login_page(TITLE, "The login form must be sent from this page."), 403)
        form = await request.post()
        name = str(form.get("user", "")).strip()
        password = str(form.get("password", ""))
        if self.gate.blocked(address):
            return self._blocked(address, name)
        if not name or not password:
            return _html(login_page(TITLE, "Enter a user ID and a password.", name), 400)
        check = await self.gate.check_password(address, name, password)
        if check == "blocked":
            return self._blocked(address, name)
        if check == "wrong":
            # The same answer for an unknown user and a wrong password: no hint which it was.
            return _html(login_page(TITLE, "The user ID or password is not valid.", name), 401)
        user = self.store.get(name)
        if user is None:
            return _html(login_page(TITLE, "The user ID or password is not valid.", name), 401)
        if user.must_change:
            log.info("%s from %s must change the password", name, address)
            return _html(password_page(TITLE, name), 403)
        return self._logged_in(name, address)

    def _logged_in(self, name: str, address: str) -> web.Response:
        login = self.logins.create(name, address)
        log.info("%s logged in from %s (browser)", name, address)
        response = _see_other("/")
        response.set_cookie(COOKIE, login.token, httponly=True, samesite="Strict", path="/",
                            secure=self.settings.secure_cookie or self.settings.ssl is not None)
        return response

    async def handle_password(self, request: web.Request) -> web.StreamResponse:
        """The expired password's change: the current one is checked through the gate (a
        wrong one counts as a failed login), then the store's own rules for the new one."""
        address = request.remote or "?"
        if not _same_origin(request):
            return _html(login_page(TITLE, "The form must be sent from this page."), 403)
        form = await request.post()
        name = str(form.get("user", "")).strip()
        old, new = str(form.get("password", "")), str(form.get("new", ""))
        if self.gate.blocked(address):
            return self._blocked(address, name)
        if new != str(form.get("retype", "")):
            return _html(password_page(TITLE, name, "The new passwords do not match."), 400)
        check = await self.gate.check_password(address, name, old)
        if check == "blocked":
            return self._blocked(address, name)
        if check == "wrong":
            return _html(login_page(TITLE, "The user ID or password is not valid.", name), 401)
        try:
            await asyncio.get_running_loop().run_in_executor(
                self.gate.auth_executor, self.store.change_password, name, old, new)
        except UserError as exc:
            return _html(password_page(TITLE, name, f"{str(exc).capitalize()}."), 400)
        log.info("%s changed the password from %s (browser)", name, address)
        return self._logged_in(name, address)

    def _blocked(self, address: str, name: str) -> web.Response:
        wait = self.gate.retry_after(address)
        log.warning("refusing %s: too many failed logins", address)
        response = _html(login_page(
            TITLE, f"Too many failed logins from {address}; try again in {wait} s.", name), 429)
        response.headers["Retry-After"] = str(wait)
        return response

    async def handle_logout(self, request: web.Request) -> web.StreamResponse:
        token = request.cookies.get(COOKIE)
        if token and _same_origin(request):
            login = self.logins.remove(token)
            if login is not None:
                log.info("%s logged out (browser)", login.user)
                await asyncio.gather(*(self._close(o) for o in list(self._open)
                                       if o.login is login), return_exceptions=True)
        response = _see_other("/login")
        response.del_cookie(COOKIE, path="/")
        return response

    # ------------------------------------------------------------------ console
    async def handle_console(self, request: web.Request) -> web.StreamResponse:
        login = self._login(request)
        if login is None:
            raise web.HTTPSeeOther("/login")
        user = self.store.get(login.user)
        refusal = self.gate.refusal(login.user, user.role) if user is not None else None
        if refusal is not None:  # say it here: the terminal page could only say "ended"
            return _html(message_page(TITLE, f"No console: {refusal}"), 503)
        base = f"{request.scheme}://{request.host}"
        ws_scheme = "wss" if request.scheme == "https" else "ws"
        font = request.query.get("fontsize", "16")
        page = console_page(TITLE, login.user, f"{ws_scheme}://{request.host}/ws",
                            f"{base}/static/", int(font) if font.isdecimal() else 16)
        return _html(page)

    async def handle_websocket(self, request: web.Request) -> web.StreamResponse:
        login = self._login(request)
        if login is None:
            raise web.HTTPUnauthorized(text="log in first\n")
        if not _same_origin(request):  # another site's page cannot drive our console
            raise web.HTTPForbidden(text="cross-origin websocket refused\n")
        user = self.store.get(login.user)
        if user is None:
            raise web.HTTPUnauthorized(text="log in first\n")
        refusal = self.gate.claim(user.name, user.role)
        if refusal is not None:
            raise web.HTTPServiceUnavailable(text=f"{refusal}\n")
        try:
            return await self._serve_socket(request, login, Actor(user=user.name, role=user.role))
        finally:
            self.gate.release(user.name)

    async def _serve_socket(self, request: web.Request, login: WebLogin,
                            actor: Actor) -> web.WebSocketResponse:
        socket = web.WebSocketResponse(heartbeat=15, max_msg_size=MAX_MESSAGE)
        await socket.prepare(request)
        width = _size(request.query.get("width"), 80)
        height = _size(request.query.get("height"), 24)
        console = WebConsole(self.console_command, actor, f"web {request.remote or '?'}",
                             write_bytes=socket.send_bytes, write_str=socket.send_str,
                             close=lambda: _close_socket(socket), download_manager=self._downloads,
                             hangup_grace=self.settings.hangup_grace,
                             prefork=self.prefork if self.settings.prefork else None)
        entry = _Open(login, console, socket, time.monotonic())
        self._open[entry] = None
        watches: list[asyncio.Task[None]] = []
        try:
            await console.start(width, height)
            entry.last_input = time.monotonic()  # idle from now: starting is not idling
            log.info("browser console for %s (pid %s)", actor.user, console.pid)
            watches.append(asyncio.create_task(self._end_watch(entry)))
            if self.settings.idle_timeout > 0:
                watches.append(asyncio.create_task(self._idle_watch(entry)))
            await self._pump(socket, entry)
        except Exception:
            log.exception("browser console of %s failed", actor.user)
        finally:
            for watch in watches:
                watch.cancel()
            await self._close(entry)
        return socket

    async def _pump(self, socket: web.WebSocketResponse, entry: _Open) -> None:
        """The browser's messages, as textual-serve's server reads them; a malformed one is
        dropped (never a traceback in the log for what a browser sends)."""
        console = entry.console
        async for message in socket:
            if message.type != WSMsgType.TEXT:
                continue
            try:
                envelope = message.json()
                kind, data = envelope[0], envelope[1]
            except (ValueError, TypeError, IndexError, KeyError):
                continue
            if kind == "stdin" and isinstance(data, str):
                entry.last_input = time.monotonic()
                if not await console.send_bytes(data.encode("utf-8")):
                    break
            elif kind == "resize" and isinstance(data, dict):
                await console.set_terminal_size(_size(data.get("width"), 80),
                                                _size(data.get("height"), 24))
            elif kind == "ping":
                await socket.send_json(["pong", data])
            elif kind == "blur":
                await console.blur()
            elif kind == "focus":
                await console.focus()

    async def _idle_watch(self, entry: _Open) -> None:
        while True:
            remaining = entry.last_input + self.settings.idle_timeout - time.monotonic()
            if remaining <= 0:
                log.info("closing the idle browser console of %s", entry.login.user)
                await self._close(entry)
                return
            await asyncio.sleep(remaining)

    async def _end_watch(self, entry: _Open) -> None:
        """A console that ended by itself (a crash, a kill) without saying so closes its
        socket: the browser shows the session ended instead of a frozen screen, and the
        terminal says why, as an SSH one does."""
        if (process := entry.console.process) is not None:
            code = await process.wait()
            if code != 0 and entry in self._open:  # not the end of a close we began
                with contextlib.suppress(Exception):
                    await asyncio.wait_for(entry.socket.send_bytes(
                        crash_notice(process.pid, code)), CLOSE_TIMEOUT)
            # Shielded: closing the socket ends the pump, which cancels this watch.
            await asyncio.shield(self._close(entry))

    async def _close(self, entry: _Open) -> None:
        if entry not in self._open:
            return
        del self._open[entry]
        await entry.console.close()
        await _close_socket(entry.socket)


async def _close_socket(socket: web.WebSocketResponse) -> None:
    """Close a browser's websocket within CLOSE_TIMEOUT (aiohttp drops the connection when
    its close is cancelled); nothing to report if it is gone already."""
    with contextlib.suppress(Exception):
        await asyncio.wait_for(socket.close(), CLOSE_TIMEOUT)


def _see_other(location: str) -> web.Response:
    return web.Response(status=303, headers={"Location": location})


def _html(text: str, status: int = 200) -> web.Response:
    response = web.Response(text=text, status=status, content_type="text/html")
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Frame-Options"] = "DENY"  # no clickjacking through a frame
    return response


def _same_origin(request: web.Request) -> bool:
    """Whether a state-changing request comes from our own pages: a browser always sends
    Origin on POST and websocket requests; other clients (curl, tests) may send none."""
    origin = request.headers.get("Origin")
    if origin is None or origin == "null":
        return origin is None
    return urlsplit(origin).netloc == request.host


def _size(value: object, default: int) -> int:
    """A terminal dimension from the browser, bounded: 10..1000 cells."""
    try:
        number = int(str(value))
    except ValueError:
        return default
    return min(max(number, 10), 1000)
