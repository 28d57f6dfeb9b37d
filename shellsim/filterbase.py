"""What every filter of the restricted shell shares: its answer, usage errors as GNU tools
word them, option parsing, and the refusal of file operands.

A filter takes its name, its arguments and the text on its standard input and returns
(stdout, stderr, status). There are no files here: a file operand is answered "No such file
or directory", as for a file the HMC user does not have.
"""

from __future__ import annotations

import getopt
import re
from collections.abc import Callable

Output = tuple[str, str, int]
Filter = Callable[[str, list[str], str], Output]


def lines_of(text: str) -> list[str]:
    return text.splitlines()


def join_lines(lines: list[str]) -> str:
    return "".join(line + "\n" for line in lines)


def parse_opts(name: str, args: list[str], short: str) -> tuple[list[tuple[str, str]], list[str]]:
    try:
        return getopt.gnu_getopt(args, short)
    except getopt.GetoptError as exc:
        opt = exc.opt or "?"
        if "requires argument" in exc.msg:
            raise FilterError(name, f"option requires an argument -- '{opt}'") from None
        raise FilterError(name, f"invalid option -- '{opt}'") from None


class FilterError(Exception):
    """A usage error: `name: message` on stderr, status 2 (grep, sed) or 1 (coreutils);
    `usage` replaces the first line, and `hint` adds GNU's "Try 'NAME --help'" line."""

    def __init__(self, name: str, message: str, status: int = 2, *, usage: str = "",
                 hint: bool = False) -> None:
        text = usage or f"{name}: {message}"
        if hint or usage:
            text += f"\nTry '{name} --help' for more information."
        super().__init__(text)
        self.status = status


def no_files(name: str, files: list[str], status: int) -> Output | None:
    if not files or files == ["-"]:
        return None
    return "", "".join(f"{name}: {f}: No such file or directory\n" for f in files), status


def dash_number(args: list[str]) -> list[str]:
    """head/tail's old `-3` form as `-n 3`."""
    return [f"-n{a[1:]}" if re.fullmatch(r"-\d+", a) else a for a in args]
