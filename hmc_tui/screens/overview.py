"""Frame overview: the managed system's header and its partitions, live (the HMC's "All
Systems" + the system's partitions view). The app's default mode."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import Input, Static

from engine.snapshot import Snapshot
from hmc_tui.screens.kept import KeptScreen
from hmc_tui.screens.partition_actions import PartitionActions
from hmc_tui.screens.sort_picker import SortPicker
from hmc_tui.screens.system import SystemScreen
from hmc_tui.widgets.footer import Footer
from hmc_tui.widgets.partition_table import COLUMNS, PartitionTable
from hmc_tui.widgets.status_bar import StatusBar
from hmc_tui.widgets.system_header import SystemHeader

LABELS = {c.key: c.label for c in COLUMNS}


class OverviewScreen(PartitionActions, KeptScreen):
    HELP_GROUP = "Overview"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("slash", "filter", "Filter", id="overview.filter"),
        Binding("o", "sort", "Sort", id="overview.sort"),
        Binding("O", "reverse", "Reverse sort", show=False, id="overview.reverse"),
        Binding("escape", "clear_filter", "Clear filter", show=False, id="overview.clear"),
        Binding("M", "system", "Managed system", show=False, id="overview.system"),
    ]

    def compose(self) -> ComposeResult:
        yield SystemHeader(id="system")
        yield Static("", id="caption")
        yield Input(placeholder="filter: name, state, type, OS, pool (Enter keeps, Esc clears)",
                    id="filter")
        yield PartitionTable(id="partitions")
        yield StatusBar()
        yield Footer(compact=True)

    @property
    def table(self) -> PartitionTable:
        return self.query_one(PartitionTable)

    def on_mount(self) -> None:
        self.query_one("#filter").display = False
        self.show_snapshot(self.hmc.snapshot)
        self.table.focus()

    def on_screen_resume(self) -> None:
        self.show_snapshot(self.hmc.snapshot)

    def show_snapshot(self, snap: Snapshot) -> None:
        self.query_one(SystemHeader).show_snapshot(snap)
        self.table.show_snapshot(snap, last_input=self.hmc.last_input)

    def selected_lpar(self) -> int | None:
        return self.table.selected_id

    # -- caption: what the table shows
    def on_partition_table_view_changed(self, _event: PartitionTable.ViewChanged) -> None:
        table = self.table
        arrow = "descending" if table.sort_reverse else "ascending"
        text = (f"Partitions {table.row_count} of {table.total}   sorted by "
                f"{LABELS[table.sort_column]} {arrow}")
        if table.filter_text:
            text += f"   filter \"{table.filter_text}\""
        self.query_one("#caption", Static).update(text)

    # -- the task menu on Enter, a click on the cursor's row or a right-click (Properties is
    # its first task: Enter twice)
    def on_partition_table_selected(self, event: PartitionTable.Selected) -> None:
        event.stop()
        self.table.select(event.lpar_id)
        self.action_tasks()

    # -- the managed system: its properties and power tasks
    def action_system(self) -> None:
        self.app.push_screen(SystemScreen())

    def select_partition(self, lpar_id: int) -> bool:
        self.table.focus()
        return self.table.select(lpar_id)

    # -- filter
    def action_filter(self) -> None:
        field = self.query_one("#filter", Input)
        field.display = True
        field.focus()

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id == "filter":
            self.table.set_filter(event.value)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id == "filter":
            event.input.display = bool(event.value.strip())
            self.table.focus()

    def action_clear_filter(self) -> None:
        field = self.query_one("#filter", Input)
        if not field.display and not self.table.filter_text:
            return
        field.value = ""
        field.display = False
        self.table.set_filter("")
        self.table.focus()

    # -- sort
    def action_sort(self) -> None:
        table = self.table
        self.app.push_screen(SortPicker(table.sort_column, table.sort_reverse),
                             self._sorted)

    def _sorted(self, column: str | None) -> None:
        if column is not None:
            self.table.set_sort(column)

    def action_reverse(self) -> None:
        self.table.set_sort(self.table.sort_column, not self.table.sort_reverse)
