"""Whether a drill condition holds on the frame now, and what was seen (for the report).

State conditions read the snapshot and the engine's own derivations (engine/redundancy/:
paths, SEA roles, lost boot disks), never a second opinion; a partition's state and
resources go through the macro language's evaluation; a `command` condition runs the HMC
command line through hmc_tui.hmccli, as the console's `:` line does, against the live
console.
"""

from __future__ import annotations

import re

from engine import redundancy
from engine.model import Frame, Partition
from engine.snapshot import Snapshot
from hmc_tui.console import Console
from hmc_tui.drills.format import (
    ALL,
    CommandCond,
    Condition,
    CrashedCond,
    PartitionCond,
    PathsCond,
    SeaCond,
    SystemCond,
)
from hmc_tui.hmccli import run_command
from hmc_tui.macros.check import Outcome, View, evaluate

__all__ = ["describe", "holds"]

SEEN_LIMIT = 200  # characters of command output kept in a message


def _partition(cond: PartitionCond, snap: Snapshot) -> Outcome:
    base = evaluate(cond, View(snap, "", lambda: ""))  # state, proc_units, procs, memory
    p = snap.frame.partition(cond.partition)
    if p is None:
        return base
    ok = base.ok
    if cond.refcode is not None:
        ok &= p.refcode == cond.refcode
    if cond.rmc is not None:
        ok &= p.rmc_state == cond.rmc
    seen = base.seen
    if cond.refcode is not None:
        seen += f", refcode {p.refcode or 'none'}"
    if cond.rmc is not None:
        seen += f", RMC {p.rmc_state}"
    return Outcome(ok, seen)


def _clients(frame: Frame, name: str) -> list[Partition]:
    """The client partitions whose paths count: running ones ("*"), or the one named."""
    if name == ALL:
        return [p for p in frame.partitions if not p.is_vios and p.state == "Running"]
    p = frame.partition(name)
    return [p] if p is not None else []


def _paths(cond: PathsCond, frame: Frame) -> Outcome:
    clients = _clients(frame, cond.paths)
    if not clients:
        return Outcome(False, f"no partition named {cond.paths!r}")
    bad = [f"{p.name} {path.disk} via {path.vios} {path.status}"
           for p in clients for path in redundancy.client_paths(frame, p)
           if path.status != "Enabled"]
    if cond.paths != ALL and clients[0].state != "Running":
        return Outcome(False, f"{clients[0].name} is {clients[0].state}")
    if bad:
        more = f" and {len(bad) - 3} more" if len(bad) > 3 else ""
        return Outcome(False, "paths not Enabled: " + ", ".join(bad[:3]) + more)
    count = sum(len(redundancy.client_paths(frame, p)) for p in clients)
    return Outcome(True, f"{count} paths Enabled on {len(clients)} client(s)")


def _sea(cond: SeaCond, frame: Frame) -> Outcome:
    vios, _, sea = cond.sea.partition("/")
    roles = [r for r in redundancy.sea_roles(frame)
             if r.vios == vios and (not sea or r.sea == sea)]
    if not roles:
        return Outcome(False, f"no SEA {cond.sea} in the frame")
    seen = ", ".join(f"{r.vios}/{r.sea} {r.state}" for r in roles)
    return Outcome(all(r.state == cond.role for r in roles), seen)


def crashed(frame: Frame, p: Partition) -> bool:
    """In Error, dumping (a crash code shown), or its boot disk lost its last path."""
    if p.state == "Error" or (p.state == "Running" and p.refcode in redundancy.CRASHED):
        return True
    return any(o.lpar_id == p.id and o.kind == "rootvg" for o in frame.outages)


def _crashed(cond: CrashedCond, frame: Frame) -> Outcome:
    targets = ([p for p in frame.partitions] if cond.crashed == ALL
               else [p for p in frame.partitions if p.name == cond.crashed])
    down = [f"{p.name} ({p.state}{', ' + p.refcode if p.refcode else ''})"
            for p in targets if crashed(frame, p)]
    if down:
        return Outcome(True, "crashed or lost its boot disk: " + ", ".join(down))
    return Outcome(False, "no partition crashed" if cond.crashed == ALL
                   else f"{cond.crashed} has not crashed")


def _command(cond: CommandCond, console: Console) -> Outcome:
    result = run_command(console, cond.command, allow_files=False)
    output = result.stdout + result.stderr
    found = re.search(cond.match, output, re.MULTILINE) is not None
    flat = " ".join(output.split())
    if len(flat) > SEEN_LIMIT:
        flat = flat[: SEEN_LIMIT - 3] + "..."
    return Outcome(found, f"output {'matched' if found else 'did not match'}: {flat or '(none)'}")


def holds(cond: Condition, snap: Snapshot, console: Console) -> Outcome:
    if isinstance(cond, PartitionCond):
        return _partition(cond, snap)
    if isinstance(cond, PathsCond):
        return _paths(cond, snap.frame)
    if isinstance(cond, SeaCond):
        return _sea(cond, snap.frame)
    if isinstance(cond, CrashedCond):
        return _crashed(cond, snap.frame)
    if isinstance(cond, SystemCond):
        state = snap.frame.system.state
        return Outcome(state == cond.system, f"the system is {state}")
    return _command(cond, console)


def describe(cond: Condition) -> str:
    """A condition in words (a check's default title)."""
    if isinstance(cond, PartitionCond):
        wants = [f"{name} {value}" for name, value in (
            ("state", cond.state), ("refcode", cond.refcode), ("RMC", cond.rmc),
            ("proc_units", cond.proc_units), ("procs", cond.procs), ("memory", cond.memory))
            if value is not None]
        return f"{cond.partition}: " + ", ".join(wants)
    if isinstance(cond, PathsCond):
        who = "every running client" if cond.paths == ALL else cond.paths
        return f"every disk path of {who} Enabled"
    if isinstance(cond, SeaCond):
        return f"SEA {cond.sea} {cond.role}"
    if isinstance(cond, CrashedCond):
        who = "a partition" if cond.crashed == ALL else cond.crashed
        return f"{who} crashed or lost its boot disk"
    if isinstance(cond, SystemCond):
        return f"the system {cond.system}"
    return f"`{cond.command}` output matches /{cond.match}/"
