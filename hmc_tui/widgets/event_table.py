"""The journal as a table, newest first, appended to incrementally.

DataTable can only append rows, so new events are added and the table re-sorted by sequence
number (descending); events arrive at the pace of operations and state changes, not of the
refresh rate, so this is rare. Rows are keyed by the event's sequence number. Only the
newest MAX_ROWS matching events are kept in the table: the journal can hold 20 000.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import ClassVar

from rich.style import Style
from rich.text import Text
from textual.binding import Binding, BindingType
from textual.widgets import DataTable

from engine.journal import NO_CHANGE, Event

MAX_ROWS = 2000
COLUMNS = (  # key, label, width (None: as wide as the content); the role and the date are in
    # the detail line, so that the result and the start of the command fit in 80 columns.
    # Target holds a pool's name ("SharedPool05"), Result every state ("Shutting Down").
    ("seq", "#", 4),
    ("time", "Time", 8),
    ("user", "User", 8),
    ("op", "Operation", 12),
    ("target", "Target", 12),
    ("result", "Result", 13),
    ("command", "HMC command", None),
)
RESULT_COLUMN = 5
TAGS = ("ok", "refused", "state")


def event_when(epoch: datetime, event: Event) -> datetime:
    return epoch + timedelta(seconds=event.time)


def event_time(epoch: datetime, event: Event) -> str:
    return f"{event_when(epoch, event):%H:%M:%S}"


def event_text(epoch: datetime, event: Event) -> str:
    """Everything the filter matches against, lower-cased."""
    return " ".join((str(event.seq), f"{event_when(epoch, event):%m/%d/%Y %H:%M:%S}",
                     event.user, event.role, event.op,
                     event.target, "ok" if event.ok else "refused", event.code, event.message,
                     event.command, event.system)).lower()


def matches(epoch: datetime, event: Event, needle: str, show_states: bool) -> bool:
    if not show_states and event.op == "state":
        return False
    return not needle or needle.lower() in event_text(epoch, event)


class EventTable(DataTable):
    BINDINGS: ClassVar[list[BindingType]] = [  # vim keys as well as arrows
        Binding("j", "cursor_down", "Down", show=False, id="events.down"),
        Binding("k", "cursor_up", "Up", show=False, id="events.up"),
    ]
    COMPONENT_CLASSES: ClassVar[set[str]] = DataTable.COMPONENT_CLASSES | {
        f"event-table--{t}" for t in TAGS
    }
    DEFAULT_CSS = """
    EventTable { height: 1fr; }
    EventTable > .event-table--ok { color: $success; }
    EventTable > .event-table--refused { color: $error; text-style: bold; }
    EventTable > .event-table--state { color: $accent; }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, cursor_type="row", zebra_stripes=True)
        self.epoch = datetime(2026, 1, 5)
        self.events: dict[int, Event] = {}  # shown rows by sequence number
        self._palette: tuple[Style, ...] = ()

    def on_mount(self) -> None:
        for key, label, width in COLUMNS:
            self.add_column(label, key=key, width=width)

    def _style(self, tag: str) -> Style:
        return self.get_component_rich_style(f"event-table--{tag}", partial=True)

    def cells(self, event: Event) -> tuple[object, ...]:
        if event.op == "state":
            result = Text(event.message, self._style("state"))
        elif event.ok:  # "no change": accepted, but the values were already set
            result = Text("no change" if event.message == NO_CHANGE else "ok", self._style("ok"))
        else:
            result = Text(event.code or "refused", self._style("refused"))
        return (event.seq, event_time(self.epoch, event), event.user, event.op, event.target,
                result, event.command)

    def add_events(self, events: Iterable[Event]) -> int:
        """Add events (any order) and keep newest first; returns how many were added."""
        added = 0
        for event in events:
            if event.seq in self.events:
                continue
            self.add_row(*self.cells(event), key=str(event.seq))
            self.events[event.seq] = event
            added += 1
        if not added:
            return 0
        excess = len(self.events) - MAX_ROWS
        if excess > 0:
            for seq in sorted(self.events)[:excess]:
                self.remove_row(str(seq))
                del self.events[seq]
        self._sort_keeping_cursor()
        return added

    def _sort_keeping_cursor(self) -> None:
        """Newest first. A cursor on the top row follows the newest event; elsewhere it stays
        on the event it was on (the user is reading it)."""
        keep = self.selected if self.cursor_row > 0 else None
        self.sort("seq", reverse=True)
        if keep is not None and keep.seq in self.events:
            self.move_cursor(row=self.get_row_index(str(keep.seq)), scroll=False)
        else:
            self.move_cursor(row=0, scroll=False)

    def reset(self, events: Iterable[Event]) -> None:
        """Show exactly these events (after a filter change)."""
        self.clear()
        self.events.clear()
        self.add_events(events)

    @property
    def selected(self) -> Event | None:
        if not self.row_count:
            return None
        key = self.coordinate_to_cell_key(self.cursor_coordinate).row_key.value
        return self.events.get(int(key)) if key is not None else None

    def notify_style_update(self) -> None:
        # A theme switch changes the result colours baked into the cells: redo those cells.
        super().notify_style_update()
        if not self.is_mounted:
            return
        palette = tuple(self._style(tag) for tag in TAGS)
        if palette != self._palette:
            self._palette = palette
            for seq, event in self.events.items():
                self.update_cell(str(seq), "result", self.cells(event)[RESULT_COLUMN])
