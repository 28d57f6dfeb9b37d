"""A VIOS's storage over REST: the `ViosStorage`, `ViosSCSIMapping` and `ViosFCMapping`
extended attribute groups of a VirtualIOServer, and its VolumeGroup feed.

Element names and order are those pypowervm's wrappers read (virtual_io_server.py: VIOS,
VSCSIMapping, VFCMapping; storage.py: PV, VOptMedia, VDisk, VMediaRepos, VG, the
*TargetDev and *AdapterElement classes) and the HMC's recorded responses in pypowervm's
tests/data (fake_vios_mappings.txt, fake_volume_group.txt). Every figure comes from the
frame the way the VIOS's own listings show it (engine.vios_show: lsmap, lsmap -npiv,
lspv, lsnports, lsrep): device names from engine.vios, LUN addresses from lun_text, the
repository from engine.ops.vio.repository.

As on the HMC, a VirtualSCSIMapping is one server adapter with at most one storage
device: a vhost with two virtual target devices is two mappings, a vhost with none is a
mapping with no Storage (pypowervm's backing_storage None). Sizes of optical media,
virtual disks, repositories and volume groups are in GB, physical volumes in MB, as the
HMC writes them.
"""

from __future__ import annotations

import base64
from collections.abc import Iterable
from typing import TYPE_CHECKING

from engine import vios as names
from engine.model import (
    Disk,
    Frame,
    Partition,
    PhysicalPort,
    VirtualFc,
    VirtualScsi,
    VscsiMapping,
)
from engine.ops.vio import media_name, repository
from engine.vios_show import (
    DISK_DESCRIPTION,
    ROOTVG_FREE_MB,
    ROOTVG_SIZE_MB,
    client_of,
    disks_of,
    lun_text,
)
from hmc_tui.rest import uuids
from hmc_tui.rest import xml as x

if TYPE_CHECKING:  # objects.py calls this module: no import cycle at run time
    from hmc_tui.rest.objects import Urls

STORAGE = "ViosStorage"
SCSI = "ViosSCSIMapping"
FC = "ViosFCMapping"
ANY_SLOT = 65535  # a server adapter that accepts any client partition / slot
LIBRARY_NAME = "VMLibrary"  # /var/vio/VMLibrary


def wanted_groups(query: str | None) -> frozenset[str] | None:
    """The groups a `?group=` asks for; None = every group (no `group`, or `All`).

    pypowervm sends `group=None` when the caller names none: the base object only."""
    if query is None:
        return None
    asked = frozenset(g for g in query.split(",") if g)
    return None if "All" in asked else asked


def keep_groups(obj: x.Element, groups: frozenset[str]) -> None:
    """Drop from a whole VirtualIOServer the storage sections of groups not in `groups`
    (the same result as rendering it with them, at a fraction of the cost)."""
    for node in list(obj):
        if node.get("group") in (STORAGE, SCSI, FC) and node.get("group") not in groups:
            obj.remove(node)


def _has(groups: frozenset[str] | None, group: str) -> bool:
    return groups is None or group in groups


def _gb(mb: float) -> str:
    """Megabytes as the HMC's gigabytes: 102272 -> 99.875, 10240 -> 10."""
    return f"{mb / 1024:.4f}".rstrip("0").rstrip(".")


def _group(parent: x.Element, tag: str, group: str) -> x.Element:
    node = x.child(parent, tag)
    node.set("group", group)
    return node


# ---------------------------------------------------------------- hooks for objects.py


def before_network(obj: x.Element, frame: Frame, urls: Urls, p: Partition,
                   groups: frozenset[str] | None) -> None:
    """The storage elements that come before SharedEthernetAdapters in a VirtualIOServer:
    the physical FC adapters of its I/O configuration (in every view), MediaRepositories
    and PhysicalVolumes."""
    _io_configuration(obj, frame, p)
    if not _has(groups, STORAGE):
        return
    repos = _group(obj, "MediaRepositories", STORAGE)
    if repository(frame, p) is not None:
        _media_repository(repos, frame, p)
    pvs = _group(obj, "PhysicalVolumes", STORAGE)
    used = {m.backing for m in p.vscsi_mappings}
    for d in disks_of(frame, p):
        if d.kind == "disk":
            _physical_volume(pvs, d, free=d.name not in used)


def after_network(obj: x.Element, frame: Frame, urls: Urls, p: Partition,
                  groups: frozenset[str] | None) -> None:
    """StoragePools, VirtualFibreChannelMappings and VirtualSCSIMappings (the schema's
    order, after SharedEthernetAdapters)."""
    if _has(groups, STORAGE):
        pools = x.ET.SubElement(obj, f"{{{x.UOM_NS}}}StoragePools",
                                {"group": STORAGE, "kb": "CUD", "kxe": "false"})
        for vg in volume_groups(frame, p):
            x.ET.SubElement(pools, f"{{{x.UOM_NS}}}link",
                            {"href": vg_href(urls, p, vg), "rel": "related"})
    if _has(groups, FC):
        vfc = _group(obj, "VirtualFibreChannelMappings", FC)
        for slot, name in names.vfchosts(p).items():
            _vfc_mapping(vfc, frame, urls, p, slot, name)
    if _has(groups, SCSI):
        vscsi = _group(obj, "VirtualSCSIMappings", SCSI)
        for slot, name in names.vhosts(p).items():
            _vscsi_mappings(vscsi, frame, urls, p, slot, name)


def _io_configuration(obj: x.Element, frame: Frame, p: Partition) -> None:
    """PartitionIOConfiguration with the VIOS's physical FC adapters and their ports
    (pypowervm's VIOS.pfc_ports, which vfc_mapper uses to find the VIOS of a port WWPN);
    the NPIV figures are lsnports' tports and aports."""
    cfg = x.child(obj, "PartitionIOConfiguration")
    slots = x.child(cfg, "ProfileIOSlots")
    for a in frame.io.adapters:
        if a.owner != p.id or a.kind != "fc":
            continue
        slot = x.child(slots, "ProfileIOSlot")
        assoc = x.child(slot, "AssociatedIOSlot")
        x.leaf(assoc, "Description", a.description)
        related = x.child(assoc, "RelatedIOAdapter", schema=False)
        fc = _element(related, "PhysicalFibreChannelAdapter")
        x.leaf(fc, "Description", a.description)
        x.leaf(fc, "DynamicReconfigurationConnectorName", a.location)
        x.leaf(fc, "PhysicalLocation", a.location)
        ports = x.child(fc, "PhysicalFibreChannelPorts")
        for port in a.ports:
            _fc_port(ports, "PhysicalFibreChannelPort", port, _available(p, port))
        x.leaf(assoc, "SlotDynamicReconfigurationConnectorName", a.location)
        x.leaf(slot, "IsRequired", False, kb="CUD")


def _available(v: Partition, port: PhysicalPort) -> int:
    """NPIV ports still free on a physical port (lsnports: aports)."""
    return port.max_npiv - sum(1 for m in v.npiv_mappings if m.port == port.name)


# ---------------------------------------------------------------- storage devices


def volume_unique_id(d: Disk) -> str:
    """The hdisk's ODM unique_id as the VIOS keeps it for an MPIO IBM 2145 LUN: the LUN
    serial (the frame's unique_id) between the 2145's prefix and suffix; pypowervm's
    hdisk_reserve_policy() finds the serial in it with ^[0-9]{5}([0-9A-F]{32})."""
    return f"33213{d.unique_id}04214503IBMfcp"


def udid(d: Disk) -> str:
    """The HMC's UniqueDeviceID of a LUN: "01" and base64 of vendor, model and serial, the
    same on every VIOS that sees the LUN (how clients match paths across VIOSes)."""
    return "01" + base64.b64encode(f"3IBMM2145124{d.unique_id}".encode()).decode()


def _physical_volume(parent: x.Element, d: Disk, *, free: bool | None = None) -> x.Element:
    leaf = x.leaf
    pv = _element(parent, "PhysicalVolume")
    leaf(pv, "Description", DISK_DESCRIPTION, kb="CUD")
    leaf(pv, "PersistentReserveKeyValue", "none")
    leaf(pv, "ReservePolicy", "NoReserve", kb="CUD")  # lsdev: reserve_policy no_reserve
    leaf(pv, "UniqueDeviceID", udid(d))
    if free is not None:
        leaf(pv, "AvailableForUsage", free, kb="CUD")
    leaf(pv, "VolumeCapacity", d.size_gb * 1024, kb="CUR")  # MB, as lspv -size
    leaf(pv, "VolumeName", d.name, kb="CUR")
    leaf(pv, "VolumeState", "active")
    leaf(pv, "VolumeUniqueID", volume_unique_id(d))
    leaf(pv, "IsFibreChannelBacked", True)
    leaf(pv, "DescriptorPage83", base64.b64encode(d.unique_id.encode()).decode())
    return pv


def _element(parent: x.Element, tag: str) -> x.Element:
    """A list member as the HMC writes it: schemaVersion and Metadata, no kb/kxe."""
    node = x.ET.SubElement(parent, f"{{{x.UOM_NS}}}{tag}", {"schemaVersion": x.SCHEMA_VERSION})
    x.ET.SubElement(x.ET.SubElement(node, f"{{{x.UOM_NS}}}Metadata"), f"{{{x.UOM_NS}}}Atom")
    return node


def _optical_media(parent: x.Element, d: Disk) -> None:
    vopt = _element(parent, "VirtualOpticalMedia")
    x.leaf(vopt, "MediaName", media_name(d.name), kb="CUR")
    x.leaf(vopt, "MountType", "ro", kb="CUD")  # lsrep: Access ro
    x.leaf(vopt, "Size", _gb(d.size_gb * 1024), kb="CUR")


def _virtual_disk(parent: x.Element, d: Disk) -> None:
    vdisk = _element(parent, "VirtualDisk")
    x.leaf(vdisk, "DiskCapacity", _gb(d.size_gb * 1024), kb="CUR")
    x.leaf(vdisk, "DiskName", d.name, kb="CUR")
    x.leaf(vdisk, "VirtualDiskType", "LogicalVolume", kb="CUR")


def _media_repository(parent: x.Element, frame: Frame, p: Partition) -> None:
    repo = repository(frame, p)
    assert repo is not None
    node = _element(parent, "VirtualMediaRepository")
    media = x.child(node, "OpticalMedia")
    for d in disks_of(frame, p):
        if d.kind == "file":
            _optical_media(media, d)
    x.leaf(node, "RepositoryName", LIBRARY_NAME, kb="CUR")
    x.leaf(node, "RepositorySize", _gb(repo.size_mb), kb="CUR")


# ---------------------------------------------------------------- adapters


def _adapter(parent: x.Element, tag: str, side: str, loc: str, lpar_id: int, slot: int,
             required: bool) -> x.Element:
    node = x.child(parent, tag)
    node.set("kb", "CUR")
    leaf = x.leaf
    leaf(node, "AdapterType", side)
    leaf(node, "DynamicReconfigurationConnectorName", loc, kb="CUD")
    leaf(node, "LocationCode", loc)
    leaf(node, "LocalPartitionID", lpar_id, kb="CUR")
    leaf(node, "RequiredAdapter", required, kb="CUD")
    leaf(node, "VariedOn", True, kb="CUD")
    leaf(node, "VirtualSlotNumber", slot, kb="COD")
    return node


def _client_of(frame: Frame, v: Partition, server: VirtualScsi | VirtualFc
               ) -> tuple[Partition, VirtualScsi | VirtualFc] | None:
    """The client partition and its adapter paired with a server adapter: the one it names,
    or the one connected to an adapter open to any partition (vios_show.client_of)."""
    client = client_of(frame, v, server.slot)
    if client is None:
        return None
    adapter = next((a for a in client.adapters if type(a) is type(server)
                    and a.side == "client" and a.remote_lpar_id == v.id
                    and a.remote_slot == server.slot), None)
    return (client, adapter) if adapter is not None else None


def _vscsi_mappings(parent: x.Element, frame: Frame, urls: Urls, v: Partition, slot: int,
                    name: str) -> None:
    server = v.adapter(slot)
    assert isinstance(server, VirtualScsi)
    disks = {d.name: d for d in frame.io.disks}
    maps = sorted((m for m in v.vscsi_mappings if m.vhost_slot == slot), key=lambda m: m.lun)
    paired = _client_of(frame, v, server)
    server_loc = frame.location(v.id, slot)
    slots: list[VscsiMapping | None] = [*maps] or [None]  # a vhost with no VTD: one mapping
    for m in slots:
        disk = disks.get(m.backing) if m is not None else None
        one = _element(parent, "VirtualSCSIMapping")
        if paired is not None:
            client, cad = paired
            x.link(one, "AssociatedLogicalPartition", urls.lpar(client), kb="CUR")
            ca = _adapter(one, "ClientAdapter", "Client", frame.location(client.id, cad.slot),
                          client.id, cad.slot, cad.required)
            x.leaf(ca, "RemoteLogicalPartitionID", v.id, kb="CUR")
            x.leaf(ca, "RemoteSlotNumber", slot, kb="CUA")
            x.leaf(ca, "ServerLocationCode", server_loc, kb="CUR")
        sa = _adapter(one, "ServerAdapter", "Server", server_loc, v.id, slot, server.required)
        x.leaf(sa, "AdapterName", name, kb="CUR")
        if m is not None and m.backing:
            x.leaf(sa, "BackingDeviceName", media_name(m.backing)
                   if disk is not None and disk.kind == "file" else m.backing, kb="CUR")
        # An adapter open to any partition reports the client connected to it, as lsmap.
        x.leaf(sa, "RemoteLogicalPartitionID", paired[0].id if paired else
               server.remote_lpar_id or ANY_SLOT, kb="CUR")
        x.leaf(sa, "RemoteSlotNumber", paired[1].slot if paired else
               server.remote_slot or ANY_SLOT, kb="CUA")
        if paired is not None:
            x.leaf(sa, "ServerLocationCode", frame.location(paired[0].id, paired[1].slot),
                   kb="CUR")
        if m is None:
            continue
        kind = "optical" if m.backing == "" or (disk and disk.kind == "file") else (
            disk.kind if disk else "disk")
        if disk is not None:
            storage = x.ET.SubElement(one, f"{{{x.UOM_NS}}}Storage", {"kb": "CUR", "kxe": "false"})
            if kind == "optical":
                _optical_media(storage, disk)
            elif kind == "lv":
                _virtual_disk(storage, disk)
            else:
                _physical_volume(storage, disk)
        target = x.ET.SubElement(one, f"{{{x.UOM_NS}}}TargetDevice",
                                 {"kb": "CUR", "kxe": "false"})
        vtd = _element(target, {"optical": "VirtualOpticalTargetDevice",
                                "lv": "LogicalVolumeVirtualTargetDevice"}.get(
                                    kind, "PhysicalVolumeVirtualTargetDevice"))
        x.leaf(vtd, "LogicalUnitAddress", lun_text(m.lun), kb="CUR")
        x.leaf(vtd, "TargetName", m.vtd, kb="CUR")


def _fc_port(parent: x.Element, tag: str, port: PhysicalPort, available: int) -> None:
    node = x.child(parent, tag)
    node.set("kb", "CUR" if tag == "Port" else "CUD")
    if tag == "PhysicalFibreChannelPort":  # a list member: no kb/kxe
        del node.attrib["kb"], node.attrib["kxe"]
    x.leaf(node, "LocationCode", port.location)
    x.leaf(node, "PortName", port.name, kb="CUR")
    x.leaf(node, "WWPN", port.wwpn, kb="CUR")
    x.leaf(node, "AvailablePorts", available)  # lsnports: aports
    x.leaf(node, "TotalPorts", port.max_npiv)  # lsnports: tports


def _vfc_mapping(parent: x.Element, frame: Frame, urls: Urls, v: Partition, slot: int,
                 name: str) -> None:
    server = v.adapter(slot)
    assert isinstance(server, VirtualFc)
    mapping = next((m for m in v.npiv_mappings if m.vfchost_slot == slot), None)
    port = None
    if mapping is not None:
        port = next((pt for pt in names.physical_ports(frame, v.id, "fc")
                     if pt.name == mapping.port), None)
    available = _available(v, port) if port is not None else 0
    paired = _client_of(frame, v, server)
    one = _element(parent, "VirtualFibreChannelMapping")
    if paired is not None:
        client, cad = paired
        assert isinstance(cad, VirtualFc)
        x.link(one, "AssociatedLogicalPartition", urls.lpar(client), kb="CUR")
        ca = _adapter(one, "ClientAdapter", "Client", frame.location(client.id, cad.slot),
                      client.id, cad.slot, cad.required)
        x.leaf(ca, "ConnectingPartitionID", v.id, kb="CUR")
        x.leaf(ca, "ConnectingVirtualSlotNumber", slot, kb="CUR")
        if cad.wwpns:
            x.leaf(ca, "WWPNs", " ".join(w.lower() for w in cad.wwpns), kb="CUR")
    if port is not None:
        _fc_port(one, "Port", port, available)
    sa = _adapter(one, "ServerAdapter", "Server", frame.location(v.id, slot), v.id, slot,
                  server.required)
    x.leaf(sa, "AdapterName", name, kb="CUR")
    if paired is not None:
        x.leaf(sa, "ConnectingPartitionID", paired[0].id, kb="CUR")
        x.leaf(sa, "ConnectingVirtualSlotNumber", paired[1].slot, kb="CUR")
    if port is not None:
        x.leaf(sa, "MapPort", port.name, kb="CUR")
        _fc_port(sa, "PhysicalPort", port, available)


# ---------------------------------------------------------------- volume groups


def volume_groups(frame: Frame, p: Partition) -> list[str]:
    """The VIOS's volume groups the frame models: the pool its media repository is in
    (mkrep -sp rootvg). The frame does not model the VIOS's own disks, nor which group
    a logical volume is in, so there are no others."""
    repo = repository(frame, p)
    return [repo.pool] if repo is not None else []


def vg_uuid(frame: Frame, p: Partition, name: str) -> str:
    return uuids.volume_group_uuid(frame.system, p, name)


def vg_href(urls: Urls, p: Partition, name: str) -> str:
    return f"{urls.top_lpar(p)}/VolumeGroup/{vg_uuid(urls.frame, p, name)}"


def volume_group(frame: Frame, p: Partition, name: str) -> x.Element:
    """A VolumeGroup (pypowervm's VG): size and free space as lsrep shows them for the
    repository's parent pool, and the repository with its media."""
    obj = x.element("VolumeGroup", atom_id=vg_uuid(frame, p, name))
    leaf = x.leaf
    leaf(obj, "AvailableSize", _gb(ROOTVG_FREE_MB))
    leaf(obj, "FreeSpace", _gb(ROOTVG_FREE_MB))
    leaf(obj, "GroupCapacity", _gb(ROOTVG_SIZE_MB), kb="CUR")
    leaf(obj, "GroupName", name, kb="CUR")
    leaf(obj, "GroupState", "active")
    repos = x.child(obj, "MediaRepositories")
    repo = repository(frame, p)
    if repo is not None and repo.pool == name:
        _media_repository(repos, frame, p)
    x.child(obj, "PhysicalVolumes")
    x.child(obj, "VirtualDisks")
    return obj


def vg_names(frame: Frame, p: Partition, wanted: Iterable[str] | None = None) -> list[str]:
    """The VIOS's volume groups, or those among them whose UUID is in `wanted`."""
    groups = volume_groups(frame, p)
    if wanted is None:
        return groups
    keys = {w.lower() for w in wanted}
    return [g for g in groups if vg_uuid(frame, p, g).lower() in keys]
