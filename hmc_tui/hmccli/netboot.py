"""lpar_netboot: list a partition's network adapters with a ping test, or boot it from the
network (the NIM install path of IBM's Ansible collection and of xCAT).

    lpar_netboot -M -n [-A] [-D] [-f] -t ent [-S server -G gateway -C client [-K mask]]
                 PARTITION PROFILE SYSTEM
    lpar_netboot [-f] [-D] [-l LOCATION | -m MAC] -t ent [-s auto -d auto]
                 -S server -G gateway -C client [-K mask] [-V vlan -Y priority]
                 PARTITION PROFILE SYSTEM

The `#` progress lines follow a published HMC transcript of a network boot (the lines from
`# Connecting to NAME.` to `# Finished.`); the adapter table's header line and the `n/a`
ping result without -D are our own layout. Its rows are what clients parse: six
whitespace-separated fields (type, location code, MAC, Open Firmware path, ping result,
device type), as IBM's Ansible collection reads them (hmc_resource.py,
_parseIODetailsFromNetboot). The partition's part is one engine operation
(NetbootPartition): a partition without a virtual Ethernet adapter is refused (HSCL0E03).
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass

from engine.ops import NetbootPartition, Operation
from hmc_tui.hmccli.context import Ctx
from hmc_tui.hmccli.errors import UsageError
from hmc_tui.hmccli.grammar import SWITCH, Flag, Grammar, Variant
from hmc_tui.hmccli.options import Args

POSITIONAL = ("<partition name>", "<profile name>", "<managed system>")
_IP_FLAGS = ("-S", "-G", "-C", "-K")


@dataclass(frozen=True)
class PositionalGrammar(Grammar):
    """A grammar whose last words are operands (lpar_netboot's partition, profile and
    system), kept in the parsed values under their metavars."""

    operands: tuple[str, ...] = ()

    def parse(self, words: list[str]) -> Args:
        if "--help" in words or "-?" in words or not words:
            return super().parse(words)
        n = len(self.operands)
        if len(words) < n or any(w.startswith("-") for w in words[-n:]):
            raise UsageError(*self.operands)
        args = super().parse(words[:-n])
        values = dict(args.values) | dict(zip(self.operands, words[-n:], strict=True))
        return Args(args.command, values, args.spec)

    def _synopsis_items(self) -> list[tuple[str, bool]]:
        items = super()._synopsis_items()
        return [*items[:-1], (" ".join(self.operands), False), items[-1]]


GRAMMAR = PositionalGrammar(
    "lpar_netboot", "list network adapters or boot a partition from the network",
    "Discovers the network adapters of a partition (-M -n, with a ping test -D),\n"
    "or boots the partition from the network through one of them. The\n"
    "partition name, profile name and managed system name come last.",
    (
        Flag("-M", SWITCH, help="discover the network adapters (MAC addresses)"),
        Flag("-n", SWITCH, help="do not boot the partition (with -M)"),
        Flag("-A", SWITCH, help="every adapter of the given type"),
        Flag("-D", SWITCH, help="ping the server through the adapter"),
        Flag("-f", SWITCH, help="power an active partition off first"),
        Flag("-i", SWITCH), Flag("-x", SWITCH), Flag("-v", SWITCH),
        Flag("-t", choices=("ent",), required=True, help="the adapter type: ent"),
        Flag("-l", metavar="<location code>", names="text", alt="adapter",
             help="the adapter's physical location code"),
        Flag("-m", metavar="<MAC address>", names="text", alt="adapter",
             help="the adapter's MAC address"),
        Flag("-s", choices=("auto", "10", "100", "1000"), help="the network speed"),
        Flag("-d", choices=("auto", "half", "full"), help="the duplex mode"),
        Flag("-S", metavar="<server IP>", names="text", help="the boot server"),
        Flag("-G", metavar="<gateway IP>", names="text", help="the gateway"),
        Flag("-C", metavar="<client IP>", names="text", help="the partition's address"),
        Flag("-K", metavar="<subnet mask>", names="text", help="the subnet mask"),
        Flag("-V", metavar="<VLAN tag>", names="number"),
        Flag("-Y", metavar="<VLAN priority>", names="number"),
        Flag("-T", choices=("on", "off")),
        Flag("-g", metavar="<args>", names="text"),
    ),
    (Variant({"-D": ""}, required=("-S", "-G", "-C")),),
    operands=POSITIONAL,
)


def _ip(args: Args, flag: str) -> str:
    text = args.get(flag) or ""
    if text:
        try:
            ipaddress.ip_address(text)
        except ValueError:
            raise UsageError(flag) from None
    return text


def plan(ctx: Ctx, args: Args) -> list[Operation]:
    lpar, profile, system = (args.require(o) for o in POSITIONAL)
    ctx.system(Args("lpar_netboot", {"-m": system}))
    p = ctx.partition(lpar)
    ctx.profile(p, profile)
    discover = "-M" in args
    if discover != ("-n" in args):
        raise UsageError("-M", "-n")
    if not discover:
        for flag in ("-S", "-G", "-C"):
            args.require(flag)
    ips = {flag: _ip(args, flag) for flag in _IP_FLAGS}
    return [NetbootPartition(
        lpar=p.name, profile=profile, discover=discover, ping="-D" in args,
        force="-f" in args, location=args.get("-l"), mac=args.get("-m"),
        server=ips["-S"], gateway=ips["-G"], client=ips["-C"])]


def run(ctx: Ctx, args: Args) -> str:
    op = plan(ctx, args)[0]
    assert isinstance(op, NetbootPartition)
    was_active = ctx.partition(op.lpar).active
    result = ctx.execute(op)
    adapters: list[dict[str, str]] = result.data.get("adapters", [])
    lines = [f"# Connecting to {op.lpar}.", "# Connected", "# Checking for power off."]
    if was_active:
        lines += ["# Power off the node.", "# Wait for power off."]
    lines += ["# Power off complete.", f"# Power on {op.lpar} to Open Firmware.",
              "# Power on complete."]
    for label, value in (("Client", op.client), ("Server", op.server),
                         ("Gateway", op.gateway), ("Subnetmask", args.get("-K") or "")):
        if value:
            lines.append(f"# {label} IP address is {value}.")
    lines.append("# Getting adapter location codes.")
    if op.discover:
        lines.append("# Type\t Location Code\t MAC Address\t Full Path Name\t Ping Result\t"
                     " Device Type")
        lines += [f"ent {a['location']} {a['mac']} {a['path']} {a['ping']} virtual"
                  for a in adapters]
        return "\n".join(lines)
    if op.ping:
        lines.append(f"# {adapters[0]['path']} ping successful.")
    lines += ["# Network booting install adapter.", "# bootp sent over network.",
              "# Network boot proceeding, lpar_netboot is exiting.", "# Finished."]
    return "\n".join(lines)
