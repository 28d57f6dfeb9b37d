"""The part of awk HMC scripts use: field printing with patterns.

`awk [-F SEP] [-v VAR=VALUE] 'PROGRAM'` where PROGRAM is `pattern { action }` items with
BEGIN/END, patterns `/re/`, `!/re/`, comparisons (`NR>1`, `$2=="Running"`, `$1 ~ /re/`)
joined by && and ||, and actions of `print` (comma list or concatenation), `printf` and
assignments (`FS=","`, `n=n+1`), with `$N`, `$NF`, NR, NF, FS, OFS, arithmetic and
length/toupper/tolower. Anything else is a syntax error, as awk reports one: `awk: line 1:
syntax error at or near X`, status 2.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from shellsim.filterbase import FilterError, Output, no_files, parse_opts
from shellsim.regex import RegexError, compile_posix

TOKEN = re.compile(r"""
    (?P<space>[ \t]+) | (?P<nl>[\n;]) |
    (?P<num>\d+(?:\.\d*)?) | (?P<str>"(?:[^"\\]|\\.)*") |
    (?P<name>[A-Za-z_][A-Za-z0-9_]*) |
    (?P<op>==|!=|<=|>=|&&|\|\||!~|\+\+|--|[-+*/]=|[-+*/%<>!~=${}(),])
""", re.VERBOSE)
Node = tuple[Any, ...]


class AwkError(Exception):
    pass


def _tokens(program: str) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    i = 0
    while i < len(program):
        if program[i] == "/" and (not out or (out[-1][0] in ("nl", "op") and out[-1][1] in
                                  ("nl", "(", ",", "!", "~", "!~", "&&", "||", "{", ";", "}"))
                                  or out[-1][0] == "nl"):
            end = i + 1
            while end < len(program) and program[end] != "/":
                end += 2 if program[end] == "\\" else 1
            if end >= len(program):
                raise AwkError("runaway regular expression")
            out.append(("re", program[i + 1:end]))
            i = end + 1
            continue
        m = TOKEN.match(program, i)
        if m is None:
            raise AwkError(f"syntax error at or near {program[i]}")
        kind = m.lastgroup or ""
        if kind != "space":
            out.append((kind, m.group()))
        i = m.end()
    return out


class _Parser:
    def __init__(self, tokens: list[tuple[str, str]]) -> None:
        self.t = tokens
        self.i = 0

    def peek(self) -> tuple[str, str]:
        return self.t[self.i] if self.i < len(self.t) else ("eof", "")

    def take(self, value: str | None = None) -> tuple[str, str]:
        tok = self.peek()
        if value is not None and tok[1] != value:
            raise AwkError(f"syntax error at or near {tok[1] or 'end of file'}")
        self.i += 1
        return tok

    def skip_nl(self) -> None:
        while self.peek()[0] == "nl":
            self.i += 1

    def program(self) -> list[tuple[Node | str | None, list[Node]]]:
        items: list[tuple[Node | str | None, list[Node]]] = []
        self.skip_nl()
        while self.peek()[0] != "eof":
            pattern: Node | str | None = None
            if self.peek()[1] in ("BEGIN", "END"):
                pattern = self.take()[1]
            elif self.peek()[1] != "{":
                pattern = self.expr()
            action = self.block() if self.peek()[1] == "{" else [("print", [])]
            items.append((pattern, action))
            self.skip_nl()
        return items

    def block(self) -> list[Node]:
        self.take("{")
        stmts: list[Node] = []
        self.skip_nl()
        while self.peek()[1] != "}":
            stmts.append(self.statement())
            self.skip_nl()
        self.take("}")
        return stmts

    def statement(self) -> Node:
        kind, value = self.peek()
        if value in ("print", "printf"):
            self.take()
            args: list[Node] = []
            if self.peek()[0] not in ("nl", "eof") and self.peek()[1] != "}":
                args.append(self.expr())
                while self.peek()[1] == ",":
                    self.take()
                    args.append(self.expr())
            return (value, args)
        following = self.t[self.i + 1][1] if self.i + 1 < len(self.t) else ""
        if kind == "name" and following == "=":
            self.i += 2
            return ("set", value, self.expr())
        if kind == "name" and following in ("+=", "-=", "*=", "/="):
            self.i += 2
            return ("set", value, (following[0], ("var", value), self.expr()))
        if kind == "name" and self.t[self.i + 1:self.i + 2] in ([("op", "++")], [("op", "--")]):
            self.i += 2
            return ("set", value, ("+" if self.t[self.i - 1][1] == "++" else "-",
                                   ("var", value), ("num", 1.0)))
        return ("expr", self.expr())

    # precedence climbing: || && comparison/match concatenation additive multiplicative unary
    def expr(self) -> Node:
        node = self.and_()
        while self.peek()[1] == "||":
            self.take()
            node = ("||", node, self.and_())
        return node

    def and_(self) -> Node:
        node = self.compare()
        while self.peek()[1] == "&&":
            self.take()
            node = ("&&", node, self.compare())
        return node

    def compare(self) -> Node:
        node = self.concat()
        if self.peek()[1] in ("==", "!=", "<", ">", "<=", ">=", "~", "!~"):
            op = self.take()[1]
            if op in ("~", "!~") and self.peek()[0] == "re":
                return (op, node, ("re", self.take()[1]))  # the regex itself, not $0 ~ it
            node = (op, node, self.concat())
        return node

    def concat(self) -> Node:
        node = self.additive()
        while (self.peek()[0] in ("num", "str", "name", "re")
               or self.peek()[1] in ("$", "(", "!", "-")) and self.peek()[1] not in (
                   "print", "printf"):
            if self.peek()[1] == "-":
                break
            node = ("cat", node, self.additive())
        return node

    def additive(self) -> Node:
        node = self.term()
        while self.peek()[1] in ("+", "-"):
            op = self.take()[1]
            node = (op, node, self.term())
        return node

    def term(self) -> Node:
        node = self.unary()
        while self.peek()[1] in ("*", "/", "%"):
            op = self.take()[1]
            node = (op, node, self.unary())
        return node

    def unary(self) -> Node:
        kind, value = self.take()
        if value == "!":
            return ("not", self.unary())
        if value == "-":
            return ("-", ("num", 0.0), self.unary())
        if value == "$":
            return ("field", self.primary_after_dollar())
        if value == "(":
            node = self.expr()
            self.take(")")
            return node
        if kind == "num":
            return ("num", float(value))
        if kind == "str":
            return ("str", _unescape(value[1:-1]))
        if kind == "re":
            return ("match", ("field", ("num", 0.0)), ("re", value))
        if kind == "name":
            if self.peek()[1] == "(" and value in FUNCTIONS:
                self.take("(")
                arg = self.expr() if self.peek()[1] != ")" else ("field", ("num", 0.0))
                self.take(")")
                return ("call", value, arg)
            return ("var", value)
        raise AwkError(f"syntax error at or near {value or 'end of file'}")

    def primary_after_dollar(self) -> Node:
        kind, value = self.take()
        if kind == "num":
            return ("num", float(value))
        if kind == "name":
            return ("var", value)
        if value == "(":
            node = self.expr()
            self.take(")")
            return node
        raise AwkError(f"syntax error at or near {value or 'end of file'}")


def _unescape(text: str) -> str:
    return re.sub(r"\\(.)", lambda m: {"n": "\n", "t": "\t"}.get(m.group(1), m.group(1)), text)


FUNCTIONS: dict[str, Callable[[str], object]] = {
    "length": len, "toupper": str.upper, "tolower": str.lower}


def _num(value: object) -> float:
    if isinstance(value, float):
        return value
    m = re.match(r"\s*[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?", str(value))
    return float(m.group()) if m else 0.0


def _str(value: object) -> str:
    if isinstance(value, float):
        return str(int(value)) if value == int(value) else f"{value:.6g}"
    return str(value)


def _looks_numeric(value: object) -> bool:
    return isinstance(value, float) or bool(
        re.fullmatch(r"\s*[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?\s*", str(value)))


@dataclass
class _State:
    vars: dict[str, object] = field(default_factory=lambda: {"FS": " ", "OFS": " ", "NR": 0.0})
    fields: list[str] = field(default_factory=list)
    line: str = ""
    out: list[str] = field(default_factory=list)

    def split(self, line: str) -> None:
        self.line = line
        fs = _str(self.vars["FS"])
        self.fields = line.split() if fs == " " else (
            line.split(fs) if len(fs) == 1 else re.split(fs, line)) if line else []
        self.vars["NF"] = float(len(self.fields))

    def field(self, n: int) -> str:
        if n == 0:
            return self.line
        return self.fields[n - 1] if 0 < n <= len(self.fields) else ""

    def eval(self, node: Node) -> object:
        op = node[0]
        if op == "num" or op == "str":
            return node[1]
        if op == "var":
            return self.vars.get(node[1], "")
        if op == "field":
            return self.field(int(_num(self.eval(node[1]))))
        if op == "call":
            return FUNCTIONS[node[1]](_str(self.eval(node[2])))
        if op == "not":
            return float(not _truth(self.eval(node[1])))
        if op == "||":
            return float(_truth(self.eval(node[1])) or _truth(self.eval(node[2])))
        if op == "&&":
            return float(_truth(self.eval(node[1])) and _truth(self.eval(node[2])))
        if op in ("match", "~", "!~"):
            pattern = node[2]
            text = pattern[1] if pattern[0] == "re" else _str(self.eval(pattern))
            try:
                found = compile_posix(text, extended=True).search(_str(self.eval(node[1])))
            except RegexError as exc:
                raise AwkError(f"regular expression /{text}/: {exc}") from None
            return float((found is not None) != (op == "!~"))
        if op == "cat":
            return _str(self.eval(node[1])) + _str(self.eval(node[2]))
        a, b = self.eval(node[1]), self.eval(node[2])
        if op in ("==", "!=", "<", ">", "<=", ">="):
            left: Any
            right: Any
            left, right = ((_num(a), _num(b)) if _looks_numeric(a) and _looks_numeric(b)
                           else (_str(a), _str(b)))
            return float({"==": left == right, "!=": left != right, "<": left < right,
                          ">": left > right, "<=": left <= right, ">=": left >= right}[op])
        x, y = _num(a), _num(b)
        if op in ("/", "%") and y == 0:
            raise AwkError("division by zero")
        return {"+": x + y, "-": x - y, "*": x * y, "/": x / y if y else 0.0,
                "%": x % y if y else 0.0}[op]

    def run(self, stmts: list[Node]) -> None:
        for stmt in stmts:
            if stmt[0] == "print":
                values = [_str(self.eval(a)) for a in stmt[1]] or [self.line]
                self.out.append(_str(self.vars["OFS"]).join(values) + "\n")
            elif stmt[0] == "printf":
                if not stmt[1]:
                    raise AwkError("printf: no format")
                fmt = _str(self.eval(stmt[1][0]))
                self.out.append(c_format(fmt, [self.eval(a) for a in stmt[1][1:]]))
            elif stmt[0] == "set":
                self.vars[stmt[1]] = self.eval(stmt[2])
            else:
                self.eval(stmt[1])


def _truth(value: object) -> bool:
    if isinstance(value, float):
        return value != 0
    return value != "" and (not _looks_numeric(value) or _num(value) != 0)


def c_format(fmt: str, args: list[object]) -> str:
    """printf's format: %s %d %i %f %x %c %% with flags and widths."""
    values = list(args)

    def one(m: re.Match[str]) -> str:
        spec, conv = m.group(1), m.group(2)
        if conv == "%":
            return "%"
        value = values.pop(0) if values else ""
        if conv in "di":
            return f"%{spec}d" % int(_num(value))
        if conv in "feEgGxXo":
            return f"%{spec}{conv}" % (int(_num(value)) if conv in "xXo" else _num(value))
        if conv == "c":
            return _str(value)[:1]
        return f"%{spec}s" % _str(value)

    return re.sub(r"%([-+ 0#]*\d*(?:\.\d+)?)([sdifeEgGxXoc%])", one, fmt)


def awk(name: str, args: list[str], stdin: str) -> Output:
    opts, rest = parse_opts(name, args, "F:v:")
    if not rest:
        raise FilterError(name, "usage: awk [-F fs][-v var=value][prog | -f progfile][file ...]")
    program, files = rest[0], rest[1:]
    missing = no_files(name, files, 2)
    if missing:
        return missing
    state = _State()
    for o, v in opts:
        if o == "-F":
            state.vars["FS"] = "\t" if v == "t" else _unescape(v)
        else:
            var, _, value = v.partition("=")
            state.vars[var] = _unescape(value)
    try:
        items = _Parser(_tokens(program)).program()
        for pattern, action in items:
            if pattern == "BEGIN":
                state.run(action)
        for n, line in enumerate(stdin.splitlines(), start=1):
            state.vars["NR"] = float(n)
            state.split(line)
            for pattern, action in items:
                if pattern in ("BEGIN", "END"):
                    continue
                if pattern is None or (isinstance(pattern, tuple) and _truth(state.eval(pattern))):
                    state.run(action)
        for pattern, action in items:
            if pattern == "END":
                state.run(action)
    except AwkError as exc:
        return "".join(state.out), f"awk: line 1: {exc}\n", 2
    return "".join(state.out), "", 0
