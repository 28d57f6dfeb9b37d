"""lsviosimg: the VIOS installation images stored on the HMC's disk.

None are stored on this simulated HMC, so the listing is empty, which the HMC prints as
"No results were found." (exit status 0): Ansible's vios module greps it
(`lsviosimg | grep -w NAME || echo No results were found`). The attributes are those of the
HMC's ListVIOSImages job (name, size, files; IBM Power10 HMC REST API documentation).
"""

from __future__ import annotations

from hmc_tui.hmccli.context import Ctx
from hmc_tui.hmccli.format import render
from hmc_tui.hmccli.grammar import Flag, Grammar, Variant
from hmc_tui.hmccli.options import Args
from hmc_tui.hmccli.shared_flags import FIELDS, HEADER

ATTRS = ("name", "size", "files")

GRAMMAR = Grammar(
    "lsviosimg", "list the VIOS installation images stored on the console",
    "Lists the Virtual I/O Server installation images stored on the\n"
    "console (none are stored on this simulated console).",
    (
        Flag("-r", choices=("viosimg",), help="the resource type (viosimg, the default)"),
        FIELDS,
        HEADER,
    ),
    (Variant({}, attributes=ATTRS),),
    bare=True,
)


def run(ctx: Ctx, args: Args) -> str:
    return render([], args.get("-F"), "--header" in args, ATTRS)
