"""A per-address cap on open connections to the REST port, so that one client cannot take
every socket and handler of the service.

aiohttp's Server (the protocol factory of the REST site) is told of every connection
opened and lost; `CappedServer` counts them by peer address. A connection over the cap is
served one answer only, the HMC's 503 HttpErrorResponse with HSCL1372 and
`Connection: close` (the `refuse_excess` middleware in server.py), and is closed after
EXCESS_GRACE seconds if it sends nothing. Idle connections within the cap are closed after
the keep-alive timeout (RestSettings.keepalive_timeout; aiohttp's own default is an hour).
"""

from __future__ import annotations

import asyncio
from collections import Counter
from typing import Any

from aiohttp import web
from aiohttp.web_protocol import RequestHandler

EXCESS_GRACE = 5.0  # seconds an over-the-cap connection may take to send its request


class ConnectionCap:
    def __init__(self, per_address: int) -> None:
        self.per_address = per_address
        self.open: Counter[str] = Counter()
        self._address: dict[RequestHandler, str] = {}
        self._excess: dict[RequestHandler, asyncio.TimerHandle] = {}

    def opened(self, handler: RequestHandler, transport: asyncio.BaseTransport) -> None:
        peer = transport.get_extra_info("peername")
        address = str(peer[0]) if isinstance(peer, tuple) and peer else "?"
        self._address[handler] = address
        self.open[address] += 1
        if self.per_address and self.open[address] > self.per_address:
            loop = asyncio.get_running_loop()
            self._excess[handler] = loop.call_later(EXCESS_GRACE, handler.force_close)

    def closed(self, handler: RequestHandler) -> None:
        address = self._address.pop(handler, None)
        if address is not None:
            self.open[address] -= 1
            if self.open[address] <= 0:
                del self.open[address]
        timer = self._excess.pop(handler, None)
        if timer is not None:
            timer.cancel()

    def excess(self, handler: object) -> bool:
        """Whether `handler` (a request's protocol) is a connection over the cap."""
        return handler in self._excess


class CappedServer(web.Server):
    """aiohttp's Server that reports its connections to a ConnectionCap."""

    cap: ConnectionCap

    def connection_made(self, handler: RequestHandler, transport: asyncio.Transport) -> None:
        super().connection_made(handler, transport)
        self.cap.opened(handler, transport)

    def connection_lost(self, handler: RequestHandler, exc: BaseException | None = None) -> None:
        self.cap.closed(handler)
        super().connection_lost(handler, exc)


class CappedRunner(web.AppRunner):
    """An AppRunner whose server counts connections per address in `cap`."""

    def __init__(self, app: web.Application, cap: ConnectionCap, **kwargs: Any) -> None:
        super().__init__(app, **kwargs)
        self.cap = cap

    async def _make_server(self) -> web.Server:
        server = await super()._make_server()
        # The application builds a plain Server (aiohttp has no hook for connections);
        # this one adds only the two notifications above.
        server.__class__ = CappedServer
        assert isinstance(server, CappedServer)
        server.cap = self.cap
        return server
