"""lsrefcode, lshmc -V and lssysconn: reference codes, the console's level, connections.

lshmc -V prints the real multi-line quoted value (public HMC V10R3 M1060 transcript), and
lssysconn the real record of docs/hmc-commands.md.
"""

from __future__ import annotations

from dataclasses import replace

from engine.model import Partition
from hmc_tui.hmccli.context import Ctx, hmc_time
from hmc_tui.hmccli.errors import UsageError
from hmc_tui.hmccli.filters import parse_filter
from hmc_tui.hmccli.format import Record, render
from hmc_tui.hmccli.grammar import SWITCH, Flag, Grammar, Variant
from hmc_tui.hmccli.options import Args
from hmc_tui.hmccli.shared_flags import FIELDS, FILTER, HEADER, SYSTEM

WORDS = tuple(f"word{i}" for i in range(2, 10))
LPAR_REFCODE = ("lpar_name", "lpar_id", "time_stamp", "refcode", *WORDS,
                "fru_call_out_loc_codes")
SYS_REFCODE = ("time_stamp", "refcode", *WORDS, "fru_call_out_loc_codes")
SYSCONN = ("resource_type", "type_model_serial_num", "sp", "sp_phys_loc", "ipaddr",
           "alt_ipaddr", "state")
# What the system's operator panel shows while it is not simply up.
SYSTEM_REFCODES = {"Initializing": "C1001F00", "Power Off In Progress": "D1001F00"}

LSREFCODE = Grammar(
    "lsrefcode", "list reference codes of partitions and the managed system",
    "Lists reference codes for partitions or the managed system.",
    (
        Flag("-r", choices=("lpar", "sys"), required=True, help="lpar or sys"),
        SYSTEM,
        Flag("-n", metavar="<number of reference codes>", names="number",
             help="how many codes to list per partition"),
        replace(FILTER, help="lpar_names, lpar_ids"),
        FIELDS, HEADER,
    ),
    (
        Variant({"-r": "lpar"}, attributes=LPAR_REFCODE, filters=("lpar_names", "lpar_ids")),
        Variant({"-r": "sys"}, flags=("-r", "-m", "-n", "-F", "--header"),
                attributes=SYS_REFCODE),
    ),
)
# lshmc's other listings (-v VPD, -n network, -r remote access, -b BIOS, -l locale) are
# accepted words that this console does not list: a usage error naming them.
LSHMC = Grammar(
    "lshmc", "list the management console's version",
    "Lists the management console's version information.",
    (
        Flag("-V", SWITCH, help="version and release"),
        *(Flag(name, SWITCH) for name in ("-v", "-n", "-r", "-b", "-l")),
        FIELDS, HEADER,
    ),
    (Variant({"-V": ""}, flags=("-V", "-F", "--header"),
             attributes=("version", "base_version")),),
)
LSSYSCONN = Grammar(
    "lssysconn", "list the management console's system connections",
    "Lists the system connections of the management console.",
    (
        Flag("-r", choices=("all", "sys"), required=True, help="all or sys"),
        replace(FILTER, help="type_model_serial_num, ipaddrs"), FIELDS, HEADER,
    ),
    (Variant({}, attributes=SYSCONN, filters=("type_model_serial_num", "ipaddrs")),),
)

HMC_VERSION = (
    "version= Version: 10\n Release: 3\n Service Pack: 1060\nHMC Build level 2408210051\n"
    "MF71689 - HMC V10R3 M1060\n"
)
HMC_BASE = "base_version=V10R3\n"


def _words(refcode: str) -> dict[str, str]:
    return dict(zip(WORDS, ("03D00000" if refcode else "",) + ("00000000" if refcode else "",)
                    * 7, strict=True))


def _stamp(ctx: Ctx, target: str) -> str:
    """When the code was posted: the last journal event of the target, else now."""
    for event in reversed(ctx.snap.events):
        if event.target == target and event.ok:
            return hmc_time(ctx.wall(event.time))
    return ctx.now()


def lpar_refcode(ctx: Ctx, p: Partition) -> Record:
    return {"lpar_name": p.name, "lpar_id": str(p.id), "time_stamp": _stamp(ctx, p.name),
            "refcode": p.refcode, **_words(p.refcode), "fru_call_out_loc_codes": ""}


def lpar_refcodes(ctx: Ctx, p: Partition, count: int) -> list[Record]:
    """The partition's last `count` reference codes, newest first, each with the time it was
    posted (the engine's history, engine.lifecycle); the current code alone without one."""
    history = p.refcode_history[-count:][::-1]
    if not history or history[0].refcode != p.refcode:
        return [lpar_refcode(ctx, p)]
    return [{"lpar_name": p.name, "lpar_id": str(p.id),
             "time_stamp": hmc_time(ctx.wall(entry.time)), "refcode": entry.refcode,
             **_words(entry.refcode), "fru_call_out_loc_codes": ""} for entry in history]


def run_lsrefcode(ctx: Ctx, args: Args) -> str:
    resource = args.require("-r")
    ctx.system(args)
    count = args.integer("-n", low=1) or 1  # codes per partition (REFCODE_HISTORY kept)
    fields, header = args.get("-F"), "--header" in args
    if resource == "sys":
        code = SYSTEM_REFCODES.get(ctx.frame.system.state, "")
        record: Record = {"time_stamp": _stamp(ctx, "system"), "refcode": code, **_words(code),
                          "fru_call_out_loc_codes": ""}
        return render([record], fields, header, SYS_REFCODE)
    f = parse_filter(args.get("--filter"), args.filters,
                     known_lpars=[p.name for p in ctx.frame.partitions])
    records = [r for p in sorted(ctx.frame.partitions, key=lambda p: p.id) if f.lpar(p)
               for r in lpar_refcodes(ctx, p, count)]
    return render(records, fields, header, LPAR_REFCODE)


def run_lshmc(ctx: Ctx, args: Args) -> str:
    if "-V" not in args:
        given = [f for f in args.values if f not in ("-F", "--header")]
        raise UsageError(*(given or ["-V"]))
    record: Record = {"version": HMC_VERSION, "base_version": HMC_BASE.split("=", 1)[1]}
    if args.get("-F") is None:
        # The real output: two quoted pairs whose values end with a line break.
        return '"' + HMC_VERSION + '","' + HMC_BASE + '"'
    return render([record], args.get("-F"), "--header" in args, record.keys())


def run_lssysconn(ctx: Ctx, args: Args) -> str:
    f = parse_filter(args.get("--filter"), args.filters)
    s = ctx.frame.system
    record: Record = {
        "resource_type": "sys", "type_model_serial_num": ctx.frame.mtms, "sp": "primary",
        "sp_phys_loc": "unavailable", "ipaddr": s.ipaddr, "alt_ipaddr": "unavailable",
        "state": "Connected",
    }
    keep = f.allows("type_model_serial_num", ctx.frame.mtms) and f.allows("ipaddrs", s.ipaddr)
    return render([record] if keep else [], args.get("-F"), "--header" in args, SYSCONN)

