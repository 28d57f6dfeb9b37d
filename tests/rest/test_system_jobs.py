"""Managed-system power jobs (PowerOn_ManagedSystem / PowerOff_ManagedSystem), job cancel
(pypowervm's POST jobs/{id}/cancel) and the job table's cap and expiry."""

from __future__ import annotations

import asyncio
import time

import pytest
from lxml import etree

from engine.store import demo_hmc
from hmc_tui.rest import uuids
from hmc_tui.rest.errors import RestError
from hmc_tui.rest.jobs import JobTable
from tests.rest.conftest import Rest, RestFactory
from tests.rest.test_errors import JOB_TYPE, WEB, call, error, job_request


def _system_path(rest: Rest, op: str) -> str:
    system = rest.engine.snapshot().frame.system
    return f"/rest/api/uom/ManagedSystem/{uuids.system_uuid(system)}/do/{op}"


def _job(text: str) -> tuple[str, str, dict[str, str]]:
    root = etree.fromstring(text.encode())
    results = root.find(f".//{WEB}Results")
    assert results is not None, text
    return (root.findtext(f".//{WEB}JobID") or "", root.findtext(f".//{WEB}Status") or "",
            {p.findtext(f"{WEB}ParameterName") or "": p.findtext(f"{WEB}ParameterValue") or ""
             for p in results.iter(f"{WEB}JobParameter")})


async def _put(rest: Rest, token: str, op: str, **params: str) -> tuple[str, str, dict[str, str]]:
    status, text = await call(rest, "PUT", _system_path(rest, op), token,
                              job_request(op, **params), **{"Content-Type": JOB_TYPE})
    assert status == 200, text
    return _job(text)


async def _poll(rest: Rest, token: str, job_id: str, seconds: float = 20.0
                ) -> tuple[str, dict[str, str]]:
    deadline = time.monotonic() + seconds
    while True:
        status, text = await call(rest, "GET", f"/rest/api/uom/jobs/{job_id}", token)
        assert status == 200, text
        _, state, results = _job(text)
        if state != "RUNNING" or time.monotonic() > deadline:
            return state, results
        await asyncio.sleep(0.1)


async def test_the_template_names_the_system_group(rest: Rest) -> None:
    async with rest.client() as http:
        t = await rest.logon(http, "view")
    status, text = await call(rest, "GET", _system_path(rest, "PowerOff"), t)
    assert status == 200
    root = etree.fromstring(text.encode())
    assert root.findtext(f".//{WEB}GroupName") == "ManagedSystem"
    assert [p.findtext(f"{WEB}ParameterName") for p in root.iter(f"{WEB}JobParameter")] == [
        "immediate", "restart"]
    status, text = await call(rest, "GET", _system_path(rest, "Migrate"), t)
    assert (status, error(text)[1]) == (
        400, "HSCL1369 The operation Migrate is not supported on ManagedSystem.")
    status, _ = await call(rest, "GET", "/rest/api/uom/ManagedSystem/"
                           "00000000-0000-0000-0000-000000000000/do/PowerOn", t)
    assert status == 404


async def test_refusals_are_the_clis(rest: Rest) -> None:
    async with rest.client() as http:
        view, oper = await rest.logon(http, "view"), await rest.logon(http, "oper")
    _, state, results = await _put(rest, view, "PowerOff", immediate="true")
    assert (state, results["returnCode"]) == ("COMPLETED_WITH_ERROR", "1")
    assert results["result"] == ("HSCL350B The user view does not have the appropriate "
                                 "authority to perform partition and system power tasks.")
    frame = rest.engine.snapshot().frame
    active = [p.name for p in frame.partitions if p.active]
    _, state, results = await _put(rest, oper, "PowerOff")
    assert state == "COMPLETED_WITH_ERROR"
    assert results["result"].startswith(
        f"HSCL1220 The managed system {frame.system.name} cannot be powered off: "
        f"{len(active)} partition(s) are ")
    _, state, results = await _put(rest, oper, "PowerOn")  # it is Operating already
    assert state == "COMPLETED_WITH_ERROR" and results["result"].startswith("HSCL0B07")
    _, state, results = await _put(rest, oper, "PowerOff", force="yes")
    assert results["result"] == ("HSCL1365 The request is not valid: job parameter force "
                                 "must be true or false")
    _, state, results = await _put(rest, oper, "PowerOn", operation="hyper")
    assert results["result"] == ("HSCL1369 The operation PowerOn operation=hyper is not "
                                 "supported on ManagedSystem.")
    assert rest.engine.snapshot().frame.system.state == "Operating"


async def test_forced_power_off_then_power_on_wait_for_the_state(
        make_rest: RestFactory) -> None:
    rest = await make_rest(speed=30.0)  # power on: 60 engine s = 2 s
    async with rest.client() as http:
        t = await rest.logon(http, "oper")
    job_id, state, _ = await _put(rest, t, "PowerOff", immediate="true", force="true")
    state, results = await _poll(rest, t, job_id)
    snap = rest.engine.snapshot()
    assert (state, results["returnCode"]) == ("COMPLETED_OK", "0")
    assert snap.frame.system.state == "Power Off"
    assert not any(p.active for p in snap.frame.partitions)
    job_id, state, _ = await _put(rest, t, "PowerOn", operation="onstandby")
    state, _ = await _poll(rest, t, job_id)
    assert state == "COMPLETED_OK"
    assert rest.engine.snapshot().frame.system.state == "Standby"
    ops = [(e.user, e.op, e.ok) for e in rest.engine.snapshot().events if e.user == "oper"]
    assert ops == [("oper", "system_off", True), ("oper", "system_on", True)]


async def test_power_off_with_restart_ends_operating(make_rest: RestFactory) -> None:
    rest = await make_rest(speed=40.0)
    async with rest.client() as http:
        t = await rest.logon(http)
    job_id, _, _ = await _put(rest, t, "PowerOff", immediate="true", force="true",
                              restart="true")
    state, _ = await _poll(rest, t, job_id)
    assert state == "COMPLETED_OK"
    assert rest.engine.snapshot().frame.system.state == "Operating"
    ops = [e.op for e in rest.engine.snapshot().events if e.user == "hscroot"]
    assert ops == ["system_off", "system_on"]


async def test_cancel_ends_a_running_job_and_the_power_off_goes_on(rest: Rest) -> None:
    async with rest.client() as http:
        oper, other = await rest.logon(http, "oper"), await rest.logon(http, "view")
    # Delayed power-off: 20 engine seconds at real time, so still RUNNING at the answer.
    job_id, state, _ = await _put(rest, oper, "PowerOff", force="true")
    assert state == "RUNNING"
    cancel = f"/rest/api/uom/jobs/{job_id}/cancel"
    assert (await call(rest, "POST", cancel, other))[0] == 404  # not the viewer's job
    status, text = await call(rest, "POST", cancel, oper)
    assert (status, text) == (200, "")
    status, text = await call(rest, "GET", f"/rest/api/uom/jobs/{job_id}", oper)
    _, state, results = _job(text)
    assert (state, results) == ("COMPLETED_WITH_ERROR", {
        "returnCode": "1",
        "result": f"HSCL1370 The job {job_id} was canceled by oper; what it had already "
                  "started in the managed system goes on."})
    assert rest.engine.snapshot().frame.system.state == "Power Off In Progress"
    status, text = await call(rest, "POST", cancel, oper)
    assert (status, error(text)[1]) == (409, f"HSCL1371 The job {job_id} has already ended "
                                             "(COMPLETED_WITH_ERROR); it cannot be canceled.")
    assert (await call(rest, "DELETE", f"/rest/api/uom/jobs/{job_id}", oper))[0] == 204
    assert (await call(rest, "POST", cancel, oper))[0] == 404


def test_the_job_table_drops_finished_jobs_by_age_and_count_never_running_ones() -> None:
    table = JobTable(keep=60.0, max_jobs=3)

    def new() -> int:
        return table.new(operation="PowerOn", group="ManagedSystem", target="x",
                         request_url="u", params=[], user="u").id

    async def fill() -> None:
        first, second = new(), new()
        table.get(first).finish("COMPLETED_OK", [])  # type: ignore[union-attr]
        third = new()
        fourth = new()  # full: the finished one goes, the running ones stay
        assert table.get(first) is None and len(table) == 3
        with pytest.raises(RestError) as refused:
            new()
        assert refused.value.status == 503
        assert refused.value.message == ("HSCL1373 Too many jobs are running (3); wait for "
                                         "one to end and try again.")
        for job_id in (second, third):
            table.get(job_id).finish("COMPLETED_OK", [])  # type: ignore[union-attr]
            table.get(job_id).completed -= 61.0  # type: ignore[union-attr]
        table.prune()
        assert len(table) == 1 and table.get(fourth) is not None

    asyncio.run(fill())


async def test_a_job_on_the_second_system_powers_that_one_only(make_rest: RestFactory) -> None:
    rest = await make_rest(demo_hmc(), speed=40.0)  # type: ignore[arg-type]
    frames = rest.engine.snapshot().frames
    second = frames[1].system
    async with rest.client() as http:
        t = await rest.logon(http)
    status, text = await call(rest, "PUT", f"/rest/api/uom/ManagedSystem/"
                              f"{uuids.system_uuid(second)}/do/PowerOff", t,
                              job_request("PowerOff", immediate="true", force="true"),
                              **{"Content-Type": JOB_TYPE})
    assert status == 200
    job_id, _, _ = _job(text)
    assert (await _poll(rest, t, job_id))[0] == "COMPLETED_OK"
    after = rest.engine.snapshot()
    assert [f.system.state for f in after.frames] == ["Operating", "Power Off"]
    assert [(e.op, e.system) for e in after.events if e.user == "hscroot"] == [
        ("system_off", second.name)]


def test_a_canceled_job_keeps_its_end_when_the_late_result_comes() -> None:
    async def go() -> None:
        table = JobTable()
        job = table.new(operation="PowerOn", group="LogicalPartition", target="x",
                        request_url="u", params=[], user="oper")
        job.cancel("oper")
        job.finish("COMPLETED_OK", [("returnCode", "0")])  # the engine's answer, too late
        assert (job.status, job.results[0]) == ("COMPLETED_WITH_ERROR", ("returnCode", "1"))

    asyncio.run(go())


def _lpar_path(rest: Rest, name: str, op: str) -> str:
    frame = rest.engine.snapshot().frame
    p = frame.partition(name)
    assert p is not None
    return f"/rest/api/uom/LogicalPartition/{uuids.partition_uuid(frame.system, p)}/do/{op}"


async def test_a_partition_power_off_runs_until_down_and_can_be_canceled(rest: Rest) -> None:
    async with rest.client() as http:
        t = await rest.logon(http, "oper")
    # An OS shutdown takes 30 s at real time: the job is still RUNNING at the answer.
    status, text = await call(rest, "PUT", _lpar_path(rest, "dev01", "PowerOff"), t,
                              job_request("PowerOff", operation="osshutdown"),
                              **{"Content-Type": JOB_TYPE})
    job_id, state, _ = _job(text)
    assert (status, state) == (200, "RUNNING")
    assert (await call(rest, "POST", f"/rest/api/uom/jobs/{job_id}/cancel", t))[0] == 200
    state, results = await _poll(rest, t, job_id)
    assert (state, results["result"]) == ("COMPLETED_WITH_ERROR", (
        f"HSCL1370 The job {job_id} was canceled by oper; what it had already started in "
        "the managed system goes on."))
    p = rest.engine.snapshot().frame.partition("dev01")
    assert p is not None and p.state == "Shutting Down"


async def test_a_partition_power_off_with_restart_ends_once_it_starts_again(
        make_rest: RestFactory) -> None:
    rest = await make_rest(speed=10.0)
    async with rest.client() as http:
        t = await rest.logon(http)
    _, text = await call(rest, "PUT", _lpar_path(rest, "dev01", "PowerOff"), t,
                         job_request("PowerOff", immediate="true", restart="true"),
                         **{"Content-Type": JOB_TYPE})
    state, _ = await _poll(rest, t, _job(text)[0])
    assert state == "COMPLETED_OK"
    p = rest.engine.snapshot().frame.partition("dev01")
    assert p is not None and p.active
    assert [e.op for e in rest.engine.snapshot().events if e.user == "hscroot"] == ["shutdown"]
