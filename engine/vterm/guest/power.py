"""The OS shutting its own partition down (AIX shutdown, Linux poweroff, IBM i PWRDWNSYS):
one engine operation, applied as the partition's OS (engine.roles.os_actor)."""

from __future__ import annotations

from engine.model import Partition
from engine.ops.base import Operation
from engine.ops.console import OsShutdown


def os_shutdown(p: Partition, restart: bool, immediate: bool) -> Operation:
    return OsShutdown(lpar=p.name, restart=restart, immediate=immediate)
