"""VIOS device naming: how the VIOS names the adapters the HMC knows by slot.

The VIOS numbers vhostN / vfchostN in slot order of its server adapters, and its Ethernet
devices entN after the physical ports it owns (ent0..), again in slot order. Names are
derived, never stored, so they cannot drift from the slots.
"""

from __future__ import annotations

from engine.model import Frame, Partition, PhysicalPort, VirtualEth, VirtualFc, VirtualScsi


def vhosts(p: Partition) -> dict[int, str]:
    """Server vSCSI adapter slot -> vhostN."""
    slots = sorted(a.slot for a in p.adapters if isinstance(a, VirtualScsi) and a.side == "server")
    return {slot: f"vhost{i}" for i, slot in enumerate(slots)}


def vfchosts(p: Partition) -> dict[int, str]:
    """Server vFC adapter slot -> vfchostN."""
    slots = sorted(a.slot for a in p.adapters if isinstance(a, VirtualFc) and a.side == "server")
    return {slot: f"vfchost{i}" for i, slot in enumerate(slots)}


def physical_ports(frame: Frame, lpar_id: int, kind: str) -> list[PhysicalPort]:
    """Ports of the physical adapters a partition owns ("fc" or "eth"), in adapter order."""
    return [
        port for a in frame.io.adapters if a.owner == lpar_id and a.kind == kind
        for port in a.ports
    ]


def virtual_eths(frame: Frame, p: Partition) -> dict[int, str]:
    """Virtual Ethernet slot -> entN, numbered after the partition's physical ports and SEAs."""
    taken = {port.name for port in physical_ports(frame, p.id, "eth")} | {s.name for s in p.seas}
    names: dict[int, str] = {}
    n = 0
    for slot in sorted(a.slot for a in p.adapters if isinstance(a, VirtualEth)):
        while f"ent{n}" in taken:
            n += 1
        names[slot] = f"ent{n}"
        taken.add(names[slot])
    return names


def slot_of(names: dict[int, str], device: str) -> int | None:
    """The slot behind a device name, from one of the maps above."""
    return next((slot for slot, name in names.items() if name == device), None)


def next_ent_name(frame: Frame, p: Partition) -> str:
    """A free entN for a new SEA."""
    taken = set(virtual_eths(frame, p).values()) | {s.name for s in p.seas} | {
        port.name for port in physical_ports(frame, p.id, "eth")
    }
    n = 0
    while f"ent{n}" in taken:
        n += 1
    return f"ent{n}"
