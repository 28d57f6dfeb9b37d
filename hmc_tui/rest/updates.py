"""Updates: `POST` of an edited LogicalPartition (or VirtualIOServer) with `If-Match`, as
pypowervm's `wrapper.update()` and the Ansible collection's DLPAR module send it.

The body is compared with the partition as it is now, and each difference becomes the
engine operation the HMC would run for it, with the REST user as actor: on an active
partition a change of desired processing units, virtual processors or memory is a DLPAR
(chhwres), of the uncapped weight a weight change; on a partition that is not activated
the same fields and SharingMode change its default profile (chsyscfg -r prof); a new
SharedProcessorPoolID moves it to that pool; a new PartitionName renames it. An
`If-Match` that is not the object's current ETag gets 412 (HSCL1367) and changes
nothing; fields we do not model are ignored, as read-only fields are by the HMC.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from aiohttp import web

from engine import ops
from engine.errors import HmcError
from engine.lifecycle import DLPAR_SECONDS
from engine.model import Frame, Partition
from engine.roles import Actor
from engine.service import Engine
from engine.snapshot import Snapshot
from hmc_tui.rest import objects, systems, uuids, vios_storage_updates
from hmc_tui.rest import xml as x
from hmc_tui.rest.auth import require_session
from hmc_tui.rest.context import CTX_KEY
from hmc_tui.rest.errors import RestError, rest_error
from hmc_tui.rest.uom import PREFIX, base_url

log = logging.getLogger(__name__)


def routes() -> list[web.RouteDef]:
    one = "/{kind:LogicalPartition|VirtualIOServer}/{uuid}"
    return [web.post(PREFIX + one, update),
            web.post(PREFIX + "/ManagedSystem/{sys}" + one, update),
            web.delete(PREFIX + one, delete),
            web.delete(PREFIX + "/ManagedSystem/{sys}" + one, delete)]


def current_etag(frame: Frame, base: str, p: Partition) -> str:
    return x.object_etag(objects.partition(frame, objects.Urls(base, frame), p))


def _target(request: web.Request) -> tuple[Snapshot, Frame, Partition]:
    """The partition the URL names and its managed system (under /ManagedSystem/{uuid} only
    that system's; at the root whichever holds it); 404 otherwise."""
    snap = request.app[CTX_KEY].engine.snapshot()
    sys_uuid = request.match_info.get("sys")
    frame = systems.by_uuid(snap, sys_uuid) if sys_uuid is not None else None
    found = None if sys_uuid is not None and frame is None else systems.partition(
        snap, request.match_info["uuid"], request.match_info["kind"] == "VirtualIOServer",
        frame)
    if found is None:
        raise rest_error(404, "HSCL1364", uri=request.path)
    return snap, *found


async def update(request: web.Request) -> web.Response:
    session = require_session(request)
    ctx = request.app[CTX_KEY]
    base = base_url(request)
    kind = request.match_info["kind"]
    snap, frame, p = _target(request)
    etag = current_etag(frame, base, p)
    wanted = request.headers.get("If-Match")
    if wanted is not None and wanted.strip('"') != etag:
        raise rest_error(412, "HSCL1367", kind=f"partition {p.name}", etag=etag)
    try:
        doc = x.parse(await request.read(), kind)
    except x.BadXml as exc:
        raise rest_error(400, "HSCL1365", reason=str(exc)) from None
    try:
        operations = changes(frame, p, doc, systems.key(snap, frame))
    except HmcError as exc:
        raise RestError(400, exc) from None
    await _apply(ctx.engine, operations, session.actor)
    log.info("REST update of %s by %s: %d operation(s)", p.name, session.user, len(operations))
    frame = ctx.engine.snapshot().system(frame.mtms)  # the same system, as it is now
    now = frame.partition(p.id) or p
    urls = objects.Urls(base, frame)
    obj = objects.partition(frame, urls, now)
    body = x.to_bytes(x.entry(obj, uuid=uuids.partition_uuid(frame.system, now),
                              self_href=urls.lpar(now),
                              content_type=x.UOM_TYPE.format(kind)))
    return web.Response(body=body, headers={"Content-Type": x.ATOM_TYPE,
                                            "ETag": x.object_etag(obj)})


async def delete(request: web.Request) -> web.Response:
    """DELETE of a partition (the Ansible collection's deleteLogicalPartition): rmsyscfg as
    the REST user; its VIOS adapters stay, as without --vioscfg. 204 when gone."""
    session = require_session(request)
    ctx = request.app[CTX_KEY]
    snap, frame, p = _target(request)
    wanted = request.headers.get("If-Match")
    etag = current_etag(frame, base_url(request), p)
    if wanted is not None and wanted.strip('"') != etag:
        raise rest_error(412, "HSCL1367", kind=f"partition {p.name}", etag=etag)
    await _apply(ctx.engine, [ops.build({"op": "delete_lpar", "lpar": p.name,
                                         "system": systems.key(snap, frame)})],
                 session.actor)
    log.info("REST delete of %s by %s", p.name, session.user)
    return web.Response(status=204)


async def _apply(engine: Engine, operations: list[ops.Operation], actor: Actor) -> None:
    """Run the operations in order. The HMC queues the steps of one change: a DLPAR waits
    until the one before it has finished (DLPAR_SECONDS of engine time) instead of being
    refused as overlapping."""
    loop = asyncio.get_running_loop()
    ready = 0.0  # loop time at which the last DLPAR has finished
    for operation in operations:
        dlpar = operation.task == "dlpar"
        if dlpar and ready > loop.time():
            await asyncio.sleep(ready - loop.time())
        try:
            result = await asyncio.to_thread(engine.execute, operation, actor)
        except HmcError as exc:
            raise RestError(403 if exc.code == "HSCL350B" else 400, exc) from None
        if not result.ok:
            raise RestError(403 if result.code == "HSCL350B" else 400, str(result))
        if dlpar:
            speed = engine.snapshot().clock.speed or 1.0
            ready = loop.time() + DLPAR_SECONDS / speed + 0.05


def _number(doc: x.Element, path: tuple[str, ...], kind: type) -> Any:
    text = x.find_text(doc, *path)
    if text is None or text == "":
        return None
    try:
        return kind(text)
    except ValueError:
        raise HmcError("HSCL1365", reason=f"{'/'.join(path)} is not a number: {text!r}"
                       ) from None


PROC = ("PartitionProcessorConfiguration",)
SHARED = (*PROC, "SharedProcessorConfiguration")
DEDICATED = (*PROC, "DedicatedProcessorConfiguration")
MEMORY = ("PartitionMemoryConfiguration",)


SHARING = {text: mode for mode, text in objects.SHARING_MODES.items()}


def changes(frame: Frame, p: Partition, doc: x.Element, system: str = ""
            ) -> list[ops.Operation]:
    """The engine operations that turn `p` (on managed system `system`, "" = the only one)
    into what `doc` describes."""
    want = objects.wanted(p)
    out: list[ops.Operation] = []
    mode_text = x.find_text(doc, *PROC, "SharingMode")
    if mode_text and mode_text not in SHARING:
        raise HmcError("HSCL1365", reason=f"SharingMode {mode_text!r} is not one of "
                       f"{', '.join(SHARING)}")
    mode = SHARING.get(mode_text or "", want.sharing_mode)
    pool = _number(doc, (*SHARED, "SharedProcessorPoolID"), int) if want.shared else None
    if pool is not None and pool != want.shared_proc_pool_id:
        if frame.pool(pool) is None:
            raise HmcError("HSCL1365", reason=f"there is no shared processor pool {pool}")
        out.append(ops.build({"op": "move_pool", "lpar": p.name,
                              "pool": frame.pools[pool].name}))
    name = x.find_text(doc, "PartitionName")
    units = _number(doc, (*SHARED, "DesiredProcessingUnits"), float) if want.shared else None
    procs = _number(doc, (*(SHARED if want.shared else DEDICATED),
                          "DesiredVirtualProcessors" if want.shared else "DesiredProcessors"),
                    int)
    weight = _number(doc, (*SHARED, "UncappedWeight"), int) if want.shared else None
    mem = _number(doc, (*MEMORY, "DesiredMemory"), int)
    d_units = round(units - (want.desired_proc_units or 0.0), 2) if units is not None else 0.0
    d_procs = procs - want.desired_procs if procs is not None else 0
    d_mem = mem - want.desired_mem if mem is not None else 0
    changed_weight = weight is not None and weight != want.uncap_weight
    if p.current is not None:
        if mode != want.sharing_mode:  # chhwres cannot change it on a running partition
            raise HmcError("HSCL1369", op="a change of SharingMode",
                           kind=f"the running partition {p.name} (change its profile)")
        out += _dlpar_procs(p.name, d_units, d_procs)
        if d_mem:
            out.append(ops.build({"op": "dlpar_mem", "lpar": p.name,
                                  "action": "add" if d_mem > 0 else "remove", "mem": abs(d_mem)}))
        if changed_weight:
            out.append(ops.build({"op": "set_weight", "lpar": p.name, "uncap_weight": weight}))
    elif d_units or d_procs or d_mem or changed_weight or mode != want.sharing_mode:
        if p.configured is not None:
            raise HmcError("HSCL1369", op="a change of the current configuration",
                           kind=f"the inactive partition {p.name}")
        fields: dict[str, object] = {}
        if d_units:
            fields["desired_proc_units"] = units
        if d_procs:
            fields["desired_procs"] = procs
        if d_mem:
            fields["desired_mem"] = mem
        if changed_weight:
            fields["uncap_weight"] = weight
        if mode != want.sharing_mode:
            fields["sharing_mode"] = mode
        out.append(ops.build({"op": "change_profile", "lpar": p.name,
                              "profile": p.default_profile, "changes": fields}))
    if p.is_vios:  # its storage mappings (the groups the client read and posted back)
        out += vios_storage_updates.changes(frame, p, doc)
    if name and name != p.name:
        last = p.name
        out = [*out, ops.build({"op": "change_lpar", "lpar": last, "new_name": name})]
    # Every step acts on the partition's own system (a plain str field: no revalidation).
    return [o.model_copy(update={"system": system}) for o in out] if system else out


def _dlpar_procs(lpar: str, d_units: float, d_procs: int) -> list[ops.Operation]:
    """chhwres -r proc for the change; two operations when units and virtual processors
    move in opposite directions, virtual processors added first or removed last so that
    every step keeps units <= virtual processors."""
    def op(units: float, procs: int) -> ops.Operation:
        sign = units or procs
        data: dict[str, object] = {"op": "dlpar_proc", "lpar": lpar,
                                   "action": "add" if sign > 0 else "remove"}
        if units:
            data["proc_units"] = abs(units)
        if procs:
            data["procs"] = abs(procs)
        return ops.build(data)

    if not d_units and not d_procs:
        return []
    if d_units * d_procs >= 0:
        return [op(d_units, d_procs)]
    if d_procs > 0:
        return [op(0.0, d_procs), op(d_units, 0)]
    return [op(d_units, 0), op(0.0, d_procs)]
