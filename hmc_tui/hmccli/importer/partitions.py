"""Partitions and their profiles (lssyscfg -r lpar|prof), and the partition itself
once every section has been read.
"""

from __future__ import annotations

import re
from typing import Any, get_args

from engine.hardware import HardwareModel
from engine.model import (
    ACTIVE_STATES,
    LparEnv,
    Partition,
    PartitionState,
    Profile,
    Resources,
    Workload,
)
from hmc_tui.hmccli import adapters as adapter_items
from hmc_tui.hmccli.capture_parse import Capture, CaptureError
from hmc_tui.hmccli.importer.reader import FALLBACK_RESOURCES, Lpars, Reader, Rec
from hmc_tui.hmccli.tokens import split_items


def read_lpars(r: Reader) -> Lpars:
    """Partitions by ID, each record with lpar_env and state made ones the simulator knows."""
    out: Lpars = {}
    records = r.records("lssyscfg_r_lpar") or []
    if records:
        r.unknown_attrs("lssyscfg_r_lpar", records)
    for cap, line, rec in records:
        if "lpar_id" not in rec or "name" not in rec:
            r.warn(f"{cap.source}:{line}: a partition without name or lpar_id: not "
                   "placed")
            continue
        try:
            lid = r.number(cap, line, rec["lpar_id"], int, "lpar_id")
        except CaptureError as err:
            r.warn(f"{err}: partition {rec['name']} not placed")
            continue
        if lid < 1:
            r.warn(f"{cap.source}:{line}: partition ID {lid} is not a partition: "
                   f"{rec['name']} not placed")
            continue
        if lid in out:
            r.warn(f"{cap.source}:{line}: partition ID {lid} is listed twice: the "
                   "second record is not used")
            continue
        rec = dict(rec)
        env = r.get(cap, line, rec, "lpar_env", "aixlinux")
        if env not in get_args(LparEnv):
            r.warn(f"{cap.source}:{line}: lpar_env {env!r} of {rec['name']} is not "
                   "simulated: aixlinux used")
            env = "aixlinux"
        rec["lpar_env"] = env
        state = r.get(cap, line, rec, "state", "Not Activated")
        if state not in get_args(PartitionState):
            mapped = "Running" if "Running" in state else "Not Activated"
            r.warn(f"{cap.source}:{line}: state {state!r} of {rec['name']} is not "
                   f"simulated: {mapped} used")
            state = mapped
        rec["state"] = state
        out[lid] = (cap, line, rec)
    return out


def read_profiles(r: Reader, lpars: Lpars
                  ) -> tuple[dict[int, list[Profile]], dict[int, dict[str, tuple]]]:
    """Profiles per partition, and per profile the adapter lists it names (used when
    the virtualio captures are missing)."""
    profiles: dict[int, list[Profile]] = {}
    lists: dict[int, dict[str, tuple]] = {}  # lpar id -> profile name -> adapter lists
    records = r.records("lssyscfg_r_prof") or []
    if records:
        r.unknown_attrs("lssyscfg_r_prof", records)
    for cap, line, rec in records:
        lid = r.lpar_id(cap, line, rec, lpars)
        if lid is None:
            continue
        try:
            _profile(r, cap, line, rec, lid, profiles, lists)
        except CaptureError as err:
            r.warn(f"{err}: profile {rec.get('name', '')} not placed")
    return profiles, lists


def _profile(r: Reader, cap: Capture, line: int, rec: Rec, lid: int,
             profiles: dict[int, list[Profile]], lists: dict[int, dict[str, tuple]]
             ) -> None:
    """One profile record onto `profiles`, its adapter lists onto `lists`."""
    defaults = Resources()
    name = r.get(cap, line, rec, "name", "default_profile")
    fields: dict[str, Any] = {"name": name}
    for key in ("min_mem", "desired_mem", "max_mem", "min_procs", "desired_procs",
                "max_procs", "max_virtual_slots"):
        fields[key] = r.number(cap, line, r.get(
            cap, line, rec, key, str(getattr(defaults, key))), int, key)
    fields["proc_mode"] = r.get(cap, line, rec, "proc_mode", "shared")
    fields["sharing_mode"] = r.get(
        cap, line, rec, "sharing_mode",
        "uncap" if fields["proc_mode"] == "shared" else "share_idle_procs")
    if fields["proc_mode"] == "shared":
        for key, default in (("min_proc_units", 0.1), ("desired_proc_units", 0.1),
                             ("max_proc_units", float(fields["max_procs"]))):
            fields[key] = r.number(cap, line, r.get(
                cap, line, rec, key, str(default)), float, key)
        fields["uncap_weight"] = r.number(
            cap, line, rec.get("uncap_weight", "128"), int, "uncap_weight")
        fields["shared_proc_pool_id"] = r.number(
            cap, line, rec.get("shared_proc_pool_id", "0"), int, "shared_proc_pool_id")
    for key in ("hpt_ratio", "boot_mode"):
        if key in rec:
            fields[key] = rec[key]
    for key in ("auto_start", "conn_monitoring"):
        if key in rec:
            fields[key] = rec[key] == "1"
    extra = r.extras.prof.get((lid, name), {})
    for key in ("keylock", "ipl_source"):
        if key in extra:
            fields[key] = extra[key]
    profile = r.model(cap, line, Profile, **fields)
    profiles.setdefault(lid, []).append(profile)
    lists.setdefault(lid, {})[name] = (cap, line, {
        k: rec[k] for k in adapter_items.LIST_ATTRS if k in rec},
        rec.get("shared_proc_pool_name", ""))


def read_refcodes(r: Reader, lpars: Lpars) -> dict[int, str]:
    """Reference codes by partition (blank when lsrefcode is missing)."""
    out: dict[int, str] = {}
    records = r.records("lsrefcode_r_lpar", "reference codes are blank")
    for cap, line, rec in records or []:
        lid = r.lpar_id(cap, line, rec, lpars)
        if lid is not None:
            out[lid] = rec.get("refcode", "")
    return out


def make_partition(r: Reader, hw: HardwareModel, cap: Capture, line: int, rec: Rec,
                   profiles: list[Profile], current: Resources | None,
                   configured: Resources | None, adapters: list[Any], vios: dict[str, Any],
                   refcode: str) -> Partition:
    """The partition from its record and what the other sections found for it."""
    lid = int(rec["lpar_id"])
    extra = r.extras.lpar.get(lid, {})
    env = rec["lpar_env"]
    kind = extra.get("workload") or ("vios" if env == "vioserver" else "steady")
    params: dict[str, float] = {}
    for item in split_items(extra.get("workload_params", "")):
        key, _, value = item.partition(":")
        params[key] = r.number(cap, line, value, float, "workload_params")
    rmc = rec.get("rmc_state", "inactive")
    if rmc not in ("active", "inactive", "none"):
        r.warn(f"{cap.source}:{line}: rmc_state {rmc} is read as inactive")
        rmc = "inactive"
    names = [p.name for p in profiles]
    default = r.get(cap, line, rec, "default_profile", rec.get("curr_profile") or (
        names[0] if names else "default_profile"), "curr_profile, else the first profile")
    if not profiles:
        res = current or configured or FALLBACK_RESOURCES
        profiles = [Profile(name=default, **{k: getattr(res, k)
                                             for k in Resources.model_fields})]
        r.warn(f"{cap.source}:{line}: partition {rec['name']} has no profile in "
               f"lssyscfg_r_prof: profile {default} made from its "
               f"{'current resources' if current or configured else 'defaults'}")
    elif default not in names:
        r.warn(f"{cap.source}:{line}: default profile {default} of {rec['name']} is not "
               f"in lssyscfg_r_prof: {names[0]} used")
        default = names[0]
    curr = rec.get("curr_profile", "")
    if curr and curr not in [p.name for p in profiles]:
        r.warn(f"{cap.source}:{line}: current profile {curr} of {rec['name']} is not in "
               "lssyscfg_r_prof: none recorded")
        curr = ""
    compat: dict[str, Any] = {}
    for attr, key in (("curr_lpar_proc_compat_mode", "curr_proc_compat_mode"),
                      ("desired_lpar_proc_compat_mode", "desired_proc_compat_mode")):
        value = rec.get(attr, "")
        if not value or (key == "curr_proc_compat_mode" and (
                rec["state"] not in ACTIVE_STATES or value == hw.generation.upper())):
            continue  # the simulator's own value for it
        if re.fullmatch(r"[A-Za-z][A-Za-z0-9_]{0,30}", value):
            compat[key] = value
        else:
            r.warn(f"{cap.source}:{line}: {attr} {value!r} is not a mode name (ignored)")
    priority = rec.get("lpar_avail_priority", "")
    if priority.isdecimal() and int(priority) <= 255:
        compat["lpar_avail_priority"] = int(priority)
    return r.model(
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
