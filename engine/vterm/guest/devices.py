"""The devices a partition's OS sees, named as AIX names them (lsdev, lscfg, lspath, prtconf).

The client's virtual adapters in slot order: vSCSI -> vscsi0.., virtual FC -> fcs0..,
virtual Ethernet -> ent0... Behind each vSCSI client adapter, the backing devices its
VIOS maps on the matching vhost: a LUN seen through two VIOS (same unique_id) is one
hdisk with one path per vscsi adapter (MPIO: engine.redundancy.client_disks, the disks
`lspath` shows), an optical device is cd0. Names are derived from the frame on every call,
so they follow VIOS mappings live.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from engine.model import Disk, Frame, Partition, VirtualFc, VirtualScsi
from engine.redundancy import client_disks
from engine.vterm.devices import lun_id

OPTICAL = "optical"


@dataclass
class GuestDisk:
    name: str  # hdisk0, cd0
    kind: str  # "disk" | OPTICAL
    size_gb: int
    location: str  # the first path's location code
    paths: list[str] = field(default_factory=list)  # parent adapters: vscsi0, vscsi1


@dataclass(frozen=True)
class GuestAdapter:
    name: str  # vscsi0, fcs0, ent0
    slot: int
    kind: str  # "scsi" | "fc" | "eth"
    location: str


def lun_location(frame: Frame, p: Partition, slot: int, lun: int) -> str:
    """U9080.HEX.78H4A21-V3-C2-T1-L8100000000000000 (lun 1 -> 0x81...), as SMS shows it."""
    return f"{frame.location(p.id, slot)}-T1-L{lun_id(lun)}"


def adapters(frame: Frame, p: Partition) -> list[GuestAdapter]:
    out: list[GuestAdapter] = []
    counts = {"scsi": 0, "fc": 0, "eth": 0}
    prefix = {"scsi": "vscsi", "fc": "fcs", "eth": "ent"}
    for a in sorted(p.adapters, key=lambda a: a.slot):
        if isinstance(a, (VirtualScsi, VirtualFc)) and a.side != "client":
            continue
        kind = a.type
        out.append(GuestAdapter(f"{prefix[kind]}{counts[kind]}", a.slot, kind,
                                frame.location(p.id, a.slot)))
        counts[kind] += 1
    return out


def _disk_named(frame: Frame, name: str) -> Disk | None:
    return next((d for d in frame.io.disks if d.name == name), None)


def disks(frame: Frame, p: Partition) -> list[GuestDisk]:
    """hdiskN, then cdN, in the order the client's adapters discover them.

    The hdisks are engine.redundancy's vSCSI disks (`client_disks`, whose paths `lspath`
    shows), whatever their paths' state: on AIX a configured hdisk stays Available in
    `lsdev` when its paths fail (lspath shows them Failed), so a disk whose only VIOS is
    down is still listed. (The NPIV SAN disk is left out, as `lspath` here leaves it.)
    The optical devices are those a running VIOS serves.
    """
    slots = {a.name: a.slot for a in adapters(frame, p)}
    out = [GuestDisk(d.name, "disk", d.size_gb,
                     lun_location(frame, p, slots[d.paths[0].parent], d.paths[0].lun),
                     [path.parent for path in d.paths])
           for d in client_disks(frame, p) if d.paths[0].via == "vscsi"]
    return out + _opticals(frame, p)


def _opticals(frame: Frame, p: Partition) -> list[GuestDisk]:
    found: dict[str, GuestDisk] = {}
    for adapter in adapters(frame, p):
        if adapter.kind != "scsi":
            continue
        client = p.adapter(adapter.slot)
        assert isinstance(client, VirtualScsi)
        vios = frame.partition(client.remote_lpar_id) if client.remote_lpar_id else None
        if vios is None or vios.state != "Running":  # a VIOS that is down serves nothing
            continue
        for m in sorted((m for m in vios.vscsi_mappings if m.vhost_slot == client.remote_slot),
                        key=lambda m: m.lun):
            backing = _disk_named(frame, m.backing) if m.backing else None
            # as the firmware tells them apart (engine.vterm.devices)
            if not (backing is None or backing.kind == "file" or m.vtd.startswith("vtopt")):
                continue  # a disk: client_disks has it
            key = f"{vios.id}:{m.vtd}"
            disk = found.get(key)
            if disk is None:
                disk = found[key] = GuestDisk(
                    f"cd{len(found)}", OPTICAL, backing.size_gb if backing is not None else 0,
                    lun_location(frame, p, adapter.slot, m.lun))
            disk.paths.append(adapter.name)
    return list(found.values())
