"""Virtual adapters: slots, client/server pairs both ways, unique WWPNs and MACs."""

from __future__ import annotations

from engine.errors import HmcError
from engine.model import RESERVED_SLOTS, Partition, VirtualEth, VirtualFc, VirtualScsi
from engine.rules.common import MAC, VIOS_KIND, WWPN, Adapter, Problems
from engine.rules.index import FrameIndex


def _slots_ok(ix: FrameIndex, p: Partition, max_slots: int) -> bool:
    if not p.adapters:
        return True
    table = ix.slots.get(p.id)
    return (
        table is not None
        and ix.by_id[p.id] is p
        and len(table) == len(p.adapters)  # the index drops duplicate slots
        and min(table) > RESERVED_SLOTS[-1]
        and max(table) < max_slots
    )


def _slots(ix: FrameIndex, p: Partition, path: str) -> Problems:
    """Slots are unique, never 0/1, and below max_virtual_slots of what applies now."""
    max_slots = p.settings().max_virtual_slots
    if _slots_ok(ix, p, max_slots):
        return
    seen: set[int] = set()
    for j, a in enumerate(p.adapters):
        where = f"{path}.adapters[{j}].slot"
        if a.slot in RESERVED_SLOTS:
            yield HmcError("HSCL0A07", where, slot=a.slot)
        elif a.slot in seen:
            yield HmcError(
                "HSCL0A06", where, what="virtual slot", value=a.slot,
                owner=f"another adapter of {p.name}",
            )
        elif a.slot >= max_slots:
            yield HmcError("HSCL0A08", where, slot=a.slot, max_slots=max_slots, lpar=p.name)
        seen.add(a.slot)


def _adapters(ix: FrameIndex, p: Partition, path: str) -> Problems:
    """Client and server vSCSI / vFC adapters of `p` find their partner, both ways."""
    if ix.adapters_clean(p):
        return
    for j, a in enumerate(p.adapters):
        if not isinstance(a, VirtualScsi | VirtualFc):
            continue
        if a.side == "server":
            err = _server_adapter(ix, p, a, path, j)
        else:
            err = _client_adapter(ix, p, a, path, j)
        if err is not None:
            yield err
        if isinstance(a, VirtualFc):
            err = _wwpn_pair(a, path, j)
            if err is not None:
                yield err


def _client_adapter(
    ix: FrameIndex, p: Partition, a: VirtualScsi | VirtualFc, path: str, j: int
) -> HmcError | None:
    rid, rslot = a.remote_lpar_id, a.remote_slot
    if rid is None or rslot is None:
        field = "remote_lpar_id" if rid is None else "remote_slot"
        return HmcError(
            "HSCL0A0F", f"{path}.adapters[{j}].{field}", field=field, value="None",
            reason="a client adapter must name its server partition and slot.",
        )
    server = ix.by_id.get(rid)
    if server is None or not server.is_vios:
        field = "remote_lpar_id"
    else:
        peer = ix.slots[rid].get(rslot)
        if (
            isinstance(peer, VirtualScsi | VirtualFc)
            and peer.type == a.type
            and peer.side == "server"
            # The server may serve any partition / slot (None) or exactly this one.
            and peer.remote_lpar_id in (None, p.id)
            and peer.remote_slot in (None, a.slot)
        ):
            return None
        field = "remote_slot"
    return HmcError(
        "HSCL0A09", f"{path}.adapters[{j}].{field}", side="client", slot=a.slot, lpar=p.name,
        remote_id=rid, remote_slot=rslot, other="server",
    )


def _server_adapter(
    ix: FrameIndex, p: Partition, a: VirtualScsi | VirtualFc, path: str, j: int
) -> HmcError | None:
    if not p.is_vios:
        return HmcError(
            "HSCL0B09", f"{path}.adapters[{j}].side", kind=VIOS_KIND, name=p.name, env=p.env
        )
    rid, rslot = a.remote_lpar_id, a.remote_slot
    if rid is None:
        return None  # serves any partition

    def points_back(c: Adapter | None) -> bool:
        return (
            isinstance(c, VirtualScsi | VirtualFc)
            and c.type == a.type
            and c.side == "client"
            and c.remote_lpar_id == p.id
            and c.remote_slot == a.slot
        )

    client = ix.by_id.get(rid)
    if client is None:
        # The HMC keeps a server adapter whose client partition was deleted (or belongs to a
        # partition it never knew) as it is: real frames carry such adapters for years, and
        # the console shows "partition N, not on this frame". A client adapter naming a
        # missing server stays refused (`_client_adapter`): the HMC refuses to create one.
        return None
    if rslot is None:
        # Names the client partition but not its slot: any of its adapters may point here.
        if any(points_back(c) for c in client.adapters):
            return None
        field = "remote_lpar_id"
    elif points_back(ix.slots[rid].get(rslot)):
        return None
    else:
        field = "remote_slot"
    return HmcError(
        "HSCL0A09", f"{path}.adapters[{j}].{field}", side="server", slot=a.slot, lpar=p.name,
        remote_id=rid, remote_slot="any" if rslot is None else rslot, other="client",
    )


def _wwpn_pair(a: VirtualFc, path: str, j: int) -> HmcError | None:
    where = f"{path}.adapters[{j}].wwpns"
    if a.side == "server":
        if a.wwpns is None:
            return None
        return HmcError(
            "HSCL0A0F", where, field="wwpns", value=",".join(a.wwpns),
            reason="only client virtual Fibre Channel adapters have WWPNs.",
        )
    if a.wwpns is None:
        return HmcError(
            "HSCL0A0F", where, field="wwpns", value="None",
            reason="a client virtual Fibre Channel adapter needs a pair of WWPNs.",
        )
    for w in a.wwpns:
        if not WWPN.fullmatch(w):
            return HmcError(
                "HSCL0A0F", where, field="wwpns", value=w,
                reason="a WWPN is 16 hexadecimal digits.",
            )
    return None


def _addresses(ix: FrameIndex) -> Problems:
    """WWPNs (physical ports and client vFC pairs) and MACs are unique across the frame.

    Malformed addresses are reported by their own rules and skipped here. The first holder
    of an address is remembered as positions; its description is only built for an error.
    """
    if ix.addresses_unique:
        return
    frame = ix.frame
    wwpns: dict[str, tuple[int, int, int]] = {}  # (0, adapter, port) or (1, partition, adapter)
    macs: dict[str, tuple[int, int, int]] = {}

    def holder(ref: tuple[int, int, int]) -> str:
        kind, a, b = ref
        if kind == 0:
            return f"physical port {frame.io.adapters[a].ports[b].location}"
        owner = frame.partitions[a]
        return f"slot {owner.adapters[b].slot} of partition {owner.name}"

    for k, ad in enumerate(frame.io.adapters):
        for m, port in enumerate(ad.ports):
            if port.wwpn and WWPN.fullmatch(port.wwpn):
                key = port.wwpn.lower()
                if key in wwpns:
                    yield HmcError(
                        "HSCL0A06", f"io.adapters[{k}].ports[{m}].wwpn", what="WWPN",
                        value=key, owner=holder(wwpns[key]),
                    )
                else:
                    wwpns[key] = (0, k, m)
            if port.mac and MAC.fullmatch(port.mac):
                key = port.mac.upper()
                if key in macs:
                    yield HmcError(
                        "HSCL0A06", f"io.adapters[{k}].ports[{m}].mac", what="MAC address",
                        value=key, owner=holder(macs[key]),
                    )
                else:
                    macs[key] = (0, k, m)
    match = WWPN.fullmatch
    for i, p in enumerate(frame.partitions):
        for j, a in enumerate(p.adapters):
            if isinstance(a, VirtualEth):
                mac = a.mac
                if not mac:
                    continue
                if mac in macs:  # the model keeps virtual MACs upper case
                    yield HmcError(
                        "HSCL0A06", f"partitions[{i}].adapters[{j}].mac", what="MAC address",
                        value=mac, owner=holder(macs[mac]),
                    )
                else:
                    macs[mac] = (1, i, j)
            elif isinstance(a, VirtualFc) and a.wwpns is not None and a.side == "client":
                for w in a.wwpns:
                    if not match(w):
                        continue
                    key = w.lower()
                    if key in wwpns:
                        yield HmcError(
                            "HSCL0A06", f"partitions[{i}].adapters[{j}].wwpns", what="WWPN",
                            value=key, owner=holder(wwpns[key]),
                        )
                    else:
                        wwpns[key] = (1, i, j)
