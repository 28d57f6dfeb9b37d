"""lsled -r sa: the system attention LEDs of the managed system and its partitions.

`-t phys` is the physical attention LED of the system, `-t virtualsys` its virtual one and
`-t virtuallpar` one per partition (IBM's lsled man page; the records Nagios' check_hmc.sh
reads: `state=...` and `lpar_id=N,lpar_name=NAME,state=...`). An attention LED is lit by a
serviceable event: the system's while any is open (the events of injected faults,
engine/ops/faults.py), a partition's while one naming it (a crash) is open.
"""

from __future__ import annotations

from dataclasses import replace

from hmc_tui.hmccli.context import Ctx
from hmc_tui.hmccli.filters import parse_filter
from hmc_tui.hmccli.format import Record, render
from hmc_tui.hmccli.grammar import Flag, Grammar, Variant
from hmc_tui.hmccli.options import Args
from hmc_tui.hmccli.shared_flags import FIELDS, FILTER, HEADER, SYSTEM

LPAR_ATTRS = ("lpar_id", "lpar_name", "state")

GRAMMAR = Grammar(
    "lsled", "list the system attention LEDs",
    "Lists the physical or virtual system attention LED of the managed\n"
    "system, or the attention LEDs of its partitions.",
    (
        Flag("-r", choices=("sa",), required=True, help="sa (system attention)"),
        Flag("-t", choices=("phys", "virtualsys", "virtuallpar"), required=True,
             help="phys, virtualsys or virtuallpar"),
        SYSTEM,
        replace(FILTER, help="lpar_names, lpar_ids (-t virtuallpar)"),
        FIELDS, HEADER,
    ),
    (
        Variant({}, flags=("-r", "-t", "-m", "-F", "--header"), attributes=("state",)),
        Variant({"-t": "virtuallpar"}, flags=("-r", "-t", "-m", "--filter", "-F", "--header"),
                attributes=LPAR_ATTRS, filters=("lpar_names", "lpar_ids")),
    ),
)


def run(ctx: Ctx, args: Args) -> str:
    ctx.system(args)
    fields, header = args.get("-F"), "--header" in args
    open_events = [e for e in ctx.frame.svc_events if e.status == "Open"]
    if args.require("-t") != "virtuallpar":
        return render([{"state": "on" if open_events else "off"}], fields, header, ("state",))
    lit = {e.fru for e in open_events}
    f = parse_filter(args.get("--filter"), args.filters,
                     known_lpars=[p.name for p in ctx.frame.partitions])
    records: list[Record] = [{"lpar_id": str(p.id), "lpar_name": p.name,
                              "state": "on" if p.name in lit else "off"}
                             for p in sorted(ctx.frame.partitions, key=lambda p: p.id)
                             if f.lpar(p)]
    return render(records, fields, header, LPAR_ATTRS)
