"""pypowervm (PyPI 1.1.27) as the real client over loopback TLS: it logs on, reads the
ManagedSystem and its LogicalPartition / VirtualIOServer wrappers, powers partitions on and
off through pypowervm.tasks.power (JobRequest templates, PUT, polling uom/jobs), logs off.

pypowervm is synchronous (requests): it runs in a worker thread while the server runs on
the test's loop. It verifies the certificate against REQUESTS_CA_BUNDLE, set here to the
server's own self-signed certificate: the client pins it, as an admin would.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

import pytest

from tests.rest.conftest import PASSWORDS, Rest, RestFactory

pytest.importorskip("pypowervm")

from pypowervm import adapter as pvm_adapter
from pypowervm import exceptions as pvm_exc
from pypowervm.tasks import power
from pypowervm.wrappers import logical_partition as pvm_lpar
from pypowervm.wrappers import managed_system as pvm_ms
from pypowervm.wrappers import management_console as pvm_mc
from pypowervm.wrappers import network as pvm_net
from pypowervm.wrappers import shared_proc_pool as pvm_spp
from pypowervm.wrappers import virtual_io_server as pvm_vios


@pytest.fixture
def pinned(rest: Rest, monkeypatch: pytest.MonkeyPatch) -> Rest:
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(rest.server.cert))
    monkeypatch.delenv("CURL_CA_BUNDLE", raising=False)
    return rest


def _session(rest: Rest, user: str = "hscroot") -> pvm_adapter.Adapter:
    session = pvm_adapter.Session("127.0.0.1", user, PASSWORDS[user], port=rest.server.port,
                                  certpath=None)
    return pvm_adapter.Adapter(session)


async def test_pypowervm_reads_the_frame_as_the_engine_has_it(pinned: Rest) -> None:
    def client() -> dict[str, Any]:
        adapter = _session(pinned)
        system = pvm_ms.System.get(adapter)[0]
        lpars = pvm_lpar.LPAR.get(adapter, parent=system)
        vioses = pvm_vios.VIOS.get(adapter, parent=system)
        one = pvm_lpar.LPAR.get(adapter, uuid=lpars[0].uuid)
        pools = [(p.id, p.name, p.max_proc_units, p.curr_rsrv_proc_units)
                 for p in pvm_spp.SharedProcPool.get(adapter, parent=system)]
        vnets = [(n.name, n.vlan, n.tagged) for n in pvm_net.VNet.get(adapter, parent=system)]
        switches = [(w.name, w.mode) for w in pvm_net.VSwitch.get(adapter, parent=system)]
        console = pvm_mc.ManagementConsole.get(adapter)[0]
        seas = [(v.name, sea.dev_name, sea.pvid, sea.ha_mode, sea.is_primary,
                 sea.backing_device.dev_name, sea.primary_adpt.pvid,
                 list(sea.primary_adpt.tagged_vlans), sea.primary_adpt.trunk_pri,
                 sea.primary_adpt.virtual_slot_number) for v in vioses for sea in v.seas]
        adapter.session._logoff()
        return {"system": system, "lpars": lpars, "vioses": vioses, "one": one,
                "pools": pools, "vnets": vnets, "switches": switches, "console": console,
                "seas": seas}

    got = await asyncio.to_thread(client)
    frame = pinned.engine.snapshot().frame
    system = got["system"]
    assert system.system_name == "Server-9080-HEX-SN78H4A21"
    assert system.system_state == "operating"
    assert system.mtms.mtms_str == "9080-HEX*78H4A21"
    assert system.proc_units == 48.0
    assert system.proc_units_configurable == 40.0
    assert system.proc_units_avail == frame.avail_proc_units() == 20.5
    assert system.memory_total == 2097152
    assert system.memory_free == frame.avail_mem()
    lpars = {w.name: w for w in got["lpars"]}
    assert sorted(lpars) == sorted(p.name for p in frame.partitions if not p.is_vios)
    oradb = lpars["oradb01"]
    assert (oradb.id, oradb.state, oradb.env, oradb.rmc_state) == (
        3, "running", "AIX/Linux", "active")
    assert not oradb.proc_config.has_dedicated
    assert oradb.proc_config.shared_proc_cfg.desired_units == 4.0
    assert oradb.proc_config.shared_proc_cfg.desired_virtual == 8
    assert oradb.proc_config.sharing_mode == "uncapped"
    assert oradb.mem_config.desired == oradb.mem_config.current == 262144
    hana = lpars["hana01"]
    assert hana.proc_config.has_dedicated and hana.proc_config.dedicated_proc_cfg.desired == 8
    assert lpars["ibmi01"].env == "OS400"
    assert lpars["sandbox01"].state == "not activated"
    assert lpars["sandbox01"].mem_config.desired == 4096
    assert sorted(v.name for v in got["vioses"]) == ["vios1", "vios2"]
    assert {v.env for v in got["vioses"]} == {"Virtual IO Server"}
    assert got["one"].name == got["lpars"][0].name
    assert got["pools"] == [(0, "DefaultPool", 40.0, 0.0), (1, "DevTestPool", 8.0, 0.5)]
    assert got["switches"] == [("ETHERNET0", "Veb")]
    assert got["vnets"][:2] == [("VLAN1-ETHERNET0", 1, False), ("VLAN10-ETHERNET0", 10, True)]
    assert len(got["vnets"]) == 5
    assert got["console"].name == "hmc-tui"
    # The SEA pair of the demo frame: vios1's is the primary (trunk priority 1).
    assert sorted(got["seas"]) == [
        ("vios1", "ent8", 1, "auto", True, "ent0", 1, [10, 20, 30], 1, 2),
        ("vios2", "ent8", 1, "auto", False, "ent0", 1, [10, 20, 30], 2, 2)]
    assert got["console"].mtms.mtms_str.startswith("7063-CR2*")
    assert len(pinned.server.ctx.auth.sessions) == 0  # logged off


async def test_pypowervm_powers_a_partition_on_and_another_off(pinned: Rest) -> None:
    def client() -> None:
        adapter = _session(pinned)
        system = pvm_ms.System.get(adapter)[0]
        lpars = {w.name: w for w in pvm_lpar.LPAR.get(adapter, parent=system)}
        power.PowerOp.start(lpars["sandbox01"])
        # dev01 runs with RMC active: pypowervm's soft_detect asks for an OS shutdown.
        power.PowerOp.stop(lpars["dev01"])
        adapter.session._logoff()

    await asyncio.to_thread(client)
    snap = pinned.engine.snapshot()
    # The PowerOff job ends when dev01 is down (10 s of OS immediate shutdown): sandbox01
    # has gone on booting meanwhile.
    assert snap.frame.partition("sandbox01").active
    assert snap.frame.partition("dev01").state == "Not Activated"
    done = [(e.user, e.op, e.target, e.ok) for e in snap.events if e.user == "hscroot"]
    assert ("hscroot", "activate", "sandbox01", True) in done
    assert ("hscroot", "shutdown", "dev01", True) in done


async def test_a_viewers_power_on_fails_with_the_hmc_authority_error(pinned: Rest) -> None:
    def client() -> str:
        adapter = _session(pinned, "view")
        system = pvm_ms.System.get(adapter)[0]
        lpar = next(w for w in pvm_lpar.LPAR.get(adapter, parent=system)
                    if w.name == "sandbox01")
        try:
            power.power_on(lpar, system.uuid)
        except Exception as exc:
            return str(exc)
        finally:
            adapter.session._logoff()
        return "no error"

    message = await asyncio.to_thread(client)
    assert ("HSCL350B The user view does not have the appropriate authority to perform "
            "partition and system power tasks.") in message
    assert pinned.engine.snapshot().frame.partition("sandbox01").state == "Not Activated"


async def test_pypowervm_dlpar_update_and_a_stale_etag(pinned: Rest) -> None:
    """wrapper.update() POSTs the edited partition with If-Match: the change is a DLPAR by
    hscroot; a second update from the same (now stale) wrapper gets 412."""
    def client() -> tuple[float, int, int, str]:
        adapter = _session(pinned)
        system = pvm_ms.System.get(adapter)[0]
        oradb = next(w for w in pvm_lpar.LPAR.get(adapter, parent=system)
                     if w.name == "oradb01")
        stale = pvm_lpar.LPAR.get(adapter, uuid=oradb.uuid)
        oradb.proc_config.shared_proc_cfg.desired_units = 5.0
        oradb.mem_config.desired = 262144 + 2048
        new = oradb.update()
        stale.proc_config.shared_proc_cfg.desired_units = 3.0
        try:
            stale.update()
        except pvm_exc.HttpError as exc:
            refused = f"{exc.response.status} {exc.her_wrap.message}"
        else:
            refused = "accepted"
        adapter.session._logoff()
        return (new.proc_config.shared_proc_cfg.desired_units, new.mem_config.desired,
                new.mem_config.current, refused)

    units, desired, current, refused = await asyncio.to_thread(client)
    assert (units, desired, current) == (5.0, 264192, 264192)
    cur = pinned.engine.snapshot().frame.partition("oradb01").current
    assert cur is not None and (cur.desired_proc_units, cur.desired_mem) == (5.0, 264192)
    assert refused.startswith("412 HSCL1367 The partition oradb01 was changed since it was read")
    events = [(e.user, e.op, e.ok) for e in pinned.engine.snapshot().events
              if e.target == "oradb01" and e.user == "hscroot"]
    assert events == [("hscroot", "dlpar_proc", True), ("hscroot", "dlpar_mem", True)]


async def test_pypowervm_logs_on_again_when_its_token_expires(
        make_rest: RestFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    rest = await make_rest(session_timeout=0.5)
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(rest.server.cert))
    monkeypatch.delenv("CURL_CA_BUNDLE", raising=False)

    def client() -> tuple[str, str, bool]:
        adapter = _session(rest)
        first = adapter.session._sessToken
        name = pvm_ms.System.get(adapter)[0].system_name
        time.sleep(0.8)  # the token expires: the next read gets 401, pypowervm logs on again
        again = pvm_ms.System.get(adapter)[0].system_name
        renewed = adapter.session._sessToken != first
        adapter.session._logoff()
        return name, again, renewed

    name, again, renewed = await asyncio.to_thread(client)
    assert name == again == "Server-9080-HEX-SN78H4A21"
    assert renewed
