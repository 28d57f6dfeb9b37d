"""lslic and updlic: the managed system's firmware (licensed internal code) levels.

`lslic -m SYS` prints the system record with the attribute names of IBM's lslic man page
(activated_*, installed_*, accepted_*, ecnumber, the primary side's current, temporary and
permanent levels); the values come from the model's firmware stream (engine/ops/firmware.py).
`lslic -t sys -m SYS -r REPO -l update|upgrade` lists the levels a repository offers, in our
own layout (spname, level, ecnumber, concurrency, label). Other LIC types (power, sriov, io)
have nothing to list on a simulated server: "No results were found.".

`updlic -o a|u|c` runs the engine operation UpdateFirmware: roles, rules and the journal are
the engine's. The repository (-r and its -h/-u/-d/-k/--passwd) is accepted and not read: every
repository offers the model's stream.
"""

from __future__ import annotations

from engine.ops import Operation
from engine.ops.firmware import (
    LicOption,
    UpdateFirmware,
    current,
    ecnumber,
    levels,
    newer,
)
from hmc_tui.hmccli.context import Ctx
from hmc_tui.hmccli.errors import CodedError
from hmc_tui.hmccli.format import Record, render
from hmc_tui.hmccli.grammar import SWITCH, Flag, Grammar, Variant
from hmc_tui.hmccli.options import Args
from hmc_tui.hmccli.shared_flags import FIELDS, FILTER, HEADER, SYSTEM

LIC_TYPES = ("sys", "power", "syspower", "sriov", "io")
REPOSITORIES = ("ibmwebsite", "ftp", "sftp", "nfs", "disk", "dvd", "usb", "mountpoint")
SIDE_ATTRS = tuple(f"{kind}_{what}_primary" for kind in ("curr", "temp", "perm")
                   for what in ("level", "spname", "ecnumber"))
LSLIC_ATTRS = (
    "lic_type", "management_status", "disabled_reason", "activated_level", "activated_spname",
    "installed_level", "installed_spname", "accepted_level", "accepted_spname", "ecnumber",
    "mtms", "deferred_level", "deferred_spname", "platform_ipl_level", "platform_ipl_spname",
    "curr_power_on_side_primary", "pend_power_on_side_primary", *SIDE_ATTRS,
    "update_control_primary",
)
REPO_ATTRS = ("spname", "level", "ecnumber", "concurrency", "label")

LSLIC = Grammar(
    "lslic", "list the managed system's firmware levels",
    "Lists licensed internal code (LIC) levels of a managed system, or\n"
    "the levels a repository offers for it.",
    (
        Flag("-t", choices=LIC_TYPES, help="the LIC type (default sys)"),
        SYSTEM,
        Flag("-r", choices=REPOSITORIES, help="the repository whose levels are listed"),
        Flag("-l", choices=("update", "upgrade", "latest"),
             help="with -r: update (levels of the activated\nrelease) or upgrade (newer "
                  "releases)"),
        Flag("-h", metavar="<host>", names="text"), Flag("-u", metavar="<user>", names="text"),
        Flag("--passwd", metavar="<password>", names="text"),
        Flag("-k", metavar="<key file>", names="text"),
        Flag("-d", metavar="<directory>", names="text"),
        FILTER, FIELDS, HEADER,
    ),
    (
        Variant({}, attributes=LSLIC_ATTRS, filters=()),
        Variant({"-t": "sys"}, attributes=LSLIC_ATTRS),
        Variant({"-l": "update"}, required=("-r",), attributes=REPO_ATTRS),
        Variant({"-l": "upgrade"}, required=("-r",), attributes=REPO_ATTRS),
        Variant({"-l": "latest"}, required=("-r",), attributes=REPO_ATTRS),
    ),
)

UPDLIC = Grammar(
    "updlic", "update the managed system's firmware",
    "Updates the licensed internal code (LIC) of a managed system:\n"
    "retrieve, install and activate a level (a), upgrade to a newer\n"
    "release (u, disruptive), or accept the activated level (c).",
    (
        SYSTEM,
        Flag("-o", choices=("a", "u", "c"), required=True,
             help="a (retrieve, install and activate),\nu (upgrade), c (accept)"),
        Flag("-t", choices=("sys", "power", "syspower", "sriov", "io"),
             help="the LIC type: sys"),
        Flag("-l", metavar="<level>", names="text",
             help="latest, latestconcurrent, a level (sss)\nor release_level (01MH1060_052)"),
        Flag("-r", choices=REPOSITORIES, help="the repository"),
        Flag("-h", metavar="<host>", names="text"), Flag("-u", metavar="<user>", names="text"),
        Flag("--passwd", metavar="<password>", names="text"),
        Flag("-k", metavar="<key file>", names="text"),
        Flag("-d", metavar="<directory>", names="text"),
        Flag("-q", SWITCH), Flag("-v", SWITCH), Flag("--allowpolling", SWITCH),
    ),
    (
        Variant({"-o": "a"}, required=("-t", "-r")),
        Variant({"-o": "u"}, required=("-t", "-r")),
        Variant({"-o": "c"}, flags=("-m", "-o", "-t", "-q", "-v")),
    ),
)

def lic_record(ctx: Ctx) -> Record:
    frame = ctx.frame
    now = current(frame)
    level, spname = str(now.number), now.release
    ec = ecnumber(frame.system.mtm, spname)
    values: dict[str, str] = {
        "lic_type": "Managed System", "management_status": "Enabled", "disabled_reason": "",
        "activated_level": level, "activated_spname": spname, "installed_level": level,
        "installed_spname": spname, "accepted_level": level, "accepted_spname": spname,
        "ecnumber": ec, "mtms": frame.mtms, "deferred_level": "None",
        "deferred_spname": spname, "platform_ipl_level": level, "platform_ipl_spname": spname,
        "curr_power_on_side_primary": "temp", "pend_power_on_side_primary": "temp",
        "update_control_primary": "HMC",
    }
    for side in ("curr", "temp", "perm"):
        values.update({f"{side}_level_primary": level, f"{side}_spname_primary": spname,
                       f"{side}_ecnumber_primary": ec})
    return {k: values[k] for k in LSLIC_ATTRS}


def _offered(ctx: Ctx, which: str) -> list[Record]:
    frame = ctx.frame
    now = current(frame)
    mtm = frame.system.mtm
    if which == "upgrade":
        pool = [lv for lv in levels(mtm) if newer(lv.release, now.release)]
    else:
        pool = [lv for lv in levels(mtm) if lv.release == now.release and lv.number > now.number]
    if which == "latest":
        pool = pool[-1:]
    return [{"spname": lv.release, "level": str(lv.number),
             "ecnumber": ecnumber(mtm, lv.release),
             "concurrency": "disruptive" if lv.disruptive or which == "upgrade"
             else "concurrent", "label": lv.label} for lv in pool]


def run_lslic(ctx: Ctx, args: Args) -> str:
    ctx.system(args)
    fields, header = args.get("-F"), "--header" in args
    known = args.spec.attributes if args.spec is not None else LSLIC_ATTRS
    if args.get("-t", "sys") != "sys":
        return render([], fields, header, known)
    which = args.get("-l")
    if which is not None:
        return render(_offered(ctx, which), fields, header, known)
    return render([lic_record(ctx)], fields, header, known)


_OPTIONS: dict[str, LicOption] = {"a": "a", "u": "u", "c": "c"}


def plan_updlic(ctx: Ctx, args: Args) -> list[Operation]:
    ctx.system(args)
    kind = args.get("-t", "sys")
    if kind != "sys":  # only the system firmware is modelled
        raise CodedError("HSCLC001", what=f"updlic -t {kind}")
    option = _OPTIONS[args.require("-o")]
    return [UpdateFirmware(option=option, level=args.get("-l") or "latest")]


def run_updlic(ctx: Ctx, args: Args) -> str:
    for op in plan_updlic(ctx, args):
        ctx.execute(op)
    return ""
