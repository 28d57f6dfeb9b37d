"""The public checks: the whole frame, and each rule group on its own.

Each public `check_*` builds a `FrameIndex` and raises the first error of its group(s);
`_frame` fixes the order in which `check_frame` and `problems` meet the groups.
"""

from __future__ import annotations

from collections.abc import Iterable

from engine.errors import HmcError
from engine.model import Frame, Partition, Resources
from engine.rules.adapters import _adapters, _addresses, _slots
from engine.rules.common import Problems, raise_first
from engine.rules.index import FrameIndex
from engine.rules.names import _names, _texts
from engine.rules.partitions import _partition, _partition_ok, _partition_set
from engine.rules.physical_io import _io
from engine.rules.pools import _pools
from engine.rules.resources import Limits, _resources, _resources_ok
from engine.rules.system import _system, _usage
from engine.rules.vios import _sea_failover, _vios


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


def check_names(frame: Frame) -> None:
    """Names of the system, partitions, profiles, pools and virtual switches (HSCL0A16)."""
    raise_first(_names(FrameIndex.build(frame)))


def check_texts(frame: Frame) -> None:
    """No control character in any text of the frame (HSCL0A17)."""
    raise_first(_texts(FrameIndex.build(frame)))


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
    yield from _names(ix)
    yield from _texts(ix)
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
