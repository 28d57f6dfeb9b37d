"""`:lpar NAME`: find a partition on any managed system of the console.

The name matches exactly, else case-insensitively, else as a unique case-insensitive prefix
(the first rule that matches anything decides). A name on several systems (two systems
with a partition of that name, or a migrating partition and its shell on the target) is
ambiguous: the answer lists each with its system and asks for the system, given as
`:lpar NAME -m SYSTEM` or `:lpar SYSTEM/NAME` (name or MTMS, as `-m` takes it).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from engine.errors import HmcError
from engine.snapshot import Snapshot


@dataclass(frozen=True)
class Found:
    system: int  # index in snapshot.frames
    lpar_id: int


def not_found(name: str) -> str:
    return str(HmcError("HSCL8012", name=name))


def _match(snap: Snapshot, systems: list[int], name: str) -> list[tuple[int, int, str]]:
    rules: tuple[Callable[[str], bool], ...] = (
        lambda n: n == name, lambda n: n.lower() == name.lower())
    for rule in rules:
        hits = [(i, p.id, p.name) for i in systems for p in snap.frames[i].partitions
                if rule(p.name)]
        if hits:
            return hits
    hits = [(i, p.id, p.name) for i in systems for p in snap.frames[i].partitions
            if p.name.lower().startswith(name.lower())]
    return hits if len(hits) == 1 else []  # an ambiguous prefix names nothing


def find(snap: Snapshot, name: str, system: str = "") -> Found | str:
    """The partition `name` names (on `system` when given), or the line saying why not."""
    if system:
        try:
            systems = [snap.index(system)]
        except HmcError as err:
            return str(err)
    else:
        systems = list(range(len(snap.frames)))
    hits = _match(snap, systems, name)
    if not hits and not system and "/" in name:  # SYSTEM/NAME
        qualifier, _, rest = name.rpartition("/")
        if qualifier and rest:
            return find(snap, rest, qualifier)
    if not hits:
        return not_found(name)
    if len({i for i, _, _ in hits}) == 1:
        i, lpar_id, _ = hits[0]
        return Found(i, lpar_id)
    listed = "; ".join(f"{n} (ID {lpar_id}) on {snap.frames[i].system.name}"
                       for i, lpar_id, n in hits)
    return (f"{name} names partitions on {len({i for i, _, _ in hits})} managed systems: "
            f"{listed}. Name the system: :lpar {name} -m SYSTEM or :lpar SYSTEM/{name}")
