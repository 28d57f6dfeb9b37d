"""The tasks of a partition's menu (the HMC's context menu on a partition) and why a task
does not apply now: one pure function over the frame, the user's role and the actions the
console has, so the menu, its tests and any other front end grey out the same tasks for the
same reasons.

The reasons follow the engine's own refusals (engine/ops): activating needs a system that
is on and a partition that is Not Activated (HSCL0B01, HSCL3681), shutting down an active
partition not in transition (HSCL1558, HSCL0B02), DLPAR a Running partition with RMC active
unless it is IBM i (HSCL294C), deleting a Not Activated one (HSCL0B05); the role split is
engine/roles.py's.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass

from engine.model import TRANSITIONAL_STATES, Frame, Partition
from engine.roles import ALLOWED, TASK_NAMES, Role

NOT_IN_BUILD = "not available in this build"


@dataclass(frozen=True)
class PartitionTask:
    key: str  # stable id: tests, macros and the menu's option ids use it
    label: str
    action: str  # run by the menu: "screen.X" on the partition's screen, "app.X" on the app
    enabled: bool
    reason: str = ""  # why it is disabled, in the HMC's terms


@dataclass(frozen=True)
class _Spec:
    key: str
    label: str
    action: str
    task: str | None  # engine/roles task the action needs; None: reading only
    rule: Callable[[Frame, Partition], str]


def _system_on(frame: Frame) -> str:
    s = frame.system
    if s.state not in ("Operating", "Standby"):
        return f"the managed system is {s.state}"
    return ""


def _can_activate(frame: Frame, p: Partition) -> str:
    if off := _system_on(frame):
        return off
    if p.state == "Not Available":
        return "the partition is Not Available"
    if p.active:
        return f"the partition is already active ({p.state})"
    return ""


def _can_shut_down(frame: Frame, p: Partition) -> str:
    if not p.active:
        return f"the partition is {p.state}"
    if p.state in TRANSITIONAL_STATES:
        return f"the partition is {p.state}; wait until it settles"
    return ""


def _can_dlpar(frame: Frame, p: Partition) -> str:
    if p.state != "Running" or p.current is None:
        return f"DLPAR needs a Running partition; it is {p.state}"
    if p.env != "os400" and p.rmc_state != "active":
        return f"no active RMC connection (RMC {p.rmc_state}): DLPAR needs RMC"
    return ""


def _can_delete(frame: Frame, p: Partition) -> str:
    if p.state != "Not Activated":
        return f"the partition must be Not Activated to be deleted; it is {p.state}"
    return ""


def _can_save(frame: Frame, p: Partition) -> str:
    if p.current is None:
        return "the partition is not active: it has no current configuration to save"
    return ""


def _can_migrate(frame: Frame, p: Partition) -> str:
    if p.is_vios:
        return "a Virtual I/O Server does not migrate (HSCL1320)"
    if p.state.startswith("Migrating"):
        return f"the partition is already migrating ({p.state})"
    if p.state not in ("Running", "Not Activated"):
        return f"the partition must be Running or Not Activated; it is {p.state}"
    return ""


def _always(frame: Frame, p: Partition) -> str:
    return ""


# The HMC's partition menu, in its order. Actions others build (terminal, create, delete,
# profiles, save, rename) are app actions; a console without them shows NOT_IN_BUILD.
SPECS: tuple[_Spec, ...] = (
    _Spec("properties", "Properties", "screen.properties", None, _always),
    _Spec("activate", "Activate...", "screen.activate", "power", _can_activate),
    _Spec("shutdown", "Shut Down...", "screen.shutdown", "power", _can_shut_down),
    _Spec("restart", "Restart...", "screen.restart", "power", _can_shut_down),
    _Spec("dlpar_proc", "Dynamic partitioning: Processors...", "screen.dlpar_processors",
          "dlpar", _can_dlpar),
    _Spec("dlpar_mem", "Dynamic partitioning: Memory...", "screen.dlpar_memory", "dlpar",
          _can_dlpar),
    _Spec("terminal", "Open terminal window", "screen.terminal", "console", _always),
    _Spec("profiles", "Profiles: manage and edit...", "app.edit_profile", "config", _always),
    _Spec("save", "Save current configuration...", "app.save_profile", "config", _can_save),
    _Spec("rename", "Rename...", "app.rename_partition", "config", _always),
    _Spec("delete", "Delete...", "app.delete_partition", "config", _can_delete),
    _Spec("migrate", "Mobility: Migrate...", "app.migrate_partition", "power", _can_migrate),
    _Spec("create", "Create partition...", "app.create_partition", "config",
          lambda frame, p: _system_on(frame)),
)


def partition_tasks(frame: Frame, lpar_id: int, role: Role,
                    app_actions: Collection[str]) -> list[PartitionTask]:
    """Every task of the partition's menu, each enabled or with the reason it is not.

    `app_actions` names the app's actions that exist (without "app."), e.g.
    {"open_terminal"}; the first reason that applies wins: missing action, role, state.
    """
    p = frame.partition(lpar_id)
    if p is None:
        return []
    allowed = ALLOWED[role]
    tasks = []
    for spec in SPECS:
        scope, _, name = spec.action.partition(".")
        reason = ""
        if scope == "app" and name not in app_actions:
            reason = NOT_IN_BUILD
        elif spec.task is not None and spec.task not in allowed:
            reason = f"your role {role} does not include {TASK_NAMES[spec.task]}"
        else:
            reason = spec.rule(frame, p)
        tasks.append(PartitionTask(spec.key, spec.label, spec.action, not reason, reason))
    return tasks
