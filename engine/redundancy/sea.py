"""SEA failover and network reach: the role of every Shared Ethernet Adapter in its failover
group (`sea_roles`), the VLANs bridged to the physical network (`bridged_vlans`), and
whether a partition still reaches the network, so RMC reaches it (`has_network`).
Derived from the frame on every call; docs/powervm-rules.md section 13. The takeover
delays these read (`frame.sea_takeovers`) are placed by engine/redundancy/outages.py.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from engine.model import Frame, Partition, SharedEthernetAdapter, VirtualEth
from engine.redundancy.paths import PathIndex, serving
from engine.vios import physical_ports

SeaState = Literal["PRIMARY", "BACKUP", "PRIMARY_SH", "BACKUP_SH", "LIMBO", "UNAVAILABLE"]

# An SEA taking over bridging from another (the backup when the primary fails, the primary
# when it returns) starts after this delay: the keep-alives on the control channel stop,
# the backup notices, the switch relearns the MACs. IBM's Redbook SG24-7940 (PowerVM
# Virtualization) warns of up to 30 s depending on the switch's spanning tree and advises
# PortFast; ours: 5 s, a switch set as advised.
SEA_TAKEOVER_SECONDS = 5.0


@dataclass(frozen=True)
class SeaRole:
    vios: str
    vios_id: int
    sea: str  # ent8
    vswitch: str
    priority: int  # trunk priority: lower is preferred (1 = primary)
    ha_mode: str
    state: SeaState
    vlans: tuple[int, ...]  # the VLANs this SEA bridges now (none unless PRIMARY*/BACKUP_SH)
    taking_over: bool = False  # BACKUP in its takeover delay: it bridges soon


def _port_up(frame: Frame, lpar_id: int, kind: str, name: str, ideal: bool) -> bool:
    if ideal:
        return True
    down = frame.ports_down()
    ports = [port for port in physical_ports(frame, lpar_id, kind) if port.name == name]
    return not ports or ports[0].location not in down  # a port the frame does not list: up


def _bridged(p: Partition, sea: SharedEthernetAdapter) -> list[tuple[int, tuple[int, ...]]]:
    """(slot, VLANs) of each trunk adapter the SEA bridges, in slot order."""
    out = []
    for slot in sorted(sea.trunk_slots):
        a = p.adapter(slot)
        if isinstance(a, VirtualEth):
            out.append((slot, (a.pvid, *a.vlans)))
    return out


def _priority(p: Partition, sea: SharedEthernetAdapter) -> int:
    a = p.adapter(sea.default_slot)
    return a.trunk_priority if isinstance(a, VirtualEth) and a.trunk_priority else 15


def _vswitch(p: Partition, sea: SharedEthernetAdapter) -> str:
    a = p.adapter(sea.default_slot)
    return a.vswitch if isinstance(a, VirtualEth) else "ETHERNET0"


@dataclass
class _Sea:
    vios: Partition
    sea: SharedEthernetAdapter
    vswitch: str
    vlans: set[int]  # every VLAN its trunk adapters carry
    up: bool
    state: SeaState  # when it has no role
    trunks: list[tuple[int, tuple[int, ...]]]


def sea_roles(frame: Frame, *, ideal: bool = False, settled: bool = False) -> list[SeaRole]:
    """The role of every SEA now, by VIOS id then SEA name.

    SEAs on the same virtual switch bridging overlapping VLANs form a failover group unless
    `ha_mode=disabled`. Among those whose VIOS is up and whose physical port is up, the one
    with the best (lowest) trunk priority is PRIMARY, the others BACKUP; an SEA with
    `ha_mode=standby` stays BACKUP while another can be primary; when both of a pair have
    `ha_mode=sharing` they split the trunk adapters (PRIMARY_SH bridges the first half,
    BACKUP_SH the rest). The roles follow the SEAs' health at once, so a failed primary's
    VLANs move to the backup and come back when it returns (failback, as ha_mode=auto does).
    A down VIOS's SEA is UNAVAILABLE; an SEA whose physical link is down is LIMBO.
    An SEA still in its takeover delay (`frame.sea_takeovers`) is not elected: it stays
    BACKUP, and the one it takes over from bridges until then if it still can (failback),
    else nobody does (failover: the gap). `settled`: as if every takeover were done.
    `ideal`: as if every VIOS were up and no port down (what the configuration intends).
    """
    held = set() if ideal or settled else {(t.vios_id, t.sea) for t in frame.sea_takeovers}
    seas: list[_Sea] = []
    for p in frame.partitions:
        if not p.is_vios:
            continue
        for sea in p.seas:
            trunks = _bridged(p, sea)
            alive = ideal or serving(p)
            up = alive and _port_up(frame, p.id, "eth", sea.physical, ideal)
            seas.append(_Sea(p, sea, _vswitch(p, sea), {v for _, vs in trunks for v in vs}, up,
                             "BACKUP" if up else "LIMBO" if alive else "UNAVAILABLE", trunks))
    groups: list[list[_Sea]] = []  # failover groups
    for entry in seas:
        home = None if entry.sea.ha_mode == "disabled" else next(
            (g for g in groups if any(e.sea.ha_mode != "disabled" and e.vswitch == entry.vswitch
                                      and e.vlans & entry.vlans for e in g)), None)
        if home is None:
            groups.append([entry])
        else:
            home.append(entry)
    result: dict[tuple[int, str], SeaRole] = {}
    for group in groups:
        live = sorted((e for e in group if e.up and (e.vios.id, e.sea.name) not in held),
                      key=lambda e: (
            e.sea.ha_mode == "standby", _priority(e.vios, e.sea), e.vios.id))
        roles: dict[int, tuple[SeaState, tuple[int, ...]]] = {}
        if live:
            first = live[0]
            second = live[1] if len(live) > 1 else None
            if (second is not None and first.sea.ha_mode == "sharing"
                    and second.sea.ha_mode == "sharing" and len(first.trunks) > 1):
                half = -(-len(first.trunks) // 2)
                roles[id(first)] = ("PRIMARY_SH", _flat(first.trunks[:half]))
                roles[id(second)] = ("BACKUP_SH", _flat(second.trunks[half:]))
            else:
                roles[id(first)] = ("PRIMARY", _flat(first.trunks))
        for e in group:
            state, vlans = roles.get(id(e), (e.state, ()))
            result[(e.vios.id, e.sea.name)] = SeaRole(
                vios=e.vios.name, vios_id=e.vios.id, sea=e.sea.name, vswitch=e.vswitch,
                priority=_priority(e.vios, e.sea), ha_mode=e.sea.ha_mode, state=state,
                vlans=vlans, taking_over=e.up and (e.vios.id, e.sea.name) in held)
    return [result[k] for k in sorted(result)]


def _flat(trunks: list[tuple[int, tuple[int, ...]]]) -> tuple[int, ...]:
    return tuple(sorted({v for _, vs in trunks for v in vs}))


def bridged_vlans(frame: Frame, *, ideal: bool = False,
                  settled: bool = False) -> dict[str, frozenset[int]]:
    """vswitch -> the VLANs some SEA bridges to the physical network now."""
    out: dict[str, set[int]] = {}
    for role in sea_roles(frame, ideal=ideal, settled=settled):
        out.setdefault(role.vswitch, set()).update(role.vlans)
    return {k: frozenset(v) for k, v in out.items()}


def has_network(frame: Frame, p: Partition, *, ideal: bool = False,
                bridged: dict[str, frozenset[int]] | None = None,
                index: PathIndex | None = None) -> bool | None:
    """Whether the partition reaches the external network now: through a physical Ethernet
    port it owns that is up, or a virtual Ethernet adapter on a VLAN an SEA bridges. None
    when it has no Ethernet adapter at all (how it reaches the HMC is not modelled)."""
    ports = index.ports.get((p.id, "eth"), []) if index else [
        (port.name, port.wwpn, port.location not in frame.ports_down())
        for port in physical_ports(frame, p.id, "eth")]
    eths = [a for a in p.adapters if isinstance(a, VirtualEth)]
    if not ports and not eths:
        return None
    if any(ideal or up for _, _, up in ports):
        return True
    if p.is_vios:
        return False  # a VIOS's own address is on its physical ports (or its SEA's)
    if bridged is None:
        bridged = bridged_vlans(frame, ideal=ideal)
    for a in eths:
        vlans = bridged.get(a.vswitch, frozenset())
        if a.pvid in vlans or (a.ieee and any(v in vlans for v in a.vlans)):
            return True
    return False
