"""chsyscfg -r sys, chsyscfg -r lpar -o apply, and chhwres -r mem -o s at system level.

    chsyscfg -r sys -m SYS -i "new_name=N,power_off_policy=0|1,
                               power_on_lpar_start_policy=autostart|userinit|autorecovery"
    chsyscfg -r lpar -m SYS -o apply -p LPAR|--id N [-n PROFILE]
    chhwres -r mem -m SYS -o s -a "requested_num_sys_huge_pages=N,
                                   mem_mirroring_mode=none|sys_firmware_only,
                                   pend_mem_region_size=auto|16|32|64|128|256"

The values and their pending semantics are IBM's (chsyscfg and chhwres man pages); each
change is one engine operation (engine/ops/system.py).
"""

from __future__ import annotations

from engine.errors import HmcError
from engine.ops import ApplyProfile, ChangeSystem, ChangeSystemMemory, Operation
from hmc_tui.hmccli.context import Ctx
from hmc_tui.hmccli.errors import InvalidAttribute, UsageError
from hmc_tui.hmccli.options import Args
from hmc_tui.hmccli.tokens import parse_attrs

START_POLICIES = ("autostart", "userinit", "autorecovery")
MIRRORING = ("none", "sys_firmware_only")
REGION_SIZES = ("auto", "16", "32", "64", "128", "256")
SYS_ATTRS = ("new_name", "power_off_policy", "power_on_lpar_start_policy")
MEM_ATTRS = ("requested_num_sys_huge_pages", "mem_mirroring_mode", "pend_mem_region_size")


def _values(attrs: list[tuple[str, str, str]], allowed: tuple[str, ...]) -> dict[str, str]:
    """name -> value; `+=`/`-=` or an attribute the resource does not have is refused."""
    values: dict[str, str] = {}
    for attr, op, value in attrs:
        if attr not in allowed or op != "=":
            raise InvalidAttribute(attr if op == "=" else f"{attr}{op[:-1]}")
        values[attr] = value
    return values


def _choice(attr: str, value: str, choices: tuple[str, ...]) -> str:
    if value not in choices:
        raise HmcError("HSCL0E01", field=attr, value=value,
                       reason=f"it must be one of {', '.join(choices)}.")
    return value


def plan_sys(records: list[list[tuple[str, str, str]]]) -> list[Operation]:
    """chsyscfg -r sys: one ChangeSystem per record (the -f file may hold one)."""
    ops: list[Operation] = []
    for attrs in records:
        values = _values(attrs, SYS_ATTRS)
        if not values:
            raise UsageError("-i")
        policy = values.get("power_off_policy")
        start = values.get("power_on_lpar_start_policy")
        ops.append(ChangeSystem(
            new_name=values.get("new_name"),
            power_off_policy=None if policy is None else int(
                _choice("power_off_policy", policy, ("0", "1"))),
            power_on_lpar_start_policy=None if start is None else _choice(
                "power_on_lpar_start_policy", start, START_POLICIES)))
    return ops


def plan_apply(ctx: Ctx, args: Args) -> list[Operation]:
    """chsyscfg -r lpar -o apply -p LPAR|--id N [-n PROFILE]: without -n the partition's
    current profile (the last activated or applied), else its default profile."""
    p = ctx.target(args, name_flag="-p")
    prof = ctx.profile(p, args.get("-n") or p.curr_profile or p.default_profile)
    return [ApplyProfile(lpar=p.name, profile=prof.name)]


def plan_sys_mem(ctx: Ctx, args: Args) -> list[Operation]:
    """chhwres -r mem -o s -a "..." without a partition: the system's memory settings."""
    values = _values(parse_attrs(args.require("-a")), MEM_ATTRS)
    if not values:
        raise UsageError("-a")
    pages: int | None = None
    if "requested_num_sys_huge_pages" in values:
        text = values["requested_num_sys_huge_pages"]
        if not text.isdigit():
            raise HmcError("HSCL0E01", field="requested_num_sys_huge_pages", value=text,
                           reason="it must be a whole number of huge pages.")
        pages = int(text)
    mirroring = values.get("mem_mirroring_mode")
    region = values.get("pend_mem_region_size")
    return [ChangeSystemMemory(
        requested_num_sys_huge_pages=pages,
        mem_mirroring_mode=None if mirroring is None else _choice(
            "mem_mirroring_mode", mirroring, MIRRORING),
        pend_mem_region_size=None if region is None else _region(region))]


def _region(text: str) -> int | str:
    value = _choice("pend_mem_region_size", text, REGION_SIZES)
    return value if value == "auto" else int(value)
