"""VIOS: vSCSI and NPIV mappings, shared Ethernet adapters and their failover."""

from __future__ import annotations

from collections import Counter

from engine.errors import HmcError
from engine.model import Partition, SharedEthernetAdapter, VirtualEth, VirtualFc, VirtualScsi
from engine.rules.common import VIOS_KIND, Problems
from engine.rules.index import FrameIndex


def _vios(ix: FrameIndex, p: Partition, path: str) -> Problems:
    if not p.is_vios:
        if not (p.vscsi_mappings or p.npiv_mappings or p.seas):
            return
        for field in ("vscsi_mappings", "npiv_mappings", "seas"):
            if getattr(p, field):
                yield HmcError(
                    "HSCL0B09", f"{path}.{field}", kind=VIOS_KIND, name=p.name, env=p.env
                )
        return
    if p.vscsi_mappings and not _vscsi_ok(ix, p):
        yield from _vscsi_mappings(ix, p, path)
    if p.npiv_mappings and not _npiv_ok(ix, p):
        yield from _npiv_mappings(ix, p, path)
    yield from _seas(ix, p, path)


def _vscsi_ok(ix: FrameIndex, p: Partition) -> bool:
    """All of `_vscsi_mappings` at once with set operations, for the all-good case (speed)."""
    maps = p.vscsi_mappings
    n = len(maps)
    vhosts = [m.vhost_slot for m in maps]
    backing = {m.backing for m in maps}
    return (
        len(backing) == n  # one mapping per device (others, and empty optical: the long way)
        and backing <= ix.disks.get(p.id, {}).keys()
        and len({m.vtd for m in maps}) == n
        and len(set(zip(vhosts, [m.lun for m in maps], strict=True))) == n
        and set(vhosts) <= ix.hosts["scsi"].get(p.id, set())
    )


def _npiv_ok(ix: FrameIndex, p: Partition) -> bool:
    """All of `_npiv_mappings` at once, for the all-good case (speed)."""
    maps = p.npiv_mappings
    hosts = {m.vfchost_slot for m in maps}
    if len(hosts) != len(maps) or not hosts <= ix.hosts["fc"].get(p.id, set()):
        return False
    owned = ix.ports.get(p.id, {})
    for name, used in Counter(m.port for m in maps).items():
        found = owned.get(name)
        if found is None or found[0].kind != "fc" or not found[1].npiv:
            return False
        if used > found[1].max_npiv:
            return False
    return True


def _vscsi_mappings(ix: FrameIndex, p: Partition, path: str) -> Problems:
    slots = ix.slots.get(p.id, {})
    disks = ix.disks.get(p.id, {})
    vtds: set[str] = set()
    luns: set[tuple[int, int]] = set()  # (vhost slot, lun)
    for k, m in enumerate(p.vscsi_mappings):
        where = f"{path}.vscsi_mappings[{k}]"
        vhost = slots.get(m.vhost_slot)
        if vhost is None:
            yield HmcError("HSCL8016", f"{where}.vhost_slot", slot=m.vhost_slot, lpar=p.name)
        elif not (isinstance(vhost, VirtualScsi) and vhost.side == "server"):
            yield HmcError(
                "HSCL0A0F", f"{where}.vhost_slot", field="vhost_slot", value=m.vhost_slot,
                reason=f"slot {m.vhost_slot} of {p.name} is not a server virtual SCSI adapter.",
            )
        if m.vtd in vtds:
            yield HmcError(
                "HSCL0A06", f"{where}.vtd", what="virtual target device name", value=m.vtd,
                owner=f"another mapping of {p.name}",
            )
        vtds.add(m.vtd)
        if (m.vhost_slot, m.lun) in luns:
            yield HmcError(
                "HSCL0A06", f"{where}.lun", what="LUN", value=m.lun,
                owner=f"another mapping of slot {m.vhost_slot} of {p.name}",
            )
        luns.add((m.vhost_slot, m.lun))
        if m.backing != "" and m.backing not in disks:  # "": an optical device, no media
            yield HmcError("HSCL8017", f"{where}.backing", name=m.backing, lpar=p.name)
        # A device backing two VTDs is the VIOS's call (mkvdev -f, e.g. PowerHA shared
        # disks; ISO images in several optical devices): engine.ops.vio.MapVscsi asks for -f.


def _npiv_mappings(ix: FrameIndex, p: Partition, path: str) -> Problems:
    slots = ix.slots.get(p.id, {})
    ports = ix.ports.get(p.id, {})
    hosts: set[int] = set()
    per_port: dict[str, int] = {}
    for k, m in enumerate(p.npiv_mappings):
        where = f"{path}.npiv_mappings[{k}]"
        host = slots.get(m.vfchost_slot)
        if host is None:
            yield HmcError("HSCL8016", f"{where}.vfchost_slot", slot=m.vfchost_slot, lpar=p.name)
        elif not (isinstance(host, VirtualFc) and host.side == "server"):
            yield HmcError(
                "HSCL0A0F", f"{where}.vfchost_slot", field="vfchost_slot",
                value=m.vfchost_slot,
                reason=f"slot {m.vfchost_slot} of {p.name} is not a server virtual Fibre "
                "Channel adapter.",
            )
        elif m.vfchost_slot in hosts:
            yield HmcError(
                "HSCL0A06", f"{where}.vfchost_slot", what="vfchost slot", value=m.vfchost_slot,
                owner=f"another NPIV mapping of {p.name}",
            )
        hosts.add(m.vfchost_slot)
        found = ports.get(m.port)
        if found is None or found[0].kind != "fc":
            yield HmcError("HSCL8017", f"{where}.port", name=m.port, lpar=p.name)
            continue
        port = found[1]
        used = per_port.get(m.port, 0) + 1
        per_port[m.port] = used
        if not port.npiv or used > port.max_npiv:
            yield HmcError("HSCL0A14", f"{where}.port", port=m.port, lpar=p.name)


def _seas(ix: FrameIndex, p: Partition, path: str) -> Problems:
    slots = ix.slots.get(p.id, {})
    ports = ix.ports.get(p.id, {})
    names: set[str] = set()
    physicals: dict[str, str] = {}  # physical port -> SEA using it
    trunks: dict[int, str] = {}  # trunk slot -> SEA bridging it
    for k, sea in enumerate(p.seas):
        where = f"{path}.seas[{k}]"

        def bad(field: str, reason: str, sea: SharedEthernetAdapter = sea, where: str = where
                ) -> HmcError:
            return HmcError("HSCL0A13", f"{where}.{field}", name=sea.name, reason=reason)

        if sea.name in names:
            yield HmcError(
                "HSCL0A06", f"{where}.name", what="shared Ethernet adapter name",
                value=sea.name, owner=f"another shared Ethernet adapter of {p.name}",
            )
        names.add(sea.name)

        found = ports.get(sea.physical)
        if found is None or found[0].kind != "eth":
            yield bad("physical", f"{sea.physical} is not a physical Ethernet port of {p.name}.")
        elif sea.physical in physicals:
            yield bad("physical", f"{sea.physical} is already used by {physicals[sea.physical]}.")
        else:
            physicals[sea.physical] = sea.name

        bridged: set[int] = set()
        if not sea.trunk_slots:
            yield bad("trunk_slots", "it needs at least one trunk virtual Ethernet adapter.")
        for m, slot in enumerate(sea.trunk_slots):
            a = slots.get(slot)
            if not isinstance(a, VirtualEth) or a.trunk_priority == 0:
                yield bad(
                    f"trunk_slots[{m}]",
                    f"slot {slot} of {p.name} is not a trunk virtual Ethernet adapter "
                    "(trunk_priority 1-15).",
                )
                continue
            if slot in trunks:
                yield bad(f"trunk_slots[{m}]", f"slot {slot} is already bridged by {trunks[slot]}.")
                continue
            trunks[slot] = sea.name
            bridged.add(a.pvid)
            bridged.update(a.vlans)
        if sea.default_slot not in sea.trunk_slots:
            yield bad("default_slot", f"slot {sea.default_slot} is not one of its trunk adapters.")

        if sea.ctl_chan_slot is not None:
            ctl = slots.get(sea.ctl_chan_slot)
            if not isinstance(ctl, VirtualEth) or ctl.trunk_priority != 0:
                yield bad(
                    "ctl_chan_slot",
                    f"slot {sea.ctl_chan_slot} of {p.name} is not a non-trunk virtual Ethernet "
                    "adapter.",
                )
            elif ctl.pvid in bridged:
                yield bad(
                    "ctl_chan_slot",
                    f"the control channel's VLAN {ctl.pvid} is bridged by the adapter itself.",
                )


def _sea_failover(ix: FrameIndex) -> Problems:
    """Two SEAs bridging one VLAN with equal trunk priority are both primary: a bridge loop."""
    # (vswitch, vlan, trunk priority) -> description of the first SEA trunk claiming it
    claimed: dict[tuple[str, int, int], tuple[tuple[int, int], str]] = {}
    counted: set[tuple[int, int]] = set()  # (VIOS id, trunk slot) already looked at
    for i, p in enumerate(ix.frame.partitions):
        if not p.is_vios or not p.seas:
            continue
        slots = ix.slots.get(p.id, {})
        for k, sea in enumerate(p.seas):
            for m, slot in enumerate(sea.trunk_slots):
                a = slots.get(slot)
                if not isinstance(a, VirtualEth) or a.trunk_priority == 0:
                    continue  # reported by _seas
                if (p.id, slot) in counted:
                    continue  # one trunk in two SEAs of one VIOS: reported by _seas
                counted.add((p.id, slot))
                for vlan in (a.pvid, *a.vlans):
                    key = (a.vswitch, vlan, a.trunk_priority)
                    prior = claimed.get(key)
                    me = ((p.id, k), f"{sea.name} of {p.name}")
                    if prior is None:
                        claimed[key] = me
                        continue
                    if prior[0] == me[0]:
                        continue  # the same SEA listing a VLAN twice is harmless
                    yield HmcError(
                        "HSCL0A13", f"partitions[{i}].seas[{k}].trunk_slots[{m}]",
                        name=sea.name,
                        reason=f"VLAN {vlan} on {a.vswitch} is also bridged by {prior[1]} with "
                        f"trunk priority {a.trunk_priority}: two primary adapters would cause "
                        "a broadcast storm.",
                    )
                    break  # one report per trunk adapter is enough
