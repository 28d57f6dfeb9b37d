"""PCM over REST, read the way hmci reads it (github mnellemann/hmci: ManagedSystem.refresh,
LogicalPartition.refresh, Resource.deserialize): the ProcessedMetrics Atom feed, the entry
whose category term is ManagedSystem (or LogicalPartition) and whose link type is
application/json, that link's path fetched, and the JSON read with Jackson's
UNWRAP_SINGLE_VALUE_ARRAYS (a one-element array is read as its value). The figures are
checked against the engine's own utilisation counters (the ones lslparutil prints)."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import aiohttp
import pytest
from lxml import etree

from engine import ops
from engine.io_load import Adapter
from engine.roles import Actor
from engine.service import Engine
from engine.store import demo_frame
from hmc_tui.rest.context import RestSettings
from hmc_tui.rest.pcm_xml import PCM_NS
from hmc_tui.rest.server import RestServer, make_context
from hmc_tui.rest.uuids import partition_uuid, system_uuid
from hmc_tui.service.logins import LoginLimiter
from hmc_tui.service.users import UserStore
from tests.rest.conftest import LOGON_TYPE, PASSWORDS, logon_body

ATOM = "{http://www.w3.org/2005/Atom}"
SAMPLED = 150.0  # engine seconds run before the server starts: long samples at 30..150 s


@dataclass
class Pcm:
    engine: Engine
    server: RestServer

    @property
    def url(self) -> str:
        return f"https://127.0.0.1:{self.server.port}"

    @property
    def sys_uuid(self) -> str:
        return system_uuid(self.engine.snapshot().frame.system)

    def lpar_uuid(self, name: str) -> str:
        frame = self.engine.snapshot().frame
        p = frame.partition(name)
        assert p is not None
        return partition_uuid(frame.system, p)

    async def session(self, user: str = "hscroot") -> aiohttp.ClientSession:
        http = aiohttp.ClientSession(self.url, connector=aiohttp.TCPConnector(ssl=False))
        async with http.put("/rest/api/web/Logon", data=logon_body(user, PASSWORDS[user]),
                            headers={"Content-Type": LOGON_TYPE}) as resp:
            text = await resp.text()
            assert resp.status == 200, text
        token = text.split("<X-API-Session", 1)[1].split(">", 1)[1].split("<", 1)[0]
        http.headers["X-API-Session"] = token
        return http


@pytest.fixture
async def pcm(rest_dir: Path, rest_store: UserStore) -> AsyncIterator[Pcm]:
    # A stepped engine: time moves only when the test says, so the samples are exact.
    engine = Engine(demo_frame())
    engine.step(SAMPLED)
    executor = ThreadPoolExecutor(1)
    ctx = make_context(engine, rest_store, RestSettings(port=0),
                       limiter=LoginLimiter(delay=0.01, max_delay=0.05), executor=executor)
    server = RestServer(ctx, rest_dir / "data")
    await server.start()
    yield Pcm(engine, server)
    await asyncio.wait_for(server.stop(), 10)
    executor.shutdown(wait=False)


def unwrap(value: Any) -> Any:
    """Jackson's UNWRAP_SINGLE_VALUE_ARRAYS, as hmci's ObjectMapper is configured."""
    if isinstance(value, list):
        if len(value) == 1 and not isinstance(value[0], dict | list):
            return value[0]
        return [unwrap(v) for v in value]
    if isinstance(value, dict):
        return {k: unwrap(v) for k, v in value.items()}
    return value


async def hmci_refresh(http: aiohttp.ClientSession, feed_path: str, term: str
                       ) -> dict[str, Any] | None:
    """hmci's refresh(): the feed, its `term` entry's application/json link, the JSON."""
    async with http.get(feed_path) as resp:
        text = await resp.text()
        assert resp.status in (200, 204), text
    if len(text) <= 1:  # "Do not try to parse empty response"
        return None
    feed = etree.fromstring(text.encode())
    for entry in feed.iter(f"{ATOM}entry"):
        link = entry.find(f"{ATOM}link")
        if entry.find(f"{ATOM}category").get("term") == term and link.get("type") == \
                "application/json":
            async with http.get(urlsplit(link.get("href")).path) as resp:
                assert resp.status == 200
                return unwrap(json.loads(await resp.text()))["systemUtil"]
    raise AssertionError(f"no {term} JSON link in the feed")


def counters_rate(engine: Engine, resource: str, key: int, names: tuple[str, ...],
                  start: float, end: float) -> float:
    s = engine.utilisation(resource, key, "long")  # type: ignore[arg-type]
    i, j = s.times.index(start), s.times.index(end)
    d = sum(s.counters[n][j] - s.counters[n][i] for n in names)
    return d / (s.counters["time_cycles"][j] - s.counters["time_cycles"][i])


async def test_system_metrics_as_hmci_reads_them(pcm: Pcm) -> None:
    async with await pcm.session() as http:
        util = await hmci_refresh(
            http, f"/rest/api/pcm/ManagedSystem/{pcm.sys_uuid}/ProcessedMetrics?NoOfSamples=1",
            "ManagedSystem")
    assert util is not None
    info = util["utilInfo"]
    assert (info["name"], info["mtms"], info["uuid"], info["frequency"]) == (
        "Server-9080-HEX-SN78H4A21", "9080-HEX*78H4A21", pcm.sys_uuid, 30)
    assert info["startTimeStamp"] == info["endTimeStamp"] == "2026-01-05T08:02:30+0000"
    [sample] = util["utilSamples"]
    assert sample["sampleType"] == "ManagedSystem"
    assert sample["sampleInfo"] == {"timeStamp": "2026-01-05T08:02:30+0000", "status": 0}
    server = sample["serverUtil"]
    frame = pcm.engine.snapshot().frame
    assert server["processor"]["totalProcUnits"] == 48
    assert server["processor"]["configurableProcUnits"] == 40
    assert server["processor"]["availableProcUnits"] == frame.avail_proc_units()
    assert server["memory"]["totalMem"] == frame.system.installed_mem
    assert server["memory"]["availableMem"] == frame.avail_mem()
    pools = {p["name"]: p for p in server["sharedProcessorPool"]}
    assert set(pools) == {"DefaultPool", "DevTestPool"}
    assert pools["DevTestPool"]["configuredProcUnits"] == 8
    assert pools["DevTestPool"]["assignedProcUnits"] == frame.pool_entitled(1)
    for name, pool in pools.items():
        pool_id = frame.pool(name).id  # type: ignore[union-attr]
        assert pool["utilizedProcUnits"] == round(counters_rate(
            pcm.engine, "pool", pool_id, ("utilized_pool_cycles",), 120.0, 150.0), 3)
        assert pool["utilizedProcUnits"] > 0
    physical = server["physicalProcessorPool"]
    assert physical["utilizedProcUnits"] == round(sum(
        counters_rate(pcm.engine, "pool", pool_id, ("utilized_pool_cycles",), 120.0, 150.0)
        for pool_id in (0, 1)), 3)
    assert physical["configuredProcUnits"] == 32  # 40 configurable - hana01's 8 dedicated
    # hana01 lends its idle cores to the shared pool (share_idle_procs_active)
    assert physical["borrowedProcUnits"] == round(counters_rate(
        pcm.engine, "lpar", 5, ("shared_cycles_while_active",), 120.0, 150.0), 3) > 0
    assert physical["assignedProcUnits"] == round(
        32 + physical["borrowedProcUnits"], 3)
    used = sum(counters_rate(pcm.engine, "lpar", p.id, ("capped_cycles", "uncapped_cycles"),
                             120.0, 150.0)
               - counters_rate(pcm.engine, "lpar", p.id, ("idle_cycles",), 120.0, 150.0)
               for p in frame.partitions)
    assert server["processor"]["utilizedProcUnits"] == round(used, 3)
    vios = {v["name"]: v for v in sample["viosUtil"]}
    assert set(vios) == {"vios1", "vios2"}
    assert vios["vios1"]["processor"]["entitledProcUnits"] == 1.0
    assert vios["vios1"]["memory"]["assignedMem"] == 16 * 1024


async def test_partition_metrics_and_their_links(pcm: Pcm) -> None:
    async with await pcm.session("view") as http:  # reading needs no more than a viewer
        async with http.get(f"/rest/api/pcm/ManagedSystem/{pcm.sys_uuid}/ProcessedMetrics"
                            "?NoOfSamples=1") as resp:
            feed = etree.fromstring((await resp.text()).encode())
        partitions = [e for e in feed.iter(f"{ATOM}entry")
                      if e.find(f"{ATOM}category").get("term") == "LogicalPartition"]
        titles = {e.find(f"{ATOM}title").text for e in partitions}
        frame = pcm.engine.snapshot().frame
        active = [p for p in frame.partitions if p.active and not p.is_vios]
        assert titles == {f"LogicalPartition_{pcm.lpar_uuid(p.name)}" for p in active}
        oradb = next(e for e in partitions
                     if e.find(f"{ATOM}title").text.endswith(pcm.lpar_uuid("oradb01")))
        util = await hmci_refresh(
            http, urlsplit(oradb.find(f"{ATOM}link").get("href")).path + "?NoOfSamples=3",
            "LogicalPartition")
    assert util is not None
    stamps = [s["sampleInfo"]["timeStamp"] for s in util["utilSamples"]]
    assert stamps == ["2026-01-05T08:01:30+0000", "2026-01-05T08:02:00+0000",
                      "2026-01-05T08:02:30+0000"]  # oldest first, 30 s apart
    lpar = util["utilSamples"][-1]["lparsUtil"]
    assert isinstance(lpar, list) and len(lpar) == 1
    lpar = lpar[0]
    assert (lpar["name"], lpar["id"], lpar["state"], lpar["type"], lpar["osType"]) == (
        "oradb01", 3, "Running", "AIX/Linux", "AIX")
    proc = lpar["processor"]
    assert (proc["mode"], proc["weight"], proc["poolId"]) == ("uncap", 200, 0)  # demo frame
    assert proc["entitledProcUnits"] == 4.0
    assert proc["currentVirtualProcessors"] == 8
    assert proc["utilizedProcUnits"] == round(counters_rate(
        pcm.engine, "lpar", 3, ("capped_cycles", "uncapped_cycles"), 120.0, 150.0), 3)
    assert proc["utilizedProcUnits"] == round(
        proc["utilizedCappedProcUnits"] + proc["utilizedUncappedProcUnits"], 3)
    assert lpar["memory"]["logicalMem"] == 256 * 1024


async def test_a_time_window_as_start_and_end(pcm: Pcm) -> None:
    feed = f"/rest/api/pcm/ManagedSystem/{pcm.sys_uuid}/ProcessedMetrics"
    async with await pcm.session() as http:
        util = await hmci_refresh(http, feed + "?StartTS=2026-01-05T08:01:00Z"
                                  "&EndTS=2026-01-05T08:02:00%2B00:00", "ManagedSystem")
        assert util is not None
        assert [s["sampleInfo"]["timeStamp"] for s in util["utilSamples"]] == [
            "2026-01-05T08:01:00+0000", "2026-01-05T08:01:30+0000", "2026-01-05T08:02:00+0000"]
        util = await hmci_refresh(http, feed + "?StartTS=2026-01-05T08:01:00Z&NoOfSamples=1",
                                  "ManagedSystem")
        assert util is not None
        assert util["utilInfo"]["startTimeStamp"] == "2026-01-05T08:02:30+0000"
        async with http.get(feed + "?StartTS=2026-01-06T00:00:00Z") as resp:
            assert resp.status == 204  # nothing after it yet
        async with http.get(feed + "?StartTS=yesterday") as resp:
            assert resp.status == 400
            assert "HSCL1383 StartTS must be a time such as" in await resp.text()


async def test_a_json_link_is_rebuilt_the_same_later(pcm: Pcm) -> None:
    async with await pcm.session() as http:
        async with http.get(f"/rest/api/pcm/ManagedSystem/{pcm.sys_uuid}/ProcessedMetrics"
                            "?NoOfSamples=2") as resp:
            feed = etree.fromstring((await resp.text()).encode())
        link = urlsplit(feed.find(f"{ATOM}entry/{ATOM}link").get("href")).path
        assert link == (f"/rest/api/pcm/ProcessedMetrics/ManagedSystem_{pcm.sys_uuid}_"
                        "20260105T080200+0000_20260105T080230+0000_30.json")
        async with http.get(link) as resp:
            first = await resp.json()
        pcm.engine.step(60)  # two more samples: the link still names the same window
        async with http.get(link) as resp:
            assert await resp.json() == first
        async with http.get(link.replace("ManagedSystem_", "ManagedSystem_x")) as resp:
            assert resp.status == 404


async def test_no_samples_yet_is_no_content(rest_dir: Path, rest_store: UserStore) -> None:
    engine = Engine(demo_frame())
    engine.step(20)  # before the first 30 s sample
    executor = ThreadPoolExecutor(1)
    server = RestServer(make_context(engine, rest_store, RestSettings(port=0),
                                     limiter=LoginLimiter(), executor=executor),
                        rest_dir / "data")
    await server.start()
    try:
        async with await Pcm(engine, server).session() as http:
            uuid = system_uuid(engine.snapshot().frame.system)
            async with http.get(f"/rest/api/pcm/ManagedSystem/{uuid}/ProcessedMetrics"
                                "?NoOfSamples=1") as resp:
                assert resp.status == 204 and await resp.read() == b""
    finally:
        await server.stop()
        executor.shutdown(wait=False)


def hmci_preference_post(long_term: bool, energy: bool = False) -> str:
    """What hmci's setPcmPreference() posts: the bare ManagedSystemPcmPreference element
    (Jackson's XmlMapper; root 'ManagedSystemPcmPreference:ManagedSystemPcmPreference')."""
    flag = "true" if long_term else "false"
    return (f'<ManagedSystemPcmPreference:ManagedSystemPcmPreference schemaVersion="V1_0" '
            f'xmlns="{PCM_NS}" xmlns:ManagedSystemPcmPreference="{PCM_NS}" '
            f'xmlns:ns2="http://www.w3.org/XML/1998/namespace/k2"><Metadata/>'
            f'<SystemName>Server-9080-HEX-SN78H4A21</SystemName>'
            f'<EnergyMonitoringCapable>false</EnergyMonitoringCapable>'
            f'<LongTermMonitorEnabled>{flag}</LongTermMonitorEnabled>'
            f'<AggregationEnabled>true</AggregationEnabled>'
            f'<ShortTermMonitorEnabled>false</ShortTermMonitorEnabled>'
            f'<EnergyMonitorEnabled>{"true" if energy else "false"}</EnergyMonitorEnabled>'
            '</ManagedSystemPcmPreference:ManagedSystemPcmPreference>')


def preference(text: str, name: str) -> str:
    return etree.fromstring(text.encode()).find(f".//{{{PCM_NS}}}{name}").text


async def test_preferences_follow_the_sample_rate_and_the_role(pcm: Pcm) -> None:
    path = f"/rest/api/pcm/ManagedSystem/{pcm.sys_uuid}/preferences"
    async with await pcm.session("view") as viewer:
        async with viewer.get(path) as resp:
            text = await resp.text()
        assert preference(text, "LongTermMonitorEnabled") == "true"
        assert preference(text, "AggregationEnabled") == "true"
        assert preference(text, "EnergyMonitoringCapable") == "false"
        async with viewer.post(path, data=hmci_preference_post(False)) as resp:
            assert resp.status == 403
            assert "HSCL350B" in await resp.text()
    assert pcm.engine.snapshot().frame.system.sample_rate == 30
    async with await pcm.session() as admin:
        async with admin.post(path, data=hmci_preference_post(False)) as resp:
            assert resp.status == 200
            assert preference(await resp.text(), "LongTermMonitorEnabled") == "false"
        assert pcm.engine.snapshot().frame.system.sample_rate == 0  # chlparutil -s 0
        async with admin.get(path.replace("preferences", "ProcessedMetrics")) as resp:
            assert resp.status == 204  # no long-term monitoring, no data
        async with admin.post(path, data=hmci_preference_post(True)) as resp:
            assert resp.status == 200
        assert pcm.engine.snapshot().frame.system.sample_rate == 30
        async with admin.post(path, data=hmci_preference_post(True, energy=True)) as resp:
            assert resp.status == 400 and "HSCL1382" in await resp.text()
        async with admin.post(path, data="<ManagedSystemPcmPreference><oops") as resp:
            assert resp.status == 400 and "HSCL1380" in await resp.text()
        async with admin.get(path.replace("preferences", "ProcessedMetrics?NoOfSamples=0")
                             ) as resp:
            assert resp.status == 400 and "HSCL1381" in await resp.text()
        async with admin.get(path.replace(pcm.sys_uuid, "0" * 8 + pcm.sys_uuid[8:])) as resp:
            assert resp.status == 404
    async with (aiohttp.ClientSession(pcm.url, connector=aiohttp.TCPConnector(ssl=False))
                as anon, anon.get(path) as resp):
        assert resp.status == 401


# ---------------------------------------------------------------- network, storage, memory


def io_rate(engine: Engine, adapter: Adapter, start: float, end: float) -> list[float]:
    """(received, sent) or (read, written) bytes per second of an adapter, from the
    engine's I/O load counters (engine/io_load.py)."""
    s = engine.io_load()
    i, j = list(s.times).index(start), list(s.times).index(end)
    values = s.adapters[adapter]
    return [round(float(values[m, j] - values[m, i]) / (s.seconds[j] - s.seconds[i]), 3)
            for m in (0, 1)]


async def test_network_and_storage_as_hmci_reads_them(pcm: Pcm) -> None:
    async with await pcm.session() as http:
        util = await hmci_refresh(
            http, f"/rest/api/pcm/ManagedSystem/{pcm.sys_uuid}/ProcessedMetrics?NoOfSamples=1",
            "ManagedSystem")
        assert util is not None
        lpar = await hmci_refresh(
            http, f"/rest/api/pcm/ManagedSystem/{pcm.sys_uuid}/LogicalPartition/"
            f"{pcm.lpar_uuid('oradb01')}/ProcessedMetrics?NoOfSamples=1", "LogicalPartition")
        assert lpar is not None
    e = pcm.engine
    vios = {v["name"]: v for v in util["utilSamples"][0]["viosUtil"]}
    # vios1 bridges every client (its SEA is PRIMARY); vios2's SEA is the idle backup
    [sea] = vios["vios1"]["network"]["sharedAdapters"]
    assert (sea["id"], sea["type"], sea["bridgedAdapters"]) == ("ent8", "sea", ["ent0", "ent4"])
    assert [sea["receivedBytes"], sea["sentBytes"]] == io_rate(
        e, Adapter(1, "sea", "ent8"), 120.0, 150.0)
    assert sea["sentBytes"] > 1e6 and sea["sentPackets"] == round(sea["sentBytes"] / 1024, 3)
    assert sea["transferredBytes"] == pytest.approx(sea["sentBytes"] + sea["receivedBytes"],
                                                    abs=0.002)
    assert vios["vios2"]["network"]["sharedAdapters"][0]["sentBytes"] == 0.0
    ports = {a["id"]: a for a in vios["vios1"]["network"]["genericAdapters"]}
    assert ports["ent0"]["sentBytes"] == sea["sentBytes"]  # the SEA's physical port
    frame = e.snapshot().frame
    clients = {pcm.lpar_uuid(p.name) for p in frame.partitions if p.active and not p.is_vios}
    assert set(vios["vios1"]["network"]["clientLpars"]) == clients
    assert vios["vios2"]["network"]["clientLpars"] == []
    # storage: vhosts and FC ports, NPIV clients on both VIOS
    vhosts = {a["id"]: a for a in vios["vios1"]["storage"]["genericVirtualAdapters"]}
    assert [vhosts["vhost0"]["readBytes"], vhosts["vhost0"]["writeBytes"]] == io_rate(
        e, Adapter(1, "vhost", "vhost0", 13), 120.0, 150.0)
    fcs = {a["id"]: a for a in vios["vios2"]["storage"]["fiberChannelAdapters"]}
    assert [fcs["fcs0"]["readBytes"], fcs["fcs0"]["writeBytes"]] == io_rate(
        e, Adapter(2, "fcs", "fcs0"), 120.0, 150.0)
    assert fcs["fcs0"]["readBytes"] > 0 and fcs["fcs0"]["runningSpeed"] == 8.0
    # oradb01's own view: its virtual Ethernet adapter through vios1's SEA carries what the
    # engine counted for it; its vSCSI disk through vhost0 (fail_over), NPIV over both VIOS
    [sample] = lpar["utilSamples"]
    [oradb] = sample["lparsUtil"]
    [eth] = oradb["network"]["virtualEthernetAdapters"]
    assert (eth["vlanId"], eth["viosId"], eth["sharedEthernetAdapterId"]) == (10, 1, "ent8")
    assert [eth["receivedBytes"], eth["sentBytes"]] == io_rate(
        e, Adapter(3, "veth", "C10", 10), 120.0, 150.0)
    s = e.io_load()
    i, j = list(s.times).index(120.0), list(s.times).index(150.0)
    net_in = (s.partitions[3][0, j] - s.partitions[3][0, i]) / 30
    assert eth["receivedBytes"] == round(net_in, 3)
    storage = oradb["storage"]
    assert [(a["id"], a["viosId"]) for a in storage["genericVirtualAdapters"]] == [
        ("vhost0", 1), ("vhost0", 2)]
    assert storage["genericVirtualAdapters"][1]["readBytes"] == 0.0  # the standby path
    vfc = storage["virtualFiberChannelAdapters"]
    assert [a["viosId"] for a in vfc] == [1, 2] and vfc[0]["readBytes"] == vfc[1]["readBytes"]
    disk_read = (s.partitions[3][2, j] - s.partitions[3][2, i]) / 30
    assert storage["genericVirtualAdapters"][0]["readBytes"] + 2 * vfc[0]["readBytes"] == \
        pytest.approx(disk_read, abs=0.002)
    assert vfc[0]["numOfReads"] == round(vfc[0]["readBytes"] / 65536, 3)
    # memory in use: the OS's computational memory (40 % of its 256 GB: no leak)
    assert oradb["memory"]["utilizedMem"] == round(0.4 * 256 * 1024, 3)
    assert vios["vios1"]["memory"]["utilizedMem"] == round(0.4 * 16 * 1024, 3)


async def test_a_memory_leak_shows_in_memory_in_use(pcm: Pcm) -> None:
    admin = Actor()
    assert pcm.engine.execute(ops.InjectFault(kind="memleak", location="nim01", rate=600),
                              admin).ok
    pcm.engine.step(60)  # 600 MB a minute for 60 s (the leak started at 150 s)
    async with await pcm.session() as http:
        util = await hmci_refresh(
            http, f"/rest/api/pcm/ManagedSystem/{pcm.sys_uuid}/LogicalPartition/"
            f"{pcm.lpar_uuid('nim01')}/ProcessedMetrics?NoOfSamples=2", "LogicalPartition")
    assert util is not None
    nim = pcm.engine.snapshot().frame.partition("nim01")
    assert nim is not None and nim.current is not None
    base = 0.4 * nim.current.desired_mem
    assert [s["lparsUtil"][0]["memory"]["utilizedMem"] for s in util["utilSamples"]] == [
        round(base + 300, 3), round(base + 600, 3)]
