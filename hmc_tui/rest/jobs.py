"""Jobs: `GET .../do/PowerOn` gives the JobRequest template, `PUT` runs it, and
`GET /rest/api/uom/jobs/{id}` is polled until the job is done.

A job is one engine operation with the REST user as actor (the engine authorises it, so a
viewer's PowerOn ends COMPLETED_WITH_ERROR with HSCL350B, as the HMC reports a refused
operation: pypowervm's recorded job_response_completed_failed.txt). The result parameters
are the HMC's: `returnCode` (0 or 1) and, on failure, `result` with the HSCL message, which
both pypowervm (get_job_message) and the Ansible collection (fetchJobStatus) read.
Finished jobs stay readable for `job_keep` seconds, or until the client DELETEs them;
at most `max_jobs` are kept. `POST .../jobs/{id}/cancel` (pypowervm's Job.cancel_job)
cancels a running one: it ends COMPLETED_WITH_ERROR with HSCL1370 (what it had started in
the engine stays done, as on the HMC). Managed-system jobs are in system_jobs.py.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import logging
import time
from collections import OrderedDict
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass, field

from aiohttp import web

from engine import ops
from engine.errors import HmcError
from engine.model import Frame, Partition
from engine.roles import Actor
from engine.service import Engine, OpResult
from hmc_tui.rest import systems, uuids
from hmc_tui.rest import xml as x
from hmc_tui.rest.auth import require_session
from hmc_tui.rest.context import CTX_KEY
from hmc_tui.rest.errors import rest_error
from hmc_tui.rest.uom import PARTITION_KINDS, PREFIX

log = logging.getLogger(__name__)

OPERATIONS = ("PowerOn", "PowerOff")
ANSWER_WAIT = 2.0  # seconds the PUT waits for the job to finish before answering RUNNING
JOB_TYPE = x.WEB_TYPE.format("JobResponse")


@dataclass
class Job:
    id: int
    operation: str
    group: str
    target: str  # the partition's UUID
    request_url: str  # relative, as the HMC writes it: LogicalPartition/{uuid}/do/PowerOn
    params: list[tuple[str, str]]
    user: str
    started: float = field(default_factory=time.time)
    completed: float = 0.0
    status: str = "RUNNING"
    results: list[tuple[str, str]] = field(default_factory=list)
    done: asyncio.Event = field(default_factory=asyncio.Event)
    waiter: asyncio.Task[None] | None = None  # a system job waiting for the state it asked

    def finish(self, status: str, results: list[tuple[str, str]]) -> None:
        if self.status != "RUNNING":  # canceled first: the late result is not its end
            return
        self.status = status
        self.results = results
        self.completed = time.time()
        self.done.set()

    def cancel(self, user: str) -> None:
        """End a running job as the HMC ends a canceled one; its waiter stops."""
        self.finish("COMPLETED_WITH_ERROR", [("returnCode", "1"), (
            "result", str(HmcError("HSCL1370", id=self.id, user=user)))])
        if self.waiter is not None:
            self.waiter.cancel()


class JobTable:
    """Jobs by id; ids are milliseconds since the epoch at creation, as the HMC's are."""

    def __init__(self, keep: float = 600.0, max_jobs: int = 1000) -> None:
        self.keep = keep
        self.max_jobs = max_jobs
        self._jobs: OrderedDict[int, Job] = OrderedDict()
        self._ids = itertools.count(int(time.time() * 1000))

    def __len__(self) -> int:
        return len(self._jobs)

    def new(self, *, operation: str, group: str, target: str, request_url: str,
            params: list[tuple[str, str]], user: str) -> Job:
        self.prune()
        if len(self._jobs) >= self.max_jobs:  # every one kept is still running
            raise rest_error(503, "HSCL1373", limit=self.max_jobs)
        job = Job(id=next(self._ids), operation=operation, group=group, target=target,
                  request_url=request_url, params=params, user=user)
        self._jobs[job.id] = job
        return job

    def get(self, job_id: int) -> Job | None:
        return self._jobs.get(job_id)

    def remove(self, job_id: int) -> None:
        self._jobs.pop(job_id, None)

    def prune(self) -> None:
        """Drop jobs finished over `keep` seconds ago, then the oldest finished ones while
        the table is full (running jobs are never dropped: a client is polling them)."""
        horizon = time.time() - self.keep
        for job in list(self._jobs.values()):
            if job.status != "RUNNING" and job.completed < horizon:
                del self._jobs[job.id]
        finished = (j.id for j in list(self._jobs.values()) if j.status != "RUNNING")
        while len(self._jobs) >= self.max_jobs and (oldest := next(finished, None)):
            del self._jobs[oldest]

    def cancel_all(self) -> None:
        """At shutdown: no waiter outlives the server."""
        for job in self._jobs.values():
            if job.waiter is not None:
                job.waiter.cancel()


def routes() -> list[web.RouteDef]:
    do = "/{kind:LogicalPartition|VirtualIOServer}/{uuid}/do/{op}"
    return [
        web.get(PREFIX + do, template),
        web.get(PREFIX + "/ManagedSystem/{sys}" + do, template),
        web.put(PREFIX + do, run),
        web.put(PREFIX + "/ManagedSystem/{sys}" + do, run),
        web.get(PREFIX + "/jobs/{id}", read),
        web.delete(PREFIX + "/jobs/{id}", delete),
        web.post(PREFIX + "/jobs/{id}/cancel", cancel),
        web.put(PREFIX + "/jobs/{id}/cancel", cancel),
    ]


def _target(request: web.Request) -> tuple[Frame, Partition, str, str, str]:
    """The partition the URL names, its system, the kind and operation, and the `system`
    the engine operation names ("" with one system)."""
    ctx = request.app[CTX_KEY]
    snap = ctx.engine.snapshot()
    kind, op = request.match_info["kind"], request.match_info["op"]
    sys_uuid = request.match_info.get("sys")
    missing = rest_error(404, "HSCL1364", uri=request.path)
    frame = systems.by_uuid(snap, sys_uuid) if sys_uuid is not None else None
    if sys_uuid is not None and frame is None:
        raise missing
    found = systems.partition(snap, request.match_info["uuid"], kind == "VirtualIOServer",
                              frame)
    if found is None:
        raise missing
    frame, p = found
    if op not in OPERATIONS:
        raise rest_error(400, "HSCL1369", op=op, kind=kind)
    assert kind in PARTITION_KINDS
    return frame, p, kind, op, systems.key(snap, frame)


async def template(request: web.Request) -> web.Response:
    """The JobRequest to fill in and PUT back (pypowervm's job_request_power_off.txt)."""
    require_session(request)
    _, _, kind, op, _ = _target(request)
    obj = _job_request(op, kind, [])
    body = x.to_bytes(x.entry(obj, uuid=uuids.job_uuid(0), self_href="",
                              content_type=x.WEB_TYPE.format("JobRequest")))
    return web.Response(body=body, headers={"Content-Type": x.ATOM_TYPE})


async def run(request: web.Request) -> web.Response:
    session = require_session(request)
    ctx = request.app[CTX_KEY]
    assert ctx.jobs is not None
    frame, p, kind, op, system = _target(request)
    params = await job_parameters(request, op)
    puuid = uuids.partition_uuid(frame.system, p)
    job = ctx.jobs.new(operation=op, group=kind, target=puuid,
                       request_url=f"{kind}/{puuid}/do/{op}", params=params, user=session.user)
    try:
        operation = build_operation(op, p, params, frame, system)
    except HmcError as exc:
        job.finish("COMPLETED_WITH_ERROR", [("returnCode", "1"), ("result", str(exc))])
    else:
        log.info("REST job %d: %s %s for %s", job.id, op, p.name, session.user)
        then = None
        if op == "PowerOff":  # the HMC's ends when the partition is down (pypowervm times
            # it out and escalates to an immediate shutdown): so may a client cancel it
            restart = getattr(operation, "restart", False)

            def then() -> None:
                watch_partition(ctx.engine, job, frame.system.name, puuid, p.name, restart)
        _start(ctx.engine, operation, session.actor, job, then)
        # The engine applies it at its next tick boundary: answering with the finished
        # job spares the client a poll (pypowervm sleeps 1 s before each).
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(job.done.wait(), ANSWER_WAIT)
    return _job_response(request, job)


async def job_parameters(request: web.Request, op: str) -> list[tuple[str, str]]:
    """The parameters of the request's JobRequest for `op`; 400 (HSCL1365) when the body is
    not one, or names another operation than the URL."""
    try:
        doc = x.parse(await request.read(), "JobRequest")
    except x.BadXml as exc:
        raise rest_error(400, "HSCL1365", reason=str(exc)) from None
    name = x.find_text(doc, "RequestedOperation", "OperationName")
    if name != op:
        raise rest_error(400, "HSCL1365", reason=f"the JobRequest's OperationName is {name!r}, "
                         f"the URL's operation is {op}")
    return _params(doc)


def _start(engine: Engine, operation: ops.Operation, actor: Actor, job: Job,
           then: Callable[[], None] | None = None) -> None:
    """Submit the operation; the job finishes when the engine has applied (or refused) it,
    or, with `then`, goes on with `then()` once it is applied."""
    loop = asyncio.get_running_loop()

    def finished(future: Future[OpResult]) -> None:  # on the event loop
        try:
            result = future.result()
        except HmcError as exc:
            job.finish("COMPLETED_WITH_ERROR", [("returnCode", "1"), ("result", str(exc))])
            return
        except Exception:
            log.exception("REST job %d failed", job.id)
            job.finish("FAILED", [("returnCode", "1"), ("result", str(HmcError("HSCL136C")))])
            return
        if result.ok and then is not None:
            if job.status == "RUNNING":
                then()
        elif result.ok:
            job.finish("COMPLETED_OK", [("returnCode", "0")])
        else:
            job.finish("COMPLETED_WITH_ERROR", [("returnCode", "1"), ("result", str(result))])

    if not engine.running:  # a stepped engine applies only when asked to (tests)
        async def now() -> None:
            future: Future[OpResult] = Future()
            try:
                future.set_result(await asyncio.to_thread(engine.execute, operation, actor))
            except Exception as exc:
                future.set_exception(exc)
            finished(future)
        task = loop.create_task(now())
        _TASKS.add(task)
        task.add_done_callback(_TASKS.discard)
        return
    future = engine.submit(operation, actor)

    def hop(fut: Future[OpResult]) -> None:  # engine thread
        with contextlib.suppress(RuntimeError):  # the loop closed during shutdown
            loop.call_soon_threadsafe(finished, fut)

    future.add_done_callback(hop)


_TASKS: set[asyncio.Task[None]] = set()
POLL = 0.1  # seconds between looks at the state a running job waits for


def watch(job: Job, read: Callable[[], str | None], reached: Callable[[str], bool],
          refusal: Callable[[str | None], HmcError | None],
          then: Callable[[], None] | None = None) -> None:
    """Wait (in `job.waiter`) until `read()` gives a state `reached` accepts: then `then()`,
    or the job ends COMPLETED_OK. A state `refusal` objects to (None: the object is gone)
    ends it COMPLETED_WITH_ERROR with that error; cancel stops the waiting."""

    async def wait() -> None:
        while job.status == "RUNNING":
            state = read()
            if state is not None and reached(state):
                if then is not None:
                    then()
                else:
                    job.finish("COMPLETED_OK", [("returnCode", "0")])
                return
            error = refusal(state)
            if error is not None:
                job.finish("COMPLETED_WITH_ERROR", [("returnCode", "1"), ("result", str(error))])
                return
            await asyncio.sleep(POLL)

    job.waiter = asyncio.get_running_loop().create_task(wait())


def watch_partition(engine: Engine, job: Job, system: str, puuid: str, name: str,
                    restart: bool) -> None:
    """A partition PowerOff job: done when the partition is Not Activated, or with restart
    when it has left Shutting Down (its activation has begun)."""

    def read() -> str | None:
        for frame in engine.snapshot().frames:
            p = uuids.partition_index(frame).get(puuid)
            if p is not None:
                return p.state
        return None

    def reached(state: str) -> bool:
        return state != "Shutting Down" if restart else state == "Not Activated"

    def refusal(state: str | None) -> HmcError | None:
        if state in (None, "Error"):
            return HmcError("HSCL1375", name=name, system=system,
                            state=state or "removed")
        return None

    watch(job, read, reached, refusal)


def _params(doc: x.Element) -> list[tuple[str, str]]:
    found = []
    params = next((c for c in doc if x.local(c.tag) == "JobParameters"), None)
    for param in params if params is not None else []:
        if x.local(param.tag) == "JobParameter":
            found.append((x.find_text(param, "ParameterName") or "",
                          x.find_text(param, "ParameterValue") or ""))
    return found


POWER_OFF = {("shutdown", False): "delayed", ("shutdown", True): "immediate",
             ("osshutdown", False): "os", ("osshutdown", True): "os_immediate"}


def job_flag(values: dict[str, str], name: str) -> bool:
    """A true/false job parameter (absent: false); HmcError for any other value."""
    value = values.get(name, "false").lower()
    if value not in ("true", "false"):
        raise HmcError("HSCL1365", reason=f"job parameter {name} must be true or false")
    return value == "true"


def build_operation(op: str, p: Partition, params: list[tuple[str, str]], frame: Frame,
                    system: str = "") -> ops.Operation:
    """The engine operation a PowerOn/PowerOff JobRequest asks for, on managed system
    `system` ("" = the only one); HmcError when a parameter is not one the HMC takes."""
    values = dict(params)

    def flag(name: str) -> bool:
        return job_flag(values, name)

    if op == "PowerOn":
        data: dict[str, object] = {"op": "activate", "lpar": p.name, "system": system}
        if "LogicalPartitionProfile" in values:
            want = values["LogicalPartitionProfile"].lower()
            prof = next((q for q in p.profiles
                         if uuids.profile_uuid(frame.system, p, q) == want), None)
            if prof is None:
                raise HmcError("HSCL1365", reason=f"no profile {want} for {p.name}")
            data["profile"] = prof.name
        for name, key in (("bootmode", "boot_mode"), ("keylock", "keylock"),
                          ("iIPLsource", "ipl_source")):
            if name in values:
                data[key] = values[name]
        flag("force")
        return _build(data)
    operation = values.get("operation", "shutdown")
    option = POWER_OFF.get((operation, flag("immediate")))
    if option is None:
        raise HmcError("HSCL1369", op=f"PowerOff operation={operation}", kind=p.name)
    return _build({"op": "shutdown", "lpar": p.name, "option": option,
                   "restart": flag("restart"), "system": system})


def _build(data: dict[str, object]) -> ops.Operation:
    try:
        return ops.build(data)
    except HmcError:
        raise
    except Exception as exc:  # a parameter value the operation's model refuses
        raise HmcError("HSCL1365", reason=f"job parameters not valid: {exc}") from None


def _job_request(op: str, group: str, params: list[tuple[str, str]]) -> x.Element:
    obj = x.element("JobRequest", x.WEB_NS)
    _operation(obj, op, group, params)
    return obj


def _operation(parent: x.Element, op: str, group: str, params: list[tuple[str, str]]) -> None:
    req = x.child(parent, "RequestedOperation")
    x.leaf(req, "OperationName", op)
    x.leaf(req, "GroupName", group)
    x.leaf(req, "ProgressType", "DISCRETE")
    jp = x.child(parent, "JobParameters")
    _parameters(jp, params)


def _parameters(parent: x.Element, params: list[tuple[str, str]]) -> None:
    for name, value in params:
        one = x.child(parent, "JobParameter")
        x.leaf(one, "ParameterName", name)
        x.leaf(one, "ParameterValue", value, kb="CUR")


def job_xml(job: Job, base: str) -> bytes:
    obj = x.element("JobResponse", x.WEB_NS)
    node = x.leaf(obj, "RequestURL", "")
    node.text = None
    node.attrib.update({"href": job.request_url, "rel": "via",
                        "title": "The URL to which the JobRequest was submitted."})
    x.leaf(obj, "TargetUuid", job.target)
    x.leaf(obj, "JobID", job.id)
    x.leaf(obj, "TimeStarted", int(job.started * 1000))
    x.leaf(obj, "TimeCompleted", int(job.completed * 1000))
    x.leaf(obj, "Status", job.status)
    instance = x.child(obj, "JobRequestInstance")
    _operation(instance, job.operation, job.group, job.params)
    results = x.child(obj, "Results")
    _parameters(results, job.results)
    return x.to_bytes(x.entry(obj, uuid=uuids.job_uuid(job.id),
                              self_href=f"{base}/jobs/{job.id}", content_type=JOB_TYPE))


def _job_response(request: web.Request, job: Job) -> web.Response:
    base = f"{request.scheme}://{request.host}{PREFIX}"
    return web.Response(body=job_xml(job, base), headers={"Content-Type": x.ATOM_TYPE})


def _job(request: web.Request) -> Job:
    """The job named in the URL, if the session's user started it (an hmcsuperadmin may
    read anyone's): others' jobs are 404, as if they did not exist."""
    session = require_session(request)
    ctx = request.app[CTX_KEY]
    assert ctx.jobs is not None
    text = request.match_info["id"]
    job = ctx.jobs.get(int(text)) if text.isdecimal() else None
    if job is None or (job.user != session.user and session.role != "hmcsuperadmin"):
        raise rest_error(404, "HSCL1368", id=text)
    return job


async def read(request: web.Request) -> web.Response:
    return _job_response(request, _job(request))


async def cancel(request: web.Request) -> web.Response:
    """pypowervm's cancel_job (a POST with no body, answered 200 without one), then it polls
    the job until it is no longer RUNNING and deletes it. A finished job: 409, HSCL1371."""
    job = _job(request)
    session = require_session(request)
    if job.status != "RUNNING":
        raise rest_error(409, "HSCL1371", id=job.id, status=job.status)
    log.info("REST job %d (%s) canceled by %s", job.id, job.operation, session.user)
    job.cancel(session.user)
    return web.Response(status=200)


async def delete(request: web.Request) -> web.Response:
    job = _job(request)
    if job.status == "RUNNING":
        raise rest_error(409, "HSCL1365", reason=f"the job {job.id} is still running")
    request.app[CTX_KEY].jobs.remove(job.id)  # type: ignore[union-attr]
    return web.Response(status=204)
