"""Constants, types and small pure helpers shared by every rule group.

Processing units are floats in the file. They are checked to lie on a 0.01 step with a
tolerance (`EPS`), then compared as exact integer hundredths (0.05 * 3 = 0.15000000000000002
would otherwise refuse 0.15 for 3 VPs); sums of units are compared with it directly.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from engine.errors import HmcError
from engine.hardware import HardwareModel
from engine.model import Frame, VirtualEth, VirtualFc, VirtualScsi

Adapter = VirtualScsi | VirtualFc | VirtualEth
Problems = Iterator[HmcError]

EPS = 1e-6
MIN_MEM_MB = 256  # smallest partition memory we accept (the brief; pypowervm says 128)
MAX_WEIGHT = 255
MIN_VIRTUAL_SLOTS = 2  # slots 0 and 1 are the virtual serial adapters (pypowervm: 2-65534)
VIOS_KIND = "Virtual I/O Server"

MEM_FIELDS = ("min_mem", "desired_mem", "max_mem")
UNIT_FIELDS = ("min_proc_units", "desired_proc_units", "max_proc_units")
PROC_FIELDS = ("min_procs", "desired_procs", "max_procs")

# fullmatch patterns; the *_LIST forms check a comma-joined list in one C call.
WWPN = re.compile(r"[0-9A-Fa-f]{16}")
MAC = re.compile(r"[0-9A-Fa-f]{12}")
WWPN_LIST = re.compile(r"[0-9A-Fa-f]{16}(?:,[0-9A-Fa-f]{16})*")
MAC_LIST = re.compile(r"[0-9A-Fa-f]{12}(?:,[0-9A-Fa-f]{12})*")


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


def fmt_pu(units: float) -> str:
    return f"{units:.2f}"
