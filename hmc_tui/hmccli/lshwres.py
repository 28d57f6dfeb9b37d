"""lshwres: processors, memory, virtual I/O, physical I/O slots and shared processor pools.

Attribute order and record order follow the real POWER5 captures in
docs/hmc-commands.md: per-partition processor and memory records highest id first,
virtual I/O records lowest id first (vSCSI and serial adapters highest slot first within a
partition, Ethernet lowest first). A `Not Activated` partition reports zeros. Attributes of
newer HMCs (`vswitch`, pool names) come after the POWER5 ones.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from engine.model import (
    HUGE_PAGE_MB,
    Frame,
    Partition,
    PhysicalAdapter,
    Resources,
    VirtualEth,
    VirtualFc,
    VirtualScsi,
)
from engine.ops import next_free_slot
from engine.ops.system import max_huge_pages
from hmc_tui.hmccli.context import Ctx
from hmc_tui.hmccli.filters import Filter, parse_filter
from hmc_tui.hmccli.format import Record, flag, render, units
from hmc_tui.hmccli.grammar import Flag, Grammar, Variant
from hmc_tui.hmccli.options import Args
from hmc_tui.hmccli.shared_flags import FIELDS, FILTER, HEADER, SYSTEM

PROC_SYS = (
    "configurable_sys_proc_units", "curr_avail_sys_proc_units", "pend_avail_sys_proc_units",
    "installed_sys_proc_units", "deconfig_sys_proc_units", "min_proc_units_per_virtual_proc",
    "max_virtual_procs_per_lpar", "max_procs_per_lpar",
    "max_curr_virtual_procs_per_aixlinux_lpar", "max_curr_virtual_procs_per_vios_lpar",
    "max_curr_virtual_procs_per_os400_lpar", "max_curr_procs_per_aixlinux_lpar",
    "max_curr_procs_per_vios_lpar", "max_curr_procs_per_os400_lpar", "max_shared_proc_pools",
)
MEM_SYS = (
    "configurable_sys_mem", "curr_avail_sys_mem", "pend_avail_sys_mem", "installed_sys_mem",
    "deconfig_sys_mem", "sys_firmware_mem", "mem_region_size", "pend_mem_region_size",
    "configurable_num_sys_huge_pages", "curr_avail_num_sys_huge_pages",
    "pend_avail_num_sys_huge_pages", "max_num_sys_huge_pages", "requested_num_sys_huge_pages",
    "huge_page_size", "max_mem_pools", "default_hpt_ratios", "possible_hpt_ratios",
    "curr_mem_mirroring_mode", "pend_mem_mirroring_mode",
)  # the POWER5 capture's order; the region and mirroring attributes it lacks: our placing
PROC_POOL = ("configurable_pool_proc_units", "curr_avail_pool_proc_units",
             "pend_avail_pool_proc_units")
# HMC V7 and later print the pool's name right after its id (docs/hmc-commands.md; the
# POWER5 capture there predates pool names and has neither).
_SHARED = ("shared_proc_pool_id", "shared_proc_pool_name", "proc_mode", "min_proc_units",
           "proc_units", "max_proc_units", "min_procs", "procs", "max_procs", "sharing_mode",
           "uncap_weight")
PROC_LPAR = (
    "lpar_name", "lpar_id", *(f"curr_{a}" for a in _SHARED), *(f"pend_{a}" for a in _SHARED),
    "run_proc_units", "run_procs", "run_uncap_weight",
)
_HUGE = ("curr_min_num_huge_pages", "curr_num_huge_pages", "curr_max_num_huge_pages",
         "pend_min_num_huge_pages", "pend_num_huge_pages", "pend_max_num_huge_pages",
         "run_num_huge_pages")
MEM_LPAR = ("lpar_name", "lpar_id", "curr_min_mem", "curr_mem", "curr_max_mem",
            "pend_min_mem", "pend_mem", "pend_max_mem", "run_min_mem", "run_mem", *_HUGE,
            "mem_mode", "curr_hpt_ratio")
PROCPOOL = ("name", "shared_proc_pool_id", "max_pool_proc_units",
            "curr_reserved_pool_proc_units", "pend_reserved_pool_proc_units", "lpar_names",
            "lpar_ids")
ETH = ("lpar_name", "lpar_id", "slot_num", "state", "is_required", "is_trunk",
       "trunk_priority", "ieee_virtual_eth", "port_vlan_id", "vswitch", "addl_vlan_ids",
       "mac_addr")
SCSI = ("lpar_name", "lpar_id", "slot_num", "state", "is_required", "adapter_type",
        "remote_lpar_id", "remote_lpar_name", "remote_slot_num")
FC = ("lpar_name", "lpar_id", "slot_num", "adapter_type", "state", "is_required",
      "remote_lpar_id", "remote_lpar_name", "remote_slot_num", "wwpns")
SERIAL = ("lpar_name", "lpar_id", "slot_num", "state", "is_required", "connect_status",
          "adapter_type", "supports_hmc", "remote_lpar_id", "remote_lpar_name",
          "remote_slot_num")
SLOT = ("lpar_name", "lpar_id", "curr_max_virtual_slots", "pend_max_virtual_slots",
        "next_avail_virtual_slot")
VSWITCH = ("vswitch", "switch_mode", "vlan_ids")
IO_SLOT = (
    "unit_phys_loc", "bus_id", "phys_loc", "drc_index", "lpar_name", "lpar_id",
    "slot_io_pool_id", "description", "feature_codes", "pci_vendor_id", "pci_device_id",
    "pci_subs_vendor_id", "pci_subs_device_id", "pci_class", "pci_revision_id", "bus_grouping",
    "iop", "parent_slot_drc_index", "drc_name", "interposer_present", "interposer_pcie",
)
# Plausible PCI identities per adapter kind (vendor, device, class).
_PCI = {"fc": ("10DF", "E300", "0C04"), "eth": ("14E4", "168A", "0200"),
        "sas": ("1014", "034A", "0104"), "nvme": ("1014", "0611", "0108")}
LPAR_FILTERS = ("lpar_names", "lpar_ids")


# ---------------------------------------------------------------- system level


def proc_sys(ctx: Ctx) -> Record:
    frame = ctx.frame
    s, hw = frame.system, frame.hardware
    avail = units(frame.avail_proc_units())
    vps, cores = str(hw.max_vps_per_lpar), str(s.configurable_procs)
    per_lpar = str(s.max_procs_per_lpar or s.configurable_procs)  # captured, where imported
    return dict(zip(PROC_SYS, (
        units(s.configurable_procs), avail, avail, units(s.installed_procs), "0",
        repr(hw.min_proc_units_per_vp), vps, per_lpar, vps, vps, vps, cores, cores, cores,
        str(hw.max_shared_pools)), strict=True))


def mem_sys(ctx: Ctx) -> Record:
    frame = ctx.frame
    s = frame.system
    avail = str(frame.avail_mem())
    region = s.pend_mem_region_size if s.pend_mem_region_size is not None else s.mem_region_size
    pages = str(s.configurable_num_sys_huge_pages)  # no partition holds huge pages here
    return dict(zip(MEM_SYS, (
        str(s.configurable_mem), avail, avail, str(s.installed_mem), "0",
        str(frame.firmware_mem()), str(s.mem_region_size), str(region), pages, pages, pages,
        str(max_huge_pages(frame)), str(s.requested_num_sys_huge_pages), str(HUGE_PAGE_MB),
        "0", "1:128", ["1:32", "1:64", "1:128", "1:256", "1:512"], s.mem_mirroring_mode,
        s.pend_mem_mirroring_mode), strict=True))


def physical_pool_size(frame: Frame) -> float:
    """Cores of the physical shared pool: what dedicated active partitions do not own."""
    dedicated = sum(p.current.desired_procs for p in frame.partitions
                    if p.current is not None and not p.current.shared)
    return float(frame.system.configurable_procs - dedicated)


def proc_pool(ctx: Ctx) -> Record:
    avail = units(ctx.frame.avail_proc_units())
    return dict(zip(PROC_POOL, (units(physical_pool_size(ctx.frame)), avail, avail),
                    strict=True))


def procpool_records(ctx: Ctx, f: Filter) -> list[Record]:
    frame = ctx.frame
    out: list[Record] = []
    for pool in frame.pools:
        if not (f.allows("pool_names", pool.name) and f.allows("pool_ids", str(pool.id))):
            continue
        members = frame.pool_members(pool.id)
        default = pool.is_default
        reserved = "null" if default else units(pool.reserved_proc_units)
        out.append({
            "name": pool.name, "shared_proc_pool_id": str(pool.id),
            "max_pool_proc_units": "null" if default else str(pool.max_proc_units),
            "curr_reserved_pool_proc_units": reserved,
            "pend_reserved_pool_proc_units": reserved,
            "lpar_names": [p.name for p in members] or "",
            "lpar_ids": [str(p.id) for p in members] or "",
        })
    return out


# ---------------------------------------------------------------- partition level


def _profile_settings(p: Partition) -> Resources:
    return p.profile(p.default_profile) or p.profiles[0]


def proc_lpar(frame: Frame, p: Partition) -> Record:
    cur = p.current if p.current is not None else p.configured  # resource_config=1
    head: Record = {"lpar_name": p.name, "lpar_id": str(p.id)}
    res = cur or _profile_settings(p)
    if not res.shared:
        sharing = res.sharing_mode
        n = (cur.min_procs, cur.desired_procs, cur.max_procs) if cur else (0, 0, 0)
        for side in ("curr", "pend"):
            head.update({f"{side}_proc_mode": "ded", f"{side}_min_procs": str(n[0]),
                         f"{side}_procs": str(n[1]), f"{side}_max_procs": str(n[2]),
                         f"{side}_sharing_mode": sharing})
        head["run_procs"] = str(n[1])
        return head
    if cur is not None:
        pool = cur.shared_proc_pool_id
        pu = (units(cur.min_proc_units), units(cur.desired_proc_units),
              units(cur.max_proc_units))
        vp = (str(cur.min_procs), str(cur.desired_procs), str(cur.max_procs))
        weight = str(cur.uncap_weight)
    else:  # Not Activated: zeros, the modes of the profile it would start with
        pool, pu, vp, weight = 0, ("0.0",) * 3, ("0",) * 3, "0"
    name = frame.pools[pool].name
    for side in ("curr", "pend"):
        head.update({
            f"{side}_shared_proc_pool_id": str(pool), f"{side}_shared_proc_pool_name": name,
            f"{side}_proc_mode": "shared",
            f"{side}_min_proc_units": pu[0], f"{side}_proc_units": pu[1],
            f"{side}_max_proc_units": pu[2], f"{side}_min_procs": vp[0],
            f"{side}_procs": vp[1], f"{side}_max_procs": vp[2],
            f"{side}_sharing_mode": res.sharing_mode, f"{side}_uncap_weight": weight,
        })
    head.update(run_proc_units=pu[1], run_procs=vp[1], run_uncap_weight=weight)
    return head


def mem_lpar(p: Partition) -> Record:
    cur = p.current if p.current is not None else p.configured  # resource_config=1
    m = (str(cur.min_mem), str(cur.desired_mem), str(cur.max_mem)) if cur else ("0",) * 3
    r: Record = {"lpar_name": p.name, "lpar_id": str(p.id), "curr_min_mem": m[0],
                 "curr_mem": m[1], "curr_max_mem": m[2], "pend_min_mem": m[0],
                 "pend_mem": m[1], "pend_max_mem": m[2], "run_min_mem": m[0], "run_mem": m[1]}
    if p.env == "aixlinux":  # the real VIOS records have no huge-page attributes
        r.update(dict.fromkeys(_HUGE, "0"))
    r["mem_mode"] = "ded"
    r["curr_hpt_ratio"] = (cur or _profile_settings(p)).hpt_ratio
    return r


def _remote(frame: Frame, lpar_id: int | None) -> tuple[str, str]:
    if lpar_id is None:
        return "any", ""
    other = frame.partition(lpar_id)
    return str(lpar_id), other.name if other else ""


def eth_record(p: Partition, a: VirtualEth) -> Record:
    r: Record = {"lpar_name": p.name, "lpar_id": str(p.id), "slot_num": str(a.slot),
                 "state": flag(p.active), "is_required": flag(a.required),
                 "is_trunk": flag(a.trunk_priority > 0)}
    if a.trunk_priority:
        r["trunk_priority"] = str(a.trunk_priority)
    r.update(ieee_virtual_eth=flag(a.ieee), port_vlan_id=str(a.pvid), vswitch=a.vswitch,
             addl_vlan_ids=[str(v) for v in a.vlans] or "", mac_addr=a.mac)
    return r


def scsi_record(frame: Frame, p: Partition, a: VirtualScsi) -> Record:
    rid, rname = _remote(frame, a.remote_lpar_id)
    return {"lpar_name": p.name, "lpar_id": str(p.id), "slot_num": str(a.slot),
            "state": flag(p.active), "is_required": flag(a.required), "adapter_type": a.side,
            "remote_lpar_id": rid, "remote_lpar_name": rname,
            "remote_slot_num": "any" if a.remote_slot is None else str(a.remote_slot)}


def fc_record(frame: Frame, p: Partition, a: VirtualFc) -> Record:
    rid, rname = _remote(frame, a.remote_lpar_id)
    r: Record = {"lpar_name": p.name, "lpar_id": str(p.id), "slot_num": str(a.slot),
                 "adapter_type": a.side, "state": flag(p.active),
                 "is_required": flag(a.required), "remote_lpar_id": rid,
                 "remote_lpar_name": rname,
                 "remote_slot_num": "any" if a.remote_slot is None else str(a.remote_slot)}
    if a.wwpns:
        r["wwpns"] = list(a.wwpns)
    return r


def serial_records(p: Partition) -> list[Record]:
    return [{"lpar_name": p.name, "lpar_id": str(p.id), "slot_num": str(slot),
             "state": flag(p.active), "is_required": "1", "connect_status": "unavailable",
             "adapter_type": "server", "supports_hmc": "1", "remote_lpar_id": "any",
             "remote_lpar_name": "", "remote_slot_num": "any"} for slot in (1, 0)]


def slot_record(p: Partition) -> Record:
    pend = _profile_settings(p).max_virtual_slots
    curr = p.current.max_virtual_slots if p.current else pend
    return {"lpar_name": p.name, "lpar_id": str(p.id), "curr_max_virtual_slots": str(curr),
            "pend_max_virtual_slots": str(pend),
            "next_avail_virtual_slot": str(next_free_slot(p))}


def virtualio_records(frame: Frame, parts: list[Partition], subtype: str) -> list[Record]:
    out: list[Record] = []
    for p in sorted(parts, key=lambda q: q.id):
        by_slot = sorted(p.adapters, key=lambda a: a.slot)
        if subtype == "eth":
            out += [eth_record(p, a) for a in by_slot if isinstance(a, VirtualEth)]
        elif subtype == "scsi":
            out += [scsi_record(frame, p, a) for a in reversed(by_slot)
                    if isinstance(a, VirtualScsi)]
        elif subtype == "fc":
            out += [fc_record(frame, p, a) for a in reversed(by_slot)
                    if isinstance(a, VirtualFc)]
        elif subtype == "serial":
            out += serial_records(p)
        else:
            out.append(slot_record(p))
    return out


def vswitch_records(frame: Frame) -> list[Record]:
    vlans: dict[str, set[int]] = {"ETHERNET0": set()}
    for p in frame.partitions:
        for a in p.adapters:
            if isinstance(a, VirtualEth):
                vlans.setdefault(a.vswitch, set()).update((a.pvid, *a.vlans))
    return [{"vswitch": name, "switch_mode": "VEB",
             "vlan_ids": [str(v) for v in sorted(ids)] or "none"}
            for name, ids in sorted(vlans.items())]


# ---------------------------------------------------------------- physical I/O


def io_slot_record(frame: Frame, a: PhysicalAdapter) -> Record:
    unit, _, rest = a.location.partition("-")
    phys = rest.split("-")[-1] if rest else a.location
    vendor, device, pci_class = _PCI[a.kind]
    owner = frame.partition(a.owner) if a.owner is not None else None
    r: Record = {"unit_phys_loc": unit, "bus_id": str(int(a.drc_index[-4:], 16)),
                 "phys_loc": phys, "drc_index": a.drc_index}
    if owner is not None:
        r["lpar_name"] = owner.name
    r.update({
        "lpar_id": str(a.owner) if a.owner is not None else "none", "slot_io_pool_id": "none",
        "description": a.description, "feature_codes": "none", "pci_vendor_id": vendor,
        "pci_device_id": device, "pci_subs_vendor_id": "1014", "pci_subs_device_id": device,
        "pci_class": pci_class, "pci_revision_id": "01", "bus_grouping": "0", "iop": "0",
        "parent_slot_drc_index": "none", "drc_name": a.location, "interposer_present": "0",
        "interposer_pcie": "0",
    })
    return r


# ---------------------------------------------------------------- the command

Handler = Callable[[Ctx, Args], str]


def _procpool(ctx: Ctx, args: Args) -> str:
    f = parse_filter(args.get("--filter"), args.filters)
    return render(procpool_records(ctx, f), args.get("-F"), "--header" in args, PROCPOOL)


def _mempool(ctx: Ctx, args: Args) -> str:
    # Active Memory Sharing is not simulated: no pool exists
    return render([], args.get("-F"), "--header" in args, ("pool_id",))


def _io_slots(ctx: Ctx, args: Args) -> str:
    frame = ctx.frame
    f = parse_filter(args.get("--filter"), args.filters,
                     known_lpars=[p.name for p in frame.partitions])
    records = [io_slot_record(frame, a) for a in frame.io.adapters if a.drc_index]
    records = [r for r in records if f.allows("lpar_ids", str(r["lpar_id"]))
               and f.allows("lpar_names", str(r.get("lpar_name", "")))]
    return render(records, args.get("-F"), "--header" in args, IO_SLOT)


_VIRTUALIO_ATTRS = {"eth": ETH, "scsi": SCSI, "fc": FC, "serial": SERIAL, "slot": SLOT}


def _virtualio(ctx: Ctx, args: Args) -> str:
    frame = ctx.frame
    subtype = args.require("--rsubtype")
    f = parse_filter(args.get("--filter"), args.filters,
                     known_lpars=[p.name for p in frame.partitions])
    parts = [p for p in frame.partitions if f.lpar(p)]
    records = [r for r in virtualio_records(frame, parts, subtype)
               if f.allows("slots", str(r.get("slot_num", ""))) and (
                   not f.has("vlans") or str(r.get("port_vlan_id")) in f.get("vlans"))]
    return render(records, args.get("-F"), "--header" in args, _VIRTUALIO_ATTRS[subtype])


def _vswitch(ctx: Ctx, args: Args) -> str:
    return render(vswitch_records(ctx.frame), args.get("-F"), "--header" in args, VSWITCH)


def _proc_sys(ctx: Ctx, args: Args) -> str:
    return render([proc_sys(ctx)], args.get("-F"), "--header" in args, PROC_SYS)


def _mem_sys(ctx: Ctx, args: Args) -> str:
    return render([mem_sys(ctx)], args.get("-F"), "--header" in args, MEM_SYS)


def _proc_pool(ctx: Ctx, args: Args) -> str:
    return render([proc_pool(ctx)], args.get("-F"), "--header" in args, PROC_POOL)


def _sharedpool(ctx: Ctx, args: Args) -> str:  # the older name of -r procpool
    return render(procpool_records(ctx, Filter()), args.get("-F"), "--header" in args,
                  PROCPOOL)


def _lpars(ctx: Ctx, args: Args) -> list[Partition]:
    """Partitions passing --filter, highest id first as in the captures."""
    f = parse_filter(args.get("--filter"), args.filters,
                     known_lpars=[p.name for p in ctx.frame.partitions])
    return sorted((p for p in ctx.frame.partitions if f.lpar(p)), key=lambda p: -p.id)


def _proc_lpar(ctx: Ctx, args: Args) -> str:
    records = [proc_lpar(ctx.frame, p) for p in _lpars(ctx, args)]
    return render(records, args.get("-F"), "--header" in args, PROC_LPAR)


def _mem_lpar(ctx: Ctx, args: Args) -> str:
    records = [mem_lpar(p) for p in _lpars(ctx, args)]
    return render(records, args.get("-F"), "--header" in args, MEM_LPAR)


# (-r, --level) -> handler; virtual I/O's level says partition adapters or virtual switches.
HANDLERS: dict[tuple[str, str], Handler] = {
    ("proc", "sys"): _proc_sys, ("proc", "lpar"): _proc_lpar, ("proc", "pool"): _proc_pool,
    ("proc", "sharedpool"): _sharedpool,
    ("mem", "sys"): _mem_sys, ("mem", "lpar"): _mem_lpar,
    ("virtualio", "lpar"): _virtualio, ("virtualio", "sys"): _vswitch,
    ("io", ""): _io_slots, ("procpool", ""): _procpool, ("mempool", ""): _mempool,
}

_LISTING = ("-r", "-m", "-F", "--header")
_LPAR_LEVEL = (*_LISTING, "--level", "--filter")
GRAMMAR = Grammar(
    "lshwres", "list processor, memory, virtual I/O and physical I/O resources",
    "Lists the hardware resources of a managed system.",
    (
        Flag("-r", choices=("proc", "mem", "virtualio", "io", "procpool", "mempool"),
             required=True, help="proc, mem, virtualio, io or procpool"),
        SYSTEM,
        Flag("--level", choices=("sys", "lpar", "pool", "sharedpool"),
             help="sys, lpar, pool (physical shared processor\npool) or sharedpool"),
        Flag("--rsubtype", choices=("eth", "scsi", "fc", "serial", "slot", "vswitch"),
             help="eth, scsi, fc, serial, slot (virtual I/O),\n"
                  "vswitch (--level sys), slot (-r io)"),
        replace(FILTER, help="lpar_names, lpar_ids, slots, vlans,\npool_names, pool_ids"),
        FIELDS, HEADER,
    ),
    (
        Variant({"-r": "proc"}, flags=(*_LISTING, "--level", "--filter"),
                required=("--level",)),
        Variant({"-r": "proc", "--level": "sys"}, flags=(*_LISTING, "--level"),
                attributes=PROC_SYS),
        Variant({"-r": "proc", "--level": "lpar"}, attributes=PROC_LPAR,
                filters=LPAR_FILTERS),
        Variant({"-r": "proc", "--level": "pool"}, flags=(*_LISTING, "--level"),
                attributes=PROC_POOL),
        Variant({"-r": "proc", "--level": "sharedpool"}, flags=(*_LISTING, "--level"),
                attributes=PROCPOOL),
        Variant({"-r": "mem"}, flags=(*_LISTING, "--level", "--filter"),
                choices={"--level": ("sys", "lpar")}, required=("--level",)),
        Variant({"-r": "mem", "--level": "sys"}, flags=(*_LISTING, "--level"),
                attributes=MEM_SYS),
        Variant({"-r": "mem", "--level": "lpar"}, attributes=MEM_LPAR, filters=LPAR_FILTERS),
        Variant({"-r": "virtualio"}, flags=(*_LPAR_LEVEL, "--rsubtype"),
                choices={"--level": ("lpar",)}, required=("--rsubtype", "--level")),
        Variant({"-r": "virtualio", "--rsubtype": "vswitch"}, choices={"--level": ("sys",)},
                attributes=VSWITCH),
        *(Variant({"-r": "virtualio", "--rsubtype": sub}, attributes=attrs,
                  filters=(*LPAR_FILTERS, "slots", "vlans") if sub == "eth" else (
                      *LPAR_FILTERS, "slots"))
          for sub, attrs in _VIRTUALIO_ATTRS.items()),
        Variant({"-r": "io"}, flags=(*_LISTING, "--rsubtype", "--filter"),
                choices={"--rsubtype": ("slot",)}, required=("--rsubtype",),
                attributes=IO_SLOT, filters=LPAR_FILTERS),
        Variant({"-r": "procpool"}, flags=(*_LISTING, "--filter"), attributes=PROCPOOL,
                filters=("pool_names", "pool_ids")),
        Variant({"-r": "mempool"}, flags=_LISTING, attributes=("pool_id",)),
    ),
)


def run(ctx: Ctx, args: Args) -> str:
    ctx.system(args)
    return HANDLERS[(args.require("-r"), args.get("--level") or "")](ctx, args)
