"""The `:` command line's own commands (navigation and clock aliases).

Anything that is not an alias is an HMC command for `hmc_tui.hmccli.run_command`. Parsing is
kept apart from the app so it can be tested and listed in the help without a running app.
"""

from __future__ import annotations

import math
import shlex
from dataclasses import dataclass

from engine.snapshot import Snapshot
from hmc_tui.hmccli.complete import complete, current_word

# alias -> (argument hint, what it does); the help screen lists these.
ALIASES: dict[str, tuple[str, str]] = {
    "overview": ("", "frame overview (partitions)"),
    "lpar": ("NAME", "go to a partition and open its properties"),
    "system": ("NAME", "go to a managed system's overview (name or MTMS)"),
    "pools": ("", "pool utilisation"),
    "vios": ("", "VIOS adapter mappings"),
    "events": ("", "event journal"),
    "vnet": ("", "virtual networks (switches, VLANs, SEAs)"),
    "speed": ("N", "engine clock at N x real time"),
    "pause": ("", "pause the engine clock"),
    "resume": ("", "resume the engine clock"),
    "theme": ("NAME", "switch the theme"),
    "help": ("", "key bindings of this screen"),
    "quit": ("", "leave the console"),
}
SHORT: dict[str, str] = {"q": "quit", "o": "overview", "p": "pools", "v": "vios",
                         "e": "events", "h": "help"}


@dataclass(frozen=True)
class Alias:
    name: str
    arg: str = ""
    system: str = ""  # :lpar NAME -m SYSTEM


def parse_alias(line: str) -> Alias | str | None:
    """An Alias, a one-line usage error (str), or None when the line is an HMC command."""
    try:
        words = shlex.split(line)
    except ValueError:
        words = line.split()
    if not words:
        return None
    name = SHORT.get(words[0], words[0])
    if name not in ALIASES:
        return None
    hint = ALIASES[name][0]
    args = words[1:]
    if name == "lpar" and "-m" in args:
        at = args.index("-m")
        rest = args[:at] + args[at + 2:]
        if at + 1 >= len(args) or len(rest) != 1:
            return "usage: :lpar NAME [-m SYSTEM]"
        return Alias("lpar", rest[0], args[at + 1])
    if hint and len(args) != 1:
        if name == "lpar" and not args:
            return Alias("overview")
        return f"usage: :{name} {hint}"
    if not hint and args:
        return f"usage: :{name} (no arguments)"
    if name == "speed":
        try:
            speed = float(args[0])
        except ValueError:
            speed = math.nan
        if not (math.isfinite(speed) and speed > 0):  # nan, inf (1e400) would stop the clock
            return f"usage: :speed N (a positive number, 1 = real time); not {args[0]!r}"
    return Alias(name, args[0] if args else "")


def complete_line(snapshot: Snapshot | None, line: str, cursor: int) -> list[str]:
    """Tab in the `:` line: aliases and partition names for `:lpar`, else HMC completion."""
    word = current_word(line, cursor)
    head = line[:word.start].split()
    if head and SHORT.get(head[0], head[0]) == "lpar" and len(head) == 1:
        frames = snapshot.frames if snapshot is not None else ()
        names = dict.fromkeys(p.name for f in frames for p in f.partitions)  # every system
        return [n for n in names if n.startswith(word.text)]
    if head and SHORT.get(head[0], head[0]) in ALIASES:
        return []
    return complete(snapshot, line, cursor, extra_commands=ALIASES)
