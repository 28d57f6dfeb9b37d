"""lsrefcode, lshmc -V and lssysconn: reference codes, the console's level, connections.

lshmc -V prints the real multi-line quoted value (public HMC V10R3 M1060 transcript), and
lssysconn the real record of docs/hmc-commands.md section 1.
"""

from __future__ import annotations

from engine.model import Partition
from hmc_tui.hmccli.context import Ctx, hmc_time
from hmc_tui.hmccli.errors import UsageError
from hmc_tui.hmccli.filters import parse_filter
from hmc_tui.hmccli.format import Record, render
from hmc_tui.hmccli.options import OPTIONAL, SWITCH, VALUE, Args

REFCODE_FLAGS = {"-r": VALUE, "-m": VALUE, "--filter": VALUE, "-n": VALUE, "-F": OPTIONAL,
                 "--header": SWITCH}
LSHMC_FLAGS = {"-V": SWITCH, "-v": SWITCH, "-n": SWITCH, "-r": SWITCH, "-b": SWITCH,
               "-l": SWITCH, "-F": OPTIONAL, "--header": SWITCH}
SYSCONN_FLAGS = {"-r": VALUE, "--filter": VALUE, "-F": OPTIONAL, "--header": SWITCH}

WORDS = tuple(f"word{i}" for i in range(2, 10))
LPAR_REFCODE = ("lpar_name", "lpar_id", "time_stamp", "refcode", *WORDS,
                "fru_call_out_loc_codes")
SYS_REFCODE = ("time_stamp", "refcode", *WORDS, "fru_call_out_loc_codes")
SYSCONN = ("resource_type", "type_model_serial_num", "sp", "sp_phys_loc", "ipaddr",
           "alt_ipaddr", "state")
# What the system's operator panel shows while it is not simply up.
SYSTEM_REFCODES = {"Initializing": "C1001F00", "Power Off In Progress": "D1001F00"}

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


def run_lsrefcode(ctx: Ctx, args: Args) -> str:
    resource = args.one_of("-r", ("lpar", "sys"))
    ctx.system(args)
    args.integer("-n", low=1)  # history depth: the engine keeps only the current code
    fields, header = args.get("-F"), "--header" in args
    if resource == "sys":
        if "--filter" in args:
            raise UsageError("--filter")
        code = SYSTEM_REFCODES.get(ctx.frame.system.state, "")
        record: Record = {"time_stamp": _stamp(ctx, "system"), "refcode": code, **_words(code),
                          "fru_call_out_loc_codes": ""}
        return render([record], fields, header, SYS_REFCODE)
    f = parse_filter(args.get("--filter"), ("lpar_names", "lpar_ids"),
                     known_lpars=[p.name for p in ctx.frame.partitions])
    records = [lpar_refcode(ctx, p) for p in sorted(ctx.frame.partitions, key=lambda p: p.id)
               if f.lpar(p)]
    return render(records, fields, header, LPAR_REFCODE)


def run_lshmc(ctx: Ctx, args: Args) -> str:
    if "-V" not in args:
        given = [f for f in args.values if f not in ("-F", "--header")]
        raise UsageError(*(given or ["-V"]))
    args.only(("-V", "-F", "--header"))
    record: Record = {"version": HMC_VERSION, "base_version": HMC_BASE.split("=", 1)[1]}
    if args.get("-F") is None:
        # The real output: two quoted pairs whose values end with a line break.
        return '"' + HMC_VERSION + '","' + HMC_BASE + '"'
    return render([record], args.get("-F"), "--header" in args, record.keys())


def run_lssysconn(ctx: Ctx, args: Args) -> str:
    args.one_of("-r", ("all", "sys"))
    f = parse_filter(args.get("--filter"), ("type_model_serial_num", "ipaddrs"))
    s = ctx.frame.system
    record: Record = {
        "resource_type": "sys", "type_model_serial_num": ctx.frame.mtms, "sp": "primary",
        "sp_phys_loc": "unavailable", "ipaddr": s.ipaddr, "alt_ipaddr": "unavailable",
        "state": "Connected",
    }
    keep = f.allows("type_model_serial_num", ctx.frame.mtms) and f.allows("ipaddrs", s.ipaddr)
    return render([record] if keep else [], args.get("-F"), "--header" in args, SYSCONN)

