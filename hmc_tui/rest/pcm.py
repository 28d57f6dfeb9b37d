"""Performance and Capacity Monitoring (PCM): the REST feeds that hmci, LPAR2RRD's REST mode
and nmon2influxdb read, computed from the engine's utilisation counters (engine/utilisation.py,
the same samples lslparutil prints).

- `GET|POST /rest/api/pcm/ManagedSystem/{uuid}/preferences`: ManagedSystemPcmPreference.
  LongTermMonitorEnabled is the frame's sample rate (`chlparutil -r config`): enabling it sets
  the default 30 s when sampling was off, disabling sets 0; both are the engine operation
  ChangeSampleRate with the REST user as actor (so a viewer gets HSCL350B). Aggregation and
  short-term monitoring are kept by the REST server (not in the frame file); this frame has no
  energy monitoring (EnergyMonitoringCapable false).
- `GET /rest/api/pcm/ManagedSystem/{uuid}/ProcessedMetrics?NoOfSamples=N` (or `StartTS=`,
  `EndTS=`, ISO 8601 times, for the samples ending between them): an Atom feed with
  one entry for the system whose `application/json` link is the samples' JSON, and one entry
  per active client partition linking to its own feed.
- `GET /rest/api/pcm/ManagedSystem/{uuid}/LogicalPartition/{uuid}/ProcessedMetrics`: that
  partition's feed (one JSON link).
- `GET /rest/api/pcm/ProcessedMetrics/{name}.json`: the JSON (`systemUtil` with `utilInfo` and
  `utilSamples`: serverUtil processor/memory/physicalProcessorPool/sharedProcessorPool,
  viosUtil, or lparsUtil), each figure a one-element array (metricArrayOrder ["AVG"]), the
  samples oldest first. The name carries the window (`ManagedSystem_UUID_START_END_FREQ`), so
  the JSON is rebuilt from the counters and a link stays valid while its samples are kept.

No samples yet (fewer than two at the sample rate, or sampling off): 204 No Content, as the
HMC answers when it has no data. Figures the engine does not model (network, storage,
utilizedMem, dispatch wait times) are left out rather than made up; hmci reads them as 0.
"""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from typing import Any

from aiohttp import web
from lxml import etree as ET

from engine.errors import HmcError
from engine.model import Frame, Partition
from engine.ops import ChangeSampleRate
from engine.snapshot import UtilSeries
from hmc_tui.rest import xml
from hmc_tui.rest.context import RestContext
from hmc_tui.rest.uuids import mtms, partition_uuid, system_uuid

PCM_NS = "http://www.ibm.com/xmlns/systems/power/firmware/pcm/mc/2012_10/"
PCM_ROOT = "/rest/api/pcm"
DEFAULT_RATE = 30  # what enabling long-term monitoring sets when sampling was off
MAX_SAMPLES = 2880  # the long-term samples the engine keeps
UTIL_VERSION = "1.3.0"
PREFS_TITLE = "Performance and Capacity Monitoring Preferences"
ENV_TYPES = {"aixlinux": "AIX/Linux", "os400": "IBM i", "vioserver": "Virtual IO Server"}

Series = Callable[[str, int], UtilSeries]  # (resource "lpar"|"pool", key) -> long samples
Uuid = Callable[[Partition], str]


# ---------------------------------------------------------------- time stamps


def _wall(frame: Frame, t: float) -> datetime:
    """Engine seconds on the frame's calendar (its epoch is UTC wall time)."""
    return (frame.system.epoch + timedelta(seconds=t)).replace(tzinfo=UTC)


def file_stamp(moment: datetime) -> str:
    """20200807T082500+0000, as in the HMC's JSON file names."""
    return moment.strftime("%Y%m%dT%H%M%S%z")


def json_stamp(moment: datetime) -> str:
    """2020-08-10T21:10:30+0000, as in utilInfo and sampleInfo."""
    return moment.strftime("%Y-%m-%dT%H:%M:%S%z")


def _parse_file_stamp(text: str) -> datetime:
    return datetime.strptime(text, "%Y%m%dT%H%M%S%z")


# ---------------------------------------------------------------- samples -> rates


@dataclass(frozen=True)
class Window:
    """The processed samples asked for: pairs (previous raw sample time, sample time)."""

    pairs: tuple[tuple[float, float], ...]

    @property
    def start(self) -> float:
        return self.pairs[0][1]

    @property
    def end(self) -> float:
        return self.pairs[-1][1]

    def __bool__(self) -> bool:
        return bool(self.pairs)


def window(times: Sequence[float], count: int | None = None, start: float | None = None,
           end: float | None = None) -> Window:
    """The last `count` intervals of the timeline `times` (oldest first), or those whose end
    lies in [start, end]."""
    pairs = [(times[i - 1], times[i]) for i in range(1, len(times))]
    if start is not None:
        pairs = [p for p in pairs if p[1] >= start - 1e-6]
    if end is not None:
        pairs = [p for p in pairs if p[1] <= end + 1e-6]
    if count is not None:
        pairs = pairs[-count:] if count > 0 else []
    return Window(tuple(pairs))


def rates(series: UtilSeries, win: Window, per: str = "time_cycles"
          ) -> dict[str, list[float | None]]:
    """Counter rates (cores) for each interval of `win`: d(counter) / d(time_cycles). None
    where the series has no sample at either end (the partition did not exist yet)."""
    at = {round(t, 6): i for i, t in enumerate(series.times)}
    out: dict[str, list[float | None]] = {n: [] for n in series.counters if n != per}
    base = series.counters.get(per, ())
    for before, after in win.pairs:
        i, j = at.get(round(before, 6)), at.get(round(after, 6))
        ok = i is not None and j is not None and base[j] > base[i]
        for name in out:
            if ok:
                assert i is not None and j is not None
                values = series.counters[name]
                out[name].append((values[j] - values[i]) / (base[j] - base[i]))
            else:
                out[name].append(None)
    return out


def _v(value: float | None) -> list[float]:
    """One figure as the HMC writes it: a one-element array (metricArrayOrder AVG), 3 places."""
    return [round(value or 0.0, 3)]


@dataclass(frozen=True)
class LparRates:
    entitled: float
    capped: float
    uncapped: float
    idle: float
    donated: float

    @property
    def utilized(self) -> float:
        # Dedicated partitions accrue their owned cores as capped cycles and the idle part
        # as idle cycles; shared ones accrue no idle cycles. Used = capped + uncapped - idle.
        return max(self.capped + self.uncapped - self.idle, 0.0)


def lpar_rates(series: UtilSeries, win: Window) -> list[LparRates]:
    r = rates(series, win)

    def col(name: str) -> list[float | None]:
        return r.get(name, [None] * len(win.pairs))

    return [LparRates(e or 0.0, c or 0.0, u or 0.0, i or 0.0, d or 0.0) for e, c, u, i, d in zip(
        col("entitled_cycles"), col("capped_cycles"), col("uncapped_cycles"),
        col("idle_cycles"), col("shared_cycles_while_active"), strict=True)]


# ---------------------------------------------------------------- JSON builders


def _os_type(p: Partition) -> str:
    text = p.os_version.upper()
    if p.is_vios or text.startswith("VIOS"):
        return "VIOS"
    if text.startswith("AIX"):
        return "AIX"
    if p.env == "os400" or text.startswith("IBM I"):
        return "IBM i"
    return "Linux"


def _processor(p: Partition, r: LparRates) -> dict[str, Any]:
    res = p.settings()
    block: dict[str, Any] = {}
    if res.shared:
        block.update(poolId=res.shared_proc_pool_id, weight=res.uncap_weight)
    block["mode"] = res.sharing_mode
    block.update(
        maxVirtualProcessors=_v(res.max_procs),
        currentVirtualProcessors=_v(res.desired_procs if p.active else 0),
        maxProcUnits=_v(res.max_proc_units if res.shared else res.max_procs),
        entitledProcUnits=_v(r.entitled),
        utilizedProcUnits=_v(r.utilized),
        utilizedCappedProcUnits=_v(max(r.capped - r.idle, 0.0)),
        utilizedUncappedProcUnits=_v(r.uncapped),
        idleProcUnits=_v(r.idle),
        donatedProcUnits=_v(r.donated),
    )
    return block


def lpar_util(p: Partition, uuid: str, r: LparRates) -> dict[str, Any]:
    """One partition in `lparsUtil` (a client partition's own ProcessedMetrics)."""
    mem = p.settings().desired_mem if p.active else 0
    return {
        "id": p.id, "uuid": uuid, "name": p.name, "state": p.state,
        "type": ENV_TYPES[p.env], "osType": _os_type(p), "affinityScore": 100,
        "memory": {"logicalMem": _v(mem), "backedPhysicalMem": _v(mem)},
        "processor": _processor(p, r),
    }


def vios_util(p: Partition, uuid: str, r: LparRates) -> dict[str, Any]:
    """One VIOS in the managed system's `viosUtil`."""
    mem = p.settings().desired_mem if p.active else 0
    return {
        "id": p.id, "uuid": uuid, "name": p.name, "state": p.state, "affinityScore": 100,
        "memory": {"assignedMem": _v(mem)},
        "processor": _processor(p, r),
    }


def _util_info(frame: Frame, win: Window, rate: int) -> dict[str, Any]:
    s = frame.system
    return {
        "version": UTIL_VERSION, "metricType": "Processed", "frequency": rate,
        "startTimeStamp": json_stamp(_wall(frame, win.start)),
        "endTimeStamp": json_stamp(_wall(frame, win.end)),
        "mtms": mtms(s), "name": s.name, "uuid": system_uuid(s), "metricArrayOrder": ["AVG"],
    }


def _sample_info(frame: Frame, t: float) -> dict[str, Any]:
    return {"timeStamp": json_stamp(_wall(frame, t)), "status": 0}


def _physical_pool_size(frame: Frame) -> float:
    dedicated = sum(p.current.desired_procs for p in frame.partitions
                    if p.current is not None and not p.current.shared)
    return float(frame.system.configurable_procs - dedicated)


def system_metrics(frame: Frame, series: Series, win: Window, rate: int,
                   lpar_uuid: Uuid | None = None) -> dict[str, Any]:
    """The managed system's ProcessedMetrics JSON for the intervals of `win`."""
    uuid_of = lpar_uuid or (lambda p: partition_uuid(frame.system, p))
    per_lpar = {p.id: lpar_rates(series("lpar", p.id), win) for p in frame.partitions}
    active_pools = [pool for pool in frame.pools if pool.id == 0 or pool.max_proc_units > 0]
    pool_rates = {pool.id: rates(series("pool", pool.id), win) for pool in active_pools}
    entitled = frame.pools_entitled()
    s = frame.system
    assigned_mem = sum(p.current.desired_mem for p in frame.partitions if p.current is not None)
    physical = _physical_pool_size(frame)
    samples = []
    for k, (_, t) in enumerate(win.pairs):
        used = sum(per_lpar[p.id][k].utilized for p in frame.partitions)
        borrowed = sum(per_lpar[p.id][k].donated for p in frame.partitions
                       if p.current is not None and not p.current.shared)
        # The physical shared pool: DefaultPool's size (every core no dedicated partition
        # holds, plus the idle cycles dedicated partitions lend), used by all shared pools.
        pool_size = pool_rates[0]["total_pool_cycles"][k] or 0.0
        pool_used = sum(pool_rates[pool.id]["utilized_pool_cycles"][k] or 0.0
                        for pool in active_pools)
        shared_pools = []
        for pool in active_pools:
            r = pool_rates[pool.id]
            size = r["total_pool_cycles"][k] or 0.0
            utilized = r["utilized_pool_cycles"][k] or 0.0
            # DefaultPool may use whatever the other pools leave of the physical pool.
            left = size - (pool_used if pool.id == 0 else utilized)
            shared_pools.append({
                "id": pool.id, "name": pool.name,
                "assignedProcUnits": _v(entitled[pool.id]),
                "utilizedProcUnits": _v(utilized),
                "availableProcUnits": _v(max(left, 0.0)),
                "configuredProcUnits": _v(physical if pool.id == 0 else pool.max_proc_units),
                "borrowedProcUnits": _v(0.0),
            })
        samples.append({
            "sampleType": "ManagedSystem",
            "sampleInfo": _sample_info(frame, t),
            "systemFirmwareUtil": {"utilizedProcUnits": _v(0.0),
                                   "assignedMem": _v(frame.firmware_mem())},
            "serverUtil": {
                "processor": {
                    "totalProcUnits": _v(s.installed_procs),
                    "utilizedProcUnits": _v(used),
                    "availableProcUnits": _v(frame.avail_proc_units()),
                    "configurableProcUnits": _v(s.configurable_procs),
                },
                "memory": {
                    "totalMem": _v(s.installed_mem),
                    "availableMem": _v(frame.avail_mem()),
                    "configurableMem": _v(s.configurable_mem),
                    "assignedMemToLpars": _v(assigned_mem),
                },
                "physicalProcessorPool": {
                    "assignedProcUnits": _v(pool_size),
                    "utilizedProcUnits": _v(pool_used),
                    "availableProcUnits": _v(max(pool_size - pool_used, 0.0)),
                    "configuredProcUnits": _v(physical),
                    "borrowedProcUnits": _v(borrowed),
                },
                "sharedProcessorPool": shared_pools,
            },
            "viosUtil": [vios_util(p, uuid_of(p), per_lpar[p.id][k])
                         for p in frame.partitions if p.is_vios and p.active],
        })
    return {"systemUtil": {"utilInfo": _util_info(frame, win, rate), "utilSamples": samples}}


def partition_metrics(frame: Frame, p: Partition, series: Series, win: Window, rate: int,
                      lpar_uuid: Uuid | None = None) -> dict[str, Any]:
    """One partition's ProcessedMetrics JSON (sampleType LogicalPartition, lparsUtil)."""
    uuid = (lpar_uuid or (lambda q: partition_uuid(frame.system, q)))(p)
    per = lpar_rates(series("lpar", p.id), win)
    samples = [{
        "sampleType": "LogicalPartition",
        "sampleInfo": _sample_info(frame, t),
        "lparsUtil": [lpar_util(p, uuid, per[k])],
    } for k, (_, t) in enumerate(win.pairs)]
    return {"systemUtil": {"utilInfo": _util_info(frame, win, rate), "utilSamples": samples}}


# ---------------------------------------------------------------- Atom builders


def json_name(kind: str, uuid: str, frame: Frame, win: Window, rate: int) -> str:
    """ManagedSystem_UUID_START_END_FREQ.json, the HMC's name for a samples file."""
    return (f"{kind}_{uuid}_{file_stamp(_wall(frame, win.start))}_"
            f"{file_stamp(_wall(frame, win.end))}_{rate}.json")


JSON_NAME = re.compile(r"^(?P<kind>ManagedSystem|LogicalPartition)_(?P<uuid>[0-9A-Fa-f-]{36})_"
                       r"(?P<start>\d{8}T\d{6}[+-]\d{4})_(?P<end>\d{8}T\d{6}[+-]\d{4})_"
                       r"(?P<rate>\d+)\.json$")


def _atom(tag: str) -> str:
    return f"{{{xml.ATOM_NS}}}{tag}"


def _entry(entry_id: str, title: str, when: datetime, href: str, link_type: str,
           term: str, rate: int | None = None) -> Any:
    node = ET.Element(_atom("entry"), nsmap={None: xml.ATOM_NS})
    ET.SubElement(node, _atom("id")).text = entry_id
    ET.SubElement(node, _atom("updated")).text = when.isoformat(timespec="milliseconds")
    ET.SubElement(node, _atom("title"), {"type": "text"}).text = title
    ET.SubElement(node, _atom("published")).text = when.isoformat(timespec="milliseconds")
    ET.SubElement(node, _atom("link"), {"type": link_type, "href": href})
    author = ET.SubElement(node, _atom("author"))
    ET.SubElement(author, _atom("name")).text = xml.AUTHOR
    category = {"term": term} if rate is None else {"term": term, "frequency": str(rate)}
    ET.SubElement(node, _atom("category"), category)
    return node


def _feed(feed_id: str, title: str, subtitle: str, self_href: str, when: datetime,
          entries: Iterable[Any]) -> Any:
    node = ET.Element(_atom("feed"), nsmap={None: xml.ATOM_NS})
    ET.SubElement(node, _atom("id")).text = feed_id
    ET.SubElement(node, _atom("updated")).text = when.isoformat(timespec="milliseconds")
    ET.SubElement(node, _atom("title"), {"type": "text"}).text = title
    ET.SubElement(node, _atom("subtitle"), {"type": "text"}).text = subtitle
    ET.SubElement(node, _atom("link"), {"rel": "self", "href": self_href})
    ET.SubElement(node, _atom("generator"), {"uri": xml.AUTHOR, "version": "1"})
    node.extend(entries)
    return node


def _entry_id(*parts: object) -> str:
    import uuid

    return str(uuid.uuid5(uuid.NAMESPACE_URL, "pcm/" + "/".join(str(p) for p in parts)))


def system_feed(frame: Frame, win: Window, rate: int, base: str,
                lpar_uuid: Uuid | None = None) -> bytes:
    """The ManagedSystem ProcessedMetrics feed: the system's JSON link, then a link to each
    active client partition's own feed."""
    sys_id = system_uuid(frame.system)
    uuid_of = lpar_uuid or (lambda p: partition_uuid(frame.system, p))
    end = _wall(frame, win.end)
    name = json_name("ManagedSystem", sys_id, frame, win, rate)
    entries = [_entry(_entry_id(name), name, end, f"{base}{PCM_ROOT}/ProcessedMetrics/{name}",
                      "application/json", "ManagedSystem", rate)]
    for p in frame.partitions:
        if p.active and not p.is_vios:
            uuid = uuid_of(p)
            entries.append(_entry(
                _entry_id(sys_id, uuid, win.end), f"LogicalPartition_{uuid}", end,
                f"{base}{PCM_ROOT}/ManagedSystem/{sys_id}/LogicalPartition/{uuid}/"
                "ProcessedMetrics", "application/atom+xml", "LogicalPartition"))
    return xml.to_bytes(_feed(sys_id, "ProcessedMetrics", f"ManagedSystem {sys_id}",
                              f"{base}{PCM_ROOT}/ManagedSystem/{sys_id}/ProcessedMetrics", end,
                              entries))


def partition_feed(frame: Frame, p: Partition, win: Window, rate: int, base: str,
                   lpar_uuid: Uuid | None = None) -> bytes:
    sys_id = system_uuid(frame.system)
    uuid = (lpar_uuid or (lambda q: partition_uuid(frame.system, q)))(p)
    end = _wall(frame, win.end)
    name = json_name("LogicalPartition", uuid, frame, win, rate)
    entry = _entry(_entry_id(name), name, end, f"{base}{PCM_ROOT}/ProcessedMetrics/{name}",
                   "application/json", "LogicalPartition", rate)
    return xml.to_bytes(_feed(
        uuid, "ProcessedMetrics", f"LogicalPartition {uuid}",
        f"{base}{PCM_ROOT}/ManagedSystem/{sys_id}/LogicalPartition/{uuid}/ProcessedMetrics",
        end, [entry]))


# ---------------------------------------------------------------- preferences


@dataclass(frozen=True)
class PcmPreferences:
    """What the REST server keeps per managed system (long-term monitoring is the frame's
    sample rate, read from the frame each time)."""

    aggregation: bool = True
    short_term: bool = False
    compute_ltm: bool = True


PREF_FIELDS = {"LongTermMonitorEnabled": "long_term", "AggregationEnabled": "aggregation",
               "ShortTermMonitorEnabled": "short_term", "ComputeLTMEnabled": "compute_ltm",
               "EnergyMonitorEnabled": "energy"}


def preferences_feed(frame: Frame, prefs: PcmPreferences, base: str) -> bytes:
    s = frame.system
    sys_id = system_uuid(s)
    now = datetime.now(UTC)

    def q(tag: str) -> str:
        return f"{{{PCM_NS}}}{tag}"

    pref = ET.Element(q("ManagedSystemPcmPreference"), {"schemaVersion": "V1_5_3"},
                      nsmap={None: PCM_NS, "ManagedSystemPcmPreference": PCM_NS})
    atom = ET.SubElement(ET.SubElement(pref, q("Metadata")), q("Atom"))
    ET.SubElement(atom, q("AtomID")).text = sys_id

    def put(parent: Any, tag: str, value: object, kb: str = "ROR") -> None:
        node = ET.SubElement(parent, q(tag), {"kb": kb, "kxe": "false"})
        node.text = "true" if value is True else "false" if value is False else str(value)

    put(pref, "SystemName", s.name)
    model = ET.SubElement(pref, q("MachineTypeModelSerialNumber"),
                          {"kb": "ROR", "kxe": "false", "schemaVersion": "V1_5_3"})
    ET.SubElement(ET.SubElement(model, q("Metadata")), q("Atom"))
    machine_type, _, model_name = s.mtm.partition("-")
    put(model, "MachineType", machine_type)
    put(model, "Model", model_name)
    put(model, "SerialNumber", s.serial)
    put(pref, "EnergyMonitoringCapable", False, "ROO")
    put(pref, "LongTermMonitorEnabled", s.sample_rate > 0, "UOD")
    put(pref, "AggregationEnabled", prefs.aggregation, "UOD")
    put(pref, "ShortTermMonitorEnabled", prefs.short_term, "UOD")
    put(pref, "ComputeLTMEnabled", prefs.compute_ltm, "UOD")
    put(pref, "EnergyMonitorEnabled", False, "UOD")
    ET.SubElement(pref, q("AssociatedManagedSystem"), {
        "kxe": "false", "kb": "ROO", "rel": "related",
        "href": f"{base}/rest/api/uom/ManagedSystem/{sys_id}"})
    entry = ET.Element(_atom("entry"), nsmap={None: xml.ATOM_NS})
    ET.SubElement(entry, _atom("id")).text = _entry_id("prefs", sys_id)
    ET.SubElement(entry, _atom("updated")).text = now.isoformat(timespec="milliseconds")
    ET.SubElement(entry, _atom("title"), {"type": "text"}).text = PREFS_TITLE
    ET.SubElement(entry, _atom("published")).text = now.isoformat(timespec="milliseconds")
    author = ET.SubElement(entry, _atom("author"))
    ET.SubElement(author, _atom("name")).text = xml.AUTHOR
    ET.SubElement(entry, _atom("content"), {"type": "application/xml"}).append(pref)
    return xml.to_bytes(_feed(sys_id, PREFS_TITLE, "",
                              f"{base}{PCM_ROOT}/ManagedSystem/{sys_id}/preferences", now,
                              [entry]))


def parse_preferences(body: bytes) -> dict[str, bool]:
    """The settings a POSTed ManagedSystemPcmPreference gives (bare, as hmci sends it, or in
    an Atom entry or feed), by field name of PREF_FIELDS' values; HmcError HSCL1380 when it
    is not one."""
    try:
        root = ET.fromstring(body, xml._PARSER)
    except ET.XMLSyntaxError as exc:
        raise HmcError("HSCL1380", reason=f"not well-formed XML ({exc})") from None
    prefs = next((n for n in root.iter() if isinstance(n.tag, str)
                  and n.tag.rsplit("}", 1)[-1].rsplit(":", 1)[-1]
                  == "ManagedSystemPcmPreference"), None)
    if prefs is None:
        raise HmcError("HSCL1380", reason="no ManagedSystemPcmPreference element")
    found: dict[str, bool] = {}
    for node in prefs:
        if not isinstance(node.tag, str):
            continue
        tag = node.tag.rsplit("}", 1)[-1]
        if tag in PREF_FIELDS:
            text = (node.text or "").strip().lower()
            if text not in ("true", "false"):
                raise HmcError("HSCL1380", reason=f"{tag} must be true or false, not "
                               f"{node.text!r}")
            found[PREF_FIELDS[tag]] = text == "true"
    return found


# ---------------------------------------------------------------- routes


@dataclass
class PcmState:
    prefs: dict[str, PcmPreferences] = field(default_factory=dict)


def _time_param(request: web.Request, name: str, frame: Frame) -> float | None:
    """StartTS / EndTS (2026-01-05T08:00:00Z, or with an offset) in engine seconds."""
    text = request.query.get(name)
    if text is None:
        return None
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise HmcError("HSCL1383", name=name, value=text) from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return (moment - frame.system.epoch.replace(tzinfo=UTC)).total_seconds()


def window_params(request: web.Request, frame: Frame, times: Sequence[float]) -> Window:
    """The window a feed request asks for: NoOfSamples (the latest N; 1 when no time is
    given), StartTS and EndTS (samples ending within them; all of them unless NoOfSamples
    also limits the count)."""
    start = _time_param(request, "StartTS", frame)
    end = _time_param(request, "EndTS", frame)
    text = request.query.get("NoOfSamples")
    if text is None:
        count = 1 if start is None and end is None else None
    elif not text.isdecimal() or not 1 <= int(text) <= MAX_SAMPLES:
        raise HmcError("HSCL1381", value=text, high=MAX_SAMPLES)
    else:
        count = int(text)
    return window(times, count, start, end)


def pcm_routes(ctx: RestContext) -> list[web.RouteDef]:
    """The PCM routes for the REST application (hmc_tui/rest/server.py registers them)."""
    from hmc_tui.rest.auth import require_session
    from hmc_tui.rest.errors import RestError, rest_error

    engine = ctx.engine
    state = PcmState()

    def reader(times: Sequence[float], win: Window) -> Series:
        """Samples from the window's first one on: a day of them for 1000 partitions is
        17 M counters, of which a request needs a few."""
        need = len(times) - list(times).index(win.pairs[0][0])

        def series(resource: str, key: int) -> UtilSeries:
            return engine.utilisation("lpar" if resource == "lpar" else "pool", key, "long",
                                      last=need)
        return series

    def base(request: web.Request) -> str:
        return f"{request.scheme}://{request.host}"

    def system(request: web.Request) -> Frame:
        frame = engine.snapshot().frame
        if request.match_info["uuid"].lower() != system_uuid(frame.system).lower():
            raise rest_error(404, "HSCL1364", uri=request.path)
        return frame

    def partition(request: web.Request, frame: Frame, uuid: str) -> Partition:
        for p in frame.partitions:
            if partition_uuid(frame.system, p).lower() == uuid.lower():
                return p
        raise rest_error(404, "HSCL1364", uri=request.path)

    def timeline() -> tuple[float, ...]:
        return engine.utilisation("pool", 0, "long").times

    def xml_response(body: bytes) -> web.Response:
        return web.Response(body=body, headers={"Content-Type": xml.ATOM_TYPE})

    async def get_preferences(request: web.Request) -> web.StreamResponse:
        require_session(request)
        frame = system(request)
        prefs = state.prefs.get(system_uuid(frame.system), PcmPreferences())
        return xml_response(preferences_feed(frame, prefs, base(request)))

    async def post_preferences(request: web.Request) -> web.StreamResponse:
        session = require_session(request)
        frame = system(request)
        try:
            wanted = parse_preferences(await request.read())
        except HmcError as exc:
            raise RestError(400, exc) from None
        if wanted.get("energy"):
            raise rest_error(400, "HSCL1382", name=frame.system.name)
        sys_id = system_uuid(frame.system)
        long_term = wanted.get("long_term")
        if long_term is not None and long_term != (frame.system.sample_rate > 0):
            rate = DEFAULT_RATE if long_term else 0
            # execute(): applied at the next tick boundary, or at once without a clock thread
            result = await asyncio.to_thread(engine.execute, ChangeSampleRate(sample_rate=rate),
                                             session.actor)
            if not result.ok:  # a viewer: HSCL350B, the HMC's authority error
                raise RestError(403 if result.code == "HSCL350B" else 400, str(result))
            frame = engine.snapshot().frame
        current = state.prefs.get(sys_id, PcmPreferences())
        changes = {k: v for k, v in wanted.items() if k in ("aggregation", "short_term",
                                                             "compute_ltm")}
        if changes:
            if session.actor.role == "hmcviewer":
                raise RestError(403, HmcError("HSCL350B", user=session.user,
                                              task="performance monitoring settings"))
            current = replace(current, **changes)
            state.prefs[sys_id] = current
        return xml_response(preferences_feed(frame, current, base(request)))

    async def system_metrics_feed(request: web.Request) -> web.StreamResponse:
        require_session(request)
        frame = system(request)
        win = window_params(request, frame, timeline())
        if frame.system.sample_rate == 0 or not win:
            return web.Response(status=204)
        # 1000 partitions: ~0.1 s of XML building, off the event loop
        return xml_response(await asyncio.to_thread(
            system_feed, frame, win, frame.system.sample_rate, base(request)))

    async def partition_metrics_feed(request: web.Request) -> web.StreamResponse:
        require_session(request)
        frame = system(request)
        p = partition(request, frame, request.match_info["lpar"])
        win = window_params(request, frame, timeline())
        if frame.system.sample_rate == 0 or not win:
            return web.Response(status=204)
        return xml_response(partition_feed(frame, p, win, frame.system.sample_rate,
                                           base(request)))

    async def metrics_json(request: web.Request) -> web.StreamResponse:
        require_session(request)
        match = JSON_NAME.match(request.match_info["name"])
        if match is None:
            raise rest_error(404, "HSCL1364", uri=request.path)
        frame = engine.snapshot().frame
        epoch = frame.system.epoch.replace(tzinfo=UTC)
        start = (_parse_file_stamp(match["start"]) - epoch).total_seconds()
        end = (_parse_file_stamp(match["end"]) - epoch).total_seconds()
        times = timeline()
        win = window(times, start=start, end=end)
        if not win:  # aged out of the kept samples, or never there
            raise rest_error(404, "HSCL1364", uri=request.path)
        rate = int(match["rate"])
        series = reader(times, win)
        if match["kind"] == "ManagedSystem":
            if match["uuid"].lower() != system_uuid(frame.system).lower():
                raise rest_error(404, "HSCL1364", uri=request.path)
            # every partition's counters: off the event loop (1000 partitions: ~0.2 s)
            text = await asyncio.to_thread(
                lambda: json.dumps(system_metrics(frame, series, win, rate)))
        else:
            p = partition(request, frame, match["uuid"])
            text = json.dumps(partition_metrics(frame, p, series, win, rate))
        return web.Response(text=text, content_type="application/json")

    sys_path = PCM_ROOT + "/ManagedSystem/{uuid}"
    return [
        web.get(sys_path + "/preferences", get_preferences),
        web.post(sys_path + "/preferences", post_preferences),
        web.get(sys_path + "/ProcessedMetrics", system_metrics_feed),
        web.get(sys_path + "/LogicalPartition/{lpar}/ProcessedMetrics", partition_metrics_feed),
        web.get(PCM_ROOT + "/ProcessedMetrics/{name}", metrics_json),
    ]
