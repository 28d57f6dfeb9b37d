"""Dynamic LPAR: add, remove or move processing units, virtual processors (or dedicated
processors) and memory on a running partition, with the allowed range shown.

The range comes from the partition's current minimum and maximum and the free resources of
the system; the engine still has the last word (its HSCL refusal is shown in place).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Literal, cast

from pydantic import ValidationError
from textual.app import ComposeResult
from textual.containers import HorizontalGroup
from textual.widgets import Input, Label, RadioButton, RadioSet, Select, Static

from engine.model import Frame, Partition, Resources
from engine.ops import ChangeMemory, ChangeProcessors, Operation
from engine.snapshot import Snapshot
from hmc_tui.formatting import units
from hmc_tui.screens.dialogs.base import ActionDialog
from hmc_tui.widgets.number_input import NumberInput

Resource = Literal["pu", "vp", "procs", "mem"]
Action = Literal["add", "remove", "move"]

RESOURCE_LABELS: dict[str, str] = {
    "pu": "Processing units", "vp": "Virtual processors", "procs": "Dedicated processors",
    "mem": "Memory (MB)",
}
ACTION_LABELS: dict[str, str] = {"add": "Add", "remove": "Remove", "move": "Move to"}


@dataclass(frozen=True)
class Range:
    """What a DLPAR request on one resource may ask for, given the frame now."""

    current: float
    minimum: float
    maximum: float
    free: float  # on the system
    add_max: float
    remove_max: float
    unit: str
    step: float  # smallest change (0.01 PU, 1 processor, one LMB)

    def fmt(self, value: float) -> str:
        return units(value) if self.unit == "PU" else f"{value:g}"


def resource_range(p: Partition, frame: Frame, resource: Resource) -> Range | None:
    """None when the partition has no current configuration (not active)."""
    cur: Resources | None = p.current
    if cur is None:
        return None
    free_units = frame.avail_proc_units()
    min_per_vp = frame.hardware.min_proc_units_per_vp
    if resource == "pu":
        now = cur.desired_proc_units or 0.0
        low, high = cur.min_proc_units or 0.0, cur.max_proc_units or 0.0
        add_max = min(high - now, free_units, cur.desired_procs - now)
        remove_max = min(now - low, now - cur.desired_procs * min_per_vp)
        return Range(now, low, high, free_units, add_max, remove_max, "PU", 0.01)
    if resource == "vp":
        now_pu = cur.desired_proc_units or 0.0
        vps = cur.desired_procs
        add_max = min(cur.max_procs - vps, math.floor(now_pu / min_per_vp + 1e-9) - vps)
        remove_max = min(vps - cur.min_procs, vps - math.ceil(now_pu - 1e-9))
        return Range(vps, cur.min_procs, cur.max_procs, free_units, add_max, remove_max,
                     "VP", 1)
    if resource == "procs":
        now = cur.desired_procs
        add_max = min(cur.max_procs - now, math.floor(free_units + 1e-9))
        return Range(now, cur.min_procs, cur.max_procs, free_units, add_max,
                     now - cur.min_procs, "cores", 1)
    lmb = frame.system.mem_region_size
    free_mem = frame.avail_mem() // lmb * lmb
    now_mem = cur.desired_mem
    return Range(now_mem, cur.min_mem, cur.max_mem, free_mem,
                 min(cur.max_mem - now_mem, free_mem), now_mem - cur.min_mem, "MB", lmb)


def describe_range(r: Range | None, p: Partition) -> str:
    if r is None:
        return f"{p.name} is {p.state}: DLPAR needs a running partition."
    f = r.fmt
    lines = [
        f"Current {f(r.current)} {r.unit}  (minimum {f(r.minimum)}, maximum {f(r.maximum)})",
        f"Add up to {f(max(r.add_max, 0))}, remove up to {f(max(r.remove_max, 0))} "
        f"{r.unit}" + (f" in steps of {f(r.step)}" if r.unit == "MB" else ""),
    ]
    if r.unit == "MB":
        lines.insert(1, f"Free on the system: {f(r.free)} MB")
    else:
        lines.insert(1, f"Free on the system: {units(r.free)} processing units")
    if p.env != "os400" and p.rmc_state != "active":
        lines.append("RMC is not active: AIX, Linux and VIOS need it for DLPAR.")
    return "\n".join(lines)


class DlparDialog(ActionDialog):
    TITLE_TEXT = "Dynamic partitioning"

    def __init__(self, lpar_id: int, *, resource: Resource | None = None) -> None:
        super().__init__(lpar_id)
        self._first = resource  # the resource chosen first (the task menu's Memory...)

    def fields(self, p: Partition) -> ComposeResult:
        shared = p.settings().shared
        resources = ("pu", "vp", "mem") if shared else ("procs", "mem")
        first = self._first if self._first in resources else resources[0]
        yield Label("Resource")
        yield RadioSet(
            *(RadioButton(RESOURCE_LABELS[r], value=r == first, id=f"res-{r}")
              for r in resources),
            id="resource",
        )
        yield Label("Action")
        yield RadioSet(
            *(RadioButton(label, value=a == "add", id=f"act-{a}")
              for a, label in ACTION_LABELS.items()),
            id="action",
        )
        with HorizontalGroup(id="amount-row"):
            yield NumberInput(placeholder="amount", id="amount", compact=True,
                              field=RESOURCE_LABELS[resources[0]], whole=resources[0] != "pu")
            yield Static("", id="unit")
        yield Select[str]([], prompt="target partition", id="target", allow_blank=True,
                            compact=True)
        yield Static("", id="range", classes="hint")

    def on_mount(self) -> None:
        self._refresh_fields()
        self.query_one("#amount").focus()

    @property
    def resource(self) -> Resource:
        button = self.query_one("#resource", RadioSet).pressed_button
        return cast(Resource, button.id.removeprefix("res-") if button and button.id else "pu")

    @property
    def action(self) -> Action:
        button = self.query_one("#action", RadioSet).pressed_button
        return cast(Action, button.id.removeprefix("act-") if button and button.id else "add")

    def _targets(self, frame: Frame) -> list[tuple[str, str]]:
        """Move targets: other running partitions that can take the resource."""
        me = self.partition
        shared = me.settings().shared
        out = []
        for p in frame.partitions:
            if p.id == me.id or p.state != "Running" or p.current is None:
                continue
            if self.resource != "mem" and p.current.shared != shared:
                continue
            out.append((p.name, p.name))
        return out

    def _refresh_fields(self) -> None:
        frame = self.hmc.snapshot.frame
        p = self.partition
        r = resource_range(p, frame, self.resource)
        self.query_one("#range", Static).update(describe_range(r, p))
        self.query_one("#amount", NumberInput).set_kind(RESOURCE_LABELS[self.resource],
                                                        whole=self.resource != "pu")
        unit = {"pu": "processing units", "vp": "virtual processors", "procs": "processors",
                "mem": f"MB (multiples of {frame.system.mem_region_size})"}[self.resource]
        self.query_one("#unit", Static).update(unit)
        target = self.query_one("#target", Select)
        moving = self.action == "move"
        target.display = moving
        if moving:
            options = self._targets(frame)
            current = target.value
            target.set_options(options)
            if current in {value for _, value in options}:
                target.value = current
        self.update_preview()

    def show_snapshot(self, snap: Snapshot) -> None:
        super().show_snapshot(snap)
        p = snap.frame.partition(self.lpar_id)
        if p is not None and not self.closing and self.is_mounted:
            self.query_one("#range", Static).update(
                describe_range(resource_range(p, snap.frame, self.resource), p))

    def on_radio_set_changed(self, event: RadioSet.Changed) -> None:
        event.stop()
        self._refresh_fields()

    def on_input_changed(self, event: Input.Changed) -> None:
        event.stop()
        self.show_error("")
        self.update_preview()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.submit()

    def on_select_changed(self, event: Select.Changed) -> None:
        event.stop()
        self.update_preview()

    def operation(self) -> Operation | str:
        field = self.query_one("#amount", NumberInput)
        if not field.value.strip():
            return "Enter the amount to " + ("move." if self.action == "move" else
                                             f"{self.action}.")
        amount = field.value_or_error()
        if isinstance(amount, str):
            return amount
        kwargs: dict[str, Any] = {"lpar": self.partition.name, "action": self.action}
        if self.action == "move":
            target = self.query_one("#target", Select).value
            if not isinstance(target, str):
                return "Choose the partition to move the resource to."
            kwargs["target_lpar"] = target
        try:
            if self.resource == "pu":  # unrounded: the engine refuses a step finer than 0.01
                return ChangeProcessors(proc_units=amount, **kwargs)
            if self.resource in ("vp", "procs"):  # whole: NumberInput refused "0.5"
                return ChangeProcessors(procs=int(amount), **kwargs)
            return ChangeMemory(mem=int(amount), **kwargs)
        except ValidationError:
            return "The amount must be greater than zero."
