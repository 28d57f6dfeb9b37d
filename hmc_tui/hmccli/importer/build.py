"""The import in order: each section reads its captures through one `Reader`, then the
frame is assembled, settled against the rules, and the leftover warnings are added.

The order matters: warnings come out in the order the sections run.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from engine.model import Frame, PhysicalIO, hardware_of
from hmc_tui.hmccli.capture import read_captures
from hmc_tui.hmccli.capture_parse import Capture
from hmc_tui.hmccli.importer.partitions import (
    make_partition,
    read_lpars,
    read_profiles,
    read_refcodes,
)
from hmc_tui.hmccli.importer.physical import read_io
from hmc_tui.hmccli.importer.reader import VIOS_COMMANDS, Reader, base_key, read_extras, where
from hmc_tui.hmccli.importer.repair import settle, warn_off_frame_clients
from hmc_tui.hmccli.importer.resources import read_current
from hmc_tui.hmccli.importer.system import read_pools, read_system, set_firmware_mem
from hmc_tui.hmccli.importer.vios import read_vios
from hmc_tui.hmccli.importer.virtualio import read_adapters


@dataclass
class Imported:
    frame: Frame
    warnings: list[str] = field(default_factory=list)


def import_frame(path: Path) -> Imported:
    """Read captures from a directory or a sectioned file and build the frame."""
    return build(read_captures(path), str(path))


def build(captures: dict[str, Capture], source: str) -> Imported:
    """Run the sections in the order their warnings should appear."""
    r = Reader(captures, source)
    r.extras = read_extras(r)
    system, engine_time, firmware_mem = read_system(r)
    hw = hardware_of(system)
    lpars = read_lpars(r)
    profiles, profile_lists = read_profiles(r, lpars)
    current, configured = read_current(r, lpars, profiles)
    adapters = read_adapters(r, lpars, profile_lists)
    pools = read_pools(r, profiles, current)
    io_adapters = read_io(r, lpars)
    vios_parts = {lid: rec for lid, (_, _, rec) in lpars.items()
                  if rec["lpar_env"] == "vioserver"}
    disks, vios_data = read_vios(r, vios_parts, io_adapters, adapters)
    refcodes = read_refcodes(r, lpars)
    parts = []
    for lid in sorted(lpars):
        cap, line, rec = lpars[lid]
        parts.append(make_partition(r, hw, cap, line, rec, profiles.get(lid, []),
                                    current.get(lid), configured.get(lid),
                                    adapters.get(lid, []), vios_data.get(lid, {}),
                                    refcodes.get(lid, "")))
    frame = r.model(None, None, Frame, system=system, pools=tuple(pools),
                    engine_time=engine_time, partitions=tuple(parts),
                    io=PhysicalIO(adapters=tuple(io_adapters), disks=tuple(disks)))
    frame = set_firmware_mem(r, frame, firmware_mem)
    warn_off_frame_clients(r, frame)
    frame = settle(r, frame)
    r.missing_warnings()
    _warn_unused(r)
    return Imported(frame, r.warnings)


def _warn_unused(r: Reader) -> None:
    """One warning per capture no section read, saying why it was not."""
    for key, cap in r.caps.items():
        if key in r.used:
            continue
        base = base_key(key)
        if base != key and base in r.used:
            why = "the same command appears earlier; the first section is used"
        elif any(base.startswith(c) for c in VIOS_COMMANDS):
            why = "it names no VIOS of lssyscfg_r_lpar (file or section name)"
        else:
            why = "not a command the import reads"
        r.warn(f"{where(cap)}: capture {key} not used: {why}")
