"""monhmc: the management console's own disk, memory, processor and swap use.

`monhmc -r disk|mem|proc|swap -n 0` prints one snapshot in the layouts of the Linux tools the
HMC runs underneath: `df -k` lines for disk, and top's summary lines for mem, swap and proc
(procps-ng: `KiB Mem :`, `KiB Swap:`, one `%CpuN  :` line per processor). Nagios'
check_hmc.sh reads exactly these fields (the memory line's 4th, 6th and 8th words, the swap
line's 3rd, 5th and 7th, the comma-separated `us/sy/ni/id/wa/hi/si/st` figures, df's
Available, Use% and mount point). The figures are our own: a console with 16 GB of memory
and four processors that is mostly idle. A refresh interval other than 0 (monhmc's
continuous display) needs a terminal to redraw and is answered HSCLC001.
"""

from __future__ import annotations

import math

from hmc_tui.hmccli.context import Ctx
from hmc_tui.hmccli.errors import CodedError
from hmc_tui.hmccli.grammar import Flag, Grammar
from hmc_tui.hmccli.options import Args

GRAMMAR = Grammar(
    "monhmc", "show the management console's disk, memory, processor or swap use",
    "Displays management console subsystem information: disk (file systems),\n"
    "mem (memory), proc (processors) or swap.",
    (
        Flag("-r", choices=("disk", "mem", "proc", "swap"), required=True,
             help="disk, mem, proc or swap"),
        Flag("-n", metavar="<interval>", names="number", required=True,
             help="seconds between updates: 0 displays once"),
    ),
)

MEM_KIB = 16_333_276
MEM_USED_KIB = 4_120_460
MEM_CACHE_KIB = 3_038_604
SWAP_KIB = 2_097_148
# (filesystem, 1K-blocks, used, mount point)
FILESYSTEMS = (
    ("/dev/sda2", 16_382_888, 5_897_832, "/"),
    ("devtmpfs", 8_155_636, 0, "/dev"),
    ("tmpfs", 8_166_636, 1_204, "/dev/shm"),
    ("/dev/sda3", 8_191_416, 1_650_232, "/var"),
    ("/dev/sda5", 5_160_576, 145_924, "/var/hsc/log"),
    ("/dev/sda6", 100_676_736, 2_355_416, "/dump"),
    ("/dev/sda7", 32_896_880, 1_036_724, "/extra"),
    ("/dev/sda8", 10_190_100, 37_212, "/data"),
)
CPUS = (  # us, sy, ni, id, wa, hi, si, st
    (2.3, 0.7, 0.0, 96.7, 0.3, 0.0, 0.0, 0.0),
    (1.7, 1.0, 0.0, 97.0, 0.3, 0.0, 0.0, 0.0),
    (3.0, 0.3, 0.0, 96.3, 0.0, 0.0, 0.3, 0.0),
    (1.0, 0.7, 0.0, 98.3, 0.0, 0.0, 0.0, 0.0),
)


def disk() -> str:
    lines = [f"{'Filesystem':<14} {'1K-blocks':>10} {'Used':>9} {'Available':>9} Use% Mounted on"]
    for name, blocks, used, mount in FILESYSTEMS:
        avail = blocks - used
        pct = math.ceil(100 * used / blocks) if used else 0  # df rounds up
        lines.append(f"{name:<14} {blocks:>10} {used:>9} {avail:>9} {pct:>3}% {mount}")
    return "\n".join(lines)


def mem() -> str:
    free = MEM_KIB - MEM_USED_KIB - MEM_CACHE_KIB
    return (f"KiB Mem : {MEM_KIB:>8} total, {free:>8} free, {MEM_USED_KIB:>8} used, "
            f"{MEM_CACHE_KIB:>8} buff/cache")


def swap() -> str:
    avail = MEM_KIB - MEM_USED_KIB
    return (f"KiB Swap: {SWAP_KIB:>8} total, {SWAP_KIB:>8} free, {0:>8} used. "
            f"{avail:>8} avail Mem")


def proc() -> str:
    names = ("us", "sy", "ni", "id", "wa", "hi", "si", "st")
    return "\n".join(
        f"%Cpu{i:<3}: " + ", ".join(f"{v:4.1f} {n}" for v, n in zip(cpu, names, strict=True))
        for i, cpu in enumerate(CPUS))


def run(ctx: Ctx, args: Args) -> str:
    if args.integer("-n", low=0) != 0:
        raise CodedError("HSCLC001", what="monhmc -n N, a continuous display "
                                          "(-n 0 displays once),")
    return {"disk": disk, "mem": mem, "swap": swap, "proc": proc}[args.require("-r")]()
