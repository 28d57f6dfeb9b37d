"""What the workload faults do to a partition's OS: a memory leak paging, a noisy neighbour.

Pure functions of the frame and the engine time (no stored figures), read by the
dispatcher glue (engine/cpu.py: extra CPU demand) and the guest commands (vmstat, lparstat).
Rules and figures: docs/powervm-rules.md section 13 ("Workload faults"); all **ours**.

memleak: from the injection, a process's computational memory grows by `rate` MB per engine
minute on top of the OS's usual COMP_BASE share of its memory. Once it no longer fits in
memory the OS pages: it pages out what the leak adds each second (the leak rate) and pages in
part of it again (the working set thrashes, in proportion to the overcommitment); the
paging costs CPU (PAGING_CPU of the partition's virtual processors at full overcommitment)
and shows as I/O wait.
noisy: an uncapped partition's demand jumps to all its virtual processors (engine/cpu.py
pins it, as for a runaway process); the dispatcher then gives its pool's spare capacity by
uncapped weight (section 6), so its neighbours keep their entitlement but lose their share.
"""

from __future__ import annotations

from dataclasses import dataclass

from engine.model import Fault, Frame, Partition

COMP_BASE = 0.40  # computational memory of a healthy OS: share of its memory (vmstat avm)
MIN_FREE = 0.02  # the free list the OS keeps (minfree) while it pages: share of memory
PAGING_CPU = 0.5  # share of the VPs the paging costs at full overcommitment
PAGES_PER_MB = 256  # 4 KB pages
DEFAULT_LEAK_MB_PER_MIN = 512  # memleak's rate when none is given
# Kinds whose demand is every virtual processor while the OS is up (engine/cpu.py).
PINNED = ("runaway", "noisy")


@dataclass(frozen=True)
class Memory:
    """One partition's memory as its OS sees it now (MB, pages per second)."""

    size: int  # MB the partition has
    comp: float  # computational memory (MB): what its processes use
    free: float  # MB on the free list
    page_in: float  # pages/s paged in from paging space
    page_out: float  # pages/s paged out to paging space
    overcommit: float  # (comp - size) / size, 0 while it fits

    @property
    def paging_cpu(self) -> float:
        """Share of the VPs spent paging (0..PAGING_CPU)."""
        return PAGING_CPU * min(self.overcommit, 1.0)


def leak_of(frame: Frame, p: Partition) -> Fault | None:
    return next((f for f in frame.faults if f.kind == "memleak" and f.target == p.name), None)


def memory(frame: Frame, p: Partition, now: float) -> Memory:
    """The partition's memory now; its memory is its current (or configured) desired_mem."""
    r = p.current if p.current is not None else p.settings()
    size = r.desired_mem
    comp = COMP_BASE * size
    leak = leak_of(frame, p)
    rate = 0.0
    if leak is not None and p.active:
        rate = leak.amount / 60.0  # MB per second
        comp += rate * max(now - leak.since, 0.0)
    over = max(comp - size, 0.0) / size if size else 0.0
    free = max(size - comp, MIN_FREE * size)
    page_out = rate * PAGES_PER_MB if over > 0 else 0.0
    page_in = page_out * min(over, 1.0)
    return Memory(size=size, comp=comp, free=free, page_in=page_in, page_out=page_out,
                  overcommit=over)


def leaking(frame: Frame) -> list[tuple[int, Fault]]:
    """(row in frame.partitions, fault) of every memory leak."""
    by_name = {f.target: f for f in frame.faults if f.kind == "memleak"}
    return [(i, by_name[p.name]) for i, p in enumerate(frame.partitions) if p.name in by_name]


__all__ = ["COMP_BASE", "DEFAULT_LEAK_MB_PER_MIN", "PAGING_CPU", "PINNED", "Memory",
           "leak_of", "leaking", "memory"]
