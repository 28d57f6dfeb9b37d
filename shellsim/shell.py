"""The HMC's restricted shell (rbash) for one session: parse a line, interpret it in Python.

`Rbash(run_hmc, hmc_commands, user=...)` keeps the session's variables and `$?`; `run(line)`
returns the line's stdout, stderr and exit status. HMC commands go to `run_hmc(words)`; the
filters are in filters.py, `echo`, `date`, `uname`, ... in builtins.py, word expansion in
expand.py; lists, pipelines, loops and the commands' dispatch are here. Nothing ever reaches
a real shell or the file system.

The line is parsed by tree-sitter-bash (syntax.py) into a concrete syntax tree; this module
walks that tree: lists, pipelines, `for`/`while`/`until`/`if`/`case`, groups and subshells,
assignments, `((...))`. What rbash refuses is refused with bash's words: redirection to files,
`cd`, the readonly PATH/SHELL/ENV/BASH_ENV; what this shell does not model (functions,
here-documents, arrays, `[ ]` tests) is a one-line `rbash: ...: not supported` with status
2. Every line is bounded: its length, its nesting, loop iterations, the output it may produce
and, when given, its run time, so that no input can stall the service.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Container
from dataclasses import dataclass, field
from datetime import datetime
from typing import ClassVar, Protocol

from tree_sitter import Node

from shellsim import glob
from shellsim.arith import ArithError, evaluate
from shellsim.builtins import READONLY, Abort, Builtins, Exit, Refused
from shellsim.expand import ExpansionError, Substitution, expand_pattern, expand_word
from shellsim.filters import FILTERS, Filter, FilterError
from shellsim.syntax import Source, SyntaxProblem, Unsupported, parse

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
        self.src = Source("")
        self._run = _Run()
        self.builtins = self.builtin_table()

    # ------------------------------------------------------------------ entry
    def _where(self) -> str:
        return f"{self.shell_name}: " if self.interactive else f"{self.shell_name}: -c: line 1: "

    def run(self, line: str) -> Result:
        """Run one command line; never raises."""
        if "\x00" in line:
            return self._done("", f"{self._where()}syntax error: the command line holds a NUL "
                              "byte\n", 2)
        if len(line) > self.limits.max_line:
            return self._done("", f"{self.shell_name}: the command line is too long ({len(line)} "
                              f"characters; at most {self.limits.max_line})\n", 2)
        depth = _nesting(line)
        if depth > self.limits.max_depth:
            return self._done("", f"{self.shell_name}: maximum nesting level exceeded "
                              f"({depth}; at most {self.limits.max_depth})\n", 2)
        if not line.strip():
            return Result("", "", self.status)
        try:
            root, self.src = parse(line)
        except SyntaxProblem as exc:
            where = self._where() if exc.located else f"{self.shell_name}: "
            return self._done("", f"{where}{exc}\n", exc.status)
        except Unsupported as exc:
            return self._done("", f"{self.shell_name}: {exc}: not supported\n", 2)
        statements = _statements(root)
        if not statements:  # only comments
            return Result("", "", self.status)
        limit = self.limits.max_seconds
        self._run = _Run(deadline=time.monotonic() + limit if limit else None)
        out: list[str] = []
        status = self.status
        try:
            status = self._sequence(statements, "", out, 0)
        except Exit as exc:
            self.exited = True
            status = exc.status
        except Abort as exc:
            if exc.message:
                self._run.errors.append(exc.message + "\n")
            status = exc.status
        except RecursionError:
            self._run.errors.append(f"{self.shell_name}: maximum nesting level exceeded\n")
            status = 2
        return self._done("".join(out), "".join(self._run.errors), status)

    def _done(self, stdout: str, stderr: str, status: int) -> Result:
        self.status = status
        return Result(stdout, stderr, status)

    # ------------------------------------------------------------------ the tree
    def _check(self, depth: int) -> None:
        run = self._run
        if depth > self.limits.max_depth:
            raise Abort(f"{self.shell_name}: maximum nesting level exceeded (at most "
                        f"{self.limits.max_depth})", 2)
        if run.deadline is not None and time.monotonic() > run.deadline:
            raise Abort(f"{self.shell_name}: the command line did not finish within "
                        f"{self.limits.max_seconds:g} seconds", 1)

    def _emit(self, out: list[str], text: str) -> None:
        self._run.produced += len(text)
        if self._run.produced > self.limits.max_output:
            raise Abort(f"{self.shell_name}: output limit exceeded "
                        f"({_size(self.limits.max_output)})", 1)
        out.append(text)

    def _sequence(self, nodes: list[Node], stdin: str, out: list[str], depth: int) -> int:
        """Statements one after another (`;`, `&`, newline): the last one's status."""
        status = self.status
        for node in nodes:
            status = self._node(node, stdin, out, depth)
            self.status = status
        return status

    def _node(self, node: Node, stdin: str, out: list[str], depth: int) -> int:
        self._check(depth)
        kind = node.type
        step = self._STATEMENTS.get(kind)
        if step is not None:
            return step(self, node, stdin, out, depth)
        if kind == "variable_assignment":
            self._assign(node, depth)
            return 0
        if kind == "variable_assignments":
            for part in node.named_children:
                self._assign(part, depth)
            return 0
        raise Abort(f"{self.shell_name}: {_UNSUPPORTED.get(kind, kind.replace('_', ' '))}: "
                    "not supported", 2)

    def _list(self, node: Node, stdin: str, out: list[str], depth: int) -> int:
        """`a && b || c`: tree-sitter nests it to the left; walked as a chain, so that a
        6,000-command line is no deeper than a short one."""
        rights: list[tuple[str, Node]] = []
        while node.type == "list":
            parts = _statements(node, keep={"&&", "||"})
            rights.append((parts[-2].type, parts[-1]))
            node = parts[0]
        status = self._node(node, stdin, out, depth + 1)
        self.status = status
        for op, right in reversed(rights):
            if (op == "&&") == (status == 0):
                status = self._node(right, stdin, out, depth + 1)
                self.status = status
        return status

    def _pipeline(self, node: Node, stdin: str, out: list[str], depth: int) -> int:
        data = stdin
        status = 0
        saved = dict(self.vars)
        stages = _statements(node)
        # tree-sitter-bash reads `! a | b` as (! a) | b; bash's `!` negates the pipeline
        negate = stages[0].type == "negated_command"
        if negate:
            stages[0] = _statements(stages[0])[0]
        for stage in stages:
            buf: list[str] = []
            status = self._node(stage, data, buf, depth + 1)
            data = "".join(buf)
            self.vars = dict(saved)  # each stage runs in a subshell: its assignments vanish
        out.append(data)  # counted when each stage produced it
        return int(status == 0) if negate else status

    def _negated(self, node: Node, stdin: str, out: list[str], depth: int) -> int:
        return int(self._sequence(_statements(node), stdin, out, depth + 1) == 0)

    def _group(self, node: Node, stdin: str, out: list[str], depth: int) -> int:
        """`{ ...; }`, a `do ... done` body, and `((expression))`."""
        if node.children and node.children[0].type == "((":
            inner = self.src.text[self.src.end(node.children[0]):
                                  self.src.start(node.children[-1])]
            return int(self._arithmetic(inner, node.children[1:-1], depth) == 0)
        return self._sequence(_statements(node), stdin, out, depth + 1)

    def _subshell(self, node: Node, stdin: str, out: list[str], depth: int) -> int:
        saved = dict(self.vars)
        try:
            return self._sequence(_statements(node), stdin, out, depth + 1)
        finally:
            self.vars = saved

    def _redirected(self, node: Node, stdin: str, out: list[str], depth: int) -> int:
        """A statement with redirections: only duplications (`2>&1`, `>&2`) are allowed."""
        body = node.child_by_field_name("body")
        try:
            dups = [self._redirect_check(r) for r in node.children_by_field_name("redirect")]
        except Refused as exc:
            self._run.errors.append(exc.message + "\n")
            return exc.status
        if body is None:
            return 0
        mark = len(self._run.errors)
        buf: list[str] = []
        status = self._node(body, stdin, buf, depth + 1)
        stdout, stderr = "".join(buf), "".join(self._run.errors[mark:])
        del self._run.errors[mark:]
        stdout, stderr = _duplicate(dups, stdout, stderr)
        out.append(stdout)  # counted when produced
        if stderr:
            self._run.errors.append(stderr)
        return status

    def _tick(self) -> None:
        self._run.iterations += 1
        if self._run.iterations > self.limits.max_iterations:
            raise Abort(f"{self.shell_name}: loop limit exceeded ({self.limits.max_iterations} "
                        "iterations)", 1)

    def _for(self, node: Node, stdin: str, out: list[str], depth: int) -> int:
        variable = node.child_by_field_name("variable")
        body = node.child_by_field_name("body")
        name = self.src.of(variable) if variable is not None else ""
        words: list[str] = []
        # `for X; do` iterates over the positional parameters: there are none
        for value in _adjacent(node.children_by_field_name("value")):
            words.extend(self._expand(value, depth))
        if name in READONLY:
            raise Abort(f"{self.shell_name}: {name}: readonly variable", 1)
        status = 0
        for word in words:
            self._tick()
            self.vars[name] = word
            if body is not None:
                status = self._node(body, stdin, out, depth + 1)
                self.status = status
        return status

    def _if(self, node: Node, stdin: str, out: list[str], depth: int) -> int:
        clauses = [node, *(c for c in node.children
                           if c.type in ("elif_clause", "else_clause"))]
        for clause in clauses:
            cond: list[Node] = []
            body: list[Node] = []
            then = clause.type == "else_clause"
            for child in clause.children:
                if child.type == "then":
                    then = True
                elif child.is_named and child.type not in _NOT_STATEMENTS \
                        and child.type not in ("elif_clause", "else_clause"):
                    (body if then else cond).append(child)
            if not cond or self._sequence(cond, stdin, out, depth + 1) == 0:
                return self._sequence(body, stdin, out, depth + 1)
        return 0

    def _while(self, node: Node, stdin: str, out: list[str], depth: int) -> int:
        until = node.children[0].type == "until"
        body = node.child_by_field_name("body")
        cond = [c for c in _statements(node) if c != body]
        status = 0
        while True:
            self._tick()
            ok = self._sequence(cond, stdin, out, depth + 1) == 0
            if ok == until:
                return status
            if body is not None:
                status = self._node(body, stdin, out, depth + 1)
                self.status = status

    def _case(self, node: Node, stdin: str, out: list[str], depth: int) -> int:
        """`case WORD in pat|pat) ...;; esac`: `;;` ends, `;&` runs the next body as well,
        `;;&` goes on testing the next patterns."""
        subject_node = node.child_by_field_name("value")
        subject = "".join(self._expand(subject_node, depth, split=False)) \
            if subject_node is not None else ""
        items = [c for c in node.children if c.type == "case_item"]
        status = 0
        fall = False
        for item in items:
            if not fall and not self._matches(item, subject, depth):
                continue
            body: list[Node] = []
            after = False
            ending = ";;"
            for child in item.children:
                if child.type == ")":
                    after = True
                elif child.type in (";;", ";&", ";;&"):
                    ending = child.type
                elif after and child.is_named and child.type not in _NOT_STATEMENTS:
                    body.append(child)
            status = self._sequence(body, stdin, out, depth + 1) if body else 0
            if ending == ";;":
                return status
            fall = ending == ";&"
        return status

    def _matches(self, item: Node, subject: str, depth: int) -> bool:
        for pattern in _adjacent(item.children_by_field_name("value")):
            start = self.src.start(pattern[0])
            text = self.src.text[start:self.src.end(pattern[-1])]
            subs = [s for p in pattern for s in self._subs(p, depth, start)]
            try:
                if glob.matches(expand_pattern(text, subs, self._lookup, self._is_set),
                                subject):
                    return True
            except ExpansionError as exc:
                raise Abort(f"{self.shell_name}: {exc}", 1) from None
            except glob.GlobTooLong:
                raise Abort(f"{self.shell_name}: case: the word is too long to match "
                            f"({len(subject)} characters; at most {glob.MAX_TEXT})", 1) from None
        return False

    def _declaration(self, node: Node, stdin: str, out: list[str], depth: int) -> int:
        """`export X=1 Y`, `unset X`: their arguments are not split after `=`."""
        words = [self.src.of(node.children[0])]
        for child in node.children[1:]:
            if child.type == "variable_assignment":
                words.append("".join(self._expand(child, depth, split=False)))
            elif child.is_named and child.type not in _NOT_STATEMENTS:
                words.extend(self._expand(child, depth))
        return self._finish(self._simple(words, stdin), [], out)

    def _refuse(self, node: Node, stdin: str, out: list[str], depth: int) -> int:
        raise Abort(f"{self.shell_name}: {_UNSUPPORTED.get(node.type, node.type)}: "
                    "not supported", 2)

    # ------------------------------------------------------------------ commands
    def _redirect_check(self, r: Node) -> str:
        """'2>&1' / '1>&2' for a duplication; a refused redirection raises Refused (that
        command fails, the line goes on, as in bash)."""
        if r.type == "herestring_redirect":
            raise Abort(f"{self.shell_name}: here-documents: not supported", 2)
        target = r.child_by_field_name("destination")
        target_text = self.src.of(target) if target is not None else ""
        if r.type != "file_redirect":
            raise Refused(f"{self.shell_name}: {_printable(target_text)}: restricted: cannot "
                          "redirect output")
        ops = [c.type for c in r.children if not c.is_named]
        fd_node = r.child_by_field_name("descriptor")
        op = ops[0] if ops else ""
        if op in (">&", "<&") and target_text.isdigit():
            fd = self.src.of(fd_node) if fd_node is not None else ("1" if op == ">&" else "0")
            return f"{fd}>&{target_text}"
        if op == "<":
            # rbash may read files, but the HMC user has none here
            raise Refused(f"{self.shell_name}: {_printable(target_text)}: No such file or "
                          "directory")
        raise Refused(f"{self.shell_name}: {_printable(target_text)}: restricted: cannot "
                      "redirect output")

    def _subs(self, word: Node, depth: int, base: int | None = None) -> list[Substitution]:
        """The command and arithmetic substitutions in `word`, by offset from `base` (the
        word's start)."""
        src = self.src
        start = src.start(word) if base is None else base
        text = src.text[src.start(word):src.end(word)]
        if "$" not in text and "`" not in text and "<(" not in text and ">(" not in text:
            return []
        subs: list[Substitution] = []

        def span(node: Node) -> tuple[int, int]:
            # tree-sitter-bash counts the blanks before a `$(` inside "..." into its token
            begin = src.start(node)
            while src.text[begin] in " \t\n":
                begin += 1
            return begin - start, src.end(node) - start

        stack = [word]
        while stack:
            part = stack.pop()
            kind = part.type
            if kind == "command_substitution":

                def run(command: Node = part) -> str:
                    buf: list[str] = []
                    self.status = self._sequence(_statements(command), "", buf, depth + 1)
                    return "".join(buf)

                subs.append(Substitution(*span(part), run))
            elif kind == "arithmetic_expansion":

                def arith(node: Node = part) -> str:
                    inner = src.text[src.end(node.children[0]):src.start(node.children[-1])]
                    return str(self._arithmetic(inner, node.children[1:-1], depth))

                subs.append(Substitution(*span(part), arith))
            elif kind == "process_substitution":
                raise Abort(f"{self.shell_name}: process substitution: not supported", 2)
            else:
                stack.extend(part.children)
        return subs

    def _arithmetic(self, inner: str, parts: list[Node], depth: int) -> int:
        """The value of an arithmetic expression's text, after its own expansions."""
        if not parts:
            return 0
        base = self.src.start(parts[0])
        subs = [s for p in parts for s in self._subs(p, depth + 1, base)]
        lead = len(inner) - len(inner.lstrip())
        subs = [Substitution(s.start + lead, s.end + lead, s.run) for s in subs]
        try:
            text = "".join(expand_word(inner, subs, self._lookup, split=False,
                                       is_set=self._is_set))
            return evaluate(text, self._lookup)
        except (ArithError, ExpansionError) as exc:
            raise Abort(f"{self.shell_name}: {exc}", 1) from None

    def _is_set(self, name: str) -> bool:
        return name in self.vars or name in ("?", "$", "#", "0")

    def _lookup(self, name: str) -> str:
        if name == "?":
            return str(self.status)
        if name == "$":
            return str(os.getpid())
        if name in ("#",):
            return "0"
        if name == "0":
            return self.shell_name
        return self.vars.get(name, "")

    def _expand(self, word: Node | list[Node], depth: int, *, split: bool = True
                ) -> list[str]:
        """The fields of a word: one node, or adjacent nodes that bash reads as one word
        (tree-sitter-bash cuts `$A/$B/` after `$A/$`: tree-sitter/tree-sitter-bash#315)."""
        nodes = word if isinstance(word, list) else [word]
        src = self.src
        start = src.start(nodes[0])
        subs = [s for n in nodes for s in self._subs(n, depth, start)]
        try:
            return expand_word(src.text[start:src.end(nodes[-1])], subs, self._lookup,
                               split=split, is_set=self._is_set)
        except ExpansionError as exc:
            raise Abort(f"{self.shell_name}: {exc}", 1) from None

    def _assign(self, node: Node, depth: int) -> None:
        name_node = node.child_by_field_name("name")
        value = node.child_by_field_name("value")
        if name_node is None or name_node.type != "variable_name" \
                or (value is not None and value.type == "array"):
            raise Abort(f"{self.shell_name}: arrays: not supported", 2)
        name = self.src.of(name_node)
        if name in READONLY:
            raise Abort(f"{self.shell_name}: {name}: readonly variable", 1)
        text = "".join(self._expand(value, depth, split=False)) if value is not None else ""
        if any(c.type == "+=" for c in node.children):
            text = self.vars.get(name, "") + text
        self.vars[name] = text

    def _command(self, node: Node, stdin: str, out: list[str], depth: int) -> int:
        words: list[str] = []
        dups: list[str] = []
        assignments: list[Node] = []
        word: list[Node] = []
        for part in node.children:
            kind = part.type
            if word and (part.start_byte != word[-1].end_byte or not _is_word(part)):
                words.extend(self._expand(word, depth))
                word = []
            if kind in ("file_redirect", "herestring_redirect", "heredoc_redirect"):
                try:
                    dups.append(self._redirect_check(part))
                except Refused as exc:  # bash: this command fails, the line goes on
                    self._run.errors.append(exc.message + "\n")
                    return exc.status
            elif kind == "variable_assignment" and not words and not word:
                assignments.append(part)
            elif kind == "command_name" and self.src.of(part) in ("time", "coproc", "select") \
                    and part.children[0].type == "word":
                raise Abort(f"{self.shell_name}: {self.src.of(part)}: not supported", 2)
            elif _is_word(part):
                word.append(part)
        if word:
            words.extend(self._expand(word, depth))
        if not words:
            for a in assignments:
                self._assign(a, depth)
            return 0
        for a in assignments:  # VAR=x cmd: the HMC's commands take no environment
            name_node = a.child_by_field_name("name")
            name = self.src.of(name_node) if name_node is not None else ""
            if name in READONLY:
                raise Abort(f"{self.shell_name}: {name}: readonly variable", 1)
        return self._finish(self._simple(words, stdin), dups, out)

    def _finish(self, answer: tuple[str, str, int], dups: list[str], out: list[str]) -> int:
        stdout, stderr, status = answer
        stdout, stderr = _duplicate(dups, stdout, stderr)
        self._emit(out, stdout)
        if stderr:
            self._run.produced += len(stderr)
            self._run.errors.append(stderr)
        return status

    def _simple(self, words: list[str], stdin: str) -> tuple[str, str, int]:
        name, args = words[0], words[1:]
        if "/" in name:
            return "", (f"{self.shell_name}: {name}: restricted: cannot specify `/' in command "
                        "names\n"), 1
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
        return "", f"{self.shell_name}: {_printable(name)}: command not found\n", 127

    _STATEMENTS: ClassVar[dict[str, Callable[[Rbash, Node, str, list[str], int], int]]] = {
        "list": _list, "pipeline": _pipeline, "negated_command": _negated,
        "compound_statement": _group, "do_group": _group, "subshell": _subshell,
        "redirected_statement": _redirected, "for_statement": _for, "if_statement": _if,
        "while_statement": _while, "case_statement": _case,
        "declaration_command": _declaration, "unset_command": _declaration,
        "function_definition": _refuse, "command": _command,
    }


_NOT_STATEMENTS = frozenset({"comment", "heredoc_body"})
_NOT_WORDS = frozenset({"comment", "heredoc_body", "variable_assignment", "file_redirect",
                        "herestring_redirect", "heredoc_redirect"})
_UNSUPPORTED = {"function_definition": "function definitions",
                "c_style_for_statement": "arithmetic for loops",
                "test_command": "test expressions ([ ], [[ ]])",
                "heredoc_redirect": "here-documents"}


def _statements(node: Node, keep: frozenset[str] | set[str] = frozenset()) -> list[Node]:
    """The statements among a node's children (no keywords, separators or comments)."""
    return [c for c in node.children
            if (c.is_named and c.type not in _NOT_STATEMENTS) or c.type in keep]


def _is_word(node: Node) -> bool:
    """A command's name or argument (tree-sitter leaves a lone `$` unnamed)."""
    return node.type == "$" or (node.is_named and node.type not in _NOT_WORDS)


def _adjacent(nodes: list[Node]) -> list[list[Node]]:
    """Nodes grouped into bash words: those with nothing between them are one."""
    groups: list[list[Node]] = []
    for node in nodes:
        if groups and groups[-1][-1].end_byte == node.start_byte:
            groups[-1].append(node)
        else:
            groups.append([node])
    return groups


def _duplicate(dups: list[str], stdout: str, stderr: str) -> tuple[str, str]:
    for dup in dups:
        if dup == "2>&1":
            stdout, stderr = stdout + stderr, ""
        elif dup == "1>&2":
            stdout, stderr = "", stderr + stdout
    return stdout, stderr


def _nesting(line: str) -> int:
    """The deepest nesting of brackets outside quotes (and of `$(`, `${` inside double
    quotes), a bound checked before parsing: the walk recurses per level, and a 10,000-deep
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


def _size(n: int) -> str:
    return f"{n // MB} MiB" if n % MB == 0 else f"{n} characters"


def _printable(text: str) -> str:
    return "".join(ch if ch.isprintable() else f"\\x{ord(ch):02x}" for ch in text)
