"""Completion of HMC command lines, for any front end (readline shell, the console's `:`).

`complete(snapshot, line, cursor)` gives the candidates for the word under the cursor:
command names, the flags the command's grammar accepts given the flags already typed, a
flag's declared values, and live names from the snapshot (managed system, partitions,
profiles, pools, VIOS partitions, `-F` attributes and `--filter` names and values). Everything
comes from the commands' declarations (`grammar.py`), so completion offers exactly what the
parser accepts. `replace_word` applies a candidate to the line.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Iterable
from dataclasses import dataclass

from engine.snapshot import Snapshot
from hmc_tui.hmccli.commands import COMMANDS
from hmc_tui.hmccli.grammar import OPTIONAL, SWITCH, Grammar, Spec
from hmc_tui.hmccli.vios import VIOS_FLAGS

# Which live names a --filter name takes (the rest take numbers or free text).
FILTER_NAMES = {"lpar_names": "lpar", "profile_names": "profile", "pool_names": "pool",
                "names": "profile", "targets": "target", "user_names": "user"}


@dataclass(frozen=True)
class Word:
    """The word under the cursor: where it starts in the line, its text so far (quotes
    removed) and the quote it was opened with ("" when none)."""

    start: int
    text: str
    quote: str


def current_word(line: str, cursor: int) -> Word:
    start, quote, text = 0, "", ""
    i = 0
    head = line[:cursor]
    while i < len(head):
        ch = head[i]
        if quote:
            if ch == quote:
                quote = ""
            else:
                text += ch
        elif ch in " \t":
            start, text = i + 1, ""
        elif ch in "\"'":
            quote = ch
        elif ch == "\\" and i + 1 < len(head):
            i += 1
            text += head[i]
        else:
            text += ch
        i += 1
    opened = head[start:start + 1] if head[start:start + 1] in ("'", '"') else ""
    return Word(start, text, opened)


def complete(snapshot: Snapshot | None, line: str, cursor: int | None = None, *,
             extra_commands: Iterable[str] = ()) -> list[str]:
    """Candidates (whole words, quoted as needed) for the word at `cursor` (default: end)."""
    cursor = len(line) if cursor is None else cursor
    word = current_word(line, cursor)
    try:
        words = shlex.split(line[:word.start])
    except ValueError:
        return []
    return [_quoted(c, word.quote) for c in _candidates(snapshot, words, word.text,
                                                       extra_commands)]


def replace_word(line: str, cursor: int, candidate: str) -> tuple[str, int]:
    """The line with the word at `cursor` replaced by `candidate`, and the new cursor."""
    word = current_word(line, cursor)
    end = cursor
    while end < len(line) and line[end] not in " \t":
        end += 1
    new = line[:word.start] + candidate
    return new + line[end:], len(new)


def common_prefix(candidates: list[str]) -> str:
    if not candidates:
        return ""
    first, last = min(candidates), max(candidates)
    n = 0
    while n < len(first) and n < len(last) and first[n] == last[n]:
        n += 1
    return first[:n]


def _quoted(candidate: str, quote: str) -> str:
    if quote:
        return quote + candidate
    return candidate if not candidate or " " not in candidate else shlex.quote(candidate)


def _candidates(snapshot: Snapshot | None, words: list[str], text: str,
                extra: Iterable[str]) -> list[str]:
    if not words:
        return _prefixed((*COMMANDS, "help", *extra), text)
    if words[0] == "help" and len(words) == 1:
        return _prefixed(COMMANDS, text)
    command = COMMANDS.get(words[0])
    if command is None:
        return []
    grammar = command.grammar
    values, pending = _given(grammar, words[1:])
    spec = grammar.spec(values)
    if pending is not None:
        found = _values(snapshot, spec, pending, values, text)
        flag = grammar.flag(pending)
        if flag is None or flag.arity != OPTIONAL or not text.startswith("-"):
            return found
    return [f for f in spec.allowed if f.startswith(text) and f not in values
            and f != pending]


def _given(grammar: Grammar, words: list[str]) -> tuple[dict[str, str], str | None]:
    """The flags typed so far, and the flag whose value is being typed (if any)."""
    arities = grammar.arities
    values: dict[str, str] = {}
    pending: str | None = None
    for word in words:
        if pending is not None and (grammar.arities[pending] != OPTIONAL
                                    or word not in arities):
            values[pending], pending = word, None
            continue
        if pending is not None:  # an OPTIONAL flag followed by another flag
            values[pending], pending = "", None
        arity = arities.get(word)
        if arity is None:
            continue
        if arity == SWITCH:
            values[word] = ""
        else:
            pending = word
    return values, pending


def _prefixed(options: Iterable[str], text: str) -> list[str]:
    return [o for o in dict.fromkeys(options) if o.startswith(text)]


def _values(snapshot: Snapshot | None, spec: Spec, flag: str, values: dict[str, str],
            text: str) -> list[str]:
    if flag in spec.choices:
        return _prefixed(spec.choices[flag], text)
    kind = spec.names.get(flag, "")
    if kind == "attributes":
        return _listed(spec.attributes, text)
    if kind == "filter":
        return _filter(snapshot, spec, values, text)
    if kind == "vios_command":
        return _vios_command(text)
    return _prefixed(_names(snapshot, kind, values), text)


def _listed(options: Iterable[str], text: str) -> list[str]:
    """Completion of the last item of an -F list (`name,sta` -> `name,state`); the
    delimiter is the first character that cannot be in a name, as the parser reads it."""
    match = re.search(r"[^A-Za-z0-9_]", text)
    head, found, last = text.rpartition(match.group() if match else ",")
    prefix = head + found
    return [prefix + o for o in _prefixed(options, last)]


def _filter(snapshot: Snapshot | None, spec: Spec, values: dict[str, str],
            text: str) -> list[str]:
    """`--filter lpar_names=dev01,was01,profile_names=...`: names, then their values."""
    head, comma, last = text.rpartition(",")
    prefix = head + comma
    if "=" in last:
        name, _, partial = last.partition("=")
        options = _names(snapshot, FILTER_NAMES.get(name, ""), values)
        return [f"{prefix}{name}={o}" for o in _prefixed(options, partial)]
    used = {field.partition("=")[0] for field in head.split(",") if "=" in field}
    offered = [f"{prefix}{f}=" for f in _prefixed(spec.filters, last) if f not in used]
    current = head.rpartition("=")[0].rpartition(",")[2] if "=" in head else ""
    if current:  # more values of the filter being typed
        more = _names(snapshot, FILTER_NAMES.get(current, ""), values)
        offered += [prefix + o for o in _prefixed(more, last)]
    return offered


def _vios_command(text: str) -> list[str]:
    """Inside `-c "..."`: the VIOS commands, then their flags (declared in vios.py)."""
    head, space, last = text.rpartition(" ")
    if not space:
        return _prefixed(VIOS_FLAGS, last)
    flags = VIOS_FLAGS.get(head.split()[0], {}) if head.split() else {}
    given = set(head.split())
    return [f"{head} {f}" for f in _prefixed(flags, last) if f not in given]


def _names(snapshot: Snapshot | None, kind: str, values: dict[str, str]) -> list[str]:
    if snapshot is None or not kind:
        return []
    frame = snapshot.frame
    typed = values.get("-m", "")
    if typed and snapshot.several:  # names of the system -m named
        frame = next((f for f in snapshot.frames if typed in (f.system.name, f.mtms)), frame)
    if kind == "system":  # every managed system of the HMC
        return [key for f in snapshot.frames for key in (f.system.name, f.mtms)]
    if kind == "lpar":
        return [p.name for p in frame.partitions]
    if kind == "vios":
        return [p.name for p in frame.partitions if p.is_vios]
    if kind == "pool":
        return [p.name for p in frame.pools]
    if kind == "target":
        return ["system", *(p.name for p in frame.partitions)]
    if kind == "profile":
        owner = next((frame.partition(values[f]) for f in ("-p", "-n")
                      if f in values and frame.partition(values[f]) is not None), None)
        if owner is None and "--id" in values and values["--id"].isdecimal():
            owner = frame.partition(int(values["--id"]))
        parts = [owner] if owner is not None else frame.partitions
        return sorted({prof.name for p in parts for prof in p.profiles})
    return []
