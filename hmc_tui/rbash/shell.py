"""The HMC's restricted shell (rbash) for one session: parse a line, interpret it in Python.

`Rbash(run_hmc, hmc_commands, user=...)` keeps the session's variables and `$?`; `run(line)`
returns the line's stdout, stderr and exit status. HMC commands go to `run_hmc(words)`; the
filters are in filters.py, `echo`, `date`, `uname`, ... in builtins.py, word expansion in
expand.py; lists, pipelines, loops and the commands' dispatch are here. Nothing ever reaches
a real shell or the file system.

The line is parsed by bashlex (a port of bash's own grammar) into its AST; this module walks
that tree. What rbash refuses is refused with bash's words: redirection to files, `cd`, the
readonly PATH/SHELL/ENV/BASH_ENV; what this shell does not model (functions, here-documents,
arithmetic) is a one-line `rbash: ...: not supported` with status 2. Every line is bounded:
its length, its nesting, loop iterations, the output it may produce and, when given, its run
time, so that no input can stall the service.
"""

from __future__ import annotations

import os
import re
import time
from collections.abc import Callable, Container
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

import bashlex  # type: ignore[import-untyped]
import bashlex.errors  # type: ignore[import-untyped]

from hmc_tui.rbash.builtins import READONLY, Abort, Builtins, Exit
from hmc_tui.rbash.expand import ExpansionError, Substitution, expand_word
from hmc_tui.rbash.filters import FILTERS, Filter, FilterError

MB = 1024 * 1024


class Output(Protocol):
    @property
    def stdout(self) -> str: ...
    @property
    def stderr(self) -> str: ...
    @property
    def exit_code(self) -> int: ...


@dataclass(frozen=True)
class Result:
    stdout: str = ""
    stderr: str = ""
    exit_code: int = 0


@dataclass(frozen=True)
class Limits:
    max_line: int = 64 * 1024  # characters in one command line
    max_depth: int = 32  # nested substitutions, loops, groups
    max_iterations: int = 10_000  # loop bodies run for one line, in all
    max_output: int = 16 * MB  # characters produced for one line, every stage counted
    max_seconds: float | None = None  # run time of one line


@dataclass
class _Run:
    """One line's bookkeeping."""

    produced: int = 0
    iterations: int = 0
    deadline: float | None = None
    errors: list[str] = field(default_factory=list)


class Rbash(Builtins):
    def __init__(self, run_hmc: Callable[[list[str]], Output], hmc_commands: Container[str], *,
                 user: str, hostname: Callable[[], str] = lambda: "hmc",
                 clock: Callable[[], datetime] = lambda: datetime.now().astimezone(),
                 limits: Limits | None = None, interactive: bool = False) -> None:
        self.run_hmc = run_hmc
        self.hmc_commands = hmc_commands
        self.user = user
        self.hostname = hostname
        self.clock = clock
        self.limits = limits or Limits()
        self.interactive = interactive
        self.vars: dict[str, str] = {"USER": user, "LOGNAME": user, "HOME": f"/home/{user}",
                                     "PATH": "/hmcrbin", "SHELL": "/bin/rbash", "PWD":
                                     f"/home/{user}"}
        self.status = 0
        self.exited = False  # `exit` or `logout` ran: an interactive session ends
        self.src = ""
        self._run = _Run()
        self.builtins = self.builtin_table()

    # ------------------------------------------------------------------ entry
    def _where(self) -> str:
        return "rbash: " if self.interactive else "rbash: -c: line 1: "

    def run(self, line: str) -> Result:
        """Run one command line; never raises."""
        if "\x00" in line:
            return self._done("", f"{self._where()}syntax error: the command line holds a NUL "
                              "byte\n", 2)
        if len(line) > self.limits.max_line:
            return self._done("", f"rbash: the command line is too long ({len(line)} "
                              f"characters; at most {self.limits.max_line})\n", 2)
        depth = _nesting(line)
        if depth > self.limits.max_depth:
            return self._done("", f"rbash: maximum nesting level exceeded ({depth}; at most "
                              f"{self.limits.max_depth})\n", 2)
        # bashlex fails on a line that is only a comment: blank those (same length, so the
        # parser's offsets still index the line)
        line = "\n".join(" " * len(part) if part.lstrip().startswith("#") else part
                         for part in line.split("\n"))
        if not line.strip():
            return Result("", "", self.status)
        try:
            nodes = bashlex.parse(line)
        except bashlex.errors.ParsingError as exc:
            return self._done("", self._syntax(exc) + "\n", 2)
        except NotImplementedError as exc:
            return self._done("", f"rbash: {_unsupported(str(exc))}: not supported\n", 2)
        except (RecursionError, IndexError, AssertionError, TypeError, AttributeError):
            return self._done("", f"{self._where()}syntax error\n", 2)
        self.src = line
        limit = self.limits.max_seconds
        self._run = _Run(deadline=time.monotonic() + limit if limit else None)
        out: list[str] = []
        status = self.status
        try:
            for node in nodes:
                status = self._node(node, "", out, 0)
        except Exit as exc:
            self.exited = True
            status = exc.status
        except Abort as exc:
            if exc.message:
                self._run.errors.append(exc.message + "\n")
            status = exc.status
        except RecursionError:
            self._run.errors.append("rbash: maximum nesting level exceeded\n")
            status = 2
        return self._done("".join(out), "".join(self._run.errors), status)

    def _done(self, stdout: str, stderr: str, status: int) -> Result:
        self.status = status
        return Result(stdout, stderr, status)

    def _syntax(self, exc: Any) -> str:
        message = str(exc.message)
        m = re.search(r"matching ['\"](.)['\"]", message)
        if m:
            return f"{self._where()}unexpected EOF while looking for matching `{m.group(1)}'"
        m = re.search(r"unexpected token '(.*)'", message)
        if m:
            token = m.group(1) if m.group(1) != "" else "newline"
            return f"{self._where()}syntax error near unexpected token `{token}'"
        if message == "unexpected EOF":
            return f"{self._where()}syntax error: unexpected end of file"
        return f"{self._where()}syntax error: {message}"

    # ------------------------------------------------------------------ the tree
    def _check(self, depth: int) -> None:
        run = self._run
        if depth > self.limits.max_depth:
            raise Abort(f"rbash: maximum nesting level exceeded (at most "
                        f"{self.limits.max_depth})", 2)
        if run.deadline is not None and time.monotonic() > run.deadline:
            raise Abort(f"rbash: the command line did not finish within "
                        f"{self.limits.max_seconds:g} seconds", 1)

    def _emit(self, out: list[str], text: str) -> None:
        self._run.produced += len(text)
        if self._run.produced > self.limits.max_output:
            raise Abort(f"rbash: output limit exceeded ({_size(self.limits.max_output)})", 1)
        out.append(text)

    def _node(self, node: Any, stdin: str, out: list[str], depth: int) -> int:
        self._check(depth)
        kind = node.kind
        if kind == "list":
            return self._list(node.parts, stdin, out, depth)
        if kind == "pipeline":
            return self._pipeline(node.parts, stdin, out, depth)
        if kind == "command":
            return self._command(node, stdin, out, depth)
        if kind == "compound":
            return self._compound(node, stdin, out, depth)
        if kind in ("for", "if", "while", "until"):
            return getattr(self, "_" + kind)(node, stdin, out, depth)
        if kind == "function":
            raise Abort("rbash: function definitions: not supported", 2)
        raise Abort(f"rbash: {kind}: not supported", 2)

    def _list(self, parts: list[Any], stdin: str, out: list[str], depth: int) -> int:
        status = self.status
        skip = False
        for part in parts:
            if part.kind == "operator":
                if part.op == "&&":
                    skip = status != 0
                elif part.op == "||":
                    skip = status == 0
                else:  # ; and & (a background job finishes before the line's answer anyway)
                    skip = False
                continue
            if part.kind == "reservedword":
                continue
            if not skip:
                status = self._node(part, stdin, out, depth + 1)
                self.status = status
        return status

    def _pipeline(self, parts: list[Any], stdin: str, out: list[str], depth: int) -> int:
        negate = bool(parts) and parts[0].kind == "reservedword" and parts[0].word == "!"
        stages = [p for p in parts if p.kind not in ("pipe", "reservedword")]
        data = stdin
        status = 0
        for i, stage in enumerate(stages):
            buf: list[str] = []
            status = self._node(stage, data if i else stdin, buf, depth + 1)
            data = "".join(buf)
        out.append(data)  # counted when each stage produced it
        return int(status == 0) if negate else status

    def _compound(self, node: Any, stdin: str, out: list[str], depth: int) -> int:
        for r in getattr(node, "redirects", []):
            self._redirect_check(r)
        inner = [p for p in node.list if p.kind != "reservedword"]
        status = self.status
        subshell = node.list and node.list[0].kind == "reservedword" and node.list[0].word == "("
        saved = dict(self.vars) if subshell else None
        for part in inner:
            status = self._node(part, stdin, out, depth + 1)
            self.status = status
        if saved is not None:
            self.vars = saved
        return status

    def _tick(self) -> None:
        self._run.iterations += 1
        if self._run.iterations > self.limits.max_iterations:
            raise Abort(f"rbash: loop limit exceeded ({self.limits.max_iterations} "
                        "iterations)", 1)

    def _for(self, node: Any, stdin: str, out: list[str], depth: int) -> int:
        parts = node.parts
        name = parts[1].word
        words: list[str] = []
        body: Any = None
        i = 2
        if i < len(parts) and parts[i].kind == "reservedword" and parts[i].word == "in":
            i += 1
            while parts[i].kind == "word":
                words.extend(self._expand(parts[i], depth))
                i += 1
        else:
            words = []  # `for X; do` iterates over the positional parameters: there are none
        body = next(p for p in parts[i:] if p.kind not in ("reservedword",))
        if name in READONLY:
            raise Abort(f"rbash: {name}: readonly variable", 1)
        status = 0
        for word in words:
            self._tick()
            self.vars[name] = word
            status = self._node(body, stdin, out, depth + 1)
            self.status = status
        return status

    def _if(self, node: Any, stdin: str, out: list[str], depth: int) -> int:
        parts = node.parts
        i = 0
        while i < len(parts):
            word = parts[i].word if parts[i].kind == "reservedword" else ""
            if word in ("if", "elif"):
                cond = self._node(parts[i + 1], stdin, out, depth + 1)
                self.status = cond
                if cond == 0:
                    return self._node(parts[i + 3], stdin, out, depth + 1)
                i += 4
            elif word == "else":
                return self._node(parts[i + 1], stdin, out, depth + 1)
            else:
                i += 1
        return 0

    def _while(self, node: Any, stdin: str, out: list[str], depth: int,
               until: bool = False) -> int:
        lists = [p for p in node.parts if p.kind != "reservedword"]
        cond, body = lists[0], lists[1]
        status = 0
        while True:
            self._tick()
            ok = self._node(cond, stdin, out, depth + 1) == 0
            if ok == until:
                return status
            status = self._node(body, stdin, out, depth + 1)
            self.status = status

    def _until(self, node: Any, stdin: str, out: list[str], depth: int) -> int:
        return self._while(node, stdin, out, depth, until=True)

    # ------------------------------------------------------------------ commands
    def _redirect_check(self, r: Any) -> str:
        """'' for a refused redirection (raises), '2>&1' / '>&2' for a duplication."""
        if r.type in (">&", "<&") and isinstance(r.output, int):
            fd = r.input if isinstance(r.input, int) else 1
            return f"{fd}>&{r.output}"
        if r.type == "<" and not isinstance(r.output, int):
            # rbash may read files, but the HMC user has none here
            name = self.src[r.output.pos[0]:r.output.pos[1]]
            raise Abort(f"rbash: {_printable(name)}: No such file or directory", 1)
        if r.type in ("<<", "<<-", "<<<"):
            raise Abort("rbash: here-documents: not supported", 2)
        raise Abort("rbash: restricted: cannot redirect output", 1)

    def _subs(self, word: Any, depth: int) -> list[Substitution]:
        base = word.pos[0]
        subs = []
        for part in getattr(word, "parts", []) or []:
            if part.kind == "commandsubstitution":
                command = part.command

                def run(command: Any = command) -> str:
                    buf: list[str] = []
                    self.status = self._node(command, "", buf, depth + 1)
                    return "".join(buf)

                subs.append(Substitution(part.pos[0] - base, part.pos[1] - base, run))
            elif part.kind == "processsubstitution":
                raise Abort("rbash: process substitution: not supported", 2)
        return subs

    def _lookup(self, name: str) -> str:
        if name == "?":
            return str(self.status)
        if name == "$":
            return str(os.getpid())
        if name in ("#",):
            return "0"
        if name == "0":
            return "rbash"
        return self.vars.get(name, "")

    def _expand(self, word: Any, depth: int, *, split: bool = True) -> list[str]:
        text = self.src[word.pos[0]:word.pos[1]]
        try:
            return expand_word(text, self._subs(word, depth), self._lookup, split=split)
        except ExpansionError as exc:
            raise Abort(f"rbash: {exc}", 1) from None

    def _assign(self, node: Any, depth: int) -> None:
        name, _, _value = node.word.partition("=")
        name = name.rstrip("+")
        if name in READONLY:
            raise Abort(f"rbash: {name}: readonly variable", 1)
        text = self.src[node.pos[0]:node.pos[1]]
        offset = text.index("=") + 1
        value_word = _Shifted(node, offset)
        value = "".join(self._expand(value_word, depth, split=False))
        if node.word.split("=", 1)[0].endswith("+"):
            value = self.vars.get(name, "") + value
        self.vars[name] = value

    def _command(self, node: Any, stdin: str, out: list[str], depth: int) -> int:
        words: list[str] = []
        dups: list[str] = []
        assignments = []
        for part in node.parts:
            if part.kind == "redirect":
                dups.append(self._redirect_check(part))
            elif part.kind == "assignment" and not words:
                assignments.append(part)
            elif part.kind in ("word", "assignment"):
                words.extend(self._expand(part, depth))
        if not words:
            for a in assignments:
                self._assign(a, depth)
            return 0
        for a in assignments:  # VAR=x cmd: the HMC's commands take no environment
            if a.word.split("=", 1)[0] in READONLY:
                raise Abort(f"rbash: {a.word.split('=', 1)[0]}: readonly variable", 1)
        stdout, stderr, status = self._simple(words, stdin)
        for dup in dups:
            if dup == "2>&1":
                stdout, stderr = stdout + stderr, ""
            elif dup == "1>&2":
                stdout, stderr = "", stderr + stdout
        self._emit(out, stdout)
        if stderr:
            self._run.produced += len(stderr)
            self._run.errors.append(stderr)
        return status

    def _simple(self, words: list[str], stdin: str) -> tuple[str, str, int]:
        name, args = words[0], words[1:]
        if "/" in name:
            return "", f"rbash: {name}: restricted: cannot specify `/' in command names\n", 1
        builtin = self.builtins.get(name)
        if builtin is not None:
            return builtin(args, stdin)
        filt: Filter | None = FILTERS.get(name)
        if filt is not None:
            try:
                return filt(name, args, stdin)
            except FilterError as exc:
                return "", f"{exc}\n", exc.status
        if name in self.hmc_commands:
            result = self.run_hmc(words)
            return result.stdout, result.stderr, int(result.exit_code)
        return "", f"rbash: {_printable(name)}: command not found\n", 127

    # ------------------------------------------------------------------ builtins
class _Shifted:
    """An assignment's value as a word of its own (its source starts after the `=`)."""

    def __init__(self, node: Any, offset: int) -> None:
        self.pos = (node.pos[0] + offset, node.pos[1])
        self.parts = getattr(node, "parts", [])
        self.kind = "word"


def _nesting(line: str) -> int:
    """The deepest nesting of brackets outside quotes (and of `$(`, `${` inside double
    quotes), a bound checked before parsing: bashlex recurses per level, and a 10,000-deep
    line would exhaust the stack. Nested backquotes need doubled backslashes per level, so
    64 KiB cannot hold many of them."""
    depth = deepest = 0
    quote = ""
    i = 0
    while i < len(line):
        ch = line[i]
        if ch == "\\" and quote != "'":
            i += 2
            continue
        if quote == "'":
            quote = "" if ch == "'" else quote
        elif ch in "'\"" and not quote:
            quote = ch
        elif ch == '"' and quote == '"':
            quote = ""
        elif ch in "({" and (not quote or line[i - 1:i] == "$"):
            depth += 1
            deepest = max(deepest, depth)
        elif ch in ")}" and depth:
            depth -= 1
        i += 1
    return deepest


def _unsupported(message: str) -> str:
    """What bashlex does not model, named as a script writer knows it: its message is
    `type = {time command}, token = {...}` or a plain phrase."""
    m = re.match(r"type = \{([^}]*)\}", message)
    if m is None:
        return message
    return {"pattern": "case"}.get(m.group(1), m.group(1).removesuffix(" command"))


def _size(n: int) -> str:
    return f"{n // MB} MiB" if n % MB == 0 else f"{n} characters"


def _printable(text: str) -> str:
    return "".join(ch if ch.isprintable() else f"\\x{ord(ch):02x}" for ch in text)
