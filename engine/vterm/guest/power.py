"""The OS shutting its own partition down (AIX shutdown, Linux poweroff, IBM i PWRDWNSYS):
one engine operation, applied as the partition's OS (engine.roles.os_actor)."""

from __future__ import annotations

from engine.model import Partition
from engine.ops.base import Operation
from engine.ops.power import ShutdownPartition


def os_shutdown(p: Partition, restart: bool, immediate: bool) -> Operation:
    return ShutdownPartition(lpar=p.name, option="immediate" if immediate else "delayed",
                             restart=restart)
