"""mksyscfg, chsyscfg and rmsyscfg: create, change and delete partitions and profiles.

Configuration comes as `-i "attr=value,..."` or `-f FILE` (one record per line). The engine
keeps virtual adapters per partition, not per profile, so adapter lists in a profile change
the partition's adapters: `virtual_eth_adapters+=ITEM` adds, `-=ITEM` removes (by slot),
`=LIST` makes the adapters of that type exactly the list. Numeric attributes take `+=`/`-=`
too (`desired_mem+=1024`). A command that needs several operations runs them in order and
stops at the first refusal (the earlier ones stay applied, as on the HMC).
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from engine.errors import HmcError
from engine.model import Partition, Profile, VirtualEth
from engine.ops import (
    AddVirtualAdapter,
    ChangePartition,
    ChangeProfile,
    CreatePartition,
    CreateProfile,
    DeletePartition,
    DeleteProfile,
    Operation,
    RemoveVirtualAdapter,
    SaveCurrentConfig,
    SetProfileSync,
)
from hmc_tui.hmccli import adapters as adapter_items
from hmc_tui.hmccli import sysconfig
from hmc_tui.hmccli.adapters import LIST_ATTRS, Adapter
from hmc_tui.hmccli.context import Ctx
from hmc_tui.hmccli.errors import CodedError, InvalidAttribute, UsageError
from hmc_tui.hmccli.grammar import SWITCH, Flag, Grammar, Variant
from hmc_tui.hmccli.options import Args
from hmc_tui.hmccli.profile_attrs import (
    FLOAT_ATTRS,
    IGNORED_ATTRS,
    INT_ATTRS,
    PROFILE_ATTRS,
    typed,
)
from hmc_tui.hmccli.shared_flags import FORCE, LPAR_ID, SYSTEM
from hmc_tui.hmccli.tokens import parse_attrs

_FILE = Flag("-f", metavar="<configuration file>", names="text", alt="input",
             help="a file with one configuration record per line")
_INPUT = Flag("-i", metavar='"<configuration data>"', names="text", alt="input",
              help="attribute=value pairs separated by commas")
_BY_INPUT = ("-r", "-m", "-i", "-f", "--force")

MKSYSCFG = Grammar(
    "mksyscfg", "create partitions and partition profiles",
    "Creates partitions or partition profiles (-i or -f), or saves a partition's\n"
    "current configuration to a profile (-r prof -o save -p or --id, -n).",
    (
        Flag("-r", choices=("lpar", "prof"), required=True,
             help="lpar (a partition and its first profile) or prof"),
        SYSTEM,
        _FILE,
        replace(_INPUT, help="attribute=value pairs separated by commas;\n"
                             "list values in quotes, e.g.\n"
                             '"virtual_scsi_adapters=2/client/1/vios1/11/1,..."'),
        Flag("-o", choices=("save",), help="save the current configuration"),
        Flag("-p", metavar="<partition name>", names="lpar", alt="lpar",
             help="the partition"),
        replace(LPAR_ID, help=""),
        Flag("-n", metavar="<profile name>", names="profile", help="the profile to save to"),
        replace(FORCE, help="overwrite an existing profile"),
    ),
    (
        Variant({"-r": "lpar"}, flags=_BY_INPUT),
        Variant({"-r": "prof"}, flags=(*_BY_INPUT, "-o")),
        Variant({"-r": "prof", "-o": "save"},
                flags=("-r", "-m", "-o", "-p", "--id", "-n", "--force"), required=("-p", "-n")),
    ),
)
CHSYSCFG = Grammar(
    "chsyscfg", "change partitions, partition profiles and the managed system",
    "Changes partition profiles (identify the profile with name= and lpar_name=\n"
    "or lpar_id=; += and -= add to or remove from a list or a number),\n"
    "partitions (name= or lpar_id=, new_name=, default_profile=,\n"
    "sync_curr_profile=), or the managed system (new_name=, power_off_policy=,\n"
    "power_on_lpar_start_policy=). -o apply applies a profile to a partition.",
    (
        Flag("-r", choices=("lpar", "prof", "sys", "sysprof"), required=True,
             help="prof (partition profiles), lpar (partitions)\nor sys (the managed system)"),
        SYSTEM, _FILE, _INPUT,
        Flag("-o", choices=("apply", "set"),
             help="apply: apply the profile -n (else the current\n"
                  "profile) to the partition -p or --id (-r lpar)"),
        Flag("-p", metavar="<partition name>", names="lpar", alt="lpar"),
        replace(LPAR_ID, help=""),
        Flag("-n", metavar="<profile name>", names="profile"),
        replace(FORCE, help="change the current profile of a partition\n"
                            "synchronized with it (-r prof)"),
    ),
    (
        Variant({"-r": "lpar"}, flags=(*_BY_INPUT, "-o")),
        Variant({"-r": "lpar", "-o": "apply"}, flags=("-r", "-m", "-o", "-p", "--id", "-n"),
                required=("-p",)),
        Variant({"-r": "prof"}, flags=_BY_INPUT),
        Variant({"-r": "sys"}, flags=("-r", "-m", "-i", "-f")),
        Variant({"-r": "sysprof"}, flags=(*_BY_INPUT, "-o")),
    ),
)
RMSYSCFG = Grammar(
    "rmsyscfg", "remove partitions and partition profiles",
    "Removes a partition (which must be Not Activated) or a partition profile.",
    (
        Flag("-r", choices=("lpar", "prof", "sysprof"), required=True, help="lpar or prof"),
        SYSTEM,
        Flag("-n", metavar="<object name>", names="lpar",
             help="the partition (-r lpar) or profile (-r prof)"),
        replace(LPAR_ID, alt=""),
        Flag("-p", metavar="<partition name>", names="lpar",
             help="the profile's partition (-r prof)"),
        Flag("--vioscfg", SWITCH,
             help="also remove the VIOS server adapters connected\n"
                  "to the partition and their mappings (-r lpar)"),
        Flag("--vdisk", SWITCH,
             help="with --vioscfg: also remove the logical\nvolumes those mappings used"),
        FORCE,
    ),
    (
        Variant({"-r": "lpar"},
                flags=("-r", "-m", "-n", "--id", "--vioscfg", "--vdisk", "--force")),
        Variant({"-r": "prof"}, flags=("-r", "-m", "-n", "-p", "--id"),
                names={"-n": "profile"}, required=("-n",)),
    ),
)
LPAR_REQUIRED = ("name", "profile_name", "lpar_env", "min_mem", "desired_mem", "max_mem")
SHARED_REQUIRED = ("min_proc_units", "desired_proc_units", "max_proc_units")
PROC_REQUIRED = ("min_procs", "desired_procs", "max_procs")

Attrs = list[tuple[str, str, str]]


# ---------------------------------------------------------------- input records


def records(ctx: Ctx, args: Args) -> list[Attrs]:
    """The -i list, or each non-empty line of the -f file, parsed.

    `ctx.allow_files` is off for remote (SSH) sessions: they must not read the server's files.
    """
    if ("-i" in args) == ("-f" in args):
        raise UsageError("-i", "-f")
    if "-i" in args:
        return [parse_attrs(args.require("-i"))]
    if not ctx.allow_files:
        raise CodedError("HSCLC001", what="-f on this connection")
    try:
        text = Path(args.require("-f")).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        raise UsageError("-f") from None
    return [parse_attrs(line) for line in text.splitlines() if line.strip()]


def _single(attrs: Attrs) -> dict[str, str]:
    """name -> value for a record that must use plain `=` and name each attribute once."""
    out: dict[str, str] = {}
    for name, op, value in attrs:
        if op != "=" or name in out:
            raise InvalidAttribute(f"{name}{op[:-1]}")
        out[name] = value
    return out


def _profile_fields(ctx: Ctx, values: dict[str, str], skip: set[str]) -> dict[str, object]:
    """Typed Profile fields from attribute values; unknown attributes are refused."""
    fields: dict[str, object] = {}
    for name, value in values.items():
        if name in skip or name in IGNORED_ATTRS or name in LIST_ATTRS:
            continue
        if name == "shared_proc_pool_name":
            pool = ctx.frame.pool(value)
            if pool is None:
                raise HmcError("HSCL8015", name=value)
            fields["shared_proc_pool_id"] = pool.id
        elif name in PROFILE_ATTRS:
            fields[name] = typed(name, value)
        else:
            raise InvalidAttribute(name)
    return fields


def _build_profile(name: str, fields: dict[str, object]) -> Profile:
    try:
        return Profile.model_validate({"name": name, **fields})
    except ValueError as exc:  # pydantic's ValidationError
        err = exc.errors()[0]  # type: ignore[attr-defined]
        field = ".".join(str(x) for x in err["loc"])
        raise HmcError("HSCL0A0F", field=field, value=err.get("input"),
                       reason=err["msg"] + ".") from None


def _require(values: dict[str, str], names: tuple[str, ...]) -> None:
    for name in names:
        if name not in values:
            raise CodedError("HSCLC002", name=name)


def _adapter_lists(ctx: Ctx, values: dict[str, str]) -> list[Adapter]:
    found: list[Adapter] = []
    for attr in LIST_ATTRS:
        if attr in values:
            found += adapter_items.parse_list(ctx.frame, attr, values[attr])
    return found


# ---------------------------------------------------------------- mksyscfg


def _create_lpar(ctx: Ctx, values: dict[str, str]) -> list[Operation]:
    _require(values, LPAR_REQUIRED)
    shared = values.get("proc_mode", "shared") == "shared"
    _require(values, (*PROC_REQUIRED, *SHARED_REQUIRED, "sharing_mode") if shared
             else PROC_REQUIRED)
    env = values["lpar_env"]
    if env not in ("aixlinux", "os400", "vioserver"):
        raise HmcError("HSCL0A0F", field="lpar_env", value=env,
                       reason="it must be aixlinux, os400 or vioserver.")
    lpar_id = typed("lpar_id", values["lpar_id"]) if "lpar_id" in values else None
    fields = _profile_fields(ctx, values, {"name", "profile_name", "lpar_env", "lpar_id"})
    profile = _build_profile(values["profile_name"], fields)
    return [CreatePartition(name=values["name"], env=env, lpar_id=lpar_id,
                            profile=profile, adapters=tuple(_adapter_lists(ctx, values)))]


def _lpar_of(ctx: Ctx, values: dict[str, str]) -> Partition:
    if "lpar_name" in values:
        return ctx.partition(values["lpar_name"])
    if "lpar_id" in values:
        return ctx.partition_id(values["lpar_id"])
    raise CodedError("HSCLC002", name="lpar_name")


def _create_profile(ctx: Ctx, values: dict[str, str]) -> list[Operation]:
    _require(values, ("name",))
    p = _lpar_of(ctx, values)
    fields = _profile_fields(ctx, values, {"name", "lpar_name", "lpar_id", "lpar_env"})
    ops: list[Operation] = [CreateProfile(lpar=p.name,
                                          profile=_build_profile(values["name"], fields))]
    return ops + _replace_adapters(ctx, p, values)


def _save_current(ctx: Ctx, args: Args) -> list[Operation]:
    """mksyscfg -r prof -o save -p LPAR -n PROFILE [--force]: the current configuration."""
    p = ctx.target(args, name_flag="-p")
    return [SaveCurrentConfig(lpar=p.name, profile=args.require("-n"),
                              force="--force" in args)]


def plan_mk(ctx: Ctx, args: Args) -> list[Operation]:
    resource = args.require("-r")
    ctx.system(args)
    if args.get("-o") == "save":
        return _save_current(ctx, args)
    ops: list[Operation] = []
    for attrs in records(ctx, args):
        values = _single(attrs)
        ops += _create_lpar(ctx, values) if resource == "lpar" else _create_profile(ctx, values)
    return ops


# ---------------------------------------------------------------- chsyscfg


def _replace_adapters(ctx: Ctx, p: Partition, values: dict[str, str]) -> list[Operation]:
    """Make each listed adapter type exactly the given list (remove, then add)."""
    ops: list[Operation] = []
    for attr, kind in LIST_ATTRS.items():
        if attr not in values:
            continue
        wanted = {a.slot: a for a in adapter_items.parse_list(ctx.frame, attr, values[attr])}
        ops += _changes_to(p, kind, wanted)
    return ops


def _same(have: Adapter, want: Adapter) -> bool:
    """Equal, ignoring what the HMC generates when the item leaves it out (MAC, WWPNs)."""
    if isinstance(want, VirtualEth) and isinstance(have, VirtualEth) and not want.mac:
        return have.model_copy(update={"mac": ""}) == want
    if have.type == "fc" and want.type == "fc" and want.wwpns is None:
        return have.model_copy(update={"wwpns": None}) == want
    return have == want


def _changes_to(p: Partition, kind: str, wanted: dict[int, Adapter]) -> list[Operation]:
    have = {a.slot: a for a in p.adapters if a.type == kind}
    removes: list[Operation] = []
    adds: list[Operation] = []
    for slot, a in have.items():
        if slot not in wanted or not _same(a, wanted[slot]):
            removes.append(RemoveVirtualAdapter(lpar=p.name, slot=slot))
    for slot, a in wanted.items():
        if slot not in have or not _same(have[slot], a):
            adds.append(AddVirtualAdapter(lpar=p.name, adapter=a))
    return removes + adds


def _change_profile(ctx: Ctx, attrs: Attrs, force: bool = False) -> list[Operation]:
    names = {n for n, op, _ in attrs if op == "="}
    ident = {n: v for n, op, v in attrs if op == "=" and n in ("name", "lpar_name", "lpar_id")}
    if "name" not in names:
        raise CodedError("HSCLC002", name="name")
    p = _lpar_of(ctx, ident)
    prof = ctx.profile(p, ident["name"])
    changes: dict[str, object] = {}
    adapter_ops: list[Operation] = []
    for name, op, value in attrs:
        if name in ("name", "lpar_name", "lpar_id"):
            continue
        if name in LIST_ATTRS:
            items = adapter_items.parse_list(ctx.frame, name, value)
            if op == "=":
                adapter_ops += _changes_to(p, LIST_ATTRS[name], {a.slot: a for a in items})
            elif op == "+=":
                adapter_ops += [AddVirtualAdapter(lpar=p.name, adapter=a) for a in items]
            else:
                adapter_ops += [RemoveVirtualAdapter(lpar=p.name, slot=a.slot) for a in items]
        elif name in ("new_name", "shared_proc_pool_name") and op == "=":
            changes[name] = value
        elif name in IGNORED_ATTRS and op == "=":
            continue
        elif name in PROFILE_ATTRS:
            new = typed(name, value)
            if op != "=":
                if name not in INT_ATTRS | FLOAT_ATTRS:
                    raise InvalidAttribute(f"{name}{op[:-1]}")
                old = changes.get(name, getattr(prof, name)) or 0
                new = old + new if op == "+=" else old - new  # type: ignore[operator]
                if name in FLOAT_ATTRS:
                    new = round(new, 2)
            changes[name] = new
        else:
            raise InvalidAttribute(name)
    ops: list[Operation] = []
    if changes:
        if force and p.sync_curr_profile == 1 and p.curr_profile == prof.name:
            ops.append(SetProfileSync(lpar=p.name, sync_curr_profile=2))  # --force suspends
        ops.append(ChangeProfile(lpar=p.name, profile=prof.name, changes=changes))
    return ops + adapter_ops


def plan_ch(ctx: Ctx, args: Args) -> list[Operation]:
    resource = args.require("-r")
    ctx.system(args)
    if resource == "lpar" and args.get("-o") == "apply":
        return sysconfig.plan_apply(ctx, args)
    if "-o" in args or resource == "sysprof":  # system profiles are not simulated
        what = f" -o {args.get('-o')}" if "-o" in args else ""
        raise CodedError("HSCLC001", what=f"chsyscfg -r {resource}{what}")
    if resource == "sys":
        return sysconfig.plan_sys(records(ctx, args))
    ops: list[Operation] = []
    for attrs in records(ctx, args):
        ops += (_change_profile(ctx, attrs, "--force" in args) if resource == "prof"
                else _change_lpar(ctx, attrs))
    return ops


LPAR_ATTRS = ("new_name", "default_profile")
SYNC_VALUES = ("0", "1", "2")


def _change_lpar(ctx: Ctx, attrs: Attrs) -> list[Operation]:
    """chsyscfg -r lpar -i "name=X|lpar_id=N,new_name=Y,default_profile=P"."""
    values: dict[str, str] = {}
    for name, op, value in attrs:
        if op != "=" or name not in ("name", "lpar_id", "sync_curr_profile", *LPAR_ATTRS,
                                     *IGNORED_ATTRS):
            raise InvalidAttribute(name if op == "=" else f"{name}{op[:-1]}")
        values[name] = value
    if "name" in values:
        p = ctx.partition(values["name"])
    elif "lpar_id" in values:
        p = ctx.partition_id(values["lpar_id"])
    else:
        raise CodedError("HSCLC002", name="name")
    changes = {k: values[k] for k in LPAR_ATTRS if k in values}
    ops: list[Operation] = []
    if "sync_curr_profile" in values:
        sync = values["sync_curr_profile"]
        if sync not in SYNC_VALUES:
            raise HmcError("HSCL0E01", field="sync_curr_profile", value=sync,
                           reason="it must be 0, 1 or 2.")
        ops.append(SetProfileSync(lpar=p.name, sync_curr_profile=int(sync)))
    return ops + ([ChangePartition(lpar=p.name, **changes)] if changes else [])  # rename last


# ---------------------------------------------------------------- rmsyscfg


def plan_rm(ctx: Ctx, args: Args) -> list[Operation]:
    resource = args.require("-r")
    ctx.system(args)
    if resource == "lpar":
        vioscfg = "--vioscfg" in args
        if "--vdisk" in args and not vioscfg:
            raise UsageError("--vioscfg")
        return [DeletePartition(lpar=ctx.target(args).name, vioscfg=vioscfg,
                                vdisk="--vdisk" in args)]
    if resource == "sysprof":
        raise CodedError("HSCLC001", what="rmsyscfg -r sysprof")
    p = ctx.target(args, name_flag="-p")
    prof = ctx.profile(p, args.require("-n"))
    return [DeleteProfile(lpar=p.name, profile=prof.name)]


def _run(ops: list[Operation], ctx: Ctx) -> str:
    for op in ops:
        ctx.execute(op)
    return ""


def run_mk(ctx: Ctx, args: Args) -> str:
    return _run(plan_mk(ctx, args), ctx)


def run_ch(ctx: Ctx, args: Args) -> str:
    return _run(plan_ch(ctx, args), ctx)


def run_rm(ctx: Ctx, args: Args) -> str:
    return _run(plan_rm(ctx, args), ctx)
