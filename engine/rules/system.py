"""System limits and totals: configurable <= installed <= the model's maximum, usage fits."""

from __future__ import annotations

from engine.errors import HmcError
from engine.rules.common import Problems, fmt_pu, pu_le
from engine.rules.index import FrameIndex


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
    """What the hypervisor has handed to active partitions fits in the configurable resources.

    Cores and DIMMs deconfigured by a fault count as configurable here: partitions that
    were running keep what they had (docs/powervm-rules.md section 13); what is free for
    activation and DLPAR is smaller, and those refuse."""
    frame = ix.frame
    s = frame.system
    assigned = frame.assigned_proc_units()
    procs = s.configurable_procs + frame.deconfigured_procs()
    if not pu_le(assigned, procs):
        yield HmcError(
            "HSCL0A11", "system.configurable_procs", what="processing units",
            used=fmt_pu(assigned), available=fmt_pu(procs),
        )
    # The hypervisor's own memory (base + page tables) is charged like a partition's.
    mem = frame.assigned_mem() + frame.firmware_mem()
    mem_limit = s.configurable_mem + frame.deconfigured_mem()
    if mem > mem_limit:
        yield HmcError(
            "HSCL0A11", "system.configurable_mem", what="memory in MB (with hypervisor memory)",
            used=mem, available=mem_limit,
        )
