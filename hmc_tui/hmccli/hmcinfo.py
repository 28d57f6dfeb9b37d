"""lsrefcode, lshmc and lssysconn: reference codes, the console itself, connections.

lshmc -V prints the real multi-line quoted value (public HMC V10R3 M1060 transcript); -n and
-r the attributes of real captures (HMC V8R8.7, ziutus/hmc_vios_aix data/20180603_1656) for
a console with one interface; -v the VPD keyword block (`*FC ????????`, `*DS`, `*TM`, `*SE`,
`*RM`, ...) with our own figures. lssysconn prints the real record of docs/hmc-commands.md.
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
# The console's own network identity (ours: a simulated console has no real interface).
HMC_HOSTNAME = "hmc"
HMC_DOMAIN = "localdomain"
HMC_IPADDR = "10.20.0.10"
HMC_NETMASK = "255.255.255.0"
HMC_GATEWAY = "10.20.0.1"
HMC_MTMS = ("7063-CR2", "21A4B7C")  # the 7063-CR2 appliance, a serial of our own
# lshmc -n / -r: the attributes of a real HMC capture (HMC V8R8.7, ziutus/hmc_vios_aix
# data/20180603_1656/hmc), with one interface (eth0) instead of two.
ETH0 = ("ipv4addr_eth0", "ipv4netmask_eth0", "ipv4dhcp_eth0", "ipv6addr_eth0",
        "ipv6auto_eth0", "ipv6privacy_eth0", "ipv6dhcp_eth0", "lparcomm_eth0",
        "jumboframe_eth0", "speed_eth0", "duplex_eth0", "tso_eth0")
NETWORK_ATTRS = ("hostname", "domain", "ipaddr", "networkmask", "gateway", "nameserver",
                 "domainsuffix", "slipipaddr", "slipnetmask", "ipaddrlpar", "networkmasklpar",
                 "clients", "ipv6addrlpar", "slpipaddrs", *ETH0)
REMOTE_ATTRS = ("ssh", "sshprotocol", "remotewebui", "xntp", "xntpserver", "syslogserver",
                "syslogtcpserver", "syslogtlsserver", "netboot", "altdiskboot", "ldap",
                "kerberos", "kerberos_default_realm", "kerberos_realm_kdc",
                "kerberos_clockskew", "kerberos_ticket_lifetime", "kpasswd_admin", "trace",
                "kerberos_keyfile_present", "legacyhmccomm", "sol")
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
# lshmc's other listings (-b BIOS, -l locale, ...) are accepted words that this console
# does not list: a usage error naming them.
LSHMC = Grammar(
    "lshmc", "list the management console's version, VPD, network and remote access",
    "Lists the management console's version (-V), vital product data (-v),\n"
    "network settings (-n) or remote access settings (-r).",
    (
        Flag("-V", SWITCH, alt="what", help="version and release"),
        Flag("-v", SWITCH, alt="what", help="vital product data"),
        Flag("-n", SWITCH, alt="what", help="network settings"),
        Flag("-r", SWITCH, alt="what", help="remote access settings"),
        *(Flag(name, SWITCH, alt="what") for name in ("-b", "-l")),
        FIELDS, HEADER,
    ),
    (Variant({"-V": ""}, flags=("-V", "-F", "--header"),
             attributes=("version", "base_version")),
     Variant({"-v": ""}, flags=("-v", "-F", "--header"), attributes=("vpd",)),
     Variant({"-n": ""}, flags=("-n", "-F", "--header"), attributes=NETWORK_ATTRS),
     Variant({"-r": ""}, flags=("-r", "-F", "--header"), attributes=REMOTE_ATTRS)),
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


def network_record() -> Record:
    values: Record = {
        "hostname": HMC_HOSTNAME, "domain": HMC_DOMAIN, "ipaddr": HMC_IPADDR,
        "networkmask": HMC_NETMASK, "gateway": HMC_GATEWAY, "nameserver": "",
        "domainsuffix": "", "slipipaddr": "10.253.0.1", "slipnetmask": "255.255.0.0",
        "ipaddrlpar": HMC_IPADDR, "networkmasklpar": HMC_NETMASK, "clients": "",
        "ipv6addrlpar": "fe80:0:0:0:5054:ff:fe14:a0a", "slpipaddrs": [
            HMC_IPADDR, "fe80::5054:ff:fe14:a0a/64"],
        "ipv4addr_eth0": HMC_IPADDR, "ipv4netmask_eth0": HMC_NETMASK, "ipv4dhcp_eth0": "off",
        "ipv6addr_eth0": "fe80:0:0:0:5054:ff:fe14:a0a/64", "ipv6auto_eth0": "off",
        "ipv6privacy_eth0": "off", "ipv6dhcp_eth0": "off", "lparcomm_eth0": "off",
        "jumboframe_eth0": "off", "speed_eth0": "auto", "duplex_eth0": "auto",
        "tso_eth0": "off",
    }
    return {k: values[k] for k in NETWORK_ATTRS}


def remote_record() -> Record:
    """Remote access as this console offers it: SSH on, the web UI off (there is none)."""
    values = dict.fromkeys(REMOTE_ATTRS, "")
    values.update(ssh="enable", remotewebui="disable", xntp="disable",
                  xntpserver="127.127.1.0", netboot="disable", altdiskboot="disable",
                  ldap="disable", kerberos="disable", legacyhmccomm="disable",
                  sol="disabled")
    return dict(values)


def vpd_text(ctx: Ctx) -> str:
    """The console's vital product data in the VPD keyword layout (*FC, *DS, *TM, *SE, ...)
    that `lshmc -v` prints; the figures are our own."""
    stamp = ctx.wall().strftime("%a %b %d %H:%M:%S UTC %Y")
    lines = ["*FC ????????", "*VC 20.0", f"*N2 {stamp}", "*FC ????????",
             "*DS Hardware Management Console", f"*TM {HMC_MTMS[0]}", f"*SE {HMC_MTMS[1]}",
             "*MN IBM", "*PN N/A", "*SZ 33567035392", "*OS Embedded Operating Systems",
             f"*NA {HMC_IPADDR}", "*FC ????????", "*DS Platform Firmware",
             "*RM V10R3.1060.0"]
    return "\n".join(lines) + "\n"


def run_lshmc(ctx: Ctx, args: Args) -> str:
    fields, header = args.get("-F"), "--header" in args
    if "-n" in args:
        return render([network_record()], fields, header, NETWORK_ATTRS)
    if "-r" in args:
        return render([remote_record()], fields, header, REMOTE_ATTRS)
    if "-v" in args:
        return render([{"vpd": vpd_text(ctx)}], fields, header, ("vpd",))
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

