"""grep/egrep/fgrep and sed, as GNU grep and sed answer the options HMC scripts use."""

from __future__ import annotations

import re

from shellsim.filterbase import (
    FilterError,
    Output,
    join_lines,
    lines_of,
    no_files,
    parse_opts,
)
from shellsim.regex import RegexError, compile_posix

# ---------------------------------------------------------------- grep


def grep(name: str, args: list[str], stdin: str) -> Output:
    opts, rest = parse_opts(name, args, "ivwcEFe:qnxhsl")
    flags = {o for o, _ in opts}
    patterns = [v for o, v in opts if o == "-e"]
    if not patterns:
        if not rest:
            raise FilterError(name, "", usage="Usage: grep [OPTION]... PATTERNS [FILE]...")
        patterns, rest = rest[0].split("\n"), rest[1:]
    missing = no_files(name, rest, 2)
    if missing:
        return missing
    extended = name == "egrep" or "-E" in flags
    try:
        if "-F" in flags:
            regexes = [re.compile(re.escape(p), re.I if "-i" in flags else 0) for p in patterns]
            if "-w" in flags or "-x" in flags:
                regexes = [compile_posix(re.escape(p), extended=True, ignore_case="-i" in flags,
                                         word="-w" in flags, line="-x" in flags)
                           for p in patterns]
        else:
            regexes = [compile_posix(p, extended=extended, ignore_case="-i" in flags,
                                     word="-w" in flags, line="-x" in flags) for p in patterns]
    except RegexError as exc:
        return "", f"{name}: {exc}\n", 2
    invert = "-v" in flags
    chosen = [(n, line) for n, line in enumerate(lines_of(stdin), start=1)
              if any(r.search(line) for r in regexes) != invert]
    status = 0 if chosen else 1
    if "-q" in flags:
        return "", "", status
    if "-c" in flags:
        return f"{len(chosen)}\n", "", status
    if "-n" in flags:
        return join_lines([f"{n}:{line}" for n, line in chosen]), "", status
    return join_lines([line for _, line in chosen]), "", status


# ---------------------------------------------------------------- sed


def _sed_split(script: str, at: int, delim: str) -> tuple[str, int]:
    """Text up to the next unescaped `delim` from `at`, and the index after it."""
    out = []
    i = at
    while i < len(script):
        ch = script[i]
        if ch == "\\" and i + 1 < len(script):
            nxt = script[i + 1]
            out.append(nxt if nxt == delim else ch + nxt)
            i += 2
            continue
        if ch == delim:
            return "".join(out), i + 1
        out.append(ch)
        i += 1
    raise FilterError("sed", f"-e expression #1, char {len(script)}: unterminated `s' command",
                      1)


def _replacement(text: str) -> str:
    """sed's replacement (`&`, `\\1`) in re.sub's syntax."""
    out = []
    i = 0
    while i < len(text):
        ch = text[i]
        if ch == "\\" and i + 1 < len(text):
            nxt = text[i + 1]
            out.append({"n": "\n", "t": "\t", "&": "&"}.get(nxt) or
                       (f"\\g<{nxt}>" if nxt.isdigit() else "\\\\" if nxt == "\\" else nxt))
            i += 2
            continue
        out.append("\\g<0>" if ch == "&" else "\\\\" if ch == "\\" else ch)
        i += 1
    return "".join(out)


SedCommand = tuple[str, "re.Pattern[str] | None", "re.Pattern[str] | None", str, int]


def _sed_parse(script: str, extended: bool) -> list[SedCommand]:
    """Commands `[/addr/]s/re/rep/flags`, `[/addr/]d`, `[/addr/]p`, separated by ; or lines."""
    commands: list[SedCommand] = []
    i = 0
    while i < len(script):
        while i < len(script) and script[i] in " \t\n;":
            i += 1
        if i >= len(script):
            break
        address = None
        if script[i] == "/":
            text, i = _sed_split(script, i + 1, "/")
            address = _sed_regex(text, extended, "")
        if i >= len(script):
            raise FilterError("sed", f"-e expression #1, char {i}: missing command", 1)
        cmd = script[i]
        if cmd in "dp":
            commands.append((cmd, address, None, "", 0))
            i += 1
            continue
        if cmd != "s" or i + 1 >= len(script):
            raise FilterError("sed", f"-e expression #1, char {i + 1}: unknown command: "
                              f"`{cmd}'", 1)
        delim = script[i + 1]
        pattern, i = _sed_split(script, i + 2, delim)
        repl, i = _sed_split(script, i, delim)
        flags = ""
        while i < len(script) and script[i] not in ";\n":
            flags += script[i]
            i += 1
        if not re.fullmatch(r"[gpiI0-9 ]*", flags):
            raise FilterError("sed", f"-e expression #1, char {i}: unknown option to `s'", 1)
        regex = _sed_regex(pattern, extended, "i" if "i" in flags.lower() else "")
        nth = re.search(r"\d+", flags)
        # count: 0 every match (g), N only the Nth
        count = 0 if "g" in flags else int(nth.group()) if nth else 1
        commands.append(("s" + ("p" if "p" in flags else ""), address, regex,
                         _replacement(repl), count))
    return commands


def _sed_regex(text: str, extended: bool, flags: str) -> re.Pattern[str]:
    try:
        return compile_posix(text, extended=extended, ignore_case="i" in flags)
    except RegexError as exc:
        raise FilterError("sed", f"-e expression #1: {exc}", 1) from None


def _substitute(regex: re.Pattern[str], repl: str, line: str, nth: int) -> tuple[str, int]:
    """s///: every match (nth 0) or only the nth one; the line and how many were replaced."""
    if nth <= 1:
        return regex.subn(repl, line, count=nth)
    seen = 0

    def one(m: re.Match[str]) -> str:
        nonlocal seen
        seen += 1
        return m.expand(repl) if seen == nth else m.group()

    result = regex.sub(one, line)
    return result, int(seen >= nth)


def sed(name: str, args: list[str], stdin: str) -> Output:
    opts, rest = parse_opts(name, args, "ne:Er")
    flags = {o for o, _ in opts}
    scripts = [v for o, v in opts if o == "-e"]
    if not scripts:
        if not rest:
            raise FilterError(name, "no script given (usage: sed [OPTION]... {script} ...)", 1)
        scripts, rest = [rest[0]], rest[1:]
    missing = no_files(name, rest, 2)
    if missing:
        return missing
    commands = _sed_parse("\n".join(scripts), extended=bool(flags & {"-E", "-r"}))
    quiet = "-n" in flags
    out: list[str] = []
    for line in lines_of(stdin):
        deleted = False
        for cmd, address, regex, repl, count in commands:
            if address is not None and not address.search(line):
                continue
            if cmd == "d":
                deleted = True
                break
            if cmd == "p":
                out.append(line)
                continue
            assert regex is not None
            line, n = _substitute(regex, repl, line, count)
            if n and cmd == "sp":
                out.append(line)
        if not deleted and not quiet:
            out.append(line)
    return join_lines(out), "", 0
