"""What the VIOS screen shows, computed from a frame (no Textual here, so it is easy to test).

Per VIOS a tree mirroring `lsmap`: vhost -> VTD -> backing device -> client partition and slot;
vfchost -> physical FC port -> client partition and its WWPNs; SEA -> physical adapter, trunk
adapters, control channel, HA state. Every node has a stable hierarchical key (the VIOS name,
then slots and device names), so the screen can patch an existing tree instead of rebuilding
it. Device names come from engine.vios (derived from slots, as the VIOS derives them).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from engine import vios as names
from engine.model import (
    Disk,
    Frame,
    Partition,
    PhysicalPort,
    SharedEthernetAdapter,
    VirtualEth,
    VirtualFc,
    VirtualScsi,
)
from engine.ops.vio import media_name
from engine.redundancy import SeaRole, sea_roles

# Span tags: the tree widget maps them to theme colours.
Tag = Literal["", "name", "ok", "warn", "bad", "dim"]
Label = tuple[tuple[str, Tag], ...]
Kind = Literal[
    "vios", "group", "vhost", "vtd", "backing", "scsi_client", "empty",
    "vfchost", "port", "fc_client", "sea", "sea_part",
]
SCSI_KINDS = ("vhost", "vtd", "backing", "scsi_client")
FC_KINDS = ("vfchost", "port", "fc_client")


@dataclass(frozen=True)
class NodeRef:
    """What a tree node stands for; actions read it from the selected node."""

    key: str
    kind: Kind
    vios: str
    slot: int | None = None  # vhost / vfchost slot for that branch
    vtd: str | None = None  # the VTD for a VTD node and the nodes below it
    branch: Literal["", "scsi", "fc", "sea"] = ""


@dataclass(frozen=True)
class Item:
    ref: NodeRef
    label: Label
    children: tuple[Item, ...] = field(default=())

    @property
    def key(self) -> str:
        return self.ref.key

    def text(self) -> str:
        return "".join(part for part, _ in self.label)


def lun_id(lun: int) -> str:
    """The VIOS's LUN notation: 1 -> 0x8100000000000000."""
    return f"0x{0x80 + lun:02x}00000000000000"


def state_tag(state: str) -> Tag:
    if state == "Running":
        return "ok"
    if state in ("Error", "Not Available"):
        return "bad"
    if state == "Not Activated":
        return "dim"
    return "warn"


def client_ref(frame: Frame, lpar_id: int | None, slot: int | None) -> Label:
    """'→ oradb01 (id 3) slot 2' for a server adapter's remote end."""
    if lpar_id is None:
        return (("→ any partition", "dim"),)
    p = frame.partition(lpar_id)
    name = p.name if p else f"partition {lpar_id}, not on this frame"
    where = f" slot {slot}" if slot is not None else ""
    return (("→ ", "dim"), (name, "name"), (f" (id {lpar_id}){where}", "dim"))


def client_device(client: Partition, kind: type[VirtualScsi] | type[VirtualFc], slot: int,
                  stem: str) -> str:
    """The client OS's device name for one of its client adapters (vscsi0, fcs0, ...)."""
    slots = sorted(a.slot for a in client.adapters
                   if isinstance(a, kind) and getattr(a, "side", "") == "client")
    return f"{stem}{slots.index(slot)}" if slot in slots else ""


# ---------------------------------------------------------------- vSCSI


def _scsi_client(frame: Frame, v: Partition, a: VirtualScsi, key: str, vtd: str) -> Item:
    ref = NodeRef(f"{key}/client", "scsi_client", v.name, a.slot, vtd, "scsi")
    client = frame.partition(a.remote_lpar_id) if a.remote_lpar_id is not None else None
    if client is None and a.remote_lpar_id is not None:  # kept as the real frame has it
        return Item(ref, ((f"client: partition {a.remote_lpar_id}, not on this frame", "dim"),))
    if client is None or a.remote_slot is None:
        return Item(ref, (("client: none connected (0x00000000)", "dim"),))
    back = client.adapter(a.remote_slot)
    label: Label = (("client ", "dim"), (client.name, "name"),
                    (f" (id {client.id}) slot {a.remote_slot}", ""))
    if isinstance(back, VirtualScsi) and back.remote_lpar_id == v.id:
        dev = client_device(client, VirtualScsi, a.remote_slot, "vscsi")
        if dev and client.env != "os400":
            label += ((f" {dev}", ""),)
        label += ((f"  {frame.location(client.id, a.remote_slot)}  ", "dim"),
                  (client.state, state_tag(client.state)))
    else:  # the client adapter does not point back: the HMC shows it unconnected
        label += (("  no matching client adapter", "bad"),)
    return Item(ref, label)


def _vtd_item(frame: Frame, v: Partition, a: VirtualScsi, vtd: str, backing: str, lun: int,
              disks: dict[str, Disk], parent: str) -> Item:
    key = f"{parent}/vtd:{vtd}"
    disk = disks.get(backing)
    if backing == "":  # a file-backed optical device with no media (mkvdev -fbo)
        back_label: Label = (("No Media", "dim"),
                             ("  virtual optical · l loads media (loadopt)", "dim"))
    elif disk is not None and disk.kind == "file":
        back_label = (("media ", "dim"), (media_name(backing), "name"),
                      (f"  {disk.size_gb * 1024} MB  file-backed optical · l changes it "
                       "(loadopt / unloadopt)", "dim"))
    elif disk is None:
        back_label = ((backing, "name"), ("  device not found", "bad"))
    else:
        detail = f"  {disk.kind} {disk.size_gb} GB"
        if disk.unique_id:
            detail += f"  {disk.unique_id}"
        back_label = ((backing, "name"), (detail, "dim"))
    backing_item = Item(
        NodeRef(f"{key}/backing", "backing", v.name, a.slot, vtd, "scsi"), back_label,
        (_scsi_client(frame, v, a, f"{key}/backing", vtd),),
    )
    label: Label = (("VTD ", "dim"), (vtd, "name"), (f"  LUN {lun_id(lun)}  ", "dim"),
                    ("Available", "ok"))
    return Item(NodeRef(key, "vtd", v.name, a.slot, vtd, "scsi"), label, (backing_item,))


def scsi_items(frame: Frame, v: Partition, parent: str) -> tuple[Item, ...]:
    disks = {d.name: d for d in frame.io.disks if v.id in d.owners}
    items = []
    for slot, vhost in names.vhosts(v).items():
        a = v.adapter(slot)
        assert isinstance(a, VirtualScsi)
        key = f"{parent}/vhost:{slot}"
        maps = sorted((m for m in v.vscsi_mappings if m.vhost_slot == slot), key=lambda m: m.lun)
        children = tuple(_vtd_item(frame, v, a, m.vtd, m.backing, m.lun, disks, key)
                         for m in maps)
        if not children:
            children = (Item(NodeRef(f"{key}/none", "empty", v.name, slot, None, "scsi"),
                             (("NO VIRTUAL TARGET DEVICE FOUND", "dim"),)),)
        label: Label = ((vhost, "name"), (f"  slot {slot}  {frame.location(v.id, slot)}  ",
                                          "dim"),
                        *client_ref(frame, a.remote_lpar_id, a.remote_slot))
        items.append(Item(NodeRef(key, "vhost", v.name, slot, None, "scsi"), label, children))
    return tuple(items)


# ---------------------------------------------------------------- NPIV


def npiv_free(frame: Frame, v: Partition, port: PhysicalPort) -> int:
    """NPIV target ports still free on a physical port (lsnports' aports)."""
    if not port.npiv:
        return 0
    return max(port.max_npiv - sum(1 for m in v.npiv_mappings if m.port == port.name), 0)


def _fc_client(frame: Frame, v: Partition, a: VirtualFc, key: str, logged_in: bool) -> Item:
    ref = NodeRef(f"{key}/client", "fc_client", v.name, a.slot, None, "fc")
    client = frame.partition(a.remote_lpar_id) if a.remote_lpar_id is not None else None
    if client is None and a.remote_lpar_id is not None:  # kept as the real frame has it
        return Item(ref, ((f"client: partition {a.remote_lpar_id}, not on this frame", "dim"),))
    if client is None or a.remote_slot is None:
        return Item(ref, (("client: none connected", "dim"),))
    back = client.adapter(a.remote_slot)
    label: Label = (("client ", "dim"), (client.name, "name"),
                    (f" (id {client.id}) slot {a.remote_slot}", ""))
    if isinstance(back, VirtualFc) and back.remote_lpar_id == v.id:
        dev = client_device(client, VirtualFc, a.remote_slot, "fcs")
        wwpns = " ".join(back.wwpns) if back.wwpns else "none"
        status = "LOGGED_IN" if logged_in and client.active else "NOT_LOGGED_IN"
        label += ((f" {dev}" if dev else "", ""), ("  WWPNs ", "dim"), (wwpns, ""),
                  ("  ", ""), (status, "ok" if status == "LOGGED_IN" else "warn"))
    else:
        label += (("  no matching client adapter", "bad"),)
    return Item(ref, label)


def fc_items(frame: Frame, v: Partition, parent: str) -> tuple[Item, ...]:
    ports = {p.name: p for p in names.physical_ports(frame, v.id, "fc")}
    mapped = {m.vfchost_slot: m.port for m in v.npiv_mappings}
    items = []
    for slot, vfchost in names.vfchosts(v).items():
        a = v.adapter(slot)
        assert isinstance(a, VirtualFc)
        key = f"{parent}/vfchost:{slot}"
        port_name = mapped.get(slot)
        if port_name is None:
            children: tuple[Item, ...] = (Item(
                NodeRef(f"{key}/none", "empty", v.name, slot, None, "fc"),
                (("NOT_MAPPED", "warn"), ("  no physical port: map one with the map key",
                                          "dim")),
            ),)
        else:
            port = ports.get(port_name)
            if port is None:
                port_label: Label = ((port_name, "name"), ("  port not found", "bad"))
            else:
                port_label = ((port.name, "name"), (f"  {port.location}  WWPN {port.wwpn}  ",
                                                    "dim"),
                              (f"NPIV {npiv_free(frame, v, port)}/{port.max_npiv} free", ""))
            logged_in = port is not None and v.state == "Running"
            children = (Item(NodeRef(f"{key}/port", "port", v.name, slot, None, "fc"),
                             port_label, (_fc_client(frame, v, a, f"{key}/port", logged_in),)),)
        label: Label = ((vfchost, "name"), (f"  slot {slot}  {frame.location(v.id, slot)}  ",
                                            "dim"),
                        *client_ref(frame, a.remote_lpar_id, a.remote_slot))
        items.append(Item(NodeRef(key, "vfchost", v.name, slot, None, "fc"), label, children))
    return tuple(items)


# ---------------------------------------------------------------- SEA


@dataclass(frozen=True)
class SeaInfo:
    vios: Partition
    sea: SharedEthernetAdapter
    vswitch: str
    vlans: frozenset[int]
    priority: int  # lowest trunk priority of its trunk adapters


def sea_infos(frame: Frame) -> list[SeaInfo]:
    out = []
    for v in frame.partitions:
        for sea in v.seas:
            trunks = [a for a in (v.adapter(s) for s in sea.trunk_slots)
                      if isinstance(a, VirtualEth)]
            vlans = frozenset(x for a in trunks for x in (a.pvid, *a.vlans))
            prio = min((a.trunk_priority for a in trunks if a.trunk_priority), default=0)
            vswitch = trunks[0].vswitch if trunks else "ETHERNET0"
            out.append(SeaInfo(v, sea, vswitch, vlans, prio))
    return out


SeaRoles = dict[tuple[int, str], SeaRole]


def sea_states(frame: Frame) -> tuple[SeaRoles, SeaRoles]:
    """Every SEA's role now and as configured (engine.redundancy decides both)."""
    def by_key(roles: list[SeaRole]) -> SeaRoles:
        return {(r.vios_id, r.sea): r for r in roles}
    return by_key(sea_roles(frame)), by_key(sea_roles(frame, ideal=True))


def sea_role(info: SeaInfo, states: tuple[SeaRoles, SeaRoles]) -> Label:
    """HA state as `entstat` would report it. The roles are the engine's
    (engine.redundancy.sea_roles); this words them, and says when a backup bridges because
    the SEA meant to be primary cannot (its VIOS down, its link down)."""
    if info.sea.ha_mode == "disabled":
        return (("ha_mode=disabled (no failover)", "dim"),)
    key = (info.vios.id, info.sea.name)
    role, meant = states[0][key].state, states[1][key].state
    prio = f" (trunk priority {info.priority})"
    if states[0][key].taking_over:  # the engine's takeover delay (failover, failback)
        return (("BACKUP, taking over", "warn"), (prio + ": failover in progress", "warn"))
    if role in ("PRIMARY_SH", "BACKUP_SH"):
        return (("SHARING", "ok"), (prio, "dim"))
    if role == "PRIMARY":
        if meant == "PRIMARY":
            return (("PRIMARY", "ok"), (prio, "dim"))
        return (("BACKUP, bridging", "warn"), (prio + ": primary not available", "warn"))
    if role in ("UNAVAILABLE", "LIMBO"):
        why = f"VIOS {info.vios.state}" if role == "UNAVAILABLE" else "physical link down"
        return (("PRIMARY" if meant == "PRIMARY" else "BACKUP", "bad"),
                (prio + ", not bridging: " + why, "bad"))
    return (("BACKUP", ""), (prio, "dim"))

def sea_items(frame: Frame, v: Partition, parent: str) -> tuple[Item, ...]:
    ents = names.virtual_eths(frame, v)
    ports = {p.name: p for p in names.physical_ports(frame, v.id, "eth")}
    infos = sea_infos(frame)
    states = sea_states(frame)
    items = []
    for info in (i for i in infos if i.vios.id == v.id):
        sea = info.sea
        key = f"{parent}/sea:{sea.name}"

        def part(suffix: str, label: Label, sea_key: str = key) -> Item:
            return Item(NodeRef(f"{sea_key}/{suffix}", "sea_part", v.name, None, None, "sea"),
                        label)

        port = ports.get(sea.physical)
        phys: Label = (("physical ", "dim"), (sea.physical, "name"),
                       ((f"  {port.location}  MAC {port.mac}", "dim") if port
                        else ("  not a physical port of this VIOS", "bad")))
        children = [part("phys", phys)]
        for slot in sea.trunk_slots:
            a = v.adapter(slot)
            if not isinstance(a, VirtualEth):
                children.append(part(f"trunk:{slot}", ((f"trunk slot {slot}", ""),
                                                       ("  adapter not found", "bad"))))
                continue
            vlans = ",".join(map(str, a.vlans)) or "none"
            default = "  (default)" if slot == sea.default_slot else ""
            children.append(part(f"trunk:{slot}", (
                ("trunk ", "dim"), (ents.get(slot, f"slot {slot}"), "name"),
                (f"  C{slot}  PVID {a.pvid}  VLANs {vlans}  priority {a.trunk_priority}  "
                 f"{a.vswitch}{default}", ""))))
        if sea.ctl_chan_slot is None:
            children.append(part("ctl", (("control channel ", "dim"),
                                         ("none (simplified, VLAN 4095)", ""))))
        else:
            ctl = v.adapter(sea.ctl_chan_slot)
            pvid = f"  PVID {ctl.pvid}" if isinstance(ctl, VirtualEth) else ""
            children.append(part("ctl", (
                ("control channel ", "dim"),
                (ents.get(sea.ctl_chan_slot, f"slot {sea.ctl_chan_slot}"), "name"),
                (f"  C{sea.ctl_chan_slot}{pvid}", ""))))
        label: Label = ((sea.name, "name"), ("  SEA  ", "dim"), (f"ha_mode={sea.ha_mode}  ", ""),
                        *sea_role(info, states))
        items.append(Item(NodeRef(key, "sea", v.name, None, None, "sea"), label,
                          tuple(children)))
    return tuple(items)


# ---------------------------------------------------------------- the whole tree


def _group(v: Partition, key: str, title: str, branch: Literal["scsi", "fc", "sea"],
           children: tuple[Item, ...], empty: str) -> Item:
    if not children:
        children = (Item(NodeRef(f"{key}/none", "empty", v.name, None, None, branch),
                         ((empty, "dim"),)),)
        count = 0
    else:
        count = len(children)
    return Item(NodeRef(key, "group", v.name, None, None, branch),
                ((title, ""), (f"  ({count})", "dim")), children)


def vios_items(frame: Frame) -> tuple[Item, ...]:
    """One top-level item per VIOS, in partition id order."""
    out = []
    for v in (p for p in frame.partitions if p.is_vios):
        key = f"vios:{v.name}"
        rmc: Label = (("  RMC ", "dim"), (v.rmc_state, "ok" if v.rmc_state == "active"
                                           else "warn"))
        label: Label = ((v.name, "name"), (f"  id {v.id}  ", "dim"),
                        (v.state, state_tag(v.state)), *rmc, (f"  {v.os_version}", "dim"))
        out.append(Item(NodeRef(key, "vios", v.name), label, (
            _group(v, f"{key}/scsi", "Virtual SCSI", "scsi", scsi_items(frame, v, f"{key}/scsi"),
                   "NO VIRTUAL SCSI SERVER ADAPTER FOUND"),
            _group(v, f"{key}/fc", "Virtual Fibre Channel (NPIV)", "fc",
                   fc_items(frame, v, f"{key}/fc"), "NO VIRTUAL FIBRE CHANNEL ADAPTER FOUND"),
            _group(v, f"{key}/sea", "Shared Ethernet", "sea", sea_items(frame, v, f"{key}/sea"),
                   "SEA NO SHARED ETHERNET ADAPTER FOUND"),
        )))
    return tuple(out)


# ---------------------------------------------------------------- what the dialogs offer


def mappable_devices(frame: Frame, v: Partition) -> list[tuple[Disk, str]]:
    """Disks and logical volumes the VIOS sees and has not mapped yet, with a note each.
    Media files are not mapped: they are loaded into a virtual optical device (loadopt)."""
    mapped = {m.backing for m in v.vscsi_mappings}
    out = []
    for d in frame.io.disks:
        if v.id not in d.owners or d.kind == "file" or d.name in mapped:
            continue
        note = f"{d.kind} {d.size_gb} GB"
        if d.unique_id:
            note += f"  {d.unique_id}"
        out.append((d, note))
    return out


def repository_media(frame: Frame, v: Partition) -> list[tuple[str, str]]:
    """The media of the VIOS's repository (name, note: size and the devices loading it)."""
    loaded: dict[str, list[str]] = {}
    for m in v.vscsi_mappings:
        loaded.setdefault(m.backing, []).append(m.vtd)
    out = []
    for d in frame.io.disks:
        if d.kind == "file" and v.id in d.owners:
            note = f"{d.size_gb * 1024} MB"
            if d.name in loaded:
                note += f"  (in {', '.join(loaded[d.name])})"
            out.append((media_name(d.name), note))
    return out


def fc_ports(frame: Frame, v: Partition) -> list[tuple[PhysicalPort, int]]:
    """The VIOS's physical FC ports with their free NPIV counts."""
    return [(p, npiv_free(frame, v, p)) for p in names.physical_ports(frame, v.id, "fc")]
