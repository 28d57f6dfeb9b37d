"""What failures do to the frame: disk paths, SEA roles, RMC reachability, lost boot disks.

Everything here is derived from the frame (its partitions' states, VIOS mappings, SEAs and
`frame.faults`), in this one module (docs/powervm-rules.md section 13):

- `client_disks` / `client_paths`: the disks a client sees through its virtual SCSI and
  virtual Fibre Channel (NPIV) adapters and the state of each path, as AIX's `lspath`
  shows them (Enabled, Failed, Missing);
- `sea_roles`: the role of every Shared Ethernet Adapter in its failover group per
  `ha_mode` and trunk priority (PRIMARY, BACKUP, PRIMARY_SH, BACKUP_SH, ...); an SEA
  taking over from another (failover, failback) bridges only after SEA_TAKEOVER_SECONDS
  (`frame.sea_takeovers`, placed by `reconcile`);
- `has_network`: whether a partition still reaches the network (so RMC reaches it);
- `reconcile`: the frame after applying what the above imply to stored state: RMC lost and
  regained, a boot disk lost (the OS hangs, then crashes) and found again, paths left
  Missing by a boot without a VIOS (`configure_devices` is the client's cfgmgr). The
  engine calls it after every operation and every batch of lifecycle steps
  (engine/ops/__init__.py, engine/service.py), so the effects follow faults and repairs;
  `effects` says what changed, for the journal;
- `vios_impact`: the clients that would lose a disk or their network if a VIOS stopped.

A VIOS serves its clients while its OS is up (`Running`, no reference code); a path through
a VIOS that is down, or through a physical port that is down, fails; it is Enabled again as
soon as the VIOS or the port is back (AIX's path health check, hcheck_interval, recovers it;
ours: at once).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from engine import lifecycle as lc
from engine.cpu import os_up
from engine.model import (
    Disk,
    Frame,
    Outage,
    Partition,
    SeaTakeover,
    SharedEthernetAdapter,
    VirtualEth,
    VirtualFc,
    VirtualScsi,
    VscsiMapping,
)
from engine.vios import physical_ports

PathStatus = Literal["Enabled", "Failed", "Missing"]
OutageKind = Literal["rmc", "rootvg", "missing"]
OutageKey = tuple[int, OutageKind, int]  # (lpar id, kind, VIOS id for "missing")
SeaState = Literal["PRIMARY", "BACKUP", "PRIMARY_SH", "BACKUP_SH", "LIMBO", "UNAVAILABLE"]

# A boot disk without a path: the OS keeps retrying its I/O, then hangs (RMC stops
# answering), then crashes (ours: the durations; AIX's rw_timeout and LVM's timeouts vary).
HANG_SECONDS = 30.0
CRASH_SECONDS = 180.0
# Reference codes a crashed OS leaves (ours, after the OS's own families): AIX and VIOS
# post the dump progress codes 0c9 (system-initiated dump in progress) then 0c0 (dump
# complete), or 0c1 (I/O error during the dump) when the dump device was on the lost boot
# disk, as four characters like the boot LEDs (0538); Linux panics; IBM i ends abnormally.
CRASH_CODES: dict[str, tuple[str, ...]] = {
    "aix": (lc.DUMP_IN_PROGRESS, "00C0"), "vios": (lc.DUMP_IN_PROGRESS, "00C0"),
    "linux": ("B200A101",), "ibmi": ("B6005001",),
}
LOST_DISK_CODES: dict[str, tuple[str, ...]] = {
    **CRASH_CODES, "aix": (lc.DUMP_IN_PROGRESS, "00C1"), "vios": (lc.DUMP_IN_PROGRESS, "00C1")}
CRASHED = frozenset(c for codes in (*CRASH_CODES.values(), *LOST_DISK_CODES.values())
                    for c in codes)  # a Running partition showing one of these is dumping
DUMP_SECONDS = 10.0  # between the first crash code and the last
# An SEA taking over bridging from another (the backup when the primary fails, the primary
# when it returns) starts after this delay: the keep-alives on the control channel stop,
# the backup notices, the switch relearns the MACs. IBM's Redbook SG24-7940 (PowerVM
# Virtualization) warns of up to 30 s depending on the switch's spanning tree and advises
# PortFast; ours: 5 s, a switch set as advised.
SEA_TAKEOVER_SECONDS = 5.0
TAKEOVER_TIMER = 1_000_000  # lifecycle keys -(TAKEOVER_TIMER + 100 x VIOS id + SEA index)


@dataclass(frozen=True)
class DiskPath:
    """One path of a client disk, as `lspath -F "status name parent connection"` shows it."""

    status: PathStatus
    disk: str  # the disk in the client: hdisk0
    parent: str  # the client adapter: vscsi0, fscsi0
    connection: str  # vSCSI: the LUN (810000000000); NPIV: "target wwpn,lun"
    via: Literal["vscsi", "npiv"]
    vios: str  # the VIOS the path goes through
    server: str  # the VIOS side: vhost0 (vSCSI) or vfchost0 (NPIV)
    port: str = ""  # NPIV: the VIOS's physical FC port (fcs0)


@dataclass(frozen=True)
class ClientDisk:
    name: str  # hdiskN, numbered in the client's adapter order
    unique_id: str  # the LUN's serial where known ("" for NPIV LUNs the frame does not list)
    size_gb: int
    boot: bool  # the disk the partition boots from (rootvg, load source)
    paths: tuple[DiskPath, ...]

    @property
    def available(self) -> bool:
        """At least one Enabled path: I/O goes on."""
        return any(p.status == "Enabled" for p in self.paths)


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


# ---------------------------------------------------------------- who is up


def serving(p: Partition | None) -> bool:
    """A VIOS serves its clients while its OS is up."""
    return p is not None and p.is_vios and os_up(p)


def _port_up(frame: Frame, lpar_id: int, kind: str, name: str, ideal: bool) -> bool:
    if ideal:
        return True
    down = frame.ports_down()
    ports = [port for port in physical_ports(frame, lpar_id, kind) if port.name == name]
    return not ports or ports[0].location not in down  # a port the frame does not list: up


# ---------------------------------------------------------------- disk paths


@dataclass(frozen=True)
class _Vios:
    """What clients need to know about one VIOS."""

    vios: Partition
    serving: bool
    san: bool  # reaches its SAN LUNs (an FC port up, or none owned)
    vhosts: dict[int, str]
    vfchosts: dict[int, str]
    fc: dict[str, tuple[str, bool]]  # FC port name -> (wwpn, up)
    luns: dict[int, list[VscsiMapping]]  # vhost slot -> its mappings by LUN
    npiv: dict[int, str]  # vfchost slot -> the FC port it is mapped to


class _Index:
    """Lookups over one frame, built once per `reconcile` (with two VIOS serving a thousand
    clients, a scan of every mapping and disk per client would cost seconds)."""

    def __init__(self, frame: Frame) -> None:
        from engine.vios import vfchosts, vhosts  # the VIOS's own device names

        self.frame = frame
        self.parts = {p.id: p for p in frame.partitions}
        self.missing = {(o.lpar_id, o.vios_id) for o in frame.outages if o.kind == "missing"}
        self.disks: dict[tuple[int, str], Disk] = {}
        for d in frame.io.disks:
            for owner in d.owners:
                self.disks.setdefault((owner, d.name), d)
        down = frame.ports_down()
        self.ports: dict[tuple[int, str], list[tuple[str, str, bool]]] = {}
        for adapter in frame.io.adapters:
            if adapter.owner is not None:
                self.ports.setdefault((adapter.owner, adapter.kind), []).extend(
                    (port.name, port.wwpn, port.location not in down)
                    for port in adapter.ports)
        self.vios: dict[int, _Vios] = {}
        for p in frame.partitions:
            if p.is_vios:
                fc = self.ports.get((p.id, "fc"), [])
                luns: dict[int, list[VscsiMapping]] = {}
                for m in sorted(p.vscsi_mappings, key=lambda m: m.lun):
                    luns.setdefault(m.vhost_slot, []).append(m)
                self.vios[p.id] = _Vios(
                    vios=p, serving=serving(p), san=not fc or any(up for _, _, up in fc),
                    vhosts=vhosts(p), vfchosts=vfchosts(p),
                    fc={name: (wwpn, up) for name, wwpn, up in fc}, luns=luns,
                    npiv={m.vfchost_slot: m.port for m in p.npiv_mappings})


def client_disks(frame: Frame, lpar: Partition | str | int,
                 index: _Index | None = None) -> list[ClientDisk]:
    """The disks partition `lpar` sees through its virtual adapters, each with its paths.

    vSCSI: one disk per backing device (LUNs shared by two VIOS, by `unique_id`, are one
    disk with a path through each); numbered hdisk0.. in the order of the client's vscsiN
    adapters (slot order) and LUNs. NPIV: the LUNs zoned to the client's WWPNs are not in
    the frame; they are shown as one SAN disk after the vSCSI ones, with a path through
    each vFC adapter (fscsiN). The boot disk is the first vSCSI disk, else the SAN disk.
    """
    ix = index or _Index(frame)
    p = lpar if isinstance(lpar, Partition) else frame.partition(lpar)
    if p is None:
        return []
    disks: dict[str, list[DiskPath]] = {}
    sizes: dict[str, int] = {}
    ids: dict[str, str] = {}
    scsi = sorted((a for a in p.adapters if isinstance(a, VirtualScsi) and a.side == "client"),
                  key=lambda a: a.slot)
    for i, adapter in enumerate(scsi):
        v = ix.vios.get(adapter.remote_lpar_id or 0)
        if v is None:
            continue
        vios = v.vios
        vhost = v.vhosts.get(adapter.remote_slot or -1, "")
        status: PathStatus = "Missing" if (p.id, vios.id) in ix.missing else (
            "Enabled" if v.serving and v.san else "Failed")
        for m in v.luns.get(adapter.remote_slot or -1, ()):
            disk = ix.disks.get((vios.id, m.backing))
            if disk is None or disk.kind == "file" or not m.backing:
                continue  # optical media are cd0, not disks
            key = disk.unique_id or f"{vios.id}:{disk.name}"
            sizes[key], ids[key] = disk.size_gb, disk.unique_id
            disks.setdefault(key, []).append(DiskPath(
                status=status, disk="", parent=f"vscsi{i}",
                connection=f"8{m.lun}0000000000", via="vscsi", vios=vios.name, server=vhost))
    fc_base = len(ix.ports.get((p.id, "fc"), []))
    vfc = sorted((a for a in p.adapters if isinstance(a, VirtualFc) and a.side == "client"),
                 key=lambda a: a.slot)
    san: list[DiskPath] = []
    for i, fc in enumerate(vfc):
        v = ix.vios.get(fc.remote_lpar_id or 0)
        if v is None:
            continue
        port = v.npiv.get(fc.remote_slot or -1, "")
        wwpn, up = v.fc.get(port, ("", True))  # a port the frame does not list: up
        status = "Missing" if not port or (p.id, v.vios.id) in ix.missing else (
            "Enabled" if v.serving and up else "Failed")
        san.append(DiskPath(
            status=status, disk="", parent=f"fscsi{fc_base + i}",
            connection=f"{_target_wwpn(wwpn)},0", via="npiv", vios=v.vios.name,
            server=v.vfchosts.get(fc.remote_slot or -1, ""), port=port))
    out: list[ClientDisk] = []
    for n, (key, paths) in enumerate(disks.items()):
        name = f"hdisk{n}"
        out.append(ClientDisk(name=name, unique_id=ids[key], size_gb=sizes[key], boot=n == 0,
                              paths=tuple(_named(path, name) for path in paths)))
    if san:
        name = f"hdisk{len(out)}"
        out.append(ClientDisk(name=name, unique_id="", size_gb=0, boot=not out,
                              paths=tuple(_named(path, name) for path in san)))
    return out


def client_paths(frame: Frame, lpar: Partition | str | int) -> list[DiskPath]:
    """Every disk path of partition `lpar`, in `lspath` order (by disk, then parent)."""
    return [path for disk in client_disks(frame, lpar) for path in disk.paths]


def boot_disk(frame: Frame, lpar: Partition | str | int,
              index: _Index | None = None) -> ClientDisk | None:
    return next((d for d in client_disks(frame, lpar, index) if d.boot), None)


def _named(path: DiskPath, disk: str) -> DiskPath:
    return DiskPath(status=path.status, disk=disk, parent=path.parent,
                    connection=path.connection, via=path.via, vios=path.vios,
                    server=path.server, port=path.port)


def _target_wwpn(initiator: str) -> str:
    """A storage port WWPN for an NPIV path (ours: the frame has no SAN zoning; derived
    from the VIOS port so that it is stable): 500507680b + its last six digits."""
    return "500507680b" + (initiator[-6:].lower() if initiator else "000000")


# ---------------------------------------------------------------- SEA failover


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
                index: _Index | None = None) -> bool | None:
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


# ---------------------------------------------------------------- reconcile


def _quiet(frame: Frame) -> bool:
    """Nothing can have failed: no fault, no outage to undo, every VIOS serving."""
    return (not frame.faults and not frame.outages and not frame.sea_takeovers
            and all(serving(p) for p in frame.partitions if p.is_vios))


def _timer(frame: Frame, vios_id: int, sea: str) -> int:
    """The lifecycle key of an SEA's takeover delay (below 0: no partition's)."""
    vios = frame.partition(vios_id)
    index = next((i for i, x in enumerate(vios.seas) if x.name == sea), 0) if vios else 0
    return -(TAKEOVER_TIMER + 100 * vios_id + index)


def _takeovers(frame: Frame, before: Frame | None, lifecycle: lc.Lifecycle,
               now: float) -> Frame:
    """Drop the takeovers that are done, or moot (the SEA would not bridge anyway: the one
    it took over from is back first, or it failed itself); start one for each SEA that
    would bridge VLANs another SEA of its vswitch bridged before, unless it was already
    taking over then (its delay just ended). Each start schedules a step at its end, so
    `reconcile` runs then."""
    kept = tuple(t for t in frame.sea_takeovers if t.until > now + 1e-9)
    if kept:
        bridging = {(r.vios_id, r.sea) for r in sea_roles(frame, settled=True) if r.vlans}
        for t in kept:
            if (t.vios_id, t.sea) not in bridging:
                lifecycle.cancel(_timer(frame, t.vios_id, t.sea))
        kept = tuple(t for t in kept if (t.vios_id, t.sea) in bridging)
    if kept != frame.sea_takeovers:
        frame = frame.model_copy(update={"sea_takeovers": kept})
    if before is None or before is frame or (_quiet(before) and _quiet(frame)):
        return frame
    old = sea_roles(before)
    was_held = {(t.vios_id, t.sea) for t in before.sea_takeovers}
    for _ in range(4):  # a held SEA can hand the election to a third one: again
        new = []
        for role in sea_roles(frame):
            key = (role.vios_id, role.sea)
            if not role.vlans or key in was_held:
                continue
            if any((o.vios_id, o.sea) == key and o.vlans for o in old):
                continue  # it bridged before: no takeover
            if any(o.vswitch == role.vswitch and set(o.vlans) & set(role.vlans) for o in old):
                new.append(SeaTakeover(vios_id=role.vios_id, sea=role.sea,
                                       until=now + SEA_TAKEOVER_SECONDS))
        if not new:
            return frame
        for t in new:
            lifecycle.schedule(_timer(frame, t.vios_id, t.sea), now,
                               [(SEA_TAKEOVER_SECONDS, None, None, None)])
        was_held |= {(t.vios_id, t.sea) for t in new}
        frame = frame.model_copy(update={"sea_takeovers": (*frame.sea_takeovers, *new)})
    return frame


def reconcile(frame: Frame, lifecycle: lc.Lifecycle, now: float,
              before: Frame | None = None) -> Frame:
    """The frame with the effects of failures (and repairs) applied to stored state; the
    lifecycle gets the hang and crash steps of a partition whose boot disk lost its paths.

    - RMC: a partition that had a network path and has none now loses RMC (`rmc_state`
      inactive, an "rmc" outage kept); when a path returns and its OS is up, RMC is active
      again.
    - Boot disk: a partition whose OS is up and whose boot disk has no Enabled path gets a
      "rootvg" outage; HANG_SECONDS later RMC stops, CRASH_SECONDS later it ends in `Error`
      with its OS's crash codes. If a path comes back before the crash the steps are
      cancelled and RMC returns.
    - SEA takeovers (given the frame `before` the change): an SEA that takes over bridging
      does so SEA_TAKEOVER_SECONDS later (`frame.sea_takeovers`); RMC does not notice so
      short a gap (it is computed as if the takeover were done).
    """
    frame = _takeovers(frame, before, lifecycle, now)
    if _quiet(frame):
        return frame
    outages: dict[OutageKey, Outage] = {(o.lpar_id, o.kind, o.vios_id): o
                                        for o in frame.outages}
    index = _Index(frame)
    bridged = bridged_vlans(frame, settled=True)
    ideal = bridged_vlans(frame, ideal=True)
    parts = []
    changed = False
    for p in frame.partitions:
        new = _reconcile_one(index, p, outages, bridged, ideal, lifecycle, now)
        changed |= new is not p
        parts.append(new)
    kept = tuple(sorted(outages.values(), key=lambda o: (o.lpar_id, o.kind, o.vios_id)))
    if not changed and kept == frame.outages:
        return frame
    return frame.model_copy(update={"partitions": tuple(parts), "outages": kept})


def _reconcile_one(index: _Index, p: Partition, outages: dict[OutageKey, Outage],
                   bridged: dict[str, frozenset[int]], ideal: dict[str, frozenset[int]],
                   lifecycle: lc.Lifecycle, now: float) -> Partition:
    rootvg = outages.get((p.id, "rootvg", 0))
    if not p.active:
        for key in [k for k in outages if k[0] == p.id]:
            del outages[key]
        return p
    if not os_up(p) and p.state in ("Starting", "Running") and p.refcode not in CRASHED:
        _booting(index, p, outages, now)
    recovered = False  # the boot disk came back before the crash: the hang is over
    if os_up(p):
        disk = boot_disk(index.frame, p, index)
        lost = disk is not None and not disk.available
        if lost and (rootvg is None or not lifecycle.scheduled(p.id)):
            # (a frame saved without its schedule has the outage but not the steps: again)
            if rootvg is None:
                outages[(p.id, "rootvg", 0)] = rootvg = Outage(lpar_id=p.id, kind="rootvg",
                                                            since=now)
            lifecycle.schedule(p.id, now, crash_steps(p, HANG_SECONDS, CRASH_SECONDS,
                                                       LOST_DISK_CODES), then=lc.FAULT)
        elif not lost and rootvg is not None:
            del outages[(p.id, "rootvg", 0)]
            rootvg, recovered = None, True
            lifecycle.cancel(p.id)
    elif rootvg is not None and p.state != "Running":
        del outages[(p.id, "rootvg", 0)]  # crashed (Error) or shut down: nothing to undo
        rootvg = None
    frame = index.frame
    net = has_network(frame, p, bridged=bridged, index=index)
    rmc = outages.get((p.id, "rmc", 0))
    if net is False and p.rmc_state == "active" and has_network(
            frame, p, ideal=True, bridged=ideal, index=index):
        outages.setdefault((p.id, "rmc", 0), Outage(lpar_id=p.id, kind="rmc", since=now))
        return p.model_copy(update={"rmc_state": "inactive"})
    if net is False:
        return p
    if rmc is not None:
        del outages[(p.id, "rmc", 0)]
        recovered = recovered or rootvg is None
    if recovered and os_up(p) and rootvg is None and p.rmc_state != "active":
        return p.model_copy(update={"rmc_state": "active"})
    return p


def served_by(p: Partition) -> set[int]:
    """The VIOS partition ids the client's vSCSI and vFC adapters point to."""
    return {a.remote_lpar_id for a in p.adapters
            if isinstance(a, VirtualScsi | VirtualFc) and a.side == "client" and a.remote_lpar_id}


def _booting(index: _Index, p: Partition, outages: dict[OutageKey, Outage],
             now: float) -> None:
    """While its OS boots, a client configures the paths of the VIOS that serve now; those
    of a VIOS that is down stay Missing after boot (until cfgmgr or the next boot)."""
    for vios_id in served_by(p):
        v = index.vios.get(vios_id)
        if v is None:
            continue
        key: OutageKey = (p.id, "missing", vios_id)
        if v.serving:
            outages.pop(key, None)
        else:
            outages.setdefault(key, Outage(lpar_id=p.id, kind="missing", since=now,
                                           vios_id=vios_id))


def configure_devices(frame: Frame, lpar_id: int) -> Frame:
    """`cfgmgr` in the client: the Missing paths through VIOS that serve now are configured
    (Enabled from then on)."""
    index = _Index(frame)
    kept = tuple(o for o in frame.outages if not (
        o.kind == "missing" and o.lpar_id == lpar_id
        and (v := index.vios.get(o.vios_id)) is not None and v.serving))
    return frame if kept == frame.outages else frame.model_copy(update={"outages": kept})


def crash_steps(p: Partition, hang: float, crash: float,
                codes_by_os: dict[str, tuple[str, ...]] = CRASH_CODES) -> list[lc.Step]:
    """RMC lost after `hang` seconds (0: at once), the OS's crash codes from `crash` on,
    ending in `Error`."""
    codes = codes_by_os[lc.os_family(p)]
    steps: list[lc.Step] = [(hang, None, None, "inactive")] if hang else []
    for i, code in enumerate(codes):
        last = i == len(codes) - 1
        steps.append((crash + i * DUMP_SECONDS / max(len(codes) - 1, 1),
                      "Error" if last else None, code, "inactive"))
    return steps


def boot_reachable(frame: Frame, p: Partition) -> bool:
    """The partition's boot disk has a path (or it boots from something the frame does not
    model): what activation needs to find a boot device."""
    disk = boot_disk(frame, p)
    return disk is None or disk.available


# ---------------------------------------------------------------- what changed, for the journal

OUTAGE_TEXT = {
    ("rmc", True): "RMC connection lost: no network path",
    ("rmc", False): "RMC connection restored",
    ("rootvg", True): "boot disk lost its last path: I/O hangs",
    ("rootvg", False): "boot disk path restored",
    ("missing", True): "paths through {vios} Missing: it was down when the OS configured "
    "its devices",
    ("missing", False): "paths through {vios} configured",
}


def effects(before: Frame, after: Frame) -> list[tuple[str, str]]:
    """(target, sentence) for each SEA role and outage that changed between two frames:
    what the engine journals as state events, so the events view shows the failover."""
    if before is after or (_quiet(before) and _quiet(after)):
        return []
    out: list[tuple[str, str]] = []
    old = {(s.vios_id, s.sea): s for s in sea_roles(before)}
    for role in sea_roles(after):
        was = old.get((role.vios_id, role.sea))
        if was is not None and (was.state, was.vlans) != (role.state, role.vlans):
            vlans = f" (VLANs {','.join(str(v) for v in role.vlans)})" if role.vlans else ""
            out.append((role.vios, f"SEA {role.sea} {role.state}{vlans}"))
    names = {p.id: p.name for p in after.partitions} | {p.id: p.name for p in before.partitions}
    gone = {(o.lpar_id, o.kind, o.vios_id) for o in before.outages}
    now = {(o.lpar_id, o.kind, o.vios_id) for o in after.outages}
    for lpar_id, kind, vios_id in sorted(now - gone):
        out.append((names.get(lpar_id, str(lpar_id)),
                    OUTAGE_TEXT[(kind, True)].format(vios=names.get(vios_id, vios_id))))
    for lpar_id, kind, vios_id in sorted(gone - now):
        p = after.partition(lpar_id)
        if p is not None and p.state == "Running":  # a crash or shutdown says it itself
            out.append((p.name, OUTAGE_TEXT[(kind, False)].format(
                vios=names.get(vios_id, vios_id))))
    return out


# ---------------------------------------------------------------- before a VIOS stops


@dataclass(frozen=True)
class Impact:
    """What stopping a VIOS would do to one active client (the check an admin makes, and
    the HMC's VIOS shutdown validation, before maintenance)."""

    lpar: str
    disks: tuple[str, ...]  # disks left with no Enabled path (hdisk0 ...)
    boot: bool  # its boot disk is one of them: it would hang, then crash
    network: bool  # it would lose its last network path (and RMC)


def vios_impact(frame: Frame, vios: str) -> list[Impact]:
    """The active clients that would lose a disk or their network if `vios` stopped now,
    by partition id; an empty list means the VIOS can be taken down without an outage."""
    v = frame.partition(vios)
    if v is None or not v.is_vios:
        return []
    down = frame.with_partition(v.model_copy(update={"state": "Not Activated",
                                                     "current": None}))
    now_ix, down_ix = _Index(frame), _Index(down)
    bridged, bridged_down = bridged_vlans(frame), bridged_vlans(down)
    out = []
    for p in frame.partitions:
        if not p.active or p.is_vios:
            continue
        before = {d.name: d.available for d in client_disks(frame, p, now_ix)}
        after = client_disks(down, p, down_ix)
        lost = tuple(d.name for d in after if before.get(d.name) and not d.available)
        net = (has_network(frame, p, bridged=bridged, index=now_ix) is True
               and has_network(down, p, bridged=bridged_down, index=down_ix) is False)
        if lost or net:
            boot = any(d.boot and d.name in lost for d in after)
            out.append(Impact(lpar=p.name, disks=lost, boot=boot, network=net))
    return out
