"""PCM's XML: the ProcessedMetrics Atom feeds (links to the JSON samples and to each
partition's feed, as the HMC writes them) and the ManagedSystemPcmPreference, read and
written. See hmc_tui/rest/pcm.py for the routes."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from lxml import etree as ET

from engine.errors import HmcError
from engine.model import Frame, Partition
from hmc_tui.rest import xml
from hmc_tui.rest.pcm_samples import Uuid, Window, file_stamp, wall
from hmc_tui.rest.uuids import partition_uuid, system_uuid

PCM_NS = "http://www.ibm.com/xmlns/systems/power/firmware/pcm/mc/2012_10/"
PCM_ROOT = "/rest/api/pcm"
PREFS_TITLE = "Performance and Capacity Monitoring Preferences"


# ---------------------------------------------------------------- Atom builders


def json_name(kind: str, uuid: str, frame: Frame, win: Window, rate: int) -> str:
    """ManagedSystem_UUID_START_END_FREQ.json, the HMC's name for a samples file."""
    return (f"{kind}_{uuid}_{file_stamp(wall(frame, win.start))}_"
            f"{file_stamp(wall(frame, win.end))}_{rate}.json")


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
    end = wall(frame, win.end)
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
    end = wall(frame, win.end)
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
