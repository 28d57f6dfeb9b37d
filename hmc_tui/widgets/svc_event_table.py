"""Serviceable events (the faults' SRCs, `lssvcevents -t hardware`) as a table, newest first:
problem number, SRC, status, first and last time, call-home state, text. Rebuilt when the
frame's events change (a handful at most); rows keyed by problem number."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import ClassVar

from rich.text import Text
from textual.binding import Binding, BindingType
from textual.widgets import DataTable

from engine.model import ServiceEvent

COLUMNS = (  # key, label, width (None: as wide as the content)
    ("num", "Problem", 7),
    ("src", "SRC", 8),
    ("status", "Status", 6),
    ("first", "First", 8),
    ("last", "Last", 8),
    ("callhome", "Call home", 12),
    ("text", "Description", None),
)
CALLHOME_STYLE = {"Pending": "yellow", "Failed": "bold red", "Sent": "green",
                  "Disabled": "dim", "Not required": "dim"}


class SvcEventTable(DataTable):
    """Serviceable events, newest first; `selected` is the highlighted one."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("j", "cursor_down", "Down", show=False, id="svc.down"),
        Binding("k", "cursor_up", "Up", show=False, id="svc.up"),
    ]

    def __init__(self, **kwargs: object) -> None:
        super().__init__(cursor_type="row", zebra_stripes=True, **kwargs)  # type: ignore[arg-type]
        self.epoch = datetime(2024, 1, 1)
        self._shown: tuple[ServiceEvent, ...] | None = None
        self._events: dict[int, ServiceEvent] = {}

    def on_mount(self) -> None:
        for key, label, width in COLUMNS:
            self.add_column(label, key=key, width=width)

    def show(self, events: tuple[ServiceEvent, ...]) -> bool:
        """Show these events (the frame's, oldest first); False when nothing changed."""
        if events == self._shown:
            return False
        self._shown = events
        keep = self.selected
        self.clear()
        self._events = {e.problem_num: e for e in events}
        for e in reversed(events):
            status = Text(e.status, style="bold red" if e.status == "Open" else "dim")
            self.add_row(str(e.problem_num), e.refcode, status, self._time(e.first_time),
                         self._time(e.last_time),
                         Text(e.call_home, style=CALLHOME_STYLE.get(e.call_home, "")),
                         e.text, key=str(e.problem_num))
        if keep is not None and keep.problem_num in self._events:
            self.move_cursor(row=self.get_row_index(str(keep.problem_num)), scroll=False)
        return True

    def _time(self, seconds: float) -> str:
        return f"{self.epoch + timedelta(seconds=seconds):%H:%M:%S}"

    @property
    def selected(self) -> ServiceEvent | None:
        if not self.row_count:
            return None
        key = self.coordinate_to_cell_key(self.cursor_coordinate).row_key.value
        return self._events.get(int(key)) if key is not None else None
