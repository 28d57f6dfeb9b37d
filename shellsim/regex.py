"""POSIX regular expressions (basic and extended) as Python `re` patterns.

grep and sed read basic expressions (BRE) unless told -E: there `\\(`, `\\)`, `\\{`, `\\}`,
`\\|`, `\\+` and `\\?` are the operators and the bare characters are literal; egrep, grep -E and
awk read extended ones (ERE), which are Python's own syntax but for the bracket classes
(`[[:digit:]]`), translated here in both.
"""

from __future__ import annotations

import re

CLASSES = {
    "alnum": "A-Za-z0-9", "alpha": "A-Za-z", "digit": "0-9", "lower": "a-z", "upper": "A-Z",
    "space": r" \t\n\r\f\v", "blank": r" \t", "punct": r"!-/:-@\[-`{-~", "xdigit": "0-9A-Fa-f",
    "print": r" -~", "graph": r"!-~", "cntrl": r"\x00-\x1f\x7f",
}
BRE_OPERATORS = "(){}|+?"


class RegexError(Exception):
    """A pattern that does not compile; str() is the reason."""


def _bracket(pattern: str, i: int) -> tuple[str, int]:
    """The bracket expression starting at pattern[i] == '[' as Python text, and its end."""
    j = i + 1
    out = "["
    if j < len(pattern) and pattern[j] == "^":
        out += "^"
        j += 1
    if j < len(pattern) and pattern[j] == "]":
        out += r"\]"
        j += 1
    while j < len(pattern) and pattern[j] != "]":
        if pattern.startswith("[:", j):
            end = pattern.find(":]", j + 2)
            name = pattern[j + 2:end] if end > 0 else ""
            if name not in CLASSES:
                raise RegexError(f"invalid character class {name!r}")
            out += CLASSES[name]
            j = end + 2
            continue
        ch = pattern[j]
        out += "\\" + ch if ch in "\\[" else ch
        j += 1
    if j >= len(pattern):
        raise RegexError("Unmatched [, [^, [:, [., or [=")
    return out + "]", j + 1


def translate(pattern: str, *, extended: bool) -> str:
    out: list[str] = []
    i = 0
    while i < len(pattern):
        ch = pattern[i]
        if ch == "[":
            text, i = _bracket(pattern, i)
            out.append(text)
            continue
        if ch == "\\" and i + 1 < len(pattern):
            nxt = pattern[i + 1]
            if not extended and nxt in BRE_OPERATORS:
                out.append(nxt)  # \( in a BRE is the group operator
            elif nxt in "<>":
                out.append(r"\b")
            else:
                out.append("\\" + nxt)
            i += 2
            continue
        if not extended and ch in BRE_OPERATORS:
            out.append("\\" + ch)
        elif not extended and ch == "*" and (not out or out[-1] in ("^", "(")):
            out.append(r"\*")  # a leading * is literal in a BRE
        else:
            out.append(ch)
        i += 1
    return "".join(out)


def compile_posix(pattern: str, *, extended: bool, ignore_case: bool = False,
                  word: bool = False, line: bool = False) -> re.Pattern[str]:
    text = translate(pattern, extended=extended)
    if word:
        text = rf"(?<![A-Za-z0-9_])(?:{text})(?![A-Za-z0-9_])"
    if line:
        text = rf"^(?:{text})$"
    try:
        return re.compile(text, re.IGNORECASE if ignore_case else 0)
    except re.error as exc:
        raise RegexError(str(exc)) from None
