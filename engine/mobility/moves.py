"""What a migration does to the two frames: the shell partition and its VIOS adapters on the
target, the move of the partition when it completes, and the rollback of a stopped one.

Pure functions of frames: engine/ops/mobility.py (start, stop, recover) and
engine/mobility/progress.py (phases as time passes) call them; each returns the new frames
and the journal lines telling what was done.
"""

from __future__ import annotations

from engine.mobility.validate import Plan
from engine.model import (
    Frame,
    Migration,
    NpivMapping,
    Partition,
    VirtualEth,
    VirtualFc,
    VirtualScsi,
    VscsiMapping,
    Workload,
)
from engine.vios import vfchosts, vhosts

# The shell partition holds the resources on the target but runs nothing until it completes.
SHELL_WORKLOAD = Workload(kind="idle", params={"base": 0.0, "noise": 0.0})
Lines = list[tuple[str, str]]  # (target of the journal line, message)


def _free_slot(v: Partition) -> int:
    used = {a.slot for a in v.adapters}
    return next(s for s in range(10, 10 + len(used) + 1) if s not in used)


def _free_vtd(v: Partition, wanted: str) -> str:
    used = {m.vtd for m in v.vscsi_mappings}
    if wanted not in used:
        return wanted
    return next(f"vtscsi{n}" for n in range(len(used) + 1) if f"vtscsi{n}" not in used)


def _npiv_port(source: Frame, target: Frame, src: Partition, remote_slot: int,
               v: Partition) -> str:
    """The target VIOS's port for a vFC adapter: NPIV, up, same fabric, least used."""
    mapped = next((m.port for m in src.npiv_mappings if m.vfchost_slot == remote_slot), "")
    fabric = next((port.fabric for a in source.io.adapters if a.owner == src.id
                   for port in a.ports if port.name == mapped), "")
    down = target.ports_down()
    used: dict[str, int] = {}
    for m in v.npiv_mappings:
        used[m.port] = used.get(m.port, 0) + 1
    ports = [port for a in target.io.adapters if a.owner == v.id and a.kind == "fc"
             for port in a.ports if port.npiv and port.fabric == fabric
             and port.location not in down and used.get(port.name, 0) < port.max_npiv]
    return min(ports, key=lambda port: used.get(port.name, 0)).name if ports else ""


def make_shell(source: Frame, target: Frame, p: Partition, plan: Plan) -> tuple[Frame, Lines]:
    """The target with the shell partition and, on its VIOS, the server adapters and
    mappings that will serve it (validation found a host for each client adapter)."""
    dest = plan.dest_lpar_id
    lines: Lines = []
    pool_id = 0
    if plan.pool:
        pool = target.pool(plan.pool)
        pool_id = pool.id if pool is not None else 0
    disks = {(owner, d.name): d for d in source.io.disks for owner in d.owners}
    by_uid = {(owner, d.unique_id): d.name for d in target.io.disks if d.unique_id
              for owner in d.owners}
    adapters: list[VirtualScsi | VirtualFc | VirtualEth] = []
    for a in sorted(p.adapters, key=lambda a: a.slot):
        if isinstance(a, VirtualEth):
            adapters.append(a)
            continue
        if a.side != "client":
            continue
        chosen = (plan.vscsi if isinstance(a, VirtualScsi) else plan.vfc).get(a.slot)
        v = target.partition(chosen) if chosen else None
        src = source.partition(a.remote_lpar_id or 0)
        if src is None:
            continue
        if v is None:  # storage protection off (--protectstorage 2): it stays behind
            kind = "SCSI" if isinstance(a, VirtualScsi) else "fibre channel"
            lines.append((p.name, f"virtual {kind} adapter in slot {a.slot} left behind: "
                          "storage protection is off"))
            continue
        slot = _free_slot(v)
        update: dict[str, object] = {}
        if isinstance(a, VirtualScsi):
            server: VirtualScsi | VirtualFc = VirtualScsi(
                slot=slot, side="server", remote_lpar_id=dest, remote_slot=a.slot)
            maps = list(v.vscsi_mappings)
            for m in src.vscsi_mappings:
                d = disks.get((src.id, m.backing))
                if m.vhost_slot != a.remote_slot or d is None:
                    continue
                vtd = _free_vtd(v.model_copy(update={"vscsi_mappings": tuple(maps)}), m.vtd)
                maps.append(VscsiMapping(vhost_slot=slot, vtd=vtd,
                                         backing=by_uid.get((v.id, d.unique_id), d.name),
                                         lun=m.lun))
            update["vscsi_mappings"] = tuple(maps)
        else:
            server = VirtualFc(slot=slot, side="server", remote_lpar_id=dest, remote_slot=a.slot)
            port = _npiv_port(source, target, src, a.remote_slot or 0, v)
            if port:
                update["npiv_mappings"] = (*v.npiv_mappings,
                                           NpivMapping(vfchost_slot=slot, port=port))
        v = v.model_copy(update={"adapters": (*v.adapters, server), **update})
        target = target.with_partition(v)
        device = (vhosts(v) if isinstance(server, VirtualScsi) else vfchosts(v))[slot]
        lines.append((v.name, f"created {device} (slot {slot}) for {p.name}"))
        adapters.append(a.model_copy(update={"remote_lpar_id": v.id, "remote_slot": slot}))
    profiles = tuple(q.model_copy(update={"shared_proc_pool_id": pool_id}) if q.shared else q
                     for q in p.profiles)
    current = p.current
    if current is not None and current.shared:
        current = current.model_copy(update={"shared_proc_pool_id": pool_id})
    active = plan.kind == "active"
    shell = p.model_copy(update={
        "id": dest, "state": "Migrating - Running" if active else "Migrating - Not Activated",
        "rmc_state": "inactive", "rmc_ipaddr": "", "refcode": "", "refcode_history": (),
        "adapters": tuple(adapters), "profiles": profiles, "current": current,
        "configured": None, "workload": SHELL_WORKLOAD})
    lines.append((p.name, f"shell partition {p.name} (ID {dest}) created on "
                  f"{target.system.name}"))
    return target.with_partition(shell), lines


def served(frame: Frame, lpar_id: int, name: str) -> Lines:
    """Journal lines for the VIOS server adapters that serve `lpar_id` (the shell's, once
    the target is ready for the copy)."""
    lines: Lines = [(name, f"shell partition {name} (ID {lpar_id}) ready on "
                     f"{frame.system.name}")]
    for v in frame.partitions:
        if v.is_vios:
            names = {**vhosts(v), **vfchosts(v)}
            lines += [(v.name, f"created {names.get(a.slot, '')} (slot {a.slot}) for {name}")
                      for a in v.adapters
                      if not isinstance(a, VirtualEth) and a.side == "server"
                      and a.remote_lpar_id == lpar_id]
    return lines


def drop_servers(frame: Frame, lpar_id: int) -> tuple[Frame, Lines]:
    """The frame without the VIOS server adapters (and their mappings) that serve `lpar_id`."""
    lines: Lines = []
    for v in frame.partitions:
        if not v.is_vios:
            continue
        slots = {a.slot for a in v.adapters
                 if not isinstance(a, VirtualEth) and a.remote_lpar_id == lpar_id}
        if not slots:
            continue
        names = {**vhosts(v), **vfchosts(v)}
        for slot in sorted(slots):
            lines.append((v.name, f"removed {names.get(slot, f'slot {slot}')} (slot {slot})"))
        frame = frame.with_partition(v.model_copy(update={
            "adapters": tuple(a for a in v.adapters if a.slot not in slots),
            "vscsi_mappings": tuple(m for m in v.vscsi_mappings if m.vhost_slot not in slots),
            "npiv_mappings": tuple(m for m in v.npiv_mappings if m.vfchost_slot not in slots),
        }))
    return frame, lines


def _without_migration(frame: Frame, m: Migration) -> Frame:
    return frame.model_copy(update={
        "migrations": tuple(x for x in frame.migrations if x.lpar_id != m.lpar_id)})


def complete(source: Frame, target: Frame, m: Migration) -> tuple[Frame, Frame, Lines, Lines]:
    """The partition runs on the target; the source forgets it and its VIOS adapters."""
    p = source.partition(m.lpar_id)
    shell = target.partition(m.dest_lpar_id)
    assert p is not None and shell is not None
    active = m.kind == "active"
    moved = shell.model_copy(update={
        "state": "Running" if active else "Not Activated",
        "rmc_state": p.rmc_state if active else "inactive", "rmc_ipaddr": p.rmc_ipaddr,
        "refcode": p.refcode, "refcode_history": p.refcode_history,
        "workload": p.workload, "configured": p.configured})
    target = target.with_partition(moved)
    source, lines = drop_servers(_without_migration(source, m).without_partition(p.id), p.id)
    source = source.model_copy(update={
        "outages": tuple(o for o in source.outages if o.lpar_id != p.id)})
    what = "running" if active else "defined"
    return source, target, lines, [(p.name, f"migration complete: {p.name} is {what} on "
                                    f"{target.system.name} as partition ID {m.dest_lpar_id}")]


def rollback(source: Frame, target: Frame, m: Migration) -> tuple[Frame, Frame, Lines, Lines]:
    """Undo a migration that has not completed: the shell and its target adapters go, the
    partition stays (running) on the source."""
    lines_t: Lines = []
    shell = target.partition(m.dest_lpar_id)
    if shell is not None and shell.state.startswith("Migrating"):
        target, lines_t = drop_servers(target.without_partition(shell.id), shell.id)
        lines_t.append((m.name, f"shell partition {m.name} removed from "
                        f"{target.system.name}"))
    p = source.partition(m.lpar_id)
    source = _without_migration(source, m)
    if p is not None:
        source = source.with_partition(p.model_copy(update={
            "state": "Running" if m.kind == "active" else "Not Activated"}))
    return source, target, [], lines_t
