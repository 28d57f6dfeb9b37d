"""Physical I/O slots (lshwres -r io) and their ports: from the extras, from the
VIOS's own listings, or as lsmap -npiv names a port an NPIV mapping uses.
"""

from __future__ import annotations

from engine.model import NpivMapping, PhysicalAdapter, PhysicalPort
from hmc_tui.hmccli.capture_parse import Capture, CaptureError, columns, need, split_rows
from hmc_tui.hmccli.importer.reader import Lpars, Reader


def _guess_kind(description: str) -> str:
    """An adapter kind from its description, when the extras do not name it."""
    text = description.lower()
    if "fibre" in text or " fc " in f" {text} ":
        return "fc"
    if "nvme" in text:
        return "nvme"
    if "ethernet" in text or "gbe" in text or "network" in text:
        return "eth"
    return "sas"


def read_io(r: Reader, lpars: Lpars) -> list[PhysicalAdapter]:
    """Physical I/O slots; one owned by a partition not in the captures stays unassigned."""
    records = r.records("lshwres_r_io_rsubtype_slot", "no physical adapters")
    out: list[PhysicalAdapter] = []
    for cap, line, rec in records or []:
        if "drc_index" not in rec or "drc_name" not in rec:
            r.warn(f"{cap.source}:{line}: an I/O slot without drc_index or drc_name: "
                   "not placed")
            continue
        drc, location = rec["drc_index"], rec["drc_name"]
        description = rec.get("description", "")
        owner_text = rec.get("lpar_id", "none")
        owner = None if owner_text in ("none", "") else (
            int(owner_text) if owner_text.isdecimal() else -1)
        if owner is not None and owner not in lpars:
            r.warn(f"{cap.source}:{line}: slot {location} belongs to partition {owner}, "
                   "not in lssyscfg_r_lpar: imported unassigned")
            owner = None
        kind = r.extras.adapter.get(drc) or _guess_kind(description)
        ports = tuple(_extra_ports(r, drc))
        found = r.lenient(cap, line, PhysicalAdapter, f"I/O slot {location}",
                          drc_index=drc, location=location, description=description,
                          kind=kind, owner=owner, ports=ports)
        if found is not None:
            out.append(found)
    return out


def _extra_ports(r: Reader, drc: str) -> list[PhysicalPort]:
    """The ports the extras list for an adapter (DRC index)."""
    return [r.model(
        cap, line, PhysicalPort, name=need(cap, line, rec, "name")[0],
        location=rec.get("location", ""), wwpn=rec.get("wwpn", ""), mac=rec.get("mac", ""),
        npiv=rec.get("npiv", "1") == "1",
        max_npiv=r.number(cap, line, rec.get("max_npiv", "64"), int, "max_npiv"))
        for cap, line, rec in r.extras.port.get(drc, [])]


def npiv_ports(r: Reader, name: str, lid: int, npiv: list[NpivMapping],
               locations: dict[str, str], io_adapters: list[PhysicalAdapter]) -> None:
    """Keep every FC port an NPIV mapping uses, as `lsmap -npiv` names it: on the I/O
    slot its location code lies in, else on an adapter whose DRC index is unknown."""
    owned = {pt.name for a in io_adapters if a.owner == lid for pt in a.ports}
    used = {m.port: sum(1 for x in npiv if x.port == m.port) for m in npiv}
    for port, count in used.items():
        if port in owned:
            continue
        location = locations.get(port, "")
        slot = location.rsplit("-T", 1)[0] if "-T" in location else location
        port_model = PhysicalPort(
            name=port, location=location, max_npiv=max(64, count),
            unknown=("wwpn", "npiv", "max_npiv"))
        k = next((i for i, a in enumerate(io_adapters) if a.owner == lid
                  and a.location == slot and slot and a.drc_index), None)
        if k is not None:
            a = io_adapters[k]
            io_adapters[k] = a.model_copy(update={"ports": (*a.ports, port_model)})
            continue
        k = next((i for i, a in enumerate(io_adapters) if not a.drc_index
                  and a.owner == lid and a.location == slot), None)
        if k is not None:
            a = io_adapters[k]
            io_adapters[k] = a.model_copy(update={"ports": (*a.ports, port_model)})
        else:
            io_adapters.append(PhysicalAdapter(
                drc_index="", location=slot, description="", kind="fc", owner=lid,
                ports=(port_model,)))
        r.warn(f"{name}: {port} ({location or 'location not shown'}) is used by NPIV "
               "mappings but is in no I/O capture: kept as lsmap -npiv names it, its "
               "adapter's DRC index, its WWPN and NPIV capacity unknown")


def derive_ports(r: Reader, lid: int, caps: dict[str, Capture],
                 io_adapters: list[PhysicalAdapter], locations: dict[str, str]) -> None:
    """Ports of this VIOS's physical adapters from its own listings (no extras)."""
    owned = [i for i, a in enumerate(io_adapters) if a.owner == lid]
    if not owned:
        return
    npiv: dict[str, int] = {}
    if "lsnports" in caps:
        try:
            rows = split_rows(caps["lsnports"], 7)
        except CaptureError as err:
            r.warn(f"{err}: capture {caps['lsnports'].key} not used")
            rows = []
        for _, row in rows:
            if row[3].isdecimal():
                npiv[row[0]] = int(row[3])
                locations.setdefault(row[0], row[1])
    by_description: dict[str, list[str]] = {}
    if "lsdev_type_adapter" in caps:
        for _, listed in columns(caps["lsdev_type_adapter"]):
            by_description.setdefault(listed.get("description", ""), []).append(
                listed.get("name", ""))
    for description, ports in by_description.items():
        mine = [i for i in owned if io_adapters[i].description == description]
        if not mine:
            continue
        share = max(1, len(ports) // len(mine))
        for k, i in enumerate(mine):
            a = io_adapters[i]
            made = [PhysicalPort(
                name=port, location=locations.get(port, f"{a.location}-T{j + 1}"),
                npiv=port in npiv if "lsnports" in caps and a.kind == "fc" else True,
                max_npiv=npiv.get(port, 64))
                for j, port in enumerate(ports[k * share:(k + 1) * share])]
            io_adapters[i] = a.model_copy(update={"ports": tuple(made)})
