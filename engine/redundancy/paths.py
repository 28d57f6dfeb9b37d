"""Disk paths: the disks a client sees through its virtual SCSI and virtual Fibre Channel
(NPIV) adapters, and the state of each path as AIX's `lspath` shows it (Enabled, Failed,
Missing). Derived from the frame (its partitions' states, VIOS mappings, physical ports and
`frame.outages`) on every call; docs/powervm-rules.md section 13.

A VIOS serves its clients while its OS is up (`Running`, no reference code); a path through
a VIOS that is down, or through a physical port that is down, fails; it is Enabled again as
soon as the VIOS or the port is back (AIX's path health check, hcheck_interval, recovers it;
ours: at once). A path through a VIOS that was down when the client booted is Missing (the
"missing" outages engine/redundancy/outages.py keeps).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Literal

from engine.cpu import os_up
from engine.model import Disk, Frame, Partition, VirtualFc, VirtualScsi, VscsiMapping

PathStatus = Literal["Enabled", "Failed", "Missing"]


@dataclass(frozen=True)
class DiskPath:
    """One path of a client disk, as `lspath -F "status name parent connection"` shows it."""

    status: PathStatus
    disk: str  # the disk in the client: hdisk0
    parent: str  # the client adapter: vscsi0, fscsi0
    connection: str  # vSCSI: the LUN (810000000000); NPIV: "target wwpn,lun"
    via: Literal["vscsi", "npiv"]
    vios: str  # the VIOS the path goes through
    server: str  # the VIOS side: vhost0 (vSCSI) or vfchost0 (NPIV)
    port: str = ""  # NPIV: the VIOS's physical FC port (fcs0)
    lun: int = 0  # vSCSI: the LUN on the vhost (1 = 0x81..., its location code's L part)


@dataclass(frozen=True)
class ClientDisk:
    name: str  # hdiskN, numbered in the client's adapter order
    unique_id: str  # the LUN's serial where known ("" for NPIV LUNs the frame does not list)
    size_gb: int
    boot: bool  # the disk the partition boots from (rootvg, load source)
    paths: tuple[DiskPath, ...]

    @property
    def available(self) -> bool:
        """At least one Enabled path: I/O goes on."""
        return any(p.status == "Enabled" for p in self.paths)


# ---------------------------------------------------------------- who is up


def serving(p: Partition | None) -> bool:
    """A VIOS serves its clients while its OS is up."""
    return p is not None and p.is_vios and os_up(p)


def served_by(p: Partition) -> set[int]:
    """The VIOS partition ids the client's vSCSI and vFC adapters point to."""
    return {a.remote_lpar_id for a in p.adapters
            if isinstance(a, VirtualScsi | VirtualFc) and a.side == "client" and a.remote_lpar_id}


# ---------------------------------------------------------------- disk paths


@dataclass(frozen=True)
class ViosService:
    """What clients need to know about one VIOS."""

    vios: Partition
    serving: bool
    san: bool  # reaches its SAN LUNs (an FC port up, or none owned)
    vhosts: dict[int, str]
    vfchosts: dict[int, str]
    fc: dict[str, tuple[str, bool]]  # FC port name -> (wwpn, up)
    luns: dict[int, list[VscsiMapping]]  # vhost slot -> its mappings by LUN
    npiv: dict[int, str]  # vfchost slot -> the FC port it is mapped to


class PathIndex:
    """Lookups over one frame, built once per `reconcile` (with two VIOS serving a thousand
    clients, a scan of every mapping and disk per client would cost seconds), and passed to
    `client_disks`, `boot_disk` and `has_network`; engine/io_load.py builds one per routing.

    - `vios`: VIOS partition id -> its `ViosService`;
    - `ports`: (owner lpar id, "fc" | "eth") -> (port name, WWPN, up) of each physical port
      of the adapters it owns;
    - `disks`: (owner lpar id, disk name) -> the `Disk`;
    - `missing`: (client lpar id, VIOS id) of the paths left Missing by a boot without it.
    """

    def __init__(self, frame: Frame) -> None:
        from engine.vios import vfchosts, vhosts  # the VIOS's own device names

        self.frame = frame
        self.parts = {p.id: p for p in frame.partitions}
        self.missing = {(o.lpar_id, o.vios_id) for o in frame.outages if o.kind == "missing"}
        self.disks: dict[tuple[int, str], Disk] = {}
        for d in frame.io.disks:
            for owner in d.owners:
                self.disks.setdefault((owner, d.name), d)
        down = frame.ports_down()
        self.ports: dict[tuple[int, str], list[tuple[str, str, bool]]] = {}
        for adapter in frame.io.adapters:
            if adapter.owner is not None:
                self.ports.setdefault((adapter.owner, adapter.kind), []).extend(
                    (port.name, port.wwpn, port.location not in down)
                    for port in adapter.ports)
        self.vios: dict[int, ViosService] = {}
        for p in frame.partitions:
            if p.is_vios:
                fc = self.ports.get((p.id, "fc"), [])
                luns: dict[int, list[VscsiMapping]] = {}
                for m in sorted(p.vscsi_mappings, key=lambda m: m.lun):
                    luns.setdefault(m.vhost_slot, []).append(m)
                self.vios[p.id] = ViosService(
                    vios=p, serving=serving(p), san=not fc or any(up for _, _, up in fc),
                    vhosts=vhosts(p), vfchosts=vfchosts(p),
                    fc={name: (wwpn, up) for name, wwpn, up in fc}, luns=luns,
                    npiv={m.vfchost_slot: m.port for m in p.npiv_mappings})


def client_disks(frame: Frame, lpar: Partition | str | int,
                 index: PathIndex | None = None) -> list[ClientDisk]:
    """The disks partition `lpar` sees through its virtual adapters, each with its paths.

    vSCSI: one disk per backing device (LUNs shared by two VIOS, by `unique_id`, are one
    disk with a path through each); numbered hdisk0.. in the order of the client's vscsiN
    adapters (slot order) and LUNs. NPIV: the LUNs zoned to the client's WWPNs are not in
    the frame; they are shown as one SAN disk after the vSCSI ones, with a path through
    each vFC adapter (fscsiN). The boot disk is the first vSCSI disk, else the SAN disk.
    """
    ix = index or PathIndex(frame)
    p = lpar if isinstance(lpar, Partition) else frame.partition(lpar)
    if p is None:
        return []
    disks: dict[str, list[DiskPath]] = {}
    sizes: dict[str, int] = {}
    ids: dict[str, str] = {}
    scsi = sorted((a for a in p.adapters if isinstance(a, VirtualScsi) and a.side == "client"),
                  key=lambda a: a.slot)
    for i, adapter in enumerate(scsi):
        v = ix.vios.get(adapter.remote_lpar_id or 0)
        if v is None:
            continue
        vios = v.vios
        vhost = v.vhosts.get(adapter.remote_slot or -1, "")
        status: PathStatus = "Missing" if (p.id, vios.id) in ix.missing else (
            "Enabled" if v.serving and v.san else "Failed")
        for m in v.luns.get(adapter.remote_slot or -1, ()):
            disk = ix.disks.get((vios.id, m.backing))
            if disk is None or disk.kind == "file" or not m.backing:
                continue  # optical media are cd0, not disks
            key = disk.unique_id or f"{vios.id}:{disk.name}"
            sizes[key], ids[key] = disk.size_gb, disk.unique_id
            disks.setdefault(key, []).append(DiskPath(
                status=status, disk="", parent=f"vscsi{i}",
                connection=f"8{m.lun}0000000000", via="vscsi", vios=vios.name, server=vhost,
                lun=m.lun))
    fc_base = len(ix.ports.get((p.id, "fc"), []))
    vfc = sorted((a for a in p.adapters if isinstance(a, VirtualFc) and a.side == "client"),
                 key=lambda a: a.slot)
    san: list[DiskPath] = []
    for i, fc in enumerate(vfc):
        v = ix.vios.get(fc.remote_lpar_id or 0)
        if v is None:
            continue
        port = v.npiv.get(fc.remote_slot or -1, "")
        wwpn, up = v.fc.get(port, ("", True))  # a port the frame does not list: up
        status = "Missing" if not port or (p.id, v.vios.id) in ix.missing else (
            "Enabled" if v.serving and up else "Failed")
        san.append(DiskPath(
            status=status, disk="", parent=f"fscsi{fc_base + i}",
            connection=f"{_target_wwpn(wwpn)},0", via="npiv", vios=v.vios.name,
            server=v.vfchosts.get(fc.remote_slot or -1, ""), port=port))
    out: list[ClientDisk] = []
    for n, (key, paths) in enumerate(disks.items()):
        name = f"hdisk{n}"
        out.append(ClientDisk(name=name, unique_id=ids[key], size_gb=sizes[key], boot=n == 0,
                              paths=tuple(_named(path, name) for path in paths)))
    if san:
        name = f"hdisk{len(out)}"
        out.append(ClientDisk(name=name, unique_id="", size_gb=0, boot=not out,
                              paths=tuple(_named(path, name) for path in san)))
    return out


def client_paths(frame: Frame, lpar: Partition | str | int) -> list[DiskPath]:
    """Every disk path of partition `lpar`, in `lspath` order (by disk, then parent)."""
    return [path for disk in client_disks(frame, lpar) for path in disk.paths]


def boot_disk(frame: Frame, lpar: Partition | str | int,
              index: PathIndex | None = None) -> ClientDisk | None:
    return next((d for d in client_disks(frame, lpar, index) if d.boot), None)


def _named(path: DiskPath, disk: str) -> DiskPath:
    return replace(path, disk=disk)


def _target_wwpn(initiator: str) -> str:
    """A storage port WWPN for an NPIV path (ours: the frame has no SAN zoning; derived
    from the VIOS port so that it is stable): 500507680b + its last six digits."""
    return "500507680b" + (initiator[-6:].lower() if initiator else "000000")
