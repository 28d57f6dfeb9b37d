"""migrlpar and lslparmigr: partition mobility between the systems this console manages.

`migrlpar -o v` validates (engine/mobility/validate.py on the snapshot's frames) and prints
every finding, errors first refusing with exit 1; `-o m` validates and starts the migration
(engine/ops/mobility.py: the first error refuses it with its own code) and waits until it
ends, as the HMC's command does (hmccli/migration_wait.py: `-w WAIT` bounds the wait, `-w 0`
returns once started; poll with `lslparmigr -r lpar`); `-o s` stops
and `-o r` recovers one (HSCL0D0F when none is in progress). `-i` takes dest_lpar_id,
shared_proc_pool_name, virtual_scsi_mappings and virtual_fc_mappings
("slot/vios[/id],..."), source_msp_name and dest_msp_name. A target behind another console
(--ip) is refused with HSCL0D0E; `-o set` is not modelled (HSCLC001).

lslparmigr lists the console (-r manager), a system's capabilities and migrations in
progress (-r sys), each partition's migration state (-r lpar: Not Migrating, or the phase
with its target, MSPs and bytes sent and remaining), and for a target system the mover
service partition pairs (-r msp), the target VIOS that can host each client adapter
(-r virtualio) and the pools that can take the partition (-r procpool). Attribute names
follow IBM's lslparmigr man page; docs/mobility.md has the details.
"""

from __future__ import annotations

from dataclasses import replace

from engine.errors import HmcError
from engine.mobility.validate import (
    ACTIVE_SUPPORTED,
    INACTIVE_SUPPORTED,
    MigrationOptions,
    Plan,
    msp_candidates,
    plan,
)
from engine.model import Frame, Migration, Partition, VirtualEth
from engine.ops import Operation
from engine.ops.mobility import MigratePartition
from hmc_tui.hmccli import migration_detail, migration_wait
from hmc_tui.hmccli.context import Ctx
from hmc_tui.hmccli.errors import CliError, CodedError, UsageError
from hmc_tui.hmccli.filters import parse_filter
from hmc_tui.hmccli.format import Record, render
from hmc_tui.hmccli.grammar import SWITCH, Flag, Grammar, Variant
from hmc_tui.hmccli.migration_wait import Waited
from hmc_tui.hmccli.options import Args
from hmc_tui.hmccli.shared_flags import FIELDS, FILTER, FORCE, HEADER, LPAR_ID, SYSTEM
from hmc_tui.hmccli.tokens import parse_attrs, split_items

SYS_ATTRS = ("inactive_lpar_mobility_capable", "num_inactive_migrations_supported",
             "num_inactive_migrations_in_progress", "active_lpar_mobility_capable",
             "num_active_migrations_supported", "num_active_migrations_in_progress",
             "inactive_prof_policy")
LPAR_ATTRS = ("name", "lpar_id", "migration_state", "migration_type", "dest_sys_name",
              "dest_lpar_id", "source_msp_name", "source_msp_id", "dest_msp_name",
              "dest_msp_id", "bytes_transmitted", "bytes_remaining")
MSP_ATTRS = ("source_msp_name", "source_msp_id", "dest_msp_names", "dest_msp_ids")
VIRTUALIO_ATTRS = ("lpar_name", "lpar_id", "possible_virtual_scsi_mappings",
                   "suggested_virtual_scsi_mappings", "possible_virtual_fc_mappings",
                   "suggested_virtual_fc_mappings")
PROCPOOL_ATTRS = ("lpar_name", "lpar_id", "shared_proc_pool_ids", "shared_proc_pool_names")
RESOURCE_ATTRS = {"msp": MSP_ATTRS, "virtualio": VIRTUALIO_ATTRS, "procpool": PROCPOOL_ATTRS}
MB = 1024 * 1024
MANAGER_ATTRS = ("remote_lpar_mobility_capable",)

MIGRLPAR = Grammar(
    "migrlpar", "migrate partitions to another managed system",
    "Validates (v), performs (m), stops (s) or recovers (r) a partition\n"
    "migration to another managed system of this console.",
    (
        Flag("-o", choices=("m", "r", "s", "v", "set"), required=True,
             help="m (migrate), r (recover), s (stop),\nv (validate), set"),
        SYSTEM,
        Flag("-t", metavar="<target managed system>", names="text",
             help="the target managed system"),
        Flag("--ip", metavar="<remote console>", names="text",
             help="the console managing the target"),
        Flag("-u", metavar="<remote user>", names="text"),
        Flag("-p", metavar="<partition names>", names="lpar", alt="lpar",
             help="the partitions (comma separated)"),
        replace(LPAR_ID, help="the partitions' IDs"),
        Flag("--all", SWITCH, alt="lpar", help="every partition"),
        Flag("-n", metavar="<profile name>", names="profile"),
        Flag("-r", choices=("sys", "lpar")),
        Flag("-i", metavar='"<input data>"', names="text"),
        Flag("-w", metavar="<wait minutes>", names="number",
             help="the most minutes to wait for the\nmigration to end (0: return once started)"),
        Flag("-d", metavar="<detail level>", names="number",
             help="1 (lowest) to 5: how much of what the\nVIOS found -o v prints"),
        Flag("--protectstorage", metavar="<1|2>", names="number",
             help="1: the virtual storage must be reachable\non the target (default); 2: an "
             "inactive\nmigration may leave it behind"),
        *(Flag(f, metavar="<1|2>", names="number")
          for f in ("--redundantvios", "--mpio", "--vlanbridge", "--vsi", "--uuid")),
        FORCE, Flag("-v", SWITCH), Flag("--nodetails", SWITCH),
    ),
    (
        Variant({"-o": "m"}, required=("-t",)),
        Variant({"-o": "v"}, required=("-t",)),
        Variant({"-o": "set"}, optional=("-m",)),
    ),
)

LSLPARMIGR = Grammar(
    "lslparmigr", "list partition migration information",
    "Lists partition migration information of the console (manager), the\n"
    "managed system (sys), its partitions (lpar), or of a migration's\n"
    "mover service partitions, virtual I/O or processor pools.",
    (
        Flag("-r", choices=("manager", "sys", "lpar", "msp", "procpool", "virtualio"),
             required=True, help="manager, sys, lpar, msp, procpool or\nvirtualio"),
        replace(SYSTEM, required=False, help="the managed system"),
        Flag("-t", metavar="<target managed system>", names="text"),
        Flag("--ip", metavar="<remote console>", names="text"),
        Flag("-u", metavar="<remote user>", names="text"),
        replace(FILTER, help="lpar_names, lpar_ids (-r lpar, msp, ...)"),
        Flag("--redundantvios", metavar="<0|1|2>", names="number"),
        FIELDS, HEADER,
    ),
    (
        Variant({"-r": "manager"}, flags=("-r", "-F", "--header"), attributes=MANAGER_ATTRS),
        Variant({"-r": "sys"}, flags=("-r", "-m", "-F", "--header"), required=("-m",),
                attributes=SYS_ATTRS),
        Variant({"-r": "lpar"}, flags=("-r", "-m", "--filter", "-F", "--header"),
                required=("-m",), attributes=LPAR_ATTRS, filters=("lpar_names", "lpar_ids")),
        *(Variant({"-r": r}, required=("-m", "-t"), filters=("lpar_names", "lpar_ids"),
                  attributes=RESOURCE_ATTRS[r]) for r in ("msp", "procpool", "virtualio")),
    ),
)


def _source(ctx: Ctx, args: Args) -> Frame:
    return ctx.snap.system(args.require("-m"))


def _partitions(ctx: Ctx, args: Args, frame: Frame) -> list[Partition]:
    if "--all" in args:
        return sorted((p for p in frame.partitions if not p.is_vios), key=lambda p: p.id)
    if "--id" in args:
        out = []
        for text in args.require("--id").split(","):
            if not text.isdecimal():
                raise UsageError("--id")
            p = frame.partition(int(text))
            if p is None:
                raise HmcError("HSCL8012", name=text)
            out.append(p)
        return out
    out = []
    for name in args.require("-p", "--id", "--all").split(","):
        p = frame.partition(name)
        if p is None:
            raise HmcError("HSCL8012", name=name)
        out.append(p)
    return out


def _target(ctx: Ctx, args: Args) -> Frame:
    """The target of a migration (-t): a system of this console; --ip names another
    console, which this one cannot reach (HSCL0D0E)."""
    target = args.require("-t")
    if "--ip" in args:
        raise HmcError("HSCL0D0E", name=target)
    return ctx.snap.system(target)


def _pairs(text: str, what: str) -> tuple[tuple[int, str], ...]:
    """virtual_scsi_mappings / virtual_fc_mappings: "slot/vios_name[/vios_id]" items."""
    out = []
    for item in split_items(text):
        parts = item.split("/")
        if len(parts) not in (2, 3) or not parts[0].isdecimal() or not parts[1]:
            raise HmcError("HSCL1334", what=what,
                           reason=f"{item!r} is not client_slot/vios_name[/vios_id]")
        out.append((int(parts[0]), parts[1]))
    return tuple(out)


INPUTS = ("dest_lpar_id", "shared_proc_pool_name", "virtual_scsi_mappings",
          "virtual_fc_mappings", "source_msp_name", "dest_msp_name")


def _options(args: Args) -> MigrationOptions:
    protect = migration_detail.protect_storage(args)
    text = args.get("-i")
    if text is None:
        return MigrationOptions(protect_storage=protect)
    values: dict[str, str] = {}
    for name, op, value in parse_attrs(text):
        if name not in INPUTS or op != "=":
            raise HmcError("HSCL1334", what=name,
                           reason=f"the attributes migrlpar takes are {', '.join(INPUTS)}")
        values[name] = value
    dest = values.get("dest_lpar_id")
    if dest is not None and not dest.isdecimal():
        raise HmcError("HSCL1334", what="dest_lpar_id", reason=f"{dest!r} is not a number")
    return MigrationOptions(
        dest_lpar_id=int(dest) if dest is not None else None,
        pool=values.get("shared_proc_pool_name", ""),
        vscsi=_pairs(values.get("virtual_scsi_mappings", ""), "virtual_scsi_mappings"),
        vfc=_pairs(values.get("virtual_fc_mappings", ""), "virtual_fc_mappings"),
        source_msp=values.get("source_msp_name", ""), dest_msp=values.get("dest_msp_name", ""),
        protect_storage=protect)


def _migrations(ctx: Ctx) -> list[Migration]:
    return [m for f in ctx.snap.frames for m in f.migrations]


def _plan(ctx: Ctx, source: Frame, target: Frame, p: Partition,
          options: MigrationOptions | None = None) -> Plan:
    return plan(source, target, p, options, _migrations(ctx))


def plan_migrlpar(ctx: Ctx, args: Args) -> list[Operation]:
    """The operations of `migrlpar -o m|s|r` (none for -o v, a read): one per partition,
    named as given (-m, -t: names or MTMS, resolved by the engine)."""
    option = args.require("-o")
    if option == "set":
        raise CodedError("HSCLC001", what="migrlpar -o set (partition mobility attributes)")
    migration_detail.detail_level(args)  # bad values are refused whatever the operation
    migration_detail.protect_storage(args)
    source = _source(ctx, args)
    if not any(f in args for f in ("-p", "--id", "--all")):
        raise UsageError("-p", "--id", "--all")
    partitions = _partitions(ctx, args, source)
    system = args.require("-m")
    if option in ("s", "r"):
        action = "stop" if option == "s" else "recover"
        return [MigratePartition(system=system, lpar=p.name, action=action)
                for p in partitions]
    if option == "v":
        return []
    target = args.require("-t")
    if "--ip" in args:
        raise HmcError("HSCL0D0E", name=target)
    o = _options(args)
    return [MigratePartition(
        system=system, lpar=p.name, dest_system=target, dest_lpar_id=o.dest_lpar_id,
        pool=o.pool, vscsi=o.vscsi, vfc=o.vfc, source_msp=o.source_msp, dest_msp=o.dest_msp,
        protect_storage=o.protect_storage)
        for p in partitions]


def _wait_minutes(args: Args) -> float | None:
    """-w WAIT: whole minutes (None: wait until the migration ends)."""
    text = args.get("-w")
    if text is None:
        return None
    if not text.isdecimal():
        raise HmcError("HSCL1334", what="-w", reason=f"{text!r} is not a whole number of "
                       "minutes")
    return float(text)


def run_migrlpar(ctx: Ctx, args: Args) -> str:
    option = args.require("-o")
    if option != "v":
        minutes = _wait_minutes(args) if option == "m" else None
        waited = []
        for op in plan_migrlpar(ctx, args):
            ctx.execute(op)
            if isinstance(op, MigratePartition) and op.action == "migrate":
                p = _source(ctx, args).partition(op.lpar)
                assert p is not None  # plan_migrlpar found it
                waited.append(Waited(source=_source(ctx, args).mtms, lpar_id=p.id,
                                     name=p.name, since=ctx.console.snapshot().time))
        migration_wait.wait(ctx, waited, minutes, ctx.step)
        return ""
    source = _source(ctx, args)
    if not any(f in args for f in ("-p", "--id", "--all")):
        raise UsageError("-p", "--id", "--all")
    partitions = _partitions(ctx, args, source)
    target = _target(ctx, args)
    options = _options(args)
    level = migration_detail.detail_level(args)
    lines: list[str] = []
    failed = False
    for p in partitions:
        found = _plan(ctx, source, target, p, options)
        failed = failed or not found.ok
        lines += migration_detail.lines(found, p, target, level)
    if failed:
        raise CliError("\n".join(lines))
    return "\n".join(lines)


def _lpar_record(ctx: Ctx, frame: Frame, p: Partition, m: Migration | None) -> Record:
    if m is None:
        return {"name": p.name, "lpar_id": str(p.id), "migration_state": "Not Migrating"}
    target = next((f for f in ctx.snap.frames if f.system.name == m.target), None)
    return {
        "name": p.name, "lpar_id": str(p.id), "migration_state": m.state,
        "migration_type": m.kind, "dest_sys_name": m.target,
        "dest_lpar_id": str(m.dest_lpar_id),
        "source_msp_name": m.source_msp or "none", "source_msp_id": _id_of(frame, m.source_msp),
        "dest_msp_name": m.dest_msp or "none", "dest_msp_id": _id_of(target, m.dest_msp),
        "bytes_transmitted": str(round(m.sent_mb * MB)),
        "bytes_remaining": str(round(m.remaining_mb * MB)),
    }


def _id_of(frame: Frame | None, name: str) -> str:
    p = frame.partition(name) if frame is not None and name else None
    return str(p.id) if p is not None else "none"


def _msp_records(source: Frame, target: Frame) -> list[Record]:
    dest = msp_candidates(target)
    return [{"source_msp_name": v.name, "source_msp_id": str(v.id),
             "dest_msp_names": ",".join(d.name for d in dest) or "none",
             "dest_msp_ids": ",".join(str(d.id) for d in dest) or "none"}
            for v in msp_candidates(source)] if dest else []


def _virtualio_record(ctx: Ctx, source: Frame, target: Frame, p: Partition) -> Record:
    """Per client adapter, every target VIOS that could host it, and the one the HMC would
    pick (slot/vios_name/vios_id)."""
    suggested = _plan(ctx, source, target, p)
    record: Record = {"lpar_name": p.name, "lpar_id": str(p.id)}
    vios = [v for v in target.partitions if v.is_vios]
    for kind, chosen in (("scsi", suggested.vscsi), ("fc", suggested.vfc)):
        slots = sorted(a.slot for a in p.adapters
                       if not isinstance(a, VirtualEth) and a.type == kind and a.side == "client")
        possible = []
        for slot in slots:
            for v in vios:
                pair = ((slot, v.name),)
                opts = MigrationOptions(vscsi=pair) if kind == "scsi" else \
                    MigrationOptions(vfc=pair)
                got = _plan(ctx, source, target, p, opts)
                if (got.vscsi if kind == "scsi" else got.vfc).get(slot) == v.id:
                    possible.append(f"{slot}/{v.name}/{v.id}")
        names = {v.id: v.name for v in vios}
        record[f"possible_virtual_{kind}_mappings"] = ",".join(possible) or "none"
        record[f"suggested_virtual_{kind}_mappings"] = ",".join(
            f"{slot}/{names[vid]}/{vid}" for slot, vid in sorted(chosen.items())) or "none"
    return record


def _procpool_record(ctx: Ctx, source: Frame, target: Frame, p: Partition) -> Record:
    """The target's shared processor pools that can take the partition."""
    fits = []
    if p.settings().shared:
        for pool in target.pools:
            if pool.is_default or pool.max_proc_units > 0:
                got = _plan(ctx, source, target, p, MigrationOptions(pool=pool.name))
                if not any(f.code in ("HSCL1329", "HSCL8015") for f in got.findings):
                    fits.append(pool)
    return {"lpar_name": p.name, "lpar_id": str(p.id),
            "shared_proc_pool_ids": ",".join(str(q.id) for q in fits) or "none",
            "shared_proc_pool_names": ",".join(q.name for q in fits) or "none"}


def run_lslparmigr(ctx: Ctx, args: Args) -> str:
    resource = args.require("-r")
    fields, header = args.get("-F"), "--header" in args
    if resource == "manager":
        return render([{"remote_lpar_mobility_capable": "1"}], fields, header, MANAGER_ATTRS)
    frame = _source(ctx, args)
    if resource == "sys":
        name = frame.system.name
        mine = [m for m in _migrations(ctx) if m.target == name
                or any(x is m for x in frame.migrations)]
        record: Record = {
            "inactive_lpar_mobility_capable": "1",
            "num_inactive_migrations_supported": str(INACTIVE_SUPPORTED),
            "num_inactive_migrations_in_progress": str(sum(m.kind == "inactive" for m in mine)),
            "active_lpar_mobility_capable": "1",
            "num_active_migrations_supported": str(ACTIVE_SUPPORTED),
            "num_active_migrations_in_progress": str(sum(m.kind == "active" for m in mine)),
            "inactive_prof_policy": "config",
        }
        return render([record], fields, header, SYS_ATTRS)
    f = parse_filter(args.get("--filter"), args.filters,
                     known_lpars=[p.name for p in frame.partitions])
    if resource == "lpar":
        by_id = {m.lpar_id: m for m in frame.migrations}
        records = [_lpar_record(ctx, frame, p, by_id.get(p.id))
                   for p in sorted(frame.partitions, key=lambda p: p.id) if f.lpar(p)]
        return render(records, fields, header, LPAR_ATTRS)
    target = _target(ctx, args)
    chosen = [p for p in sorted(frame.partitions, key=lambda p: p.id)
              if f.lpar(p) and not p.is_vios]
    if frame.system.name == target.system.name:
        raise HmcError("HSCL0D10", name=frame.system.name)
    if resource == "msp":
        return render(_msp_records(frame, target), fields, header, MSP_ATTRS)
    make = _procpool_record if resource == "procpool" else _virtualio_record
    return render([make(ctx, frame, target, p) for p in chosen], fields, header,
                  RESOURCE_ATTRS[resource])
