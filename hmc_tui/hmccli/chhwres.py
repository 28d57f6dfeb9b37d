"""chhwres: dynamic (DLPAR) changes, shared processor pools and virtual adapters.

    -r proc -o a|r -p LPAR --procs N | --procunits X      -o m ... -t TARGET
    -r proc -o s -p LPAR -a "uncap_weight=N"
    -r mem  -o a|r|m -p LPAR -q MB [-t TARGET]
    -r mem  -o s -a "requested_num_sys_huge_pages=N,mem_mirroring_mode=M,
                     pend_mem_region_size=S"        (the system's memory settings)
    -r procpool -o s --poolname NAME|--poolid N
                -a "max_pool_proc_units=N,reserved_pool_proc_units=X,new_name=NAME"
    -r procpool -o s -p LPAR --poolname NAME      (move the partition to the pool)
    -r virtualio --rsubtype eth|scsi|fc -o a -p LPAR [-s SLOT] -a "..."   -o r ... -s SLOT
"""

from __future__ import annotations

from dataclasses import replace

from engine.errors import HmcError
from engine.model import VirtualEth, VirtualFc, VirtualScsi
from engine.ops import (
    AddVirtualAdapter,
    ChangeMemory,
    ChangePool,
    ChangeProcessors,
    MovePartitionPool,
    Operation,
    RemoveVirtualAdapter,
    SetUncapWeight,
    next_free_slot,
)
from hmc_tui.hmccli import sysconfig
from hmc_tui.hmccli.context import Ctx
from hmc_tui.hmccli.errors import CodedError, InvalidAttribute, UsageError
from hmc_tui.hmccli.grammar import Flag, Grammar, Variant
from hmc_tui.hmccli.options import Args
from hmc_tui.hmccli.shared_flags import FORCE, LPAR_ID, SYSTEM
from hmc_tui.hmccli.tokens import parse_attrs

ACTIONS = {"a": "add", "r": "remove", "m": "move"}
_COMMON = ("-r", "-m", "-o", "-p", "--id", "-w", "-d", "--force")

GRAMMAR = Grammar(
    "chhwres", "change resources dynamically; shared processor pools; virtual adapters",
    "Changes the resources of a running partition, a shared processor pool, or\n"
    "the virtual adapters of a partition.",
    (
        Flag("-r", choices=("proc", "mem", "virtualio", "procpool", "io", "mempool"),
             required=True, help="proc, mem, virtualio or procpool"),
        SYSTEM,
        Flag("-o", choices=("a", "r", "m", "s"), required=True,
             help="a (add), r (remove), m (move), s (set)"),
        Flag("-p", metavar="<partition name>", names="lpar", alt="lpar",
             help="the partition"),
        replace(LPAR_ID, help=""),
        Flag("-t", metavar="<target partition name>", names="lpar", alt="target",
             help="the target partition of a move"),
        Flag("--tid", metavar="<target partition ID>", names="number", alt="target"),
        Flag("--procs", metavar="<quantity>", names="number",
             help="processors (virtual or dedicated)"),
        Flag("--procunits", metavar="<quantity>", names="number", help="processing units"),
        Flag("-q", metavar="<quantity>", names="number", help="memory in megabytes"),
        Flag("--rsubtype", choices=("eth", "scsi", "fc"), help="the virtual adapter's type"),
        Flag("-s", metavar="<virtual slot number>", names="number",
             help="the virtual adapter's slot"),
        Flag("--poolname", metavar="<pool name>", names="pool", alt="pool",
             help="the shared processor pool"),
        Flag("--poolid", metavar="<pool ID>", names="number", alt="pool"),
        Flag("-a", metavar='"<attributes>"', names="text",
             help="uncap_weight (-r proc -o s);\n"
                  "max_pool_proc_units, reserved_pool_proc_units,\n"
                  "new_name (-r procpool);\n"
                  "requested_num_sys_huge_pages,\n"
                  "mem_mirroring_mode, pend_mem_region_size\n"
                  "(-r mem -o s); port_vlan_id,\n"
                  "ieee_virtual_eth, addl_vlan_ids, is_trunk,\n"
                  "trunk_priority, vswitch, adapter_type,\n"
                  "remote_lpar_id, remote_lpar_name,\n"
                  "remote_slot_num, is_required (-r virtualio)"),
        Flag("-w", metavar="<wait time>", names="number"),  # accepted, not needed here
        Flag("-d", metavar="<detail level>", names="number"),
        FORCE,
    ),
    (
        Variant({"-r": "proc"}, flags=(*_COMMON, "-t", "--tid", "--procs", "--procunits"),
                required=("-p",)),
        Variant({"-r": "proc", "-o": "s"}, flags=(*_COMMON, "-a")),
        Variant({"-r": "mem"}, flags=(*_COMMON, "-t", "--tid", "-q"), required=("-p",)),
        Variant({"-r": "mem", "-o": "s"}, flags=("-r", "-m", "-o", "-a"), optional=("-p",)),
        Variant({"-r": "procpool"}, flags=(*_COMMON, "--poolname", "--poolid", "-a"),
                choices={"-o": ("s",)}),
        Variant({"-r": "virtualio"}, flags=(*_COMMON, "--rsubtype", "-s", "-a"),
                required=("--rsubtype", "-p")),
        Variant({"-r": "virtualio", "-o": "r"}, flags=(*_COMMON, "--rsubtype", "-s")),
    ),
)


def _attrs(args: Args, allowed: tuple[str, ...]) -> dict[str, str]:
    values: dict[str, str] = {}
    for name, op, value in parse_attrs(args.require("-a")):
        if name not in allowed or op != "=":
            raise InvalidAttribute(name)
        values[name] = value
    return values


def _int(name: str, text: str, low: int = 0, high: int | None = None) -> int:
    try:
        number = int(text)
    except ValueError:
        number = -1
    if number < low or (high is not None and number > high):
        bound = f"between {low} and {high}" if high is not None else f"at least {low}"
        raise HmcError("HSCL0A0F", field=name, value=text, reason=f"it must be a whole number "
                       f"{bound}.")
    return number


def _bit(name: str, text: str) -> bool:
    return _int(name, text, 0, 1) == 1


def _target(ctx: Ctx, args: Args) -> str | None:
    if "-t" in args and "--tid" in args:
        raise UsageError("-t", "--tid")
    if "--tid" in args:
        return ctx.partition_id(args.require("--tid")).name
    if "-t" in args:
        return ctx.partition(args.require("-t")).name
    return None


def _proc(ctx: Ctx, args: Args, action: str) -> list[Operation]:
    p = ctx.target(args, name_flag="-p")
    if action == "s":
        values = _attrs(args, ("uncap_weight",))
        if "uncap_weight" not in values:
            raise UsageError("-a")
        return [SetUncapWeight(lpar=p.name,
                               uncap_weight=_int("uncap_weight", values["uncap_weight"], 0, 255))]
    procs = args.integer("--procs", low=1)
    proc_units = args.number("--procunits")
    if procs is None and proc_units is None:
        raise UsageError("--procs", "--procunits")
    target = _target(ctx, args)
    if (action == "m") != (target is not None):
        raise UsageError("-t")
    return [ChangeProcessors(lpar=p.name, action=ACTIONS[action],
                             proc_units=proc_units, procs=procs, target_lpar=target)]


def _mem(ctx: Ctx, args: Args, action: str) -> list[Operation]:
    if action == "s":  # the system's memory settings (sysconfig.py)
        return sysconfig.plan_sys_mem(ctx, args)
    p = ctx.target(args, name_flag="-p")
    mem = args.integer("-q", low=1)
    if mem is None:
        raise UsageError("-q")
    target = _target(ctx, args)
    if (action == "m") != (target is not None):
        raise UsageError("-t")
    return [ChangeMemory(lpar=p.name, action=ACTIONS[action], mem=mem,
                         target_lpar=target)]


def _procpool(ctx: Ctx, args: Args, action: str) -> list[Operation]:
    if "--poolname" in args and "--poolid" in args:
        raise UsageError("--poolname", "--poolid")
    pool_name = args.get("--poolname")
    if "--poolid" in args:
        pool = ctx.frame.pool(_int("--poolid", args.require("--poolid"), 0, 63))
        pool_name = pool.name if pool else None
    if "-p" in args or "--id" in args:  # move a partition into the pool
        p = ctx.target(args, name_flag="-p")
        if "-a" in args:
            values = _attrs(args, ("shared_proc_pool_name", "shared_proc_pool_id"))
            if "shared_proc_pool_id" in values:
                found = ctx.frame.pool(_int("shared_proc_pool_id",
                                            values["shared_proc_pool_id"], 0, 63))
                pool_name = found.name if found else None
            pool_name = values.get("shared_proc_pool_name", pool_name)
        if pool_name is None:
            raise UsageError("--poolname", "--poolid")
        return [MovePartitionPool(lpar=p.name, pool=pool_name)]
    if pool_name is None:
        raise UsageError("--poolname", "--poolid")
    values = _attrs(args, ("max_pool_proc_units", "reserved_pool_proc_units", "new_name"))
    max_units = None
    if "max_pool_proc_units" in values:
        text = values["max_pool_proc_units"]
        try:
            as_float = float(text)
        except ValueError:
            as_float = -1.0
        if as_float < 0 or as_float != int(as_float):
            raise HmcError("HSCL0A0F", field="max_pool_proc_units", value=text,
                           reason="it must be a whole number of processing units.")
        max_units = int(as_float)
    reserved = None
    if "reserved_pool_proc_units" in values:
        text = values["reserved_pool_proc_units"]
        try:
            reserved = float(text)
        except ValueError:
            reserved = -1.0
        if not 0 <= reserved < float("inf"):
            raise HmcError("HSCL0A0F", field="reserved_pool_proc_units", value=text,
                           reason="it must be a number of processing units.")
    return [ChangePool(pool=pool_name, max_proc_units=max_units, reserved_proc_units=reserved,
                       new_name=values.get("new_name") or None)]


def _adapter(ctx: Ctx, args: Args, subtype: str,
             slot: int) -> VirtualScsi | VirtualFc | VirtualEth:
    if subtype == "eth":
        values = _attrs(args, ("port_vlan_id", "ieee_virtual_eth", "addl_vlan_ids", "is_trunk",
                               "trunk_priority", "vswitch", "mac_addr", "is_required"))
        trunk = _bit("is_trunk", values.get("is_trunk", "0"))
        priority = _int("trunk_priority", values.get("trunk_priority", "1" if trunk else "0"),
                        0, 15)
        if trunk and priority == 0:
            raise HmcError("HSCL0A0F", field="trunk_priority", value="0",
                           reason="a trunk adapter has a priority from 1 to 15.")
        vlans = tuple(_int("addl_vlan_ids", v, 1, 4094)
                      for v in values.get("addl_vlan_ids", "").split(",") if v)
        return VirtualEth(
            slot=slot, pvid=_int("port_vlan_id", values.get("port_vlan_id", "1"), 1, 4094),
            vlans=vlans, ieee=_bit("ieee_virtual_eth", values.get("ieee_virtual_eth", "0")),
            trunk_priority=priority if trunk or "is_trunk" not in values else 0,
            vswitch=values.get("vswitch", "ETHERNET0") or "ETHERNET0",
            mac=values.get("mac_addr", "").upper(),
            required=_bit("is_required", values.get("is_required", "0")))
    allowed = ("adapter_type", "remote_lpar_id", "remote_lpar_name", "remote_slot_num",
               "is_required") + (("wwpns",) if subtype == "fc" else ())
    values = _attrs(args, allowed)
    side = values.get("adapter_type", "")
    if side not in ("client", "server"):
        raise HmcError("HSCL0A0F", field="adapter_type", value=side,
                       reason="it must be client or server.")
    rid: int | None = None
    if values.get("remote_lpar_id", "any") not in ("any", ""):
        rid = _int("remote_lpar_id", values["remote_lpar_id"], 1)
    elif values.get("remote_lpar_name"):
        rid = ctx.partition(values["remote_lpar_name"]).id
    rslot = None
    if values.get("remote_slot_num", "any") not in ("any", ""):
        rslot = _int("remote_slot_num", values["remote_slot_num"])
    required = _bit("is_required", values.get("is_required", "0"))
    if subtype == "scsi":
        return VirtualScsi(slot=slot, side=side, remote_lpar_id=rid, remote_slot=rslot,
                           required=required)
    wwpns = tuple(w.lower() for w in values.get("wwpns", "").split(",") if w)
    if wwpns and len(wwpns) != 2:
        raise HmcError("HSCL0A0F", field="wwpns", value=values["wwpns"],
                       reason="a client adapter has a pair of WWPNs.")
    return VirtualFc(slot=slot, side=side, remote_lpar_id=rid, remote_slot=rslot,
                     wwpns=wwpns or None, required=required)


def _virtualio(ctx: Ctx, args: Args, action: str) -> list[Operation]:
    subtype = args.require("--rsubtype")
    p = ctx.target(args, name_flag="-p")
    if action == "r":
        slot = args.integer("-s", low=0)
        if slot is None:
            raise UsageError("-s")
        return [RemoveVirtualAdapter(lpar=p.name, slot=slot)]
    if action != "a":
        raise CodedError("HSCLC001", what=f"chhwres -r virtualio -o {action}")
    slot = args.integer("-s", low=0)
    if slot is None:
        slot = next_free_slot(p)
    try:
        adapter = _adapter(ctx, args, subtype, slot)
    except ValueError as exc:  # pydantic: a value out of the model's range
        err = exc.errors()[0]  # type: ignore[attr-defined]
        raise HmcError("HSCL0A0F", field=str(err["loc"][0]), value=err.get("input"),
                       reason=err["msg"] + ".") from None
    return [AddVirtualAdapter(lpar=p.name, adapter=adapter)]


def plan(ctx: Ctx, args: Args) -> list[Operation]:
    resource = args.require("-r")
    ctx.system(args)
    action = args.require("-o")
    if resource == "proc":
        return _proc(ctx, args, action)
    if resource == "mem":
        return _mem(ctx, args, action)
    if resource == "procpool":
        return _procpool(ctx, args, action)
    if resource == "virtualio":
        return _virtualio(ctx, args, action)
    raise CodedError("HSCLC001", what=f"chhwres -r {resource}")


def run(ctx: Ctx, args: Args) -> str:
    for op in plan(ctx, args):
        ctx.execute(op)
    return ""
