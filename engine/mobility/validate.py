"""Partition mobility validation: what the HMC checks before it migrates a partition.

`plan(source, target, lpar, options)` runs every check IBM documents for the HMC's migration
validation (IBM Docs, "Configuration validation for partition mobility"; the migrlpar man
page; docs/mobility.md lists each rule with its source) and returns every finding, not just
the first, with what the migration would use: the partition ID on the target, the mover
service partitions, the target pool and the target VIOS serving each virtual adapter.

Codes: HSCLA319 is the HMC's own (IBM Support, "HSCLA319 during LPM validation"); the others
are ours (the HSCL13xx range given to mobility) in the HMC's wording style.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

from engine.errors import HmcError
from engine.model import (
    Frame,
    Migration,
    MigrationKind,
    Partition,
    VirtualEth,
    VirtualFc,
    VirtualScsi,
)
from engine.redundancy import bridged_vlans, serving

Severity = Literal["error", "warning"]
MSP_LPM_OPS = 8  # concurrent migrations per MSP (the VIOS's cfg_msp_lpm_ops default)
ACTIVE_SUPPORTED = 16  # per system (lslparmigr -r sys num_active_migrations_supported)
INACTIVE_SUPPORTED = 40  # num_inactive_migrations_supported
# lpar_proc_compat_modes by processor generation, when the system does not state them
COMPAT_MODES: dict[str, tuple[str, ...]] = {
    "Power10": ("default", "POWER8", "POWER9_base", "POWER9", "Power10"),
    "POWER9": ("default", "POWER7", "POWER8", "POWER9_base", "POWER9"),
    "POWER8": ("default", "POWER6", "POWER6+", "POWER7", "POWER8"),
}

# What each finding means and how to clear it (the wizard shows it under the message).
EXPLANATIONS: dict[str, str] = {
    "HSCL0D10": "Choose another managed system as the target.",
    "HSCL0A0E": "The target's machine type-model does not run this operating system "
    "(IBM i needs an os400-capable system).",
    "HSCL1320": "A Virtual I/O Server serves the partitions of its own system; it never "
    "migrates. Migrate its clients instead.",
    "HSCL1321": "Active mobility moves a Running partition, inactive mobility a Not "
    "Activated one. Wait for the state to settle, or shut the partition down first.",
    "HSCL1323": "Every I/O of a migrating partition goes through a Virtual I/O Server. "
    "Remove the physical adapter (chhwres -r io -o r) or move its work to virtual adapters.",
    "HSCL1324": "Active mobility copies memory between two mover service partitions, one "
    "on each system: a running VIOS with msp=1 and an active RMC connection.",
    "HSCL1325": "Name a running VIOS with msp=1 of that system (lslparmigr -r msp lists "
    "the pairs that can be used).",
    "HSCL1326": "The partition would lose that network on the target. Add the VLAN to a "
    "trunk adapter bridged by a shared Ethernet adapter of a target VIOS.",
    "HSCL1327": "The target VIOS must see the same storage: a whole physical volume (LUN) "
    "whose unique_id a target VIOS also sees. Logical volumes and virtual optical media "
    "stay behind; unmap them first.",
    "HSCLA319": "No target VIOS has an NPIV-capable Fibre Channel port with free target "
    "ports on the fabric the adapter's WWPNs are zoned to; both WWPNs of the pair must be "
    "zoned to the same storage.",
    "HSCL1328": "Free memory on the target (lshwres -r mem --level sys) or lower the "
    "partition's memory before migrating.",
    "HSCL1329": "Free processing units on the target or choose another shared processor "
    "pool there (shared_proc_pool_name).",
    "HSCL132A": "Change the partition's preferred processor compatibility mode to one "
    "the target supports (lssyscfg -r sys -F lpar_proc_compat_modes) and reactivate it.",
    "HSCL132B": "Partition names are unique on a system: rename one of them.",
    "HSCL132C": "Choose a free partition ID on the target (dest_lpar_id) or let the HMC "
    "pick one.",
    "HSCL132D": "The operating system takes part in an active migration through RMC; wait "
    "until rmc_state is active.",
    "HSCL132E": "Wait for a migration to finish or choose another mover service "
    "partition.",
    "HSCL132F": "Wait for the migration to end, or stop (-o s) or recover (-o r) it.",
    "HSCL1330": "Active mobility needs the same logical memory block size on both systems "
    "(mem_region_size); change it on one of them (takes effect at its next power-on).",
    "HSCL1331": "Both managed systems must be Operating.",
    "HSCL1333": "The migration can proceed, but the partition will depend on one VIOS on "
    "the target. Add a second VIOS serving the same storage and VLANs to keep redundancy.",
    "HSCL8015": "Name a shared processor pool configured on the target system.",
    "HSCL1338": "Storage protection is off (migrlpar --protectstorage 2, the wizard's "
    "\"override virtual storage errors\"): the definition moves without this adapter. "
    "Map its storage on a target VIOS and add the adapter before activating the partition.",
    "HSCL1339": "Only an inactive migration may leave virtual storage behind; for an active "
    "one the storage must be reachable on the target, so its findings stay errors.",
}


@dataclass(frozen=True)
class Finding:
    code: str
    severity: Severity
    message: str
    explanation: str
    fields: dict[str, object] = field(default_factory=dict, compare=False, repr=False)
    # what the VIOS found (its VIOS_DETAILED_ERROR lines; migrlpar -d 2 and up prints them)
    details: tuple[str, ...] = field(default=(), compare=False, repr=False)

    def error(self) -> HmcError:
        return HmcError(self.code, **self.fields)

    def __str__(self) -> str:
        return f"{self.code} {self.message}"


@dataclass(frozen=True)
class MigrationOptions:
    """What migrlpar -i (and the wizard) may choose; empty = the HMC picks."""

    dest_lpar_id: int | None = None
    pool: str = ""  # shared_proc_pool_name
    vscsi: tuple[tuple[int, str], ...] = ()  # client slot -> target VIOS name
    vfc: tuple[tuple[int, str], ...] = ()
    source_msp: str = ""
    dest_msp: str = ""
    # migrlpar --protectstorage 1 (True, the default): the virtual storage must be reachable
    # on the target; 2 lets an inactive migration move without the adapters it cannot host
    protect_storage: bool = True


@dataclass
class Plan:
    kind: MigrationKind
    findings: list[Finding] = field(default_factory=list)
    dest_lpar_id: int = 0
    source_msp: str = ""
    dest_msp: str = ""
    pool: str = ""
    vscsi: dict[int, int] = field(default_factory=dict)  # client slot -> target VIOS id
    vfc: dict[int, int] = field(default_factory=dict)

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "error"]

    @property
    def ok(self) -> bool:
        return not self.errors

    def add(self, code: str, severity: Severity = "error", details: tuple[str, ...] = (),
            /, **fields: object) -> None:
        message = HmcError(code, **fields).message
        self.findings.append(Finding(code, severity, message, EXPLANATIONS.get(code, ""),
                                     fields, details))


def validate(source: Frame, target: Frame, lpar: Partition,
             options: MigrationOptions | None = None,
             others: Sequence[Migration] = ()) -> list[Finding]:
    """Every finding of a migration of `lpar` from `source` to `target`."""
    return plan(source, target, lpar, options, others).findings


def kind_of(p: Partition) -> MigrationKind:
    return "inactive" if p.state == "Not Activated" else "active"


def supported_modes(frame: Frame) -> tuple[str, ...]:
    modes = frame.system.proc_compat_modes
    return modes or COMPAT_MODES.get(frame.hardware.generation, ("default",))


def plan(source: Frame, target: Frame, lpar: Partition, options: MigrationOptions | None = None,
         others: Sequence[Migration] = ()) -> Plan:
    o = options or MigrationOptions()
    out = Plan(kind=kind_of(lpar))
    if source.system.name == target.system.name:
        out.add("HSCL0D10", name=source.system.name)
        return out
    for frame in (source, target):
        if frame.system.state != "Operating":
            out.add("HSCL1331", name=frame.system.name, state=frame.system.state)
    if lpar.is_vios:
        out.add("HSCL1320", name=lpar.name)
        return out
    migrating = any(m.lpar_id == lpar.id for m in source.migrations)
    if migrating or lpar.state.startswith("Migrating"):
        out.add("HSCL132F", name=lpar.name, state=lpar.state)
        return out
    if lpar.state not in ("Running", "Not Activated"):
        out.add("HSCL1321", name=lpar.name, state=lpar.state)
    active = out.kind == "active"
    if active and lpar.rmc_state != "active":
        out.add("HSCL132D", name=lpar.name)
    if active and source.system.mem_region_size != target.system.mem_region_size:
        out.add("HSCL1330", target=target.system.name, source=source.system.name,
                target_lmb=target.system.mem_region_size,
                source_lmb=source.system.mem_region_size)
    if lpar.env == "os400" and not target.hardware.os400_capable:
        out.add("HSCL0A0E", env=lpar.env, mtm=target.system.mtm)
    for a in source.io.adapters:
        if a.owner == lpar.id:
            out.add("HSCL1323", name=lpar.name, adapter=a.description, location=a.location)
    _compat(out, source, target, lpar)
    _identity(out, target, lpar, o)
    if active:
        _msps(out, source, target, o, others)
    _network(out, target, lpar)
    _storage(out, source, target, lpar, o)
    _resources(out, source, target, lpar, o)
    return out


def _compat(out: Plan, source: Frame, target: Frame, p: Partition) -> None:
    mode = (p.curr_proc_compat_mode or source.hardware.generation) if p.active else \
        p.desired_proc_compat_mode
    modes = supported_modes(target)
    if mode.lower() != "default" and mode.lower() not in {m.lower() for m in modes}:
        out.add("HSCL132A", mode=mode, name=p.name, system=target.system.name,
                modes=",".join(modes))


def _identity(out: Plan, target: Frame, p: Partition, o: MigrationOptions) -> None:
    same = target.partition(p.name)
    if same is not None:
        out.add("HSCL132B", name=p.name, system=target.system.name, id=same.id)
    used = {q.id for q in target.partitions}
    top = target.hardware.max_lpars
    if o.dest_lpar_id is not None:
        if not 1 <= o.dest_lpar_id <= top:
            out.add("HSCL132C", id=o.dest_lpar_id, system=target.system.name,
                    reason=f"partition IDs are 1 to {top}")
        elif (holder := target.partition(o.dest_lpar_id)) is not None:
            out.add("HSCL132C", id=o.dest_lpar_id, system=target.system.name,
                    reason=f"it is the ID of {holder.name}")
        out.dest_lpar_id = o.dest_lpar_id
        return
    # the HMC keeps the partition's ID when it is free on the target, else the lowest free
    out.dest_lpar_id = p.id if p.id not in used else next(
        i for i in range(1, top + 2) if i not in used)


def msp_candidates(frame: Frame) -> list[Partition]:
    return [v for v in frame.partitions
            if v.is_vios and v.msp and serving(v) and v.rmc_state == "active"]


def _msps(out: Plan, source: Frame, target: Frame, o: MigrationOptions,
          others: Sequence[Migration]) -> None:
    def load(name: str, side: str) -> int:
        return sum(1 for m in others if (m.source_msp if side == "s" else m.dest_msp) == name)

    for frame, wanted, side in ((source, o.source_msp, "s"), (target, o.dest_msp, "d")):
        found = msp_candidates(frame)
        running = sum(1 for m in others if m.kind == "active" and (
            m.target == frame.system.name or any(x is m for x in frame.migrations)))
        if running >= ACTIVE_SUPPORTED:
            out.add("HSCL132E", name=frame.system.name, count=running,
                    limit=ACTIVE_SUPPORTED)
        if wanted:
            chosen = next((v for v in found if v.name == wanted), None)
            if chosen is None:
                out.add("HSCL1325", name=wanted, system=frame.system.name)
                continue
        elif not found:
            out.add("HSCL1324", system=frame.system.name)
            continue
        else:  # the least loaded MSP, by ID on a tie
            chosen = min(found, key=lambda v: (load(v.name, side), v.id))
        if load(chosen.name, side) >= MSP_LPM_OPS:
            out.add("HSCL132E", name=chosen.name, count=load(chosen.name, side),
                    limit=MSP_LPM_OPS)
        if side == "s":
            out.source_msp = chosen.name
        else:
            out.dest_msp = chosen.name


def _network(out: Plan, target: Frame, p: Partition) -> None:
    bridged = bridged_vlans(target)
    for a in sorted((a for a in p.adapters if isinstance(a, VirtualEth)), key=lambda a: a.slot):
        vlans = bridged.get(a.vswitch, frozenset())
        for vlan in (a.pvid, *(a.vlans if a.ieee else ())):
            if vlan not in vlans:
                out.add("HSCL1326", slot=a.slot, name=p.name, vlan=vlan, vswitch=a.vswitch,
                        system=target.system.name)


def _vios_order(frame: Frame, vios_id: int) -> int:
    ids = sorted(v.id for v in frame.partitions if v.is_vios)
    return ids.index(vios_id) if vios_id in ids else 0


def _pick(candidates: list[Partition], target: Frame, source_rank: int) -> Partition:
    """The target VIOS in the same position (first, second) as the source one, so a
    partition served by a VIOS pair stays served by a pair."""
    for v in candidates:
        if _vios_order(target, v.id) == source_rank:
            return v
    return candidates[0]


def _storage_severity(out: Plan, p: Partition, o: MigrationOptions) -> Severity:
    """Storage findings are errors unless storage protection is off for an inactive
    migration (--protectstorage 2); an active one always verifies the storage (HSCL1339)."""
    if o.protect_storage:
        return "error"
    if out.kind == "active":
        out.add("HSCL1339", "warning", name=p.name)
        return "error"
    return "warning"


def _storage(out: Plan, source: Frame, target: Frame, p: Partition, o: MigrationOptions) -> None:
    chosen_scsi, chosen_fc = dict(o.vscsi), dict(o.vfc)
    sev = _storage_severity(out, p, o)
    vios_t = [v for v in target.partitions if v.is_vios and serving(v)]
    seen = {(owner, d.unique_id) for d in target.io.disks if d.unique_id for owner in d.owners}
    disks = {(owner, d.name): d for d in source.io.disks for owner in d.owners}
    used_s: set[int] = set()
    storage: list[VirtualScsi | VirtualFc] = []
    for a in sorted(p.adapters, key=lambda a: a.slot):
        if isinstance(a, VirtualEth) or a.side != "client":
            continue
        src = source.partition(a.remote_lpar_id or 0)
        if src is None:
            continue
        used_s.add(src.id)
        storage.append(a)
        pool = [v for v in vios_t if not chosen_scsi.get(a.slot, chosen_fc.get(a.slot))
                or v.name == chosen_scsi.get(a.slot, chosen_fc.get(a.slot))]
        if isinstance(a, VirtualScsi):
            need: list[str] = []
            for m in src.vscsi_mappings:
                if m.vhost_slot != a.remote_slot:
                    continue
                d = disks.get((src.id, m.backing))
                problem = ""
                if not m.backing or d is None or d.kind == "file":
                    problem = f"the virtual optical device {m.vtd}, which cannot migrate"
                elif d.kind == "lv":
                    problem = f"the logical volume {d.name} of {src.name}, which only " \
                        f"that VIOS can reach"
                elif not d.unique_id:
                    problem = f"{d.name} of {src.name}, whose unique_id is not known"
                if problem:
                    what = d.kind if d is not None else "media"
                    out.add("HSCL1327", sev, (f"{src.name}: {m.vtd} maps {m.backing or '-'} "
                                              f"({what}), not a physical volume",),
                            slot=a.slot, name=p.name, reason=problem)
                    continue
                need.append(d.unique_id)  # type: ignore[union-attr]
            fits = [v for v in pool if all((v.id, u) in seen for u in need)]
            if not fits:
                if need:
                    details = tuple(f"{v.name}: no physical volume with unique_id {u}"
                                    for v in pool for u in need if (v.id, u) not in seen)
                    out.add("HSCL1327", sev, details or (f"{target.system.name}: no running "
                                                         "VIOS",),
                            slot=a.slot, name=p.name,
                            reason=f"{', '.join(need)}, which no running VIOS of "
                            f"{target.system.name} sees")
                elif not pool:
                    out.add("HSCL1327", sev, (f"{target.system.name}: no running VIOS",),
                            slot=a.slot, name=p.name,
                            reason=f"no running VIOS of {target.system.name} to host it")
                continue
            out.vscsi[a.slot] = _pick(fits, target, _vios_order(source, src.id)).id
        elif isinstance(a, VirtualFc):
            fits = _npiv_hosts(source, target, src, a, pool)
            if not fits or a.wwpns is None:
                out.add("HSCLA319", sev, _npiv_details(source, target, src, a, pool),
                        slot=a.slot)
                continue
            out.vfc[a.slot] = _pick(fits, target, _vios_order(source, src.id)).id
    if sev == "warning":
        for a in storage:
            if a.slot not in (out.vscsi if isinstance(a, VirtualScsi) else out.vfc):
                out.add("HSCL1338", "warning", name=p.name, slot=a.slot,
                        kind="SCSI" if isinstance(a, VirtualScsi) else "fibre channel",
                        system=target.system.name)
    used_t = set(out.vscsi.values()) | set(out.vfc.values())
    if len(used_s) >= 2 and len(used_t) == 1:
        out.add("HSCL1333", "warning", name=p.name, source=source.system.name,
                target=target.system.name)


def _npiv_details(source: Frame, target: Frame, src: Partition, a: VirtualFc,
                  pool: list[Partition]) -> tuple[str, ...]:
    """What each target VIOS lacks for a vFC adapter (VIOS_DETAILED_ERROR lines, in the
    style of IBM's example: the client WWPNs, then the VIOS's finding)."""
    mapped = next((m.port for m in src.npiv_mappings if m.vfchost_slot == a.remote_slot), "")
    fabric = _fabric_of(source, src, mapped) or "the default fabric"
    lines = [f"Client WWPNs: {' '.join(a.wwpns) if a.wwpns else 'none'}"]
    for v in pool:
        ports = [port for ad in target.io.adapters if ad.owner == v.id and ad.kind == "fc"
                 for port in ad.ports]
        if not ports:
            lines.append(f"{v.name}: There are no FC adapters")
        else:
            lines.append(f"{v.name}: no NPIV port that is up, on {fabric}, with a free "
                         "target port")
    if not pool:
        lines.append(f"{target.system.name}: no running VIOS")
    return tuple(lines)


def _fabric_of(frame: Frame, vios: Partition, port_name: str) -> str | None:
    for a in frame.io.adapters:
        if a.owner == vios.id and a.kind == "fc":
            for port in a.ports:
                if port.name == port_name:
                    return port.fabric
    return None


def _npiv_hosts(source: Frame, target: Frame, src: Partition, a: VirtualFc,
                pool: list[Partition]) -> list[Partition]:
    """Target VIOS with an NPIV port up, with a free target port, on the client's fabric."""
    mapped = next((m.port for m in src.npiv_mappings if m.vfchost_slot == a.remote_slot), "")
    fabric = _fabric_of(source, src, mapped) or ""
    down = target.ports_down()
    fits = []
    for v in pool:
        used: dict[str, int] = {}
        for m in v.npiv_mappings:
            used[m.port] = used.get(m.port, 0) + 1
        if any(port.npiv and port.fabric == fabric and port.location not in down
               and used.get(port.name, 0) < port.max_npiv
               for ad in target.io.adapters if ad.owner == v.id and ad.kind == "fc"
               for port in ad.ports):
            fits.append(v)
    return fits


def _resources(out: Plan, source: Frame, target: Frame, p: Partition,
               o: MigrationOptions) -> None:
    res = p.settings()
    if res.shared:
        here = source.pool(res.shared_proc_pool_id)
        name = o.pool or (here.name if here is not None else "DefaultPool")
        pool = target.pool(name)
        if pool is None or (not pool.is_default and pool.max_proc_units == 0):
            if o.pool:
                out.add("HSCL8015", name=o.pool)
                return
            pool = target.pool(0)
        assert pool is not None
        out.pool = pool.name
    if out.kind == "inactive":
        return  # only the definition moves: resources are granted at activation
    # the shell partition's memory and its page table (hypervisor memory, one per partition)
    lmb = target.system.mem_region_size
    hpt = -(-res.max_mem // int(res.hpt_ratio.split(":")[1]) // lmb) * lmb
    mem_free = target.avail_mem()
    if res.desired_mem + hpt > mem_free:
        out.add("HSCL1328", system=target.system.name, name=p.name,
                needed=res.desired_mem + hpt, available=mem_free)
    units = res.entitlement
    free = target.avail_proc_units()
    what = "processing units" if res.shared else "processors"
    where = f"shared processor pool {out.pool} of " if res.shared else ""
    if res.shared and out.pool and out.pool != "DefaultPool":
        pool = target.pool(out.pool)
        assert pool is not None
        free = min(free, round(pool.max_proc_units - target.pool_entitled(pool.id), 2))
    if units > free + 1e-9:
        out.add("HSCL1329", what=what, where=where, system=target.system.name, name=p.name,
                needed=f"{units:g}", available=f"{free:g}")
