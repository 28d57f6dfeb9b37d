"""Build a frame from captures of a real (or simulated) HMC: `hmc-tui import`.

Real captures are messy. The import takes them as they are, keeps what they say, and warns
(never refuses) about what it cannot place: one warning per thing left out or defaulted.
It refuses (`FILE:LINE: reason`, nothing written) only input that is no capture at all:
a required capture missing or without a record, a file that is not text.

Required: lssyscfg -r sys|lpar|prof and lshwres -r proc|mem --level sys. Everything else is
optional; a missing capture is a warning and a documented default:

* lshwres -r proc|mem|virtualio --rsubtype slot --level lpar missing: a running partition's
  current configuration is its current (else default) profile;
* lshwres -r virtualio --rsubtype scsi|fc|eth missing: adapters from the default profile;
* lshwres -r procpool missing (or without a pool a profile uses): pools named in profiles,
  sized to fit their partitions;
* lslparutil -r config missing (or a rate the HMC does not offer): utilisation sampled
  every 30 s (`ManagedSystem.sample_rate`'s default);
* lshwres -r io --rsubtype slot missing: no physical adapters; a port an NPIV mapping uses
  is kept as `lsmap -npiv` names it (FC name, location) on an adapter with an unknown DRC
  index, its NPIV capacity and WWPN marked unknown (`PhysicalPort.unknown`);
* VIOS captures missing: no mappings or SEAs on that VIOS; disks seen only as backing devices
  are created with default sizes;
* hmc-tui_extras.txt missing: workloads `steady` (`vios` on a VIOS), partitions bootable, the
  engine clock at zero with the epoch at sys_time, firmware the model's level, profiles with
  keylock `norm` and IPL source `a` (IBM i), a VIOS's boot mode `norm`, no disk identifiers,
  physical adapter kinds guessed from their descriptions, physical ports named from the
  VIOS's `lsdev -type adapter` without WWPNs or MACs.

Attributes an HMC omits take defaults, each missing attribute one warning per capture:
lssyscfg -r sys `sys_time` (the model's epoch), `state` (Operating), `type_model` and
`serial_num` (from the name, else 0000-000 / 0000000); lssyscfg -r lpar `lpar_env` (aixlinux),
`state` (Not Activated), `default_profile` (curr_profile, else the first profile); profile
figures (the model's `Resources` defaults). A partition without a profile gets one made from
its current resources; a curr_profile no profile backs is dropped; a lshwres --level lpar
record that cannot be read leaves the partition its profile's resources. Attributes of
lssyscfg the simulator does not model are ignored, counted in one warning per capture.

Figures the captures state win over the hardware catalog (`ManagedSystem` limits): max_lpars,
lpar_proc_compat_modes, max_procs_per_lpar, max_virtual_procs_per_lpar,
min_proc_units_per_virtual_proc, sys_firmware_mem (the hypervisor's base memory is set so the
frame's firmware memory equals it), and per partition curr_/desired_lpar_proc_compat_mode,
lpar_avail_priority, curr_profile. A machine type-model the catalog does not know imports
with these figures and generic limits (warning). A Not Activated partition whose lshwres
--level lpar figures are not zero (HMC V8R8.4+, resource_config=1) keeps them
(`Partition.configured`).

A VIOS server adapter whose client partition is not in the captures is kept as it is
(warning). `lsmap -all` / `lsmap -all -npiv` blocks are given to the VIOS their location
code names (`-V<id>-`), whatever file or section holds them. What the frame rules still
refuse (a client adapter naming a partition that is no VIOS, a mapping on a missing slot) is
left out with a warning naming it and the rule. A capture the import does not read is named
in a warning.

Virtual adapters come back in slot order (the order the HMC lists them in).
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, TypeVar, get_args

from pydantic import ValidationError

from engine.errors import HmcError
from engine.hardware import CATALOG
from engine.model import (
    ACTIVE_STATES,
    SAMPLE_RATES,
    Disk,
    Frame,
    LparEnv,
    ManagedSystem,
    NpivMapping,
    Partition,
    PartitionState,
    PhysicalAdapter,
    PhysicalIO,
    PhysicalPort,
    Profile,
    Resources,
    SharedEthernetAdapter,
    SharedPool,
    SystemState,
    VirtualEth,
    VirtualFc,
    VirtualScsi,
    VscsiMapping,
    Workload,
    hardware_of,
)
from hmc_tui.hmccli import adapters as adapter_items
from hmc_tui.hmccli.capture import EXTRAS, read_captures
from hmc_tui.hmccli.capture_parse import (
    Capture,
    CaptureError,
    Vfc,
    Vtd,
    columns,
    hmc_records,
    lsmap_net,
    lsmap_npiv,
    lsmap_vscsi,
    lsrep_files,
    need,
    split_rows,
)
from hmc_tui.hmccli.context import DATE_FORMAT
from hmc_tui.hmccli.lssyscfg import LPAR_ATTRS, PROF_ATTRS, SYS_ATTRS
from hmc_tui.hmccli.tokens import split_items
from hmc_tui.hmccli.vios_show import LIBRARY, lun_number

REQUIRED = ("lssyscfg_r_sys", "lssyscfg_r_lpar", "lssyscfg_r_prof",
            "lshwres_r_proc_level_sys", "lshwres_r_mem_level_sys")
VIOS_COMMANDS = ("lsmap_all", "lsmap_all_npiv", "lsmap_all_net", "lspv_size", "lsrep",
                 "lsnports", "lsdev_type_adapter")
# Attributes read here beyond those lssyscfg prints (older and newer HMCs' names).
READ_ATTRS = {"lssyscfg_r_sys": {"lpar_proc_compat_modes"}, "lssyscfg_r_lpar": set(),
              "lssyscfg_r_prof": {"shared_proc_pool_name", "shared_proc_pool_id"}}
KNOWN_ATTRS = {"lssyscfg_r_sys": set(SYS_ATTRS), "lssyscfg_r_lpar": set(LPAR_ATTRS),
               "lssyscfg_r_prof": set(PROF_ATTRS)}
# What the settling pass may leave out when a frame rule refuses it (a path segment).
REMOVABLE = ("adapters", "vscsi_mappings", "npiv_mappings", "seas", "disks", "ports")
_SEGMENT = re.compile(r"(\w+)\[(\d+)\]")
# A partition no capture gives a profile or resources (documented in the warning).
FALLBACK_RESOURCES = Resources(min_proc_units=0.1, desired_proc_units=0.1, max_proc_units=1.0)
T = TypeVar("T")
Rec = dict[str, str]
Lpars = dict[int, tuple[Capture, int, Rec]]


@dataclass
class Imported:
    frame: Frame
    warnings: list[str] = field(default_factory=list)


def import_frame(path: Path) -> Imported:
    """Read captures from a directory or a sectioned file and build the frame."""
    return Builder(read_captures(path), str(path)).build()


def _guess_kind(description: str) -> str:
    text = description.lower()
    if "fibre" in text or " fc " in f" {text} ":
        return "fc"
    if "nvme" in text:
        return "nvme"
    if "ethernet" in text or "gbe" in text or "network" in text:
        return "eth"
    return "sas"


def _where(cap: Capture) -> str:
    """A capture's place: its file, and in a one-file capture the `###` line."""
    return cap.source if cap.first_line == 1 else f"{cap.source}:{cap.first_line - 1}"


def base_key(key: str) -> str:
    return key.split("#", 1)[0]


class Builder:
    def __init__(self, captures: dict[str, Capture], source: str) -> None:
        self.caps = captures
        self.source = source
        self.warnings: list[str] = []
        self.used: set[str] = set()
        # (capture key, attribute) -> (capture, lines, what the default is)
        self.missing: dict[tuple[str, str], tuple[Capture, list[int], str]] = {}

    # -- plumbing
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

    def _missing_warnings(self) -> None:
        for (_, key), (cap, lines, shown) in self.missing.items():
            where = f"{cap.source}:{lines[0]}"
            more = f" (and {len(lines) - 1} more records)" if len(lines) > 1 else ""
            self.warn(f"{where}: attribute {key} is missing{more}: {shown} used")

    def _unknown_attrs(self, key: str, records: list[tuple[Capture, int, Rec]]) -> None:
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

    # -- the whole frame
    def build(self) -> Imported:
        self.extras = self._extras()
        system, engine_time, firmware_mem = self._system()
        self.hw = hardware_of(system)
        lpars = self._lpars()
        profiles, profile_lists = self._profiles(lpars)
        current, configured = self._current(lpars, profiles)
        adapters = self._adapters(lpars, profile_lists)
        pools = self._pools(profiles, current)
        io_adapters = self._io(lpars)
        vios_parts = {lid: rec for lid, (_, _, rec) in lpars.items()
                      if rec["lpar_env"] == "vioserver"}
        disks, vios_data = self._vios(vios_parts, io_adapters, adapters)
        refcodes = self._refcodes(lpars)
        parts = []
        for lid in sorted(lpars):
            cap, line, rec = lpars[lid]
            parts.append(self._partition(cap, line, rec, profiles.get(lid, []),
                                         current.get(lid), configured.get(lid),
                                         adapters.get(lid, []), vios_data.get(lid, {}),
                                         refcodes.get(lid, "")))
        frame = self.model(None, None, Frame, system=system, pools=tuple(pools),
                           engine_time=engine_time, partitions=tuple(parts),
                           io=PhysicalIO(adapters=tuple(io_adapters), disks=tuple(disks)))
        frame = self._firmware_mem(frame, firmware_mem)
        self._off_frame_clients(frame)
        frame = self._settle(frame)
        self._missing_warnings()
        self._unused()
        return Imported(frame, self.warnings)

    def _settle(self, frame: Frame) -> Frame:
        """Leave out, one warning each, what a frame rule refuses and can be left out (an
        adapter, a mapping, a SEA, a disk, a port); refuse only the rest."""
        from engine.rules import problems  # late, like the store

        for _ in range(10_000):
            found = problems(frame)
            if not found:
                return frame
            err = found[0]
            segments = [(m.group(1), int(m.group(2)), m.end())
                        for m in _SEGMENT.finditer(err.path)]
            cut = next((s for s in reversed(segments) if s[0] in REMOVABLE), None)
            if cut is None:
                raise CaptureError(self.source, None, f"the imported frame breaks a rule at "
                                   f"{err.path or 'frame'}: {err}")
            path = err.path[:cut[2]]
            self.warn(f"{self._describe(frame, path)} not placed: {err}")
            frame = _without(frame, path)
        raise CaptureError(self.source, None, "the imported frame does not settle")

    @staticmethod
    def _describe(frame: Frame, path: str) -> str:
        data: Any = frame
        words: list[str] = []
        for name, index, _ in ((m.group(1), int(m.group(2)), 0)
                               for m in _SEGMENT.finditer(path)):
            data = getattr(data, name)[index]
            if isinstance(data, Partition):
                words.append(data.name)
            elif isinstance(data, VirtualScsi | VirtualFc | VirtualEth):
                kind = {"scsi": "virtual SCSI", "fc": "virtual fibre channel",
                        "eth": "virtual Ethernet"}[data.type]
                side = f" {data.side}" if not isinstance(data, VirtualEth) else ""
                words.append(f"{kind}{side} adapter in slot {data.slot}")
            elif isinstance(data, VscsiMapping):
                words.append(f"mapping {data.vtd} ({data.backing})")
            elif isinstance(data, NpivMapping):
                words.append(f"NPIV mapping of slot {data.vfchost_slot} to {data.port}")
            elif isinstance(data, SharedEthernetAdapter | Disk | PhysicalPort):
                words.append(data.name)
            elif isinstance(data, PhysicalAdapter):
                words.append(f"adapter {data.location}")
        return ": ".join(words) or path

    def _off_frame_clients(self, frame: Frame) -> None:
        """One warning per server adapter whose client partition is not on the frame."""
        ids = {p.id for p in frame.partitions}
        for p in frame.partitions:
            for a in p.adapters:
                if (isinstance(a, VirtualScsi | VirtualFc) and a.side == "server"
                        and a.remote_lpar_id is not None and a.remote_lpar_id not in ids):
                    kind = "SCSI" if a.type == "scsi" else "fibre channel"
                    self.warn(f"{p.name}: virtual {kind} server adapter in slot {a.slot} "
                              f"serves partition {a.remote_lpar_id}, not on this frame: kept "
                              "as it is")

    def _unused(self) -> None:
        for key, cap in self.caps.items():
            if key in self.used:
                continue
            base = base_key(key)
            if base != key and base in self.used:
                why = "the same command appears earlier; the first section is used"
            elif any(base.startswith(c) for c in VIOS_COMMANDS):
                why = "it names no VIOS of lssyscfg_r_lpar (file or section name)"
            else:
                why = "not a command the import reads"
            self.warn(f"{_where(cap)}: capture {key} not used: {why}")

    # -- extras
    def _extras(self) -> dict[str, Any]:
        out: dict[str, Any] = {"sys": {}, "lpar": {}, "prof": {}, "disk": [], "adapter": {},
                               "port": {}}
        records = self.records(EXTRAS, "workloads, bootability, clock, firmware, IBM i "
                               "keylock and IPL source, disk ids, adapter kinds and port "
                               "addresses take defaults")
        out["present"] = records is not None
        for cap, line, rec in records or []:
            kind = rec.get("resource_type", "")
            if kind == "sys":
                out["sys"] = rec
            elif kind == "lpar":
                out["lpar"][self.number(cap, line, need(cap, line, rec, "lpar_id")[0], int,
                                        "lpar_id")] = rec
            elif kind == "prof":
                lid, name = need(cap, line, rec, "lpar_id", "name")
                out["prof"][(self.number(cap, line, lid, int, "lpar_id"), name)] = rec
            elif kind == "disk":
                out["disk"].append((cap, line, rec))
            elif kind == "adapter":
                out["adapter"][need(cap, line, rec, "drc_index")[0]] = rec.get("kind", "")
            elif kind == "port":
                out["port"].setdefault(need(cap, line, rec, "drc_index")[0], []).append(
                    (cap, line, rec))
            else:
                raise cap.error(line, f"unknown resource_type {kind!r}")
        return out

    # -- system
    def _system(self) -> tuple[ManagedSystem, float, int | None]:
        found = self.records("lssyscfg_r_sys")
        if not found:
            raise CaptureError(self.source, None, "lssyscfg_r_sys.txt has no record")
        cap, line, rec = found[0]
        if len(found) > 1:
            self.warn(f"{cap.source}:{found[1][1]}: lssyscfg_r_sys lists {len(found)} "
                      "systems: only the first is imported")
            found = found[:1]
        self._unknown_attrs("lssyscfg_r_sys", found)
        extra = self.extras["sys"]
        named = rec.get("name", "")
        guess = re.search(r"(\d{4}-[0-9A-Z]{3})", named)
        mtm = self.get(cap, line, rec, "type_model", guess.group(1) if guess else "0000-000")
        if not re.fullmatch(r"[0-9A-Z]{4}-[0-9A-Z]{3}", mtm):
            self.warn(f"{cap.source}:{line}: type_model {mtm!r} is not TTTT-MMM: 0000-000 used")
            mtm = "0000-000"
        guess = re.search(r"(?:SN|-)([0-9A-Z]{7})$", named)
        serial = self.get(cap, line, rec, "serial_num", guess.group(1) if guess else "0000000")
        if not re.fullmatch(r"[0-9A-Z]{7}", serial):
            fixed = serial.upper() if re.fullmatch(r"[0-9A-Za-z]{7}", serial) else "0000000"
            self.warn(f"{cap.source}:{line}: serial_num {serial!r} is not 7 letters or "
                      f"digits: {fixed} used")
            serial = fixed
        name = self.get(cap, line, rec, "name", f"Server-{mtm}-SN{serial}")
        state = self.get(cap, line, rec, "state", "Operating")
        if state not in get_args(SystemState):
            self.warn(f"{cap.source}:{line}: system state {state!r} is not simulated: "
                      "Operating used")
            state = "Operating"
        epoch: datetime | None = None
        engine_time = 0.0
        if extra:
            epoch = datetime.fromisoformat(extra["epoch"])
            engine_time = float(extra.get("engine_time", "0") or 0)
        else:
            text = self.get(cap, line, rec, "sys_time", "", "the model's epoch "
                            f"({ManagedSystem.model_fields['epoch'].default:{DATE_FORMAT}})")
            if text:
                try:
                    epoch = datetime.strptime(text, DATE_FORMAT)
                except ValueError:
                    self.warn(f"{cap.source}:{line}: sys_time {text!r} is not "
                              "MM/DD/YYYY HH:MM:SS: the model's epoch used")
        (pcap, pline, proc), (mcap, mline, mem) = (
            self._first(key) for key in ("lshwres_r_proc_level_sys", "lshwres_r_mem_level_sys"))
        procs = self._pair(pcap, pline, proc, "installed_sys_proc_units",
                           "configurable_sys_proc_units", float)
        mems = self._pair(mcap, mline, mem, "installed_sys_mem", "configurable_sys_mem", int)
        region = self.number(mcap, mline, self.get(mcap, mline, mem, "mem_region_size", "256"),
                             int, "mem_region_size")
        limits = self._limits(cap, line, rec, pcap, pline, proc, mtm, int(procs[1]))
        firmware_text = mem.get("sys_firmware_mem", "")
        firmware_mem = (self.number(mcap, mline, firmware_text, int, "sys_firmware_mem")
                        if firmware_text not in ("", "null") else None)
        optional: dict[str, Any] = {"epoch": epoch} if epoch is not None else {}
        optional["sample_rate"] = self._sample_rate()
        system = self.model(
            cap, line, ManagedSystem, name=name, mtm=mtm, serial=serial, state=state,
            ipaddr=rec.get("ipaddr", ""), firmware=extra.get("firmware", ""),
            installed_procs=int(procs[0]), configurable_procs=int(procs[1]),
            installed_mem=mems[0], configurable_mem=mems[1], mem_region_size=region,
            **limits, **optional)
        if mtm not in CATALOG:
            self.warn(f"{cap.source}:{line}: machine type-model {mtm} is not in the hardware "
                      "catalog: imported with the captured figures and generic limits "
                      f"(known models: {', '.join(sorted(CATALOG))})")
        return system, engine_time, firmware_mem

    def _sample_rate(self) -> int:
        """The utilisation sample rate `lslparutil -r config` shows (default: 30 s)."""
        default = ManagedSystem.model_fields["sample_rate"].default
        found = self.records("lslparutil_r_config", f"utilisation sampled every {default} s")
        if not found:
            return int(default)
        cap, line, rec = found[0]
        text = self.get(cap, line, rec, "sample_rate", str(default))
        if not text.isdigit() or int(text) not in SAMPLE_RATES:
            self.warn(f"{cap.source}:{line}: sample_rate {text!r} is not one of "
                      f"{', '.join(map(str, SAMPLE_RATES))}: {default} used")
            return int(default)
        return int(text)

    def _first(self, key: str) -> tuple[Capture, int, Rec]:
        found = self.records(key)
        if not found:
            raise CaptureError(self.source, None, f"{key}.txt has no record")
        return found[0]

    def _pair(self, cap: Capture, line: int, rec: Rec, installed: str, configurable: str,
              kind: Callable[[str], T]) -> tuple[T, T]:
        """(installed, configurable): one stands in for the other when an HMC omits it."""
        if installed not in rec and configurable not in rec:
            raise cap.error(line, f"attributes {installed} and {configurable} are missing")
        a = self.get(cap, line, rec, installed, rec.get(configurable, ""), configurable)
        b = self.get(cap, line, rec, configurable, a, installed)
        return self.number(cap, line, a, kind, installed), self.number(cap, line, b, kind,
                                                                        configurable)

    def _limits(self, cap: Capture, line: int, rec: Rec, pcap: Capture, pline: int,
                proc: Rec, mtm: str, cores: int) -> dict[str, Any]:
        """The captured limits that differ from what the simulator would use anyway (so
        re-importing an export gives the same frame)."""
        hw = CATALOG.get(mtm)
        out: dict[str, Any] = {}

        def figure(r: Rec, c: Capture, n: int, attr: str, kind: Callable[[str], Any]) -> Any:
            text = r.get(attr, "")
            if text in ("", "null", "none"):
                return None
            try:
                return kind(text)
            except ValueError:
                self.warn(f"{c.source}:{n}: {attr} is not a number: {text!r} (ignored)")
                return None

        for key, attr, r, c, n, kind, same in (
            ("max_lpars", "max_lpars", rec, cap, line, int, hw and hw.max_lpars),
            ("max_virtual_procs_per_lpar", "max_virtual_procs_per_lpar", proc, pcap, pline,
             int, hw and hw.max_vps_per_lpar),
            ("min_proc_units_per_vp", "min_proc_units_per_virtual_proc", proc, pcap, pline,
             float, hw and hw.min_proc_units_per_vp),
            ("max_procs_per_lpar", "max_procs_per_lpar", proc, pcap, pline, int, cores),
        ):
            value = figure(r, c, n, attr, kind)
            if value is not None and value != same:
                out[key] = value
        modes = rec.get("lpar_proc_compat_modes") or self.extras["sys"].get(
            "lpar_proc_compat_modes", "")
        found = tuple(split_items(modes))
        if found:
            if all(re.fullmatch(r"[A-Za-z][A-Za-z0-9_]{0,30}", m) for m in found):
                out["proc_compat_modes"] = found
            else:
                self.warn(f"{cap.source}:{line}: lpar_proc_compat_modes {modes!r} is not a "
                          "list of mode names (ignored)")
        return out

    def _firmware_mem(self, frame: Frame, captured: int | None) -> Frame:
        """Set the hypervisor's base so the frame's firmware memory is the captured one."""
        if captured is None:
            return frame
        hw = frame.hardware
        pages = frame.firmware_mem() - hw.hypervisor_base_mem_mb
        base = captured - pages
        if base < 0:
            self.warn(f"sys_firmware_mem {captured} MB is less than the page tables of the "
                      f"running partitions ({pages} MB): hypervisor base memory 0 used")
            base = 0
        catalog = CATALOG.get(frame.system.mtm)
        if catalog is not None and base == catalog.hypervisor_base_mem_mb:
            return frame
        system = frame.system.model_copy(update={"hypervisor_base_mem": base})
        return frame.model_copy(update={"system": system})

    # -- partitions and profiles
    def _lpars(self) -> Lpars:
        out: Lpars = {}
        records = self.records("lssyscfg_r_lpar") or []
        if records:
            self._unknown_attrs("lssyscfg_r_lpar", records)
        for cap, line, rec in records:
            if "lpar_id" not in rec or "name" not in rec:
                self.warn(f"{cap.source}:{line}: a partition without name or lpar_id: not "
                          "placed")
                continue
            try:
                lid = self.number(cap, line, rec["lpar_id"], int, "lpar_id")
            except CaptureError as err:
                self.warn(f"{err}: partition {rec['name']} not placed")
                continue
            if lid < 1:
                self.warn(f"{cap.source}:{line}: partition ID {lid} is not a partition: "
                          f"{rec['name']} not placed")
                continue
            if lid in out:
                self.warn(f"{cap.source}:{line}: partition ID {lid} is listed twice: the "
                          "second record is not used")
                continue
            rec = dict(rec)
            env = self.get(cap, line, rec, "lpar_env", "aixlinux")
            if env not in get_args(LparEnv):
                self.warn(f"{cap.source}:{line}: lpar_env {env!r} of {rec['name']} is not "
                          "simulated: aixlinux used")
                env = "aixlinux"
            rec["lpar_env"] = env
            state = self.get(cap, line, rec, "state", "Not Activated")
            if state not in get_args(PartitionState):
                mapped = "Running" if "Running" in state else "Not Activated"
                self.warn(f"{cap.source}:{line}: state {state!r} of {rec['name']} is not "
                          f"simulated: {mapped} used")
                state = mapped
            rec["state"] = state
            out[lid] = (cap, line, rec)
        return out

    def _lpar_id(self, cap: Capture, line: int, rec: Rec, lpars: Lpars) -> int | None:
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

    def _profiles(self, lpars: Lpars
                  ) -> tuple[dict[int, list[Profile]], dict[int, dict[str, tuple]]]:
        profiles: dict[int, list[Profile]] = {}
        lists: dict[int, dict[str, tuple]] = {}  # lpar id -> profile name -> adapter lists
        records = self.records("lssyscfg_r_prof") or []
        if records:
            self._unknown_attrs("lssyscfg_r_prof", records)
        for cap, line, rec in records:
            lid = self._lpar_id(cap, line, rec, lpars)
            if lid is None:
                continue
            try:
                self._profile(cap, line, rec, lid, profiles, lists)
            except CaptureError as err:
                self.warn(f"{err}: profile {rec.get('name', '')} not placed")
        return profiles, lists

    def _profile(self, cap: Capture, line: int, rec: Rec, lid: int,
                 profiles: dict[int, list[Profile]], lists: dict[int, dict[str, tuple]]
                 ) -> None:
        defaults = Resources()
        name = self.get(cap, line, rec, "name", "default_profile")
        fields: dict[str, Any] = {"name": name}
        for key in ("min_mem", "desired_mem", "max_mem", "min_procs", "desired_procs",
                    "max_procs", "max_virtual_slots"):
            fields[key] = self.number(cap, line, self.get(
                cap, line, rec, key, str(getattr(defaults, key))), int, key)
        fields["proc_mode"] = self.get(cap, line, rec, "proc_mode", "shared")
        fields["sharing_mode"] = self.get(
            cap, line, rec, "sharing_mode",
            "uncap" if fields["proc_mode"] == "shared" else "share_idle_procs")
        if fields["proc_mode"] == "shared":
            for key, default in (("min_proc_units", 0.1), ("desired_proc_units", 0.1),
                                 ("max_proc_units", float(fields["max_procs"]))):
                fields[key] = self.number(cap, line, self.get(
                    cap, line, rec, key, str(default)), float, key)
            fields["uncap_weight"] = self.number(
                cap, line, rec.get("uncap_weight", "128"), int, "uncap_weight")
            fields["shared_proc_pool_id"] = self.number(
                cap, line, rec.get("shared_proc_pool_id", "0"), int, "shared_proc_pool_id")
        for key in ("hpt_ratio", "boot_mode"):
            if key in rec:
                fields[key] = rec[key]
        for key in ("auto_start", "conn_monitoring"):
            if key in rec:
                fields[key] = rec[key] == "1"
        extra = self.extras["prof"].get((lid, name), {})
        for key in ("keylock", "ipl_source"):
            if key in extra:
                fields[key] = extra[key]
        profile = self.model(cap, line, Profile, **fields)
        profiles.setdefault(lid, []).append(profile)
        lists.setdefault(lid, {})[name] = (cap, line, {
            k: rec[k] for k in adapter_items.LIST_ATTRS if k in rec},
            rec.get("shared_proc_pool_name", ""))

    def _current(self, lpars: Lpars, profiles: dict[int, list[Profile]]
                 ) -> tuple[dict[int, Resources], dict[int, Resources]]:
        """Current configurations of active partitions, and the configured resources a Not
        Activated partition keeps (curr_* values not zero, HMC V8R8.4+)."""
        active = {lid for lid, (_, _, r) in lpars.items() if r["state"] in ACTIVE_STATES}

        def by_lpar(key: str, what: str) -> dict[int, tuple[Capture, int, Rec]]:
            out: dict[int, tuple[Capture, int, Rec]] = {}
            for c, n, r in self.records(key, what) or []:
                lid = self._lpar_id(c, n, r, lpars)
                if lid is not None:
                    out[lid] = (c, n, r)
            return out

        procs = by_lpar("lshwres_r_proc_level_lpar",
                        "running partitions get their profile's processors")
        mems = by_lpar("lshwres_r_mem_level_lpar",
                       "running partitions get their profile's memory")
        slots = by_lpar("lshwres_r_virtualio_rsubtype_slot_level_lpar",
                        "running partitions get their profile's maximum virtual slots")
        current: dict[int, Resources] = {}
        configured: dict[int, Resources] = {}
        for lid in sorted(lpars):
            rec = lpars[lid][2]
            is_active = lid in active
            if not is_active and not self._holds(procs.get(lid), mems.get(lid)):
                continue  # nothing configured beyond the profiles (resource_config=0)
            own = profiles.get(lid, [])
            base = next((p for p in own if p.name == rec.get("curr_profile")), None) or next(
                (p for p in own if p.name == rec.get("default_profile")), None)
            fields = {k: getattr(base or FALLBACK_RESOURCES, k) for k in Resources.model_fields}
            profile_fields = dict(fields)
            try:
                fields = self._captured(lid, dict(fields), procs, mems, slots)
            except CaptureError as err:
                self.warn(f"{err}: {rec['name']} keeps its profile's resources")
            where = procs.get(lid) or mems.get(lid) or lpars[lid]
            if is_active:
                found_now = self.lenient(where[0], where[1], Resources,
                                         f"current resources of {rec['name']} (its profile's "
                                         "are used)", **fields)
                current[lid] = found_now or self.model(where[0], where[1], Resources,
                                                       **profile_fields)
            else:
                found = self.lenient(where[0], where[1], Resources,
                                     f"configured resources of {rec['name']}", **fields)
                if found is not None:
                    configured[lid] = found
        return current, configured

    def _captured(self, lid: int, fields: dict[str, Any],
                  procs: dict[int, tuple[Capture, int, Rec]],
                  mems: dict[int, tuple[Capture, int, Rec]],
                  slots: dict[int, tuple[Capture, int, Rec]]) -> dict[str, Any]:
        """`fields` with what lshwres --level lpar says of the partition."""
        if lid in procs:
            cap, line, r = procs[lid]
            mode = self.get(cap, line, r, "curr_proc_mode", fields.get("proc_mode",
                                                                        "shared"))
            fields.update(proc_mode=mode, sharing_mode=self.get(
                cap, line, r, "curr_sharing_mode",
                fields.get("sharing_mode", "uncap" if mode == "shared" else
                           "share_idle_procs")))
            for key, src in (("min_procs", "curr_min_procs"), ("desired_procs", "curr_procs"),
                             ("max_procs", "curr_max_procs")):
                fields[key] = self.number(cap, line, self.get(
                    cap, line, r, src, str(fields.get(key, 1))), int, src)
            if mode == "shared":
                for key, src in (("min_proc_units", "curr_min_proc_units"),
                                 ("desired_proc_units", "curr_proc_units"),
                                 ("max_proc_units", "curr_max_proc_units")):
                    fields[key] = self.number(cap, line, self.get(
                        cap, line, r, src, str(fields.get(key) or 0.1)), float, src)
                fields["uncap_weight"] = self.number(
                    cap, line, r.get("curr_uncap_weight", "128"), int, "curr_uncap_weight")
                fields["shared_proc_pool_id"] = self.number(
                    cap, line, r.get("curr_shared_proc_pool_id", "0"), int,
                    "curr_shared_proc_pool_id")
            else:
                fields.update(min_proc_units=None, desired_proc_units=None,
                              max_proc_units=None, uncap_weight=128, shared_proc_pool_id=0)
        if lid in mems:
            cap, line, r = mems[lid]
            for key, src in (("min_mem", "curr_min_mem"), ("desired_mem", "curr_mem"),
                             ("max_mem", "curr_max_mem")):
                fields[key] = self.number(cap, line, self.get(
                    cap, line, r, src, str(fields.get(key, 1024))), int, src)
            if "curr_hpt_ratio" in r:
                fields["hpt_ratio"] = r["curr_hpt_ratio"]
        if lid in slots:
            cap, line, r = slots[lid]
            fields["max_virtual_slots"] = self.number(
                cap, line, self.get(cap, line, r, "curr_max_virtual_slots",
                                    str(fields.get("max_virtual_slots", 20))), int,
                "curr_max_virtual_slots")
        return fields

    @staticmethod
    def _holds(proc: tuple[Capture, int, Rec] | None,
               mem: tuple[Capture, int, Rec] | None) -> bool:
        """A Not Activated partition's lshwres figures are not zero (resource_config=1)."""
        def nonzero(found: tuple[Capture, int, Rec] | None, key: str) -> bool:
            if found is None:
                return False
            try:
                return float(found[2].get(key, "0") or 0) > 0
            except ValueError:
                return False
        return nonzero(proc, "curr_procs") and nonzero(mem, "curr_mem")

    # -- virtual adapters
    def _adapters(self, lpars: Lpars, lists: dict[int, dict[str, tuple]]
                  ) -> dict[int, list[VirtualScsi | VirtualFc | VirtualEth]]:
        out: dict[int, list[VirtualScsi | VirtualFc | VirtualEth]] = {}
        missing: list[str] = []
        for kind in ("scsi", "fc", "eth"):
            key = f"lshwres_r_virtualio_rsubtype_{kind}_level_lpar"
            records = self.records(key, f"virtual {kind} adapters come from the default "
                                   "profiles")
            if records is None:
                missing.append(kind)
                continue
            for cap, line, rec in records:
                lid = self._lpar_id(cap, line, rec, lpars)
                if lid is None:
                    continue
                try:
                    found = self.model(cap, line, self._adapter, where=(cap, line), rec=rec,
                                       kind=kind)
                except CaptureError as err:
                    self.warn(f"{err}: virtual {kind} adapter not placed")
                    continue
                out.setdefault(lid, []).append(found)
        if missing:
            # Only the (empty) partition list of this stub is read; model_construct skips
            # validation, so the required system is not needed.
            stub = Frame.model_construct(partitions=())  # type: ignore[call-arg]
            for lid, by_name in lists.items():
                default = lpars[lid][2].get("default_profile", "")
                cap, line, values, _ = by_name.get(default) or next(iter(by_name.values()))
                for attr, kind in adapter_items.LIST_ATTRS.items():
                    if kind in missing and attr in values:
                        try:
                            found_list = adapter_items.parse_list(stub, attr, values[attr])
                        except HmcError as err:
                            self.warn(f"{cap.source}:{line}: {attr}: {err}: not placed")
                            continue
                        out.setdefault(lid, []).extend(found_list)
        result: dict[int, list[VirtualScsi | VirtualFc | VirtualEth]] = {}
        for lid, found_all in out.items():
            by_slot: dict[int, VirtualScsi | VirtualFc | VirtualEth] = {}
            for a in found_all:
                if a.slot in by_slot:
                    self.warn(f"{lpars[lid][2]['name']}: two adapters in slot {a.slot}: the "
                              f"virtual {a.type} one not placed")
                    continue
                by_slot[a.slot] = a
            result[lid] = [by_slot[k] for k in sorted(by_slot)]
        return result

    def _adapter(self, where: tuple[Capture, int], rec: Rec,
                 kind: str) -> VirtualScsi | VirtualFc | VirtualEth:
        cap, line = where
        slot = self.number(cap, line, need(cap, line, rec, "slot_num")[0], int, "slot_num")
        required = rec.get("is_required", "0") == "1"
        if kind == "eth":
            trunk = rec.get("is_trunk", "0") == "1"
            vlans = tuple(self.number(cap, line, v, int, "addl_vlan_ids")
                          for v in split_items(rec.get("addl_vlan_ids", "")))
            return VirtualEth(
                slot=slot, pvid=self.number(cap, line, need(cap, line, rec, "port_vlan_id")[0],
                                            int, "port_vlan_id"),
                vlans=vlans, ieee=rec.get("ieee_virtual_eth", "0") == "1",
                trunk_priority=self.number(cap, line, rec.get("trunk_priority", "1"), int,
                                           "trunk_priority") if trunk else 0,
                vswitch=rec.get("vswitch") or "ETHERNET0", mac=rec.get("mac_addr", "").upper(),
                required=required)
        side = need(cap, line, rec, "adapter_type")[0]
        rid_text = rec.get("remote_lpar_id", "any")
        rslot_text = rec.get("remote_slot_num", "any")
        rid = None if rid_text in ("any", "") else self.number(cap, line, rid_text, int,
                                                               "remote_lpar_id")
        rslot = None if rslot_text in ("any", "") else self.number(cap, line, rslot_text, int,
                                                                   "remote_slot_num")
        if kind == "scsi":
            return VirtualScsi(slot=slot, side=side, remote_lpar_id=rid,
                               remote_slot=rslot, required=required)
        wwpns = tuple(w.lower() for w in split_items(rec.get("wwpns", "")))
        return VirtualFc(slot=slot, side=side, remote_lpar_id=rid,
                         remote_slot=rslot, wwpns=wwpns or None,
                         required=required)

    # -- pools
    def _pools(self, profiles: dict[int, list[Profile]],
               current: dict[int, Resources]) -> list[SharedPool]:
        records = self.records("lshwres_r_procpool")
        # The physical pool's figures (--level pool) follow from the rest; an older HMC
        # saved the shared pools under that name.
        level_pool = self.cap("lshwres_r_proc_level_pool")
        if records is None and level_pool is not None and (
                "shared_proc_pool_id" in level_pool.text):
            records = [(level_pool, n, r) for n, r in hmc_records(level_pool, self.warn)]
        pools: dict[int, SharedPool] = {}
        if records is not None:
            for cap, line, rec in records:
                try:
                    pool = self._pool(cap, line, rec)
                except CaptureError as err:
                    self.warn(f"{err}: pool not placed")
                    continue
                if pool is not None:
                    pools[pool.id] = pool
        else:
            self.warn("lshwres_r_procpool.txt is missing: pools used by partitions are sized "
                      "to fit them")
        need_units: dict[int, float] = {}
        for lid, own in profiles.items():
            for prof in [*own, *([current[lid]] if lid in current else [])]:
                if prof.shared and prof.shared_proc_pool_id:
                    pid = prof.shared_proc_pool_id
                    need_units[pid] = need_units.get(pid, 0.0) + (prof.max_proc_units or 0)
        for pid, units in sorted(need_units.items()):
            if pid in pools or not 0 < pid < 64:
                continue
            pools[pid] = SharedPool(id=pid, name=f"SharedPool{pid:02d}",
                                    max_proc_units=max(1, math.ceil(units)))
            if records is not None:
                self.warn(f"shared processor pool {pid} is used by profiles but not in "
                          f"lshwres_r_procpool: {pools[pid].name} sized to fit them "
                          f"({pools[pid].max_proc_units} processing units)")
        return [pools[pid] for pid in sorted(pools)]

    def _pool(self, cap: Capture, line: int, rec: Rec) -> SharedPool | None:
        if "shared_proc_pool_id" not in rec or "name" not in rec:
            self.warn(f"{cap.source}:{line}: a pool without shared_proc_pool_id or "
                      "name: not placed")
            return None
        pid = self.number(cap, line, rec["shared_proc_pool_id"], int,
                          "shared_proc_pool_id")
        if pid == 0:
            return None
        max_text = rec.get("max_pool_proc_units", "0")
        reserved = rec.get("curr_reserved_pool_proc_units", "0")
        pool = self.lenient(
            cap, line, SharedPool, f"pool {rec['name']}", id=pid, name=rec["name"],
            max_proc_units=0 if max_text in ("null", "") else int(self.number(
                cap, line, max_text, float, "max_pool_proc_units")),
            reserved_proc_units=0.0 if reserved in ("null", "") else self.number(
                cap, line, reserved, float, "curr_reserved_pool_proc_units"))
        return pool

    # -- physical I/O
    def _io(self, lpars: Lpars) -> list[PhysicalAdapter]:
        records = self.records("lshwres_r_io_rsubtype_slot", "no physical adapters")
        out: list[PhysicalAdapter] = []
        for cap, line, rec in records or []:
            if "drc_index" not in rec or "drc_name" not in rec:
                self.warn(f"{cap.source}:{line}: an I/O slot without drc_index or drc_name: "
                          "not placed")
                continue
            drc, location = rec["drc_index"], rec["drc_name"]
            description = rec.get("description", "")
            owner_text = rec.get("lpar_id", "none")
            owner = None if owner_text in ("none", "") else (
                int(owner_text) if owner_text.isdigit() else -1)
            if owner is not None and owner not in lpars:
                self.warn(f"{cap.source}:{line}: slot {location} belongs to partition {owner}, "
                          "not in lssyscfg_r_lpar: imported unassigned")
                owner = None
            kind = self.extras["adapter"].get(drc) or _guess_kind(description)
            ports = tuple(self._extra_ports(drc))
            found = self.lenient(cap, line, PhysicalAdapter, f"I/O slot {location}",
                                 drc_index=drc, location=location, description=description,
                                 kind=kind, owner=owner, ports=ports)
            if found is not None:
                out.append(found)
        return out

    def _extra_ports(self, drc: str) -> list[PhysicalPort]:
        return [self.model(
            cap, line, PhysicalPort, name=need(cap, line, rec, "name")[0],
            location=rec.get("location", ""), wwpn=rec.get("wwpn", ""), mac=rec.get("mac", ""),
            npiv=rec.get("npiv", "1") == "1",
            max_npiv=self.number(cap, line, rec.get("max_npiv", "64"), int, "max_npiv"))
            for cap, line, rec in self.extras["port"].get(drc, [])]

    # -- VIOS captures
    def _vios_captures(self, vios_parts: dict[int, Rec]) -> dict[int, dict[str, Capture]]:
        """Per VIOS id: its captures keyed without the `_<vios name or id>` suffix."""
        suffixes = {rec["name"]: lid for lid, rec in vios_parts.items()}
        suffixes.update({str(lid): lid for lid in vios_parts})
        ordered = sorted(suffixes, key=len, reverse=True)
        out: dict[int, dict[str, Capture]] = {lid: {} for lid in vios_parts}
        for key, cap in self.caps.items():
            if "#" in key:
                continue  # a repeated section: only lsmap ones are read (by location code)
            for suffix in ordered:
                if key.endswith(f"_{suffix}"):
                    out[suffixes[suffix]].setdefault(key[: -len(suffix) - 1], cap)
                    break
        return out

    def _lsmaps(self, vios_parts: dict[int, Rec]
                ) -> tuple[dict[int, list[Vtd]], dict[int, list[Vfc]]]:
        """Every lsmap -all / -all -npiv block, given to the VIOS its location code names
        (`-V<id>-`): per-VIOS files, files without the VIOS name, concatenated output."""
        vscsi: dict[int, list[Vtd]] = {}
        npiv: dict[int, list[Vfc]] = {}
        seen: set[tuple[str, int, int, str]] = set()
        unplaced: set[str] = set()
        for key, cap in self.caps.items():
            words = base_key(key).split("_")
            if words[:1] != ["lsmap"] or "all" not in words or "net" in words:
                continue
            kind = "npiv" if "npiv" in words else "scsi"
            try:
                blocks: list[Vtd] | list[Vfc] = (
                    lsmap_npiv(cap, self.warn) if kind == "npiv" else lsmap_vscsi(cap, self.warn))
            except CaptureError as err:
                self.warn(f"{err}: capture {key} not used")
                self.used.add(key)
                continue
            self.used.add(key)
            for block in blocks:
                owner = block.owner
                name = block.vhost if isinstance(block, Vtd) else block.vfchost
                where = f"{cap.source}:{block.line}"
                if owner is None or owner not in vios_parts:
                    why = ("its location code names no partition" if owner is None else
                           f"partition {owner} is not a VIOS in lssyscfg_r_lpar")
                    if where not in unplaced:  # one warning per block, not per VTD
                        unplaced.add(where)
                        self.warn(f"{where}: {name} not used: {why}")
                    continue
                ident = (kind, owner, block.slot,
                         block.vtd if isinstance(block, Vtd) else "")
                if ident in seen:
                    continue  # the same block met again (a file and a one-file capture)
                seen.add(ident)
                if isinstance(block, Vtd):
                    vscsi.setdefault(owner, []).append(block)
                else:
                    npiv.setdefault(owner, []).append(block)
        return vscsi, npiv

    def _vios(self, vios_parts: dict[int, Rec], io_adapters: list[PhysicalAdapter],
              adapters: dict[int, list[Any]]) -> tuple[list[Disk], dict[int, dict[str, Any]]]:
        per_vios = self._vios_captures(vios_parts)
        vscsi, npiv = self._lsmaps(vios_parts)
        data: dict[int, dict[str, Any]] = {}
        disks: dict[str, dict[str, Any]] = {}  # name -> fields, in first-seen order
        for lid in sorted(vios_parts):
            name = vios_parts[lid]["name"]
            caps = per_vios.get(lid, {})
            for key, cap in caps.items():
                if key in VIOS_COMMANDS or key.startswith("lsdev_dev_"):
                    self.used.add(cap.key)
            if not caps and lid not in vscsi and lid not in npiv:
                self.warn(f"no VIOS captures for {name}: no mappings or SEAs")
            data[lid] = self._one_vios(name, lid, caps, vscsi.get(lid, []), npiv.get(lid, []),
                                       io_adapters, adapters, disks)
        if self.extras["disk"]:
            return [self._extra_disk(cap, line, rec) for cap, line, rec in self.extras["disk"]
                    ], data
        return [self.model(None, None, Disk, **f) for f in disks.values()], data

    def _extra_disk(self, cap: Capture, line: int, rec: Rec) -> Disk:
        owners = tuple(self.number(cap, line, o, int, "owners")
                       for o in split_items(rec.get("owners", "")))
        return self.model(
            cap, line, Disk, name=need(cap, line, rec, "name")[0], kind=rec.get("kind", "disk"),
            size_gb=self.number(cap, line, rec.get("size_gb", "100"), int, "size_gb"),
            unique_id=rec.get("unique_id", ""), owners=owners)

    def _one_vios(self, name: str, lid: int, caps: dict[str, Capture], vtds: list[Vtd],
                  vfcs: list[Vfc], io_adapters: list[PhysicalAdapter],
                  adapters: dict[int, list[Any]], disks: dict[str, dict[str, Any]]
                  ) -> dict[str, Any]:
        def add_disk(disk: str, **fields: Any) -> None:
            entry = disks.setdefault(disk, {"name": disk, "owners": []})
            entry.update(fields)
            if lid not in entry["owners"]:
                entry["owners"].append(lid)

        def read(key: str, reader: Callable[[Capture], T]) -> T | None:
            if key not in caps:
                return None
            try:
                return reader(caps[key])
            except CaptureError as err:
                self.warn(f"{err}: capture {caps[key].key} not used")
                return None

        for line, row in read("lspv_size", lambda c: split_rows(c, 3)) or []:
            try:
                mb = int(row[-1])
            except ValueError:
                self.warn(f"{caps['lspv_size'].source}:{line}: SIZE(megabytes) is not a "
                          f"number: {row[-1]!r} (line not used)")
                continue
            add_disk(row[0], kind="disk", size_gb=max(1, mb // 1024))
        for _, file, mb in read("lsrep", lsrep_files) or []:
            add_disk(LIBRARY + file, kind="file", size_gb=max(1, mb // 1024))
        vscsi: list[VscsiMapping] = []
        for vtd in vtds:
            if vtd.backing not in disks or lid not in disks[vtd.backing]["owners"]:
                if not self.extras["disk"]:
                    self.warn(f"{vtd.backing} of {name} is only known as a backing device")
                add_disk(vtd.backing, kind="file" if vtd.backing.startswith("/") else "disk")
            try:
                lun = lun_number(vtd.lun)
            except ValueError:
                self.warn(f"{vtd.vtd} of {name}: LUN {vtd.lun!r} is not read: LUN 1 used")
                lun = 1
            vscsi.append(VscsiMapping(vhost_slot=vtd.slot, vtd=vtd.vtd, backing=vtd.backing,
                                      lun=lun))
        npiv: list[NpivMapping] = []
        port_locations: dict[str, str] = {}
        for vfc in vfcs:
            if vfc.port:
                npiv.append(NpivMapping(vfchost_slot=vfc.slot, port=vfc.port))
                port_locations[vfc.port] = vfc.port_location
        seas = self._seas(name, caps, adapters.get(lid, []), port_locations)
        if not self.extras["present"]:
            self._derive_ports(lid, caps, io_adapters, port_locations)
        self._npiv_ports(name, lid, npiv, port_locations, io_adapters)
        return {"vscsi": vscsi, "npiv": npiv, "seas": seas}

    def _npiv_ports(self, name: str, lid: int, npiv: list[NpivMapping],
                    locations: dict[str, str], io_adapters: list[PhysicalAdapter]) -> None:
        """Keep every FC port an NPIV mapping uses, as `lsmap -npiv` names it: on the I/O
        slot its location code lies in, else on an adapter whose DRC index is unknown."""
        owned = {pt.name for a in io_adapters if a.owner == lid for pt in a.ports}
        used = {m.port: sum(1 for x in npiv if x.port == m.port) for m in npiv}
        for port, count in used.items():
            if port in owned:
                continue
            location = locations.get(port, "")
            slot = location.rsplit("-T", 1)[0] if "-T" in location else location
            port_model = PhysicalPort(
                name=port, location=location, max_npiv=max(64, count),
                unknown=("wwpn", "npiv", "max_npiv"))
            k = next((i for i, a in enumerate(io_adapters) if a.owner == lid
                      and a.location == slot and slot and a.drc_index), None)
            if k is not None:
                a = io_adapters[k]
                io_adapters[k] = a.model_copy(update={"ports": (*a.ports, port_model)})
                continue
            k = next((i for i, a in enumerate(io_adapters) if not a.drc_index
                      and a.owner == lid and a.location == slot), None)
            if k is not None:
                a = io_adapters[k]
                io_adapters[k] = a.model_copy(update={"ports": (*a.ports, port_model)})
            else:
                io_adapters.append(PhysicalAdapter(
                    drc_index="", location=slot, description="", kind="fc", owner=lid,
                    ports=(port_model,)))
            self.warn(f"{name}: {port} ({location or 'location not shown'}) is used by NPIV "
                      "mappings but is in no I/O capture: kept as lsmap -npiv names it, its "
                      "adapter's DRC index, its WWPN and NPIV capacity unknown")

    def _seas(self, name: str, caps: dict[str, Capture], own: list[Any],
              port_locations: dict[str, str]) -> list[SharedEthernetAdapter]:
        if "lsmap_all_net" not in caps:
            return []
        try:
            entries = lsmap_net(caps["lsmap_all_net"])
        except CaptureError as err:
            self.warn(f"{err}: capture {caps['lsmap_all_net'].key} not used")
            return []
        slot_of = {e.ent: e.slot for e in entries}
        found: dict[str, SharedEthernetAdapter] = {}
        for e in entries:
            if not e.sea or e.sea in found:
                continue
            port_locations.setdefault(e.backing, e.backing_location)
            trunks = tuple(x.slot for x in entries if x.sea == e.sea)
            attrs = caps.get(f"lsdev_dev_{e.sea}_attr")
            values = {row.get("attribute", ""): row.get("value", "")
                      for _, row in columns(attrs)} if attrs else {}
            if attrs is None:
                self.warn(f"lsdev_dev_{e.sea}_attr_{name}.txt is missing: {e.sea} takes its "
                          "first trunk adapter as default, no control channel, ha_mode auto")
            if values.get("virt_adapters"):
                trunks = tuple(slot_of[x] for x in values["virt_adapters"].split(",")
                               if x in slot_of)
            default = slot_of.get(values.get("pvid_adapter", ""), trunks[0] if trunks else 0)
            ctl = slot_of.get(values.get("ctl_chan", ""))
            sea = self.lenient(
                caps["lsmap_all_net"], 0, SharedEthernetAdapter, f"{e.sea} of {name}",
                name=e.sea, physical=e.backing, trunk_slots=trunks, default_slot=default,
                ctl_chan_slot=ctl, ha_mode=values.get("ha_mode", "auto"))
            if sea is not None:
                found[e.sea] = sea
        return list(found.values())

    def _derive_ports(self, lid: int, caps: dict[str, Capture],
                      io_adapters: list[PhysicalAdapter], locations: dict[str, str]) -> None:
        """Ports of this VIOS's physical adapters from its own listings (no extras)."""
        owned = [i for i, a in enumerate(io_adapters) if a.owner == lid]
        if not owned:
            return
        npiv: dict[str, int] = {}
        if "lsnports" in caps:
            try:
                rows = split_rows(caps["lsnports"], 7)
            except CaptureError as err:
                self.warn(f"{err}: capture {caps['lsnports'].key} not used")
                rows = []
            for _, row in rows:
                if row[3].isdigit():
                    npiv[row[0]] = int(row[3])
                    locations.setdefault(row[0], row[1])
        by_description: dict[str, list[str]] = {}
        if "lsdev_type_adapter" in caps:
            for _, listed in columns(caps["lsdev_type_adapter"]):
                by_description.setdefault(listed.get("description", ""), []).append(
                    listed.get("name", ""))
        for description, ports in by_description.items():
            mine = [i for i in owned if io_adapters[i].description == description]
            if not mine:
                continue
            share = max(1, len(ports) // len(mine))
            for k, i in enumerate(mine):
                a = io_adapters[i]
                made = [PhysicalPort(
                    name=port, location=locations.get(port, f"{a.location}-T{j + 1}"),
                    npiv=port in npiv if "lsnports" in caps and a.kind == "fc" else True,
                    max_npiv=npiv.get(port, 64))
                    for j, port in enumerate(ports[k * share:(k + 1) * share])]
                io_adapters[i] = a.model_copy(update={"ports": tuple(made)})

    # -- reference codes and the partition itself
    def _refcodes(self, lpars: Lpars) -> dict[int, str]:
        out: dict[int, str] = {}
        records = self.records("lsrefcode_r_lpar", "reference codes are blank")
        for cap, line, rec in records or []:
            lid = self._lpar_id(cap, line, rec, lpars)
            if lid is not None:
                out[lid] = rec.get("refcode", "")
        return out

    def _partition(self, cap: Capture, line: int, rec: Rec, profiles: list[Profile],
                   current: Resources | None, configured: Resources | None,
                   adapters: list[Any], vios: dict[str, Any], refcode: str) -> Partition:
        lid = int(rec["lpar_id"])
        extra = self.extras["lpar"].get(lid, {})
        env = rec["lpar_env"]
        kind = extra.get("workload") or ("vios" if env == "vioserver" else "steady")
        params: dict[str, float] = {}
        for item in split_items(extra.get("workload_params", "")):
            key, _, value = item.partition(":")
            params[key] = self.number(cap, line, value, float, "workload_params")
        rmc = rec.get("rmc_state", "inactive")
        if rmc not in ("active", "inactive", "none"):
            self.warn(f"{cap.source}:{line}: rmc_state {rmc} is read as inactive")
            rmc = "inactive"
        names = [p.name for p in profiles]
        default = self.get(cap, line, rec, "default_profile", rec.get("curr_profile") or (
            names[0] if names else "default_profile"), "curr_profile, else the first profile")
        if not profiles:
            res = current or configured or FALLBACK_RESOURCES
            profiles = [Profile(name=default, **{k: getattr(res, k)
                                                 for k in Resources.model_fields})]
            self.warn(f"{cap.source}:{line}: partition {rec['name']} has no profile in "
                      f"lssyscfg_r_prof: profile {default} made from its "
                      f"{'current resources' if current or configured else 'defaults'}")
        elif default not in names:
            self.warn(f"{cap.source}:{line}: default profile {default} of {rec['name']} is not "
                      f"in lssyscfg_r_prof: {names[0]} used")
            default = names[0]
        curr = rec.get("curr_profile", "")
        if curr and curr not in [p.name for p in profiles]:
            self.warn(f"{cap.source}:{line}: current profile {curr} of {rec['name']} is not in "
                      "lssyscfg_r_prof: none recorded")
            curr = ""
        compat: dict[str, Any] = {}
        for attr, key in (("curr_lpar_proc_compat_mode", "curr_proc_compat_mode"),
                          ("desired_lpar_proc_compat_mode", "desired_proc_compat_mode")):
            value = rec.get(attr, "")
            if not value or (key == "curr_proc_compat_mode" and (
                    rec["state"] not in ACTIVE_STATES or value == self.hw.generation.upper())):
                continue  # the simulator's own value for it
            if re.fullmatch(r"[A-Za-z][A-Za-z0-9_]{0,30}", value):
                compat[key] = value
            else:
                self.warn(f"{cap.source}:{line}: {attr} {value!r} is not a mode name (ignored)")
        priority = rec.get("lpar_avail_priority", "")
        if priority.isdigit() and int(priority) <= 255:
            compat["lpar_avail_priority"] = int(priority)
        return self.model(
            cap, line, Partition, id=lid, name=rec["name"], env=env,
            os_version=rec.get("os_version", "Unknown"), state=rec["state"], refcode=refcode,
            rmc_state=rmc,
            rmc_ipaddr=rec.get("rmc_ipaddr", ""), default_profile=default,
            curr_profile=curr,
            boot_mode=rec.get("boot_mode") or extra.get("boot_mode") or "norm",
            keylock=rec.get("lpar_keylock", "norm"),
            bootable=extra.get("bootable", "1") == "1", profiles=tuple(profiles),
            current=current, configured=configured, adapters=tuple(adapters),
            vscsi_mappings=tuple(vios.get("vscsi", ())),
            npiv_mappings=tuple(vios.get("npiv", ())), seas=tuple(vios.get("seas", ())),
            workload=Workload(kind=kind, params=params), **compat)


def _without(frame: Frame, path: str) -> Frame:
    """The frame with the item at `path` (`partitions[2].adapters[4]`) left out."""
    data = frame.model_dump()
    segments = [(m.group(1), int(m.group(2))) for m in _SEGMENT.finditer(path)]
    holder: Any = data
    for name in path.split(".")[:-1]:
        key, _, index = name.partition("[")
        holder = holder[key][int(index[:-1])] if index else holder[key]
    last, k = segments[-1]
    items = list(holder[last])
    del items[k]
    holder[last] = items
    return Frame.model_validate(data)
