"""The pool screen's dialog: change a shared pool's maximum and reserved capacity."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.widgets import Label

from engine.model import Frame
from engine.ops import ChangePool, Operation
from hmc_tui.widgets.number_input import NumberInput
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
        yield NumberInput(str(self.max_units), id="max", field="Maximum processing units",
                          whole=True)
        yield Label("Reserved processing units:")
        yield NumberInput(f"{self.reserved:.2f}", id="reserved",
                          field="Reserved processing units")

    def on_mount(self) -> None:
        self.query_one("#max", NumberInput).focus()

    def build_operation(self) -> Operation | str:
        max_units = self.query_one("#max", NumberInput).value_or_error()
        if isinstance(max_units, str):
            return max_units
        reserved = self.query_one("#reserved", NumberInput).value_or_error()
        if isinstance(reserved, str):
            return reserved
        if max_units < 0 or reserved < 0:
            return "Processing units cannot be negative."
        return ChangePool(pool=self.pool_name, max_proc_units=int(max_units),
                          reserved_proc_units=reserved)
