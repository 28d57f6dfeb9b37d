"""The partitions table of the frame overview: live, filtered, sorted, narrow-terminal safe.

Built on Textual's DataTable, following docs/textual.md section 3: every row is
keyed by the partition id and every column by a short key, and each snapshot updates only the
cells whose text changed (and LiveDataTable re-renders only those cells). The table never
`clear()`s on a refresh (that resets the cursor and re-measures every row); it rebuilds only
when the set of visible columns changes (resize).

Two paths per snapshot: when the frame's partitions and pools are the very same objects as last
time (frozen models: nothing structural changed) only the physc figures of active partitions
are compared; otherwise every row is reconciled (add, remove, update changed cells, re-sort).
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, ClassVar

from rich.style import Style
from rich.text import Text
from textual.binding import Binding, BindingType
from textual.coordinate import Coordinate
from textual.events import Resize
from textual.message import Message
from textual.theme import Theme
from textual.widgets import DataTable
from textual.widgets.data_table import CellDoesNotExist, RowKey

from engine.model import ACTIVE_STATES, Frame, Partition, SharedPool
from engine.snapshot import Snapshot
from hmc_tui.formatting import ENV_LABELS, mem_gb, os_short, proc_mode, state_class, units
from hmc_tui.widgets.live_table import LiveDataTable

CELL_PADDING = 1  # DataTable's default: one space each side of every cell
SCROLLBAR = 2  # the vertical scrollbar's width when the rows overflow


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    width: int
    priority: int  # 0 is never hidden; the highest numbers go first when space runs out
    right: bool = False  # numbers are right-aligned


COLUMNS: tuple[Column, ...] = (
    Column("name", "Name", 12, 0),
    Column("id", "ID", 3, 2, right=True),
    Column("type", "Type", 9, 10),
    Column("state", "State", 13, 1),
    Column("refcode", "Ref code", 8, 3),
    Column("os", "OS", 13, 11),
    Column("mode", "Mode", 9, 12),
    Column("pu", "PU", 5, 4, right=True),
    Column("vps", "VPs", 3, 7, right=True),
    Column("mem", "Mem GB", 6, 6, right=True),
    Column("pool", "Pool", 11, 8),
    Column("rmc", "RMC", 8, 9),
    Column("physc", "Physc", 5, 5, right=True),
)
COLUMN_INDEX: dict[str, int] = {c.key: i for i, c in enumerate(COLUMNS)}
PHYSC = COLUMN_INDEX["physc"]
NAME_MAX = 24  # widest the name column grows for long partition names
LIVE_RESORT_SECONDS = 2.0  # a table sorted by a live figure (physc) re-sorts at most this often
PHYSC_SECONDS = 1.0  # wall seconds between repaints of the physc column on a running clock
PHYSC_MAX_WAIT = 3.0  # ... but no longer than this while keys keep coming
TYPING_SECONDS = 0.5  # a key within this many seconds means the user is typing
OS_MAX = 16  # widest the OS column grows when the terminal has room
# Columns the "/" filter searches (what an operator types: a name, a state, a type, an OS).
FILTERED = tuple(COLUMN_INDEX[k] for k in ("name", "type", "state", "refcode", "os", "pool"))

Values = tuple[str, ...]  # one text per column of COLUMNS


def static_values(p: Partition, frame: Frame) -> Values:
    """Every column but physc: these change only when the partition object changes."""
    res = p.settings()
    pool = "-"
    if res.shared:
        shared_pool = frame.pool(res.shared_proc_pool_id)
        pool = shared_pool.name if shared_pool else str(res.shared_proc_pool_id)
    return (
        p.name, str(p.id), ENV_LABELS.get(p.env, p.env), p.state, p.refcode, os_short(p),
        proc_mode(res), units(res.entitlement) if res.shared else str(res.desired_procs),
        str(res.desired_procs), mem_gb(res.desired_mem), pool, p.rmc_state, "",
    )


def physc_text(p: Partition, physc: dict[int, float]) -> str:
    if p.state not in ACTIVE_STATES or p.id not in physc:
        return "-"
    return f"{physc[p.id]:.2f}"


def _number(text: str) -> float:
    try:
        return float(text)
    except ValueError:
        return -1.0  # "-" sorts before every number


def sort_value(column: str, values: Values) -> Any:
    text = values[COLUMN_INDEX[column]]
    if COLUMNS[COLUMN_INDEX[column]].right:
        return (_number(text), values[0])
    return (text.lower(), values[0])


def fit_columns(width: int, name_width: int) -> list[Column]:
    """The columns that fit in `width` cells, dropping the highest priorities first; spare
    room widens the name (up to the longest name) and then the OS column."""
    budget = width - SCROLLBAR
    cols = [Column(c.key, c.label, name_width if c.key == "name" else c.width, c.priority,
                   c.right) for c in COLUMNS]

    def used(columns: Iterable[Column]) -> int:
        return sum(c.width + 2 * CELL_PADDING for c in columns)

    for col in sorted(cols, key=lambda c: -c.priority):
        if used(cols) <= budget or col.priority == 0:
            break
        cols.remove(col)
    spare = budget - used(cols)
    for i, col in enumerate(cols):
        if spare <= 0:
            break
        if col.key == "os":
            grow = min(spare, OS_MAX - col.width)
            cols[i] = Column(col.key, col.label, col.width + grow, col.priority, col.right)
            spare -= grow
    return cols


class PartitionTable(LiveDataTable):
    """One row per partition (key: the partition id as text)."""

    HELP_GROUP = "Partitions table"
    BINDINGS: ClassVar[list[BindingType]] = [
        # In help and the palette; the footer keeps its room for the partition actions.
        Binding("enter", "select_cursor", "Properties", show=False, id="lpar.properties"),
        Binding("j", "cursor_down", "Down", show=False, id="table.down"),
        Binding("k", "cursor_up", "Up", show=False, id="table.up"),
        Binding("g", "scroll_top", "First row", show=False, id="table.top"),
        Binding("G", "scroll_bottom", "Last row", show=False, id="table.bottom"),
    ]
    COMPONENT_CLASSES: ClassVar[set[str]] = DataTable.COMPONENT_CLASSES | {
        f"partition-table--{state_class(s)}"
        for s in ("Running", "Starting", "Not Activated", "Open Firmware", "Shutting Down",
                  "Error", "Not Available")
    }
    DEFAULT_CSS = """
    PartitionTable { height: 1fr; }
    PartitionTable > .partition-table--running { color: $lpar-running; }
    PartitionTable > .partition-table--starting { color: $lpar-starting; text-style: bold; }
    PartitionTable > .partition-table--not-activated { color: $lpar-not-activated; }
    PartitionTable > .partition-table--open-firmware { color: $lpar-open-firmware; }
    PartitionTable > .partition-table--shutting-down { color: $lpar-shutting-down;
        text-style: bold; }
    PartitionTable > .partition-table--error { color: $lpar-error; text-style: bold; }
    PartitionTable > .partition-table--not-available { color: $lpar-not-available; }
    """

    class ViewChanged(Message):
        """The count of shown rows, the filter or the sort changed (for captions)."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, cursor_type="row", cursor_foreground_priority="css")
        self.filter_text = ""
        self.sort_column = "id"
        self.sort_reverse = False
        self.total = 0  # partitions in the frame (the table may show fewer)
        self._static: dict[int, tuple[Partition, Values]] = {}  # by partition object
        self._values: dict[int, Values] = {}  # latest values of every partition
        self._shown: dict[int, Values] = {}  # what the table's rows show now
        self._keys: dict[int, RowKey] = {}
        self._active: list[Partition] = []  # the partitions whose physc can move
        self._columns: list[Column] = []
        self._name_width = COLUMNS[0].width
        self._state_styles: dict[str, Style] = {}
        self._parts: tuple[Partition, ...] | None = None
        self._pools: tuple[SharedPool, ...] | None = None
        self._static_pools: tuple[SharedPool, ...] | None = None
        self._resorted = 0.0  # monotonic time of the last live re-sort
        self._physc_at = 0.0  # monotonic time of the last physc repaint
        self._resort_due = False

    # ------------------------------------------------------------------ lifecycle
    def on_mount(self) -> None:
        self._state_styles = self._read_state_styles()
        self.app.theme_changed_signal.subscribe(self, self._theme_changed)

    def _theme_changed(self, _theme: Theme) -> None:
        self._state_styles = self._read_state_styles()
        if any(c.key == "state" for c in self._columns):
            for lpar_id, values in self._shown.items():
                self._set_cell(lpar_id, "state", values)

    def _read_state_styles(self) -> dict[str, Style]:
        styles = {}
        for name in self.COMPONENT_CLASSES:
            if name.startswith("partition-table--"):
                styles[name.removeprefix("partition-table--")] = self.get_component_rich_style(
                    name, partial=True)
        return styles

    def on_resize(self, event: Resize) -> None:
        self._fit(event.size.width)

    # ------------------------------------------------------------------ reading
    @property
    def selected_id(self) -> int | None:
        """The partition under the cursor."""
        if not self.row_count:
            return None
        try:
            key = self.coordinate_to_cell_key(Coordinate(self.cursor_row, 0)).row_key
        except CellDoesNotExist:
            return None
        return int(key.value) if key.value is not None else None

    def shown_ids(self) -> list[int]:
        """Partition ids in display order."""
        return [int(row.key.value) for row in self.ordered_rows if row.key.value is not None]

    def cell_text(self, lpar_id: int, column: str) -> str:
        """The text a cell shows (tests and palette use it)."""
        return self._shown[lpar_id][COLUMN_INDEX[column]]

    @property
    def visible_columns(self) -> list[str]:
        return [c.key for c in self._columns]

    # ------------------------------------------------------------------ writing
    def select(self, lpar_id: int) -> bool:
        """Move the cursor to a partition; clears a filter that hides it."""
        if lpar_id not in self._shown and lpar_id in self._values:
            self.set_filter("")
        if lpar_id not in self._shown:
            return False
        self.move_cursor(row=self.get_row_index(self._key(lpar_id)), animate=False)
        return True

    def set_filter(self, text: str) -> None:
        text = text.strip()
        if text == self.filter_text:
            return
        self.filter_text = text
        self._sync_rows()
        self.post_message(self.ViewChanged())

    def set_sort(self, column: str, reverse: bool | None = None) -> None:
        """Sort by a column; the same column again flips the order unless `reverse` says."""
        if reverse is None:
            reverse = not self.sort_reverse if column == self.sort_column else False
        self.sort_column, self.sort_reverse = column, reverse
        self._sort()
        self.post_message(self.ViewChanged())

    def on_data_table_header_selected(self, event: DataTable.HeaderSelected) -> None:
        """A click on a column header sorts by it (again: reverses)."""
        event.stop()
        if event.column_key.value is not None:
            self.set_sort(event.column_key.value)

    def show_snapshot(self, snap: Snapshot) -> None:
        frame = snap.frame
        if frame.partitions is self._parts and frame.pools is self._pools:
            # Only live figures moved. Repainting the physc column (a re-render of every
            # visible row) is most of the UI's work, so it happens once a second, as top
            # does, and waits while keys are coming in (up to PHYSC_MAX_WAIT) so it never
            # lands in the middle of someone's typing. A stepped clock (tests, replay)
            # moves only on purpose: every step is shown.
            now = time.monotonic()
            since = now - self._physc_at
            typing = now - getattr(self.app, "last_input", 0.0) < TYPING_SECONDS
            if snap.clock.mode == "stepped" or since >= PHYSC_MAX_WAIT or (
                    since >= PHYSC_SECONDS and not typing):
                self._physc_at = now
                self._update_physc(snap.physc)
            return
        self._parts, self._pools = frame.partitions, frame.pools
        self._refresh_static(frame)
        physc = snap.physc
        for p in frame.partitions:
            static = self._static[p.id][1]
            self._values[p.id] = (*static[:PHYSC], physc_text(p, physc))
        self._sync_rows()

    # ------------------------------------------------------------------ internals
    def _key(self, lpar_id: int) -> RowKey:
        key = self._keys.get(lpar_id)
        if key is None:
            key = self._keys[lpar_id] = RowKey(str(lpar_id))
        return key

    def _update_physc(self, physc: dict[int, float]) -> None:
        """The live-only path: nothing but physc can have changed."""
        show = any(c.key == "physc" for c in self._columns)
        moved = False
        for p in self._active:
            text = physc_text(p, physc)
            old = self._values[p.id]
            if old[PHYSC] == text:
                continue
            new = (*old[:PHYSC], text)
            self._values[p.id] = new
            if p.id in self._shown:
                self._shown[p.id] = new
                moved = True
                if show:
                    self.update_cell(self._key(p.id), "physc", Text(text, justify="right"))
        if moved and self.sort_column == "physc":
            self._live_resort()

    def _live_resort(self) -> None:
        # Sorting re-renders the whole table; for a figure that moves every tick, do it
        # every LIVE_RESORT_SECONDS (UI time, not engine time: it is about repaint cost).
        now = time.monotonic()
        if now - self._resorted >= LIVE_RESORT_SECONDS:
            self._resorted = now
            self._sort()

    def _refresh_static(self, frame: Frame) -> None:
        ids = set()
        pools_changed = frame.pools is not self._static_pools
        self._static_pools = frame.pools
        for p in frame.partitions:
            ids.add(p.id)
            cached = self._static.get(p.id)
            # Frozen models: the same object means unchanged (the pool name comes from the
            # frame's pools, so a change there redoes every row).
            if pools_changed or cached is None or cached[0] is not p:
                self._static[p.id] = (p, static_values(p, frame))
        for gone in set(self._static) - ids:
            del self._static[gone]
            self._values.pop(gone, None)
        self._active = [p for p in frame.partitions if p.state in ACTIVE_STATES]
        self.total = len(ids)
        longest = max((len(p.name) for p in frame.partitions), default=4)
        name_width = max(8, min(longest, NAME_MAX))
        if name_width != self._name_width:
            self._name_width = name_width
            self._columns = []  # force a rebuild with the new width
            self._fit(self.size.width)

    def _matches(self, values: Values) -> bool:
        if not self.filter_text:
            return True
        haystack = " ".join(values[i] for i in FILTERED).lower()
        return all(word in haystack for word in self.filter_text.lower().split())

    def _sync_rows(self) -> None:
        """Bring the rows in line with `_values`: remove, add, update changed cells, sort."""
        if not self._columns:
            self._fit(self.size.width)
            if not self._columns:
                return  # not laid out yet; the first resize builds the rows
        wanted = {i: v for i, v in self._values.items() if self._matches(v)}
        before = len(self._shown)
        cursor = self.selected_id
        for gone in [i for i in self._shown if i not in wanted]:
            self.remove_row(self._key(gone))
            del self._shown[gone]
        added = False
        resort = False
        live_resort = False
        sort_index = COLUMN_INDEX[self.sort_column]
        for lpar_id, values in wanted.items():
            old = self._shown.get(lpar_id)
            if old is None:
                self.add_row(*self._cells(values), key=str(lpar_id))
                self._shown[lpar_id] = values
                added = True
            elif old != values:
                self._shown[lpar_id] = values
                for col in self._columns:
                    i = COLUMN_INDEX[col.key]
                    if old[i] != values[i]:
                        self._set_cell(lpar_id, col.key, values)
                if old[sort_index] != values[sort_index]:
                    if sort_index == PHYSC:
                        live_resort = True
                    else:
                        resort = True
        if added or resort:
            self._sort(cursor)
        elif live_resort:
            self._live_resort()
        if added or len(self._shown) != before:
            self.post_message(self.ViewChanged())

    def _sort(self, keep: int | None = None) -> None:
        keep = self.selected_id if keep is None else keep
        by_name = {values[0]: values for values in self._shown.values()}
        column = self.sort_column

        def key(cells: tuple[Any, ...]) -> Any:
            # DataTable hands the row's cells, not its key: the name (column 0, always
            # shown, unique in a frame) finds the row's values.
            return sort_value(column, by_name[str(cells[0])])

        self.sort(key=key, reverse=self.sort_reverse)
        if keep is not None and keep in self._shown:
            self.move_cursor(row=self.get_row_index(self._key(keep)), animate=False)

    def _fit(self, width: int) -> None:
        if width <= 0:
            return
        columns = fit_columns(width, self._name_width)
        if [(c.key, c.width) for c in columns] == [(c.key, c.width) for c in self._columns]:
            return
        self._rebuild(columns)

    def _rebuild(self, columns: list[Column]) -> None:
        """New set of columns (resize): re-add every row, keep the cursor on its partition."""
        keep = self.selected_id
        self.clear(columns=True)
        self._columns = columns
        for col in columns:
            label = Text(col.label, justify="right" if col.right else "left")
            self.add_column(label, key=col.key, width=col.width)
        for lpar_id in sorted(self._shown):
            self.add_row(*self._cells(self._shown[lpar_id]), key=str(lpar_id))
        self._sync_rows()  # rows that arrived before the table had a size
        if self._shown:
            self._sort(keep)

    def _cells(self, values: Values) -> list[Text]:
        return [self._cell(col.key, values) for col in self._columns]

    def _cell(self, column: str, values: Values) -> Text:
        # Always Text: DataTable parses a str cell as markup on every re-render (slow, and
        # wrong for a name with "[" in it).
        text = values[COLUMN_INDEX[column]]
        if column == "state":
            return Text(text, style=self._state_styles.get(state_class(text), Style()))
        if COLUMNS[COLUMN_INDEX[column]].right:
            return Text(text, justify="right")
        return Text(text)

    def _set_cell(self, lpar_id: int, column: str, values: Values) -> None:
        self.update_cell(self._key(lpar_id), column, self._cell(column, values))
