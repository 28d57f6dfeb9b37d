"""Physical I/O: adapter owners, DRC indexes, port names and addresses, VIOS disks."""

from __future__ import annotations

from engine.errors import HmcError
from engine.rules.common import MAC, VIOS_KIND, WWPN, Problems
from engine.rules.index import FrameIndex


def _io(ix: FrameIndex) -> Problems:
    io = ix.frame.io
    drcs: dict[str, str] = {}
    port_names: dict[tuple[int, str], str] = {}  # (owner, port name) -> location
    for k, ad in enumerate(io.adapters):
        where = f"io.adapters[{k}]"
        if not ad.drc_index:
            pass  # not known (seen only through a VIOS listing): nothing to compare
        elif ad.drc_index in drcs:
            yield HmcError(
                "HSCL0A06", f"{where}.drc_index", what="DRC index", value=ad.drc_index,
                owner=f"the adapter at {drcs[ad.drc_index]}",
            )
        else:
            drcs[ad.drc_index] = ad.location
        if ad.owner is not None and ad.owner not in ix.by_id:
            yield HmcError(
                "HSCL0A0F", f"{where}.owner", field="owner", value=ad.owner,
                reason=f"there is no partition with ID {ad.owner}.",
            )
        for m, port in enumerate(ad.ports):
            pw = f"{where}.ports[{m}]"
            if ad.owner is not None:
                key = (ad.owner, port.name)
                if key in port_names:
                    yield HmcError(
                        "HSCL0A06", f"{pw}.name", what="device name", value=port.name,
                        owner=f"the port at {port_names[key]}",
                    )
                else:
                    port_names[key] = port.location
            # Empty = not modelled; a value must be a real address.
            if port.wwpn and not WWPN.fullmatch(port.wwpn):
                yield HmcError(
                    "HSCL0A0F", f"{pw}.wwpn", field="wwpn", value=port.wwpn,
                    reason="a WWPN is 16 hexadecimal digits.",
                )
            if port.mac and not MAC.fullmatch(port.mac):
                yield HmcError(
                    "HSCL0A0F", f"{pw}.mac", field="mac", value=port.mac,
                    reason="a MAC address is 12 hexadecimal digits.",
                )
    seen: set[tuple[int, str]] = set()
    vios_ids = {pid for pid, p in ix.by_id.items() if p.is_vios}
    for k, d in enumerate(io.disks):
        for owner in d.owners:
            if owner not in vios_ids:
                p = ix.by_id.get(owner)
                if p is None:
                    yield HmcError(
                        "HSCL0A0F", f"io.disks[{k}].owners", field="owners", value=owner,
                        reason=f"there is no partition with ID {owner}.",
                    )
                else:
                    yield HmcError("HSCL0B09", f"io.disks[{k}].owners", kind=VIOS_KIND,
                                   name=p.name, env=p.env)
            key = (owner, d.name)
            if key in seen:
                yield HmcError(
                    "HSCL0A06", f"io.disks[{k}].name", what="device name", value=d.name,
                    owner=f"another device of partition {owner}",
                )
            seen.add(key)
