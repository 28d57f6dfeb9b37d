"""One profile or current configuration: memory, processors, sharing and pool, slots."""

from __future__ import annotations

from dataclasses import dataclass

from engine.errors import HmcError
from engine.hardware import HardwareModel
from engine.model import DEDICATED_MODES, POOL_COUNT, SHARED_MODES, Frame, Resources
from engine.rules.common import (
    EPS,
    MAX_WEIGHT,
    MEM_FIELDS,
    MIN_MEM_MB,
    MIN_VIRTUAL_SLOTS,
    PROC_FIELDS,
    UNIT_FIELDS,
    Problems,
    fmt_pu,
    hundredths,
)


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
        # A profile stays valid while cores or DIMMs are deconfigured (faults): it is checked
        # against the figures without them; activation checks what is free now.
        procs = s.configurable_procs + frame.deconfigured_procs()
        return cls(
            lmb=s.mem_region_size,
            mem_floor=max(MIN_MEM_MB, s.mem_region_size),
            mem_ceiling=s.configurable_mem + frame.deconfigured_mem(),
            # The HMC's max_procs_per_lpar, where a capture stated it, caps dedicated cores.
            cores=min(procs, s.max_procs_per_lpar or procs),
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


def pu_step_error(field: str, value: float, path: str = "") -> HmcError | None:
    """HSCL0A04 when `value` processing units are not whole hundredths, else None.

    The one rule for every way units arrive (a profile, a partition's current settings, a
    DLPAR amount): the hypervisor grants entitlement in 0.01 processing units, so a finer
    amount cannot be granted and must be refused, not rounded (docs/powervm-rules.md).
    """
    if hundredths(value) is None:
        return HmcError("HSCL0A04", path, field=field, value=value)
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
                return pu_step_error(name, u, f"{path}.{name}")
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
                    low=fmt_pu(lim.per_vp * n / 100), high=fmt_pu(n), procs=n,
                    min_per_vp=lim.per_vp / 100,
                )
        for name, n in zip(PROC_FIELDS, procs, strict=True):
            if n > lim.max_vps:
                return HmcError(
                    "HSCL0A01", f"{path}.{name}", field=name, low=1, high=lim.max_vps, value=n
                )
        return None
    # Dedicated: whole cores, no entitlement of their own.
    for name, given_units in zip(UNIT_FIELDS, units, strict=True):
        if given_units is not None:
            return HmcError(
                "HSCL0A0F", f"{path}.{name}", field=name, value=given_units,
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
