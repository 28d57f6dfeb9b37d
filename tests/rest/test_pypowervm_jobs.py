"""pypowervm as the real client of the managed-system jobs: its Job wrapper runs
PowerOff_ManagedSystem and, when its timeout passes first, cancels the job (POST
jobs/{id}/cancel), polls it until it has ended and deletes it (its CancelJobThread)."""

from __future__ import annotations

import asyncio
import threading
import time

import pytest

from tests.rest.conftest import Rest, RestFactory

pytest.importorskip("pypowervm")

from pypowervm import exceptions as pvm_exc
from pypowervm.tasks import power
from pypowervm.wrappers import job as pvm_job
from pypowervm.wrappers import logical_partition as pvm_lpar
from pypowervm.wrappers import managed_system as pvm_ms

from tests.rest.test_pypowervm import _session


@pytest.fixture
def pin(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    monkeypatch.delenv("CURL_CA_BUNDLE", raising=False)
    return monkeypatch


def _run(rest: Rest, op: str, timeout: int, **params: str) -> str:
    adapter = _session(rest)
    try:
        system = pvm_ms.System.get(adapter)[0]
        resp = adapter.read(system.schema_type, system.uuid, suffix_type="do",
                            suffix_parm=op)
        job = pvm_job.Job.wrap(resp)
        parms = [job.create_job_parameter(k, v) for k, v in params.items()]
        try:
            job.run_job(system.uuid, job_parms=parms, timeout=timeout)
        except pvm_exc.Error as exc:
            for thread in threading.enumerate():  # the cancel's poll-and-delete, on our session
                if isinstance(thread, pvm_job.CancelJobThread):
                    thread.join(10)
            return str(exc)
        return "ok"
    finally:
        adapter.session._logoff()


async def test_pypowervm_powers_the_system_off_and_on(make_rest: RestFactory,
                                                      pin: pytest.MonkeyPatch) -> None:
    rest = await make_rest(speed=30.0)
    pin.setenv("REQUESTS_CA_BUNDLE", str(rest.server.cert))
    got = await asyncio.to_thread(_run, rest, "PowerOff", 60, immediate="true",
                                  force="true")
    assert got == "ok"
    assert rest.engine.snapshot().frame.system.state == "Power Off"
    assert await asyncio.to_thread(_run, rest, "PowerOn", 60, operation="on") == "ok"
    assert rest.engine.snapshot().frame.system.state == "Operating"
    assert rest.server.ctx.jobs is not None and len(rest.server.ctx.jobs) == 0  # deleted


async def test_pypowervm_cancels_a_job_that_outlives_its_timeout(
        rest: Rest, pin: pytest.MonkeyPatch) -> None:
    pin.setenv("REQUESTS_CA_BUNDLE", str(rest.server.cert))
    # A delayed power-off takes 20 s at real time; pypowervm waits 1 s, then cancels.
    got = await asyncio.to_thread(_run, rest, "PowerOff", 1, force="true")
    assert got == ("The 'PowerOff' operation failed. Failed to complete the task in 1 "
                   "seconds.")
    jobs = rest.server.ctx.jobs
    assert jobs is not None
    deadline = time.monotonic() + 10
    while len(jobs) and time.monotonic() < deadline:  # its CancelJobThread deletes it
        await asyncio.sleep(0.1)
    assert len(jobs) == 0
    snap = rest.engine.snapshot()
    assert snap.frame.system.state == "Power Off In Progress"  # the power-off goes on
    assert [(e.op, e.ok) for e in snap.events if e.user == "hscroot"] == [("system_off", True)]


async def test_pypowervm_escalates_a_soft_power_off_that_times_out(
        rest: Rest, pin: pytest.MonkeyPatch) -> None:
    """power_off_progressive: an OS immediate shutdown (10 s here) with a 1 s timeout is
    canceled, then the VSP hard (immediate) shutdown overtakes it and ends the job."""
    pin.setenv("REQUESTS_CA_BUNDLE", str(rest.server.cert))

    def client() -> None:
        adapter = _session(rest)
        try:
            system = pvm_ms.System.get(adapter)[0]
            dev01 = next(w for w in pvm_lpar.LPAR.get(adapter, parent=system)
                         if w.name == "dev01")
            power.power_off_progressive(dev01, timeout=1)
            for thread in threading.enumerate():
                if isinstance(thread, pvm_job.CancelJobThread):
                    thread.join(10)
        finally:
            adapter.session._logoff()

    start = time.monotonic()
    await asyncio.to_thread(client)
    assert time.monotonic() - start < 9  # not the 10 s of the OS shutdown
    snap = rest.engine.snapshot()
    assert snap.frame.partition("dev01").state == "Not Activated"  # type: ignore[union-attr]
    assert [(e.op, e.ok) for e in snap.events if e.user == "hscroot"] == [
        ("shutdown", True), ("shutdown", True)]
    assert rest.server.ctx.jobs is not None and len(rest.server.ctx.jobs) == 0
