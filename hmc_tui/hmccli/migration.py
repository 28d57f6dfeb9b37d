"""migrlpar and lslparmigr: partition mobility, answered as an HMC with one managed system.

This console manages a single system, so no migration can have a target: `migrlpar -o v|m`
names the source (-m, checked as every command does: HSCL8014), the partitions (HSCL8012
for an unknown one) and then the target, which is refused - HSCL8014 for a name this console
does not know, HSCL0D10 for the source itself, HSCL0D0E for a target behind another console
(--ip). `-o s|r` (stop, recover) find no migration in progress: HSCL0D0F. `-o set` (mobility
attributes) is not modelled: HSCLC001.

lslparmigr lists what an HMC lists when nothing migrates: -r manager, -r sys (capabilities
and counts), -r lpar (`migration_state=Not Migrating`, IBM's value), -r msp / -r virtualio /
-r procpool need a target system and are refused like migrlpar. Attribute names follow IBM's
lslparmigr man page; the capacity figures are our own.
"""

from __future__ import annotations

from dataclasses import replace

from engine.errors import HmcError
from engine.model import Partition
from hmc_tui.hmccli.context import Ctx
from hmc_tui.hmccli.errors import CodedError, UsageError
from hmc_tui.hmccli.filters import parse_filter
from hmc_tui.hmccli.format import Record, render
from hmc_tui.hmccli.grammar import SWITCH, Flag, Grammar, Variant
from hmc_tui.hmccli.options import Args
from hmc_tui.hmccli.shared_flags import FIELDS, FILTER, FORCE, HEADER, LPAR_ID, SYSTEM

SYS_ATTRS = ("inactive_lpar_mobility_capable", "num_inactive_migrations_supported",
             "num_inactive_migrations_in_progress", "active_lpar_mobility_capable",
             "num_active_migrations_supported", "num_active_migrations_in_progress",
             "inactive_prof_policy")
LPAR_ATTRS = ("name", "lpar_id", "migration_state")
MANAGER_ATTRS = ("remote_lpar_mobility_capable",)

MIGRLPAR = Grammar(
    "migrlpar", "migrate partitions to another managed system",
    "Validates (v), performs (m), stops (s) or recovers (r) a partition\n"
    "migration. This console manages one system: no target exists.",
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
        Flag("-w", metavar="<wait minutes>", names="number"),
        Flag("-d", metavar="<detail level>", names="number"),
        *(Flag(f, metavar="<1|2>", names="number")
          for f in ("--redundantvios", "--mpio", "--vlanbridge", "--vsi", "--uuid",
                    "--protectstorage")),
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
                  attributes=()) for r in ("msp", "procpool", "virtualio")),
    ),
)


def _partitions(ctx: Ctx, args: Args) -> list[Partition]:
    if "--all" in args:
        return sorted(ctx.frame.partitions, key=lambda p: p.id)
    if "--id" in args:
        return [ctx.partition_id(text) for text in args.require("--id").split(",")]
    return [ctx.partition(name) for name in args.require("-p", "--id", "--all").split(",")]


def refuse_target(ctx: Ctx, args: Args) -> None:
    """The target of a migration (-t, --ip), always refused on a one-system console."""
    target = args.require("-t")
    if "--ip" in args:
        raise HmcError("HSCL0D0E", name=target)
    system = ctx.frame.system
    if target == system.name or target.upper() == ctx.frame.mtms.upper():
        raise HmcError("HSCL0D10", name=system.name)
    raise HmcError("HSCL8014", name=target)


def run_migrlpar(ctx: Ctx, args: Args) -> str:
    option = args.require("-o")
    if option == "set":
        raise CodedError("HSCLC001", what="migrlpar -o set (partition mobility attributes)")
    ctx.system(args)
    if not any(f in args for f in ("-p", "--id", "--all")):
        raise UsageError("-p", "--id", "--all")
    partitions = _partitions(ctx, args)
    if option in ("s", "r"):
        what = "stop" if option == "s" else "recover"
        raise HmcError("HSCL0D0F", name=partitions[0].name, what=what)
    refuse_target(ctx, args)
    return ""


def run_lslparmigr(ctx: Ctx, args: Args) -> str:
    resource = args.require("-r")
    fields, header = args.get("-F"), "--header" in args
    if resource == "manager":
        return render([{"remote_lpar_mobility_capable": "1"}], fields, header, MANAGER_ATTRS)
    ctx.system(args)
    if resource == "sys":
        record: Record = {
            "inactive_lpar_mobility_capable": "1", "num_inactive_migrations_supported": "40",
            "num_inactive_migrations_in_progress": "0", "active_lpar_mobility_capable": "1",
            "num_active_migrations_supported": "16", "num_active_migrations_in_progress": "0",
            "inactive_prof_policy": "config",
        }
        return render([record], fields, header, SYS_ATTRS)
    if resource == "lpar":
        f = parse_filter(args.get("--filter"), args.filters,
                         known_lpars=[p.name for p in ctx.frame.partitions])
        records: list[Record] = [
            {"name": p.name, "lpar_id": str(p.id), "migration_state": "Not Migrating"}
            for p in sorted(ctx.frame.partitions, key=lambda p: p.id) if f.lpar(p)]
        return render(records, fields, header, LPAR_ATTRS)
    parse_filter(args.get("--filter"), args.filters,
                 known_lpars=[p.name for p in ctx.frame.partitions])
    refuse_target(ctx, args)
    return ""
