"""The HTTPS front door: an aiohttp application on the service's event loop.

`build_app(ctx)` makes the application (Logon, the uom reads, jobs, updates, and the PCM
routes of hmc_tui/rest/pcm.py when that module exists); `RestServer` serves it over TLS
next to the SSH server in `hmc-tui serve`. Every error a client can cause is answered with
the HMC's HttpErrorResponse and status (errors.py); an unexpected exception is logged here
and answered with a 500 that carries no traceback.
"""

from __future__ import annotations

import asyncio
import importlib.util
import logging
from collections.abc import Awaitable, Callable
from concurrent.futures import Executor
from pathlib import Path

from aiohttp import web

from engine.errors import HmcError
from engine.service import Engine
from hmc_tui.rest import auth, certificate, xml
from hmc_tui.rest.connections import CappedRunner, ConnectionCap
from hmc_tui.rest.context import CTX_KEY, RestContext, RestSettings
from hmc_tui.rest.errors import REASONS, RestError
from hmc_tui.service.logins import LoginLimiter
from hmc_tui.service.server import EngineService
from hmc_tui.service.users import UserStore

log = logging.getLogger(__name__)

PRUNE_EVERY = 30.0  # seconds between sweeps of expired sessions

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
CAP_KEY: web.AppKey[ConnectionCap] = web.AppKey("connections", ConnectionCap)


@web.middleware
async def refuse_excess(request: web.Request, handler: Handler) -> web.StreamResponse:
    """A connection over its address's cap gets the HMC's 503 and is closed."""
    cap = request.app[CAP_KEY]
    if not cap.excess(request.protocol):
        return await handler(request)
    response = error_response(request, 503, str(HmcError(
        "HSCL1372", address=request.remote or "?", limit=cap.per_address)),
        {"Connection": "close", "Retry-After": "1"})
    response.force_close()
    return response


@web.middleware
async def hmc_errors(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Every refusal as the HMC's HttpErrorResponse; never a traceback to the client."""
    try:
        return await handler(request)
    except RestError as exc:
        return error_response(request, exc.status, exc.message, exc.headers)
    except web.HTTPException as exc:
        if exc.status < 400:
            raise
        return error_response(request, exc.status, _aiohttp_message(request, exc),
                              {"Allow": exc.headers["Allow"]} if "Allow" in exc.headers else {})
    except HmcError as exc:
        return error_response(request, 400, str(exc))
    except Exception:
        log.exception("REST %s %s failed", request.method, request.path)
        return error_response(request, 500, str(HmcError("HSCL136C")))


def _aiohttp_message(request: web.Request, exc: web.HTTPException) -> str:
    if exc.status == 404:
        return str(HmcError("HSCL1364", uri=request.path))
    if exc.status == 405:
        return str(HmcError("HSCL136A", method=request.method, uri=request.path))
    if exc.status == 413:
        return str(HmcError("HSCL1366", limit=request.app[CTX_KEY].settings.max_body))
    return f"{exc.status} {exc.reason}"


def error_response(request: web.Request, status: int, message: str,
                   headers: dict[str, str] | None = None) -> web.Response:
    body = xml.http_error(status, request.path, REASONS.get(status, "Error"), message)
    return web.Response(status=status, body=body, headers={
        **(headers or {}), "Content-Type": xml.WEB_TYPE.format("HttpErrorResponse")})


async def _server_header(request: web.Request, response: web.StreamResponse) -> None:
    # Not aiohttp's "Python/3.11 aiohttp/3.x": no versions for a scanner to match.
    response.headers["Server"] = "hmc-tui"


def build_app(ctx: RestContext) -> web.Application:
    from hmc_tui.rest import jobs, system_jobs, uom, updates
    from hmc_tui.rest.render import RenderCache

    app = web.Application(middlewares=[refuse_excess, hmc_errors],
                          client_max_size=ctx.settings.max_body)
    app.on_response_prepare.append(_server_header)
    app[CTX_KEY] = ctx
    app[CAP_KEY] = ConnectionCap(ctx.settings.max_connections_per_address)
    app[auth.AUTH_KEY] = ctx.auth
    ctx.jobs = jobs.JobTable(keep=ctx.settings.job_keep, max_jobs=ctx.settings.max_jobs)
    ctx.renders = RenderCache()
    app.add_routes([web.put(auth.LOGON_PATH, auth.logon),
                    web.delete(auth.LOGON_PATH, auth.logoff)])
    app.add_routes(jobs.routes())
    app.add_routes(system_jobs.routes())
    app.add_routes(updates.routes())
    app.add_routes(uom.routes())
    if importlib.util.find_spec("hmc_tui.rest.pcm") is not None:  # engineer web's part
        from hmc_tui.rest import pcm  # type: ignore[attr-defined,unused-ignore]

        app.add_routes(pcm.pcm_routes(ctx))
    return app


def make_context(engine: Engine, store: UserStore, settings: RestSettings, *,
                 limiter: LoginLimiter, executor: Executor, login_timeout: float = 30.0,
                 service: EngineService | None = None) -> RestContext:
    """With `service`, REST sessions are listed with the service's other sessions."""
    sessions = auth.SessionTable(idle_timeout=settings.session_timeout,
                                 max_sessions=settings.max_sessions,
                                 max_per_user=settings.max_sessions_per_user)
    if service is not None:
        def opened(session: auth.Session) -> None:
            session.listed = service.open_session(session.user, session.role,
                                                  f"rest {session.address}", "rest").id

        sessions.on_open = opened
        sessions.on_close = lambda session: service.close_session(session.listed)
    return RestContext(engine=engine, settings=settings, auth=auth.AuthContext(
        store=store, limiter=limiter, executor=executor, sessions=sessions,
        login_timeout=login_timeout))


class RestServer:
    """`build_app(ctx)` served over TLS with the certificate in `cert_dir`."""

    def __init__(self, ctx: RestContext, cert_dir: Path) -> None:
        self.ctx = ctx
        self.cert, self.key = certificate.load_or_create(cert_dir)
        self.ssl = certificate.ssl_context(self.cert, self.key)
        self.fingerprint = certificate.fingerprint(self.cert)
        self.port = 0
        self._runner: web.AppRunner | None = None
        self._pruner: asyncio.Task[None] | None = None

    async def start(self) -> None:
        s = self.ctx.settings
        app = build_app(self.ctx)
        self._runner = CappedRunner(app, app[CAP_KEY], access_log=None, handle_signals=False,
                                    keepalive_timeout=s.keepalive_timeout)
        await self._runner.setup()
        site = web.TCPSite(self._runner, s.host, s.port, ssl_context=self.ssl, backlog=64)
        await site.start()
        sockets = [sock for srv in [site._server] if srv is not None
                   for sock in getattr(srv, "sockets", ())]
        self.port = sockets[0].getsockname()[1] if sockets else s.port
        self._pruner = asyncio.create_task(self._prune())
        log.info("REST API listening on %s:%d", s.host, self.port)

    async def _prune(self) -> None:
        """Expired sessions leave the service's session list, and finished jobs past their
        keep time leave memory, within PRUNE_EVERY (even when no new job comes)."""
        while True:
            await asyncio.sleep(PRUNE_EVERY)
            self.ctx.auth.sessions.prune()
            if self.ctx.jobs is not None:
                self.ctx.jobs.prune()

    async def stop(self) -> None:
        if self._pruner is not None:
            self._pruner.cancel()
            self._pruner = None
        if self.ctx.jobs is not None:
            self.ctx.jobs.cancel_all()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None
        self.ctx.auth.sessions.close_all()
