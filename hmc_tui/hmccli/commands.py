"""The command table: each HMC command's flags, handler and (for changing ones) planner.

A planner turns parsed flags into engine operations without running them; the tests use it
to check that every engine operation's `command()` string parses back to the same operation.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from engine.ops import Operation
from hmc_tui.hmccli import (
    chhwres,
    chsysstate,
    hmcinfo,
    lshwres,
    lslparutil,
    lssyscfg,
    syscfg,
    vios,
)
from hmc_tui.hmccli.context import Ctx
from hmc_tui.hmccli.options import Args

Handler = Callable[[Ctx, Args], str]
Planner = Callable[[Ctx, Args], list[Operation]]


@dataclass(frozen=True)
class Command:
    name: str
    flags: Mapping[str, int]
    run: Handler
    plan: Planner | None = None


COMMANDS: dict[str, Command] = {c.name: c for c in (
    Command("lssyscfg", lssyscfg.FLAGS, lssyscfg.run),
    Command("chsysstate", chsysstate.FLAGS, chsysstate.run, chsysstate.plan),
    Command("mksyscfg", syscfg.MK_FLAGS, syscfg.run_mk, syscfg.plan_mk),
    Command("chsyscfg", syscfg.CH_FLAGS, syscfg.run_ch, syscfg.plan_ch),
    Command("rmsyscfg", syscfg.RM_FLAGS, syscfg.run_rm, syscfg.plan_rm),
    Command("lshwres", lshwres.FLAGS, lshwres.run),
    Command("chhwres", chhwres.FLAGS, chhwres.run, chhwres.plan),
    Command("lslparutil", lslparutil.FLAGS, lslparutil.run),
    Command("lsrefcode", hmcinfo.REFCODE_FLAGS, hmcinfo.run_lsrefcode),
    Command("lshmc", hmcinfo.LSHMC_FLAGS, hmcinfo.run_lshmc),
    Command("lssysconn", hmcinfo.SYSCONN_FLAGS, hmcinfo.run_lssysconn),
    Command("viosvrcmd", vios.FLAGS, vios.run, vios.plan),
)}
