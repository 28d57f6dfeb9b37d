"""The virtual network as the HMC's Virtual Networks view shows it: for every virtual switch
and VLAN, the partitions' adapters on it and the shared Ethernet adapters (SEAs) that bridge
it to the physical network, each with its ha_mode and failover state.

Pure over the frame: the screen (hmc_tui/screens/vnet.py) only lays the rows out. The SEA
failover state is the engine's (engine.redundancy.sea_roles), worded by vios_model.sea_role.
"""

from __future__ import annotations

from dataclasses import dataclass

from engine.model import Frame, VirtualEth
from hmc_tui.widgets.vios_model import sea_infos, sea_role, sea_states

DEFAULT_VSWITCH = "ETHERNET0"  # every managed system has it, adapters or not


@dataclass(frozen=True)
class VlanMember:
    lpar: str
    slot: int
    tagged: bool  # on the VLAN by IEEE 802.1Q tag (addl_vlan_ids), not by its PVID
    note: str = ""  # "ctl_chan": the SEA's control channel (its lsdev attribute's name)

    @property
    def text(self) -> str:
        how = " tagged" if self.tagged else ""
        return f"{self.lpar} C{self.slot}{how}" + (f" {self.note}" if self.note else "")


@dataclass(frozen=True)
class VlanBridge:
    vios: str
    sea: str  # ent8
    physical: str  # ent0
    ha_mode: str
    state: str  # PRIMARY, BACKUP, BACKUP, bridging, ...
    detail: str  # the trunk priority and why
    style: str  # ok, warn, bad, dim or "" (vios_model's label styles)

    @property
    def text(self) -> str:
        return f"{self.vios} {self.sea}"


@dataclass(frozen=True)
class VlanRow:
    vswitch: str
    vlan: int
    members: tuple[VlanMember, ...]
    bridges: tuple[VlanBridge, ...]  # empty: the VLAN stays inside the frame


def vlan_rows(frame: Frame) -> list[VlanRow]:
    """Every (virtual switch, VLAN) an adapter uses, switch then VLAN in order."""
    infos = sea_infos(frame)
    states = sea_states(frame)
    trunk_slots = {(i.vios.id, s) for i in infos for s in i.sea.trunk_slots}
    control = {(i.vios.id, i.sea.ctl_chan_slot) for i in infos
               if i.sea.ctl_chan_slot is not None}
    members: dict[tuple[str, int], list[VlanMember]] = {}
    for p in frame.partitions:
        for a in sorted(p.adapters, key=lambda a: a.slot):
            if not isinstance(a, VirtualEth):
                continue
            if (p.id, a.slot) in trunk_slots:  # shown as the SEA bridging it
                members.setdefault((a.vswitch, a.pvid), [])
                for vlan in a.vlans:
                    members.setdefault((a.vswitch, vlan), [])
                continue
            note = "ctl_chan" if (p.id, a.slot) in control else ""
            members.setdefault((a.vswitch, a.pvid), []).append(
                VlanMember(p.name, a.slot, False, note))
            for vlan in a.vlans:
                members.setdefault((a.vswitch, vlan), []).append(
                    VlanMember(p.name, a.slot, True, note))
    rows = []
    for (vswitch, vlan), on_it in sorted(members.items()):
        bridges = []
        for info in infos:
            if info.vswitch != vswitch or vlan not in info.vlans:
                continue
            label = sea_role(info, states)
            bridges.append(VlanBridge(
                info.vios.name, info.sea.name, info.sea.physical, info.sea.ha_mode,
                state=label[0][0], detail="".join(text for text, _ in label[1:]).strip(),
                style=label[0][1]))
        rows.append(VlanRow(vswitch, vlan, tuple(on_it), tuple(bridges)))
    return rows


def vswitches(frame: Frame) -> list[tuple[str, list[int]]]:
    """Each virtual switch with its VLANs (ETHERNET0 even when no adapter is on it)."""
    found: dict[str, list[int]] = {DEFAULT_VSWITCH: []}
    for row in vlan_rows(frame):
        found.setdefault(row.vswitch, []).append(row.vlan)
    return sorted(found.items())
