"""migrlpar's --protectstorage and -d DETAIL: whether validation insists on the partition's
virtual storage, and how much of what the Virtual I/O Servers found `-o v` prints.

IBM's migrlpar man page: `--protectstorage 1` (the default) requires storage protection,
2 does not (the HMC's GUI calls it "override virtual storage errors when possible", for an
inactive migration); `-d` is the level of detail asked of the commands the VIOS run during
the validation, 1 (lowest, the default) through 5 (highest). The VIOS (2.2.3.0 and later)
report a failure as a block that starts `VIOS_DETAILED_ERROR` and ends `End Detailed
Message.` (IBM Docs, "Source and destination Virtual I/O Server logical partitions in a
partition mobility environment"). The levels here (docs/mobility.md, section 4):

1. the HSCL lines: errors first, then warnings;
2. and under each error, its VIOS_DETAILED_ERROR block;
3. and the blocks of the warnings too;
4. and, per client adapter, the target VIOS that would host it;
5. and the mover service partitions, the target pool and partition ID.

`--nodetails` keeps level 1 whatever -d says.
"""

from __future__ import annotations

from engine.errors import HmcError
from engine.mobility.validate import Finding, Plan
from engine.model import Frame, Partition, VirtualScsi
from hmc_tui.hmccli.options import Args

LEVELS = range(1, 6)


def _number(args: Args, flag: str, allowed: range, what: str) -> int | None:
    text = args.get(flag)
    if text is None:
        return None
    if not text.isdecimal() or int(text) not in allowed:
        raise HmcError("HSCL1334", what=flag, reason=f"{text!r} is not {what}")
    return int(text)


def protect_storage(args: Args) -> bool:
    """--protectstorage 1|2 -> storage protection required (True: 1, the default)."""
    return _number(args, "--protectstorage", range(1, 3), "1 or 2") != 2


def detail_level(args: Args) -> int:
    """-d 1-5 (1 when absent or with --nodetails)."""
    level = _number(args, "-d", LEVELS, "a detail level from 1 to 5") or 1
    return 1 if "--nodetails" in args else level


def _block(f: Finding) -> list[str]:
    if not f.details:
        return []
    return ["VIOS_DETAILED_ERROR", *f.details, "End Detailed Message."]


def lines(found: Plan, p: Partition, target: Frame, level: int) -> list[str]:
    """What `migrlpar -o v -d level` prints for one partition."""
    out: list[str] = []
    for f in sorted(found.findings, key=lambda f: f.severity):
        out.append(str(f))
        if level >= 2 + (f.severity == "warning"):
            out += _block(f)
    if level >= 4:
        names = {v.id: v.name for v in target.partitions if v.is_vios}
        for a in sorted(p.adapters, key=lambda a: a.slot):
            chosen = found.vscsi if isinstance(a, VirtualScsi) else found.vfc
            if a.type != "eth" and a.slot in chosen:
                kind = "virtual SCSI" if isinstance(a, VirtualScsi) else "virtual fibre channel"
                out.append(f"{names.get(chosen[a.slot], '?')}: hosts the {kind} client "
                           f"adapter in slot {a.slot} of {p.name}")
    if level >= 5:
        if found.source_msp:
            out.append(f"mover service partitions: {found.source_msp} -> {found.dest_msp}")
        if found.pool:
            out.append(f"shared processor pool on {target.system.name}: {found.pool}")
        out.append(f"partition ID on {target.system.name}: {found.dest_lpar_id}")
    return out
