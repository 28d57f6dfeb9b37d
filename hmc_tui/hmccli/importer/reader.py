"""What every part of the import shares: the captures, the warnings, and lenient reading.

One `Reader` is handed to each section's functions (system, partitions, VIOS, ...) so the
warnings come out in one list, in the order the sections run, and a capture read anywhere
counts as used.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from pydantic import ValidationError

from engine.model import Resources
from hmc_tui.hmccli.capture import EXTRAS
from hmc_tui.hmccli.capture_parse import Capture, CaptureError, hmc_records, need
from hmc_tui.hmccli.lssyscfg import LPAR_ATTRS, PROF_ATTRS, SYS_ATTRS

REQUIRED = ("lssyscfg_r_sys", "lssyscfg_r_lpar", "lssyscfg_r_prof",
            "lshwres_r_proc_level_sys", "lshwres_r_mem_level_sys")
VIOS_COMMANDS = ("lsmap_all", "lsmap_all_npiv", "lsmap_all_net", "lspv_size", "lsrep",
                 "lsnports", "lsdev_type_adapter")
# Attributes read here beyond those lssyscfg prints (older and newer HMCs' names).
READ_ATTRS = {"lssyscfg_r_sys": {"lpar_proc_compat_modes"}, "lssyscfg_r_lpar": set(),
              "lssyscfg_r_prof": {"shared_proc_pool_name", "shared_proc_pool_id"}}
KNOWN_ATTRS = {"lssyscfg_r_sys": set(SYS_ATTRS), "lssyscfg_r_lpar": set(LPAR_ATTRS),
               "lssyscfg_r_prof": set(PROF_ATTRS)}
# A partition no capture gives a profile or resources (documented in the warning).
FALLBACK_RESOURCES = Resources(min_proc_units=0.1, desired_proc_units=0.1, max_proc_units=1.0)
T = TypeVar("T")
Rec = dict[str, str]
Lpars = dict[int, tuple[Capture, int, Rec]]


@dataclass
class Extras:
    """What hmc-tui_extras.txt adds to the captures (empty when it is missing)."""

    present: bool = False
    sys: Rec = field(default_factory=dict)
    lpar: dict[int, Rec] = field(default_factory=dict)
    prof: dict[tuple[int, str], Rec] = field(default_factory=dict)
    disk: list[tuple[Capture, int, Rec]] = field(default_factory=list)
    adapter: dict[str, str] = field(default_factory=dict)  # drc_index -> kind
    port: dict[str, list[tuple[Capture, int, Rec]]] = field(default_factory=dict)


def where(cap: Capture) -> str:
    """A capture's place: its file, and in a one-file capture the `###` line."""
    return cap.source if cap.first_line == 1 else f"{cap.source}:{cap.first_line - 1}"


def base_key(key: str) -> str:
    """A capture's command, without the `#n` a repeated section gets."""
    return key.split("#", 1)[0]


class Reader:
    """The captures being imported and what reading them has said so far."""

    def __init__(self, captures: dict[str, Capture], source: str) -> None:
        self.caps = captures
        self.source = source
        self.warnings: list[str] = []
        self.used: set[str] = set()
        # (capture key, attribute) -> (capture, lines, what the default is)
        self.missing: dict[tuple[str, str], tuple[Capture, list[int], str]] = {}
        self.extras = Extras()  # read first (read_extras): every section consults it

    def warn(self, message: str) -> None:
        self.warnings.append(message)

    def cap(self, key: str) -> Capture | None:
        found = self.caps.get(key)
        if found is not None:
            self.used.add(key)
        return found

    def records(self, key: str, what: str = "") -> list[tuple[Capture, int, Rec]] | None:
        cap = self.cap(key)
        if cap is None:
            if key in REQUIRED:
                raise CaptureError(self.source, None, f"the capture {key}.txt is missing "
                                   "(required)")
            if what:
                self.warn(f"{key}.txt is missing: {what}")
            return None
        return [(cap, n, r) for n, r in hmc_records(cap, self.warn)]

    def get(self, cap: Capture, line: int, rec: Rec, key: str, default: str,
            shown: str = "") -> str:
        """rec[key], or `default` noted for one warning per capture and attribute."""
        if key in rec:
            return rec[key]
        entry = self.missing.setdefault((cap.key, key), (cap, [], shown or default))
        entry[1].append(line)
        return default

    def missing_warnings(self) -> None:
        for (_, key), (cap, lines, shown) in self.missing.items():
            where = f"{cap.source}:{lines[0]}"
            more = f" (and {len(lines) - 1} more records)" if len(lines) > 1 else ""
            self.warn(f"{where}: attribute {key} is missing{more}: {shown} used")

    def unknown_attrs(self, key: str, records: list[tuple[Capture, int, Rec]]) -> None:
        known = KNOWN_ATTRS[key] | READ_ATTRS[key]
        unknown = sorted({a for _, _, r in records for a in r} - known)
        if unknown:
            shown = ", ".join(unknown[:8]) + (", ..." if len(unknown) > 8 else "")
            self.warn(f"{records[0][0].source}:{records[0][1]}: {len(unknown)} attributes "
                      f"of {key} the "
                      f"simulator does not model were ignored: {shown}")

    @staticmethod
    def number(cap: Capture, line: int, text: str, kind: Callable[[str], T], name: str) -> T:
        try:
            return kind(text)
        except ValueError:
            raise cap.error(line, f"{name} is not a number: {text!r}") from None

    @staticmethod
    def model(cap: Capture | None, line: int | None, cls: Callable[..., T], **fields: Any) -> T:
        """Build a model value; a pydantic complaint names the capture line."""
        try:
            return cls(**fields)
        except ValidationError as exc:
            err = exc.errors()[0]
            where = ".".join(str(x) for x in err["loc"])
            reason = f"{where}: {err['msg']} (got {err.get('input')!r})"
            if cap is None:
                raise CaptureError("frame", None, reason) from None
            raise cap.error(line, reason) from None

    def lenient(self, cap: Capture, line: int, cls: Callable[..., T], what: str,
                **fields: Any) -> T | None:
        """A model value, or None with a warning (the thing is not placed)."""
        try:
            return self.model(cap, line, cls, **fields)
        except CaptureError as err:
            self.warn(f"{err}: {what} not placed")
            return None

    def lpar_id(self, cap: Capture, line: int, rec: Rec, lpars: Lpars) -> int | None:
        """The partition a record is about, or None (warned) when it is not in the frame."""
        if "lpar_id" in rec:
            try:
                lid = int(rec["lpar_id"])
            except ValueError:
                lid = -1
        else:
            name = rec.get("lpar_name", "")
            lid = next((i for i, (_, _, r) in lpars.items() if r["name"] == name), -1)
        if lid not in lpars:
            self.warn(f"{cap.source}:{line}: partition {rec.get('lpar_name', lid)} is not in "
                      "lssyscfg_r_lpar: record not used")
            return None
        return lid


def read_extras(r: Reader) -> Extras:
    """hmc-tui_extras.txt: what an export adds that no HMC command shows."""
    out = Extras()
    records = r.records(EXTRAS, "workloads, bootability, clock, firmware, IBM i "
                        "keylock and IPL source, disk ids, adapter kinds and port "
                        "addresses take defaults")
    out.present = records is not None
    for cap, line, rec in records or []:
        kind = rec.get("resource_type", "")
        if kind == "sys":
            out.sys = rec
        elif kind == "lpar":
            out.lpar[r.number(cap, line, need(cap, line, rec, "lpar_id")[0], int,
                              "lpar_id")] = rec
        elif kind == "prof":
            lid, name = need(cap, line, rec, "lpar_id", "name")
            out.prof[(r.number(cap, line, lid, int, "lpar_id"), name)] = rec
        elif kind == "disk":
            out.disk.append((cap, line, rec))
        elif kind == "adapter":
            out.adapter[need(cap, line, rec, "drc_index")[0]] = rec.get("kind", "")
        elif kind == "port":
            out.port.setdefault(need(cap, line, rec, "drc_index")[0], []).append(
                (cap, line, rec))
        else:
            raise cap.error(line, f"unknown resource_type {kind!r}")
    return out
