"""Jobs: placeholder replaced below."""

from __future__ import annotations

from aiohttp import web


class JobTable:
    def __init__(self, keep: float = 600.0, max_jobs: int = 1000) -> None:
        self.keep = keep
        self.max_jobs = max_jobs


def routes() -> list[web.RouteDef]:
    return []
