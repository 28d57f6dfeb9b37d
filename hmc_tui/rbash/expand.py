"""Word expansion as bash does it for the HMC's scripts: quote removal, parameters (`$X`,
`${X}`, `${X:-word}`, `$?`), command substitution, then field splitting of what the unquoted
expansions produced (on blanks and newlines). No globbing: the restricted user has no files,
and bash leaves a pattern that matches nothing as it is.

The parser (bashlex) locates command substitutions; the text between them is read here with
its quotes, so that `"$X"` stays one field and `$X` is split.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

IFS = " \t\n"
NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*|[0-9?#$!@*-]")
BRACED = re.compile(r"\{(#?)([A-Za-z_][A-Za-z0-9_]*|[0-9?#$!@*])(?:(:?[-=+?])([^}]*))?\}")
DQ_ESCAPES = '$`"\\\n'


class ExpansionError(Exception):
    """`rbash: ${X?}: bad substitution` and the like; str() is the message."""


@dataclass(frozen=True)
class Piece:
    text: str
    split: bool  # the result of an unquoted expansion: subject to field splitting


@dataclass(frozen=True)
class Substitution:
    start: int  # offsets in the word's source text
    end: int
    run: Callable[[], str]  # the command's output


def _parameter(text: str, i: int, lookup: Callable[[str], str]) -> tuple[str, int] | None:
    """The value of the parameter at text[i] == '$', and the index after it; None: a lone $."""
    if text.startswith("${", i):
        m = BRACED.match(text, i + 1)
        if m is None:
            end = text.find("}", i)
            raise ExpansionError(f"{text[i:end + 1] if end > 0 else text[i:]}: bad substitution")
        length, name, op, word = m.groups()
        value = lookup(name)
        if length:
            value = str(len(value))
        elif op:
            empty = value == "" if op.startswith(":") else False
            kind = op[-1]
            if kind in "-=" and (empty or value == ""):
                value = word
            elif kind == "+":
                value = word if value != "" else ""
            elif kind == "?" and value == "":
                raise ExpansionError(f"{name}: {word or 'parameter null or not set'}")
        return value, m.end()
    m = NAME.match(text, i + 1)
    if m is None:
        return None
    return lookup(m.group()), m.end()


def expand_word(text: str, subs: list[Substitution], lookup: Callable[[str], str],
                *, split: bool = True) -> list[str]:
    """The fields of one word's source `text`."""
    pieces: list[Piece] = []
    by_start = {s.start: s for s in subs}
    i = 0
    quote = ""  # '"' inside double quotes
    literal: list[str] = []

    def flush(quoted: bool) -> None:
        if literal:
            pieces.append(Piece("".join(literal), False))
            literal.clear()
        elif quoted:
            pieces.append(Piece("", False))  # "" is an empty field, not none

    while i < len(text):
        ch = text[i]
        sub = by_start.get(i)
        if sub is not None:
            flush(False)
            out = sub.run().rstrip("\n")
            pieces.append(Piece(out, split and not quote))
            i = sub.end
            continue
        if quote:
            if ch == '"':
                quote = ""
                flush(True)
            elif ch == "\\" and i + 1 < len(text) and text[i + 1] in DQ_ESCAPES:
                literal.append(text[i + 1])
                i += 1
            elif ch == "$":
                found = _parameter(text, i, lookup)
                if found is None:
                    literal.append(ch)
                else:
                    flush(False)
                    pieces.append(Piece(found[0], False))
                    i = found[1]
                    continue
            else:
                literal.append(ch)
            i += 1
            continue
        if ch == "'":
            end = text.find("'", i + 1)
            end = len(text) if end < 0 else end
            literal.append(text[i + 1:end])
            flush(True)
            i = end + 1
            continue
        if ch == '"':
            quote = '"'
            flush(False)
        elif ch == "\\" and i + 1 < len(text):
            literal.append(text[i + 1])
            i += 1
        elif ch == "$":
            found = _parameter(text, i, lookup)
            if found is None:
                literal.append(ch)
            else:
                flush(False)
                pieces.append(Piece(found[0], split))
                i = found[1]
                continue
        else:
            literal.append(ch)
        i += 1
    flush(False)
    return _fields(pieces)


def _fields(pieces: list[Piece]) -> list[str]:
    fields: list[str] = []
    current: list[str] = []
    started = False
    for piece in pieces:
        if not piece.split:
            current.append(piece.text)
            started = True
            continue
        for ch in piece.text:
            if ch in IFS:
                if started:
                    fields.append("".join(current))
                    current, started = [], False
            else:
                current.append(ch)
                started = True
    if started:
        fields.append("".join(current))
    return fields
