"""Stable UUIDs for the REST API's objects.

A real HMC gives every object a UUID that survives restarts; scripts keep them. Ours are
derived (uuid5) from the managed system's MTMS and each object's id, so they are the same
at every start without being written anywhere; a system or partition whose frame file has a
`uuid` (one imported from a real HMC) keeps that one instead.
"""

from __future__ import annotations

import socket
import threading
import uuid

from engine.model import Frame, ManagedSystem, Partition, Profile

# Our own namespace: uuid5 of the project name under the URL namespace.
NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "https://github.com/hmc-tui/hmc-tui/rest")


def _derive(*parts: object) -> str:
    return str(uuid.uuid5(NAMESPACE, "/".join(str(p) for p in parts)))


def mtms(system: ManagedSystem) -> str:
    return f"{system.mtm}*{system.serial}"


def system_uuid(system: ManagedSystem) -> str:
    return system.uuid or _derive("sys", mtms(system))


def partition_uuid(system: ManagedSystem, lpar: Partition) -> str:
    # The HMC writes partition UUIDs in upper case (pypowervm's recorded lpar.txt).
    return (lpar.uuid or _derive("lpar", mtms(system), lpar.id)).upper()


def profile_uuid(system: ManagedSystem, lpar: Partition, profile: Profile) -> str:
    return _derive("prof", mtms(system), lpar.id, profile.name)


def pool_uuid(system: ManagedSystem, pool_id: int) -> str:
    return _derive("pool", mtms(system), pool_id)


def vswitch_uuid(system: ManagedSystem, name: str) -> str:
    return _derive("vswitch", mtms(system), name)


def vnet_uuid(system: ManagedSystem, vswitch: str, vlan: int) -> str:
    return _derive("vnet", mtms(system), vswitch, vlan)


def volume_group_uuid(system: ManagedSystem, lpar: Partition, name: str) -> str:
    return _derive("vg", mtms(system), lpar.id, name)


def console_uuid() -> str:
    return _derive("hmc", socket.gethostname())


def job_uuid(job_id: int) -> str:
    return _derive("job", job_id)


_INDEX_LOCK = threading.Lock()
_INDEX_SIZE = 16  # frames whose index is kept: every managed system's current one
_INDEX: list[tuple[Frame, dict[str, Partition]]] = []


def partition_index(frame: Frame) -> dict[str, Partition]:
    """UUID (upper case) -> partition, built once per frame (frames are immutable): a read
    of one partition of 1000 otherwise derives 1000 UUIDs to find it. One per managed
    system is kept, so reads that alternate between systems do not rebuild them."""
    with _INDEX_LOCK:
        for i, (cached, index) in enumerate(_INDEX):
            if cached is frame:
                if i:
                    _INDEX.insert(0, _INDEX.pop(i))
                return index
        index = {partition_uuid(frame.system, p): p for p in frame.partitions}
        _INDEX.insert(0, (frame, index))
        del _INDEX[_INDEX_SIZE:]
        return index
