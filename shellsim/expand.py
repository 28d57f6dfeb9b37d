"""Word expansion as bash does it for the HMC's scripts: quote removal (with `$'...'`),
parameters (`$X`, `${X}`, `${#X}`, `${X:-word}` and the other defaults, `${X#pat}`,
`${X##pat}`, `${X%pat}`, `${X%%pat}`, `$?`), command and arithmetic substitution, then field
splitting of what the unquoted expansions produced (on blanks and newlines). No pathname
globbing: the restricted user has no files, and bash leaves a pattern that matches nothing as
it is. Patterns (`case`, `${X%pat}`) are glob patterns (glob.py) in which quoted characters
stand for themselves.

The parser locates command and arithmetic substitutions (`Substitution`, by offset in the
word's text); the text between them is read here with its quotes, so that `"$X"` stays one
field and `$X` is split.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from shellsim import glob

IFS = " \t\n"
NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*|[0-9?#$!@*-]")
BRACED = re.compile(r"(#)?([A-Za-z_][A-Za-z0-9_]*|[0-9]+|[?#$!@*-])(:?[-=+?]|##?|%%?)?")
DQ_ESCAPES = '$`"\\\n'
C_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "a": "\a", "b": "\b", "e": "\x1b", "E": "\x1b",
             "f": "\f", "v": "\v", "\\": "\\", "'": "'", '"': '"', "?": "?"}


class ExpansionError(Exception):
    """`rbash: ${X?}: bad substitution` and the like; str() is the message."""


@dataclass(frozen=True)
class Piece:
    text: str
    split: bool  # the result of an unquoted expansion: subject to field splitting
    quoted: bool = False  # from quotes or a backslash: literal in a pattern


@dataclass(frozen=True)
class Substitution:
    start: int  # offsets in the word's source text
    end: int
    run: Callable[[], str]  # the command's output, or the arithmetic's value


IsSet = Callable[[str], bool]


def expand_word(text: str, subs: list[Substitution], lookup: Callable[[str], str],
                *, split: bool = True, is_set: IsSet | None = None) -> list[str]:
    """The fields of one word's source `text`; `is_set` tells a variable set to "" from an
    unset one (`${X-w}`), by default none is set to ""."""
    return _fields(_Expander(text, subs, lookup, is_set).pieces(0, len(text), split=split))


def expand_pattern(text: str, subs: list[Substitution], lookup: Callable[[str], str],
                   is_set: IsSet | None = None) -> list[glob.Token]:
    """One word's source `text` as a glob pattern (glob.py)."""
    pieces = _Expander(text, subs, lookup, is_set).pieces(0, len(text), split=False)
    return glob.tokens([(p.text, p.quoted) for p in pieces])


class _Expander:
    def __init__(self, text: str, subs: list[Substitution], lookup: Callable[[str], str],
                 is_set: IsSet | None) -> None:
        self.text = text
        self.by_start = {s.start: s for s in subs}
        self.lookup = lookup
        self.is_set = is_set or (lambda name: lookup(name) != "")

    def pieces(self, start: int, end: int, *, split: bool, quote: bool = False) -> list[Piece]:
        """The pieces of text[start:end]; `quote`: the range is inside double quotes."""
        text = self.text
        pieces: list[Piece] = []
        literal: list[str] = []

        def flush(empty_field: bool = False) -> None:
            if literal:
                pieces.append(Piece("".join(literal), False, quote))
                literal.clear()
            elif empty_field:
                pieces.append(Piece("", False, True))  # "" is an empty field, not none

        i = start
        while i < end:
            ch = text[i]
            sub = self.by_start.get(i)
            if sub is not None:
                flush()
                pieces.append(Piece(sub.run().rstrip("\n"), split and not quote, quote))
                i = sub.end
                continue
            if quote:
                if ch == '"':
                    quote = False
                    flush(True)
                elif ch == "\\" and i + 1 < end and text[i + 1] in DQ_ESCAPES:
                    literal.append(text[i + 1])
                    i += 1
                elif ch == "$":
                    found = self._dollar(i, end, split=False, quote=True)
                    if found is None:
                        literal.append(ch)
                    else:
                        flush()
                        pieces.extend(found[0])
                        i = found[1]
                        continue
                else:
                    literal.append(ch)
                i += 1
                continue
            if ch == "'":
                close = text.find("'", i + 1, end)
                close = end if close < 0 else close
                flush()
                pieces.append(Piece(text[i + 1:close], False, True))
                i = close + 1
                continue
            if ch == '"':
                quote = True
                flush()
            elif ch == "\\" and i + 1 < end:
                flush()
                pieces.append(Piece(text[i + 1], False, True))
                i += 1
            elif ch == "$" and text.startswith("'", i + 1):
                flush()
                value, i = self._ansi_c(i + 2, end)
                pieces.append(Piece(value, False, True))
                continue
            elif ch == "$" and text.startswith('"', i + 1):
                pass  # $"..." (a translated string) is "..."
            elif ch == "$":
                found = self._dollar(i, end, split=split, quote=False)
                if found is None:
                    literal.append(ch)
                else:
                    flush()
                    pieces.extend(found[0])
                    i = found[1]
                    continue
            else:
                literal.append(ch)
            i += 1
        flush()
        return pieces

    def _ansi_c(self, i: int, end: int) -> tuple[str, int]:
        """The value of $'...' whose text starts at i, and the index after its quote."""
        text = self.text
        out: list[str] = []
        while i < end and text[i] != "'":
            if text[i] == "\\" and i + 1 < end:
                nxt = text[i + 1]
                if nxt in C_ESCAPES:
                    out.append(C_ESCAPES[nxt])
                    i += 2
                    continue
                m = re.match(r"x([0-9A-Fa-f]{1,2})|([0-7]{1,3})", text[i + 1:i + 4])
                if m:
                    out.append(chr(int(m.group(1), 16) if m.group(1) else int(m.group(2), 8)))
                    i += 1 + m.end()
                    continue
            out.append(text[i])
            i += 1
        return "".join(out), i + 1

    def _close(self, i: int, end: int) -> int:
        """The index of the `}` closing the `${` at text[i]; -1 if none."""
        text = self.text
        depth = 0
        j = i + 2
        quote = False
        while j < end:
            sub = self.by_start.get(j)
            if sub is not None:
                j = sub.end
                continue
            ch = text[j]
            if ch == "\\":
                j += 2
                continue
            if ch == '"':
                quote = not quote
            elif ch == "'" and not quote:
                close = text.find("'", j + 1, end)
                j = end if close < 0 else close
            elif text.startswith("${", j):
                depth += 1
                j += 1
            elif ch == "}":
                if depth == 0:
                    return j
                depth -= 1
            j += 1
        return -1

    def _dollar(self, i: int, end: int, *, split: bool, quote: bool
                ) -> tuple[list[Piece], int] | None:
        """The pieces of the parameter at text[i] == '$', and the index after it; None: a
        lone $."""
        text = self.text
        if not text.startswith("${", i):
            m = NAME.match(text, i + 1, end)
            if m is None:
                return None
            return [Piece(self.lookup(m.group()), split, quote)], m.end()
        close = self._close(i, end)
        if close < 0:
            raise ExpansionError(f"{text[i:end]}: bad substitution")
        m = BRACED.match(text, i + 2, close)
        if m is None or (m.group(3) is None and m.end() != close) \
                or (m.group(1) and m.group(3)):
            raise ExpansionError(f"{text[i:close + 1]}: bad substitution")
        length, name, op = m.groups()
        value = self.lookup(name)
        after = close + 1
        if length:
            return [Piece(str(len(value)), split, quote)], after
        if op is None:
            return [Piece(value, split, quote)], after
        word_start = m.end()
        if op[0] in "#%":
            # outer double quotes do not quote a pattern: `"${X%,*}"` strips `,` and the rest
            pieces = self.pieces(word_start, close, split=False)
            pattern = glob.tokens([(p.text, p.quoted) for p in pieces])
            try:
                return [Piece(glob.strip(pattern, value, op), split, quote)], after
            except glob.GlobTooLong:
                raise ExpansionError(f"{text[i:close + 1]}: the value is too long to match "
                                     f"({len(value)} characters; at most {glob.MAX_TEXT})"
                                     ) from None
        # `:-` and the other colon forms test for unset or empty, `-` and the rest for unset
        unset_or_empty = value == "" if op[0] == ":" else not self.is_set(name)
        if op[-1] in "-=":
            if unset_or_empty:
                return self.pieces(word_start, close, split=split, quote=quote), after
        elif op[-1] == "+":
            if unset_or_empty:
                return [], after
            return self.pieces(word_start, close, split=split, quote=quote), after
        elif op[-1] == "?" and unset_or_empty:
            word = "".join(p.text for p in self.pieces(word_start, close, split=False,
                                                          quote=quote))
            raise ExpansionError(f"{name}: {word or 'parameter null or not set'}")
        return [Piece(value, split, quote)], after


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
