"""The REST API and PCM over the two-system demo (engine/frames/demo-hmc.toml), read by
pypowervm and hmci's way as for one system: every managed system in the ManagedSystem feed,
each system's partitions under its own UUID, a PowerOn on the second system changing that
system only, and the second system's PCM feed and preferences.

drtest01 (the second system's own test partition) starts Not Activated here, so that there is
a partition to power on there. The engine is stepped: time moves only when the test says."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from engine.hmc import Hmc
from engine.model import Frame
from engine.service import Engine
from engine.store import demo_hmc
from hmc_tui.rest.context import RestSettings
from hmc_tui.rest.server import RestServer, make_context
from hmc_tui.rest.uuids import partition_uuid, system_uuid
from hmc_tui.service.logins import LoginLimiter
from hmc_tui.service.users import UserStore
from tests.rest.conftest import PASSWORDS
from tests.rest.test_pcm import SAMPLED, Pcm, hmci_preference_post, hmci_refresh, preference

pytest.importorskip("pypowervm")

from pypowervm import adapter as pvm_adapter
from pypowervm.tasks import power
from pypowervm.wrappers import logical_partition as pvm_lpar
from pypowervm.wrappers import managed_system as pvm_ms
from pypowervm.wrappers import virtual_io_server as pvm_vios

FIRST, SECOND = "Server-9080-HEX-SN78H4A21", "Server-9043-MRX-SN78K3D05"
UOM = "/rest/api/uom"


def two_systems() -> Hmc:
    """The demo HMC with drtest01 (second system) not activated."""
    hmc = demo_hmc()
    second = hmc.systems[1]
    parts = tuple(p.model_copy(update={"state": "Not Activated", "current": None,
                                       "rmc_state": "inactive", "rmc_ipaddr": "",
                                       "curr_profile": ""})
                  if p.name == "drtest01" else p for p in second.partitions)
    return Hmc(systems=(hmc.systems[0], second.model_copy(update={"partitions": parts})))


@dataclass
class Two(Pcm):
    def frame(self, i: int) -> Frame:
        return self.engine.snapshot().frames[i]

    def uuid(self, i: int) -> str:
        return system_uuid(self.frame(i).system)

    def lpar(self, i: int, name: str) -> str:
        p = self.frame(i).partition(name)
        assert p is not None
        return partition_uuid(self.frame(i).system, p)


@pytest.fixture
async def two(rest_dir: Path, rest_store: UserStore, monkeypatch: pytest.MonkeyPatch
              ) -> AsyncIterator[Two]:
    engine = Engine(two_systems())
    engine.step(SAMPLED)  # long-term samples at 30..150 s on both systems
    executor = ThreadPoolExecutor(1)
    ctx = make_context(engine, rest_store, RestSettings(port=0),
                       limiter=LoginLimiter(delay=0.01, max_delay=0.05), executor=executor)
    server = RestServer(ctx, rest_dir / "data")
    await server.start()
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(server.cert))  # pypowervm pins it
    monkeypatch.delenv("CURL_CA_BUNDLE", raising=False)
    yield Two(engine, server)
    await asyncio.wait_for(server.stop(), 10)
    executor.shutdown(wait=False)


def _adapter(two: Two, user: str = "hscroot") -> pvm_adapter.Adapter:
    return pvm_adapter.Adapter(pvm_adapter.Session(
        "127.0.0.1", user, PASSWORDS[user], port=two.server.port, certpath=None))


async def test_pypowervm_reads_every_system_and_its_own_partitions(two: Two) -> None:
    def client() -> dict[str, Any]:
        adapter = _adapter(two)
        found: dict[str, Any] = {}
        for system in pvm_ms.System.get(adapter):
            found[system.system_name] = (
                system.mtms.mtms_str, system.uuid, system.proc_units,
                system.proc_units_configurable,
                sorted(w.name for w in pvm_lpar.LPAR.get(adapter, parent=system)),
                sorted(w.name for w in pvm_vios.VIOS.get(adapter, parent=system)))
        # The root-level URL finds the partition on whichever system holds it.
        found["root"] = pvm_lpar.LPAR.get(adapter, uuid=two.lpar(1, "drtest01")).name
        adapter.session._logoff()
        return found

    got = await asyncio.to_thread(client)
    assert list(got) == [FIRST, SECOND, "root"]
    assert got[FIRST] == (
        "9080-HEX*78H4A21", two.uuid(0), 48.0, 40.0,
        ["dev01", "dev02", "hana01", "ibmi01", "nim01", "oradb01", "sandbox01", "test01",
         "was01"], ["vios1", "vios2"])
    assert got[SECOND] == ("9043-MRX*78K3D05", two.uuid(1), 48.0, 32.0, ["drtest01"],
                           ["drvios1", "drvios2"])
    assert got["root"] == "drtest01"


async def test_pypowervm_power_on_on_the_second_system_changes_it_only(two: Two) -> None:
    before = two.engine.snapshot()

    def client() -> None:
        adapter = _adapter(two)
        system = next(s for s in pvm_ms.System.get(adapter) if s.system_name == SECOND)
        [drtest] = pvm_lpar.LPAR.get(adapter, parent=system)
        power.PowerOp.start(drtest)
        adapter.session._logoff()

    await asyncio.to_thread(client)
    after = two.engine.snapshot()
    assert after.frames[1].partition("drtest01").state == "Starting"  # type: ignore[union-attr]
    assert after.frames[0] == before.frames[0]  # the first system did not move
    done = [(e.user, e.op, e.target, e.ok, e.system) for e in after.events
            if e.user == "hscroot"]
    assert done == [("hscroot", "activate", "drtest01", True, SECOND)]


async def test_feeds_links_and_unknown_systems(two: Two) -> None:
    sys1, sys2 = two.uuid(0), two.uuid(1)
    async with await two.session("view") as http:
        async with http.get(f"{UOM}/ManagedSystem/quick/All") as resp:
            quick = await resp.json()
        assert [(q["SystemName"], q["UUID"]) for q in quick] == [(FIRST, sys1), (SECOND, sys2)]
        async with http.get(f"{UOM}/ManagedSystem/search/(SystemName=={SECOND})") as resp:
            text = await resp.text()
        assert resp.status == 200 and text.count("<entry>") == 1 and SECOND in text
        async with http.get(f"{UOM}/ManagedSystem/search/(SystemName==nosuch)") as resp:
            assert resp.status == 204
        async with http.get(f"{UOM}/ManagementConsole") as resp:
            text = await resp.text()
        assert f"ManagedSystem/{sys1}" in text and f"ManagedSystem/{sys2}" in text
        async with http.get(f"{UOM}/ManagedSystem/{sys2}/LogicalPartition/quick/All") as resp:
            assert [q["PartitionName"] for q in await resp.json()] == ["drtest01"]
        async with http.get(f"{UOM}/LogicalPartition/quick/All") as resp:
            assert len(await resp.json()) == 10  # 9 on the first system, 1 on the second
        # A partition under another system's URL, and a system no one manages: 404.
        oradb = two.lpar(0, "oradb01")
        for path in (f"{UOM}/ManagedSystem/{sys2}/LogicalPartition/{oradb}",
                     f"{UOM}/ManagedSystem/{'0' * 8 + sys2[8:]}",
                     f"{UOM}/ManagedSystem/{'0' * 8 + sys2[8:]}/LogicalPartition"):
            async with http.get(path) as resp:
                assert resp.status == 404, path
                assert "HSCL1364" in await resp.text()
        async with http.get(f"{UOM}/VirtualIOServer/{two.lpar(1, 'drvios1')}/quick") as resp:
            assert (await resp.json())["PartitionName"] == "drvios1"


async def test_pcm_of_the_second_system(two: Two) -> None:
    sys2 = two.uuid(1)
    async with await two.session() as http:
        util = await hmci_refresh(
            http, f"/rest/api/pcm/ManagedSystem/{sys2}/ProcessedMetrics?NoOfSamples=1",
            "ManagedSystem")
        assert util is not None
        info = util["utilInfo"]
        assert (info["name"], info["mtms"], info["uuid"], info["frequency"]) == (
            SECOND, "9043-MRX*78K3D05", sys2, 30)
        [sample] = util["utilSamples"]
        server = sample["serverUtil"]
        frame = two.frame(1)
        assert server["processor"]["totalProcUnits"] == 48
        assert server["processor"]["configurableProcUnits"] == 32
        assert server["processor"]["availableProcUnits"] == frame.avail_proc_units()
        assert server["memory"]["availableMem"] == frame.avail_mem()
        assert {v["name"] for v in sample["viosUtil"]} == {"drvios1", "drvios2"}
        # The second system's own counters, not the first's (lslparutil -m SECOND).
        s = two.engine.utilisation("pool", 0, "long", system=SECOND)
        i, j = s.times.index(120.0), s.times.index(150.0)
        used = (s.counters["utilized_pool_cycles"][j] - s.counters["utilized_pool_cycles"][i]
                ) / (s.counters["time_cycles"][j] - s.counters["time_cycles"][i])
        pools = {p["name"]: p for p in server["sharedProcessorPool"]}
        assert pools["DefaultPool"]["utilizedProcUnits"] == round(used, 3) > 0
        # Long-term monitoring off for the second system only.
        path = f"/rest/api/pcm/ManagedSystem/{sys2}/preferences"
        async with http.post(path, data=hmci_preference_post(False)) as resp:
            text = await resp.text()
            assert resp.status == 200, text
        assert preference(text, "LongTermMonitorEnabled") == "false"
        assert preference(text, "SystemName") == SECOND
        assert [f.system.sample_rate for f in two.engine.snapshot().frames] == [30, 0]
        async with http.get(path.replace("preferences", "ProcessedMetrics")) as resp:
            assert resp.status == 204
        async with http.get(f"/rest/api/pcm/ManagedSystem/{two.uuid(0)}/ProcessedMetrics"
                            "?NoOfSamples=1") as resp:
            assert resp.status == 200



async def test_pypowervm_update_of_a_partition_on_the_second_system(two: Two) -> None:
    """wrapper.update() of drtest01 (not activated): its default profile changes, on the
    second system, with the operation naming that system."""
    def client() -> int:
        adapter = _adapter(two)
        drtest = pvm_lpar.LPAR.get(adapter, uuid=two.lpar(1, "drtest01"))  # root-level URL
        drtest.mem_config.desired = 24576
        new = drtest.update()
        adapter.session._logoff()
        return int(new.mem_config.desired)

    assert await asyncio.to_thread(client) == 24576
    snap = two.engine.snapshot()
    drtest = snap.frames[1].partition("drtest01")
    prof = drtest.profile("default_profile") if drtest is not None else None
    assert prof is not None and prof.desired_mem == 24576
    assert [(e.op, e.target, e.ok, e.system) for e in snap.events if e.user == "hscroot"] == [
        ("change_profile", "drtest01", True, SECOND)]
