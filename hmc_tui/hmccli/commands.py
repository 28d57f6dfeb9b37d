"""The command table: each HMC command's grammar, handler and (for changing ones) planner.

A command's grammar (`grammar.Grammar`) is declared once, next to its handler; parsing,
validation, the usage text and completion all come from it. A planner turns parsed flags
into engine operations without running them; the tests use it to check that every engine
operation's `command()` string parses back to the same operation.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from engine.ops import Operation
from hmc_tui.hmccli import (
    authkeys,
    chhwres,
    chsysstate,
    hmcinfo,
    hwfault,
    lic,
    lshwres,
    lsled,
    lslparutil,
    lssyscfg,
    migration,
    monhmc,
    netboot,
    pwdpolicy,
    svcevents,
    syscfg,
    usercmds,
    vios,
    viosimg,
    vterm,
)
from hmc_tui.hmccli.context import Ctx
from hmc_tui.hmccli.grammar import Grammar
from hmc_tui.hmccli.options import Args

Handler = Callable[[Ctx, Args], str]
Planner = Callable[[Ctx, Args], list[Operation]]


@dataclass(frozen=True)
class Command:
    grammar: Grammar
    run: Handler
    plan: Planner | None = None

    @property
    def name(self) -> str:
        return self.grammar.name

    def parse(self, words: list[str]) -> Args:
        return self.grammar.parse(words)


def _user_command(ctx: Ctx, args: Args) -> str:
    return usercmds.run(args, ctx.console.actor, ctx.user_store())


COMMANDS: dict[str, Command] = {c.name: c for c in (
    Command(lssyscfg.GRAMMAR, lssyscfg.run),
    Command(chsysstate.GRAMMAR, chsysstate.run, chsysstate.plan),
    Command(syscfg.MKSYSCFG, syscfg.run_mk, syscfg.plan_mk),
    Command(syscfg.CHSYSCFG, syscfg.run_ch, syscfg.plan_ch),
    Command(syscfg.RMSYSCFG, syscfg.run_rm, syscfg.plan_rm),
    Command(lshwres.GRAMMAR, lshwres.run),
    Command(chhwres.GRAMMAR, chhwres.run, chhwres.plan),
    Command(lslparutil.GRAMMAR, lslparutil.run),
    Command(lslparutil.CHLPARUTIL, lslparutil.run_ch, lslparutil.plan_ch),
    Command(hmcinfo.LSREFCODE, hmcinfo.run_lsrefcode),
    Command(hmcinfo.LSHMC, hmcinfo.run_lshmc),
    Command(hmcinfo.LSSYSCONN, hmcinfo.run_lssysconn),
    Command(svcevents.GRAMMAR, svcevents.run),
    Command(svcevents.CHSVCEVENT, svcevents.run_ch, svcevents.plan_ch),
    Command(svcevents.CHSACFG, svcevents.run_sacfg, svcevents.plan_sacfg),
    Command(hwfault.CHHWFAULT, hwfault.run, hwfault.plan),  # hmc-tui's own, not the HMC's
    Command(hwfault.LSHWFAULT, hwfault.run_ls),
    Command(vios.GRAMMAR, vios.run, vios.plan),
    Command(viosimg.GRAMMAR, viosimg.run),
    Command(netboot.GRAMMAR, netboot.run, netboot.plan),
    Command(lic.LSLIC, lic.run_lslic),
    Command(lic.UPDLIC, lic.run_updlic, lic.plan_updlic),
    Command(pwdpolicy.LSPWDPOLICY, pwdpolicy.run_ls),
    Command(pwdpolicy.MKPWDPOLICY, pwdpolicy.run_mk),
    Command(pwdpolicy.CHPWDPOLICY, pwdpolicy.run_ch),
    Command(pwdpolicy.RMPWDPOLICY, pwdpolicy.run_rm),
    Command(authkeys.MKAUTHKEYS, authkeys.run_mkauthkeys),
    Command(authkeys.LSHMCLDAP, authkeys.run_lshmcldap),
    Command(monhmc.GRAMMAR, monhmc.run),
    Command(lsled.GRAMMAR, lsled.run),
    Command(migration.MIGRLPAR, migration.run_migrlpar, migration.plan_migrlpar),
    Command(migration.LSLPARMIGR, migration.run_lslparmigr),
    *(Command(g, _user_command) for g in usercmds.GRAMMARS),
    Command(vterm.MKVTERM, vterm.run_mkvterm),
    Command(vterm.RMVTERM, vterm.run_rmvterm),
    Command(vterm.VTMENU, vterm.run_vtmenu),
)}
