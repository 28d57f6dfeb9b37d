"""Parsing one command line with tree-sitter-bash, and bash's own words for a line it rejects.

`parse(line)` returns the tree's root and the `Source` that maps its byte offsets back to the
line's characters. tree-sitter never fails: a line with a syntax error still gives a tree, with
ERROR and MISSING nodes where the grammar broke, and it accepts a few lines bash refuses (a
`;;` outside `case`, `done` as a command). Those become `SyntaxProblem`, whose text is bash's:
`unexpected EOF while looking for matching `"'`, `syntax error near unexpected token `;;'`,
`syntax error: unexpected end of file`. Here-documents, which the restricted shell does not
model, are `Unsupported`.
"""

from __future__ import annotations

import re
import threading

import tree_sitter_bash
from tree_sitter import Language, Node, Parser

from hmc_tui.rbash.arith import ArithError, evaluate

_LANGUAGE = Language(tree_sitter_bash.language())
_LOCAL = threading.local()  # a Parser is not thread-safe; the service parses in workers

# words that cannot start a command, and operators that cannot start a list
RESERVED = frozenset({"then", "else", "elif", "fi", "do", "done", "esac", "}", "in"})
BAD_TOKENS = RESERVED | {")", "(", ";", ";;", ";&", ";;&", "&", "|", "|&", "||", "&&"}
REDIRECT_OPS = frozenset({">", ">>", "<", "&>", "&>>", ">&", "<&", ">|", "<>"})
HEREDOC = frozenset({"<<", "<<-", "heredoc_redirect", "heredoc_start", "heredoc_body"})
CASE_ENDS = frozenset({";;", ";&", ";;&"})
_TOKEN = re.compile(r"[ \t]*(\n|;;&|;;|;&|\|\||&&|\|&|[|;&()<>]|[^\s|;&()<>]+)?")


class SyntaxProblem(Exception):
    """A line bash would not parse; str() is bash's message without its `rbash: ` prefix.
    `located`: bash names where (`-c: line 1: `); an arithmetic error is not, and is status 1
    (bash finds it when it expands the line, and stops there)."""

    def __init__(self, message: str, *, status: int = 2, located: bool = True) -> None:
        super().__init__(message)
        self.status = status
        self.located = located


class Unsupported(Exception):
    """A construct the restricted shell does not model; str() names it."""


class Source:
    """The line and the bytes tree-sitter parsed, with node offsets in characters."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.data = text.encode("utf-8", "surrogatepass")  # undecodable bytes pass through
        self._chars: list[int] | None = None
        if len(self.data) != len(text):
            chars: list[int] = []
            for i, ch in enumerate(text):
                chars.extend([i] * len(ch.encode("utf-8", "surrogatepass")))
            chars.append(len(text))
            self._chars = chars

    def char(self, byte: int) -> int:
        return byte if self._chars is None else self._chars[byte]

    def start(self, node: Node) -> int:
        return self.char(node.start_byte)

    def end(self, node: Node) -> int:
        return self.char(node.end_byte)

    def of(self, node: Node) -> str:
        return self.text[self.start(node):self.end(node)]


def parse(line: str) -> tuple[Node, Source]:
    parser = getattr(_LOCAL, "parser", None)
    if parser is None:
        parser = _LOCAL.parser = Parser(_LANGUAGE)
    src = Source(backquotes(line) if "`" in line else line)
    root = parser.parse(src.data).root_node
    _check(root, src)
    return root, src


def backquotes(line: str) -> str:
    """The line with each `command` written $(command), which is what bash makes of it.

    tree-sitter-bash reads two backquoted commands separated by a blank as one
    (tree-sitter/tree-sitter-bash#278), which `for M in `a` `b`` loops hit; `$(...)` it parses
    right. Inside backquotes a backslash quotes only `$`, a backquote and itself; an
    unclosed backquote is left as it is, for the parser to report."""
    out: list[str] = []
    i = 0
    quote = ""
    while i < len(line):
        ch = line[i]
        if quote == "'":
            quote = "" if ch == "'" else quote
        elif ch == "\\":
            out.append(line[i:i + 2])
            i += 2
            continue
        elif ch == "'" and not quote:
            quote = "'"
        elif ch == '"':
            quote = "" if quote == '"' else '"'
        elif ch == "`":
            inner: list[str] = []
            j = i + 1
            while j < len(line) and line[j] != "`":
                if line[j] == "\\" and line[j + 1:j + 2] in ("$", "`", "\\"):
                    inner.append(line[j + 1])
                    j += 2
                    continue
                inner.append(line[j])
                j += 1
            if j >= len(line):
                out.append(line[i:])
                break
            body = "".join(inner)
            out.append("$(" + (backquotes(body) if "`" in body else body) + ")")
            i = j + 1
            continue
        out.append(ch)
        i += 1
    return "".join(out)


def _check(root: Node, src: Source) -> None:
    """Raise for the first problem in reading order, as bash stops at its first."""
    if root.has_error:
        unclosed = _unclosed(src.text)
        if unclosed:
            raise SyntaxProblem(f"unexpected EOF while looking for matching `{unclosed}'")
    stack = [root]
    while stack:
        node = stack.pop()
        kind = node.type
        if kind in HEREDOC:
            raise Unsupported("here-documents")
        if node.is_missing:
            raise SyntaxProblem(_near(src, node.start_byte))
        if node.is_error:
            raise SyntaxProblem(_error(node, src))
        if kind in CASE_ENDS and (node.parent is None or node.parent.type != "case_item"):
            raise SyntaxProblem(_token(kind))
        if kind == "command_name" and node.child_count == 1 \
                and node.children[0].type == "word" and src.of(node) in RESERVED:
            raise SyntaxProblem(_token(src.of(node)))
        stack.extend(reversed(node.children))


def _leaves(node: Node) -> list[Node]:
    found: list[Node] = []
    stack = [node]
    while stack:
        n = stack.pop()
        if n.type in HEREDOC:
            raise Unsupported("here-documents")
        if n.child_count == 0:
            if not n.is_missing:
                found.append(n)
        else:
            stack.extend(reversed(n.children))
    return found


def _error(node: Node, src: Source) -> str:
    """bash's message for an ERROR node: the token it stopped at, or the end of the line."""
    leaves = _leaves(node)
    if not leaves:
        return _near(src, node.end_byte)
    first = src.of(leaves[0])
    if leaves[0].type == "$((":
        inner = src.text[src.end(leaves[0]):src.end(node)].removesuffix("))")
        try:
            evaluate(inner, lambda name: "0")
        except ArithError as exc:
            raise SyntaxProblem(str(exc), status=1, located=False) from None
    if leaves[0].type in REDIRECT_OPS:  # a redirection without its target
        return _near(src, leaves[0].end_byte)
    if first in BAD_TOKENS:
        return _token(first)
    if first in ("if", "elif", "while", "until") and len(leaves) > 1 \
            and src.of(leaves[1]) in RESERVED:
        return _token(src.of(leaves[1]))  # an empty condition: `if then`
    if not src.text[src.end(node):].strip():
        return "syntax error: unexpected end of file"
    return _near(src, node.end_byte)


def _near(src: Source, byte: int) -> str:
    """The message for the token starting at `byte` (after blanks)."""
    m = _TOKEN.match(src.text, src.char(byte))
    if m is None or m.group(1) is None:
        return "syntax error: unexpected end of file"
    token = m.group(1)
    return _token("newline" if token == "\n" else token)


def _token(token: str) -> str:
    return f"syntax error near unexpected token `{token}'"


def _unclosed(line: str) -> str:
    """The closing character bash was still looking for at the end of the line ('' if none):
    quotes, backquotes, `$(`, `$((` and `${`."""
    stack: list[str] = []  # what closes each open context, innermost last
    i = 0
    word_start = True
    while i < len(line):
        ch = line[i]
        top = stack[-1] if stack else ""
        if top == "'":
            if ch == "'":
                stack.pop()
            i += 1
            continue
        if ch == "\\":
            i += 2
            word_start = False
            continue
        if top != '"' and ch == "#" and word_start:
            end = line.find("\n", i)
            i = len(line) if end < 0 else end
            continue
        if ch == "$" and line.startswith("((", i + 1):
            stack.append("))")
            i += 3
        elif ch == "$" and line[i + 1:i + 2] in ("(", "{"):
            stack.append(")" if line[i + 1] == "(" else "}")
            i += 2
        elif ch == "`":
            if top == "`":
                stack.pop()
            else:
                stack.append("`")
            i += 1
        elif ch == '"':
            if top == '"':
                stack.pop()
            else:
                stack.append('"')
            i += 1
        elif ch == "'" and top != '"':
            stack.append("'")
            i += 1
        elif top == "))" and line.startswith("))", i):
            stack.pop()
            i += 2
        elif top in (")", "))") and ch == "(":
            stack.append(")")
            i += 1
        elif ch == top and ch in ")}":
            stack.pop()
            i += 1
        else:
            i += 1
        word_start = ch in " \t\n;&|()"
    return stack[-1][0] if stack else ""
