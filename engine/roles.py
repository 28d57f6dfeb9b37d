"""Who may do what: HMC task roles, enforced by the engine for every front end.

The capability split follows the SSH-console issue: hmcviewer reads only; hmcoperator may
power partitions and the system and run DLPAR, but not create, change or delete partitions,
pools, virtual storage or network, nor manage users; hmcsuperadmin may do everything.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

from pydantic import BaseModel, ConfigDict

from engine.errors import HmcError

if TYPE_CHECKING:
    from engine.model import Partition

Role = Literal["hmcsuperadmin", "hmcoperator", "hmcviewer"]
Task = Literal["power", "dlpar", "config", "virtualio", "pools", "users", "console"]

TASK_NAMES: dict[str, str] = {
    "power": "partition and system power tasks",
    "dlpar": "dynamic logical partitioning",
    "config": "partition configuration tasks",
    "virtualio": "virtual storage and network tasks",
    "pools": "shared processor pool tasks",
    "users": "user management tasks",
    "console": "partition console tasks",
}

ALLOWED: dict[str, frozenset[str]] = {
    "hmcsuperadmin": frozenset(TASK_NAMES),
    "hmcoperator": frozenset({"power", "dlpar", "console"}),
    "hmcviewer": frozenset(),
}


class Actor(BaseModel):
    """The user (and role) on whose behalf an operation runs; journaled with it."""

    model_config = ConfigDict(frozen=True)

    user: str = "hscroot"
    role: Role = "hmcsuperadmin"


SYSTEM_ACTOR = Actor(user="phyp", role="hmcsuperadmin")


def os_actor(p: Partition) -> Actor:
    """Who the journal names for what a partition's own OS or firmware did (a shutdown typed
    on its console, a boot device picked in SMS): the partition, marked as its OS."""
    return Actor(user=f"{p.name} (OS)", role="hmcsuperadmin")


def authorize(actor: Actor, task: str) -> None:
    """Raise HSCL350B unless the actor's role includes the task."""
    if task not in ALLOWED[actor.role]:
        raise HmcError("HSCL350B", user=actor.user, task=TASK_NAMES[task])
