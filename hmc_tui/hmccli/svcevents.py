"""lssvcevents -t console: the console's events, from the engine's event journal.

Every operation (accepted or refused) and every notable state change is a journal event
(engine time, user, role, operation, target, result code, the equivalent command). A real
HMC lists its console events as `time=MM/DD/YYYY HH:MM:SS,text=...` records, and so does
this one; `text` is our own sentence (docs/hmc-commands.md), and the journal's fields are
attributes of their own for -F (`user_name`, `task_role`, `operation`, `target`, `result`
- 0 or the HSCL code of a refusal -, `command`).
Times are the engine clock on the system's calendar, as the status line shows them.
Hardware serviceable events (`-t hardware`) are the ones injected faults opened
(engine/ops/faults.py, `frame.svc_events`), newest first, in the record layout of a real
capture (HMC V8R8.7, ziutus/hmc_vios_aix lssvcevents_hardware.txt; IBM technote N1014321):
`problem_num=45,pmh_num=,refcode=B3020001,status=Open,first_time=...`. With none the HMC
prints "No results were found." (exit status 0; Nagios' check_hmc.sh matches
`^No results were found.$`). Its filters are those of IBM's man page; `status` matches
open/closed whatever the case.

    -d DAYS     events since the start of the day DAYS days ago (0: today)
    -i MINUTES  events of the last MINUTES minutes
    (neither)   the last 7 days, as on the HMC
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

from engine.errors import HmcError
from engine.journal import Event
from engine.model import ServiceEvent
from engine.ops import CloseServiceEvent, Operation, SetCallHome
from hmc_tui.hmccli.context import Ctx, hmc_time
from hmc_tui.hmccli.filters import parse_filter
from hmc_tui.hmccli.format import Record, render
from hmc_tui.hmccli.grammar import Flag, Grammar, Variant
from hmc_tui.hmccli.hmcinfo import HMC_HOSTNAME
from hmc_tui.hmccli.options import Args
from hmc_tui.hmccli.shared_flags import FIELDS, FILTER, HEADER, SYSTEM

HARDWARE_ATTRS = (
    "problem_num", "pmh_num", "refcode", "status", "first_time", "last_time", "sys_name",
    "sys_mtms", "enclosure_mtms", "firmware_fix", "text", "created_time", "reporting_name",
    "reporting_mtms", "failing_mtms", "analyzing_hmc", "event_time", "files",
    "approval_state", "callhome_intended", "duplicate_count", "event_severity",
    "analyzing_mtms", "ref_code_extn", "sys_refcode", "fru_details", "callhome_status",
)
HARDWARE_FILTERS = ("problem_nums", "status", "approval_state", "callhome_intended",
                    "refcodes", "callhome_status")
CONSOLE_ATTRS = ("time", "text", "user_name", "task_role", "operation", "target", "result",
                 "command")
DEFAULT_DAYS = 7

GRAMMAR = Grammar(
    "lssvcevents", "list console events (who did what, and when)",
    "Lists console events (operations and state changes, oldest first) or\n"
    "hardware serviceable events.",
    (
        Flag("-t", choices=("console", "hardware"), required=True,
             help="console, or hardware (serviceable events\n"
                  "of the faults injected with chhwfault)"),
        replace(SYSTEM, required=False, help="the managed system (-t hardware)"),
        Flag("-d", metavar="<number of days>", names="number", alt="window",
             help="events since the start of the day this\nmany days ago (0: today)"),
        Flag("-i", metavar="<number of minutes>", names="number", alt="window",
             help="events of the last this many minutes"),
        replace(FILTER, help="user_names, targets, operations (console);\n"
                             "problem_nums, status, approval_state,\n"
                             "callhome_intended, refcodes,\n"
                             "callhome_status (hardware)"),
        replace(FIELDS, help="the attributes to be listed:\n"
                             "  time, text, user_name, task_role,\n"
                             "  operation, target, result, command"),
        HEADER,
    ),
    (
        Variant({"-t": "console"}, flags=("-t", "-d", "-i", "--filter", "-F", "--header"),
                attributes=CONSOLE_ATTRS, filters=("user_names", "targets", "operations")),
        Variant({"-t": "hardware"},
                flags=("-t", "-m", "-d", "-i", "--filter", "-F", "--header"),
                attributes=HARDWARE_ATTRS, filters=HARDWARE_FILTERS),
    ),
)


CHSVCEVENT = Grammar(
    "chsvcevent", "close serviceable events",
    "Closes a serviceable event, or every open one.",
    (
        Flag("-o", choices=("close", "closeall"), required=True, help="close or closeall"),
        Flag("-p", metavar="<problem number>", names="number",
             help="the event's problem number (lssvcevents)"),
        Flag("-h", metavar="<analyzing HMC>", names="text",
             help="the HMC that analyzed the event"),
    ),
    (
        Variant({"-o": "close"}, flags=("-o", "-p", "-h"), required=("-p",)),
        Variant({"-o": "closeall"}, flags=("-o",)),
    ),
)


CHSACFG = Grammar(
    "chsacfg", "enable or disable call home",
    "Enables or disables calling the serviceable events of a managed\n"
    "system home to IBM. Events opened while call home is disabled are\n"
    "not called home.",
    (
        Flag("-t", choices=("callhome",), required=True, help="callhome"),
        Flag("-o", choices=("enable", "disable"), required=True, help="enable or disable"),
        Flag("-s", metavar="<managed system>", names="text", required=True,
             help="all, or the managed system's name or\ntype-model*serial"),
    ),
    (Variant({"-t": "callhome"}, flags=("-t", "-o", "-s")),),
)


def plan_sacfg(ctx: Ctx, args: Args) -> list[Operation]:
    target = args.require("-s")
    system = ctx.frame.system
    if target != "all" and target != system.name and target.upper() != ctx.frame.mtms.upper():
        raise HmcError("HSCL8014", name=target)
    return [SetCallHome(enabled=args.require("-o") == "enable")]


def run_sacfg(ctx: Ctx, args: Args) -> str:
    for op in plan_sacfg(ctx, args):
        ctx.execute(op)
    return ""


def plan_ch(ctx: Ctx, args: Args) -> list[Operation]:
    if args.require("-o") == "closeall":
        return [CloseServiceEvent()]
    return [CloseServiceEvent(problem_num=args.integer("-p", low=1))]


def run_ch(ctx: Ctx, args: Args) -> str:
    for op in plan_ch(ctx, args):
        ctx.execute(op)
    return ""


def event_text(event: Event) -> str:
    """One sentence: who did what, and how it ended."""
    who = f"User {event.user} ({event.role})"
    if event.op == "state":
        return f"{event.target}: {event.message}" if event.message else event.target
    what = event.command or f"{event.op} {event.target}"
    if event.ok:
        return f"{who} ran: {what}"
    return f"{who} was refused: {what}: {event.code} {event.message}".rstrip()


def record(ctx: Ctx, event: Event) -> Record:
    return {"time": hmc_time(ctx.wall(event.time)), "text": event_text(event),
            "user_name": event.user, "task_role": event.role, "operation": event.op,
            "target": event.target, "result": "0" if event.ok else (event.code or "1"),
            "command": event.command}


FILTER_ATTR = {"problem_nums": "problem_num", "status": "status",
               "approval_state": "approval_state", "callhome_intended": "callhome_intended",
               "refcodes": "refcode", "callhome_status": "callhome_status"}


def hardware_record(ctx: Ctx, event: ServiceEvent) -> Record:
    """One serviceable event in a real HMC's layout (values we have no source for are the
    capture's: approved, severity 0, no PMH number until IBM opens one)."""
    system = ctx.frame.system
    mtms = f"{system.mtm}/{system.serial}"
    first, last = hmc_time(ctx.wall(event.first_time)), hmc_time(ctx.wall(event.last_time))
    fru = (f"fru_part_num=:fru_serial_num=:fru_location_code={event.fru}:fru_replaced_date=0:"
           "fru_class=CLASS_HARDWARE:fru_replacement_group=:fru_ccin=:fru_logic_ctrl_mtms=")
    return {
        "problem_num": str(event.problem_num), "pmh_num": "", "refcode": event.refcode,
        "status": event.status, "first_time": first, "last_time": last,
        "sys_name": system.name, "sys_mtms": mtms, "enclosure_mtms": mtms,
        "firmware_fix": "", "text": event.text, "created_time": first,
        "reporting_name": system.name, "reporting_mtms": mtms, "failing_mtms": mtms,
        "analyzing_hmc": HMC_HOSTNAME, "event_time": first, "files": "",
        "approval_state": "approved",
        "callhome_intended": "true" if event.callhome_intended else "false",
        "duplicate_count": "0", "event_severity": "0", "analyzing_mtms": mtms,
        "ref_code_extn": "00000000", "sys_refcode": event.refcode + "00000000",
        "fru_details": fru,
        # ours (no source for the attribute name): Pending, Sent, Failed, Disabled or
        # "Not required" (engine/ops/faults.py)
        "callhome_status": event.call_home,
    }


def _since(ctx: Ctx, args: Args) -> datetime:
    """The earliest moment listed, on the engine's calendar."""
    if "-i" in args:
        minutes = args.integer("-i", low=0) or 0
        return ctx.wall() - timedelta(minutes=minutes)
    days = args.integer("-d", low=0)
    midnight = ctx.wall().replace(hour=0, minute=0, second=0, microsecond=0)
    return midnight - timedelta(days=DEFAULT_DAYS if days is None else days)


def run(ctx: Ctx, args: Args) -> str:
    since = _since(ctx, args)
    fields, header = args.get("-F"), "--header" in args
    known = args.spec.attributes if args.spec is not None else CONSOLE_ATTRS
    if args.require("-t") == "hardware":
        ctx.system(args, required=False)
        hw = parse_filter(args.get("--filter"), args.filters)
        wanted = {k: {v.lower() for v in vs} for k, vs in hw.values.items()}
        # without -m: every managed system's events, system by system
        systems = ([ctx] if ctx.system_key else
                   [replace(ctx, snap=ctx.snap.on(i)) for i in range(len(ctx.snap.frames))])
        found = [r for one in systems
                 for r in (hardware_record(one, e) for e in reversed(one.frame.svc_events)
                           if one.wall(e.last_time) >= since)
                 if all(str(r[FILTER_ATTR[k]]).lower() in vs for k, vs in wanted.items())]
        return render(found, fields, header, known)
    f = parse_filter(args.get("--filter"), args.filters)
    records = [record(ctx, e) for e in ctx.snap.events
               if ctx.wall(e.time) >= since and f.allows("user_names", e.user)
               and f.allows("targets", e.target) and f.allows("operations", e.op)]
    if fields is None:  # the HMC's own records: time and text
        records = [{"time": r["time"], "text": r["text"]} for r in records]
    return render(records, fields, header, known)
