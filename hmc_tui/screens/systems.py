"""All Systems: every managed system of the HMC, one row each (the HMC's "All Systems" view).

Name, state, MTMS, model, processing units and memory available, partitions (running of
defined) and what needs attention (faults, open serviceable events, partitions in Error).
Enter goes into the system's frame overview (the console's other screens then show that
system); the console opens here when the HMC manages more than one system.
"""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import DataTable, Static

from engine.model import Frame
from engine.snapshot import Snapshot
from hmc_tui.formatting import mem_gb
from hmc_tui.screens.host import console_host
from hmc_tui.screens.kept import KeptScreen
from hmc_tui.widgets.footer import Footer
from hmc_tui.widgets.status_bar import StatusBar

COLUMNS = ("Name", "State", "MTMS", "Model", "Proc avail", "Mem avail GB", "Running",
           "Attention")


def attention(frame: Frame) -> str:
    """What an admin should look at on this system, "" when nothing."""
    marks = []
    if frame.faults:
        marks.append(f"{len(frame.faults)} fault{'s' if len(frame.faults) > 1 else ''}")
    events = sum(1 for e in frame.svc_events if e.status == "Open")
    if events:
        marks.append(f"{events} serviceable event{'s' if events > 1 else ''}")
    errors = sum(1 for p in frame.partitions if p.state == "Error")
    if errors:
        marks.append(f"{errors} partition{'s' if errors > 1 else ''} in Error")
    return ", ".join(marks)


def system_row(frame: Frame) -> tuple[str, ...]:
    running = sum(1 for p in frame.partitions if p.state == "Running")
    return (frame.system.name, frame.system.state, frame.mtms,
            frame.hardware.name.removeprefix("Power "), f"{frame.avail_proc_units():.2f}",
            mem_gb(frame.avail_mem()), f"{running} of {len(frame.partitions)}",
            attention(frame) or "-")


class SystemsScreen(KeptScreen):
    """Every managed system; Enter opens one."""

    TITLE = "All Systems"
    HELP_GROUP = "All Systems"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "open", "Open system", id="systems.open"),
    ]
    DEFAULT_CSS = """
    SystemsScreen #systems-title { height: 1; background: $panel; padding: 0 1;
                                   text-style: bold; }
    SystemsScreen DataTable { height: 1fr; }
    """

    def __init__(self) -> None:
        super().__init__()
        self._rows: list[tuple[str, ...]] = []

    def compose(self) -> ComposeResult:
        yield Static("", id="systems-title")
        table: DataTable[str | Text] = DataTable(id="systems-table", cursor_type="row",
                                                 zebra_stripes=True)
        table.add_columns(*COLUMNS)
        yield table
        yield StatusBar(all_systems=True)
        yield Footer(compact=True)

    @property
    def table(self) -> DataTable[str | Text]:
        return self.query_one("#systems-table", DataTable)

    def on_mount(self) -> None:
        self.show_snapshot(console_host(self).snapshot)
        self.table.focus()

    def on_screen_resume(self) -> None:
        self.show_snapshot(console_host(self).snapshot)

    def show_snapshot(self, snap: Snapshot) -> None:
        rows = [system_row(frame) for frame in snap.frames]
        if rows == self._rows:
            return
        table = self.table
        cursor = table.cursor_row
        table.clear()
        for frame, row in zip(snap.frames, rows, strict=True):
            cells: list[str | Text] = list(row)
            if row[-1] != "-":
                cells[-1] = Text(row[-1], style="bold")
            table.add_row(*cells, key=frame.mtms)
        if rows:
            table.move_cursor(row=min(cursor, len(rows) - 1))
        self._rows = rows
        count = len(rows)
        self.query_one("#systems-title", Static).update(
            f"All Systems   {count} managed system{'s' if count != 1 else ''}   "
            "Enter opens a system's overview")

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_open()

    def action_open(self) -> None:
        row = self.table.cursor_row
        if 0 <= row < len(self._rows):
            self.app.run_worker(console_host(self).open_system(row))
