"""Readers for captured command output: HMC records and the VIOS's tables and blocks.

Each reader takes a `Capture` (text plus where it came from) and returns plain data. A line
it cannot read is handed to `warn` as `FILE:LINE: reason` and skipped when the caller gives
one (real captures are messy: a localised error line, a stray prompt); without `warn` it
raises `CaptureError`, so the import can report `FILE:LINE: reason` and write nothing.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Callable
from dataclasses import dataclass

from hmc_tui.hmccli.format import NO_RESULTS

_SLOT = re.compile(r"-C(\d+)(?:-T\d+)?$")
_OWNER = re.compile(r"-V(\d+)-C\d+(?:-T\d+)?$")
Warn = Callable[[str], None]
_HMC_ERROR = re.compile(r"HSCL[0-9A-F]{4} ")


class CaptureError(Exception):
    """A capture that cannot be read: `FILE:LINE: reason` (LINE when known)."""

    def __init__(self, source: str, line: int | None, reason: str) -> None:
        self.source, self.line, self.reason = source, line, reason
        where = source if line is None else f"{source}:{line}"
        super().__init__(f"{where}: {reason}")


@dataclass(frozen=True)
class Capture:
    key: str  # lssyscfg_r_lpar, lsmap_all_vios1 (the file's stem)
    source: str  # the file it came from
    text: str
    first_line: int = 1  # line number of the text's first line in `source`

    def lines(self) -> list[tuple[int, str]]:
        return [(self.first_line + i, line) for i, line in enumerate(self.text.splitlines())]

    def error(self, line: int | None, reason: str) -> CaptureError:
        return CaptureError(self.source, line, reason)


Record = dict[str, str]


def hmc_records(cap: Capture, warn: Warn | None = None) -> list[tuple[int, Record]]:
    """`attr=value,...` records (CSV quoting), with their line numbers.

    A quoted value may span lines (lshmc -V); blank lines and `No results were found.` are
    skipped; with `warn`, so is (with a warning) a line that is no record, such as an HMC
    error saved in place of the output (`HSCLA4C0 ...`) or a localised "no results" line.
    """
    out: list[tuple[int, Record]] = []
    pending = ""
    start = 0
    for number, line in cap.lines():
        if not pending and (not line.strip() or line.strip() == NO_RESULTS):
            continue
        if not pending:
            start = number
        pending = f"{pending}\n{line}" if pending else line
        if pending.count('"') % 2:  # inside a quoted value: the record goes on
            continue
        try:
            out.append((start, _record(cap, start, pending)))
        except CaptureError as err:
            if warn is None:
                raise
            if _HMC_ERROR.match(pending):  # saved in place of the output
                warn(f"{cap.source}:{start}: the HMC answered with an error instead of a "
                     f"listing: {pending.strip()} (line not used)")
            else:
                warn(f"{err} (line not used)")
        pending = ""
    if pending:
        unclosed = cap.error(start, "a quoted value is not closed")
        if warn is None:
            raise unclosed
        warn(f"{unclosed} (line not used)")
    return out


def _record(cap: Capture, number: int, text: str) -> Record:
    try:
        fields = next(csv.reader([text], strict=True))
    except (csv.Error, StopIteration) as exc:
        raise cap.error(number, f"not an attribute=value record ({exc})") from None
    record: Record = {}
    for field in fields:
        name, sep, value = field.partition("=")
        if not sep or not re.fullmatch(r"[A-Za-z0-9_]+", name):
            raise cap.error(number, f"not an attribute=value pair: {field[:40]!r}")
        record[name] = value
    return record


def need(cap: Capture, number: int, record: Record, *names: str) -> list[str]:
    missing = [n for n in names if n not in record]
    if missing:
        raise cap.error(number, f"attribute {missing[0]} is missing")
    return [record[n] for n in names]


def owner_of(physloc: str) -> int | None:
    """The partition of a virtual location code: U9080.HEX.78H4A21-V1-C13 -> 1."""
    match = _OWNER.search(physloc)
    return None if match is None else int(match.group(1))


def slot_of(cap: Capture, number: int, physloc: str) -> int:
    """The virtual slot in a location code: U9080.HEX.78H4A21-V1-C13 -> 13."""
    match = _SLOT.search(physloc)
    if match is None:
        raise cap.error(number, f"no virtual slot in location code {physloc!r}")
    return int(match.group(1))


# ---------------------------------------------------------------- VIOS: lsmap


@dataclass
class Vtd:
    vhost: str
    slot: int
    vtd: str
    lun: str
    backing: str
    owner: int | None = None  # the VIOS's partition id, from the vhost's location code
    line: int = 0  # the vhost's line


def _unexpected(cap: Capture, warn: Warn | None, number: int, reason: str) -> None:
    if warn is None:
        raise cap.error(number, reason)
    warn(f"{cap.source}:{number}: {reason} (line not used)")


def lsmap_vscsi(cap: Capture, warn: Warn | None = None) -> list[Vtd]:
    """`lsmap -all` (blocks, or one `-fmt :` line per vhost)."""
    out: list[Vtd] = []
    vhost, slot, owner, at = "", -1, None, 0
    current: dict[str, str] = {}

    def close(number: int) -> None:
        if current:
            if "LUN" not in current:
                _unexpected(cap, warn, number, f"virtual target device {current.get('VTD')} "
                            "has no LUN")
            elif not current.get("Backing device"):
                # An empty virtual optical drive (no media loaded) maps nothing.
                _unexpected(cap, warn, number, f"virtual target device {current.get('VTD')} "
                            "has no backing device")
            else:
                out.append(Vtd(vhost, slot, current["VTD"], current["LUN"],
                               current["Backing device"], owner, at))
            current.clear()

    for number, line in cap.lines():
        text = line.rstrip()
        if not text or text.startswith(("SVSA", "-----")) or text == NO_RESULTS:
            continue
        if text.startswith("vhost") and ":" in text and " " not in text:
            fields = text.split(":")
            if len(fields) < 3 or (len(fields) - 3) % 6:
                raise cap.error(number, "a -fmt : line has vhost:physloc:client then six "
                                "fields per virtual target device")
            s = slot_of(cap, number, fields[1])
            for i in range(3, len(fields), 6):
                out.append(Vtd(fields[0], s, fields[i], fields[i + 2], fields[i + 3],
                               owner_of(fields[1]), number))
            continue
        if text.startswith("vhost"):
            close(number)
            words = text.split()
            if len(words) != 3:
                raise cap.error(number, "expected: vhostN  PHYSLOC  CLIENT-ID")
            vhost, slot = words[0], slot_of(cap, number, words[1])
            owner, at = owner_of(words[1]), number
            continue
        label, value = text[:22].strip(), text[22:].strip()
        if label == "VTD":
            close(number)
            if value != "NO VIRTUAL TARGET DEVICE FOUND":
                current["VTD"] = value
        elif label in ("Status", "LUN", "Backing device", "Physloc", "Mirrored"):
            if not current:
                _unexpected(cap, warn, number, f"{label} outside a virtual target device")
                continue
            current[label] = value
        else:
            _unexpected(cap, warn, number, f"unexpected line in lsmap output: {text[:40]!r}")
    close(0)
    return out


@dataclass
class Vfc:
    vfchost: str
    slot: int
    port: str  # FC name ("" when not mapped)
    port_location: str
    owner: int | None = None  # the VIOS's partition id, from the vfchost's location code
    line: int = 0


def lsmap_npiv(cap: Capture, warn: Warn | None = None) -> list[Vfc]:
    """`lsmap -all -npiv` (blocks, or `-fmt :` lines)."""
    out: list[Vfc] = []
    for number, line in cap.lines():
        text = line.rstrip()
        if not text or text.startswith(("Name ", "-----")) or text == NO_RESULTS:
            continue
        if text.startswith("vfchost") and ":" in text.split()[0]:
            fields = text.split(":")
            if len(fields) != 12:
                raise cap.error(number, "a -fmt : line has 12 fields")
            out.append(Vfc(fields[0], slot_of(cap, number, fields[1]), fields[6], fields[7],
                           owner_of(fields[1]), number))
        elif text.startswith("vfchost"):
            words = text.split()
            if len(words) < 2:
                raise cap.error(number, "expected: vfchostN  PHYSLOC  CLNTID ...")
            out.append(Vfc(words[0], slot_of(cap, number, words[1]), "", "",
                           owner_of(words[1]), number))
        elif text.startswith("FC name:"):
            if not out:
                _unexpected(cap, warn, number, "FC name outside a vfchost block")
                continue
            name, _, loc = text.partition("FC loc code:")
            out[-1].port = name.removeprefix("FC name:").strip()
            out[-1].port_location = loc.strip()
        elif not text.startswith(("Status:", "Ports logged in:", "Flags:", "VFC client")):
            _unexpected(cap, warn, number,
                        f"unexpected line in lsmap -npiv output: {text[:40]!r}")
    return out


@dataclass
class NetEntry:
    ent: str
    slot: int
    sea: str  # "" when the adapter is in no SEA
    backing: str
    backing_location: str


def lsmap_net(cap: Capture) -> list[NetEntry]:
    out: list[NetEntry] = []
    for number, line in cap.lines():
        text = line.rstrip()
        if not text or text.startswith(("SVEA", "-----")):
            continue
        label, value = text[:22].strip(), text[22:].strip()
        if text.startswith("ent") and label != "SEA":
            words = text.split()
            out.append(NetEntry(words[0], slot_of(cap, number, words[1]), "", "", ""))
        elif not out:
            raise cap.error(number, f"unexpected line in lsmap -net output: {text[:40]!r}")
        elif label == "SEA":
            out[-1].sea = "" if value == "NO SHARED ETHERNET ADAPTER FOUND" else value
        elif label == "Backing device":
            out[-1].backing = value
        elif label == "Physloc":
            out[-1].backing_location = value
        elif label != "Status":
            raise cap.error(number, f"unexpected line in lsmap -net output: {text[:40]!r}")
    return out


# ---------------------------------------------------------------- VIOS: tables


def columns(cap: Capture) -> list[tuple[int, dict[str, str]]]:
    """A table whose header names the columns; cells are sliced at the header's columns,
    so an empty cell (ctl_chan with no value) stays empty instead of shifting the row."""
    rows: list[tuple[int, dict[str, str]]] = []
    starts: list[tuple[str, int]] = []
    for number, line in cap.lines():
        if not line.strip():
            continue
        if not starts:
            starts = [(m.group(), m.start()) for m in re.finditer(r"\S+", line)]
            continue
        cells: dict[str, str] = {}
        for i, (name, start) in enumerate(starts):
            end = starts[i + 1][1] if i + 1 < len(starts) else None
            cells[name] = line[start:end].strip()
        rows.append((number, cells))
    return rows


def split_rows(cap: Capture, width: int) -> list[tuple[int, list[str]]]:
    """Whitespace-separated rows after a header line, each with `width` cells at least."""
    rows: list[tuple[int, list[str]]] = []
    for i, (number, line) in enumerate(cap.lines()):
        if i == 0 or not line.strip():
            continue
        words = line.split()
        if len(words) < width:
            raise cap.error(number, f"expected {width} columns: {line[:40]!r}")
        rows.append((number, words))
    return rows


def lsrep_files(cap: Capture) -> list[tuple[int, str, int]]:
    """(line, file name, size MB) of the media repository's files."""
    out: list[tuple[int, str, int]] = []
    in_files = False
    for number, line in cap.lines():
        if line.startswith("Name"):
            in_files = True
            continue
        if not in_files or not line.strip():
            continue
        words = line.split()
        if len(words) < 4 or not words[-3].isdecimal():
            raise cap.error(number, f"expected: NAME SIZE OPTICAL ACCESS: {line[:40]!r}")
        out.append((number, " ".join(words[:-3]), int(words[-3])))
    return out
