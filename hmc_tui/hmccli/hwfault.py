"""chhwfault / lshwfault: hmc-tui's own commands to break the frame and to see the effect.

NOT HMC commands (a real HMC only reports faults; docs/hmc-commands.md marks them as
hmc-tui's own). They exist so that users, instructors and drills can rehearse failures:

    chhwfault -m SYS -o inject -t port_down -l vios1:fcs0 | -l LOCATION_CODE
    chhwfault -m SYS -o inject -t core [-l "core N"]     (one core deconfigured)
    chhwfault -m SYS -o inject -t dimm [-l "dimm N"] [--size GB]   (64 GB by default)
    chhwfault -m SYS -o inject -t crash -l LPAR [--norestart]
    chhwfault -m SYS -o inject -t power_loss
    chhwfault -m SYS -o inject -t runaway -l LPAR        (a process pins every VP of LPAR)
    chhwfault -m SYS -o inject -t memleak -l LPAR [--rate MB]  (leaks MB a minute: it pages)
    chhwfault -m SYS -o inject -t noisy -l LPAR          (an uncapped LPAR takes its pool)
    chhwfault -m SYS -o inject -t callhome_down          (the HMC's call home fails)
    chhwfault -m SYS -o clear -t KIND [-l TARGET]         (the repair; without -l the latest)
    chhwfault -m SYS -o cfgmgr -l LPAR                    (the client OS's cfgmgr: Missing paths)
    lshwfault -m SYS -r fault | sea | path -p LPAR       (faults, SEA roles, a client's paths)
    lshwfault -m SYS -r impact -p VIOS                   (who would lose a path if VIOS stopped)

Every injection opens a serviceable event (`lssvcevents -t hardware`); the engine's rules
for what a fault does are in docs/powervm-rules.md section 13.
"""

from __future__ import annotations

from dataclasses import replace

from engine.errors import HmcError
from engine.ops import ClearFault, ConfigureDevices, InjectFault, Operation
from engine.redundancy import client_paths, sea_roles, vios_impact
from hmc_tui.hmccli.context import Ctx, hmc_time
from hmc_tui.hmccli.format import Record, render
from hmc_tui.hmccli.grammar import SWITCH, Flag, Grammar, Variant
from hmc_tui.hmccli.options import Args
from hmc_tui.hmccli.shared_flags import FIELDS, HEADER, SYSTEM

KINDS = ("port_down", "core", "dimm", "crash", "power_loss", "runaway", "memleak", "noisy",
         "callhome_down")
FAULT_ATTRS = ("kind", "target", "since", "amount", "problem_num")
SEA_ATTRS = ("vios", "sea", "vswitch", "priority", "ha_mode", "state", "vlans")
PATH_ATTRS = ("name", "status", "parent", "connection", "vios", "server", "port")
IMPACT_ATTRS = ("lpar_name", "disks", "boot_disk", "network")

CHHWFAULT = Grammar(
    "chhwfault", "inject or clear a fault (hmc-tui's own, not an HMC command)",
    "Injects a fault into the managed system (a physical port down, a\n"
    "processor core or memory DIMM deconfigured, a partition crash, a power\n"
    "loss) or clears it (the repair). hmc-tui's own command: a real HMC\n"
    "only reports faults.",
    (
        SYSTEM,
        Flag("-o", choices=("inject", "clear", "cfgmgr"), required=True,
             help="inject, clear, or cfgmgr (run the\npartition OS's cfgmgr: configures the\n"
                  "paths left Missing)"),
        Flag("-t", metavar="<fault type>", choices=KINDS, required=True,
             help="port_down, core, dimm, crash, power_loss,\n"
                  "runaway, memleak, noisy or callhome_down"),
        Flag("-l", metavar="<target>", names="text",
             help="port_down: LPAR:PORT or the port's location\n"
                  "code; core/dimm: \"core N\" / \"dimm N\";\n"
                  "crash, runaway, memleak, noisy, cfgmgr:\n"
                  "the partition's name"),
        Flag("--size", metavar="<GB>", names="number", help="dimm: its size (default 64)"),
        Flag("--norestart", SWITCH, help="crash: the OS does not reboot after its dump"),
        Flag("--rate", metavar="<MB per minute>", names="number",
             help="memleak: MB leaked per minute (default\n512)"),
    ),
    (
        Variant({"-o": "clear"}, flags=("-m", "-o", "-t", "-l")),
        Variant({"-o": "cfgmgr"}, flags=("-m", "-o", "-l"), required=("-l",),
                optional=("-t",)),
        Variant({"-o": "inject", "-t": "port_down"}, flags=("-m", "-o", "-t", "-l"),
                required=("-l",)),
        Variant({"-o": "inject", "-t": "crash"}, flags=("-m", "-o", "-t", "-l", "--norestart"),
                required=("-l",)),
        Variant({"-o": "inject", "-t": "core"}, flags=("-m", "-o", "-t", "-l")),
        Variant({"-o": "inject", "-t": "dimm"}, flags=("-m", "-o", "-t", "-l", "--size")),
        Variant({"-o": "inject", "-t": "power_loss"}, flags=("-m", "-o", "-t")),
        Variant({"-o": "inject", "-t": "runaway"}, flags=("-m", "-o", "-t", "-l"),
                required=("-l",)),
        Variant({"-o": "inject", "-t": "memleak"}, flags=("-m", "-o", "-t", "-l", "--rate"),
                required=("-l",)),
        Variant({"-o": "inject", "-t": "noisy"}, flags=("-m", "-o", "-t", "-l"),
                required=("-l",)),
        Variant({"-o": "inject", "-t": "callhome_down"}, flags=("-m", "-o", "-t")),
    ),
)

LSHWFAULT = Grammar(
    "lshwfault", "list faults, SEA roles or disk paths (hmc-tui's own)",
    "Lists the faults present in the managed system, the role of every\n"
    "shared Ethernet adapter, the disk paths of a partition as its lspath\n"
    "shows them, or the clients that would lose a disk or their network\n"
    "if a VIOS stopped now. hmc-tui's own command, not an HMC command.",
    (
        SYSTEM,
        Flag("-r", choices=("fault", "sea", "path", "impact"), required=True,
             help="fault, sea, path or impact"),
        Flag("-p", metavar="<partition name>", names="lpar",
             help="path: the partition; impact: the VIOS"),
        replace(FIELDS, help="the attributes to be listed"),
        HEADER,
    ),
    (
        Variant({"-r": "fault"}, flags=("-m", "-r", "-F", "--header"), attributes=FAULT_ATTRS),
        Variant({"-r": "sea"}, flags=("-m", "-r", "-F", "--header"), attributes=SEA_ATTRS),
        Variant({"-r": "path"}, flags=("-m", "-r", "-p", "-F", "--header"), required=("-p",),
                attributes=PATH_ATTRS),
        Variant({"-r": "impact"}, flags=("-m", "-r", "-p", "-F", "--header"),
                required=("-p",), attributes=IMPACT_ATTRS),
    ),
)


def plan(ctx: Ctx, args: Args) -> list[Operation]:
    ctx.system(args)
    location = args.get("-l") or ""
    if args.require("-o") == "cfgmgr":
        return [ConfigureDevices(lpar=location)]
    kind = args.require("-t")
    if args.require("-o") == "clear":
        return [ClearFault(kind=kind, location=location)]
    return [InjectFault(kind=kind, location=location,
                        size_gb=args.integer("--size", low=1),
                        restart="--norestart" not in args,
                        rate=args.integer("--rate", low=1))]


def run(ctx: Ctx, args: Args) -> str:
    for op in plan(ctx, args):
        ctx.execute(op)
    return ""


def run_ls(ctx: Ctx, args: Args) -> str:
    ctx.system(args)
    fields, header = args.get("-F"), "--header" in args
    what = args.require("-r")
    frame = ctx.frame
    records: list[Record]
    if what == "fault":
        records = [{"kind": f.kind, "target": f.target, "since": hmc_time(ctx.wall(f.since)),
                    "amount": str(f.amount), "problem_num": str(f.problem_num)}
                   for f in frame.faults]
        return render(records, fields, header, FAULT_ATTRS)
    if what == "sea":
        records = [{"vios": s.vios, "sea": s.sea, "vswitch": s.vswitch,
                    "priority": str(s.priority), "ha_mode": s.ha_mode, "state": s.state,
                    "vlans": ",".join(str(v) for v in s.vlans) or "none"}
                   for s in sea_roles(frame)]
        return render(records, fields, header, SEA_ATTRS)
    p = ctx.partition(args.require("-p"))
    if what == "impact":
        if not p.is_vios:
            raise HmcError("HSCL0B09", kind="Virtual I/O Server", name=p.name, env=p.env)
        records = [{"lpar_name": i.lpar, "disks": " ".join(i.disks) or "none",
                    "boot_disk": "lost" if i.boot else "ok",
                    "network": "lost" if i.network else "ok"}
                   for i in vios_impact(frame, p.name)]
        return render(records, fields, header, IMPACT_ATTRS)
    records = [{"name": x.disk, "status": x.status, "parent": x.parent,
                "connection": x.connection, "vios": x.vios, "server": x.server,
                "port": x.port} for x in client_paths(frame, p)]
    return render(records, fields, header, PATH_ATTRS)
