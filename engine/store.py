"""Frame files (TOML), atomic saves and the platformdirs locations of hmc-tui's files.

A frame file holds `Frame.model_dump(mode="json", exclude_defaults=True)`: only what differs
from the model's defaults, so a file stays short enough to read and edit by hand. Loading
validates three layers in order - TOML syntax, the pydantic model, then the PowerVM rules
(`engine.rules.check_frame`) - and reports the first problem as one `FrameFileError` line
that names the file and, where it can be found, the line and the field path. Loading never
writes anything; a bad file is reported and left untouched.
"""

from __future__ import annotations

import contextlib
import functools
import importlib
import os
import re
import stat
import tempfile
import tomllib
from collections.abc import Mapping
from importlib import resources
from pathlib import Path
from typing import Any

import platformdirs
import tomli_w
from pydantic import ValidationError

from engine.errors import HmcError
from engine.hmc import Hmc
from engine.model import Frame, default_pool

__all__ = [
    "CONFIG_DIR_ENV",
    "DATA_DIR_ENV",
    "DEMO_FRAME_SOURCE",
    "STATE_DIR_ENV",
    "FrameFileError",
    "ReadOnlyFileError",
    "atomic_write_bytes",
    "config_dir",
    "data_dir",
    "demo_frame",
    "demo_frame_text",
    "demo_hmc",
    "demo_hmc_text",
    "ensure_user_frame",
    "frame_bytes",
    "frame_from_bytes",
    "frame_from_toml",
    "frame_to_toml",
    "hmc_bytes",
    "hmc_from_bytes",
    "hmc_from_toml",
    "hmc_to_toml",
    "load_frame",
    "load_hmc",
    "private_dir",
    "save_frame",
    "save_hmc",
    "state_dir",
    "user_frame_path",
    "write_frame_bytes",
]

APP_NAME = "hmc-tui"
DATA_DIR_ENV = "HMC_TUI_DATA_DIR"
CONFIG_DIR_ENV = "HMC_TUI_CONFIG_DIR"
STATE_DIR_ENV = "HMC_TUI_STATE_DIR"
FRAME_FILE_NAME = "frame.toml"
DEMO_FRAME_SOURCE = "engine/frames/demo.toml"  # how errors in the built-in frame are named
DEMO_HMC_SOURCE = "engine/frames/demo-hmc.toml"  # the two-system demo a first start copies

PathLike = str | os.PathLike[str]
PathKey = tuple[str | int, ...]  # ("partitions", 3, "profiles", 0, "desired_mem")


# ---------------------------------------------------------------- errors


class FrameFileError(Exception):
    """A frame file that cannot be read, parsed, validated or written.

    `str()` is one line, `FILE[:LINE]: [WHERE: ]REASON`, ready for `hmc-tui: <message>`.
    The parts stay available for front ends that want to show them separately.
    """

    def __init__(
        self,
        file: str,
        reason: str,
        *,
        line: int | None = None,
        where: str = "",
        code: str = "",
    ) -> None:
        self.file = file
        self.line = line
        self.where = where  # field path such as partitions[3].profiles[0].desired_mem
        self.code = code  # HSCL code for rule violations
        # One line, whatever the underlying library put in its message.
        self.reason = " ".join(reason.split())
        super().__init__(str(self))

    def __str__(self) -> str:
        head = self.file if self.line is None else f"{self.file}:{self.line}"
        return ": ".join(part for part in (head, self.where, self.reason) if part)


# ---------------------------------------------------------------- writing


def _drop_none(value: Any) -> Any:
    """TOML has no null: drop None members of tables (absent means "the model's default")."""
    if isinstance(value, dict):
        return {k: _drop_none(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_drop_none(v) for v in value]
    return value


def frame_to_toml(frame: Frame) -> str:
    """The frame as compact TOML: defaults left out, the 64 pools only where configured."""
    return tomli_w.dumps(_frame_data(frame))


def hmc_to_toml(hmc: Hmc) -> str:
    """One system: exactly today's frame file; several: `format` then one `[[systems]]`
    table per system, each what a one-system file holds (but `format`)."""
    if len(hmc.systems) == 1:
        return frame_to_toml(hmc.systems[0])
    systems = []
    for frame in hmc.systems:
        data = _frame_data(frame)
        data.pop("format")
        systems.append(data)
    return tomli_w.dumps({"format": hmc.systems[0].format, "systems": systems})


def _frame_data(frame: Frame) -> dict[str, Any]:
    data: dict[str, Any] = {"format": frame.format}  # always written, so a reader can tell
    data.update(frame.model_dump(mode="json", exclude_defaults=True))
    pools = [
        p.model_dump(mode="json", exclude_defaults=True)
        for p in frame.pools
        if p != default_pool(p.id)
    ]
    # The model always holds all 64 pools; the file lists only the ones someone changed.
    data.pop("pools", None)
    if pools:
        data["pools"] = pools
    # exclude_defaults also drops each virtual adapter's `type`: it has a default, yet it is
    # the discriminator the loader needs to pick the adapter class. Put it back, first.
    for lpar, dumped in zip(frame.partitions, data.get("partitions", ()), strict=True):
        if lpar.adapters:
            dumped["adapters"] = [
                {"type": adapter.type, **entry}
                for adapter, entry in zip(lpar.adapters, dumped["adapters"], strict=True)
            ]
    ordered: dict[str, Any] = {
        k: data[k] for k in ("format", "engine_time", "system", "pools", "io") if k in data}
    ordered.update(data)  # then the rest (partitions) in model order
    result: dict[str, Any] = _drop_none(ordered)
    return result


class ReadOnlyFileError(PermissionError):
    """The file to replace is read-only: someone protected it, so it is not replaced."""

    def __init__(self, path: Path) -> None:
        super().__init__(f"{path}: the file is read-only; not replaced (make it writable to "
                         "save)")
        self.path = path
        self.strerror = "the file is read-only; not replaced (make it writable to save)"


FILE_MODE = 0o600  # every file we write: frames, users, keys, screenshots hold private data
DIR_MODE = 0o700


def atomic_write_bytes(path: PathLike, data: bytes, *, mode: int = FILE_MODE) -> None:
    """Replace `path` with `data` so that a crash leaves either the old or the new file.

    Temp file in the same directory (same file system, so os.replace is atomic), write,
    flush, fsync, replace, then fsync the directory so the rename itself is durable. On any
    failure the temp file is removed and the previous file is untouched. Files are written
    0600 unless `mode` says otherwise (a public key). An existing read-only file (no owner
    write bit) raises ReadOnlyFileError and nothing is written: a rename would silently
    replace it, and root would not be stopped by the permission at all. A missing
    hmc-tui directory (data, config, state) is created 0700, and an existing one that others
    can read is tightened to 0700.
    """
    # Through a symlink (a dotfiles setup): replace the file it points at, keep the link.
    target = Path(os.path.realpath(path))
    directory = target.parent
    try:
        if not target.stat().st_mode & stat.S_IWUSR:
            raise ReadOnlyFileError(target)
    except FileNotFoundError:
        pass
    _private_app_dirs(directory)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=directory)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp_name, mode)
        os.replace(tmp_name, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp_name)
        raise
    _fsync_directory(directory)


def private_dir(directory: PathLike) -> Path:
    """Create `directory` (and missing parents) 0700; tighten it if others can enter it."""
    path = Path(directory)
    path.mkdir(parents=True, exist_ok=True, mode=DIR_MODE)
    _tighten(path)
    return path


def _tighten(path: Path) -> None:
    with contextlib.suppress(OSError):
        st = path.stat()
        if st.st_uid == os.geteuid() and st.st_mode & 0o077:
            os.chmod(path, stat.S_IMODE(st.st_mode) & ~0o077)


def _private_app_dirs(directory: Path) -> None:
    """Tighten `directory` and its parents up to hmc-tui's own base directory, if it lies in
    one: a caller's plain mkdir made them 0755. Directories of the user's choosing (a
    `--frame` elsewhere) are left as they are."""
    real = Path(os.path.realpath(directory))
    for base in (data_dir(), config_dir(), state_dir()):
        base_real = Path(os.path.realpath(base))
        if real == base_real or base_real in real.parents:
            for level in (real, *real.parents):
                _tighten(level)
                if level == base_real:
                    break
            return


def _fsync_directory(directory: Path) -> None:
    if os.name != "posix":  # Windows cannot open a directory; NTFS journals the rename
        return
    dir_fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)


def frame_bytes(frame: Frame) -> bytes:
    """What save_frame writes for `frame` (the op log checkpoints hash exactly these bytes)."""
    return frame_to_toml(frame).encode("utf-8")


def write_frame_bytes(data: bytes, path: PathLike) -> None:
    """Write a frame file's bytes atomically; FrameFileError (one line) when it cannot."""
    try:
        atomic_write_bytes(path, data)
    except ReadOnlyFileError as exc:
        raise FrameFileError(str(path), "the file is read-only; not replaced (make it "
                             "writable to save)") from exc
    except OSError as exc:
        raise FrameFileError(str(path), f"cannot write: {_os_reason(exc)}") from exc


def hmc_bytes(hmc: Hmc) -> bytes:
    """What save_hmc writes (a one-system Hmc: the same bytes as frame_bytes)."""
    return hmc_to_toml(hmc).encode("utf-8")


def save_hmc(hmc: Hmc, path: PathLike) -> None:
    """save_frame for every system of the HMC."""
    write_frame_bytes(hmc_bytes(hmc), path)


def save_frame(frame: Frame, path: PathLike) -> None:
    """Write the frame atomically (0600); the directory must exist. A read-only frame file
    is refused (FrameFileError), not replaced."""
    write_frame_bytes(frame_bytes(frame), path)


# ---------------------------------------------------------------- reading


_TOML_WHERE = re.compile(r"\s*\(at line (\d+), column (\d+)\)\s*$")
_TOML_END = re.compile(r"\s*\(at end of document\)\s*$")


def _toml_error(source: str, text: str, exc: tomllib.TOMLDecodeError) -> FrameFileError:
    message = str(exc)
    line = getattr(exc, "lineno", None)  # Python 3.14+ carries the position as attributes
    column = getattr(exc, "colno", None)
    if (match := _TOML_WHERE.search(message)) is not None:
        line, column = int(match.group(1)), int(match.group(2))
        message = message[: match.start()]
    elif (match := _TOML_END.search(message)) is not None:
        line = text.count("\n") + (0 if text.endswith("\n") else 1) or 1
        message = message[: match.start()] + " at end of file"
        column = None
    if column is not None:
        message = f"{message} (column {column})"
    return FrameFileError(source, f"invalid TOML: {message}", line=line)


def frame_from_toml(text: str, source: str, *, check_rules: bool = True) -> Frame:
    """Parse and validate a frame file's text; `source` names it in errors. A file with
    several managed systems is refused here (load it with hmc_from_toml).

    `check_rules=False` skips engine.rules (for tools that repair a rule-breaking frame).
    """
    data = _parse(text, source)
    if "systems" in data:
        raise FrameFileError(source, f"holds {len(data['systems'])} managed systems; this "
                             "needs a file with one", line=_line_of(text, ("systems", 0)))
    return _frame_from_data(data, text, source, check_rules=check_rules)


def hmc_from_toml(text: str, source: str, *, check_rules: bool = True) -> Hmc:
    """Parse and validate a frame file with one managed system (today's layout) or several
    (`[[systems]]`, each what a one-system file holds); errors name the file and line."""
    data = _parse(text, source)
    tables = data.get("systems")
    if tables is None:
        return Hmc(systems=(_frame_from_data(data, text, source, check_rules=check_rules),))
    if not isinstance(tables, list) or not tables or not all(
            isinstance(t, dict) for t in tables):
        raise FrameFileError(source, "systems must be one or more [[systems]] tables",
                             line=_line_of(text, ("systems",)), where="systems")
    extra = sorted(set(data) - {"format", "systems"})
    if extra:
        raise FrameFileError(source, "Extra inputs are not permitted beside [[systems]]",
                             line=_line_of(text, (extra[0],)), where=extra[0])
    frames = []
    for i, table in enumerate(tables):
        table = {"format": data.get("format", 1), **table}
        frames.append(_frame_from_data(table, text, source, check_rules=check_rules,
                                       prefix=("systems", i)))
    try:
        return Hmc(systems=tuple(frames))
    except HmcError as exc:
        key = _parse_path(exc.path)
        raise FrameFileError(source, str(exc), line=_line_of(text, key), where=exc.path,
                             code=exc.code) from None


def _parse(text: str, source: str) -> dict[str, Any]:
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise _toml_error(source, text, exc) from None


def _frame_from_data(data: dict[str, Any], text: str, source: str, *, check_rules: bool,
                     prefix: PathKey = ()) -> Frame:
    """One system's table validated; `prefix` locates it in the file (("systems", 1))."""
    try:
        frame = Frame.model_validate(data)
    except ValidationError as exc:
        raise _validation_error(source, text, data, exc, prefix) from None
    if check_rules:
        try:
            _check_rules(frame)
        except HmcError as exc:
            key = _model_path_to_file_key(_parse_path(exc.path), data)
            where = _format_path((*prefix, *(_parse_path(exc.path) or ()))) if prefix \
                else exc.path
            raise FrameFileError(
                source, str(exc), line=_line_of(text, (*prefix, *key) if key else None),
                where=where, code=exc.code,
            ) from None
    return frame


def _check_rules(frame: Frame) -> None:
    """engine.rules.check_frame, imported late: rules may import this module's neighbours."""
    try:
        rules = importlib.import_module("engine.rules")
    except ModuleNotFoundError as exc:
        if exc.name != "engine.rules":  # a missing dependency of rules is a real bug
            raise
        return  # rules not written yet: the model's own validation is all there is
    rules.check_frame(frame)


def load_hmc(path: PathLike) -> Hmc:
    """Read, parse and validate a frame file of one or several systems. Never writes."""
    return hmc_from_bytes(_read(path), str(path))


def hmc_from_bytes(raw: bytes, source: str) -> Hmc:
    """load_hmc without the read."""
    return hmc_from_toml(_decode(raw, source), source)


def load_frame(path: PathLike) -> Frame:
    """Read, parse and validate a frame file. Never writes anything."""
    return frame_from_bytes(_read(path), str(path))


def frame_from_bytes(raw: bytes, source: str) -> Frame:
    """A frame file's bytes, decoded, parsed and validated (load_frame without the read)."""
    return frame_from_toml(_decode(raw, source), source)


def _read(path: PathLike) -> bytes:
    try:
        return Path(path).read_bytes()
    except OSError as exc:
        raise FrameFileError(str(path), f"cannot read: {_os_reason(exc)}") from None


def _decode(raw: bytes, source: str) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise FrameFileError(
            source, f"not UTF-8 text (byte {exc.start}: {exc.reason})",
            line=raw.count(b"\n", 0, exc.start) + 1,
        ) from None


def _os_reason(exc: OSError) -> str:
    return exc.strerror or str(exc)


# ---------------------------------------------------------------- validation messages


def _validation_error(
    source: str, text: str, data: dict[str, Any], exc: ValidationError, prefix: PathKey = ()
) -> FrameFileError:
    errors = exc.errors(include_url=False)
    first = errors[0]
    key = (*prefix, *_clean_loc(first["loc"], data))
    message = str(first["msg"]).removeprefix("Value error, ")
    value = first.get("input")
    if first["type"] != "missing" and isinstance(value, str | int | float | bool):
        message = f"{message} (got {_short_repr(value)})"
    if len(errors) > 1:
        more = len(errors) - 1
        message = f"{message} (and {more} more problem{'s' if more > 1 else ''})"
    return FrameFileError(source, message, line=_line_of(text, key), where=_format_path(key))


def _clean_loc(loc: tuple[str | int, ...], data: Any) -> PathKey:
    """Drop the union-member tags pydantic puts in a loc (`adapters.2.scsi.slot`).

    A string element is a tag when the data at that point is a table without that key;
    the last element is always kept (it may be a missing or a forbidden extra field).
    """
    key: list[str | int] = []
    node: Any = data
    for i, part in enumerate(loc):
        last = i == len(loc) - 1
        if isinstance(part, int):
            key.append(part)
            node = node[part] if isinstance(node, list) and 0 <= part < len(node) else None
        elif isinstance(node, Mapping) and part in node:
            key.append(part)
            node = node[part]
        elif last or not isinstance(node, Mapping):
            key.append(part)
            node = None
        # else: a tag naming the union member being tried; the data has no such level
    return tuple(key)


def _short_repr(value: object, limit: int = 60) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _format_path(key: PathKey) -> str:
    out = ""
    for part in key:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


_PATH_PART = re.compile(r"\.?([A-Za-z_][A-Za-z0-9_]*)|\[(\d+)\]")


def _parse_path(path: str) -> PathKey | None:
    """`partitions[3].profiles[0].desired_mem` -> ("partitions", 3, "profiles", 0, ...)."""
    key: list[str | int] = []
    pos = 0
    while pos < len(path):
        match = _PATH_PART.match(path, pos)
        if match is None:
            return None
        key.append(match.group(1) if match.group(1) is not None else int(match.group(2)))
        pos = match.end()
    return tuple(key) or None


def _model_path_to_file_key(key: PathKey | None, data: Any) -> PathKey | None:
    """Rule paths index the model; the file lists only configured pools, so remap pools[i]."""
    if key is None or len(key) < 2 or key[0] != "pools" or not isinstance(key[1], int):
        return key
    pools = data.get("pools") if isinstance(data, Mapping) else None
    if not isinstance(pools, list):
        return None
    for index, pool in enumerate(pools):
        if isinstance(pool, Mapping) and pool.get("id") == key[1]:
            return ("pools", index, *key[2:])
    return None


def _line_of(text: str, key: PathKey | None) -> int | None:
    """The line of the deepest table or key of `key` found in the file, if any."""
    if not key:
        return None
    index = _line_index(text)
    for end in range(len(key), 0, -1):
        if (line := index.get(key[:end])) is not None:
            return line
    return None


# ---------------------------------------------------------------- where things are in a file


_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")


class _Scanner:
    """Maps table headers, keys and inline-table array elements of valid TOML to lines.

    Only used after tomllib accepted the text, so it can be a lenient lexer: it tracks
    strings, comments and bracket depth well enough that text inside strings or nested
    values is never mistaken for a header or a key.
    """

    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0
        self.line = 1
        self.index: dict[PathKey, int] = {}
        self.table: PathKey = ()
        self.aot_counts: dict[PathKey, int] = {}  # array-of-tables path -> elements so far

    # -- low level
    def peek(self, offset: int = 0) -> str:
        i = self.pos + offset
        return self.text[i] if i < len(self.text) else ""

    def advance(self, count: int = 1) -> None:
        for _ in range(count):
            if self.pos < len(self.text):
                if self.text[self.pos] == "\n":
                    self.line += 1
                self.pos += 1

    def skip_blank(self) -> None:
        while self.peek() in (" ", "\t"):
            self.advance()

    def skip_to_eol(self) -> None:
        while self.peek() not in ("", "\n"):
            self.advance()

    def skip_string(self) -> str:
        """Skip a string at pos and return its value for simple (key) strings."""
        quote = self.peek()
        triple = self.text.startswith(quote * 3, self.pos)
        delim = quote * 3 if triple else quote
        self.advance(len(delim))
        start = self.pos
        while self.pos < len(self.text):
            if quote == '"' and self.peek() == "\\":
                self.advance(2)
                continue
            if self.text.startswith(delim, self.pos):
                # A closing triple quote may be followed by up to two more quotes.
                while triple and self.text.startswith(delim + quote, self.pos):
                    self.advance()
                raw = self.text[start : self.pos]
                self.advance(len(delim))
                return raw
            self.advance()
        return self.text[start:]

    def read_key(self) -> PathKey:
        """A dotted key, e.g. `a."b c".d`."""
        parts: list[str | int] = []
        while True:
            self.skip_blank()
            if self.peek() in ('"', "'"):
                quote = self.peek()
                raw = self.skip_string()
                if quote == '"':
                    with contextlib.suppress(tomllib.TOMLDecodeError):
                        raw = tomllib.loads(f'k = "{raw}"')["k"]
                parts.append(raw)
            else:
                match = _BARE_KEY.match(self.text, self.pos)
                if match is None:
                    break
                parts.append(match.group(0))
                self.advance(match.end() - self.pos)
            self.skip_blank()
            if self.peek() != ".":
                break
            self.advance()
        return tuple(parts)

    def concrete(self, parts: PathKey) -> PathKey:
        """Header parts with array-of-tables levels resolved to their current element."""
        out: list[str | int] = []
        for part in parts:
            out.append(part)
            count = self.aot_counts.get(tuple(out))
            if count:
                out.append(count - 1)
        return tuple(out)

    # -- structure
    def scan(self) -> dict[PathKey, int]:
        while self.pos < len(self.text):
            self.skip_blank()
            char = self.peek()
            if char in ("\n", "\r"):
                self.advance()
            elif char == "#":
                self.skip_to_eol()
            elif char == "[":
                self.header()
            else:
                self.key_value()
        return self.index

    def header(self) -> None:
        line = self.line
        is_aot = self.text.startswith("[[", self.pos)
        self.advance(2 if is_aot else 1)
        parts = self.read_key()
        if is_aot:
            array = self.concrete(parts[:-1]) + parts[-1:]
            count = self.aot_counts.get(array, 0)
            self.aot_counts[array] = count + 1
            self.table = (*array, count)
        else:
            self.table = self.concrete(parts)
        self.index.setdefault(self.table, line)
        self.skip_to_eol()  # closing brackets and an optional comment

    def key_value(self) -> None:
        line = self.line
        parts = self.read_key()
        if not parts:  # not something this lexer understands: resynchronise
            self.skip_to_eol()
            return
        path = self.table + parts
        self.index.setdefault(path, line)
        self.skip_blank()
        if self.peek() == "=":
            self.advance()
        self.value(path)

    def value(self, path: PathKey) -> None:
        """Skip one value; record the lines of inline tables that are array elements."""
        # Stack of open brackets: (bracket, path of the array or None, element count).
        stack: list[tuple[str, PathKey | None, int]] = []
        while self.pos < len(self.text):
            char = self.peek()
            if char in ('"', "'"):
                self.skip_string()
                continue
            if char == "#":
                self.skip_to_eol()
                continue
            if char == "\n" and not stack:
                return
            if char == "[":
                owner = path if not stack else None  # only top-level arrays are indexed
                stack.append(("[", owner, 0))
            elif char == "{":
                if stack and stack[-1][0] == "[" and (array := stack[-1][1]) is not None:
                    self.index.setdefault((*array, stack[-1][2]), self.line)
                stack.append(("{", None, 0))
            elif char == "," and stack and stack[-1][0] == "[":
                bracket, array, count = stack[-1]
                stack[-1] = (bracket, array, count + 1)
            elif char in ("]", "}") and stack:
                stack.pop()
                if not stack:
                    self.advance()
                    self.skip_to_eol()  # trailing blanks and an optional comment
                    return
            self.advance()


def _line_index(text: str) -> dict[PathKey, int]:
    return _Scanner(text).scan()


# ---------------------------------------------------------------- the demo frame


def demo_frame_text() -> str:
    """The text of the built-in demo frame (package data, so it works from a wheel)."""
    # One name per `/`: a namespace-package MultiplexedPath's joinpath takes only one.
    return (resources.files("engine") / "frames" / "demo.toml").read_text("utf-8")


def demo_hmc_text() -> str:
    """The built-in two-system demo (the production E1080 of demo.toml and a DR/test
    E1050): what a first start copies to the user's frame file."""
    return (resources.files("engine") / "frames" / "demo-hmc.toml").read_text("utf-8")


@functools.cache
def demo_hmc() -> Hmc:
    """The built-in two-system demo, parsed once."""
    return hmc_from_toml(demo_hmc_text(), DEMO_HMC_SOURCE)


@functools.cache
def demo_frame() -> Frame:
    """The built-in demo frame, parsed once (frames are immutable, so sharing it is safe)."""
    return frame_from_toml(demo_frame_text(), DEMO_FRAME_SOURCE)


# ---------------------------------------------------------------- locations


def _location(env: str, default: Path) -> Path:
    override = os.environ.get(env, "").strip()
    return Path(override).expanduser() if override else default


def data_dir() -> Path:
    """Frames, users, SSH host key, journal. $HMC_TUI_DATA_DIR overrides."""
    return _location(DATA_DIR_ENV, platformdirs.user_data_path(APP_NAME, appauthor=False))


def config_dir() -> Path:
    """config.toml (theme, keymap). $HMC_TUI_CONFIG_DIR overrides."""
    return _location(CONFIG_DIR_ENV, platformdirs.user_config_path(APP_NAME, appauthor=False))


def state_dir() -> Path:
    """Logs. $HMC_TUI_STATE_DIR overrides."""
    return _location(STATE_DIR_ENV, platformdirs.user_state_path(APP_NAME, appauthor=False))


def user_frame_path() -> Path:
    return data_dir() / FRAME_FILE_NAME


def ensure_user_frame() -> Path:
    """The user's frame file, created from the two-system demo on first start.

    An existing file is never touched, not even read: a broken one is reported when it is
    loaded, not silently replaced. The demo text is copied verbatim so its comments stay.
    """
    path = user_frame_path()
    if path.exists():
        return path
    try:
        private_dir(path.parent)
        atomic_write_bytes(path, demo_hmc_text().encode("utf-8"))
    except OSError as exc:
        raise FrameFileError(str(path), f"cannot write: {_os_reason(exc)}") from exc
    return path

