"""Build a frame from captures of a real (or simulated) HMC: `hmc-tui import`.

Required: lssyscfg -r sys|lpar|prof and lshwres -r proc|mem --level sys. Everything else is
optional; a missing capture is a warning and a documented default:

* lshwres -r proc|mem|virtualio --rsubtype slot --level lpar missing: a running partition's
  current configuration is its current (else default) profile;
* lshwres -r virtualio --rsubtype scsi|fc|eth missing: adapters from the default profile;
* lshwres -r procpool missing: pools named in profiles, sized to fit their partitions;
* lshwres -r io --rsubtype slot missing: no physical adapters (NPIV mappings and SEAs that
  need them are dropped);
* VIOS captures missing: no mappings or SEAs on that VIOS; disks seen only as backing devices
  are created with default sizes;
* hmc-tui_extras.txt missing: workloads `steady` (`vios` on a VIOS), partitions bootable, the
  engine clock at zero with the epoch at sys_time, firmware the model's level, profiles with
  keylock `norm` and IPL source `a` (IBM i), a VIOS's boot mode `norm`, no disk identifiers,
  physical adapter kinds guessed from their descriptions, physical ports named from the
  VIOS's `lsdev -type adapter` without WWPNs or MACs.

Virtual adapters come back in slot order (the order the HMC lists them in).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, TypeVar

from pydantic import ValidationError

from engine.errors import HmcError
from engine.hardware import CATALOG
from engine.model import (
    ACTIVE_STATES,
    Disk,
    Frame,
    ManagedSystem,
    NpivMapping,
    Partition,
    PhysicalAdapter,
    PhysicalIO,
    PhysicalPort,
    Profile,
    Resources,
    SharedEthernetAdapter,
    SharedPool,
    VirtualEth,
    VirtualFc,
    VirtualScsi,
    VscsiMapping,
    Workload,
)
from hmc_tui.hmccli import adapters as adapter_items
from hmc_tui.hmccli.capture import EXTRAS, read_captures, vios_captures
from hmc_tui.hmccli.capture_parse import (
    Capture,
    CaptureError,
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
from hmc_tui.hmccli.tokens import split_items
from hmc_tui.hmccli.vios_show import LIBRARY, lun_number

REQUIRED = ("lssyscfg_r_sys", "lssyscfg_r_lpar", "lssyscfg_r_prof",
            "lshwres_r_proc_level_sys", "lshwres_r_mem_level_sys")
T = TypeVar("T")
Rec = dict[str, str]


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


class Builder:
    def __init__(self, captures: dict[str, Capture], source: str) -> None:
        self.caps = captures
        self.source = source
        self.warnings: list[str] = []

    # -- plumbing
    def warn(self, message: str) -> None:
        self.warnings.append(message)

    def cap(self, key: str) -> Capture | None:
        return self.caps.get(key)

    def records(self, key: str, what: str = "") -> list[tuple[Capture, int, Rec]] | None:
        cap = self.cap(key)
        if cap is None:
            if key in REQUIRED:
                raise CaptureError(self.source, None, f"the capture {key}.txt is missing "
                                   "(required)")
            if what:
                self.warn(f"{key}.txt is missing: {what}")
            return None
        return [(cap, n, r) for n, r in hmc_records(cap)]

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

    # -- the whole frame
    def build(self) -> Imported:
        self.extras = self._extras()
        system, engine_time = self._system()
        lpars = self._lpars()
        profiles, profile_lists = self._profiles(lpars)
        current = self._current(lpars, profiles)
        adapters = self._adapters(lpars, profile_lists)
        pools = self._pools(profiles, current)
        io_adapters = self._io(lpars)
        vios_parts = {lid: rec for lid, (_, _, rec) in lpars.items()
                      if rec["lpar_env"] == "vioserver"}
        disks, vios_data = self._vios(vios_parts, io_adapters, adapters)
        refcodes = self._refcodes()
        parts = []
        for lid in sorted(lpars):
            cap, line, rec = lpars[lid]
            parts.append(self._partition(cap, line, rec, profiles.get(lid, []),
                                         current.get(lid), adapters.get(lid, []),
                                         vios_data.get(lid, {}), refcodes.get(lid, "")))
        frame = self.model(None, None, Frame, system=system, pools=tuple(pools),
                           engine_time=engine_time, partitions=tuple(parts),
                           io=PhysicalIO(adapters=tuple(io_adapters), disks=tuple(disks)))
        from engine.rules import check_frame  # late, like the store

        try:
            check_frame(frame)
        except HmcError as err:
            raise CaptureError(self.source, None, f"the imported frame breaks a rule at "
                               f"{err.path or 'frame'}: {err}") from None
        return Imported(frame, self.warnings)

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
    def _system(self) -> tuple[ManagedSystem, float]:
        found = self.records("lssyscfg_r_sys")
        if not found:
            raise CaptureError(self.source, None, "lssyscfg_r_sys.txt has no record")
        cap, line, rec = found[0]
        name, mtm, serial, state = need(cap, line, rec, "name", "type_model", "serial_num",
                                        "state")
        if mtm not in CATALOG:
            raise cap.error(line, f"machine type-model {mtm} is not simulated (known: "
                            f"{', '.join(sorted(CATALOG))})")
        extra = self.extras["sys"]
        if extra:
            epoch = datetime.fromisoformat(extra["epoch"])
            engine_time = float(extra.get("engine_time", "0") or 0)
        else:
            try:
                epoch = datetime.strptime(need(cap, line, rec, "sys_time")[0], DATE_FORMAT)
            except ValueError:
                raise cap.error(line, "sys_time is not MM/DD/YYYY HH:MM:SS") from None
            engine_time = 0.0
        (pcap, pline, proc), *_ = self.records("lshwres_r_proc_level_sys") or [(cap, 0, {})]
        (mcap, mline, mem), *_ = self.records("lshwres_r_mem_level_sys") or [(cap, 0, {})]
        procs = [int(self.number(pcap, pline, v, float, "processor units")) for v in
                 need(pcap, pline, proc, "installed_sys_proc_units",
                      "configurable_sys_proc_units")]
        mems = [self.number(mcap, mline, v, int, "memory") for v in
                need(mcap, mline, mem, "installed_sys_mem", "configurable_sys_mem",
                     "mem_region_size")]
        system = self.model(
            cap, line, ManagedSystem, name=name, mtm=mtm, serial=serial, state=state,
            ipaddr=rec.get("ipaddr", ""), firmware=extra.get("firmware", ""),
            installed_procs=procs[0], configurable_procs=procs[1], installed_mem=mems[0],
            configurable_mem=mems[1], mem_region_size=mems[2], epoch=epoch)
        return system, engine_time

    # -- partitions and profiles
    def _lpars(self) -> dict[int, tuple[Capture, int, Rec]]:
        out: dict[int, tuple[Capture, int, Rec]] = {}
        for cap, line, rec in self.records("lssyscfg_r_lpar") or []:
            need(cap, line, rec, "name", "lpar_id", "lpar_env", "state", "default_profile")
            lid = self.number(cap, line, rec["lpar_id"], int, "lpar_id")
            if lid in out:
                raise cap.error(line, f"partition ID {lid} is listed twice")
            out[lid] = (cap, line, rec)
        return out

    def _lpar_id(self, cap: Capture, line: int, rec: Rec,
                 lpars: dict[int, tuple[Capture, int, Rec]]) -> int:
        if "lpar_id" in rec:
            lid = self.number(cap, line, rec["lpar_id"], int, "lpar_id")
        else:
            name = need(cap, line, rec, "lpar_name")[0]
            lid = next((i for i, (_, _, r) in lpars.items() if r["name"] == name), -1)
        if lid not in lpars:
            raise cap.error(line, f"partition {rec.get('lpar_name', lid)} is not in "
                            "lssyscfg_r_lpar")
        return lid

    def _profiles(self, lpars: dict[int, tuple[Capture, int, Rec]]
                  ) -> tuple[dict[int, list[Profile]], dict[int, dict[str, tuple]]]:
        profiles: dict[int, list[Profile]] = {}
        lists: dict[int, dict[str, tuple]] = {}  # lpar id -> profile name -> adapter lists
        for cap, line, rec in self.records("lssyscfg_r_prof") or []:
            lid = self._lpar_id(cap, line, rec, lpars)
            name = need(cap, line, rec, "name")[0]
            fields: dict[str, Any] = {"name": name}
            ints = ("min_mem", "desired_mem", "max_mem", "min_procs", "desired_procs",
                    "max_procs", "max_virtual_slots")
            for key in ints:
                fields[key] = self.number(cap, line, need(cap, line, rec, key)[0], int, key)
            fields["proc_mode"] = need(cap, line, rec, "proc_mode")[0]
            fields["sharing_mode"] = need(cap, line, rec, "sharing_mode")[0]
            if fields["proc_mode"] == "shared":
                for key in ("min_proc_units", "desired_proc_units", "max_proc_units"):
                    fields[key] = self.number(cap, line, need(cap, line, rec, key)[0], float,
                                              key)
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
        return profiles, lists

    def _current(self, lpars: dict[int, tuple[Capture, int, Rec]],
                 profiles: dict[int, list[Profile]]) -> dict[int, Resources]:
        active = {lid for lid, (_, _, r) in lpars.items() if r["state"] in ACTIVE_STATES}
        procs = {self._lpar_id(c, n, r, lpars): (c, n, r) for c, n, r in self.records(
            "lshwres_r_proc_level_lpar", "running partitions get their profile's processors")
            or []}
        mems = {self._lpar_id(c, n, r, lpars): (c, n, r) for c, n, r in self.records(
            "lshwres_r_mem_level_lpar", "running partitions get their profile's memory") or []}
        slots = {self._lpar_id(c, n, r, lpars): (c, n, r) for c, n, r in self.records(
            "lshwres_r_virtualio_rsubtype_slot_level_lpar",
            "running partitions get their profile's maximum virtual slots") or []}
        out: dict[int, Resources] = {}
        for lid in sorted(active):
            rec = lpars[lid][2]
            own = profiles.get(lid, [])
            base = next((p for p in own if p.name == rec.get("curr_profile")), None) or next(
                (p for p in own if p.name == rec["default_profile"]), None)
            fields: dict[str, Any] = {}
            if base is not None:
                fields = {k: getattr(base, k) for k in Resources.model_fields}
            if lid in procs:
                cap, line, r = procs[lid]
                mode = need(cap, line, r, "curr_proc_mode")[0]
                fields.update(proc_mode=mode,
                              sharing_mode=need(cap, line, r, "curr_sharing_mode")[0])
                for key, src in (("min_procs", "curr_min_procs"), ("desired_procs", "curr_procs"),
                                 ("max_procs", "curr_max_procs")):
                    fields[key] = self.number(cap, line, need(cap, line, r, src)[0], int, src)
                if mode == "shared":
                    for key, src in (("min_proc_units", "curr_min_proc_units"),
                                     ("desired_proc_units", "curr_proc_units"),
                                     ("max_proc_units", "curr_max_proc_units")):
                        fields[key] = self.number(cap, line, need(cap, line, r, src)[0], float,
                                                  src)
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
                    fields[key] = self.number(cap, line, need(cap, line, r, src)[0], int, src)
                if "curr_hpt_ratio" in r:
                    fields["hpt_ratio"] = r["curr_hpt_ratio"]
            if lid in slots:
                cap, line, r = slots[lid]
                fields["max_virtual_slots"] = self.number(
                    cap, line, need(cap, line, r, "curr_max_virtual_slots")[0], int,
                    "curr_max_virtual_slots")
            where = procs.get(lid) or mems.get(lid) or lpars[lid]
            out[lid] = self.model(where[0], where[1], Resources, **fields)
        return out

    # -- virtual adapters
    def _adapters(self, lpars: dict[int, tuple[Capture, int, Rec]],
                  lists: dict[int, dict[str, tuple]]
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
                out.setdefault(lid, []).append(self.model(
                    cap, line, self._adapter, where=(cap, line), rec=rec, kind=kind))
        if missing:
            # Only the (empty) partition list of this stub is read; model_construct skips
            # validation, so the required system is not needed.
            stub = Frame.model_construct(partitions=())  # type: ignore[call-arg]
            for lid, by_name in lists.items():
                default = lpars[lid][2]["default_profile"]
                cap, line, values, _ = by_name.get(default) or next(iter(by_name.values()))
                for attr, kind in adapter_items.LIST_ATTRS.items():
                    if kind in missing and attr in values:
                        try:
                            found = adapter_items.parse_list(stub, attr, values[attr])
                        except HmcError as err:
                            raise cap.error(line, str(err)) from None
                        out.setdefault(lid, []).extend(found)
        return {lid: sorted(found, key=lambda a: a.slot) for lid, found in out.items()}

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
        if records is None:  # the pool capture may sit under the --level pool name
            level_pool = self.cap("lshwres_r_proc_level_pool")
            if level_pool is not None and "shared_proc_pool_id" in level_pool.text:
                records = [(level_pool, n, r) for n, r in hmc_records(level_pool)]
        if records is not None:
            pools = []
            for cap, line, rec in records:
                pid = self.number(cap, line, need(cap, line, rec, "shared_proc_pool_id")[0],
                                  int, "shared_proc_pool_id")
                if pid == 0:
                    continue
                max_text = rec.get("max_pool_proc_units", "0")
                reserved = rec.get("curr_reserved_pool_proc_units", "0")
                pools.append(self.model(
                    cap, line, SharedPool, id=pid, name=need(cap, line, rec, "name")[0],
                    max_proc_units=0 if max_text in ("null", "") else int(self.number(
                        cap, line, max_text, float, "max_pool_proc_units")),
                    reserved_proc_units=0.0 if reserved in ("null", "") else self.number(
                        cap, line, reserved, float, "curr_reserved_pool_proc_units")))
            return pools
        self.warn("lshwres_r_procpool.txt is missing: pools used by partitions are sized to "
                  "fit them")
        need_units: dict[int, float] = {}
        for lid, own in profiles.items():
            for prof in [*own, *([current[lid]] if lid in current else [])]:
                if prof.shared and prof.shared_proc_pool_id:
                    pid = prof.shared_proc_pool_id
                    need_units[pid] = need_units.get(pid, 0.0) + (prof.max_proc_units or 0)
        return [SharedPool(id=pid, name=f"SharedPool{pid:02d}",
                           max_proc_units=max(1, math.ceil(units)))
                for pid, units in sorted(need_units.items())]

    # -- physical I/O
    def _io(self, lpars: dict[int, tuple[Capture, int, Rec]]) -> list[PhysicalAdapter]:
        records = self.records("lshwres_r_io_rsubtype_slot", "no physical adapters")
        out: list[PhysicalAdapter] = []
        for cap, line, rec in records or []:
            drc, location, description = need(cap, line, rec, "drc_index", "drc_name",
                                              "description")
            owner_text = rec.get("lpar_id", "none")
            owner = None if owner_text in ("none", "") else self.number(
                cap, line, owner_text, int, "lpar_id")
            kind = self.extras["adapter"].get(drc) or _guess_kind(description)
            ports = tuple(self._extra_ports(drc))
            out.append(self.model(cap, line, PhysicalAdapter, drc_index=drc, location=location,
                                  description=description, kind=kind, owner=owner,
                                  ports=ports))
        return out

    def _extra_ports(self, drc: str) -> list[PhysicalPort]:
        return [self.model(
            cap, line, PhysicalPort, name=need(cap, line, rec, "name")[0],
            location=rec.get("location", ""), wwpn=rec.get("wwpn", ""), mac=rec.get("mac", ""),
            npiv=rec.get("npiv", "1") == "1",
            max_npiv=self.number(cap, line, rec.get("max_npiv", "64"), int, "max_npiv"))
            for cap, line, rec in self.extras["port"].get(drc, [])]

    # -- VIOS captures
    def _vios(self, vios_parts: dict[int, Rec], io_adapters: list[PhysicalAdapter],
              adapters: dict[int, list[Any]]) -> tuple[list[Disk], dict[int, dict[str, Any]]]:
        by_name = {rec["name"]: lid for lid, rec in vios_parts.items()}
        per_vios = vios_captures(self.caps, by_name)
        data: dict[int, dict[str, Any]] = {}
        disks: dict[str, dict[str, Any]] = {}  # name -> fields, in first-seen order
        for name, lid in sorted(by_name.items(), key=lambda item: item[1]):
            caps = per_vios.get(name, {})
            if not caps:
                self.warn(f"no VIOS captures for {name}: no mappings or SEAs")
            data[lid] = self._one_vios(name, lid, caps, io_adapters, adapters, disks)
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

    def _one_vios(self, name: str, lid: int, caps: dict[str, Capture],
                  io_adapters: list[PhysicalAdapter], adapters: dict[int, list[Any]],
                  disks: dict[str, dict[str, Any]]) -> dict[str, Any]:
        def add_disk(disk: str, **fields: Any) -> None:
            entry = disks.setdefault(disk, {"name": disk, "owners": []})
            entry.update(fields)
            if lid not in entry["owners"]:
                entry["owners"].append(lid)

        if "lspv_size" in caps:
            for line, row in split_rows(caps["lspv_size"], 3):
                mb = self.number(caps["lspv_size"], line, row[-1], int, "SIZE(megabytes)")
                add_disk(row[0], kind="disk", size_gb=max(1, mb // 1024))
        if "lsrep" in caps:
            for _, file, mb in lsrep_files(caps["lsrep"]):
                add_disk(LIBRARY + file, kind="file", size_gb=max(1, mb // 1024))
        vscsi: list[VscsiMapping] = []
        if "lsmap_all" in caps:
            for vtd in lsmap_vscsi(caps["lsmap_all"]):
                if vtd.backing not in disks or lid not in disks[vtd.backing]["owners"]:
                    if not self.extras["disk"]:
                        self.warn(f"{vtd.backing} of {name} is only known as a backing device")
                    add_disk(vtd.backing, kind="file" if vtd.backing.startswith("/")
                             else "disk")
                vscsi.append(VscsiMapping(vhost_slot=vtd.slot, vtd=vtd.vtd, backing=vtd.backing,
                                          lun=lun_number(vtd.lun)))
        npiv: list[NpivMapping] = []
        port_locations: dict[str, str] = {}
        if "lsmap_all_npiv" in caps:
            for vfc in lsmap_npiv(caps["lsmap_all_npiv"]):
                if vfc.port:
                    npiv.append(NpivMapping(vfchost_slot=vfc.slot, port=vfc.port))
                    port_locations[vfc.port] = vfc.port_location
        seas = self._seas(name, caps, adapters.get(lid, []), port_locations)
        if not self.extras["present"]:
            self._derive_ports(lid, caps, io_adapters, port_locations)
        return {"vscsi": vscsi, "npiv": npiv, "seas": seas}

    def _seas(self, name: str, caps: dict[str, Capture], own: list[Any],
              port_locations: dict[str, str]) -> list[SharedEthernetAdapter]:
        if "lsmap_all_net" not in caps:
            return []
        entries = lsmap_net(caps["lsmap_all_net"])
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
            found[e.sea] = self.model(
                caps["lsmap_all_net"], None, SharedEthernetAdapter, name=e.sea,
                physical=e.backing, trunk_slots=trunks, default_slot=default, ctl_chan_slot=ctl,
                ha_mode=values.get("ha_mode", "auto"))
        return list(found.values())

    def _derive_ports(self, lid: int, caps: dict[str, Capture],
                      io_adapters: list[PhysicalAdapter], locations: dict[str, str]) -> None:
        """Ports of this VIOS's physical adapters from its own listings (no extras)."""
        owned = [i for i, a in enumerate(io_adapters) if a.owner == lid]
        if not owned:
            return
        npiv: dict[str, int] = {}
        if "lsnports" in caps:
            for _, row in split_rows(caps["lsnports"], 7):
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
    def _refcodes(self) -> dict[int, str]:
        out: dict[int, str] = {}
        records = self.records("lsrefcode_r_lpar", "reference codes are blank")
        for cap, line, rec in records or []:
            out[self.number(cap, line, need(cap, line, rec, "lpar_id")[0], int, "lpar_id")] = \
                rec.get("refcode", "")
        return out

    def _partition(self, cap: Capture, line: int, rec: Rec, profiles: list[Profile],
                   current: Resources | None, adapters: list[Any], vios: dict[str, Any],
                   refcode: str) -> Partition:
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
        if not profiles:
            raise cap.error(line, f"partition {rec['name']} has no profile in lssyscfg_r_prof")
        return self.model(
            cap, line, Partition, id=lid, name=rec["name"], env=env,
            os_version=rec.get("os_version", "Unknown"), state=rec["state"], refcode=refcode,
            rmc_state=rmc,
            rmc_ipaddr=rec.get("rmc_ipaddr", ""), default_profile=rec["default_profile"],
            curr_profile=rec.get("curr_profile", ""),
            boot_mode=rec.get("boot_mode") or extra.get("boot_mode") or "norm",
            keylock=rec.get("lpar_keylock", "norm"),
            bootable=extra.get("bootable", "1") == "1", profiles=tuple(profiles),
            current=current, adapters=tuple(adapters),
            vscsi_mappings=tuple(vios.get("vscsi", ())),
            npiv_mappings=tuple(vios.get("npiv", ())), seas=tuple(vios.get("seas", ())),
            workload=Workload(kind=kind, params=params))
