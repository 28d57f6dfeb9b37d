"""The managed system from lssyscfg -r sys and lshwres --level sys, and its shared
processor pools.

Captured limits win over the hardware catalog only where they differ, so re-importing an
export gives the same frame.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from datetime import datetime
from typing import Any, get_args

from engine.hardware import CATALOG
from engine.model import (
    SAMPLE_RATES,
    Frame,
    ManagedSystem,
    Profile,
    Resources,
    SharedPool,
    SystemState,
)
from hmc_tui.hmccli.capture_parse import Capture, CaptureError, hmc_records
from hmc_tui.hmccli.context import DATE_FORMAT
from hmc_tui.hmccli.importer.reader import Reader, Rec, T
from hmc_tui.hmccli.tokens import split_items


def read_system(r: Reader) -> tuple[ManagedSystem, float, int | None]:
    """The managed system, the engine clock, and the captured firmware memory (or None)."""
    found = r.records("lssyscfg_r_sys")
    if not found:
        raise CaptureError(r.source, None, "lssyscfg_r_sys.txt has no record")
    cap, line, rec = found[0]
    if len(found) > 1:
        r.warn(f"{cap.source}:{found[1][1]}: lssyscfg_r_sys lists {len(found)} "
               "systems: only the first is imported")
        found = found[:1]
    r.unknown_attrs("lssyscfg_r_sys", found)
    extra = r.extras.sys
    named = rec.get("name", "")
    guess = re.search(r"(\d{4}-[0-9A-Z]{3})", named)
    mtm = r.get(cap, line, rec, "type_model", guess.group(1) if guess else "0000-000")
    if not re.fullmatch(r"[0-9A-Z]{4}-[0-9A-Z]{3}", mtm):
        r.warn(f"{cap.source}:{line}: type_model {mtm!r} is not TTTT-MMM: 0000-000 used")
        mtm = "0000-000"
    guess = re.search(r"(?:SN|-)([0-9A-Z]{7})$", named)
    serial = r.get(cap, line, rec, "serial_num", guess.group(1) if guess else "0000000")
    if not re.fullmatch(r"[0-9A-Z]{7}", serial):
        fixed = serial.upper() if re.fullmatch(r"[0-9A-Za-z]{7}", serial) else "0000000"
        r.warn(f"{cap.source}:{line}: serial_num {serial!r} is not 7 letters or "
               f"digits: {fixed} used")
        serial = fixed
    name = r.get(cap, line, rec, "name", f"Server-{mtm}-SN{serial}")
    state = r.get(cap, line, rec, "state", "Operating")
    if state not in get_args(SystemState):
        r.warn(f"{cap.source}:{line}: system state {state!r} is not simulated: "
               "Operating used")
        state = "Operating"
    epoch: datetime | None = None
    engine_time = 0.0
    if extra:
        epoch = datetime.fromisoformat(extra["epoch"])
        engine_time = float(extra.get("engine_time", "0") or 0)
    else:
        text = r.get(cap, line, rec, "sys_time", "", "the model's epoch "
                     f"({ManagedSystem.model_fields['epoch'].default:{DATE_FORMAT}})")
        if text:
            try:
                epoch = datetime.strptime(text, DATE_FORMAT)
            except ValueError:
                r.warn(f"{cap.source}:{line}: sys_time {text!r} is not "
                       "MM/DD/YYYY HH:MM:SS: the model's epoch used")
    (pcap, pline, proc), (mcap, mline, mem) = (
        _first(r, key) for key in ("lshwres_r_proc_level_sys", "lshwres_r_mem_level_sys"))
    procs = _pair(r, pcap, pline, proc, "installed_sys_proc_units",
                  "configurable_sys_proc_units", float)
    mems = _pair(r, mcap, mline, mem, "installed_sys_mem", "configurable_sys_mem", int)
    region = r.number(mcap, mline, r.get(mcap, mline, mem, "mem_region_size", "256"),
                      int, "mem_region_size")
    limits = _limits(r, cap, line, rec, pcap, pline, proc, mtm, int(procs[1]))
    firmware_text = mem.get("sys_firmware_mem", "")
    firmware_mem = (r.number(mcap, mline, firmware_text, int, "sys_firmware_mem")
                    if firmware_text not in ("", "null") else None)
    optional: dict[str, Any] = {"epoch": epoch} if epoch is not None else {}
    optional["sample_rate"] = _sample_rate(r)
    system = r.model(
        cap, line, ManagedSystem, name=name, mtm=mtm, serial=serial, state=state,
        ipaddr=rec.get("ipaddr", ""), firmware=extra.get("firmware", ""),
        installed_procs=int(procs[0]), configurable_procs=int(procs[1]),
        installed_mem=mems[0], configurable_mem=mems[1], mem_region_size=region,
        **limits, **optional)
    if mtm not in CATALOG:
        r.warn(f"{cap.source}:{line}: machine type-model {mtm} is not in the hardware "
               "catalog: imported with the captured figures and generic limits "
               f"(known models: {', '.join(sorted(CATALOG))})")
    return system, engine_time, firmware_mem


def _sample_rate(r: Reader) -> int:
    """The utilisation sample rate `lslparutil -r config` shows (default: 30 s)."""
    default = ManagedSystem.model_fields["sample_rate"].default
    found = r.records("lslparutil_r_config", f"utilisation sampled every {default} s")
    if not found:
        return int(default)
    cap, line, rec = found[0]
    text = r.get(cap, line, rec, "sample_rate", str(default))
    if not text.isdecimal() or int(text) not in SAMPLE_RATES:
        r.warn(f"{cap.source}:{line}: sample_rate {text!r} is not one of "
               f"{', '.join(map(str, SAMPLE_RATES))}: {default} used")
        return int(default)
    return int(text)


def _first(r: Reader, key: str) -> tuple[Capture, int, Rec]:
    """The first record of a required capture."""
    found = r.records(key)
    if not found:
        raise CaptureError(r.source, None, f"{key}.txt has no record")
    return found[0]


def _pair(r: Reader, cap: Capture, line: int, rec: Rec, installed: str, configurable: str,
          kind: Callable[[str], T]) -> tuple[T, T]:
    """(installed, configurable): one stands in for the other when an HMC omits it."""
    if installed not in rec and configurable not in rec:
        raise cap.error(line, f"attributes {installed} and {configurable} are missing")
    a = r.get(cap, line, rec, installed, rec.get(configurable, ""), configurable)
    b = r.get(cap, line, rec, configurable, a, installed)
    return r.number(cap, line, a, kind, installed), r.number(cap, line, b, kind,
                                                             configurable)


def _limits(r: Reader, cap: Capture, line: int, rec: Rec, pcap: Capture, pline: int,
            proc: Rec, mtm: str, cores: int) -> dict[str, Any]:
    """The captured limits that differ from what the simulator would use anyway (so
    re-importing an export gives the same frame)."""
    hw = CATALOG.get(mtm)
    out: dict[str, Any] = {}

    def figure(held: Rec, c: Capture, n: int, attr: str, kind: Callable[[str], Any]) -> Any:
        text = held.get(attr, "")
        if text in ("", "null", "none"):
            return None
        try:
            return kind(text)
        except ValueError:
            r.warn(f"{c.source}:{n}: {attr} is not a number: {text!r} (ignored)")
            return None

    for key, attr, held, c, n, kind, same in (
        ("max_lpars", "max_lpars", rec, cap, line, int, hw and hw.max_lpars),
        ("max_virtual_procs_per_lpar", "max_virtual_procs_per_lpar", proc, pcap, pline,
         int, hw and hw.max_vps_per_lpar),
        ("min_proc_units_per_vp", "min_proc_units_per_virtual_proc", proc, pcap, pline,
         float, hw and hw.min_proc_units_per_vp),
        ("max_procs_per_lpar", "max_procs_per_lpar", proc, pcap, pline, int, cores),
    ):
        value = figure(held, c, n, attr, kind)
        if value is not None and value != same:
            out[key] = value
    modes = rec.get("lpar_proc_compat_modes") or r.extras.sys.get(
        "lpar_proc_compat_modes", "")
    found = tuple(split_items(modes))
    if found:
        if all(re.fullmatch(r"[A-Za-z][A-Za-z0-9_]{0,30}", m) for m in found):
            out["proc_compat_modes"] = found
        else:
            r.warn(f"{cap.source}:{line}: lpar_proc_compat_modes {modes!r} is not a "
                   "list of mode names (ignored)")
    return out


def set_firmware_mem(r: Reader, frame: Frame, captured: int | None) -> Frame:
    """Set the hypervisor's base so the frame's firmware memory is the captured one."""
    if captured is None:
        return frame
    hw = frame.hardware
    pages = frame.firmware_mem() - hw.hypervisor_base_mem_mb
    base = captured - pages
    if base < 0:
        r.warn(f"sys_firmware_mem {captured} MB is less than the page tables of the "
               f"running partitions ({pages} MB): hypervisor base memory 0 used")
        base = 0
    catalog = CATALOG.get(frame.system.mtm)
    if catalog is not None and base == catalog.hypervisor_base_mem_mb:
        return frame
    system = frame.system.model_copy(update={"hypervisor_base_mem": base})
    return frame.model_copy(update={"system": system})


def read_pools(r: Reader, profiles: dict[int, list[Profile]],
               current: dict[int, Resources]) -> list[SharedPool]:
    """Shared processor pools: captured ones, plus any a profile uses that no capture
    lists, sized to fit the partitions using it."""
    records = r.records("lshwres_r_procpool")
    # The physical pool's figures (--level pool) follow from the rest; an older HMC
    # saved the shared pools under that name.
    level_pool = r.cap("lshwres_r_proc_level_pool")
    if records is None and level_pool is not None and (
            "shared_proc_pool_id" in level_pool.text):
        records = [(level_pool, n, rec) for n, rec in hmc_records(level_pool, r.warn)]
    pools: dict[int, SharedPool] = {}
    if records is not None:
        for cap, line, rec in records:
            try:
                pool = _pool(r, cap, line, rec)
            except CaptureError as err:
                r.warn(f"{err}: pool not placed")
                continue
            if pool is not None:
                pools[pool.id] = pool
    else:
        r.warn("lshwres_r_procpool.txt is missing: pools used by partitions are sized "
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
            r.warn(f"shared processor pool {pid} is used by profiles but not in "
                   f"lshwres_r_procpool: {pools[pid].name} sized to fit them "
                   f"({pools[pid].max_proc_units} processing units)")
    return [pools[pid] for pid in sorted(pools)]


def _pool(r: Reader, cap: Capture, line: int, rec: Rec) -> SharedPool | None:
    """One pool record; None for the default pool (ID 0) or one without ID or name."""
    if "shared_proc_pool_id" not in rec or "name" not in rec:
        r.warn(f"{cap.source}:{line}: a pool without shared_proc_pool_id or "
               "name: not placed")
        return None
    pid = r.number(cap, line, rec["shared_proc_pool_id"], int,
                   "shared_proc_pool_id")
    if pid == 0:
        return None
    max_text = rec.get("max_pool_proc_units", "0")
    reserved = rec.get("curr_reserved_pool_proc_units", "0")
    pool = r.lenient(
        cap, line, SharedPool, f"pool {rec['name']}", id=pid, name=rec["name"],
        max_proc_units=0 if max_text in ("null", "") else int(r.number(
            cap, line, max_text, float, "max_pool_proc_units")),
        reserved_proc_units=0.0 if reserved in ("null", "") else r.number(
            cap, line, reserved, float, "curr_reserved_pool_proc_units"))
    return pool
