"""Shared processor pools: DefaultPool untouched, unique names, max covers what is used."""

from __future__ import annotations

from engine.errors import HmcError
from engine.rules.common import Problems, fmt_pu, pu_le, pu_step_ok
from engine.rules.index import FrameIndex


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
                needed=fmt_pu(needed),
            )
