"""AIX's console: boot, `Console login:`, root's ksh and its commands, answered from the
frame: lparstat, mpstat, vmstat, ping, prtconf, lsdev, lscfg, lspath, uname, oslevel, who, hostname,
date; shutdown / reboot / halt shut the partition down in the engine."""

from __future__ import annotations

import re
from datetime import datetime

from engine import redundancy
from engine.lifecycle import os_family
from engine.vterm.guest import boot, devices, lparstat
from engine.vterm.guest.power import os_shutdown
from engine.vterm.guest.session import GuestSession, LiveJob
from engine.vterm.guest.shell import Answer, Command, Dialect, Env, ksh_not_found
from engine.vterm.program import TermIO

BAD_LOGIN = "3004-007 You entered an invalid login name or password.\n"


def usage(text: str) -> Answer:
    return "", text, 2


# ---------------------------------------------------------------- lparstat, mpstat


def _interval_args(args: list[str]) -> tuple[int, int] | None:
    if not args:
        return 0, 1
    if len(args) > 2 or not all(a.isdecimal() and int(a) > 0 for a in args):
        return None
    return int(args[0]), int(args[1]) if len(args) == 2 else 1


def lparstat_cmd(env: Env, args: list[str]) -> Answer:
    p = env.partition
    if args == ["-i"]:
        return "".join(f"{line}\n" for line in lparstat.info(env.frame, p)), "", 0
    counts = _interval_args(args)
    if counts is None:
        return usage("Usage: lparstat { -i | [ Interval [ Count ] ] }\n")
    physc = env.io.physc
    wait = lparstat.wait_pct(env.frame, p, env.io.now)
    lines = ["", *lparstat.header(env.frame, p)] + [lparstat.line(p, physc, wait)] * counts[1]
    return "".join(f"{line}\n" for line in lines), "", 0


def vmstat_cmd(env: Env, args: list[str]) -> Answer:
    counts = _interval_args(args)
    if counts is None:
        return usage("Usage: vmstat [ Interval [ Count ] ]\n")
    p, io = env.partition, env.io
    row = lparstat.vmstat_line(env.frame, p, io.physc, io.now)
    lines = ["", *lparstat.vmstat_header(p)] + [row] * counts[1]
    return "".join(f"{line}\n" for line in lines), "", 0


def mpstat_cmd(env: Env, args: list[str]) -> Answer:
    counts = _interval_args(args)
    if counts is None:
        return usage("Usage: mpstat [ Interval [ Count ] ]\n")
    rows = lparstat.mpstat(env.partition, env.io.physc)
    out = ["", *rows[:3]] + [r for _ in range(counts[1]) for r in [*rows[3:], ""]]
    return "".join(f"{line}\n" for line in out), "", 0


def live_job(env: Env, name: str, interval: int, count: int) -> LiveJob | None:
    """`lparstat N M` / `mpstat N M` on the terminal: the header now, a line each interval."""
    p = env.partition
    if interval <= 0 or count <= 0:
        return None
    if name == "lparstat":
        head = ["", *lparstat.header(env.frame, p)]

        def report(io: TermIO) -> list[str]:
            wait = lparstat.wait_pct(io.frame, io.partition, io.now)
            return [lparstat.line(io.partition, io.physc, wait)]
    elif name == "vmstat":
        if os_family(p) != "aix":
            return None  # Linux's vmstat is not modelled: the shell says so
        head = ["", *lparstat.vmstat_header(p)]

        def report(io: TermIO) -> list[str]:
            return [lparstat.vmstat_line(io.frame, io.partition, io.physc, io.now)]
    else:
        head = ["", *lparstat.mpstat(p, env.io.physc)[:3]]

        def report(io: TermIO) -> list[str]:
            return [*lparstat.mpstat(io.partition, io.physc)[3:], ""]
    env.io.write("".join(f"{line}\r\n" for line in head))
    return LiveJob(report, float(interval), count, env.io.now + interval)


# ---------------------------------------------------------------- devices


def _table(rows: list[tuple[str, str, str]]) -> str:
    """lsdev's columns: name, status, location (blank for virtual devices), description."""
    width = max(len(r[0]) for r in rows)
    loc = max(len(r[1]) for r in rows)
    return "".join(f"{n:<{width}} Available {lc:<{loc}} {d}\n" for n, lc, d in rows)


DESCRIPTIONS = {
    "scsi": "Virtual SCSI Client Adapter", "fc": "Virtual Fibre Channel Client Adapter",
    "eth": "Virtual I/O Ethernet Adapter (l-lan)",
}


def device_rows(env: Env, kind: str | None) -> list[tuple[str, str, str]]:
    frame, p = env.frame, env.partition
    rows: list[tuple[str, str, str]] = []
    if kind in (None, "adapter"):
        rows += [(a.name, "", DESCRIPTIONS[a.kind]) for a in devices.adapters(frame, p)]
        rows.append(("vsa0", "", "LPAR Virtual Serial Adapter"))
    if kind in (None, "disk"):
        rows += [(d.name, "", "Virtual SCSI Disk Drive") for d in devices.disks(frame, p)
                 if d.kind == "disk"]
    if kind in (None, "cdrom"):
        rows += [(d.name, "", "Virtual SCSI Optical Served by VIO Server")
                 for d in devices.disks(frame, p) if d.kind == devices.OPTICAL]
    if kind in (None, "if"):
        rows += [(a.name.replace("ent", "en"), "", "Standard Ethernet Network Interface")
                 for a in devices.adapters(frame, p) if a.kind == "eth"]
    if kind in (None, "processor"):
        rows += [(f"proc{i * lparstat.SMT}", "", "Processor")
                 for i in range(lparstat.resources(p).desired_procs)]
    if kind is None:
        rows.append(("mem0", "", "Memory"))
    return rows


def lsdev_cmd(env: Env, args: list[str]) -> Answer:
    kind: str | None = None
    words = [w for w in args if w != "-C"]
    if words[:1] == ["-Cc"] or words[:1] == ["-c"]:
        words = words[1:]
        if not words:
            return usage("lsdev: Not a recognized flag: c\n")
        kind, words = words[0], words[1:]
    if words and words[0] == "-l" and len(words) == 2:
        rows = [r for r in device_rows(env, None) if r[0] == words[1]]
        if not rows:
            return "", f"lsdev: 0514-519 The following device was not found in the " \
                       f"customized\n\tdevice configuration database:\n\tname = '{words[1]}'\n", 1
        return _table(rows), "", 0
    if words:
        return usage("Usage: lsdev [-C] [-c Class] [-l Name]\n")
    rows = sorted(device_rows(env, kind), key=lambda r: _natural(r[0]))  # AIX: by name
    return (_table(rows), "", 0) if rows else ("", "", 0)


def _natural(name: str) -> tuple[str, int]:
    m = re.fullmatch(r"(\D+)(\d*)", name)
    return (m.group(1), int(m.group(2) or 0)) if m else (name, 0)


def _lscfg_rows(env: Env) -> list[tuple[str, str, str]]:
    frame, p = env.frame, env.partition
    rows = [(a.name, f"{a.location}-T1", DESCRIPTIONS[a.kind])
            for a in devices.adapters(frame, p)]
    rows += [(d.name, d.location, "Virtual SCSI Disk Drive" if d.kind == "disk"
              else "Virtual SCSI Optical Served by VIO Server")
             for d in devices.disks(frame, p)]
    return rows


def lscfg_cmd(env: Env, args: list[str]) -> Answer:
    rows = _lscfg_rows(env)
    if len(args) == 2 and args[0] in ("-l", "-vl"):
        found = [r for r in rows if r[0] == args[1]]
        if not found:
            return "", f"lscfg: device {args[1]} not found.\n", 1
        return "".join(f"  {n:<16} {loc:<44} {d}\n" for n, loc, d in found), "", 0
    if args:
        return usage("Usage: lscfg [-v] [-l Name]\n")
    head = ["INSTALLED RESOURCE LIST", "", "The following resources are installed on the "
            "machine.", "+/- = Added or deleted from Resource List.",
            "*   = Diagnostic support not available.", "",
            "  Model Architecture: chrp", "  Model Implementation: Multiple Processor, PCI bus",
            "", f"+ {'sys0':<16} {'':<44} System Object",
            f"+ {'sysplanar0':<16} {'':<44} System Planar",
            f"* {'vio0':<16} {'':<44} Virtual I/O Bus"]
    body = [f"* {n:<16} {loc:<44} {d}" for n, loc, d in rows]
    tail = [f"+ {'mem0':<16} {'':<44} Memory"] + [
        f"+ {f'proc{i * lparstat.SMT}':<16} {'':<44} Processor"
        for i in range(lparstat.resources(env.partition).desired_procs)]
    return "".join(f"{line}\n" for line in head + body + tail), "", 0


def lspath_cmd(env: Env, args: list[str]) -> Answer:
    wanted = args[1] if len(args) == 2 and args[0] == "-l" else None
    if args and wanted is None:
        return usage("Usage: lspath [-l Name]\n")
    # Path states are engine.redundancy's (Enabled, Failed, Missing: docs/powervm-rules.md
    # section 13); the NPIV disk it adds is left out, as lsdev here does not list it.
    lines = [f"{x.status} {x.disk} {x.parent}"
             for x in redundancy.client_paths(env.frame, env.partition)
             if x.via == "vscsi" and wanted in (None, x.disk)]
    return "".join(f"{line}\n" for line in lines), "", 0


def ping_cmd(env: Env, args: list[str]) -> Answer:
    """`ping [-c COUNT] HOST`: replies while the partition reaches the network
    (engine.redundancy.has_network, an SEA takeover's gap included), answered at once;
    without -c, 5 packets (ours: AIX's ping runs until ^C)."""
    count, hosts = 5, list(args)
    if hosts[:1] == ["-c"]:
        if len(hosts) < 2 or not hosts[1].isdecimal() or int(hosts[1]) == 0:
            return usage("0821-062 ping: -c: The count is not valid.\n")
        count, hosts = min(int(hosts[1]), 100), hosts[2:]
    if len(hosts) != 1 or hosts[0].startswith("-"):
        return usage("Usage: ping [-c Count] Host\n")
    host = hosts[0]
    up = redundancy.has_network(env.frame, env.partition) is True
    lines = [f"PING {host}: ({host}): 56 data bytes"]
    if up:
        lines += [f"64 bytes from {host}: icmp_seq={i} ttl=255 time=0 ms" for i in range(count)]
    received = count if up else 0
    lines += ["", f"----{host} PING Statistics----",
              f"{count} packets transmitted, {received} packets received, "
              f"{100 - received * 100 // count}% packet loss"]
    if up:
        lines.append("round-trip min/avg/max = 0/0/0 ms")
    return "".join(f"{line}\n" for line in lines), "", 0 if up else 1


def prtconf_cmd(env: Env, args: list[str]) -> Answer:
    frame, p = env.frame, env.partition
    r = lparstat.resources(p)
    hw = frame.hardware
    gen = hw.generation or "POWER"
    firmware = frame.system.firmware or hw.firmware
    lines = [f"System Model: IBM,{frame.system.mtm}",
             f"Machine Serial Number: {frame.system.serial}",
             f"Processor Type: PowerPC_{gen.upper()}",
             f"Processor Implementation Mode: {gen.upper().replace('POWER', 'POWER ')}",
             f"Processor Version: PV_{gen.upper().removeprefix('POWER')}_Compat",
             f"Number Of Processors: {r.desired_procs}",
             "Processor Clock Speed: 3900 MHz", "CPU Type: 64-bit", "Kernel Type: 64-bit",
             f"LPAR Info: {p.id} {p.name}", f"Memory Size: {r.desired_mem} MB",
             f"Good Memory Size: {r.desired_mem} MB", f"Platform Firmware level: {firmware}",
             f"Firmware Version: IBM,{firmware}", "Console Login: enable",
             "Auto Restart: true", "Full Core: false", "", "Network Information",
             f"\tHost Name: {p.name}", f"\tIP Address: {p.rmc_ipaddr}", "",
             "Paging Space Information", "\tTotal Paging Space: 512MB",
             "\tPercent Used: 1%", ""]
    listing, _, _ = lscfg_cmd(env, [])
    return "".join(f"{line}\n" for line in lines) + listing, "", 0


# ---------------------------------------------------------------- system


def machine_id(env: Env) -> str:
    return f"00{env.frame.system.serial[-6:]}{env.partition.id:02X}4C00"[-12:].upper()


def uname_cmd(env: Env, args: list[str]) -> Answer:
    p = env.partition
    fields = {"-s": "AIX", "-n": p.name, "-r": "3", "-v": "7", "-m": machine_id(env)}
    if not args:
        return "AIX\n", "", 0
    if args == ["-a"]:
        return " ".join(fields.values()) + "\n", "", 0
    if all(a in fields for a in args):
        return " ".join(fields[a] for a in args) + "\n", "", 0
    return usage(f"uname: Not a recognized flag: {args[0].lstrip('-')[:1]}\n"
                 "Usage: uname [-snlrvmapfFMxuTW]\n")


def oslevel_cmd(env: Env, args: list[str]) -> Answer:
    words = env.partition.os_version.split()
    sp = next((w for w in words if w.count("-") == 3), "7300-00-00-0000")
    if args == ["-s"]:
        return sp + "\n", "", 0
    if args == ["-r"]:
        return sp[:7] + "\n", "", 0
    if not args:
        return f"{sp[0]}.{sp[1]}.0.0\n", "", 0
    return usage("Usage: oslevel [-l Level | -g Level | -q] [-r | -s]\n")


def who_cmd(env: Env, args: list[str]) -> Answer:
    since = env.session.login_time or env.wall()
    return f"{env.user:<12}vty0        {since.strftime('%b %e %H:%M')}\n", "", 0


def shutdown_cmd(env: Env, args: list[str]) -> Answer:
    flags = "".join(a.lstrip("-") for a in args if a.startswith("-"))
    if set(flags) - set("Frhmk") or any(not a.startswith(("-", "+")) for a in args):
        return usage("Usage: shutdown [-F] [-h | -r | -m] [-k] [+Time]\n")
    if "k" in flags:  # "avoid shutdown": the messages only
        return "", "", 0
    restart = "r" in flags
    env.session.shut_down(env.io, os_shutdown(env.partition, restart=restart,
                                              immediate="F" in flags), restart)
    return "", "", 0


def reboot_cmd(env: Env, args: list[str]) -> Answer:
    env.session.shut_down(env.io, os_shutdown(env.partition, restart=True, immediate=True),
                          True)
    return "", "", 0


def halt_cmd(env: Env, args: list[str]) -> Answer:
    env.session.shut_down(env.io, os_shutdown(env.partition, restart=False, immediate=True),
                          False)
    return "", "", 0


COMMANDS: dict[str, Command] = {
    "lparstat": lparstat_cmd, "mpstat": mpstat_cmd, "vmstat": vmstat_cmd, "lsdev": lsdev_cmd,
    "lscfg": lscfg_cmd, "ping": ping_cmd,
    "lspath": lspath_cmd, "prtconf": prtconf_cmd, "uname": uname_cmd, "oslevel": oslevel_cmd,
    "who": who_cmd, "shutdown": shutdown_cmd, "reboot": reboot_cmd, "halt": halt_cmd,
}


def dialect(user: str) -> Dialect:
    return Dialect("ksh", ksh_not_found("ksh"), COMMANDS)


def motd(env: Env) -> str:
    version = " ".join(env.partition.os_version.split()[:2]) or "AIX 7.3"
    stars = "*" * 79
    line = f"*  Welcome to {version.replace('AIX', 'AIX Version')}!"
    return "\n".join([stars, "*" + " " * 77 + "*", f"{line:<78}*", "*" + " " * 77 + "*",
                      stars, ""]) + "\n"


def program() -> GuestSession:
    def stages(io: TermIO, now: datetime) -> list[boot.Stage]:
        return boot.aix_boot(io.frame, io.partition, now, vios=False)

    return GuestSession("aix", dialect, stages, prompt=lambda env: "# ",
                        password_prompt=lambda user: f"{user}'s Password: ",
                        bad_login=BAD_LOGIN, motd=motd, live=live_job)
