"""Mapping changes in a `POST` of an edited VirtualIOServer, as pypowervm's scsi_mapper
(add_vscsi_mapping, remove_maps) and vfc_mapper (add_map on an existing adapter,
remove_maps) send them: the client reads the VIOS with the mapping groups, edits the
VirtualSCSIMappings / VirtualFibreChannelMappings lists and posts the whole VIOS back.

The posted lists are compared with the VIOS as it is now and each difference becomes the
engine operation the VIOS command for it runs (the same ones `viosvrcmd` runs):

- a vSCSI mapping gone from the list: `rmvdev -vtd` (unmap_vscsi); the adapters stay;
- a new vSCSI mapping on an existing server adapter: `mkvdev -vdev` (map_vscsi) for a
  PhysicalVolume or VirtualDisk, `mkvdev -fbo` + `loadopt` for VirtualOpticalMedia;
- a vFC mapping whose Port is gone (or the mapping gone): `vfcmap -fcp` (unmap_npiv); a
  Port on an existing vfchost: `vfcmap -fcp fcsN` (map_npiv).

A mapping that needs new virtual adapters (no server slot: pypowervm's "use the next
free slot") is refused (HSCL1384): this console does not create the adapter pair in a
VIOS update (chhwres -r virtualio does); so is a storage kind the frame does not model
(HSCL1385, a shared storage pool LU) and a slot that is not a server adapter of the VIOS
(HSCL1386). A list the body leaves out (a group not read) changes nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from engine import ops
from engine import vios as names
from engine.errors import HmcError
from engine.model import Frame, Partition
from engine.ops.vio import LIBRARY, media_name
from hmc_tui.rest import uuids
from hmc_tui.rest import xml as x

STORAGE_KINDS = ("PhysicalVolume", "VirtualDisk", "VirtualOpticalMedia")
STORAGE_NAMES = {"PhysicalVolume": "VolumeName", "VirtualDisk": "DiskName",
                 "VirtualOpticalMedia": "MediaName"}
WWPN = re.compile(r"^[0-9a-f]{16}$")
DEVICE_NAME = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.-]{0,14}$")  # an AIX device name


@dataclass(frozen=True)
class Posted:
    """One VirtualSCSIMapping of the body: server slot (None: a new adapter pair, for the
    partition `client` names, in its slot `client_slot` or the next free one), the storage
    kind and name (None: none), the target device name (None: the VIOS picks one)."""

    slot: int | None
    kind: str | None
    name: str | None
    vtd: str | None
    client: str | None = None
    client_slot: int | None = None


class Slots:
    """Virtual slots taken, per partition id: the frame's and those this update adds."""

    def __init__(self, frame: Frame) -> None:
        self.taken = {p.id: {a.slot for a in p.adapters} for p in frame.partitions}

    def take(self, lpar_id: int, slot: int | None = None) -> int:
        used = self.taken[lpar_id]
        if slot is None:  # the HMC's "next available": the lowest free slot above 1
            slot = next(s for s in range(2, len(used) + 3) if s not in used)
        used.add(slot)
        return slot


def _children(node: x.Element, tag: str) -> list[x.Element]:
    return [c for c in node if x.local(c.tag) == tag]


def _first(node: x.Element, tag: str) -> x.Element | None:
    found = _children(node, tag)
    return found[0] if found else None


def _slot(mapping: x.Element, vios: str, side: str = "ServerAdapter") -> int | None:
    text = x.find_text(mapping, side, "VirtualSlotNumber")
    if not text:
        return None
    try:
        return int(text)
    except ValueError:
        raise HmcError("HSCL1365", reason=f"VirtualSlotNumber {text!r} of a mapping on "
                       f"{vios} is not a number") from None


def _client_uuid(mapping: x.Element) -> str | None:
    """The UUID at the end of the mapping's AssociatedLogicalPartition link."""
    link = _first(mapping, "AssociatedLogicalPartition")
    href = link.get("href", "") if link is not None else ""
    return href.split("?", 1)[0].rstrip("/").rsplit("/", 1)[-1] or None


def _new_pair(frame: Frame, v: Partition, mapping: Posted | x.Element, kind: str,
              slots: Slots) -> tuple[int, list[ops.Operation]]:
    """A server adapter on `v` and a client adapter on the partition the mapping names
    (chhwres -r virtualio -o a on both; DLPAR when they run): its server slot and the
    operations. The server adapter is added open to any partition, then the client's
    pointing at it: the engine checks each adapter as it is added, and a server adapter
    naming a client slot that does not exist yet is refused (HSCL0A09). A vFC client gets
    the body's WWPNs, else the HMC's next pair."""
    wwpns = None
    if isinstance(mapping, Posted):
        uuid, client_slot = mapping.client, mapping.client_slot
    else:
        uuid, client_slot = _client_uuid(mapping), _slot(mapping, v.name, "ClientAdapter")
        text = x.find_text(mapping, "ClientAdapter", "WWPNs")
        wwpns = tuple(text.lower().split()) if text else None
        if wwpns is not None and (len(wwpns) != 2 or not all(map(WWPN.match, wwpns))):
            raise HmcError("HSCL1365", reason=f"WWPNs {text!r} of a mapping on {v.name} is "
                           "not a pair of 16-digit WWPNs")
    what = "A virtual SCSI mapping" if kind == "scsi" else "A virtual fibre channel mapping"
    client = uuids.partition_index(frame).get((uuid or "").upper())
    if client is None or client.is_vios:
        raise HmcError("HSCL1384", vios=v.name, what=what)
    server_slot = slots.take(v.id)
    client_slot = slots.take(client.id, client_slot)
    near: dict[str, object] = {"type": kind, "slot": client_slot, "side": "client",
                               "remote_lpar_id": v.id, "remote_slot": server_slot}
    if wwpns is not None:
        near["wwpns"] = wwpns
    return server_slot, [
        ops.build({"op": "add_adapter", "lpar": v.name,
                   "adapter": {"type": kind, "slot": server_slot, "side": "server"}}),
        ops.build({"op": "add_adapter", "lpar": client.name, "adapter": near})]


def _posted_scsi(mapping: x.Element, vios: str) -> Posted:
    kind = name = None
    storage = _first(mapping, "Storage")
    inner = [c for c in storage if x.local(c.tag)] if storage is not None else []
    if inner:
        kind = x.local(inner[0].tag)
        if kind not in STORAGE_KINDS:
            raise HmcError("HSCL1385", kind=kind, vios=vios)
        name = x.find_text(inner[0], STORAGE_NAMES[kind]) or None
        if name is None:
            raise HmcError("HSCL1365", reason=f"the {kind} of a mapping on {vios} has no "
                           f"{STORAGE_NAMES[kind]}")
    target = _first(mapping, "TargetDevice")
    vtds = [c for c in target if x.local(c.tag)] if target is not None else []
    vtd = (x.find_text(vtds[0], "TargetName") or None) if vtds else None
    if vtd is not None and not DEVICE_NAME.match(vtd):
        raise HmcError("HSCL1365", reason=f"TargetName {vtd!r} of a mapping on {vios} is not "
                       "a device name (letters, digits, _ . -, at most 15 characters)")
    return Posted(_slot(mapping, vios), kind, name, vtd, _client_uuid(mapping),
                  _slot(mapping, vios, "ClientAdapter"))


def changes(frame: Frame, v: Partition, doc: x.Element) -> list[ops.Operation]:
    """The operations that turn the VIOS `v`'s mappings into the lists `doc` holds."""
    out: list[ops.Operation] = []
    slots = Slots(frame)
    scsi = _first(doc, "VirtualSCSIMappings")
    if scsi is not None:
        out += _scsi_changes(frame, v, [_posted_scsi(m, v.name) for m in
                                        _children(scsi, "VirtualSCSIMapping")], slots)
    fc = _first(doc, "VirtualFibreChannelMappings")
    if fc is not None:
        out += _fc_changes(frame, v, _children(fc, "VirtualFibreChannelMapping"), slots)
    return out


def _scsi_changes(frame: Frame, v: Partition, posted: list[Posted], slots: Slots
                  ) -> list[ops.Operation]:
    vhosts = names.vhosts(v)
    files = {d.name for d in frame.io.disks if d.kind == "file"}
    pairs: list[ops.Operation] = []
    for i, p in enumerate(posted):
        if p.slot is None:  # a new adapter pair first, then the mapping onto it
            slot, made = _new_pair(frame, v, p, "scsi", slots)
            posted[i] = Posted(slot, p.kind, p.name, p.vtd)
            pairs += made
        elif p.slot not in vhosts:
            raise HmcError("HSCL1386", vios=v.name, slot=p.slot, kind="virtual SCSI")
    # An existing mapping stays when the body still has it: by its target device name (with
    # the same storage, if the body names one), else (a client that dropped the
    # TargetDevice) by slot and storage. A VTD posted with other storage is a new mapping.
    kept: set[str] = set()
    added: list[Posted] = []
    for p in posted:
        if p.kind is None and p.vtd is None:
            continue  # an adapter with no storage: nothing to map
        same = next((m for m in v.vscsi_mappings if m.vhost_slot == p.slot
                     and m.vtd not in kept
                     and (p.vtd is None or m.vtd == p.vtd)
                     and (p.name is None or _backing_name(m.backing, files) == p.name)), None)
        if same is not None:
            kept.add(same.vtd)
        elif p.kind is not None:
            added.append(p)
    out: list[ops.Operation] = [
        ops.build({"op": "unmap_vscsi", "vios": v.name, "vtd": m.vtd})
        for m in v.vscsi_mappings if m.vtd not in kept] + pairs
    used = set(kept)
    for p in added:
        assert p.slot is not None and p.name is not None
        if p.kind == "VirtualOpticalMedia":
            vtd = p.vtd or next(f"vtopt{n}" for n in range(len(used) + 1)
                                if f"vtopt{n}" not in used)
            used.add(vtd)
            out.append(ops.build({"op": "create_optical", "vios": v.name,
                                  "vhost_slot": p.slot, "vtd": vtd}))
            out.append(ops.build({"op": "load_optical", "vios": v.name, "vtd": vtd,
                                  "media": p.name}))
        else:
            data: dict[str, object] = {"op": "map_vscsi", "vios": v.name,
                                       "vhost_slot": p.slot, "backing": p.name}
            if p.vtd:
                data["vtd"] = p.vtd
                used.add(p.vtd)
            out.append(ops.build(data))
    return out


def _backing_name(backing: str, files: set[str]) -> str:
    """A mapping's storage as the body names it: media by file name, disks as they are."""
    return media_name(backing) if backing in files or backing.startswith(LIBRARY) else backing


def _fc_changes(frame: Frame, v: Partition, posted: list[x.Element], slots: Slots
                ) -> list[ops.Operation]:
    vfchosts = names.vfchosts(v)
    wanted: dict[int, str | None] = {}
    pairs: list[ops.Operation] = []
    for mapping in posted:
        slot = _slot(mapping, v.name)
        if slot is None:  # a new adapter pair first, then its port mapped
            slot, made = _new_pair(frame, v, mapping, "fc", slots)
            pairs += made
        elif slot not in vfchosts:
            raise HmcError("HSCL1386", vios=v.name, slot=slot, kind="virtual fibre channel")
        wanted[slot] = (x.find_text(mapping, "Port", "PortName")
                        or x.find_text(mapping, "ServerAdapter", "MapPort") or None)
    now = {m.vfchost_slot: m.port for m in v.npiv_mappings}
    out: list[ops.Operation] = pairs
    for slot in sorted({*vfchosts, *wanted}):
        port = wanted.get(slot)
        if port == now.get(slot):
            continue
        if port is None:
            out.append(ops.build({"op": "unmap_npiv", "vios": v.name, "vfchost_slot": slot}))
        else:
            out.append(ops.build({"op": "map_npiv", "vios": v.name, "vfchost_slot": slot,
                                  "port": port}))
    return out
