"""Refusals over raw HTTP: every one is the HMC's HttpErrorResponse with its status and an
HSCL message, never a traceback; and jobs as the Ansible collection sends them (a
JobRequest PUT without reading the template, then polling uom/jobs/{id})."""

from __future__ import annotations

import asyncio

import pytest
from lxml import etree

from hmc_tui.rest import objects, uuids
from tests.rest.conftest import LOGON_TYPE, Rest

WEB = "{http://www.ibm.com/xmlns/systems/power/firmware/web/mc/2012_10/}"
JOB_TYPE = "application/vnd.ibm.powervm.web+xml; type=JobRequest"


async def call(rest: Rest, method: str, path: str, token: str | None = None,
               data: bytes | str | None = None, **headers: str) -> tuple[int, str]:
    if token is not None:
        headers["X-API-Session"] = token
    async with rest.client() as http, http.request(method, path, data=data,
                                                   headers=headers) as resp:
        return resp.status, await resp.text()


def error(body: str) -> tuple[int, str]:
    root = etree.fromstring(body.encode())
    err = root.find(f".//{WEB}HttpErrorResponse")
    assert err is not None, body
    return int(err.findtext(f"{WEB}HTTPStatus")), err.findtext(f"{WEB}Message")


def job_request(op: str, **params: str) -> str:
    # The Ansible collection's _job_RequestPayload (hmc_rest_client.py), in short.
    parms = "".join(f"<JobParameter schemaVersion='V1_0'><Metadata><Atom/></Metadata>"
                    f"<ParameterName kxe='false' kb='ROR'>{k}</ParameterName>"
                    f"<ParameterValue kxe='false' kb='CUR'>{v}</ParameterValue></JobParameter>"
                    for k, v in params.items())
    return (f"<JobRequest xmlns='{WEB[1:-1]}' schemaVersion='V1_0'><Metadata><Atom/></Metadata>"
            f"<RequestedOperation kxe='false' kb='CUR' schemaVersion='V1_0'>"
            f"<OperationName kxe='false' kb='ROR'>{op}</OperationName>"
            f"<GroupName kxe='false' kb='ROR'>LogicalPartition</GroupName>"
            f"</RequestedOperation><JobParameters kxe='false' kb='CUR' schemaVersion='V1_0'>"
            f"{parms}</JobParameters></JobRequest>")


async def test_requests_without_a_valid_session_are_401(rest: Rest) -> None:
    for token in (None, "forged-token"):
        status, body = await call(rest, "GET", "/rest/api/uom/ManagedSystem", token)
        assert (status, error(body)[0]) == (401, 401)
        assert "HSCL1363" in error(body)[1]


async def test_unknown_urls_and_methods(rest: Rest) -> None:
    async with rest.client() as http:
        t = await rest.logon(http)
    frame = rest.engine.snapshot().frame
    for path in ("/rest/api/uom/Nonsense", "/rest/api/uom/ManagedSystem/0000/LogicalPartition",
                 "/rest/api/uom/LogicalPartition/12345678-1234-1234-1234-123456789012",
                 f"/rest/api/uom/ManagedSystem/{uuids.system_uuid(frame.system)}/Bogus",
                 "/rest/api/uom/jobs/999", "/index.html"):
        status, body = await call(rest, "GET", path, t)
        assert status == 404, path
        assert error(body)[0] == 404
        assert error(body)[1].startswith(("HSCL1364 There is no resource at",
                                          "HSCL1368 The job 999 was not found.")), path
    status, body = await call(rest, "PATCH", "/rest/api/web/Logon", t)
    assert status == 405 and "HSCL136A The method PATCH is not allowed" in error(body)[1]


async def test_bad_xml_and_huge_bodies(make_rest) -> None:  # type: ignore[no-untyped-def]
    rest = await make_rest(max_body=4096)
    for body, message in (
            ("<LogonRequest><UserID>x</", "HSCL1365 The request is not valid: the request "
             "body is not well-formed XML"),
            ("<Other/>", "HSCL1365 The request is not valid: expected a LogonRequest element "
             "in the request body, got Other"),
            ("<LogonRequest><UserID>x</UserID></LogonRequest>", "HSCL1365 The request is not "
             "valid: a LogonRequest needs a UserID and a Password"),
            # Entities are not expanded: the user name stays empty, nothing is looked up.
            ("<?xml version='1.0'?><!DOCTYPE l [<!ENTITY a 'aaaaaaaaaa'>"
             "<!ENTITY b '&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;'>]><LogonRequest><UserID>&b;"
             "</UserID><Password>x</Password></LogonRequest>", "HSCL1365")):
        status, text = await call(rest, "PUT", "/rest/api/web/Logon", data=body,
                                  **{"Content-Type": LOGON_TYPE})
        assert status == 400, body
        assert error(text)[0] == 400
        assert error(text)[1].startswith(message)
        assert "Traceback" not in text
    status, text = await call(rest, "PUT", "/rest/api/web/Logon", data=b"x" * 5000,
                              **{"Content-Type": LOGON_TYPE})
    assert status == 413
    assert error(text)[1] == "HSCL1366 The request body is larger than the 4096 bytes allowed."


async def test_an_internal_error_is_a_500_without_a_traceback(
        rest: Rest, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> None:
    def broken(*args: object) -> None:
        raise RuntimeError("secret detail")

    monkeypatch.setattr(objects, "managed_system", broken)
    async with rest.client() as http:
        t = await rest.logon(http)
    status, text = await call(rest, "GET", "/rest/api/uom/ManagedSystem", t)
    assert status == 500
    assert error(text) == (500, "HSCL136C The REST API could not complete the request because "
                                "of an internal error; the service log has the detail.")
    assert "secret detail" not in text and "Traceback" not in text
    assert "secret detail" in caplog.text  # the service log has it


async def test_ansible_style_power_off_job_polled_to_completion(rest: Rest) -> None:
    frame = rest.engine.snapshot().frame
    dev01 = frame.partition("dev01")
    assert dev01 is not None
    base = f"/rest/api/uom/LogicalPartition/{uuids.partition_uuid(frame.system, dev01)}"
    async with rest.client() as http:
        t = await rest.logon(http, "oper")  # hmcoperator may power partitions
    status, text = await call(rest, "PUT", f"{base}/do/PowerOff", t,
                              job_request("PowerOff", immediate="true", restart="false",
                                          operation="shutdown"),
                              **{"Content-Type": JOB_TYPE})
    assert status == 200
    job_id = etree.fromstring(text.encode()).findtext(f".//{WEB}JobID")
    for _ in range(50):
        status, text = await call(rest, "GET", f"/rest/api/uom/jobs/{job_id}", t)
        root = etree.fromstring(text.encode())
        if root.findtext(f".//{WEB}Status") != "RUNNING":
            break
        await asyncio.sleep(0.1)
    assert root.findtext(f".//{WEB}Status") == "COMPLETED_OK"
    assert root.findtext(f".//{WEB}TargetUuid") == uuids.partition_uuid(frame.system, dev01)
    results = {p.findtext(f"{WEB}ParameterName"): p.findtext(f"{WEB}ParameterValue")
               for p in root.iter(f"{WEB}JobParameter")}
    assert results["returnCode"] == "0" and results["operation"] == "shutdown"
    p = rest.engine.snapshot().frame.partition("dev01")
    assert p is not None and p.state == "Not Activated"  # the job ends when it is down
    status, _ = await call(rest, "DELETE", f"/rest/api/uom/jobs/{job_id}", t)
    assert status == 204
    status, _ = await call(rest, "GET", f"/rest/api/uom/jobs/{job_id}", t)
    assert status == 404


async def test_refused_jobs_carry_the_hmc_message(rest: Rest) -> None:
    frame = rest.engine.snapshot().frame
    oradb = frame.partition("oradb01")
    assert oradb is not None
    base = f"/rest/api/uom/LogicalPartition/{uuids.partition_uuid(frame.system, oradb)}"
    async with rest.client() as http:
        t = await rest.logon(http)
    # Already running: the engine's HSCL3681, as the HMC says it (pypowervm matches it).
    status, text = await call(rest, "PUT", f"{base}/do/PowerOn", t, job_request("PowerOn"),
                              **{"Content-Type": JOB_TYPE})
    root = etree.fromstring(text.encode())
    assert root.findtext(f".//{WEB}Status") == "COMPLETED_WITH_ERROR"
    results = [p.findtext(f"{WEB}ParameterValue") for p in root.iter(f"{WEB}JobParameter")
               if p.findtext(f"{WEB}ParameterName") == "result"]
    assert results == ["HSCL3681 The partition oradb01 is already active. The operation "
                       "cannot be performed."]
    status, text = await call(rest, "PUT", f"{base}/do/PowerOn", t, job_request("PowerOff"),
                              **{"Content-Type": JOB_TYPE})
    assert status == 400 and "OperationName is 'PowerOff'" in error(text)[1]
    status, text = await call(rest, "GET", f"{base}/do/Migrate", t)
    assert status == 400 and error(text)[1] == (
        "HSCL1369 The operation Migrate is not supported on LogicalPartition.")
    status, text = await call(rest, "PUT", f"{base}/do/PowerOff", t,
                              job_request("PowerOff", operation="dumprestart"),
                              **{"Content-Type": JOB_TYPE})
    assert "HSCL1369" in text and "COMPLETED_WITH_ERROR" in text


async def test_a_control_character_in_the_url_is_shown_escaped(rest: Rest) -> None:
    async with rest.client() as http:
        t = await rest.logon(http)
    status, text = await call(rest, "GET", "/rest/api/uom/Bad%01Name%1b[2J", t)
    assert status == 404
    assert error(text)[1] == r"HSCL1364 There is no resource at /rest/api/uom/Bad\x01Name\x1b[2J."
