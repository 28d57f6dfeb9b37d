"""What a partition holds now (lshwres --level lpar): the current configuration of
an active partition, the configured resources a Not Activated one keeps (HMC V8R8.4+).
"""

from __future__ import annotations

from typing import Any

from engine.model import ACTIVE_STATES, Profile, Resources
from hmc_tui.hmccli.capture_parse import Capture, CaptureError
from hmc_tui.hmccli.importer.reader import FALLBACK_RESOURCES, Lpars, Reader, Rec


def read_current(r: Reader, lpars: Lpars, profiles: dict[int, list[Profile]]
                 ) -> tuple[dict[int, Resources], dict[int, Resources]]:
    """Current configurations of active partitions, and the configured resources a Not
    Activated partition keeps (curr_* values not zero, HMC V8R8.4+)."""
    active = {lid for lid, (_, _, r) in lpars.items() if r["state"] in ACTIVE_STATES}

    def by_lpar(key: str, what: str) -> dict[int, tuple[Capture, int, Rec]]:
        out: dict[int, tuple[Capture, int, Rec]] = {}
        for c, n, found in r.records(key, what) or []:
            lid = r.lpar_id(c, n, found, lpars)
            if lid is not None:
                out[lid] = (c, n, found)
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
        if not is_active and not _holds(procs.get(lid), mems.get(lid)):
            continue  # nothing configured beyond the profiles (resource_config=0)
        own = profiles.get(lid, [])
        base = next((p for p in own if p.name == rec.get("curr_profile")), None) or next(
            (p for p in own if p.name == rec.get("default_profile")), None)
        fields = {k: getattr(base or FALLBACK_RESOURCES, k) for k in Resources.model_fields}
        profile_fields = dict(fields)
        try:
            fields = _captured(r, lid, dict(fields), procs, mems, slots)
        except CaptureError as err:
            r.warn(f"{err}: {rec['name']} keeps its profile's resources")
        where = procs.get(lid) or mems.get(lid) or lpars[lid]
        if is_active:
            found_now = r.lenient(where[0], where[1], Resources,
                                  f"current resources of {rec['name']} (its profile's "
                                  "are used)", **fields)
            current[lid] = found_now or r.model(where[0], where[1], Resources,
                                                **profile_fields)
        else:
            found = r.lenient(where[0], where[1], Resources,
                              f"configured resources of {rec['name']}", **fields)
            if found is not None:
                configured[lid] = found
    return current, configured


def _captured(r: Reader, lid: int, fields: dict[str, Any],
              procs: dict[int, tuple[Capture, int, Rec]],
              mems: dict[int, tuple[Capture, int, Rec]],
              slots: dict[int, tuple[Capture, int, Rec]]) -> dict[str, Any]:
    """`fields` with what lshwres --level lpar says of the partition."""
    if lid in procs:
        cap, line, got = procs[lid]
        mode = r.get(cap, line, got, "curr_proc_mode", fields.get("proc_mode",
                                                                  "shared"))
        fields.update(proc_mode=mode, sharing_mode=r.get(
            cap, line, got, "curr_sharing_mode",
            fields.get("sharing_mode", "uncap" if mode == "shared" else
                       "share_idle_procs")))
        for key, src in (("min_procs", "curr_min_procs"), ("desired_procs", "curr_procs"),
                         ("max_procs", "curr_max_procs")):
            fields[key] = r.number(cap, line, r.get(
                cap, line, got, src, str(fields.get(key, 1))), int, src)
        if mode == "shared":
            for key, src in (("min_proc_units", "curr_min_proc_units"),
                             ("desired_proc_units", "curr_proc_units"),
                             ("max_proc_units", "curr_max_proc_units")):
                fields[key] = r.number(cap, line, r.get(
                    cap, line, got, src, str(fields.get(key) or 0.1)), float, src)
            fields["uncap_weight"] = r.number(
                cap, line, got.get("curr_uncap_weight", "128"), int, "curr_uncap_weight")
            fields["shared_proc_pool_id"] = r.number(
                cap, line, got.get("curr_shared_proc_pool_id", "0"), int,
                "curr_shared_proc_pool_id")
        else:
            fields.update(min_proc_units=None, desired_proc_units=None,
                          max_proc_units=None, uncap_weight=128, shared_proc_pool_id=0)
    if lid in mems:
        cap, line, got = mems[lid]
        for key, src in (("min_mem", "curr_min_mem"), ("desired_mem", "curr_mem"),
                         ("max_mem", "curr_max_mem")):
            fields[key] = r.number(cap, line, r.get(
                cap, line, got, src, str(fields.get(key, 1024))), int, src)
        if "curr_hpt_ratio" in got:
            fields["hpt_ratio"] = got["curr_hpt_ratio"]
    if lid in slots:
        cap, line, got = slots[lid]
        fields["max_virtual_slots"] = r.number(
            cap, line, r.get(cap, line, got, "curr_max_virtual_slots",
                             str(fields.get("max_virtual_slots", 20))), int,
            "curr_max_virtual_slots")
    return fields


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
