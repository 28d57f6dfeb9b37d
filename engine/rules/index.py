"""FrameIndex: the lookups every rule group shares, built once per check."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from engine.hardware import HardwareModel
from engine.model import (
    Disk,
    Frame,
    Partition,
    PhysicalAdapter,
    PhysicalPort,
    VirtualEth,
    VirtualFc,
)
from engine.rules.common import MAC_LIST, WWPN_LIST, Adapter
from engine.rules.resources import Limits

# (server id, server slot, "scsi"/"fc", client id, client slot). A client adapter always
# knows itself and may not know its server; a server adapter the other way round.
Wanted = tuple[int | None, int | None, str, int, int]
Offered = tuple[int, int, str, int | None, int | None]
# owner partition id -> port name -> (adapter, port); the first port of a name wins
Ports = dict[int, dict[str, tuple[PhysicalAdapter, PhysicalPort]]]


@dataclass(slots=True)
class FrameIndex:
    """Lookups built once per check so no rule needs a nested scan.

    Duplicate ids, slots, port or disk names are reported by their own rules; the index keeps
    the first occurrence so the other rules still have something sensible to look at.

    Speed: the same pass gathers every client/server adapter pair and every WWPN and MAC as
    plain tuples and strings, which set operations then compare in bulk. Partitions whose
    adapters all pair up exactly are skipped by the detailed (error-naming) adapter check;
    the others are `suspects`.
    """

    frame: Frame
    hw: HardwareModel
    by_id: dict[int, Partition]
    pos: dict[int, int]  # partition id -> position in frame.partitions
    slots: dict[int, dict[int, Adapter]]  # partition id -> virtual slot -> adapter
    hosts: dict[str, dict[int, set[int]]]  # "scsi"/"fc" -> partition id -> server slots
    ports: Ports  # owner -> port name -> (adapter, port)
    disks: dict[int, dict[str, Disk]]  # VIOS id -> device name -> disk
    pool_ec: dict[int, float]  # pool id -> entitlement of its active members
    limits: Limits
    suspects: set[int] | None  # ids needing the detailed adapter check; None = every one
    addresses_unique: bool  # every WWPN and MAC well formed and unique

    @classmethod
    def build(cls, frame: Frame) -> FrameIndex:
        scan = _Scan()
        for i, p in enumerate(frame.partitions):
            scan.partition(i, p)
        suspects = scan.suspects
        if scan.vwwpns and not WWPN_LIST.fullmatch(",".join(scan.vwwpns)):
            suspects = None  # a malformed WWPN somewhere: let the detailed check find it
        ports, port_wwpns, port_macs = _physical_ports(frame)
        if suspects is not None:
            _pair_suspects(scan.wanted, scan.offered, suspects)
        hw = frame.hardware
        return cls(
            frame, hw, scan.by_id, scan.pos, scan.slots, scan.hosts, ports,
            _disks_by_owner(frame), scan.pool_ec, Limits.of(frame, hw), suspects,
            not scan.duplicate_ids
            and _all_unique(scan.vwwpns + port_wwpns, WWPN_LIST, str.lower)
            and _all_unique(scan.macs + port_macs, MAC_LIST, str.upper),
        )

    def adapters_clean(self, p: Partition) -> bool:
        """True when the bulk pass proved every vSCSI / vFC adapter of `p` right."""
        return (
            self.suspects is not None
            and p.id not in self.suspects
            and self.by_id.get(p.id) is p
        )

    def path(self, p: Partition) -> str:
        i = self.pos.get(p.id)
        if i is None or self.frame.partitions[i] is not p:
            # A duplicate id, or a partition not (yet) in the frame: find it by identity.
            i = next((k for k, q in enumerate(self.frame.partitions) if q is p), None)
            if i is None:
                raise ValueError(f"partition {p.name} is not in the frame; pass its path")
        return f"partitions[{i}]"

    def pool_entitled(self, pool_id: int) -> float:
        """Same figure as Frame.pool_entitled, without a scan per pool."""
        ec = self.pool_ec.get(pool_id, 0.0)
        return round(ec + self.frame.pools[pool_id].reserved_proc_units, 2)



@dataclass(slots=True)
class _Scan:
    """What the one pass over the partitions gathers for `FrameIndex.build`."""

    by_id: dict[int, Partition] = field(default_factory=dict)
    pos: dict[int, int] = field(default_factory=dict)
    slots: dict[int, dict[int, Adapter]] = field(default_factory=dict)
    pool_ec: dict[int, float] = field(default_factory=dict)
    # server adapter slots: {"scsi": {VIOS id: vhost slots}, "fc": {VIOS id: vfchost slots}}
    hosts: dict[str, dict[int, set[int]]] = field(
        default_factory=lambda: {"scsi": {}, "fc": {}}
    )
    # Client adapters as the server tuple each needs, server adapters of VIOS as they are:
    # (server id, server slot, kind, client id, client slot), None = "any".
    wanted: list[Wanted] = field(default_factory=list)
    offered: list[Offered] = field(default_factory=list)
    suspects: set[int] | None = field(default_factory=set)
    duplicate_ids: bool = False
    vwwpns: list[str] = field(default_factory=list)  # of client vFC adapters
    macs: list[str] = field(default_factory=list)  # of virtual Ethernet adapters

    def partition(self, i: int, p: Partition) -> None:
        pid = p.id
        if pid in self.by_id:
            self.duplicate_ids = True  # pairs and addresses are ambiguous: check everything
            self.suspects = None
            return
        self.by_id[pid] = p
        self.pos[pid] = i
        self.slots[pid] = self._adapters(p)
        cur = p.current
        if cur is not None and cur.proc_mode == "shared":
            pool = cur.shared_proc_pool_id
            self.pool_ec[pool] = self.pool_ec.get(pool, 0.0) + (cur.desired_proc_units or 0.0)

    def _adapters(self, p: Partition) -> dict[int, Adapter]:
        """`p`'s slot table; its pairs, addresses and served slots go to the lists."""
        pid, suspects, hosts = p.id, self.suspects, self.hosts
        wanted, offered = self.wanted, self.offered
        table: dict[int, Adapter] = {}
        vios = p.env == "vioserver"
        for a in p.adapters:
            slot = a.slot
            if isinstance(a, VirtualEth):
                if a.mac:
                    self.macs.append(a.mac)
                if slot in table:
                    if suspects is not None:
                        suspects.add(pid)
                else:
                    table[slot] = a
                continue
            side = a.side
            wrong = side == "server" and not vios  # a server outside a VIOS
            if isinstance(a, VirtualFc):
                kind = "fc"
                if side == "server":
                    wrong = wrong or a.wwpns is not None  # servers carry no WWPNs
                elif a.wwpns is None:
                    wrong = True
                else:
                    self.vwwpns.extend(a.wwpns)
            else:
                kind = "scsi"
            duplicate = slot in table  # reported by _slots; pairs use the first one
            if (wrong or duplicate) and suspects is not None:
                suspects.add(pid)
            if duplicate:
                continue
            table[slot] = a
            rid, rslot = a.remote_lpar_id, a.remote_slot
            if side == "client":
                # Written as the server tuple it needs: (VIOS, slot, kind, me, my slot).
                wanted.append((rid, rslot, kind, pid, slot))
                continue
            if vios:
                offered.append((pid, slot, kind, rid, rslot))
            served = hosts[kind].get(pid)
            if served is None:
                served = hosts[kind][pid] = set()
            served.add(slot)
        return table



def _physical_ports(frame: Frame) -> tuple[Ports, list[str], list[str]]:
    """Owned ports by owner and name (first wins), and every port's WWPN and MAC."""
    wwpns: list[str] = []
    macs: list[str] = []
    ports: Ports = {}
    for ad in frame.io.adapters:
        for port in ad.ports:
            if port.wwpn:
                wwpns.append(port.wwpn)
            if port.mac:
                macs.append(port.mac)
        if ad.owner is None:
            continue
        named = ports.setdefault(ad.owner, {})
        for port in ad.ports:
            named.setdefault(port.name, (ad, port))
    return ports, wwpns, macs


def _disks_by_owner(frame: Frame) -> dict[int, dict[str, Disk]]:
    """VIOS id -> device name -> disk (first wins)."""
    disks: dict[int, dict[str, Disk]] = {}
    for d in frame.io.disks:
        for owner in d.owners:
            disks.setdefault(owner, {}).setdefault(d.name, d)
    return disks

def _pair_suspects(
    wanted: list[Wanted], offered: list[Offered], suspects: set[int]
) -> None:
    """Add to `suspects` every partition with an adapter that does not pair up exactly.

    Both lists hold (server id, server slot, kind, client id, client slot). A client is
    proven right by a VIOS server offering exactly its tuple, or the same with the client
    id and/or slot left open (None); a server naming its client and slot by a client
    wanting exactly its tuple. Exact pairs are found by set differences in C; only the rest
    is looked at one by one. Anything unproven goes to the detailed check, which has the
    final word.
    """
    want, offer = set(wanted), set(offered)
    for v, vs, t, c, cs in want.difference(offer):
        if v is None or vs is None or (
            (v, vs, t, None, None) not in offer
            and (v, vs, t, c, None) not in offer
            and (v, vs, t, None, cs) not in offer
        ):
            suspects.add(c)
    unmatched = offer.difference(want)
    if not unmatched:
        return
    targets: set[tuple[int | None, int | None, str, int | None]] | None = None
    for server, server_slot, kind, client, client_slot in unmatched:
        if client is None:
            continue  # serves any partition: nothing to prove
        if client_slot is not None:
            suspects.add(server)
            continue
        # Names the client partition only: proven by any of its adapters pointing here.
        if targets is None:
            targets = {(sv, svs, st, sc) for sv, svs, st, sc, _ in want}
        if (server, server_slot, kind, client) not in targets:
            suspects.add(server)


def _all_unique(values: list[str], form: re.Pattern[str], norm: Callable[[str], str]) -> bool:
    """All values well formed and distinct after `norm`, checked in C over one joined string."""
    if not values:
        return True
    joined = ",".join(values)
    if not form.fullmatch(joined):
        return False
    keys = norm(joined).split(",")
    return len(set(keys)) == len(keys)
