"""Logon and sessions: `PUT /rest/api/web/Logon` and `DELETE` to log off.

Same users, passwords, roles and failed-login throttling as SSH: the password is checked
against the service's user store on the hashing threads, counted by the same LoginLimiter
as SSH password logins (a failure over one counts against the address over the other), and
the session's role is the store's at every request, so a removed user's token stops working
and a demoted user's rights drop at once.

A session is an opaque random token (X-API-Session), kept in memory only: a restart logs
every client off, and pypowervm logs on again at its first 401, as with a real HMC.

Clients that keep a cookie jar instead of the header (nmon2influxdb, older hmci, curl -c/-b
scripts) get the session back as the HMC sets it at logon: cookies JSESSIONID (Path=/rest)
and CCFWSESSION (Path=/), Secure and HttpOnly, plus SameSite=Strict so a web page in a
browser cannot ride them. Either cookie is accepted when the header is absent; the header
wins when both are sent.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
import time
from collections.abc import Callable
from concurrent.futures import Executor
from dataclasses import dataclass, field

from aiohttp import web

from engine.roles import Actor
from engine.text import escape_controls
from hmc_tui.rest import xml
from hmc_tui.rest.errors import rest_error
from hmc_tui.service.logins import Attempt, LoginLimiter
from hmc_tui.service.users import UserError, UserStore

log = logging.getLogger(__name__)

SESSION_HEADER = "X-API-Session"
LOGON_PATH = "/rest/api/web/Logon"
# The cookies an HMC sets at logon, and the paths it sets them for.
SESSION_COOKIES = {"JSESSIONID": "/rest", "CCFWSESSION": "/"}


@dataclass
class Session:
    token: str
    user: str
    role: str
    address: str
    created: float
    last_used: float
    listed: int = 0  # its id in the engine service's session list, when listed there

    @property
    def actor(self) -> Actor:
        return Actor.model_validate({"user": self.user, "role": self.role})


@dataclass
class SessionTable:
    """Open REST sessions; a session unused for `idle_timeout` seconds has expired.
    `on_open(session)` / `on_close(session)` let the engine service list them with its
    consoles (who is logged on, and from where)."""

    idle_timeout: float = 1800.0
    max_sessions: int = 256
    max_per_user: int = 32
    clock: Callable[[], float] = time.monotonic
    on_open: Callable[[Session], None] | None = None
    on_close: Callable[[Session], None] | None = None
    _sessions: dict[str, Session] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self._sessions)

    def open(self, user: str, role: str, address: str) -> Session:
        self.prune()
        if len(self._sessions) >= self.max_sessions:
            raise rest_error(503, "HSCL136B", limit=self.max_sessions, who="in all")
        if sum(s.user == user for s in self._sessions.values()) >= self.max_per_user:
            raise rest_error(503, "HSCL136B", limit=self.max_per_user, who=f"for {user}")
        now = self.clock()
        session = Session(secrets.token_urlsafe(48), user, role, address, now, now)
        self._sessions[session.token] = session
        if self.on_open is not None:
            self.on_open(session)
        return session

    def get(self, token: str) -> Session | None:
        """The live session for `token` (its idle time restarts), or None."""
        session = self._sessions.get(token)
        if session is None:
            return None
        now = self.clock()
        if now - session.last_used > self.idle_timeout:
            self.close(token)
            return None
        session.last_used = now
        return session

    def close(self, token: str) -> bool:
        session = self._sessions.pop(token, None)
        if session is not None and self.on_close is not None:
            self.on_close(session)
        return session is not None

    def close_user(self, user: str) -> None:
        for token in [t for t, s in self._sessions.items() if s.user == user]:
            self.close(token)

    def close_all(self) -> None:
        for token in list(self._sessions):
            self.close(token)

    def prune(self) -> None:
        horizon = self.clock() - self.idle_timeout
        for token in [t for t, s in self._sessions.items() if s.last_used < horizon]:
            self.close(token)


@dataclass
class AuthContext:
    """What logging on needs: the user store, the throttle and the hashing threads (the SSH
    server's own when SSH runs, so both doors share them)."""

    store: UserStore
    limiter: LoginLimiter
    executor: Executor
    sessions: SessionTable
    login_timeout: float = 30.0


AUTH_KEY: web.AppKey[AuthContext] = web.AppKey("auth", AuthContext)


def require_session(request: web.Request) -> Session:
    """The request's session, with the user store's role now; 401 (HSCL1363) when the token
    is missing, unknown or expired, or its user was removed."""
    auth = request.app[AUTH_KEY]
    token = request_token(request)
    session = auth.sessions.get(token) if token else None
    if session is None:
        raise rest_error(401, "HSCL1363")
    try:
        user = auth.store.get(session.user)
    except UserError as exc:
        log.error("%s", exc)
        raise rest_error(503, "HSCL0F05", user=session.user, reason=str(exc)) from None
    if user is None:
        auth.sessions.close_user(session.user)
        raise rest_error(401, "HSCL1363")
    session.role = user.role
    return session


def request_token(request: web.Request) -> str:
    """The X-API-Session header, else the JSESSIONID or CCFWSESSION cookie ("" if none)."""
    token = request.headers.get(SESSION_HEADER, "")
    if token:
        return token
    return next((request.cookies[name] for name in SESSION_COOKIES if request.cookies.get(name)),
                "")


def peer(request: web.Request) -> str:
    return request.remote or "?"


async def logon(request: web.Request) -> web.Response:
    auth = request.app[AUTH_KEY]
    body = await request.read()
    try:
        doc = xml.parse(body, "LogonRequest")
    except xml.BadXml as exc:
        raise rest_error(400, "HSCL1365", reason=str(exc)) from None
    name = xml.find_text(doc, "UserID") or ""
    password = xml.find_text(doc, "Password")
    if not name or password is None:
        raise rest_error(400, "HSCL1365", reason="a LogonRequest needs a UserID and a Password")
    address = peer(request)
    if not await _check_password(auth, address, name, password):
        raise rest_error(401, "HSCL1360")
    user = auth.store.get(name)
    if user is None:  # removed while its password was being checked
        raise rest_error(401, "HSCL1360")
    if user.must_change:
        raise rest_error(401, "HSCL1362", user=name)
    session = auth.sessions.open(user.name, user.role, address)
    log.info("%s logged on to the REST API from %s", name, address)
    obj = xml.element("LogonResponse", xml.WEB_NS)
    xml.leaf(obj, SESSION_HEADER, session.token)
    response = web.Response(body=xml.to_bytes(obj), headers={
        "Content-Type": xml.WEB_TYPE.format("LogonResponse"), "X-MC-Type": "HMC"})
    for cookie, path in SESSION_COOKIES.items():
        response.set_cookie(cookie, session.token, path=path, secure=True, httponly=True,
                            samesite="Strict")
    return response


async def logoff(request: web.Request) -> web.Response:
    auth = request.app[AUTH_KEY]
    session = require_session(request)
    auth.sessions.close(session.token)
    log.info("%s logged off the REST API", session.user)
    response = web.Response(status=204)
    for cookie, path in SESSION_COOKIES.items():  # the client's jar forgets them
        response.del_cookie(cookie, path=path, secure=True, httponly=True, samesite="Strict")
    return response


async def _check_password(auth: AuthContext, address: str, name: str, password: str) -> bool:
    """As the SSH server checks one: the failure is reserved before the hash, released only
    when right; a blocked address is refused (403 with Retry-After) without hashing."""
    limiter = auth.limiter
    deadline = asyncio.get_running_loop().time() + auth.login_timeout
    while (attempt := limiter.begin(address)) == "busy":
        if asyncio.get_running_loop().time() > deadline:
            raise rest_error(503, "HSCL136C")
        await asyncio.sleep(0.05)
    if attempt == "blocked":
        wait = int(limiter.retry_after(address)) + 1
        log.warning("refusing a REST logon from %s: too many failed logins", address)
        error = rest_error(403, "HSCL1361", address=address, seconds=wait)
        error.headers["Retry-After"] = str(wait)
        raise error
    assert isinstance(attempt, Attempt)
    try:
        ok = await asyncio.get_running_loop().run_in_executor(
            auth.executor, auth.store.verify_password, name, password)
    except UserError as exc:
        log.error("%s", exc)
        ok = False
    except BaseException:
        limiter.failed_attempt(attempt)
        raise
    if ok:
        limiter.succeeded(attempt)
        return True
    delay = limiter.failed_attempt(attempt)
    log.warning("failed REST logon for %s from %s", escape_controls(name), address)
    await asyncio.sleep(delay)
    return False
