"""uom reads: `GET /rest/api/uom/...` as feeds, entries and `quick` JSON.

One route takes every uom path and `resolve()` walks its segments (the HMC's URL grammar:
a root type, a UUID, a child type, a UUID, `quick`/`quick/All`, `search/(Name=='X')`), so
an unknown path is a 404 HttpErrorResponse like any other refusal. Bodies are rendered per
frame version (render.py) with an ETag; `If-None-Match` with the current one gets a 304.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from aiohttp import web

from engine.model import Frame, Partition
from engine.snapshot import Snapshot
from hmc_tui import __version__ as VERSION
from hmc_tui.rest import objects, systems, uuids, vios_storage
from hmc_tui.rest import xml as x
from hmc_tui.rest.auth import require_session
from hmc_tui.rest.context import CTX_KEY
from hmc_tui.rest.errors import rest_error

PREFIX = "/rest/api/uom"
PARTITION_KINDS = ("LogicalPartition", "VirtualIOServer")
SEARCH = re.compile(r"^\((\w+)==(['\"]?)(.*)\2\)$")
Urls = objects.Urls


@dataclass(frozen=True)
class Found:
    """What a path names: how to render it (body, and the ETag when it is not a digest of
    the body: one object's), and whether it is XML (feed/entry) or JSON."""

    render: Callable[[], bytes | tuple[bytes, str]]
    json: bool = False

    def make(self) -> tuple[bytes, str, str | None]:
        out = self.render()
        body, etag = out if isinstance(out, tuple) else (out, None)
        return body, "application/json" if self.json else x.ATOM_TYPE, etag


def base_url(request: web.Request) -> str:
    return f"{request.scheme}://{request.host}{PREFIX}"


def routes() -> list[web.RouteDef]:
    return [web.get(PREFIX + "/{tail:.*}", read)]


async def read(request: web.Request) -> web.StreamResponse:
    require_session(request)
    ctx = request.app[CTX_KEY]
    assert ctx.renders is not None
    snap = ctx.engine.snapshot()
    base = base_url(request)
    tail = request.match_info["tail"]
    group = request.query.get("group")
    found = resolve(snap, base, [s for s in tail.split("/") if s], request.path,
                    vios_storage.wanted_groups(group))
    key = f"{base}/{tail}" if group is None else f"{base}/{tail}?group={group}"
    rendered = await ctx.renders.get(snap.frame_version, key, found.make)
    if not rendered.body:  # an empty feed: the HMC answers 204 (pypowervm expects it)
        return web.Response(status=204)
    headers = {"ETag": rendered.etag, "Content-Type": rendered.content_type}
    if request.headers.get("If-None-Match") == rendered.etag:
        return web.Response(status=304, headers={"ETag": rendered.etag})
    return web.Response(body=rendered.body, headers=headers)


def resolve(snap: Snapshot, base: str, parts: list[str], path: str,
            groups: frozenset[str] | None = None) -> Found:
    """The object or feed `parts` (the path below /rest/api/uom) names, with the extended
    attribute groups `groups` (None: all); 404 otherwise."""
    every = [objects.Urls(base, f) for f in snap.frames]
    missing = rest_error(404, "HSCL1364", uri=path)
    if not parts:
        raise missing
    root, rest = parts[0], parts[1:]
    if root == "ManagementConsole":
        console = uuids.console_uuid()
        if rest not in ([], [console]):
            raise missing
        return _one(lambda: objects.management_console(every, VERSION), console,
                    f"{base}/ManagementConsole", feed=not rest)
    if root == "ManagedSystem":
        return _systems(snap, every, rest, missing, groups)
    if root in PARTITION_KINDS:  # root-level: the partitions of every managed system
        return _partitions(every, root, rest, missing, f"{base}/{root}", groups)
    raise missing


def _systems(snap: Snapshot, every: list[Urls], rest: list[str], missing: Exception,
             groups: frozenset[str] | None = None) -> Found:
    href = f"{every[0].base}/ManagedSystem"
    if rest == ["quick", "All"]:
        return _json(lambda: [objects.system_quick(u.frame, u) for u in every])
    if len(rest) == 2 and rest[0] == "search":
        key, value = _search(rest[1], missing)
        if key != "SystemName":
            raise missing
        return _system_feed([u for u in every if u.frame.system.name == value], href)
    if not rest:
        return _system_feed(every, href)
    frame = systems.by_uuid(snap, rest[0])
    if frame is None:
        raise missing
    urls = objects.Urls(every[0].base, frame)
    sub = rest[1:]
    if not sub:
        return _one(lambda: objects.managed_system(frame, urls), urls.sys_uuid, href)
    if sub == ["quick"]:
        return _json(lambda: objects.system_quick(frame, urls))
    kind, tail = sub[0], sub[1:]
    if kind in PARTITION_KINDS:
        return _partitions([urls], kind, tail, missing, f"{urls.system()}/{kind}", groups)
    if kind == "SharedProcessorPool":
        return _pools(frame, urls, tail, missing)
    if kind == "VirtualSwitch":
        return _vswitches(frame, urls, tail, missing)
    if kind == "VirtualNetwork":
        return _vnets(frame, urls, tail, missing)
    raise missing


def _system_feed(chosen: list[Urls], href: str) -> Found:
    """A feed of these managed systems (empty: 204, as the HMC answers a search that
    finds none); with one, the feed of one entry the one-system HMC served."""
    if len(chosen) == 1:
        u = chosen[0]
        return _one(lambda: objects.managed_system(u.frame, u), u.sys_uuid, href, feed=True)
    return Found(lambda: x.to_bytes(x.feed(
        [_entry(objects.managed_system(u.frame, u), u.sys_uuid, f"{href}/{u.sys_uuid}")
         for u in chosen], feed_id=uuids.console_uuid(), self_href=href)) if chosen else b"")


def _partitions(scope: list[Urls], kind: str, rest: list[str], missing: Exception,
                href: str, groups: frozenset[str] | None = None) -> Found:
    """The partitions (or VIOSes) of the systems in `scope`: one system under
    /ManagedSystem/{uuid}, every system at the root; a VIOS with the groups asked."""
    vios = kind == "VirtualIOServer"
    members = [(u, p) for u in scope for p in u.frame.partitions if p.is_vios == vios]
    if rest == ["quick", "All"]:
        return _json(lambda: [objects.partition_quick(u.frame, u, p) for u, p in members])
    if len(rest) == 2 and rest[0] == "search":
        key, value = _search(rest[1], missing)
        if key != "PartitionName":
            raise missing
        members = [(u, p) for u, p in members if p.name == value]
        rest = []
    if not rest:
        feed_id = scope[0].sys_uuid if len(scope) == 1 else uuids.console_uuid()
        return Found(lambda: x.to_bytes(x.feed(
            [_lpar_entry(u, p, groups) for u, p in members],
            feed_id=feed_id, self_href=href))
            if members else b"")
    found = next(((u, p) for u in scope
                  if (p := partition_by_uuid(u.frame, rest[0], vios)) is not None), None)
    if found is None:
        raise missing
    urls, p = found
    frame = urls.frame
    sub = rest[1:]
    puuid = uuids.partition_uuid(frame.system, p)
    if not sub:
        if p.is_vios and groups is not None:
            def one_view() -> tuple[bytes, str]:
                node = _lpar_entry(urls, p, groups, f"{href}/{puuid}")
                return x.to_bytes(node), node.findtext(f"{{{x.UOM_NS}}}etag")
            return Found(one_view)
        return _one(lambda: objects.partition(frame, urls, p), puuid, f"{href}/{puuid}")
    if sub == ["quick"]:
        return _json(lambda: objects.partition_quick(frame, urls, p))
    if sub[0] == "LogicalPartitionProfile" and len(sub) <= 2:
        profs = list(p.profiles)
        if len(sub) == 2:
            profs = [q for q in profs
                     if uuids.profile_uuid(frame.system, p, q).lower() == sub[1].lower()]
            if not profs:
                raise missing
            q = profs[0]
            return _one(lambda: objects.profile(frame, urls, p, q),
                        uuids.profile_uuid(frame.system, p, q), urls.profile(p, q))
        return Found(lambda: x.to_bytes(x.feed(
            [_entry(objects.profile(frame, urls, p, q), uuids.profile_uuid(frame.system, p, q),
                    urls.profile(p, q)) for q in profs],
            feed_id=puuid, self_href=f"{urls.top_lpar(p)}/LogicalPartitionProfile")))
    if sub[0] == "VolumeGroup" and p.is_vios and len(sub) <= 2:
        return _volume_groups(urls, p, sub[1:], missing)
    raise missing


def _lpar_entry(urls: Urls, p: Partition, groups: frozenset[str] | None,
                href: str = "") -> x.Element:
    """A partition's entry; a VIOS with the groups asked, but the ETag of the whole object
    whichever groups were read, so that a client's POST of what it read with `?group=`
    matches it (updates.py): rendered whole once, the groups not asked for then dropped."""
    obj = objects.partition(urls.frame, urls, p)
    etag = x.object_etag(obj)
    if p.is_vios and groups is not None:
        vios_storage.keep_groups(obj, groups)
    return x.entry(obj, uuid=uuids.partition_uuid(urls.frame.system, p),
                   self_href=href or urls.lpar(p),
                   content_type=x.UOM_TYPE.format(x.local(obj.tag)), etag=etag)


def _volume_groups(urls: Urls, p: Partition, rest: list[str], missing: Exception) -> Found:
    """GET .../VirtualIOServer/{uuid}/VolumeGroup[/{uuid}] (pypowervm's VG wrapper)."""
    frame = urls.frame
    href = f"{urls.top_lpar(p)}/VolumeGroup"
    found = vios_storage.vg_names(frame, p, rest or None)
    if rest and not found:
        raise missing

    def entries() -> list[x.Element]:
        return [_entry(vios_storage.volume_group(frame, p, g),
                       vios_storage.vg_uuid(frame, p, g), vios_storage.vg_href(urls, p, g))
                for g in found]

    if rest:
        return Found(lambda: x.to_bytes(entries()[0]))
    puuid = uuids.partition_uuid(frame.system, p)
    return Found(lambda: x.to_bytes(x.feed(entries(), feed_id=puuid, self_href=href))
                 if found else b"")


def _pools(frame: Frame, urls: Urls, rest: list[str], missing: Exception) -> Found:
    ids = objects.active_pools(frame)
    href = f"{urls.system()}/SharedProcessorPool"
    if rest:
        ids = [i for i in ids if uuids.pool_uuid(frame.system, i).lower() == rest[0].lower()]
        if len(rest) > 1 or not ids:
            raise missing
        i = ids[0]
        return _one(lambda: objects.shared_pool(frame, urls, i),
                    uuids.pool_uuid(frame.system, i), urls.pool(i))
    return Found(lambda: x.to_bytes(x.feed(
        [_entry(objects.shared_pool(frame, urls, i), uuids.pool_uuid(frame.system, i),
                urls.pool(i)) for i in ids], feed_id=urls.sys_uuid, self_href=href)))


def _vswitches(frame: Frame, urls: Urls, rest: list[str], missing: Exception) -> Found:
    names = list(enumerate(objects.vswitches(frame)))
    href = f"{urls.system()}/VirtualSwitch"
    if rest:
        names = [(i, n) for i, n in names
                 if uuids.vswitch_uuid(frame.system, n).lower() == rest[0].lower()]
        if len(rest) > 1 or not names:
            raise missing
    def entries() -> list[x.Element]:
        return [_entry(objects.virtual_switch(frame, urls, i, n),
                       uuids.vswitch_uuid(frame.system, n),
                       f"{href}/{uuids.vswitch_uuid(frame.system, n)}") for i, n in names]

    if rest:
        return Found(lambda: x.to_bytes(entries()[0]))
    return Found(lambda: x.to_bytes(x.feed(entries(), feed_id=urls.sys_uuid, self_href=href)))


def _vnets(frame: Frame, urls: Urls, rest: list[str], missing: Exception) -> Found:
    nets = list(objects.vlans(frame))
    href = f"{urls.system()}/VirtualNetwork"
    if rest == ["quick", "All"]:
        return _json(lambda: [objects.vnet_quick(frame, urls, vs, v) for vs, v in nets])
    if rest:
        nets = [(vs, v) for vs, v in nets
                if uuids.vnet_uuid(frame.system, vs, v).lower() == rest[0].lower()]
        if len(rest) > 1 or not nets:
            raise missing
    def entries() -> list[x.Element]:
        return [_entry(objects.virtual_network(frame, urls, vs, v),
                       uuids.vnet_uuid(frame.system, vs, v),
                       f"{href}/{uuids.vnet_uuid(frame.system, vs, v)}") for vs, v in nets]

    if rest:
        return Found(lambda: x.to_bytes(entries()[0]))
    return Found(lambda: x.to_bytes(x.feed(entries(), feed_id=urls.sys_uuid, self_href=href)))


# ---------------------------------------------------------------- helpers

def partition_by_uuid(frame: Frame, text: str, vios: bool | None = None) -> Partition | None:
    """The partition with UUID `text` (any case); of the kind asked when `vios` is given."""
    p = uuids.partition_index(frame).get(text.upper())
    return p if p is not None and vios in (None, p.is_vios) else None


def _search(expr: str, missing: Exception) -> tuple[str, str]:
    m = SEARCH.match(expr)
    if m is None:
        raise missing
    return m.group(1), m.group(3)


def _entry(obj: x.Element, uuid: str, href: str) -> x.Element:
    kind = x.local(obj.tag)
    return x.entry(obj, uuid=uuid, self_href=href, content_type=x.UOM_TYPE.format(kind),
                   etag=x.object_etag(obj))


def _one(make: Callable[[], x.Element], uuid: str, href: str, *, feed: bool = False,
         empty: bool = False) -> Found:
    """One object, as an entry or as a feed of one entry (an empty feed when `empty`)."""
    def render() -> bytes | tuple[bytes, str]:
        if empty:
            return b""
        obj = make()
        node = _entry(obj, uuid, href if not feed else f"{href}/{uuid}")
        if feed:
            return x.to_bytes(x.feed([node], feed_id=uuid, self_href=href))
        return x.to_bytes(node), x.object_etag(obj)
    return Found(render)


def _json(make: Callable[[], Any]) -> Found:
    return Found(lambda: json.dumps(make(), indent=1).encode(), json=True)
