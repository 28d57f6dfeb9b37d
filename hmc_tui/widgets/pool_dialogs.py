"""The pool screen's dialog: change a shared pool's maximum and reserved capacity."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.widgets import Input, Label

from engine.model import Frame
from engine.ops import ChangePool, Operation
from hmc_tui.widgets.vios_dialogs import OperationDialog


class ChangePoolDialog(OperationDialog):
    """chhwres -r procpool -o s: max_pool_proc_units (whole cores) and reserved units."""

    ok_label = "Change"

    def __init__(self, frame: Frame, pool_id: int) -> None:
        super().__init__()
        pool = frame.pools[pool_id]
        self.pool_name = pool.name
        self.max_units = pool.max_proc_units
        self.reserved = pool.reserved_proc_units
        self.entitled = frame.pool_entitled(pool_id)
        self.members = len(frame.pool_members(pool_id))
        self.title_text = f"Change shared processor pool {pool.name} (ID {pool_id})"

    def compose_fields(self) -> ComposeResult:
        yield Label(f"{self.members} active partitions, entitled capacity {self.entitled:.2f} "
                    "(member entitlement + reserved).", classes="dialog-help")
        yield Label("Maximum processing units (whole cores, 0 deactivates the pool):")
        yield Input(str(self.max_units), id="max", type="integer")
        yield Label("Reserved processing units:")
        yield Input(f"{self.reserved:.2f}", id="reserved", type="number")

    def on_mount(self) -> None:
        self.query_one("#max", Input).focus()

    def build_operation(self) -> Operation | str:
        try:
            max_units = int(self.query_one("#max", Input).value)
        except ValueError:
            return "The maximum processing units must be a whole number."
        try:
            reserved = float(self.query_one("#reserved", Input).value)
        except ValueError:
            return "The reserved processing units must be a number."
        if max_units < 0 or reserved < 0:
            return "Processing units cannot be negative."
        return ChangePool(pool=self.pool_name, max_proc_units=max_units,
                          reserved_proc_units=reserved)
