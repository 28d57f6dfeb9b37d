"""sort, uniq, head, tail, wc, cut and tr, as GNU coreutils answer the options HMC scripts
use."""

from __future__ import annotations

import functools
import re

from shellsim.filterbase import (
    FilterError,
    Output,
    dash_number,
    join_lines,
    lines_of,
    no_files,
    parse_opts,
)

# ---------------------------------------------------------------- sort, uniq


def _number(text: str) -> float:
    match = re.match(r"\s*([-+]?(\d+\.?\d*|\.\d+))", text)
    return float(match.group(1)) if match else 0.0


def sort(name: str, args: list[str], stdin: str) -> Output:
    opts, rest = parse_opts(name, args, "t:k:nrufb")
    missing = no_files(name, rest, 2)
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

    ordered = sorted(lines_of(stdin), key=functools.cmp_to_key(compare))
    if "-u" in flags:
        ordered = [line for i, line in enumerate(ordered)
                   if i == 0 or compare(ordered[i - 1], line) != 0]
    return join_lines(ordered), "", 0


def uniq(name: str, args: list[str], stdin: str) -> Output:
    opts, rest = parse_opts(name, args, "cdui")
    missing = no_files(name, rest, 1)
    if missing:
        return missing
    flags = {o for o, _ in opts}
    groups: list[list[str]] = []
    for line in lines_of(stdin):
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
        return join_lines([f"{len(g):7d} {g[0]}" for g in groups]), "", 0
    return join_lines([g[0] for g in groups]), "", 0


# ---------------------------------------------------------------- head, tail, wc


def _count(name: str, value: str, *, plus: bool = False) -> tuple[int, bool]:
    from_start = plus and value.startswith("+")
    digits = value[1:] if from_start or value.startswith("-") else value
    if not digits.isdecimal():
        raise FilterError(name, f"invalid number of lines: '{value}'", 1)
    return int(digits), from_start


def head(name: str, args: list[str], stdin: str) -> Output:
    opts, rest = parse_opts(name, dash_number(args), "n:")
    missing = no_files(name, rest, 1)
    if missing:
        return missing
    n = 10
    for _, v in opts:
        n, _plus = _count(name, v)
        if v.startswith("-"):  # head -n -N: all but the last N
            lines = lines_of(stdin)
            return join_lines(lines[:max(len(lines) - n, 0)]), "", 0
    return join_lines(lines_of(stdin)[:n]), "", 0


def tail(name: str, args: list[str], stdin: str) -> Output:
    opts, rest = parse_opts(name, dash_number(args), "n:")
    missing = no_files(name, rest, 1)
    if missing:
        return missing
    lines = lines_of(stdin)
    n, from_start = 10, False
    for _, v in opts:
        n, from_start = _count(name, v, plus=True)
    if from_start:
        return join_lines(lines[max(n - 1, 0):]), "", 0
    return join_lines(lines[len(lines) - n:] if n else []), "", 0


def wc(name: str, args: list[str], stdin: str) -> Output:
    opts, rest = parse_opts(name, args, "lwcm")
    missing = no_files(name, rest, 1)
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
    opts, rest = parse_opts(name, args, "d:f:c:b:s")
    missing = no_files(name, rest, 1)
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
    for line in lines_of(stdin):
        if chars is not None:
            out.append("".join(chosen(list(line))))
        elif delim not in line:
            if "-s" not in given:
                out.append(line)
        else:
            out.append(delim.join(chosen(line.split(delim))))
    return join_lines(out), "", 0


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
    opts, rest = parse_opts(name, args, "ds")
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
