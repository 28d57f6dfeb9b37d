"""Which managed system a REST URL names. The HMC serves every system it manages:
`/ManagedSystem/{uuid}/...` names one by its UUID, and the root-level
`/LogicalPartition/{uuid}` and `/VirtualIOServer/{uuid}` find the partition on whichever
system holds it (partition UUIDs derive from the system's MTMS, so they are unique).
Operations for a system carry `system=` its MTMS when there are several; with one system
they carry "" as before (the op log and one-system replays stay as they were)."""

from __future__ import annotations

from engine.model import Frame, Partition
from engine.snapshot import Snapshot
from hmc_tui.rest import uuids


def by_uuid(snap: Snapshot, text: str) -> Frame | None:
    """The managed system whose UUID is `text` (any case)."""
    want = text.lower()
    return next((f for f in snap.frames if uuids.system_uuid(f.system).lower() == want), None)


def partition(snap: Snapshot, text: str, vios: bool | None = None,
              frame: Frame | None = None) -> tuple[Frame, Partition] | None:
    """The partition with UUID `text` (of the kind asked when `vios` is given) and its
    system: only on `frame` when given, else on whichever system holds it."""
    for f in (frame,) if frame is not None else snap.frames:
        p = uuids.partition_index(f).get(text.upper())
        if p is not None and vios in (None, p.is_vios):
            return f, p
    return None


def key(snap: Snapshot, frame: Frame) -> str:
    """What an operation on `frame` names as its `system`: "" when it is the only one."""
    return frame.mtms if snap.several else ""
