"""Rendered representations, cached per frame version.

A read of the 1000-partition frame's LogicalPartition feed builds tens of thousands of
elements; the frame changes far less often than clients read it (a snapshot's
`frame_version` moves only when the frame does), so each (frame version, URL) is rendered
once, off the event loop, and served from here until the frame changes.
"""

from __future__ import annotations

import asyncio
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

from hmc_tui.rest import xml


@dataclass(frozen=True)
class Rendered:
    body: bytes
    etag: str
    content_type: str


class RenderCache:
    """At most `size` representations and `max_bytes` of bodies (the 1000-partition
    frame's LogicalPartition feed is about 5 MB, one partition's entry about 5 KB)."""

    def __init__(self, size: int = 4096, max_bytes: int = 64 * 1024 * 1024) -> None:
        self.size = size
        self.max_bytes = max_bytes
        self._bytes = 0
        self._items: OrderedDict[tuple[int, str], Rendered] = OrderedDict()
        self._version = -1
        # Renders in progress: concurrent first reads of one URL wait for one render
        # instead of each rendering the 1000-partition feed again.
        self._pending: dict[tuple[int, str], asyncio.Future[Rendered]] = {}

    def __len__(self) -> int:
        return len(self._items)

    async def get(self, version: int, key: str,
                  make: Callable[[], tuple[bytes, str, str | None]]) -> Rendered:
        """The representation of `key` at frame `version`; `make` returns (body, type,
        ETag or None for a digest of the body) and runs in a worker thread when it is not
        cached."""
        if version != self._version:  # the frame changed: everything rendered is stale
            self._items.clear()
            self._bytes = 0
            self._version = version
        found = self._items.get((version, key))
        if found is not None:
            self._items.move_to_end((version, key))
            return found
        pending = self._pending.get((version, key))
        if pending is not None:
            return await asyncio.shield(pending)
        future: asyncio.Future[Rendered] = asyncio.get_running_loop().create_future()
        self._pending[(version, key)] = future
        try:
            body, content_type, etag = await asyncio.to_thread(make)
        except BaseException as exc:
            future.set_exception(exc)
            future.exception()  # retrieved: no "never retrieved" warning when nobody waits
            raise
        finally:
            del self._pending[(version, key)]
        rendered = Rendered(body, etag or xml.etag_of(body), content_type)
        future.set_result(rendered)
        if version == self._version and (version, key) not in self._items:
            self._items[(version, key)] = rendered
            self._bytes += len(body)
            while len(self._items) > self.size or self._bytes > self.max_bytes:
                _, dropped = self._items.popitem(last=False)
                self._bytes -= len(dropped.body)
        return rendered
