"""Glob patterns (`case`, `${X#pat}`): `*`, `?`, `[...]` / `[!...]`, quoted characters literal.

Matched by simulating the pattern as a set of positions over the text, one character at a
time: time is (text length) x (pattern length) whatever the pattern, where a regular
expression translated from `*a*a*a*b` backtracks for minutes on a long value. One pass gives
every prefix length that matches, which `${X#pat}` and `${X##pat}` need; suffixes are the
same pass over the reversed text and pattern.
"""

from __future__ import annotations

from dataclasses import dataclass

MAX_TEXT = 1024 * 1024  # characters matched against one pattern


class GlobTooLong(Exception):
    """A text longer than MAX_TEXT."""


@dataclass(frozen=True)
class Token:
    kind: str  # "char", "any" (?), "star" (*), "class" ([...])
    chars: str = ""  # the character, or the class's members (ranges expanded lazily)
    negate: bool = False

    def accepts(self, ch: str) -> bool:
        if self.kind == "any":
            return True
        if self.kind == "char":
            return ch == self.chars
        return _in_class(self.chars, ch) != self.negate


def _in_class(members: str, ch: str) -> bool:
    i = 0
    while i < len(members):
        if i + 2 < len(members) and members[i + 1] == "-":
            if members[i] <= ch <= members[i + 2]:
                return True
            i += 3
            continue
        if members[i] == ch:
            return True
        i += 1
    return False


def tokens(pieces: list[tuple[str, bool]]) -> list[Token]:
    """The pattern of (text, quoted) pieces: quoted text, and a backslash's next character,
    stand for themselves."""
    out: list[Token] = []
    for text, quoted in pieces:
        if quoted:
            out.extend(Token("char", ch) for ch in text)
            continue
        i = 0
        while i < len(text):
            ch = text[i]
            if ch == "*":
                if not out or out[-1].kind != "star":  # ** is *
                    out.append(Token("star"))
            elif ch == "?":
                out.append(Token("any"))
            elif ch == "\\" and i + 1 < len(text):
                i += 1
                out.append(Token("char", text[i]))
            elif ch == "[":
                negate = text[i + 1:i + 2] in ("!", "^")
                first = i + 2 if negate else i + 1
                end = text.find("]", first + 1 if text[first:first + 1] == "]" else first)
                if end < 0:
                    out.append(Token("char", ch))
                else:
                    out.append(Token("class", text[first:end], negate))
                    i = end
            else:
                out.append(Token("char", ch))
            i += 1
    return out


def _close(states: set[int], pattern: list[Token]) -> set[int]:
    """The states reachable without reading: a star may match nothing."""
    found = set(states)
    stack = list(states)
    while stack:
        i = stack.pop()
        if i < len(pattern) and pattern[i].kind == "star" and i + 1 not in found:
            found.add(i + 1)
            stack.append(i + 1)
    return found


def prefix_ends(pattern: list[Token], text: str) -> list[int]:
    """Every k (ascending) for which text[:k] matches the whole pattern."""
    if len(text) > MAX_TEXT:
        raise GlobTooLong
    end = len(pattern)
    states = _close({0}, pattern)
    found = [0] if end in states else []
    for k, ch in enumerate(text, start=1):
        moved = set()
        for i in states:
            if i < end:
                token = pattern[i]
                if token.kind == "star":
                    moved.add(i)
                elif token.accepts(ch):
                    moved.add(i + 1)
        if not moved:
            break
        states = _close(moved, pattern)
        if end in states:
            found.append(k)
    return found


def matches(pattern: list[Token], text: str) -> bool:
    ends = prefix_ends(pattern, text)
    return bool(ends) and ends[-1] == len(text)


def strip(pattern: list[Token], value: str, op: str) -> str:
    """`${X#p}` (shortest prefix), `##` (longest), `%` (shortest suffix), `%%` (longest)."""
    if op[0] == "#":
        ends = prefix_ends(pattern, value)
        if not ends:
            return value
        return value[ends[-1] if op == "##" else ends[0]:]
    ends = prefix_ends(list(reversed(pattern)), value[::-1])
    if not ends:
        return value
    cut = ends[-1] if op == "%%" else ends[0]
    return value[:len(value) - cut]
