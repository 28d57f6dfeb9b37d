"""Shell arithmetic, `$((...))` and `((...))`, on 64-bit signed integers as bash does it.

A small precedence-climbing evaluator over the already-expanded text: numbers (decimal, 0x
hex, 0 octal), variables (a value that is itself an expression is evaluated, a bounded number
of levels), unary `+ - ! ~`, `**`, `* / %`, `+ -`, `<< >>`, comparisons, `& ^ |`, `&& ||`,
`?:` and parentheses. Assignments (`=`, `+=`, `++`) are refused: this shell's scripts count
with `$((N + 1))`. Nothing is ever handed to Python's eval.
"""

from __future__ import annotations

import re
from collections.abc import Callable

_TOKEN = re.compile(r"\s*(0[xX][0-9A-Fa-f]+|\d+|[A-Za-z_][A-Za-z0-9_]*|\*\*|<<|>>|<=|>=|==|!=|"
                    r"&&|\|\||\+\+|--|[-+*/%<>=!~&^|?:(),]=?|\S)")
_BINARY: dict[str, tuple[int, Callable[[int, int], int]]] = {
    "||": (1, lambda a, b: int(bool(a) or bool(b))),
    "&&": (2, lambda a, b: int(bool(a) and bool(b))),
    "|": (3, lambda a, b: a | b), "^": (4, lambda a, b: a ^ b), "&": (5, lambda a, b: a & b),
    "==": (6, lambda a, b: int(a == b)), "!=": (6, lambda a, b: int(a != b)),
    "<": (7, lambda a, b: int(a < b)), "<=": (7, lambda a, b: int(a <= b)),
    ">": (7, lambda a, b: int(a > b)), ">=": (7, lambda a, b: int(a >= b)),
    "<<": (8, lambda a, b: a << (b & 63)), ">>": (8, lambda a, b: a >> (b & 63)),
    "+": (9, lambda a, b: a + b), "-": (9, lambda a, b: a - b),
    "*": (10, lambda a, b: a * b), "/": (10, lambda a, b: _divide(a, b)[0]),
    "%": (10, lambda a, b: _divide(a, b)[1]),
}
_ASSIGN = frozenset({"=", "+=", "-=", "*=", "/=", "%=", "&=", "^=", "|=", "<<=", ">>=", "++",
                     "--"})
MAX_DEPTH = 64  # nested parentheses/operators, and variables holding expressions


class ArithError(Exception):
    """bash's message, e.g. `1/0: division by 0 (error token is "0")`."""


def _wrap(n: int) -> int:
    n &= (1 << 64) - 1
    return n - (1 << 64) if n >> 63 else n


def _divide(a: int, b: int) -> tuple[int, int]:
    if b == 0:
        raise ZeroDivisionError
    q = abs(a) // abs(b) * (1 if (a < 0) == (b < 0) else -1)  # C truncates toward zero
    return q, a - b * q


def evaluate(text: str, lookup: Callable[[str], str], level: int = 0) -> int:
    """The value of the expression `text` (empty: 0)."""
    return _Parser(text, lookup, level).run()


class _Parser:
    def __init__(self, text: str, lookup: Callable[[str], str], level: int) -> None:
        self.text = text
        self.lookup = lookup
        self.level = level
        self.tokens: list[tuple[str, int]] = []  # (token, offset of what follows it)
        pos = 0
        while True:
            m = _TOKEN.match(text, pos)
            if m is None or not m.group(1):
                break
            self.tokens.append((m.group(1), m.start(1)))
            pos = m.end()
        self.i = 0

    def _fail(self, what: str) -> ArithError:
        # bash names the rest of the expression from the token it stopped at (the last one
        # when it ran out of tokens)
        at = min(self.i, len(self.tokens) - 1)
        rest = self.text[self.tokens[at][1]:].strip() if at >= 0 else ""
        return ArithError(f"{self.text.strip()}: {what} (error token is \"{rest}\")")

    def _peek(self) -> str:
        return self.tokens[self.i][0] if self.i < len(self.tokens) else ""

    def run(self) -> int:
        if not self.tokens:
            return 0
        value = self._expr(0, 0)
        if self.i < len(self.tokens):
            raise self._fail("syntax error in expression")
        return value

    def _expr(self, min_prec: int, depth: int) -> int:
        if depth > MAX_DEPTH:
            raise self._fail("expression nested too deeply")
        left = self._unary(depth + 1)
        while True:
            op = self._peek()
            if op in _ASSIGN:
                raise self._fail("assignment: not supported")
            if op == "?" and min_prec == 0:
                self.i += 1
                yes = self._expr(0, depth + 1)
                if self._peek() != ":":
                    raise self._fail("`:' expected for conditional expression")
                self.i += 1
                no = self._expr(0, depth + 1)
                left = yes if left else no
                continue
            if op == "**":  # right-associative, above the multiplications
                self.i += 1
                exponent = self._expr(11, depth + 1)
                if exponent < 0:
                    raise self._fail("exponent less than 0")
                left = _wrap(pow(left, exponent, 1 << 64))
                continue
            entry = _BINARY.get(op)
            if entry is None or entry[0] < max(min_prec, 1):
                return left
            self.i += 1
            right = self._expr(entry[0] + 1, depth + 1)
            try:
                left = _wrap(entry[1](left, right))
            except ZeroDivisionError:
                self.i -= 1
                raise self._fail("division by 0") from None

    def _unary(self, depth: int) -> int:
        if depth > MAX_DEPTH:
            raise self._fail("expression nested too deeply")
        token = self._peek()
        if token in ("-", "+", "!", "~"):
            self.i += 1
            value = self._unary(depth + 1)
            return {"-": _wrap(-value), "+": value, "!": int(not value), "~": ~value}[token]
        if token in ("++", "--"):
            raise self._fail("assignment: not supported")
        if token == "(":
            self.i += 1
            value = self._expr(0, depth + 1)
            if self._peek() != ")":
                raise self._fail("missing `)'")
            self.i += 1
            return value
        if not token:
            raise self._fail("syntax error: operand expected")
        self.i += 1
        if token[0].isdigit():
            return self._number(token)
        if token[0].isalpha() or token[0] == "_":
            return self._variable(token)
        self.i -= 1
        raise self._fail("syntax error: operand expected")

    def _number(self, token: str) -> int:
        try:
            if token[:2] in ("0x", "0X"):
                return _wrap(int(token, 16))
            if len(token) > 1 and token[0] == "0":
                return _wrap(int(token, 8))
            return _wrap(int(token))
        except ValueError:
            self.i -= 1
            raise self._fail("value too great for base") from None

    def _variable(self, name: str) -> int:
        value = self.lookup(name).strip()
        if not value:
            return 0
        if re.fullmatch(r"-?\d+", value):
            return _wrap(int(value))
        if self.level >= MAX_DEPTH // 8:
            raise ArithError(f"{name}: expression recursion level exceeded")
        return evaluate(value, self.lookup, self.level + 1)
