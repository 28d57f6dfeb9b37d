"""lsmap's selections: `-cpid N` (the adapters serving client partition N) and `-type T...`
(only virtual target devices whose backing device is of type T), and the `-net -fmt` form.

IBM's lsmap man page lists the backing device types disk, lv, optical, tape, file,
file_disk, file_opt, cl_disk and usb_disk. The frame models disks, logical volumes and
virtual optical media files (file_opt); `file` takes every file-backed device; the other
types select nothing here. A selection keeps the VIOS's own layouts: it hands the listing
functions a copy of the VIOS holding only the matching mappings.
"""

from __future__ import annotations

from engine import vios as names
from engine.model import Frame, Partition, VirtualFc, VirtualScsi
from hmc_tui.hmccli.errors import UsageError

TYPES: dict[str, tuple[str, ...]] = {
    "disk": ("disk",), "lv": ("lv",), "file_opt": ("file",), "file": ("file",),
    "optical": (), "tape": (), "file_disk": (), "cl_disk": (), "usb_disk": (),
}


def client_id(text: str) -> int:
    """-cpid takes the client's partition ID in decimal (or 0x hex, as lsmap prints it)."""
    try:
        return int(text, 16) if text.lower().startswith("0x") else int(text)
    except ValueError:
        raise UsageError("-cpid") from None


def by_client(v: Partition, adapters: dict[int, str], cpid: int) -> dict[int, str]:
    """The server adapters whose configured client is partition `cpid`."""
    kept: dict[int, str] = {}
    for slot, name in adapters.items():
        a = v.adapter(slot)
        if isinstance(a, VirtualScsi | VirtualFc) and a.remote_lpar_id == cpid:
            kept[slot] = name
    return kept


def by_type(frame: Frame, v: Partition, adapters: dict[int, str],
            types: list[str]) -> tuple[Partition, dict[int, str]]:
    """The VIOS with only the mappings of the given backing types, and the vhosts that
    still have one."""
    kinds: set[str] = set()
    for t in types:
        if t not in TYPES:
            raise UsageError("-type")
        kinds.update(TYPES[t])
    disks = {d.name: d.kind for d in frame.io.disks}
    maps = tuple(m for m in v.vscsi_mappings if disks.get(m.backing, "disk") in kinds)
    slots = {m.vhost_slot for m in maps}
    return (v.model_copy(update={"vscsi_mappings": maps}),
            {s: n for s, n in adapters.items() if s in slots})


def net_fmt(frame: Frame, v: Partition, sep: str) -> list[str]:
    """`lsmap -all -net -fmt ,`: svea, physloc, sea, backing, status, bdphysloc per virtual
    Ethernet adapter (the field order IBM's ansible-power-vios mapping_facts module reads);
    the SEA fields are empty for an adapter no SEA bridges."""
    ports = {pt.name: pt for pt in names.physical_ports(frame, v.id, "eth")}
    lines: list[str] = []
    for slot, ent in sorted(names.virtual_eths(frame, v).items()):
        sea = next((s for s in v.seas if slot in s.trunk_slots), None)
        port = ports.get(sea.physical) if sea is not None else None
        lines.append(sep.join((
            ent, f"{frame.location(v.id, slot)}-T1", sea.name if sea else "",
            sea.physical if sea else "", "Available" if sea else "",
            port.location if port else "")))
    return lines
