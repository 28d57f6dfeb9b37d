"""PowerOn parameters as the Ansible collection sends them (poweronPartition: force, novsi,
bootmode, keylock, LogicalPartitionProfile by UUID) and refusals of bad values."""

from __future__ import annotations

from lxml import etree

from hmc_tui.rest import uuids
from tests.rest.conftest import Rest, RestFactory
from tests.rest.test_errors import JOB_TYPE, WEB, call, job_request


def _results(text: str) -> tuple[str, dict[str, str]]:
    root = etree.fromstring(text.encode())
    results = root.find(f".//{WEB}Results")
    assert results is not None, text
    return root.findtext(f".//{WEB}Status") or "", {
        p.findtext(f"{WEB}ParameterName") or "": p.findtext(f"{WEB}ParameterValue") or ""
        for p in results.iter(f"{WEB}JobParameter")}


async def test_power_on_with_a_profile_uuid_and_sms_boot(rest: Rest) -> None:
    frame = rest.engine.snapshot().frame
    p = frame.partition("sandbox01")
    assert p is not None
    prof = p.profiles[0]
    base = f"/rest/api/uom/LogicalPartition/{uuids.partition_uuid(frame.system, p)}"
    async with rest.client() as http:
        t = await rest.logon(http, "oper")
    status, text = await call(rest, "PUT", f"{base}/do/PowerOn", t, job_request(
        "PowerOn", force="false", novsi="true", bootmode="sms", keylock="norm",
        LogicalPartitionProfile=uuids.profile_uuid(frame.system, p, prof)),
        **{"Content-Type": JOB_TYPE})
    assert status == 200
    assert _results(text) == ("COMPLETED_OK", {"returnCode": "0"})
    now = rest.engine.snapshot().frame.partition("sandbox01")
    assert now is not None
    assert (now.state, now.boot_mode, now.curr_profile) == ("Starting", "sms", prof.name)


async def test_bad_power_on_parameters_end_the_job_with_the_reason(rest: Rest) -> None:
    frame = rest.engine.snapshot().frame
    p = frame.partition("sandbox01")
    assert p is not None
    base = f"/rest/api/uom/LogicalPartition/{uuids.partition_uuid(frame.system, p)}"
    async with rest.client() as http:
        t = await rest.logon(http)
    for params, reason in (
            ({"force": "maybe"}, "HSCL1365 The request is not valid: job parameter force "
                                 "must be true or false"),
            ({"LogicalPartitionProfile": "00000000-0000-0000-0000-000000000000"},
             "HSCL1365 The request is not valid: no profile "
             "00000000-0000-0000-0000-000000000000 for sandbox01"),
            # The engine's own refusal of the value (ops.build), as chsysstate gets it.
            ({"bootmode": "floppy"}, "HSCL0A0F The activate.boot_mode value floppy is not "
                                     "valid")):
        status, text = await call(rest, "PUT", f"{base}/do/PowerOn", t,
                                  job_request("PowerOn", **params),
                                  **{"Content-Type": JOB_TYPE})
        assert status == 200
        state, results = _results(text)
        assert (state, results["returnCode"]) == ("COMPLETED_WITH_ERROR", "1")
        assert results["result"].startswith(reason), results
    now = rest.engine.snapshot().frame.partition("sandbox01")
    assert now is not None and now.state == "Not Activated"


async def test_a_job_is_readable_by_its_user_and_superadmins_only(rest: Rest) -> None:
    frame = rest.engine.snapshot().frame
    p = frame.partition("sandbox01")
    assert p is not None
    base = f"/rest/api/uom/LogicalPartition/{uuids.partition_uuid(frame.system, p)}"
    async with rest.client() as http:
        oper, view, root = (await rest.logon(http, "oper"), await rest.logon(http, "view"),
                            await rest.logon(http))
    _, text = await call(rest, "PUT", f"{base}/do/PowerOn", oper, job_request("PowerOn"),
                         **{"Content-Type": JOB_TYPE})
    job_id = etree.fromstring(text.encode()).findtext(f".//{WEB}JobID")
    path = f"/rest/api/uom/jobs/{job_id}"
    assert (await call(rest, "GET", path, oper))[0] == 200
    assert (await call(rest, "GET", path, view))[0] == 404
    assert (await call(rest, "DELETE", path, view))[0] == 404
    assert (await call(rest, "GET", path, root))[0] == 200


async def test_jobs_run_on_an_engine_without_a_clock_thread(make_rest: RestFactory) -> None:
    rest = await make_rest(stepped=True)
    assert not rest.engine.running
    frame = rest.engine.snapshot().frame
    p = frame.partition("sandbox01")
    assert p is not None
    base = f"/rest/api/uom/LogicalPartition/{uuids.partition_uuid(frame.system, p)}"
    async with rest.client() as http:
        t = await rest.logon(http)
    status, text = await call(rest, "PUT", f"{base}/do/PowerOn", t, job_request("PowerOn"),
                              **{"Content-Type": JOB_TYPE})
    assert status == 200
    assert _results(text) == ("COMPLETED_OK", {"returnCode": "0"})
    now = rest.engine.snapshot().frame.partition("sandbox01")
    assert now is not None and now.state == "Starting"
