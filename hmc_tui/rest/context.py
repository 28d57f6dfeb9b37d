"""What every REST handler (and hmc_tui/rest/pcm.py's routes) can reach: `RestContext`,
stored in the application under CTX_KEY (`request.app[CTX_KEY]`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from aiohttp import web

from hmc_tui.rest.auth import AuthContext

if TYPE_CHECKING:
    from engine.service import Engine
    from hmc_tui.rest.jobs import JobTable
    from hmc_tui.rest.render import RenderCache


@dataclass
class RestSettings:
    host: str = "127.0.0.1"
    port: int = 12443  # the HMC's REST port; 0: any free port (tests)
    session_timeout: float = 1800.0  # seconds a session may stay unused
    max_body: int = 1024 * 1024  # bytes in a request body; more: 413
    max_sessions: int = 256
    max_sessions_per_user: int = 32
    job_keep: float = 600.0  # seconds a finished job stays readable
    max_jobs: int = 1000  # jobs kept; when full the oldest finished go, running ones never
    max_connections_per_address: int = 32  # open connections from one address; 0: no cap
    keepalive_timeout: float = 60.0  # seconds an idle connection stays open


@dataclass
class RestContext:
    engine: Engine
    auth: AuthContext
    settings: RestSettings = field(default_factory=RestSettings)
    jobs: JobTable | None = None  # set by build_app
    renders: RenderCache | None = None  # set by build_app


CTX_KEY: web.AppKey[RestContext] = web.AppKey("rest", RestContext)
