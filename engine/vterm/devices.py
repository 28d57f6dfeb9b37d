"""The boot devices a partition's firmware finds, from its client adapters and what the
VIOSes serve them (docs/partition-console.md section 3), and the settings the firmware keeps
in its NVRAM between boots.

Open Firmware names a virtual adapter by its unit address, 0x30000000 plus the slot
(`/vdevice/v-scsi@30000002`, `/vdevice/l-lan@30000006`, `/vdevice/vfc-client@30000003`);
a vSCSI LUN n is `disk@8n00000000000000` (LUN 1 = 0x8100000000000000, as `lsmap` prints).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from engine.model import Frame, Partition, VirtualEth, VirtualFc, VirtualScsi
from engine.ops.system import eth_location, eth_mac, eth_path, reachable

Kind = Literal["disk", "cdrom", "net", "fc"]


@dataclass(frozen=True)
class BootDevice:
    kind: Kind
    location: str  # location code, as SMS shows it under the device
    path: str  # Open Firmware device path
    description: str  # SMS's device name
    bootable: bool  # holds something to boot: an OS, install media, a reachable network
    slot: int  # the partition's client adapter
    mac: str = ""  # network adapters


def unit(kind: str, slot: int) -> str:
    return f"/vdevice/{kind}@{0x30000000 + slot:08x}"


def lun_id(lun: int) -> str:
    return f"{0x80 + lun:02x}00000000000000"


def boot_devices(frame: Frame, p: Partition) -> list[BootDevice]:
    """What the firmware of `p` can boot from now, in slot order: vSCSI disks and virtual
    optical devices (bootable with media loaded) served by a running VIOS, NPIV disks behind
    a mapped virtual FC adapter, and virtual Ethernet adapters (bootable when a running VIOS
    bridges their VLAN)."""
    found: list[BootDevice] = []
    for a in sorted(p.adapters, key=lambda a: a.slot):
        if isinstance(a, VirtualEth):
            found.append(BootDevice(
                "net", eth_location(frame, p, a), eth_path(a), "Interpartition Logical LAN",
                reachable(frame, a), a.slot, eth_mac(p, a)))
        elif a.side == "client" and isinstance(a, VirtualScsi):
            found += _vscsi(frame, p, a)
        elif a.side == "client" and isinstance(a, VirtualFc):
            found += _npiv(frame, p, a)
    return found


def _server(frame: Frame, a: VirtualScsi | VirtualFc) -> Partition | None:
    """The running VIOS that serves a client adapter (a VIOS that is down serves nothing)."""
    vios = frame.partition(a.remote_lpar_id) if a.remote_lpar_id is not None else None
    return vios if vios is not None and vios.is_vios and vios.state == "Running" else None


def _vscsi(frame: Frame, p: Partition, a: VirtualScsi) -> list[BootDevice]:
    vios = _server(frame, a)
    if vios is None or a.remote_slot is None:
        return []
    disks = {d.name: d for d in frame.io.disks}
    found = []
    base = frame.location(p.id, a.slot) + "-T1"
    for m in sorted(vios.vscsi_mappings, key=lambda m: m.lun):
        if m.vhost_slot != a.remote_slot:
            continue
        path = f"{unit('v-scsi', a.slot)}/disk@{lun_id(m.lun)}"
        location = f"{base}-L{lun_id(m.lun)}"
        disk = disks.get(m.backing)
        if disk is None or disk.kind == "file" or m.vtd.startswith("vtopt"):
            media = disk is not None and disk.kind == "file"
            found.append(BootDevice("cdrom", location, path, "SCSI CD-ROM", media, a.slot))
        else:
            found.append(BootDevice("disk", location, path,
                                    f"SCSI {disk.size_gb} GB Harddisk", p.bootable, a.slot))
    return found


def _npiv(frame: Frame, p: Partition, a: VirtualFc) -> list[BootDevice]:
    vios = _server(frame, a)
    if vios is None:
        return []
    for m in vios.npiv_mappings:
        if m.vfchost_slot != a.remote_slot:
            continue
        wwpn = next((port.wwpn for adapter in frame.io.adapters if adapter.owner == vios.id
                     for port in adapter.ports if port.name == m.port), "") or "0"
        location = frame.location(p.id, a.slot) + "-T1-W" + wwpn.upper() + "-L0"
        return [BootDevice("fc", location, f"{unit('vfc-client', a.slot)}/disk@{wwpn},0",
                           "Fibre Channel Disk (NPIV)", p.bootable, a.slot)]
    return []


def find(devices: list[BootDevice], name: str, aliases: dict[str, str]) -> BootDevice | None:
    """A device by its Open Firmware path or an alias of it."""
    path = aliases.get(name, name)
    return next((d for d in devices if d.path == path), None)


def aliases(devices: list[BootDevice]) -> dict[str, str]:
    """Open Firmware's device aliases: disk, disk1..., cdrom, net, net1... in slot order."""
    named: dict[str, str] = {}
    counts: dict[str, int] = {}
    for d in devices:
        base = {"disk": "disk", "fc": "disk", "cdrom": "cdrom", "net": "net"}[d.kind]
        n = counts.get(base, 0)
        counts[base] = n + 1
        named[base if n == 0 else f"{base}{n}"] = d.path
    return named


@dataclass
class Nvram:
    """What the partition firmware keeps between boots and terminal sessions (the engine
    keeps it while it runs; it is not saved with the frame)."""

    boot_order: list[str] = field(default_factory=list)  # device paths; empty = the default
    ip: dict[str, str] = field(default_factory=dict)  # SMS Remote IPL settings by adapter
    language: str = "English"
    multiboot: bool = False
