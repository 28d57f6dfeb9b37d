"""After the frame is built: leave out, one warning each, what a frame rule refuses
(an adapter, a mapping, a SEA, a disk, a port), so real captures import rather than fail.
"""

from __future__ import annotations

import re
from typing import Any

from engine.model import (
    Disk,
    Frame,
    NpivMapping,
    Partition,
    PhysicalAdapter,
    PhysicalPort,
    SharedEthernetAdapter,
    VirtualEth,
    VirtualFc,
    VirtualScsi,
    VscsiMapping,
)
from hmc_tui.hmccli.capture_parse import CaptureError
from hmc_tui.hmccli.importer.reader import Reader

# What the settling pass may leave out when a frame rule refuses it (a path segment).
REMOVABLE = ("adapters", "vscsi_mappings", "npiv_mappings", "seas", "disks", "ports")
_SEGMENT = re.compile(r"(\w+)\[(\d+)\]")


def settle(r: Reader, frame: Frame) -> Frame:
    """Leave out, one warning each, what a frame rule refuses and can be left out (an
    adapter, a mapping, a SEA, a disk, a port); refuse only the rest."""
    from engine.rules import problems  # late, like the store

    for _ in range(10_000):
        found = problems(frame)
        if not found:
            return frame
        err = found[0]
        segments = [(m.group(1), int(m.group(2)), m.end())
                    for m in _SEGMENT.finditer(err.path)]
        cut = next((s for s in reversed(segments) if s[0] in REMOVABLE), None)
        if cut is None:
            raise CaptureError(r.source, None, f"the imported frame breaks a rule at "
                               f"{err.path or 'frame'}: {err}")
        path = err.path[:cut[2]]
        r.warn(f"{_describe(frame, path)} not placed: {err}")
        frame = _without(frame, path)
    raise CaptureError(r.source, None, "the imported frame does not settle")


def _describe(frame: Frame, path: str) -> str:
    """The thing at `path`, named for a warning (partition: adapter in slot N)."""
    data: Any = frame
    words: list[str] = []
    for name, index, _ in ((m.group(1), int(m.group(2)), 0)
                           for m in _SEGMENT.finditer(path)):
        data = getattr(data, name)[index]
        if isinstance(data, Partition):
            words.append(data.name)
        elif isinstance(data, VirtualScsi | VirtualFc | VirtualEth):
            kind = {"scsi": "virtual SCSI", "fc": "virtual fibre channel",
                    "eth": "virtual Ethernet"}[data.type]
            side = f" {data.side}" if not isinstance(data, VirtualEth) else ""
            words.append(f"{kind}{side} adapter in slot {data.slot}")
        elif isinstance(data, VscsiMapping):
            words.append(f"mapping {data.vtd} ({data.backing})")
        elif isinstance(data, NpivMapping):
            words.append(f"NPIV mapping of slot {data.vfchost_slot} to {data.port}")
        elif isinstance(data, SharedEthernetAdapter | Disk | PhysicalPort):
            words.append(data.name)
        elif isinstance(data, PhysicalAdapter):
            words.append(f"adapter {data.location}")
    return ": ".join(words) or path


def warn_off_frame_clients(r: Reader, frame: Frame) -> None:
    """One warning per server adapter whose client partition is not on the frame."""
    ids = {p.id for p in frame.partitions}
    for p in frame.partitions:
        for a in p.adapters:
            if (isinstance(a, VirtualScsi | VirtualFc) and a.side == "server"
                and a.remote_lpar_id is not None and a.remote_lpar_id not in ids):
                kind = "SCSI" if a.type == "scsi" else "fibre channel"
                r.warn(f"{p.name}: virtual {kind} server adapter in slot {a.slot} "
                       f"serves partition {a.remote_lpar_id}, not on this frame: kept "
                       "as it is")


def _without(frame: Frame, path: str) -> Frame:
    """The frame with the item at `path` (`partitions[2].adapters[4]`) left out."""
    data = frame.model_dump()
    segments = [(m.group(1), int(m.group(2))) for m in _SEGMENT.finditer(path)]
    holder: Any = data
    for name in path.split(".")[:-1]:
        key, _, index = name.partition("[")
        holder = holder[key][int(index[:-1])] if index else holder[key]
    last, k = segments[-1]
    items = list(holder[last])
    del items[k]
    holder[last] = items
    return Frame.model_validate(data)
