"""Every configuration rule of a frame, in one place.

`engine.model` only knows the type and range of single values. Everything that spans fields
or objects lives here: min <= desired <= max triples, PU/VP ratios, virtual slots, client and
server adapters pointing at each other, VIOS mappings, SEAs, pools and system totals
(docs/powervm-rules.md sections 1-5).

The store calls `check_frame` after loading a file; the operations engine calls it on every
changed frame and reuses the finer `check_*` functions to refuse a command early with the
HMC's code. Every error is an `HmcError` whose `path` names the offending field in the frame
file's terms (`partitions[3].profiles[0].desired_proc_units`, `pools[1].max_proc_units`),
indices being positions in the frame's tuples (pools: position == pool id).

Implementation: each rule group is a generator of `HmcError`s over a `FrameIndex` built once
per call (dicts by partition id, slot, port and disk name), so a 1000-partition frame is
checked in linear time. `check_frame` stops at the first error; `problems` collects all.
Within one group (say, the memory triple of a profile) only the first error is reported, so
one bad value does not produce a cascade of consequential errors.

Speed: check_frame runs on every operation. The detailed generators build paths and
messages, so each hot group also has a boolean fast path (`_resources_ok`, `_partition_ok`,
`_vscsi_ok`, `_npiv_ok`, the index's bulk pairing and address sets) that proves the common
all-good case with few allocations; the detailed check runs only where it says no. A fast
path may only skip work: the tests run every case with the fast paths disabled and compare.
benchmarks/bench_rules.py prints the figure for a 1000-partition frame.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from engine.errors import HmcError
from engine.hardware import HardwareModel
from engine.model import (
    ACTIVE_STATES,
    DEDICATED_MODES,
    POOL_COUNT,
    RESERVED_SLOTS,
    SHARED_MODES,
    WORKLOAD_KINDS,
    Disk,
    Frame,
    Partition,
    PhysicalAdapter,
    PhysicalPort,
    Resources,
    SharedEthernetAdapter,
    VirtualEth,
    VirtualFc,
    VirtualScsi,
)
from engine.workload import param_problem

__all__ = [
    "MIN_MEM_MB",
    "FrameIndex",
    "Limits",
    "check_adapters",
    "check_frame",
    "check_io",
    "check_partition",
    "check_partitions",
    "check_pools",
    "check_resources",
    "check_sea_failover",
    "check_system",
    "check_totals",
    "check_vios",
    "hundredths",
    "is_multiple_of_lmb",
    "min_proc_units",
    "partition_path",
    "problems",
    "pu_le",
    "pu_step_ok",
    "raise_first",
]

Adapter = VirtualScsi | VirtualFc | VirtualEth
# (server partition id, server slot, "scsi"/"fc", client partition id, client slot)
AdapterRef = tuple[int | None, int | None, str, int | None, int | None]
Problems = Iterator[HmcError]

# Processing units are floats in the file. They are checked to lie on a 0.01 step with this
# tolerance, then compared as exact integer hundredths (0.05 * 3 = 0.15000000000000002 would
# otherwise refuse 0.15 for 3 VPs); sums of units are compared with it directly.
EPS = 1e-6
MIN_MEM_MB = 256  # smallest partition memory we accept (the brief; pypowervm says 128)
MAX_WEIGHT = 255
MIN_VIRTUAL_SLOTS = 2  # slots 0 and 1 are the virtual serial adapters (pypowervm: 2-65534)
VIOS_KIND = "Virtual I/O Server"

MEM_FIELDS = ("min_mem", "desired_mem", "max_mem")
UNIT_FIELDS = ("min_proc_units", "desired_proc_units", "max_proc_units")
PROC_FIELDS = ("min_procs", "desired_procs", "max_procs")

# fullmatch patterns; the _LIST forms check a comma-joined list in one C call.
_WWPN = re.compile(r"[0-9A-Fa-f]{16}")
_MAC = re.compile(r"[0-9A-Fa-f]{12}")
_WWPN_LIST = re.compile(r"[0-9A-Fa-f]{16}(?:,[0-9A-Fa-f]{16})*")
_MAC_LIST = re.compile(r"[0-9A-Fa-f]{12}(?:,[0-9A-Fa-f]{12})*")


# ---------------------------------------------------------------- small pure helpers


def is_multiple_of_lmb(mb: int, lmb: int) -> bool:
    """Memory is handed out in logical memory blocks: every value is a whole number of LMBs."""
    return mb % lmb == 0


def hundredths(units: float) -> int | None:
    """`units` as a whole number of 0.01 PU, or None when it is not on a 0.01 step.

    Binary floats are never exact (0.1 + 0.2 = 0.30000000000000004), so the step is checked
    with a tolerance far below 0.01 and every later comparison is done on exact integers.
    """
    scaled = units * 100
    whole = round(scaled)
    return whole if abs(scaled - whole) < EPS * 100 else None


def pu_step_ok(units: float) -> bool:
    """Processing units step by 0.01; tolerant of binary float error (0.1 + 0.2 is fine)."""
    return hundredths(units) is not None


def pu_le(a: float, b: float) -> bool:
    """a <= b for processing units (sums of floats), tolerant of float error."""
    return a <= b + EPS


def min_proc_units(procs: int, hw: HardwareModel) -> float:
    """The smallest entitlement `procs` virtual processors may have (3 VPs x 0.05 = 0.15)."""
    return round(procs * hw.min_proc_units_per_vp, 2)


def partition_path(frame: Frame, lpar_id: int) -> str:
    """`partitions[i]` for the partition with this id (position in the frame's tuple)."""
    for i, p in enumerate(frame.partitions):
        if p.id == lpar_id:
            return f"partitions[{i}]"
    raise KeyError(lpar_id)


def raise_first(found: Iterable[HmcError]) -> None:
    """Raise the first error of `found`, if any, without computing the rest."""
    for err in found:
        raise err


def _fmt_pu(units: float) -> str:
    return f"{units:.2f}"


# ---------------------------------------------------------------- the per-call index


@dataclass(slots=True)
class FrameIndex:
    """Lookups built once per check so no rule needs a nested scan.

    Duplicate ids, slots, port or disk names are reported by their own rules; the index keeps
    the first occurrence so the other rules still have something sensible to look at.

    Speed: the same pass gathers every client/server adapter pair and every WWPN and MAC as
    plain tuples and strings, which set operations then compare in bulk. Partitions whose
    adapters all pair up exactly are skipped by the detailed (error-naming) adapter check;
    the others are `suspects`.
    """

    frame: Frame
    hw: HardwareModel
    by_id: dict[int, Partition]
    pos: dict[int, int]  # partition id -> position in frame.partitions
    slots: dict[int, dict[int, Adapter]]  # partition id -> virtual slot -> adapter
    hosts: dict[str, dict[int, set[int]]]  # "scsi"/"fc" -> partition id -> server slots
    ports: dict[int, dict[str, tuple[PhysicalAdapter, PhysicalPort]]]  # owner -> port name
    disks: dict[int, dict[str, Disk]]  # VIOS id -> device name -> disk
    pool_ec: dict[int, float]  # pool id -> entitlement of its active members
    limits: Limits
    suspects: set[int] | None  # ids needing the detailed adapter check; None = every one
    addresses_unique: bool  # every WWPN and MAC well formed and unique

    @classmethod
    def build(cls, frame: Frame) -> FrameIndex:
        by_id: dict[int, Partition] = {}
        pos: dict[int, int] = {}
        slots: dict[int, dict[int, Adapter]] = {}
        pool_ec: dict[int, float] = {}
        # Client adapters as the server tuple each needs, server adapters of VIOS as they are:
        # (server id, server slot, kind, client id, client slot), None = "any".
        wanted: list[AdapterRef] = []
        offered: list[AdapterRef] = []
        suspects: set[int] | None = set()
        duplicate_ids = False
        # server adapter slots: {"scsi": {VIOS id: vhost slots}, "fc": {VIOS id: vfchost slots}}
        hosts: dict[str, dict[int, set[int]]] = {"scsi": {}, "fc": {}}
        vwwpns: list[str] = []  # of client vFC adapters
        macs: list[str] = []
        for i, p in enumerate(frame.partitions):
            pid = p.id
            if pid in by_id:
                duplicate_ids = True  # pairs and addresses are ambiguous: check everything
                suspects = None
                continue
            by_id[pid] = p
            pos[pid] = i
            table: dict[int, Adapter] = {}
            vios = p.env == "vioserver"
            for a in p.adapters:
                slot = a.slot
                if isinstance(a, VirtualEth):
                    if a.mac:
                        macs.append(a.mac)
                    if slot in table:
                        if suspects is not None:
                            suspects.add(pid)
                    else:
                        table[slot] = a
                    continue
                side = a.side
                wrong = side == "server" and not vios  # a server outside a VIOS
                if isinstance(a, VirtualFc):
                    kind = "fc"
                    if side == "server":
                        wrong = wrong or a.wwpns is not None  # servers carry no WWPNs
                    elif a.wwpns is None:
                        wrong = True
                    else:
                        vwwpns.extend(a.wwpns)
                else:
                    kind = "scsi"
                duplicate = slot in table  # reported by _slots; pairs use the first one
                if (wrong or duplicate) and suspects is not None:
                    suspects.add(pid)
                if duplicate:
                    continue
                table[slot] = a
                rid, rslot = a.remote_lpar_id, a.remote_slot
                if side == "client":
                    # Written as the server tuple it needs: (VIOS, slot, kind, me, my slot).
                    wanted.append((rid, rslot, kind, pid, slot))
                    continue
                if vios:
                    offered.append((pid, slot, kind, rid, rslot))
                served = hosts[kind].get(pid)
                if served is None:
                    served = hosts[kind][pid] = set()
                served.add(slot)
            slots[pid] = table
            cur = p.current
            if cur is not None and cur.proc_mode == "shared":
                pool = cur.shared_proc_pool_id
                pool_ec[pool] = pool_ec.get(pool, 0.0) + (cur.desired_proc_units or 0.0)
        if vwwpns and not _WWPN_LIST.fullmatch(",".join(vwwpns)):
            suspects = None  # a malformed WWPN somewhere: let the detailed check find it
        wwpns = list(vwwpns)
        ports: dict[int, dict[str, tuple[PhysicalAdapter, PhysicalPort]]] = {}
        for ad in frame.io.adapters:
            for port in ad.ports:
                if port.wwpn:
                    wwpns.append(port.wwpn)
                if port.mac:
                    macs.append(port.mac)
            if ad.owner is None:
                continue
            named = ports.setdefault(ad.owner, {})
            for port in ad.ports:
                named.setdefault(port.name, (ad, port))
        disks: dict[int, dict[str, Disk]] = {}
        for d in frame.io.disks:
            for owner in d.owners:
                disks.setdefault(owner, {}).setdefault(d.name, d)
        if suspects is not None:
            _pair_suspects(wanted, offered, suspects)
        hw = frame.hardware
        return cls(
            frame, hw, by_id, pos, slots, hosts, ports, disks, pool_ec, Limits.of(frame, hw),
            suspects,
            not duplicate_ids
            and _all_unique(wwpns, _WWPN_LIST, str.lower)
            and _all_unique(macs, _MAC_LIST, str.upper),
        )

    def adapters_clean(self, p: Partition) -> bool:
        """True when the bulk pass proved every vSCSI / vFC adapter of `p` right."""
        return (
            self.suspects is not None
            and p.id not in self.suspects
            and self.by_id.get(p.id) is p
        )

    def path(self, p: Partition) -> str:
        i = self.pos.get(p.id)
        if i is None or self.frame.partitions[i] is not p:
            # A duplicate id, or a partition not (yet) in the frame: find it by identity.
            i = next((k for k, q in enumerate(self.frame.partitions) if q is p), None)
            if i is None:
                raise ValueError(f"partition {p.name} is not in the frame; pass its path")
        return f"partitions[{i}]"

    def pool_entitled(self, pool_id: int) -> float:
        """Same figure as Frame.pool_entitled, without a scan per pool."""
        ec = self.pool_ec.get(pool_id, 0.0)
        return round(ec + self.frame.pools[pool_id].reserved_proc_units, 2)


def _pair_suspects(
    wanted: list[AdapterRef], offered: list[AdapterRef], suspects: set[int]
) -> None:
    """Add to `suspects` every partition with an adapter that does not pair up exactly.

    Both lists hold (server id, server slot, kind, client id, client slot). A client is
    proven right by a VIOS server offering exactly its tuple, or the same with the client
    id and/or slot left open (None); a server naming its client and slot by a client
    wanting exactly its tuple. Exact pairs are found by set differences in C; only the rest
    is looked at one by one. Anything unproven goes to the detailed check, which has the
    final word.
    """
    want, offer = set(wanted), set(offered)
    for v, vs, t, c, cs in want - offer:
        if v is None or vs is None or (
            (v, vs, t, None, None) not in offer
            and (v, vs, t, c, None) not in offer
            and (v, vs, t, None, cs) not in offer
        ):
            suspects.add(c)
    unmatched = offer - want
    if not unmatched:
        return
    targets: set[tuple[int | None, int | None, str, int | None]] | None = None
    for v, vs, t, c, cs in unmatched:
        if c is None:
            continue  # serves any partition: nothing to prove
        if cs is not None:
            suspects.add(v)
            continue
        # Names the client partition only: proven by any of its adapters pointing here.
        if targets is None:
            targets = {(sv, svs, st, sc) for sv, svs, st, sc, _ in want}
        if (v, vs, t, c) not in targets:
            suspects.add(v)


def _all_unique(values: list[str], form: re.Pattern[str], norm: Callable[[str], str]) -> bool:
    """All values well formed and distinct after `norm`, checked in C over one joined string."""
    if not values:
        return True
    joined = ",".join(values)
    if not form.fullmatch(joined):
        return False
    keys = norm(joined).split(",")
    return len(set(keys)) == len(keys)


# ---------------------------------------------------------------- public API


def problems(frame: Frame) -> list[HmcError]:
    """Every problem of the frame, in the order `check_frame` would meet them."""
    return list(_frame(FrameIndex.build(frame)))


def check_frame(frame: Frame) -> None:
    """Raise the first `HmcError` of the frame (store on load, ops engine on every change)."""
    raise_first(_frame(FrameIndex.build(frame)))


def check_resources(res: Resources, frame: Frame, path: str, lpar_id: int) -> None:
    """One profile, or the current configuration of an active partition, at `path`."""
    lim = Limits.of(frame, frame.hardware)
    if not _resources_ok(res, lim):
        raise_first(_resources(res, lim, frame, path, lpar_id))


def check_partition(frame: Frame, p: Partition, path: str | None = None) -> None:
    """One partition: profiles, state, slots, its adapter pairs (both ways) and VIOS setup.

    `p` must be in `frame` (check the frame with the change applied); `path` defaults to its
    position. Frame-wide rules (unique names/ids/WWPNs, pools, totals) are not included.
    """
    ix = FrameIndex.build(frame)
    where = path if path is not None else ix.path(p)
    raise_first(_one_partition(ix, p, where))


def check_partitions(frame: Frame) -> None:
    """Partition count, ids and names across the frame."""
    raise_first(_partition_set(FrameIndex.build(frame)))


def check_adapters(frame: Frame) -> None:
    """Virtual adapters of every partition, client/server pairs, unique WWPNs and MACs."""
    ix = FrameIndex.build(frame)
    raise_first(_all_adapters(ix))


def check_vios(frame: Frame, p: Partition, path: str | None = None) -> None:
    """vSCSI and NPIV mappings and SEAs of one partition (only a VIOS may have any)."""
    ix = FrameIndex.build(frame)
    raise_first(_vios(ix, p, path if path is not None else ix.path(p)))


def check_sea_failover(frame: Frame) -> None:
    """No two SEAs bridge the same VLAN with the same trunk priority (two primaries)."""
    raise_first(_sea_failover(FrameIndex.build(frame)))


def check_pools(frame: Frame) -> None:
    """DefaultPool untouched, unique names, every pool's max covers entitlement + reserve."""
    raise_first(_pools(FrameIndex.build(frame)))


def check_system(frame: Frame) -> None:
    """Configurable <= installed <= the hardware model's maximum (cores and memory)."""
    raise_first(_system(FrameIndex.build(frame)))


def check_totals(frame: Frame) -> None:
    """System limits, and what the active partitions hold fits in the configurable resources."""
    ix = FrameIndex.build(frame)
    raise_first(_chain(_system(ix), _usage(ix)))


def check_io(frame: Frame) -> None:
    """Physical adapters (owners, DRC indexes, ports) and VIOS-visible disks."""
    raise_first(_io(FrameIndex.build(frame)))


# ---------------------------------------------------------------- the whole frame


def _chain(*groups: Iterable[HmcError]) -> Problems:
    for group in groups:
        yield from group


def _frame(ix: FrameIndex) -> Problems:
    # Order: what other rules rely on comes first (system, identities, physical I/O), then
    # each partition, then frame-wide uniqueness and capacity.
    yield from _system(ix)
    yield from _partition_set(ix)
    yield from _io(ix)
    for i, p in enumerate(ix.frame.partitions):
        yield from _one_partition(ix, p, f"partitions[{i}]")
    yield from _addresses(ix)
    yield from _sea_failover(ix)
    yield from _pools(ix)
    yield from _usage(ix)


def _one_partition(ix: FrameIndex, p: Partition, path: str) -> Problems:
    # Each detailed (error-naming) check runs only when its bulk fast path could not prove
    # the partition right: on a valid frame almost nothing below the `if`s executes.
    if not _partition_ok(ix, p):
        yield from _partition(ix, p, path)
    if not ix.adapters_clean(p):
        yield from _adapters(ix, p, path)
    if p.is_vios or p.vscsi_mappings or p.npiv_mappings or p.seas:
        yield from _vios(ix, p, path)


def _all_adapters(ix: FrameIndex) -> Problems:
    for i, p in enumerate(ix.frame.partitions):
        path = f"partitions[{i}]"
        yield from _slots(ix, p, path)
        yield from _adapters(ix, p, path)
    yield from _addresses(ix)


# ---------------------------------------------------------------- system and totals


def _system(ix: FrameIndex) -> Problems:
    s, hw = ix.frame.system, ix.hw
    if s.configurable_procs > s.installed_procs:
        yield HmcError(
            "HSCL0A01", "system.configurable_procs", field="configurable_procs", low=1,
            high=s.installed_procs, value=s.configurable_procs,
        )
    if s.installed_procs > hw.max_cores:
        yield HmcError(
            "HSCL0A01", "system.installed_procs", field="installed_procs", low=1,
            high=hw.max_cores, value=s.installed_procs,
        )
    if s.configurable_mem > s.installed_mem:
        yield HmcError(
            "HSCL0A01", "system.configurable_mem", field="configurable_mem", low=1024,
            high=s.installed_mem, value=s.configurable_mem,
        )
    if s.installed_mem > hw.max_memory_mb:
        yield HmcError(
            "HSCL0A01", "system.installed_mem", field="installed_mem", low=1024,
            high=hw.max_memory_mb, value=s.installed_mem,
        )


def _usage(ix: FrameIndex) -> Problems:
    """What the hypervisor has handed to active partitions fits in the configurable resources."""
    frame = ix.frame
    s = frame.system
    assigned = frame.assigned_proc_units()
    if not pu_le(assigned, s.configurable_procs):
        yield HmcError(
            "HSCL0A11", "system.configurable_procs", what="processing units",
            used=_fmt_pu(assigned), available=_fmt_pu(s.configurable_procs),
        )
    # The hypervisor's own memory (base + page tables) is charged like a partition's.
    mem = frame.assigned_mem() + frame.firmware_mem()
    if mem > s.configurable_mem:
        yield HmcError(
            "HSCL0A11", "system.configurable_mem", what="memory in MB (with hypervisor memory)",
            used=mem, available=s.configurable_mem,
        )


# ---------------------------------------------------------------- partitions as a set


def _partition_set(ix: FrameIndex) -> Problems:
    parts, hw = ix.frame.partitions, ix.hw
    if len(parts) > hw.max_lpars:
        yield HmcError("HSCL0A0A", "partitions", max=hw.max_lpars)
    elif (
        len(ix.by_id) == len(parts)  # ids unique
        and (not parts or (min(ix.by_id) >= 1 and max(ix.by_id) <= hw.max_lpars))
        and len({p.name for p in parts}) == len(parts)
    ):
        return  # the common all-good case, in C
    ids: dict[int, str] = {}
    names: dict[str, int] = {}
    for i, p in enumerate(parts):
        if not 1 <= p.id <= hw.max_lpars:
            yield HmcError("HSCL0A10", f"partitions[{i}].id", id=p.id, max=hw.max_lpars)
        if p.id in ids:
            yield HmcError(
                "HSCL0A06", f"partitions[{i}].id", what="partition ID", value=p.id,
                owner=ids[p.id],
            )
        else:
            ids[p.id] = p.name
        if p.name in names:
            yield HmcError(
                "HSCL0A06", f"partitions[{i}].name", what="partition name", value=p.name,
                owner=f"partition {names[p.name]}",
            )
        else:
            names[p.name] = p.id


# ---------------------------------------------------------------- one partition


def _partition(ix: FrameIndex, p: Partition, path: str) -> Problems:
    frame, hw, lim = ix.frame, ix.hw, ix.limits
    if p.env == "os400" and not hw.os400_capable:
        yield HmcError("HSCL0A0E", f"{path}.env", env=p.env, mtm=hw.mtm)

    names: set[str] = set()
    for j, prof in enumerate(p.profiles):
        if prof.name in names:
            yield HmcError(
                "HSCL0A06", f"{path}.profiles[{j}].name", what="profile name", value=prof.name,
                owner=f"another profile of {p.name}",
            )
        names.add(prof.name)
    if p.default_profile not in names:
        yield HmcError("HSCL8013", f"{path}.default_profile", name=p.default_profile, lpar=p.name)
    if p.curr_profile and p.curr_profile not in names:
        yield HmcError("HSCL8013", f"{path}.curr_profile", name=p.curr_profile, lpar=p.name)

    for j, prof in enumerate(p.profiles):
        if not _resources_ok(prof, lim):
            yield from _resources(prof, lim, frame, f"{path}.profiles[{j}]", p.id)

    yield from _state(frame, p, path)
    cur = p.current
    if cur is not None and not _resources_ok(cur, lim):
        yield from _resources(cur, lim, frame, f"{path}.current", p.id)

    if p.workload.kind not in WORKLOAD_KINDS:
        yield HmcError(
            "HSCL0A0F", f"{path}.workload.kind", field="workload.kind", value=p.workload.kind,
            reason=f"the workload kinds are {', '.join(WORKLOAD_KINDS)}.",
        )
    elif problem := param_problem(p.workload.kind, p.workload.params):
        yield HmcError("HSCL0A0F", f"{path}.workload.params", field="workload.params",
                       value=dict(p.workload.params), reason=problem + ".")
    yield from _slots(ix, p, path)


def _partition_ok(ix: FrameIndex, p: Partition) -> bool:
    """Every rule of `_partition` at once, for the common all-good case (speed only).

    Must never accept what `_partition` refuses; tests run every case both ways.
    """
    profiles = p.profiles
    names = {q.name for q in profiles}
    if len(names) != len(profiles) or p.default_profile not in names:
        return False
    if (p.curr_profile and p.curr_profile not in names) or (
        p.env == "os400" and not ix.hw.os400_capable
    ):
        return False
    lim = ix.limits
    for q in profiles:
        if not _resources_ok(q, lim):
            return False
    state, cur = p.state, p.current
    if cur is None:
        if state in ACTIVE_STATES:
            return False
        max_slots = next(q for q in profiles if q.name == p.default_profile).max_virtual_slots
    else:
        if state not in ACTIVE_STATES or not _resources_ok(cur, lim):
            return False
        max_slots = cur.max_virtual_slots
    if (
        (state != "Not Activated" and ix.frame.system.state == "Power Off")
        or (p.rmc_state == "active" and state != "Running")
        or p.workload.kind not in WORKLOAD_KINDS
        or (bool(p.workload.params) and bool(param_problem(p.workload.kind, p.workload.params)))
    ):
        return False
    return _slots_ok(ix, p, max_slots)


def _slots_ok(ix: FrameIndex, p: Partition, max_slots: int) -> bool:
    if not p.adapters:
        return True
    table = ix.slots.get(p.id)
    return (
        table is not None
        and ix.by_id[p.id] is p
        and len(table) == len(p.adapters)  # the index drops duplicate slots
        and min(table) > RESERVED_SLOTS[-1]
        and max(table) < max_slots
    )


def _state(frame: Frame, p: Partition, path: str) -> Problems:
    active = p.state in ACTIVE_STATES
    if active and p.current is None:
        yield HmcError(
            "HSCL0A0F", f"{path}.current", field="current", value="None",
            reason=f"partition {p.name} is {p.state} and must have a current configuration.",
        )
    elif not active and p.current is not None:
        yield HmcError(
            "HSCL0A0F", f"{path}.current", field="current", value="set",
            reason=f"partition {p.name} is {p.state} and holds no resources.",
        )
    if frame.system.state == "Power Off" and p.state != "Not Activated":
        yield HmcError(
            "HSCL0A0F", f"{path}.state", field="state", value=p.state,
            reason="every partition is Not Activated while the managed system is powered off.",
        )
    if p.rmc_state == "active" and p.state != "Running":
        yield HmcError(
            "HSCL0A0F", f"{path}.rmc_state", field="rmc_state", value=p.rmc_state,
            reason=f"RMC can only be active while the partition is Running, not {p.state}.",
        )


# ---------------------------------------------------------------- resources (profile / current)


@dataclass(frozen=True, slots=True)
class Limits:
    """What a profile or current configuration is checked against, computed once per check."""

    lmb: int  # system.mem_region_size
    mem_floor: int  # smallest min_mem
    mem_ceiling: int  # system.configurable_mem
    cores: int  # system.configurable_procs (dedicated desired/max)
    per_vp: int  # hw.min_proc_units_per_vp in hundredths (5 = 0.05)
    max_vps: int
    max_slots: int
    active_pools: frozenset[int]  # non-default pools with max_proc_units > 0

    @classmethod
    def of(cls, frame: Frame, hw: HardwareModel) -> Limits:
        s = frame.system
        return cls(
            lmb=s.mem_region_size,
            mem_floor=max(MIN_MEM_MB, s.mem_region_size),
            mem_ceiling=s.configurable_mem,
            cores=s.configurable_procs,
            per_vp=round(hw.min_proc_units_per_vp * 100),
            max_vps=hw.max_vps_per_lpar,
            max_slots=hw.max_virtual_slots,
            active_pools=frozenset(
                pool.id for pool in frame.pools if not pool.is_default and pool.max_proc_units > 0
            ),
        )


def _resources_ok(res: Resources, lim: Limits) -> bool:
    """Every rule of `_resources` at once, for the common all-good case (speed only).

    Must never accept what `_resources` refuses; when it says no, `_resources` finds the
    first problem and names it.
    """
    lmb = lim.lmb
    lo, want, hi = res.min_mem, res.desired_mem, res.max_mem
    if lo % lmb or want % lmb or hi % lmb:
        return False
    if not lim.mem_floor <= lo <= want <= hi <= lim.mem_ceiling:
        return False
    if not (MIN_VIRTUAL_SLOTS <= res.max_virtual_slots <= lim.max_slots
            and 0 <= res.uncap_weight <= MAX_WEIGHT):
        return False
    p0, p1, p2 = res.min_procs, res.desired_procs, res.max_procs
    u0, u1, u2 = res.min_proc_units, res.desired_proc_units, res.max_proc_units
    pool = res.shared_proc_pool_id
    if res.proc_mode != "shared":
        return (
            u0 is None and u1 is None and u2 is None
            and res.sharing_mode in DEDICATED_MODES
            and p0 <= p1 <= p2 <= lim.cores
            and 0 <= pool < POOL_COUNT
        )
    if res.sharing_mode not in SHARED_MODES or not p0 <= p1 <= p2 <= lim.max_vps:
        return False
    if pool != 0 and pool not in lim.active_pools:
        return False
    if u0 is None or u1 is None or u2 is None:
        return False
    # hundredths() inlined: this runs for every profile of every partition.
    s0, s1, s2 = u0 * 100, u1 * 100, u2 * 100
    h0, h1, h2 = round(s0), round(s1), round(s2)
    tol = EPS * 100
    if abs(s0 - h0) >= tol or abs(s1 - h1) >= tol or abs(s2 - h2) >= tol:
        return False
    per_vp = lim.per_vp
    return (
        h0 <= h1 <= h2
        and per_vp * p0 <= h0 <= 100 * p0
        and per_vp * p1 <= h1 <= 100 * p1
        and per_vp * p2 <= h2 <= 100 * p2
    )


def _resources(res: Resources, lim: Limits, frame: Frame, path: str, lpar_id: int) -> Problems:
    """At most one problem per group: memory, processors, sharing and pool, slots."""
    err = _memory(res, lim, path)
    if err is not None:
        yield err
    err = _processors(res, lim, path)
    if err is not None:
        yield err
    err = _sharing(res, lim, frame, path, lpar_id)
    if err is not None:
        yield err
    if not MIN_VIRTUAL_SLOTS <= res.max_virtual_slots <= lim.max_slots:
        yield HmcError(
            "HSCL0A01", f"{path}.max_virtual_slots", field="max_virtual_slots",
            low=MIN_VIRTUAL_SLOTS, high=lim.max_slots, value=res.max_virtual_slots,
        )


def _memory(res: Resources, lim: Limits, path: str) -> HmcError | None:
    lmb = lim.lmb
    values = (res.min_mem, res.desired_mem, res.max_mem)
    for name, mb in zip(MEM_FIELDS, values, strict=True):
        if mb % lmb:
            return HmcError("HSCL0A03", f"{path}.{name}", field=name, value=mb, lmb=lmb)
    lo, want, hi = values
    if not lo <= want <= hi:
        # Reported at desired_*: the triple is out of order, desired is its middle.
        return HmcError(
            "HSCL0A02", f"{path}.desired_mem", what="memory", min=lo, desired=want, max=hi
        )
    if lo < lim.mem_floor:
        return HmcError(
            "HSCL0A01", f"{path}.min_mem", field="min_mem", low=lim.mem_floor,
            high=lim.mem_ceiling, value=lo,
        )
    if hi > lim.mem_ceiling:
        return HmcError(
            "HSCL0A01", f"{path}.max_mem", field="max_mem", low=lim.mem_floor,
            high=lim.mem_ceiling, value=hi,
        )
    return None


def _processors(res: Resources, lim: Limits, path: str) -> HmcError | None:
    units = (res.min_proc_units, res.desired_proc_units, res.max_proc_units)
    procs = (res.min_procs, res.desired_procs, res.max_procs)
    if res.proc_mode == "shared":
        given = [u for u in units if u is not None]
        if len(given) < len(units):
            name = UNIT_FIELDS[units.index(None)]
            return HmcError(
                "HSCL0A0F", f"{path}.{name}", field=name, value="None",
                reason="processing units are required when proc_mode is shared.",
            )
        steps: list[int] = []
        for name, u in zip(UNIT_FIELDS, given, strict=True):
            h = hundredths(u)
            if h is None:
                return HmcError("HSCL0A04", f"{path}.{name}", field=name, value=u)
            steps.append(h)
        if not steps[0] <= steps[1] <= steps[2]:
            return HmcError(
                "HSCL0A02", f"{path}.desired_proc_units", what="processing units",
                min=given[0], desired=given[1], max=given[2],
            )
        if not procs[0] <= procs[1] <= procs[2]:
            return HmcError(
                "HSCL0A02", f"{path}.desired_procs", what="virtual processors",
                min=procs[0], desired=procs[1], max=procs[2],
            )
        for name, u, h, n in zip(UNIT_FIELDS, given, steps, procs, strict=True):
            if not lim.per_vp * n <= h <= 100 * n:
                return HmcError(
                    "HSCL0A05", f"{path}.{name}", field=name, value=u,
                    low=_fmt_pu(lim.per_vp * n / 100), high=_fmt_pu(n), procs=n,
                    min_per_vp=lim.per_vp / 100,
                )
        for name, n in zip(PROC_FIELDS, procs, strict=True):
            if n > lim.max_vps:
                return HmcError(
                    "HSCL0A01", f"{path}.{name}", field=name, low=1, high=lim.max_vps, value=n
                )
        return None
    # Dedicated: whole cores, no entitlement of their own.
    for name, u in zip(UNIT_FIELDS, units, strict=True):
        if u is not None:
            return HmcError(
                "HSCL0A0F", f"{path}.{name}", field=name, value=u,
                reason="processing units apply only when proc_mode is shared.",
            )
    if not procs[0] <= procs[1] <= procs[2]:
        return HmcError(
            "HSCL0A02", f"{path}.desired_procs", what="processors",
            min=procs[0], desired=procs[1], max=procs[2],
        )
    for name, n in zip(PROC_FIELDS[1:], procs[1:], strict=True):
        if n > lim.cores:
            return HmcError(
                "HSCL0A01", f"{path}.{name}", field=name, low=1, high=lim.cores, value=n
            )
    return None


def _sharing(
    res: Resources, lim: Limits, frame: Frame, path: str, lpar_id: int
) -> HmcError | None:
    shared = res.proc_mode == "shared"
    allowed = SHARED_MODES if shared else DEDICATED_MODES
    if res.sharing_mode not in allowed:
        return HmcError(
            "HSCL0A0F", f"{path}.sharing_mode", field="sharing_mode", value=res.sharing_mode,
            reason=f"with proc_mode {res.proc_mode} it must be one of {', '.join(allowed)}.",
        )
    if not 0 <= res.uncap_weight <= MAX_WEIGHT:
        return HmcError(
            "HSCL0A01", f"{path}.uncap_weight", field="uncap_weight", low=0, high=MAX_WEIGHT,
            value=res.uncap_weight,
        )
    pool_id = res.shared_proc_pool_id
    if not 0 <= pool_id < POOL_COUNT:
        return HmcError("HSCL0A0B", f"{path}.shared_proc_pool_id", id=pool_id)
    # A dedicated partition's pool id is meaningless (the HMC ignores it): only shared ones
    # must sit in an active pool.
    if shared and pool_id != 0 and pool_id not in lim.active_pools:
        pool = frame.pools[pool_id]
        return HmcError(
            "HSCL0A0F", f"{path}.shared_proc_pool_id", field="shared_proc_pool_id",
            value=pool_id,
            reason=f"shared processor pool {pool.name} is not active (its maximum "
            f"processing units is 0); partition {lpar_id} cannot use it.",
        )
    return None


# ---------------------------------------------------------------- virtual adapters


def _slots(ix: FrameIndex, p: Partition, path: str) -> Problems:
    """Slots are unique, never 0/1, and below max_virtual_slots of what applies now."""
    max_slots = p.settings().max_virtual_slots
    if _slots_ok(ix, p, max_slots):
        return
    seen: set[int] = set()
    for j, a in enumerate(p.adapters):
        where = f"{path}.adapters[{j}].slot"
        if a.slot in RESERVED_SLOTS:
            yield HmcError("HSCL0A07", where, slot=a.slot)
        elif a.slot in seen:
            yield HmcError(
                "HSCL0A06", where, what="virtual slot", value=a.slot,
                owner=f"another adapter of {p.name}",
            )
        elif a.slot >= max_slots:
            yield HmcError("HSCL0A08", where, slot=a.slot, max_slots=max_slots, lpar=p.name)
        seen.add(a.slot)


def _adapters(ix: FrameIndex, p: Partition, path: str) -> Problems:
    """Client and server vSCSI / vFC adapters of `p` find their partner, both ways."""
    if ix.adapters_clean(p):
        return
    for j, a in enumerate(p.adapters):
        if not isinstance(a, VirtualScsi | VirtualFc):
            continue
        if a.side == "server":
            err = _server_adapter(ix, p, a, path, j)
        else:
            err = _client_adapter(ix, p, a, path, j)
        if err is not None:
            yield err
        if isinstance(a, VirtualFc):
            err = _wwpn_pair(a, path, j)
            if err is not None:
                yield err


def _client_adapter(
    ix: FrameIndex, p: Partition, a: VirtualScsi | VirtualFc, path: str, j: int
) -> HmcError | None:
    rid, rslot = a.remote_lpar_id, a.remote_slot
    if rid is None or rslot is None:
        field = "remote_lpar_id" if rid is None else "remote_slot"
        return HmcError(
            "HSCL0A0F", f"{path}.adapters[{j}].{field}", field=field, value="None",
            reason="a client adapter must name its server partition and slot.",
        )
    server = ix.by_id.get(rid)
    if server is None or not server.is_vios:
        field = "remote_lpar_id"
    else:
        peer = ix.slots[rid].get(rslot)
        if (
            isinstance(peer, VirtualScsi | VirtualFc)
            and peer.type == a.type
            and peer.side == "server"
            # The server may serve any partition / slot (None) or exactly this one.
            and peer.remote_lpar_id in (None, p.id)
            and peer.remote_slot in (None, a.slot)
        ):
            return None
        field = "remote_slot"
    return HmcError(
        "HSCL0A09", f"{path}.adapters[{j}].{field}", side="client", slot=a.slot, lpar=p.name,
        remote_id=rid, remote_slot=rslot, other="server",
    )


def _server_adapter(
    ix: FrameIndex, p: Partition, a: VirtualScsi | VirtualFc, path: str, j: int
) -> HmcError | None:
    if not p.is_vios:
        return HmcError(
            "HSCL0B09", f"{path}.adapters[{j}].side", kind=VIOS_KIND, name=p.name, env=p.env
        )
    rid, rslot = a.remote_lpar_id, a.remote_slot
    if rid is None:
        return None  # serves any partition

    def points_back(c: Adapter | None) -> bool:
        return (
            isinstance(c, VirtualScsi | VirtualFc)
            and c.type == a.type
            and c.side == "client"
            and c.remote_lpar_id == p.id
            and c.remote_slot == a.slot
        )

    client = ix.by_id.get(rid)
    if client is None:
        field = "remote_lpar_id"
    elif rslot is None:
        # Names the client partition but not its slot: any of its adapters may point here.
        if any(points_back(c) for c in client.adapters):
            return None
        field = "remote_lpar_id"
    elif points_back(ix.slots[rid].get(rslot)):
        return None
    else:
        field = "remote_slot"
    return HmcError(
        "HSCL0A09", f"{path}.adapters[{j}].{field}", side="server", slot=a.slot, lpar=p.name,
        remote_id=rid, remote_slot="any" if rslot is None else rslot, other="client",
    )


def _wwpn_pair(a: VirtualFc, path: str, j: int) -> HmcError | None:
    where = f"{path}.adapters[{j}].wwpns"
    if a.side == "server":
        if a.wwpns is None:
            return None
        return HmcError(
            "HSCL0A0F", where, field="wwpns", value=",".join(a.wwpns),
            reason="only client virtual Fibre Channel adapters have WWPNs.",
        )
    if a.wwpns is None:
        return HmcError(
            "HSCL0A0F", where, field="wwpns", value="None",
            reason="a client virtual Fibre Channel adapter needs a pair of WWPNs.",
        )
    for w in a.wwpns:
        if not _WWPN.fullmatch(w):
            return HmcError(
                "HSCL0A0F", where, field="wwpns", value=w,
                reason="a WWPN is 16 hexadecimal digits.",
            )
    return None


def _addresses(ix: FrameIndex) -> Problems:
    """WWPNs (physical ports and client vFC pairs) and MACs are unique across the frame.

    Malformed addresses are reported by their own rules and skipped here. The first holder
    of an address is remembered as positions; its description is only built for an error.
    """
    if ix.addresses_unique:
        return
    frame = ix.frame
    wwpns: dict[str, tuple[int, int, int]] = {}  # (0, adapter, port) or (1, partition, adapter)
    macs: dict[str, tuple[int, int, int]] = {}

    def holder(ref: tuple[int, int, int]) -> str:
        kind, a, b = ref
        if kind == 0:
            return f"physical port {frame.io.adapters[a].ports[b].location}"
        owner = frame.partitions[a]
        return f"slot {owner.adapters[b].slot} of partition {owner.name}"

    for k, ad in enumerate(frame.io.adapters):
        for m, port in enumerate(ad.ports):
            if port.wwpn and _WWPN.fullmatch(port.wwpn):
                key = port.wwpn.lower()
                if key in wwpns:
                    yield HmcError(
                        "HSCL0A06", f"io.adapters[{k}].ports[{m}].wwpn", what="WWPN",
                        value=key, owner=holder(wwpns[key]),
                    )
                else:
                    wwpns[key] = (0, k, m)
            if port.mac and _MAC.fullmatch(port.mac):
                key = port.mac.upper()
                if key in macs:
                    yield HmcError(
                        "HSCL0A06", f"io.adapters[{k}].ports[{m}].mac", what="MAC address",
                        value=key, owner=holder(macs[key]),
                    )
                else:
                    macs[key] = (0, k, m)
    match = _WWPN.fullmatch
    for i, p in enumerate(frame.partitions):
        for j, a in enumerate(p.adapters):
            if isinstance(a, VirtualEth):
                mac = a.mac
                if not mac:
                    continue
                if mac in macs:  # the model keeps virtual MACs upper case
                    yield HmcError(
                        "HSCL0A06", f"partitions[{i}].adapters[{j}].mac", what="MAC address",
                        value=mac, owner=holder(macs[mac]),
                    )
                else:
                    macs[mac] = (1, i, j)
            elif isinstance(a, VirtualFc) and a.wwpns is not None and a.side == "client":
                for w in a.wwpns:
                    if not match(w):
                        continue
                    key = w.lower()
                    if key in wwpns:
                        yield HmcError(
                            "HSCL0A06", f"partitions[{i}].adapters[{j}].wwpns", what="WWPN",
                            value=key, owner=holder(wwpns[key]),
                        )
                    else:
                        wwpns[key] = (1, i, j)


# ---------------------------------------------------------------- VIOS: mappings and SEAs


def _vios(ix: FrameIndex, p: Partition, path: str) -> Problems:
    if not p.is_vios:
        if not (p.vscsi_mappings or p.npiv_mappings or p.seas):
            return
        for field in ("vscsi_mappings", "npiv_mappings", "seas"):
            if getattr(p, field):
                yield HmcError(
                    "HSCL0B09", f"{path}.{field}", kind=VIOS_KIND, name=p.name, env=p.env
                )
        return
    if p.vscsi_mappings and not _vscsi_ok(ix, p):
        yield from _vscsi_mappings(ix, p, path)
    if p.npiv_mappings and not _npiv_ok(ix, p):
        yield from _npiv_mappings(ix, p, path)
    yield from _seas(ix, p, path)


def _vscsi_ok(ix: FrameIndex, p: Partition) -> bool:
    """All of `_vscsi_mappings` at once with set operations, for the all-good case (speed)."""
    maps = p.vscsi_mappings
    n = len(maps)
    vhosts = [m.vhost_slot for m in maps]
    backing = {m.backing for m in maps}
    return (
        len(backing) == n  # nothing mapped twice (files may be, but then take the long way)
        and backing <= ix.disks.get(p.id, {}).keys()
        and len({m.vtd for m in maps}) == n
        and len(set(zip(vhosts, [m.lun for m in maps], strict=True))) == n
        and set(vhosts) <= ix.hosts["scsi"].get(p.id, set())
    )


def _npiv_ok(ix: FrameIndex, p: Partition) -> bool:
    """All of `_npiv_mappings` at once, for the all-good case (speed)."""
    maps = p.npiv_mappings
    hosts = {m.vfchost_slot for m in maps}
    if len(hosts) != len(maps) or not hosts <= ix.hosts["fc"].get(p.id, set()):
        return False
    owned = ix.ports.get(p.id, {})
    for name, used in Counter(m.port for m in maps).items():
        found = owned.get(name)
        if found is None or found[0].kind != "fc" or not found[1].npiv:
            return False
        if used > found[1].max_npiv:
            return False
    return True


def _vscsi_mappings(ix: FrameIndex, p: Partition, path: str) -> Problems:
    slots = ix.slots.get(p.id, {})
    disks = ix.disks.get(p.id, {})
    vtds: set[str] = set()
    mapped: dict[str, str] = {}  # backing device -> VTD that maps it
    luns: set[tuple[int, int]] = set()  # (vhost slot, lun)
    for k, m in enumerate(p.vscsi_mappings):
        where = f"{path}.vscsi_mappings[{k}]"
        vhost = slots.get(m.vhost_slot)
        if vhost is None:
            yield HmcError("HSCL8016", f"{where}.vhost_slot", slot=m.vhost_slot, lpar=p.name)
        elif not (isinstance(vhost, VirtualScsi) and vhost.side == "server"):
            yield HmcError(
                "HSCL0A0F", f"{where}.vhost_slot", field="vhost_slot", value=m.vhost_slot,
                reason=f"slot {m.vhost_slot} of {p.name} is not a server virtual SCSI adapter.",
            )
        if m.vtd in vtds:
            yield HmcError(
                "HSCL0A06", f"{where}.vtd", what="virtual target device name", value=m.vtd,
                owner=f"another mapping of {p.name}",
            )
        vtds.add(m.vtd)
        if (m.vhost_slot, m.lun) in luns:
            yield HmcError(
                "HSCL0A06", f"{where}.lun", what="LUN", value=m.lun,
                owner=f"another mapping of slot {m.vhost_slot} of {p.name}",
            )
        luns.add((m.vhost_slot, m.lun))
        disk = disks.get(m.backing)
        if disk is None:
            yield HmcError("HSCL8017", f"{where}.backing", name=m.backing, lpar=p.name)
        elif m.backing in mapped and disk.kind != "file":
            # A file (ISO image) can be loaded read-only into several virtual optical devices;
            # a disk or logical volume mapped twice would be written by two clients.
            yield HmcError(
                "HSCL0A12", f"{where}.backing", device=m.backing, vtd=mapped[m.backing],
                lpar=p.name,
            )
        else:
            mapped.setdefault(m.backing, m.vtd)


def _npiv_mappings(ix: FrameIndex, p: Partition, path: str) -> Problems:
    slots = ix.slots.get(p.id, {})
    ports = ix.ports.get(p.id, {})
    hosts: set[int] = set()
    per_port: dict[str, int] = {}
    for k, m in enumerate(p.npiv_mappings):
        where = f"{path}.npiv_mappings[{k}]"
        host = slots.get(m.vfchost_slot)
        if host is None:
            yield HmcError("HSCL8016", f"{where}.vfchost_slot", slot=m.vfchost_slot, lpar=p.name)
        elif not (isinstance(host, VirtualFc) and host.side == "server"):
            yield HmcError(
                "HSCL0A0F", f"{where}.vfchost_slot", field="vfchost_slot",
                value=m.vfchost_slot,
                reason=f"slot {m.vfchost_slot} of {p.name} is not a server virtual Fibre "
                "Channel adapter.",
            )
        elif m.vfchost_slot in hosts:
            yield HmcError(
                "HSCL0A06", f"{where}.vfchost_slot", what="vfchost slot", value=m.vfchost_slot,
                owner=f"another NPIV mapping of {p.name}",
            )
        hosts.add(m.vfchost_slot)
        found = ports.get(m.port)
        if found is None or found[0].kind != "fc":
            yield HmcError("HSCL8017", f"{where}.port", name=m.port, lpar=p.name)
            continue
        port = found[1]
        used = per_port.get(m.port, 0) + 1
        per_port[m.port] = used
        if not port.npiv or used > port.max_npiv:
            yield HmcError("HSCL0A14", f"{where}.port", port=m.port, lpar=p.name)


def _seas(ix: FrameIndex, p: Partition, path: str) -> Problems:
    slots = ix.slots.get(p.id, {})
    ports = ix.ports.get(p.id, {})
    names: set[str] = set()
    physicals: dict[str, str] = {}  # physical port -> SEA using it
    trunks: dict[int, str] = {}  # trunk slot -> SEA bridging it
    for k, sea in enumerate(p.seas):
        where = f"{path}.seas[{k}]"

        def bad(field: str, reason: str, sea: SharedEthernetAdapter = sea, where: str = where
                ) -> HmcError:
            return HmcError("HSCL0A13", f"{where}.{field}", name=sea.name, reason=reason)

        if sea.name in names:
            yield HmcError(
                "HSCL0A06", f"{where}.name", what="shared Ethernet adapter name",
                value=sea.name, owner=f"another shared Ethernet adapter of {p.name}",
            )
        names.add(sea.name)

        found = ports.get(sea.physical)
        if found is None or found[0].kind != "eth":
            yield bad("physical", f"{sea.physical} is not a physical Ethernet port of {p.name}.")
        elif sea.physical in physicals:
            yield bad("physical", f"{sea.physical} is already used by {physicals[sea.physical]}.")
        else:
            physicals[sea.physical] = sea.name

        bridged: set[int] = set()
        if not sea.trunk_slots:
            yield bad("trunk_slots", "it needs at least one trunk virtual Ethernet adapter.")
        for m, slot in enumerate(sea.trunk_slots):
            a = slots.get(slot)
            if not isinstance(a, VirtualEth) or a.trunk_priority == 0:
                yield bad(
                    f"trunk_slots[{m}]",
                    f"slot {slot} of {p.name} is not a trunk virtual Ethernet adapter "
                    "(trunk_priority 1-15).",
                )
                continue
            if slot in trunks:
                yield bad(f"trunk_slots[{m}]", f"slot {slot} is already bridged by {trunks[slot]}.")
                continue
            trunks[slot] = sea.name
            bridged.add(a.pvid)
            bridged.update(a.vlans)
        if sea.default_slot not in sea.trunk_slots:
            yield bad("default_slot", f"slot {sea.default_slot} is not one of its trunk adapters.")

        if sea.ctl_chan_slot is not None:
            ctl = slots.get(sea.ctl_chan_slot)
            if not isinstance(ctl, VirtualEth) or ctl.trunk_priority != 0:
                yield bad(
                    "ctl_chan_slot",
                    f"slot {sea.ctl_chan_slot} of {p.name} is not a non-trunk virtual Ethernet "
                    "adapter.",
                )
            elif ctl.pvid in bridged:
                yield bad(
                    "ctl_chan_slot",
                    f"the control channel's VLAN {ctl.pvid} is bridged by the adapter itself.",
                )


def _sea_failover(ix: FrameIndex) -> Problems:
    """Two SEAs bridging one VLAN with equal trunk priority are both primary: a bridge loop."""
    # (vswitch, vlan, trunk priority) -> description of the first SEA trunk claiming it
    claimed: dict[tuple[str, int, int], tuple[tuple[int, int], str]] = {}
    counted: set[tuple[int, int]] = set()  # (VIOS id, trunk slot) already looked at
    for i, p in enumerate(ix.frame.partitions):
        if not p.is_vios or not p.seas:
            continue
        slots = ix.slots.get(p.id, {})
        for k, sea in enumerate(p.seas):
            for m, slot in enumerate(sea.trunk_slots):
                a = slots.get(slot)
                if not isinstance(a, VirtualEth) or a.trunk_priority == 0:
                    continue  # reported by _seas
                if (p.id, slot) in counted:
                    continue  # one trunk in two SEAs of one VIOS: reported by _seas
                counted.add((p.id, slot))
                for vlan in (a.pvid, *a.vlans):
                    key = (a.vswitch, vlan, a.trunk_priority)
                    prior = claimed.get(key)
                    me = ((p.id, k), f"{sea.name} of {p.name}")
                    if prior is None:
                        claimed[key] = me
                        continue
                    if prior[0] == me[0]:
                        continue  # the same SEA listing a VLAN twice is harmless
                    yield HmcError(
                        "HSCL0A13", f"partitions[{i}].seas[{k}].trunk_slots[{m}]",
                        name=sea.name,
                        reason=f"VLAN {vlan} on {a.vswitch} is also bridged by {prior[1]} with "
                        f"trunk priority {a.trunk_priority}: two primary adapters would cause "
                        "a broadcast storm.",
                    )
                    break  # one report per trunk adapter is enough


# ---------------------------------------------------------------- pools


def _pools(ix: FrameIndex) -> Problems:
    pools = ix.frame.pools
    default = pools[0]
    if default.name != "DefaultPool":
        yield HmcError("HSCL0A0C", "pools[0].name")
    if default.max_proc_units != 0:
        yield HmcError("HSCL0A0C", "pools[0].max_proc_units")
    if default.reserved_proc_units != 0:
        yield HmcError("HSCL0A0C", "pools[0].reserved_proc_units")
    names: dict[str, int] = {}
    for i, pool in enumerate(pools):
        if pool.name in names:
            yield HmcError(
                "HSCL0A06", f"pools[{i}].name", what="shared processor pool name",
                value=pool.name, owner=f"pool {names[pool.name]}",
            )
        else:
            names[pool.name] = pool.id
        if pool.is_default:
            continue
        if not pu_step_ok(pool.reserved_proc_units):
            yield HmcError(
                "HSCL0A04", f"pools[{i}].reserved_proc_units", field="reserved_proc_units",
                value=pool.reserved_proc_units,
            )
            continue
        needed = ix.pool_entitled(pool.id)
        if not pu_le(needed, pool.max_proc_units):
            # A reserve on an inactive pool without members: the reserve is what is wrong.
            field = (
                "reserved_proc_units"
                if pool.max_proc_units == 0 and pool.id not in ix.pool_ec
                else "max_proc_units"
            )
            yield HmcError(
                "HSCL0A0D", f"pools[{i}].{field}", name=pool.name, max=pool.max_proc_units,
                needed=_fmt_pu(needed),
            )


# ---------------------------------------------------------------- physical I/O


def _io(ix: FrameIndex) -> Problems:
    io = ix.frame.io
    drcs: dict[str, str] = {}
    port_names: dict[tuple[int, str], str] = {}  # (owner, port name) -> location
    for k, ad in enumerate(io.adapters):
        where = f"io.adapters[{k}]"
        if ad.drc_index in drcs:
            yield HmcError(
                "HSCL0A06", f"{where}.drc_index", what="DRC index", value=ad.drc_index,
                owner=f"the adapter at {drcs[ad.drc_index]}",
            )
        else:
            drcs[ad.drc_index] = ad.location
        if ad.owner is not None and ad.owner not in ix.by_id:
            yield HmcError(
                "HSCL0A0F", f"{where}.owner", field="owner", value=ad.owner,
                reason=f"there is no partition with ID {ad.owner}.",
            )
        for m, port in enumerate(ad.ports):
            pw = f"{where}.ports[{m}]"
            if ad.owner is not None:
                key = (ad.owner, port.name)
                if key in port_names:
                    yield HmcError(
                        "HSCL0A06", f"{pw}.name", what="device name", value=port.name,
                        owner=f"the port at {port_names[key]}",
                    )
                else:
                    port_names[key] = port.location
            # Empty = not modelled; a value must be a real address.
            if port.wwpn and not _WWPN.fullmatch(port.wwpn):
                yield HmcError(
                    "HSCL0A0F", f"{pw}.wwpn", field="wwpn", value=port.wwpn,
                    reason="a WWPN is 16 hexadecimal digits.",
                )
            if port.mac and not _MAC.fullmatch(port.mac):
                yield HmcError(
                    "HSCL0A0F", f"{pw}.mac", field="mac", value=port.mac,
                    reason="a MAC address is 12 hexadecimal digits.",
                )
    seen: set[tuple[int, str]] = set()
    vios_ids = {pid for pid, p in ix.by_id.items() if p.is_vios}
    for k, d in enumerate(io.disks):
        for owner in d.owners:
            if owner not in vios_ids:
                p = ix.by_id.get(owner)
                if p is None:
                    yield HmcError(
                        "HSCL0A0F", f"io.disks[{k}].owners", field="owners", value=owner,
                        reason=f"there is no partition with ID {owner}.",
                    )
                else:
                    yield HmcError("HSCL0B09", f"io.disks[{k}].owners", kind=VIOS_KIND,
                                   name=p.name, env=p.env)
            key = (owner, d.name)
            if key in seen:
                yield HmcError(
                    "HSCL0A06", f"io.disks[{k}].name", what="device name", value=d.name,
                    owner=f"another device of partition {owner}",
                )
            seen.add(key)
