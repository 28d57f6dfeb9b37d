"""Managed-system power jobs: `GET/PUT /rest/api/uom/ManagedSystem/{uuid}/do/PowerOn` and
`.../do/PowerOff` (IBM's PowerOn_ManagedSystem and PowerOff_ManagedSystem jobs).

Each is the engine operation the console's `M` screen and `chsysstate -r sys` use
(system_on, system_off) with the REST user as actor, so roles are the CLI's (a viewer's
job ends COMPLETED_WITH_ERROR with HSCL350B) and a power-off while partitions run is
refused with HSCL1220 unless the job asks `force=true`. Unlike a partition's jobs, which
end when the engine has applied the operation, these stay RUNNING until the system reaches
the state asked (Operating or Standby; Power Off, then Operating again with restart=true),
as the HMC's do: a client may cancel one (jobs.py), which stops the waiting, not the power
sequence already under way.

PowerOn parameters: `operation` = `on` (the default) or `onstandby`.
PowerOff parameters: `immediate` (fast power-off), `restart` (power on again once off),
`force` (ours, `chsysstate --force`: shut the active partitions down immediately first).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging

from aiohttp import web

from engine import ops
from engine.errors import HmcError
from engine.model import Frame
from engine.roles import Actor
from engine.service import Engine
from hmc_tui.rest import systems, uuids
from hmc_tui.rest import xml as x
from hmc_tui.rest.auth import require_session
from hmc_tui.rest.context import CTX_KEY
from hmc_tui.rest.errors import rest_error
from hmc_tui.rest.jobs import (
    ANSWER_WAIT,
    OPERATIONS,
    Job,
    _job_request,
    _job_response,
    _start,
    job_flag,
    job_parameters,
    watch,
)
from hmc_tui.rest.uom import PREFIX

log = logging.getLogger(__name__)

GROUP = "ManagedSystem"
POWER_ON = {"on": False, "onstandby": True}  # operation= -> standby


def routes() -> list[web.RouteDef]:
    path = PREFIX + "/ManagedSystem/{sys}/do/{op}"
    return [web.get(path, template), web.put(path, run)]


def _system(request: web.Request) -> tuple[Frame, str, str]:
    """The managed system the URL names, the operation, and the `system` key ops carry."""
    snap = request.app[CTX_KEY].engine.snapshot()
    frame = systems.by_uuid(snap, request.match_info["sys"])
    if frame is None:
        raise rest_error(404, "HSCL1364", uri=request.path)
    op = request.match_info["op"]
    if op not in OPERATIONS:
        raise rest_error(400, "HSCL1369", op=op, kind=GROUP)
    return frame, op, systems.key(snap, frame)


async def template(request: web.Request) -> web.Response:
    require_session(request)
    _, op, _ = _system(request)
    params = [("operation", "on")] if op == "PowerOn" else [("immediate", "false"),
                                                            ("restart", "false")]
    body = x.to_bytes(x.entry(_job_request(op, GROUP, params), uuid=uuids.job_uuid(0),
                              self_href="", content_type=x.WEB_TYPE.format("JobRequest")))
    return web.Response(body=body, headers={"Content-Type": x.ATOM_TYPE})


def build_operation(op: str, params: list[tuple[str, str]], system: str) -> ops.Operation:
    """The engine operation a ManagedSystem job asks for; HmcError for a bad parameter."""
    values = dict(params)
    if op == "PowerOn":
        operation = values.get("operation", "on")
        if operation not in POWER_ON:
            raise HmcError("HSCL1369", op=f"PowerOn operation={operation}", kind=GROUP)
        return ops.PowerOnSystem(standby=POWER_ON[operation], system=system)
    for name in ("immediate", "restart", "force"):
        job_flag(values, name)  # every flag checked before anything runs
    return ops.PowerOffSystem(immediate=job_flag(values, "immediate"),
                              force=job_flag(values, "force"), system=system)


async def run(request: web.Request) -> web.Response:
    session = require_session(request)
    ctx = request.app[CTX_KEY]
    assert ctx.jobs is not None
    frame, op, system = _system(request)
    params = await job_parameters(request, op)
    sys_uuid = uuids.system_uuid(frame.system)
    job = ctx.jobs.new(operation=op, group=GROUP, target=sys_uuid,
                       request_url=f"{GROUP}/{sys_uuid}/do/{op}", params=params,
                       user=session.user)
    try:
        operation = build_operation(op, params, system)
    except HmcError as exc:
        job.finish("COMPLETED_WITH_ERROR", [("returnCode", "1"), ("result", str(exc))])
        return _job_response(request, job)
    log.info("REST job %d: %s %s for %s", job.id, op, frame.system.name, session.user)
    restart = op == "PowerOff" and job_flag(dict(params), "restart")
    want = ("Standby",) if getattr(operation, "standby", False) else \
        ("Operating",) if op == "PowerOn" else ("Power Off",)

    def applied() -> None:  # on the loop, once the engine has applied the operation
        _wait(ctx.engine, sys_uuid, job, want, session.actor, system, restart)

    _start(ctx.engine, operation, session.actor, job, then=applied)
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(job.done.wait(), ANSWER_WAIT)
    return _job_response(request, job)


def _wait(engine: Engine, sys_uuid: str, job: Job, want: tuple[str, ...], actor: Actor,
          system: str, restart: bool) -> None:
    """Until the system is in a `want` state: then the job ends COMPLETED_OK (or, with
    `restart`, powers on again and waits for Operating). Power Off while powering on, or
    Error, ends it with HSCL1374."""

    def read() -> str | None:
        frame = systems.by_uuid(engine.snapshot(), sys_uuid)
        return frame.system.state if frame is not None else None

    def refusal(state: str | None) -> HmcError | None:
        if state in (None, "Error") or (state == "Power Off" and "Power Off" not in want):
            frame = systems.by_uuid(engine.snapshot(), sys_uuid)
            return HmcError("HSCL1374", name=frame.system.name if frame else sys_uuid,
                            want=" or ".join(want), state=state or "removed")
        return None

    def power_on_again() -> None:
        _start(engine, ops.PowerOnSystem(system=system), actor, job,
               then=lambda: _wait(engine, sys_uuid, job, ("Operating",), actor, system, False))

    watch(job, read, lambda state: state in want, refusal, power_on_again if restart else None)
