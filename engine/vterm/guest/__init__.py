"""The OS inside a partition: `program_for(p)` gives the program the console runs once the
firmware hands over to the OS (docs/guest-os.md): AIX, Linux, a VIOS's padmin shell, or
IBM i, chosen as the engine's lifecycle chooses the boot sequence (engine.lifecycle)."""

from __future__ import annotations

from engine.lifecycle import os_family
from engine.model import Partition
from engine.vterm.program import Program


def program_for(p: Partition) -> Program:
    from engine.vterm.guest import aix, ibmi, linux, padmin  # late: they import the ops

    family = os_family(p)
    if family == "vios":
        return padmin.program()
    if family == "ibmi":
        return ibmi.program()
    if family == "linux":
        return linux.program()
    return aix.program()
