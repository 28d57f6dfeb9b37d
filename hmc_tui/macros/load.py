"""Reading a macro file: TOML syntax, then the header, then every step, before anything runs.

The first problem found is raised as one `MacroFileError` whose `str()` is a single line,
`FILE:LINE: reason`, with LINE the line of the offending field or of its `[[step]]` table:
a macro that would fail halfway through a replay because of a typo is refused up front.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from hmc_tui.macros.format import (
    CONDITION_MODELS,
    CONDITION_SUBJECTS,
    STEP_KINDS,
    STEP_MODELS,
    Header,
    Macro,
    kind_of,
    subjects_in,
)

__all__ = ["LoadedMacro", "MacroFileError", "load_macro", "parse_macro"]

_TOML_AT = re.compile(r"\s*\(at line (\d+), column (\d+)\)\s*$")
_FIELD_ERRORS = ("missing", "extra_forbidden")  # errors about a key that is not in the data
_FIELD_HINTS = {
    "wait": "wait must be engine seconds (a number > 0) or a condition table such as "
    '{ partition = "oradb01", state = "Running" }',
    "key": 'key must be a key name or a list of key names, e.g. "down" or ["down", "enter"]',
    "expect": "expect must be a condition table such as "
    '{ partition = "oradb01", state = "Running" } or { text = "..." }',
}


class MacroFileError(Exception):
    """A macro that cannot be read or is not valid; `str()` is `FILE[:LINE]: reason`."""

    def __init__(self, file: str, reason: str, line: int | None = None) -> None:
        self.file = file
        self.line = line
        self.reason = " ".join(reason.split())  # one line, whatever pydantic wrote
        super().__init__(str(self))

    def __str__(self) -> str:
        head = self.file if self.line is None else f"{self.file}:{self.line}"
        return f"{head}: {self.reason}"


class LoadedMacro:
    """A validated macro plus where it came from: the file (for relative paths) and the
    line of every step (for failure messages)."""

    def __init__(self, macro: Macro, path: Path, lines: list[int]) -> None:
        self.macro = macro
        self.path = path
        self.lines = lines  # lines[i]: line of step i's [[step]] table (0 when unknown)

    @property
    def name(self) -> str:
        return str(self.path)

    def describe(self, index: int) -> str:
        """`FILE:LINE: step N (kind)` for step `index` (0-based)."""
        line = self.lines[index] if index < len(self.lines) else 0
        head = f"{self.path}:{line}" if line else str(self.path)
        return f"{head}: step {index + 1} ({kind_of(self.macro.steps[index])})"


# ---------------------------------------------------------------- where things are


class _Lines:
    """Lines of the [macro] table, each [[step]] table and the keys inside them.

    A light scan of text tomllib has already accepted: table headers at the start of a
    line, `name =` at the start of a line or inside a one-line inline table.
    """

    _HEADER = re.compile(r"^\s*\[(\[)?\s*([A-Za-z0-9_.\"' -]+?)\s*\]\]?\s*(#.*)?$")

    def __init__(self, text: str) -> None:
        self.rows = text.splitlines()
        # Spans are [header line, last line], 1-based; the last line moves as tables follow.
        self.macro: list[int] | None = None
        self.steps: list[list[int]] = []
        open_table: list[int] | None = None
        for number, row in enumerate(self.rows, start=1):
            match = self._HEADER.match(row)
            if match is None:
                continue
            name = match.group(2).replace(" ", "")
            if name.startswith(("step.", "macro.")):
                continue  # a sub-table ([step.wait]) belongs to the table above it
            if open_table is not None:
                open_table[1] = number - 1
            open_table = [number, len(self.rows)]
            if match.group(1) and name == "step":
                self.steps.append(open_table)
            elif name == "macro":
                self.macro = open_table
            else:
                open_table = None

    def find(self, span: list[int] | None, names: list[str]) -> int | None:
        """Line of the deepest of `names` (innermost first) inside `span`, else its header."""
        if span is None:
            return None
        first, last = span[0], span[1]
        for name in reversed(names):
            pattern = re.compile(
                rf"(^\s*|[{{,]\s*)[\"']?{re.escape(name)}[\"']?\s*=|^\s*\[\s*\w+\.{re.escape(name)}\s*\]"
            )
            for number in range(first, last + 1):
                if pattern.search(self.rows[number - 1]):
                    return number
        return first

    def step(self, index: int, names: list[str] | None = None) -> int | None:
        if index >= len(self.steps):
            return self.top("step")
        return self.find(self.steps[index], names or [])

    def top(self, name: str) -> int | None:
        pattern = re.compile(rf"^\s*{name}\s*=|^\s*\[\[?\s*{name}\s*\]")
        return next((n for n, row in enumerate(self.rows, 1) if pattern.search(row)), None)


# ---------------------------------------------------------------- messages


def _clean_loc(loc: tuple[Any, ...], data: Any, kind: str) -> list[str | int]:
    """Drop pydantic's union-branch labels (`constrained-float`, `tagged-union[...]`)."""
    out: list[str | int] = []
    node = data
    skip = False
    for i, part in enumerate(loc):
        if skip:  # the tag after a tagged union's label ("partition"): not a data key
            skip = False
            continue
        if isinstance(part, str) and part.startswith("tagged-union["):
            skip = True
            continue
        if isinstance(part, int):
            out.append(part)
            node = node[part] if isinstance(node, list) and part < len(node) else None
        elif isinstance(node, dict) and part in node:
            out.append(part)
            node = node[part]
        elif i == len(loc) - 1 and isinstance(node, dict) and kind in _FIELD_ERRORS:
            out.append(part)  # a missing or forbidden field
            node = None
    return out


def _describe_error(err: Mapping[str, Any], where: list[str | int]) -> str:
    kind = err["type"]
    field = ".".join(str(p) for p in where)
    if kind == "extra_forbidden":
        return f"unknown field {field!r}"
    message = str(err["msg"]).removeprefix("Value error, ")
    if kind == "step_kind":
        return message
    if kind == "condition":
        return f"{field}: {message}"
    value = err.get("input")
    if kind != "missing" and isinstance(value, str | int | float | bool) and \
            repr(value) not in message:
        message = f"{message} (got {value!r})"
    return f"{field}: {message}" if field else message


def _pick(errors: Sequence[Mapping[str, Any]],
          data: Any) -> tuple[Mapping[str, Any], list[str | int]]:
    """The error that says most: the one deepest in the data (a union reports every
    branch, and only the branch matching the value's shape is interesting)."""
    cleaned = [(err, _clean_loc(err["loc"], data, err["type"])) for err in errors]
    depth = max(len(loc) for _, loc in cleaned)
    deepest = [(err, loc) for err, loc in cleaned if len(loc) == depth]
    if len(deepest) > 1 and depth == 1 and str(deepest[0][1][0]) in _FIELD_HINTS:
        # Every branch of a union refused the value: say what the field takes.
        field = str(deepest[0][1][0])
        return {"type": "hint", "msg": _FIELD_HINTS[field]}, []
    return deepest[0]


# ---------------------------------------------------------------- parsing


def _toml_error(source: str, exc: tomllib.TOMLDecodeError) -> MacroFileError:
    message = str(exc)
    line = getattr(exc, "lineno", None)
    if (match := _TOML_AT.search(message)) is not None:
        line = int(match.group(1))
        message = f"{message[: match.start()]} (column {match.group(2)})"
    return MacroFileError(source, f"invalid TOML: {message}", line)


def _check_step(raw: Any, index: int, where: _Lines, source: str) -> None:
    """Raise the first problem of step `index` (0-based) with a line and a step name."""
    label = f"step {index + 1}"
    if not isinstance(raw, dict):
        raise MacroFileError(source, f"{label}: a step is a table", where.top("step"))
    kinds = [k for k in STEP_KINDS if k in raw]
    if not kinds:
        names = ", ".join(repr(k) for k in raw) or "nothing"
        raise MacroFileError(
            source,
            f"{label}: no step kind: a step holds one of {', '.join(STEP_KINDS)} "
            f"(found {names})",
            where.step(index),
        )
    if len(kinds) > 1:
        raise MacroFileError(
            source, f"{label}: one kind per step, found {' and '.join(kinds)}",
            where.step(index, kinds[1:2]),
        )
    kind = kinds[0]
    value = raw[kind]
    if kind in ("wait", "expect") and isinstance(value, dict):
        _check_condition(value, kind, label, where.step(index, [kind]), source)
    elif kind == "expect":
        raise MacroFileError(source, f"{label} ({kind}): {_FIELD_HINTS[kind]}",
                             where.step(index, [kind]))
    model = STEP_MODELS[kind]
    try:
        model.model_validate(raw)
    except ValidationError as exc:
        errors = exc.errors(include_url=False)
        # The union `wait = seconds | condition` reports both branches; the condition was
        # checked above, so keep the branch that matches the value's shape.
        errors = [e for e in errors if not _condition_branch(e["loc"])] or errors
        err, loc = _pick(errors, raw)
        reason = _describe_error(err, loc)
        if err["type"] == "extra_forbidden":
            reason = f"{reason} (a {kind} step has {', '.join(model.model_fields)})"
        raise MacroFileError(
            source, f"{label} ({kind}): {reason}",
            where.step(index, [str(p) for p in loc if isinstance(p, str)]),
        ) from None


def _condition_branch(loc: tuple[Any, ...]) -> bool:
    return any(isinstance(p, str) and p.startswith("tagged-union[") for p in loc)


def _check_condition(value: dict[str, Any], kind: str, label: str, line: int | None,
                     source: str) -> None:
    subjects = subjects_in(value)
    if len(subjects) != 1:
        found = " and ".join(subjects) or ", ".join(repr(k) for k in value) or "nothing"
        raise MacroFileError(
            source,
            f"{label} ({kind}): a condition names one of {', '.join(CONDITION_SUBJECTS)} "
            f"(found {found})",
            line,
        )
    model = CONDITION_MODELS[subjects[0]]
    try:
        model.model_validate(value)
    except ValidationError as exc:
        err, loc = _pick(exc.errors(include_url=False), value)
        reason = _describe_error(err, [kind, *loc])
        if err["type"] == "extra_forbidden":
            reason = f"{reason} (a {subjects[0]} condition has {', '.join(model.model_fields)})"
        raise MacroFileError(source, f"{label} ({kind}): {reason}", line) from None


def parse_macro(text: str, source: str) -> tuple[Macro, list[int]]:
    """Validate a macro's text; `source` names it in errors. Returns the macro and the line
    of each step."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise _toml_error(source, exc) from None
    where = _Lines(text)
    for name in data:
        if name not in ("macro", "step"):
            raise MacroFileError(
                source, f"unknown top-level entry {name!r} (a macro has [macro] and [[step]])",
                where.top(name),
            )
    if not isinstance(data.get("macro"), dict):
        raise MacroFileError(source, "no [macro] table (format, frame, seed, size ...)", 1)
    try:
        Header.model_validate(data["macro"])
    except ValidationError as exc:
        err, loc = _pick(exc.errors(include_url=False), data["macro"])
        reason = _describe_error(err, loc)
        if err["type"] == "extra_forbidden":
            reason = f"{reason} (the header has {', '.join(Header.model_fields)})"
        line = where.find(where.macro, [str(p) for p in loc if isinstance(p, str)])
        raise MacroFileError(source, f"[macro]: {reason}", line) from None
    steps = data.get("step", [])
    if not isinstance(steps, list):
        raise MacroFileError(source, "step must be an array of tables ([[step]])",
                             where.top("step"))
    for index, raw in enumerate(steps):
        _check_step(raw, index, where, source)
    macro = Macro.model_validate(data)  # every part was checked above, this cannot fail
    lines = [where.step(i) or 0 for i in range(len(steps))]
    return macro, lines


def load_macro(path: Path | str) -> LoadedMacro:
    """Read and validate a macro file. Never runs or writes anything."""
    path = Path(path)
    macro, lines = parse_macro(read_text(path, MacroFileError), str(path))
    return LoadedMacro(macro, path, lines)


def read_text(path: Path, error: Callable[..., Exception]) -> str:
    """A UTF-8 file's text; what keeps it from being read is `error(file, reason, line=N)`
    (macros and drill scenarios say it alike)."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise error(str(path), f"cannot read: {exc.strerror or exc}") from None
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise error(str(path), f"not UTF-8 text ({exc.reason})",
                    line=raw.count(b"\n", 0, exc.start) + 1) from None
