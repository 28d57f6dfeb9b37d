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

from shellsim.arith import ArithError, evaluate

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
    """Raise for the first problem in reading order, as bash stops at its first: an unclosed
    quote is only found at the end of the line, so a problem before its opening comes first."""
    found = _first_problem(root, src)
    if root.has_error or found is not None:
        unclosed, opened = _unclosed(src.text)
        if unclosed and (found is None or found[0] >= opened):
            raise SyntaxProblem(f"unexpected EOF while looking for matching `{unclosed}'")
    if found is not None:
        if isinstance(found[1], SyntaxProblem):
            raise found[1]
        raise SyntaxProblem(found[1])


def _first_problem(root: Node, src: Source) -> tuple[int, str | SyntaxProblem] | None:
    """Where bash would stop (a character offset; the end of the line for an unexpected end)
    and its message, for the first problem in reading order."""
    stack = [root]
    while stack:
        node = stack.pop()
        kind = node.type
        if kind in HEREDOC:
            raise Unsupported("here-documents")
        if node.is_missing:
            return _near(src, node.start_byte)
        if node.is_error:
            try:
                return _error(node, src)
            except SyntaxProblem as exc:
                return src.start(node), exc
        if kind in CASE_ENDS and (node.parent is None or node.parent.type != "case_item"):
            return src.start(node), _token(kind)
        if kind == "command_name" and node.child_count == 1 \
                and node.children[0].type == "word" and src.of(node) in RESERVED:
            return src.start(node), _token(src.of(node))
        stack.extend(reversed(node.children))
    return None


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


def _error(node: Node, src: Source) -> tuple[int, str]:
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
        return src.start(leaves[0]), _token(first)
    if first in ("if", "elif", "while", "until") and len(leaves) > 1 \
            and src.of(leaves[1]) in RESERVED:
        return src.start(leaves[1]), _token(src.of(leaves[1]))  # an empty condition
    if not src.text[src.end(node):].strip():
        return len(src.text), "syntax error: unexpected end of file"
    return _near(src, node.end_byte)


def _near(src: Source, byte: int) -> tuple[int, str]:
    """Where the token starting at `byte` (after blanks) is, and the message for it."""
    m = _TOKEN.match(src.text, src.char(byte))
    if m is None or m.group(1) is None:
        return len(src.text), "syntax error: unexpected end of file"
    token = m.group(1)
    return m.start(1), _token("newline" if token == "\n" else token)


def _token(token: str) -> str:
    return f"syntax error near unexpected token `{token}'"


def _unclosed(line: str) -> tuple[str, int]:
    """The closing character bash was still looking for at the end of the line ('' if none)
    and where the context it closes opened: quotes, backquotes, `$(`, `$((` and `${`."""
    stack: list[str] = []  # what closes each open context, innermost last
    opened: list[int] = []
    i = 0
    word_start = True
    while i < len(line):
        ch = line[i]
        top = stack[-1] if stack else ""
        if top == "'":
            if ch == "'":
                stack.pop()
                opened.pop()
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
            push, step = "))", 3
        elif ch == "$" and line[i + 1:i + 2] in ("(", "{"):
            push, step = (")" if line[i + 1] == "(" else "}"), 2
        elif ch in "`\"" and top == ch:
            push, step = "pop", 1
        elif ch in "`\"" or (ch == "'" and top != '"'):
            push, step = ch, 1
        elif top == "))" and line.startswith("))", i):
            push, step = "pop", 2
        elif top in (")", "))") and ch == "(":
            push, step = ")", 1
        elif ch == top and ch in ")}":
            push, step = "pop", 1
        else:
            push, step = "", 1
        if push == "pop":
            stack.pop()
            opened.pop()
        elif push:
            stack.append(push)
            opened.append(i)
        i += step
        word_start = ch in " \t\n;&|()"
    return (stack[-1][0], opened[-1]) if stack else ("", len(line))
