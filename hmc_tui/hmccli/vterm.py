"""mkvterm, rmvterm and vtmenu: a partition's virtual terminal from the command line.

The command line only checks the request here (the grammar, `-m`, the partition); opening
the terminal needs the user's terminal, which only an interactive front end has (the HMC
prompt over `ssh -t`, hmc_tui/rbash/vterm.py). So mkvterm and vtmenu end in `OpenTerminal`:
`run_command` turns it into a result carrying a `TerminalRequest` for the front ends that can
open it, and the HSCL1020 refusal for every other one (`hmc-tui cmd`, `ssh host mkvterm`
without a terminal). Who may open a terminal, and that one partition has one session at a
time, is the engine's rule (Engine.open_terminal). rmvterm closes the open session of a
partition through the console (Console.close_terminal), wherever it was opened.
"""

from __future__ import annotations

from dataclasses import replace

from engine.errors import HmcError
from hmc_tui.hmccli.context import Ctx
from hmc_tui.hmccli.errors import CliError
from hmc_tui.hmccli.grammar import Flag, Grammar
from hmc_tui.hmccli.options import Args
from hmc_tui.hmccli.result import TerminalRequest
from hmc_tui.hmccli.shared_flags import LPAR_ID, SYSTEM

_TARGET = (
    SYSTEM,
    Flag("-p", metavar="<partition name>", names="lpar", alt="lpar", required=True,
         help="the name of the partition"),
    replace(LPAR_ID, help="the ID of the partition"),
)

MKVTERM = Grammar(
    "mkvterm", "open a partition's virtual terminal",
    "Opens a virtual terminal session for a partition. Type ~. at the start\n"
    "of a line to close the session. Only one session can be open for a\n"
    "partition at a time.",
    _TARGET,
)

RMVTERM = Grammar(
    "rmvterm", "close a partition's virtual terminal",
    "Forces the virtual terminal session of a partition to close, wherever it\n"
    "was opened.",
    _TARGET,
)

VTMENU = Grammar(
    "vtmenu", "choose a partition and open its virtual terminal",
    "Lists the partitions of the managed system, and opens the virtual\n"
    "terminal of the one chosen by its number.",
    (replace(SYSTEM, required=False),),
    bare=True,
)


CLOSE_SENT = "Close command sent"


class OpenTerminal(CliError):
    """The command needs the user's terminal: the request, and the refusal to print where
    there is none."""

    def __init__(self, request: TerminalRequest) -> None:
        super().__init__(str(HmcError("HSCL1020", command=request.command)))
        self.request = request


def run_mkvterm(ctx: Ctx, args: Args) -> str:
    ctx.system(args)
    p = ctx.target(args, name_flag="-p")
    raise OpenTerminal(TerminalRequest("mkvterm", p.id, p.name, ctx.on_system))


def run_rmvterm(ctx: Ctx, args: Args) -> str:
    ctx.system(args)
    p = ctx.target(args, name_flag="-p")
    ctx.console.close_terminal(p.id, ctx.on_system)  # nothing open: nothing to close
    # What a V10R3 HMC prints, status 0 (randomparity/hmc-mcp docs/adr/0072, a recorded
    # prototype run); it says the request went out, whether a session was open or not.
    return CLOSE_SENT


def run_vtmenu(ctx: Ctx, args: Args) -> str:
    ctx.system(args, required=False)
    if not ctx.frame.partitions:
        raise HmcError("HSCL1021", name=ctx.frame.system.name)
    raise OpenTerminal(TerminalRequest("vtmenu", system=ctx.on_system))
