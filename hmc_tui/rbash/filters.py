"""The text filters the HMC's restricted shell offers: grep/egrep, sed, sort, uniq, head,
tail, wc, cut and tr (awk is in awk.py).

Each takes its arguments and the text on its standard input and returns (stdout, stderr,
status) as GNU coreutils/grep/sed would for the options HMC scripts use. There are no files
here: a file operand is answered "No such file or directory", as for a file the HMC user
does not have.
"""

from __future__ import annotations

import functools
import getopt
import re
from collections.abc import Callable

from hmc_tui.rbash.regex import RegexError, compile_posix

Output = tuple[str, str, int]
Filter = Callable[[str, list[str], str], Output]


def _lines(text: str) -> list[str]:
    return text.splitlines()


def _join(lines: list[str]) -> str:
    return "".join(line + "\n" for line in lines)


def _opts(name: str, args: list[str], short: str) -> tuple[list[tuple[str, str]], list[str]]:
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


def _no_files(name: str, files: list[str], status: int) -> Output | None:
    if not files or files == ["-"]:
        return None
    return "", "".join(f"{name}: {f}: No such file or directory\n" for f in files), status


def _dash_number(args: list[str]) -> list[str]:
    """head/tail's old `-3` form as `-n 3`."""
    return [f"-n{a[1:]}" if re.fullmatch(r"-\d+", a) else a for a in args]


# ---------------------------------------------------------------- grep


def grep(name: str, args: list[str], stdin: str) -> Output:
    opts, rest = _opts(name, args, "ivwcEFe:qnxhsl")
    flags = {o for o, _ in opts}
    patterns = [v for o, v in opts if o == "-e"]
    if not patterns:
        if not rest:
            raise FilterError(name, "", usage="Usage: grep [OPTION]... PATTERNS [FILE]...")
        patterns, rest = rest[0].split("\n"), rest[1:]
    missing = _no_files(name, rest, 2)
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
    chosen = [(n, line) for n, line in enumerate(_lines(stdin), start=1)
              if any(r.search(line) for r in regexes) != invert]
    status = 0 if chosen else 1
    if "-q" in flags:
        return "", "", status
    if "-c" in flags:
        return f"{len(chosen)}\n", "", status
    if "-n" in flags:
        return _join([f"{n}:{line}" for n, line in chosen]), "", status
    return _join([line for _, line in chosen]), "", status


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
    opts, rest = _opts(name, args, "ne:Er")
    flags = {o for o, _ in opts}
    scripts = [v for o, v in opts if o == "-e"]
    if not scripts:
        if not rest:
            raise FilterError(name, "no script given (usage: sed [OPTION]... {script} ...)", 1)
        scripts, rest = [rest[0]], rest[1:]
    missing = _no_files(name, rest, 2)
    if missing:
        return missing
    commands = _sed_parse("\n".join(scripts), extended=bool(flags & {"-E", "-r"}))
    quiet = "-n" in flags
    out: list[str] = []
    for line in _lines(stdin):
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
    return _join(out), "", 0


# ---------------------------------------------------------------- sort, uniq


def _number(text: str) -> float:
    match = re.match(r"\s*([-+]?(\d+\.?\d*|\.\d+))", text)
    return float(match.group(1)) if match else 0.0


def sort(name: str, args: list[str], stdin: str) -> Output:
    opts, rest = _opts(name, args, "t:k:nrufb")
    missing = _no_files(name, rest, 2)
    if missing:
        return missing
    flags = {o for o, _ in opts}
    sep = next((v for o, v in opts if o == "-t"), None)
    if sep is not None and len(sep) != 1:
        raise FilterError(name, "multi-character tab '" + sep + "'", 2)
    keys = []
    for o, v in opts:
        if o != "-k":
            continue
        m = re.fullmatch(r"(\d+)(?:\.\d+)?([nrfb]*)(?:,(\d+)(?:\.\d+)?([nrfb]*))?", v)
        if m is None or int(m.group(1)) < 1:
            raise FilterError(name, f"invalid number at field start: invalid count at start "
                              f"of '{v}'", 2)
        mods = (m.group(2) or "") + (m.group(4) or "")
        keys.append((int(m.group(1)), int(m.group(3)) if m.group(3) else None, mods))
    numeric, reverse, fold = "-n" in flags, "-r" in flags, "-f" in flags
    if not keys:
        keys = [(1, None, "")] if sep is not None else [(0, None, "")]  # 0: the whole line

    def key_text(line: str, start: int, end: int | None) -> str:
        if start == 0:
            return line
        parts = line.split(sep) if sep is not None else line.split()
        return (sep if sep is not None else " ").join(parts[start - 1:end])

    def compare(a: str, b: str) -> int:
        for start, end, mods in keys:
            ka, kb = key_text(a, start, end), key_text(b, start, end)
            own = bool(set(mods) & set("nrf"))  # a key's own modifiers replace the globals
            num = "n" in mods if own else numeric
            if num:
                order = (_number(ka) > _number(kb)) - (_number(ka) < _number(kb))
            else:
                if ("f" in mods if own else fold):
                    ka, kb = ka.lower(), kb.lower()
                order = (ka > kb) - (ka < kb)
            if order:
                return -order if ("r" in mods if own else reverse) else order
        if "-u" in flags:
            return 0
        order = (a > b) - (a < b)  # sort's last resort: the whole lines, bytewise
        return -order if reverse else order

    ordered = sorted(_lines(stdin), key=functools.cmp_to_key(compare))
    if "-u" in flags:
        ordered = [line for i, line in enumerate(ordered)
                   if i == 0 or compare(ordered[i - 1], line) != 0]
    return _join(ordered), "", 0


def uniq(name: str, args: list[str], stdin: str) -> Output:
    opts, rest = _opts(name, args, "cdui")
    missing = _no_files(name, rest, 1)
    if missing:
        return missing
    flags = {o for o, _ in opts}
    groups: list[list[str]] = []
    for line in _lines(stdin):
        same = groups and (groups[-1][0].lower() == line.lower() if "-i" in flags
                           else groups[-1][0] == line)
        if same:
            groups[-1].append(line)
        else:
            groups.append([line])
    if "-d" in flags:
        groups = [g for g in groups if len(g) > 1]
    if "-u" in flags:
        groups = [g for g in groups if len(g) == 1]
    if "-c" in flags:
        return _join([f"{len(g):7d} {g[0]}" for g in groups]), "", 0
    return _join([g[0] for g in groups]), "", 0


# ---------------------------------------------------------------- head, tail, wc


def _count(name: str, value: str, *, plus: bool = False) -> tuple[int, bool]:
    from_start = plus and value.startswith("+")
    digits = value[1:] if from_start or value.startswith("-") else value
    if not digits.isdigit():
        raise FilterError(name, f"invalid number of lines: '{value}'", 1)
    return int(digits), from_start


def head(name: str, args: list[str], stdin: str) -> Output:
    opts, rest = _opts(name, _dash_number(args), "n:")
    missing = _no_files(name, rest, 1)
    if missing:
        return missing
    n = 10
    for _, v in opts:
        n, _plus = _count(name, v)
        if v.startswith("-"):  # head -n -N: all but the last N
            lines = _lines(stdin)
            return _join(lines[:max(len(lines) - n, 0)]), "", 0
    return _join(_lines(stdin)[:n]), "", 0


def tail(name: str, args: list[str], stdin: str) -> Output:
    opts, rest = _opts(name, _dash_number(args), "n:")
    missing = _no_files(name, rest, 1)
    if missing:
        return missing
    lines = _lines(stdin)
    n, from_start = 10, False
    for _, v in opts:
        n, from_start = _count(name, v, plus=True)
    if from_start:
        return _join(lines[max(n - 1, 0):]), "", 0
    return _join(lines[len(lines) - n:] if n else []), "", 0


def wc(name: str, args: list[str], stdin: str) -> Output:
    opts, rest = _opts(name, args, "lwcm")
    missing = _no_files(name, rest, 1)
    if missing:
        return missing
    chosen = [o for o in ("-l", "-w", "-c", "-m") if o in {o for o, _ in opts}]
    counts = {"-l": stdin.count("\n"), "-w": len(stdin.split()),
              "-c": len(stdin.encode("utf-8", "surrogateescape")), "-m": len(stdin)}
    if not chosen:
        chosen = ["-l", "-w", "-c"]
    if len(chosen) == 1:
        return f"{counts[chosen[0]]}\n", "", 0
    return " ".join(f"{counts[o]:7d}" for o in chosen) + "\n", "", 0


# ---------------------------------------------------------------- cut, tr


def _ranges(name: str, spec: str) -> list[tuple[int, int]]:
    out = []
    for part in spec.split(","):
        m = re.fullmatch(r"(\d*)(-?)(\d*)", part)
        if m is None or part in ("", "-"):
            raise FilterError(name, f"invalid field value '{part}'", 1, hint=True)
        if (m.group(1) and int(m.group(1)) == 0) or (m.group(3) and int(m.group(3)) == 0):
            raise FilterError(name, "fields are numbered from 1", 1, hint=True)
        low = int(m.group(1)) if m.group(1) else 1
        high = (int(m.group(3)) if m.group(3) else 1 << 30) if m.group(2) else low
        out.append((low, high))
    return out


def cut(name: str, args: list[str], stdin: str) -> Output:
    opts, rest = _opts(name, args, "d:f:c:b:s")
    missing = _no_files(name, rest, 1)
    if missing:
        return missing
    given = dict(opts)
    delim = given.get("-d", "\t")
    if len(delim) != 1:
        raise FilterError(name, "the delimiter must be a single character", 1)
    spec = given.get("-f")
    chars = given.get("-c", given.get("-b"))
    if (spec is None) == (chars is None):
        raise FilterError(name, "you must specify a list of bytes, characters, or fields", 1)
    ranges = _ranges(name, spec if spec is not None else chars or "")

    def chosen(items: list[str]) -> list[str]:
        return [item for i, item in enumerate(items, start=1)
                if any(lo <= i <= hi for lo, hi in ranges)]

    out = []
    for line in _lines(stdin):
        if chars is not None:
            out.append("".join(chosen(list(line))))
        elif delim not in line:
            if "-s" not in given:
                out.append(line)
        else:
            out.append(delim.join(chosen(line.split(delim))))
    return _join(out), "", 0


TR_CLASSES = {"upper": "ABCDEFGHIJKLMNOPQRSTUVWXYZ", "lower": "abcdefghijklmnopqrstuvwxyz",
              "digit": "0123456789", "space": " \t\n\r\f\v", "blank": " \t",
              "alpha": "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz",
              "alnum": "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"}
TR_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "\\": "\\"}


def _tr_set(name: str, text: str) -> str:
    out: list[str] = []
    i = 0
    while i < len(text):
        if text.startswith("[:", i) and ":]" in text[i:]:
            end = text.index(":]", i)
            cls = text[i + 2:end]
            if cls not in TR_CLASSES:
                raise FilterError(name, f"invalid character class '{cls}'", 1)
            out.extend(TR_CLASSES[cls])
            i = end + 2
            continue
        ch = text[i]
        if ch == "\\" and i + 1 < len(text):
            ch = TR_ESCAPES.get(text[i + 1], text[i + 1])
            i += 1
        if i + 2 < len(text) and text[i + 1] == "-":
            out.extend(chr(c) for c in range(ord(ch), ord(text[i + 2]) + 1))
            i += 3
            continue
        out.append(ch)
        i += 1
    return "".join(out)


def tr(name: str, args: list[str], stdin: str) -> Output:
    opts, rest = _opts(name, args, "ds")
    flags = {o for o, _ in opts}
    delete, squeeze = "-d" in flags, "-s" in flags
    wanted = 1 if delete or (squeeze and len(rest) == 1) else 2
    if len(rest) != wanted:
        if not rest:
            raise FilterError(name, "missing operand", 1, hint=True)
        if len(rest) < wanted:
            raise FilterError(name, f"missing operand after '{rest[-1]}'\nTwo strings must be "
                              "given when translating.", 1, hint=True)
        raise FilterError(name, f"extra operand '{rest[wanted]}'", 1, hint=True)
    first = _tr_set(name, rest[0])
    if delete:
        return stdin.translate({ord(c): None for c in first}), "", 0
    text = stdin
    last = first
    if len(rest) == 2:
        second = _tr_set(name, rest[1])
        if not second:
            raise FilterError(name, "when not truncating set1, string2 must be non-empty", 1)
        second = second + second[-1] * max(len(first) - len(second), 0)
        text = text.translate({ord(a): b for a, b in zip(first, second, strict=False)})
        last = second
    if squeeze:
        text = re.sub("([" + re.escape(last) + "])\\1+", r"\1", text)
    return text, "", 0


FILTERS: dict[str, Filter] = {
    "grep": grep, "egrep": grep, "fgrep": lambda n, a, s: grep(n, ["-F", *a], s),
    "sed": sed, "sort": sort, "uniq": uniq, "head": head, "tail": tail, "wc": wc, "cut": cut,
    "tr": tr,
}
