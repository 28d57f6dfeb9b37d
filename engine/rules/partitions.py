"""Partitions as a set (count, ids, names) and one partition (profiles, state, workload)."""

from __future__ import annotations

from engine.errors import HmcError
from engine.model import ACTIVE_STATES, RUNNING_STATES, WORKLOAD_KINDS, Frame, Partition
from engine.rules.adapters import _slots, _slots_ok
from engine.rules.common import Problems
from engine.rules.index import FrameIndex
from engine.rules.resources import _resources, _resources_ok
from engine.workload import param_problem


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
        or (p.rmc_state == "active" and state not in RUNNING_STATES)
        or p.workload.kind not in WORKLOAD_KINDS
        or (bool(p.workload.params) and bool(param_problem(p.workload.kind, p.workload.params)))
    ):
        return False
    return _slots_ok(ix, p, max_slots)


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
    if p.rmc_state == "active" and p.state not in RUNNING_STATES:
        yield HmcError(
            "HSCL0A0F", f"{path}.rmc_state", field="rmc_state", value=p.rmc_state,
            reason=f"RMC can only be active while the partition is Running, not {p.state}.",
        )
