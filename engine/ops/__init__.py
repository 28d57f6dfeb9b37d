"""Operations: the only way anything in the frame changes.

Each operation is a pydantic model (validated input). `execute` authorises the actor,
applies the operation to a working copy, checks every frame rule on the result and hands
back the context to commit; any HmcError on the way leaves nothing changed.
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import Field, TypeAdapter, ValidationError

from engine.lifecycle import Lifecycle, record_refcodes
from engine.model import Frame
from engine.ops.base import Context, Operation, SystemsContext
from engine.ops.config import (
    ChangePartition,
    ChangePool,
    ChangeProfile,
    CreatePartition,
    CreateProfile,
    DeletePartition,
    DeleteProfile,
    MovePartitionPool,
    pydantic_to_hmc,
)
from engine.ops.console import BootFromDevice, FirmwareReset, InterruptBoot, OsShutdown
from engine.ops.dlpar import ChangeMemory, ChangeProcessors, SetUncapWeight
from engine.ops.faults import (
    ClearFault,
    CloseServiceEvent,
    ConfigureDevices,
    InjectFault,
    SetCallHome,
    settle_callhome,
)
from engine.ops.firmware import UpdateFirmware
from engine.ops.mobility import MigratePartition
from engine.ops.monitor import ChangeSampleRate
from engine.ops.partition_config import SaveCurrentConfig
from engine.ops.power import ActivatePartition, PowerOffSystem, PowerOnSystem, ShutdownPartition
from engine.ops.system import (
    AcceptViosLicense,
    ApplyProfile,
    ChangeSystem,
    ChangeSystemMemory,
    NetbootPartition,
    SetProfileSync,
)
from engine.ops.vio import (
    AddVirtualAdapter,
    CreateOptical,
    CreateRepository,
    CreateSea,
    LoadOptical,
    MapNpiv,
    MapVscsi,
    RemoveSea,
    RemoveVirtualAdapter,
    UnloadOptical,
    UnmapNpiv,
    UnmapVscsi,
    next_free_slot,
)
from engine.redundancy import reconcile
from engine.roles import Actor, authorize

AnyOperation = Annotated[
    ActivatePartition | ShutdownPartition | PowerOnSystem | PowerOffSystem
    | ChangeProcessors | ChangeMemory | SetUncapWeight
    | CreatePartition | ChangePartition | DeletePartition
    | CreateProfile | ChangeProfile | DeleteProfile
    | ChangePool | MovePartitionPool
    | AddVirtualAdapter | RemoveVirtualAdapter | MapVscsi | UnmapVscsi | MapNpiv | UnmapNpiv
    | CreateSea | RemoveSea
    | ChangeSystem | ChangeSystemMemory | ApplyProfile | SetProfileSync | NetbootPartition
    | AcceptViosLicense | UpdateFirmware
    | CreateOptical | LoadOptical | UnloadOptical | CreateRepository | ChangeSampleRate
    | SaveCurrentConfig
    | InjectFault | ClearFault | ConfigureDevices | CloseServiceEvent | SetCallHome
    | InterruptBoot | BootFromDevice | FirmwareReset | OsShutdown
    | MigratePartition,
    Field(discriminator="op"),
]
_ADAPTER: TypeAdapter[Operation] = TypeAdapter(AnyOperation)


def build(data: dict[str, Any]) -> Operation:
    """An operation from plain data ({"op": "activate", "lpar": ...}); HmcError if invalid."""
    try:
        return _ADAPTER.validate_python(data)
    except ValidationError as exc:
        raise pydantic_to_hmc(exc) from None


def execute(frame: Frame, lifecycle: Lifecycle, now: float, op: Operation,
            actor: Actor) -> Context:
    """Run one operation against a frame; the returned context holds the new frame and
    schedule. Raises HmcError (nothing changed) when refused."""
    authorize(actor, op.task)
    ctx = Context(frame=frame, now=now, lifecycle=lifecycle.copy(), actor=actor)
    op.apply(ctx)
    _finish(ctx, frame)
    return ctx


def _finish(ctx: Context, before: Frame) -> None:
    """What follows every operation on a system: redundancy effects, call-home states,
    reference codes, and every frame rule on the result."""
    from engine.rules import check_frame  # late: rules imports the model only

    ctx.frame = reconcile(ctx.frame, ctx.lifecycle, ctx.now, before=before)
    ctx.frame = settle_callhome(ctx.frame, ctx.now)
    ctx.frame = record_refcodes(before, ctx.frame, ctx.now)
    check_frame(ctx.frame)


def execute_systems(frames: tuple[Frame, ...], lifecycles: tuple[Lifecycle, ...], now: float,
                    op: Operation, actor: Actor) -> SystemsContext:
    """Run an operation that spans systems (`op.spans_systems`); the returned context holds
    each touched system's new frame and schedule. HmcError (nothing changed) when refused."""
    authorize(actor, op.task)
    ctx = SystemsContext(frames=frames, lifecycles=lifecycles, now=now, actor=actor)
    op.apply_systems(ctx)
    for i, sub in ctx.touched.items():
        _finish(sub, frames[i])
    return ctx


__all__ = [
    "ActivatePartition", "AddVirtualAdapter", "AnyOperation", "ChangeMemory", "ChangePartition",
    "ChangePool", "ChangeProcessors", "ChangeProfile", "ChangeSampleRate", "Context",
    "CreateOptical", "CreatePartition", "CreateProfile", "CreateRepository", "CreateSea",
    "DeletePartition", "DeleteProfile", "LoadOptical", "MapNpiv", "MapVscsi",
    "MovePartitionPool", "Operation", "PowerOffSystem", "PowerOnSystem", "RemoveSea",
    "RemoveVirtualAdapter", "SetUncapWeight", "ShutdownPartition", "UnloadOptical", "UnmapNpiv",
    "UnmapVscsi", "UpdateFirmware", "build", "execute", "next_free_slot",
]
__all__ += ["SystemsContext", "execute_systems"]  # operations across managed systems
__all__ += [  # engine/ops/faults.py
    "ClearFault", "CloseServiceEvent", "ConfigureDevices", "InjectFault", "SetCallHome"]
__all__ += [  # engine/ops/system.py
    "AcceptViosLicense", "ApplyProfile", "ChangeSystem", "ChangeSystemMemory",
    "NetbootPartition", "SetProfileSync",
]
__all__ += ["BootFromDevice", "FirmwareReset", "InterruptBoot", "OsShutdown"]  # console.py
__all__ += ["SaveCurrentConfig"]  # engine/ops/partition_config.py
__all__ += ["MigratePartition"]  # engine/ops/mobility.py
