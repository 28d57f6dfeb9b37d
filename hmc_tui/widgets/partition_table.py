"""The partitions table of the frame overview: live, filtered, sorted, narrow-terminal safe.

Built on RowTable (Textual's line API, one cached line per row): every row is keyed by the
partition id, and each snapshot hands the table only the rows whose texts changed, so only
those lines are drawn again. Columns are dropped by priority when the terminal is narrow.

Two paths per snapshot: when the frame's partitions and pools are the very same objects as last
time (frozen models: nothing structural changed) only the physc figures can have moved, and
only the rows on screen are brought up to date (a 1000-partition frame shows ~30); the others
take the latest figures when they are drawn (scroll, resize, cursor), sorted, filtered or read
(`_fresh`). Otherwise every row is reconciled (add, remove, update changed rows, re-sort).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Mapping
from typing import Any, ClassVar

from rich.cells import cell_len
from rich.style import Style
from textual.binding import Binding, BindingType
from textual.events import Resize
from textual.message import Message

from engine.model import ACTIVE_STATES, Frame, Partition, SharedPool
from engine.snapshot import Snapshot
from hmc_tui.formatting import ENV_LABELS, mem_gb, os_short, proc_mode, state_class, units
from hmc_tui.widgets.row_table import CELL_PADDING, Column, RowTable, printable

__all__ = ["COLUMNS", "Column", "PartitionTable", "fit_columns", "sort_key", "sort_order"]

SCROLLBAR = 2  # the vertical scrollbar's width when the rows overflow

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
PHYSC_SECONDS = 0.9  # wall s between physc repaints (once a second: 0.1 s for timer jitter)
PHYSC_MAX_WAIT = 2.9  # ... but no longer than this while keys keep coming
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


def physc_text(p: Partition, physc: Mapping[int, float]) -> str:
    if p.state not in ACTIVE_STATES or p.id not in physc:
        return "-"
    return f"{physc[p.id]:.2f}"


def _number(text: str) -> float:
    try:
        number = float(text)
    except ValueError:
        return -1.0  # "-" sorts before every number
    return number if number == number else -1.0  # NaN would break the ordering


def sort_key(column: str) -> Callable[[tuple[int, Values]], Any]:
    """The value (id, values) rows are ordered by: the column's number or lower-cased text."""
    index = COLUMN_INDEX[column]
    if COLUMNS[index].right:
        return lambda row: _number(row[1][index])
    return lambda row: row[1][index].lower()


def sort_order(rows: Mapping[int, Values], column: str, reverse: bool) -> list[int]:
    """The ids ordered by one column, ascending or reversed; ties always by ascending id (a
    total order whatever the texts are). Python's sort is stable, also with reverse=True, so
    sorting the id-ordered rows keeps equal ones by id: a reversed column does not reverse
    its ties (Running partitions stay in ID order under "State descending")."""
    by_id = sorted(rows.items(), key=lambda row: row[0])
    return [lpar_id for lpar_id, _ in sorted(by_id, key=sort_key(column), reverse=reverse)]


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


class PartitionTable(RowTable):
    """One row per partition (key: the partition id)."""

    HELP_GROUP = "Partitions table"
    BINDINGS: ClassVar[list[BindingType]] = [
        # In help and the palette; the footer keeps its room for the partition actions.
        Binding("enter", "select_cursor", "Tasks (properties first)", show=False,
                id="lpar.properties"),
        Binding("j", "cursor_down", "Down", show=False, id="table.down"),
        Binding("k", "cursor_up", "Up", show=False, id="table.up"),
        Binding("g", "cursor_first", "First row", show=False, id="table.top"),
        Binding("G", "cursor_last", "Last row", show=False, id="table.bottom"),
    ]
    STATES = ("Running", "Starting", "Not Activated", "Open Firmware", "Shutting Down", "Error",
              "Not Available")
    COMPONENT_CLASSES: ClassVar[set[str]] = RowTable.COMPONENT_CLASSES | {
        f"partition-table--{state_class(s)}" for s in STATES
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
    value_index: ClassVar[Mapping[str, int]] = COLUMN_INDEX

    class ViewChanged(Message):
        """The count of shown rows, the filter or the sort changed (for captions)."""

    class Selected(Message):
        """Enter (or a click) on the cursor's partition."""

        def __init__(self, lpar_id: int) -> None:
            super().__init__()
            self.lpar_id = lpar_id

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.filter_text = ""
        self.sort_column = "id"
        self.sort_reverse = False
        self.total = 0  # partitions in the frame (the table may show fewer)
        self._static: dict[int, tuple[Partition, Values]] = {}  # by partition object
        self._values: dict[int, Values] = {}  # latest values of every partition
        self._active: dict[int, Partition] = {}  # the partitions whose physc can move
        # The latest physc figures, applied to a row's values when it is needed (`_fresh`):
        # `_physc_seen[id] == _physc_gen` when the row has them.
        self._physc: Mapping[int, float] = {}
        self._physc_gen = 0
        self._physc_seen: dict[int, int] = {}
        self._name_width = COLUMNS[0].width
        self._name_cells: dict[int, int] = {}  # partition id -> its name's width in cells
        self._state_styles: dict[str, Style] | None = None
        self._parts: tuple[Partition, ...] | None = None
        self._pools: tuple[SharedPool, ...] | None = None
        self._static_pools: tuple[SharedPool, ...] | None = None
        self._resorted = 0.0  # monotonic time of the last live re-sort
        self._physc_at = 0.0  # monotonic time of the last physc repaint
        self.sort_mark = (self.sort_column, self.sort_reverse)

    # ------------------------------------------------------------------ rendering hooks
    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._state_styles = None  # a theme switch changes the state colours

    def cell_style(self, column: str, text: str) -> Style | None:
        if column != "state":
            return None
        if self._state_styles is None:
            self._state_styles = {
                state_class(s): self.get_component_rich_style(
                    f"partition-table--{state_class(s)}", partial=True)
                for s in self.STATES
            }
        return self._state_styles.get(state_class(text))

    def row_chosen(self, key: int) -> None:
        self.post_message(self.Selected(key))

    def header_clicked(self, column: str) -> None:
        """A click on a column header sorts by it (again: reverses)."""
        self.set_sort(column)

    def on_resize(self, event: Resize) -> None:
        self._fit(event.size.width)

    # ------------------------------------------------------------------ reading
    @property
    def selected_id(self) -> int | None:
        """The partition under the cursor."""
        return self.cursor_key

    def shown_ids(self) -> list[int]:
        """Partition ids in display order."""
        return list(self.order)

    def cell_text(self, lpar_id: int, column: str) -> str:
        """The text a cell shows (tests and palette use it)."""
        return self.row_values(lpar_id)[COLUMN_INDEX[column]]

    def row_values(self, key: int) -> Values:
        """A shown row's texts with the latest physc (drawn, or read by `cell_text`)."""
        values = self.rows[key] = self._fresh(key)
        return values

    @property
    def visible_columns(self) -> list[str]:
        return [c.key for c in self.columns]

    # ------------------------------------------------------------------ writing
    def select(self, lpar_id: int) -> bool:
        """Move the cursor to a partition; clears a filter that hides it."""
        if lpar_id not in self.rows and lpar_id in self._values:
            self.set_filter("")
        index = self.index_of(lpar_id)
        if index is None:
            return False
        self.move_cursor(index)
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
        self.set_sort_mark(column, reverse)
        self._sort()
        self.post_message(self.ViewChanged())

    def show_snapshot(self, snap: Snapshot, *, last_input: float = 0.0) -> None:
        """Show `snap`; `last_input` is the monotonic time of the user's last key or click."""
        frame = snap.frame
        if frame.partitions is self._parts and frame.pools is self._pools:
            # Only live figures moved. The physc column is repainted once a second, as top
            # does, and waits while keys are coming in (up to PHYSC_MAX_WAIT) so neither the
            # repaint nor a live re-sort lands in the middle of someone's typing. A stepped
            # clock (tests, replay) moves only on purpose: every step is shown.
            now = time.monotonic()
            since = now - self._physc_at
            typing = now - last_input < TYPING_SECONDS
            if snap.clock.mode == "stepped" or since >= PHYSC_MAX_WAIT or (
                    since >= PHYSC_SECONDS and not typing):
                self._physc_at = now
                self._update_physc(snap.physc)
            return
        self._parts, self._pools = frame.partitions, frame.pools
        self._refresh_static(frame)
        physc = self._physc = snap.physc
        self._physc_gen += 1  # every row gets this snapshot's figure below
        for p in frame.partitions:
            static = self._static[p.id][1]
            self._values[p.id] = (*static[:PHYSC], physc_text(p, physc))
        self._sync_rows()

    # ------------------------------------------------------------------ internals
    def _update_physc(self, physc: dict[int, float]) -> None:
        """The live-only path: nothing but physc can have changed. The rows on screen are
        repainted where their figure moved; the others wait until they are needed (O(rows on
        screen) per refresh, not O(partitions)), unless a re-sort by physc is due."""
        self._physc = physc
        self._physc_gen += 1
        resort = self.sort_column == "physc" and self._resort_due()
        rows, order = self.rows, self.order
        keys = list(self._active) if resort else [order[i] for i in self.window()]
        # update_rows repaints the rows whose texts changed, if on screen.
        self.update_rows([(key, self._fresh(key)) for key in keys if key in rows])
        if resort:
            self._live_resort()

    def _fresh(self, lpar_id: int) -> Values:
        """A partition's values with the latest physc figure (computed once per snapshot)."""
        values = self._values[lpar_id]
        if self._physc_seen.get(lpar_id) != self._physc_gen:
            self._physc_seen[lpar_id] = self._physc_gen
            p = self._active.get(lpar_id)
            if p is not None:  # an inactive partition shows "-" until the frame changes
                text = physc_text(p, self._physc)
                if text != values[PHYSC]:
                    values = self._values[lpar_id] = (*values[:PHYSC], text)
        return values

    def _resort_due(self) -> bool:
        return time.monotonic() - self._resorted >= LIVE_RESORT_SECONDS

    def _live_resort(self) -> None:
        # A figure that moves every tick would reshuffle the rows under the user's eyes at
        # every repaint: re-sort at most every LIVE_RESORT_SECONDS (UI time).
        if self._resort_due():
            self._resorted = time.monotonic()
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
                if cached is None or cached[0].name != p.name:
                    self._name_cells[p.id] = cell_len(printable(p.name))
        for gone in set(self._static) - ids:
            del self._static[gone]
            self._name_cells.pop(gone, None)
            self._physc_seen.pop(gone, None)
            self._values.pop(gone, None)
        self._active = {p.id: p for p in frame.partitions if p.state in ACTIVE_STATES}
        self.total = len(ids)
        # Each name's width is measured when it changes (1000 names: 1.5 ms a frame change).
        longest = max(self._name_cells.values(), default=4)
        name_width = max(8, min(longest, NAME_MAX))
        if name_width != self._name_width:
            self._name_width = name_width
            self._fit(self.size.width)

    def _matches(self, values: Values) -> bool:
        if not self.filter_text:
            return True
        haystack = " ".join(values[i] for i in FILTERED).lower()
        return all(word in haystack for word in self.filter_text.lower().split())

    def _sync_rows(self) -> None:
        """Bring the rows in line with `_values`: remove, add, update changed rows, sort."""
        wanted = {i: self._fresh(i) for i, v in self._values.items() if self._matches(v)}
        before = len(self.rows)
        membership = wanted.keys() != self.rows.keys()
        resort = live_resort = False
        sort_index = COLUMN_INDEX[self.sort_column]
        if not membership:
            for lpar_id, values in wanted.items():
                old = self.rows[lpar_id]
                if old == values:
                    continue
                self.update_row(lpar_id, values)
                if old[sort_index] != values[sort_index]:
                    if sort_index == PHYSC:
                        live_resort = True
                    else:
                        resort = True
        if membership or resort:
            self._sort(rows=wanted)
        elif live_resort:
            self._live_resort()
        if membership or len(self.rows) != before:
            self.post_message(self.ViewChanged())

    def _sort(self, rows: Mapping[int, Values] | None = None) -> None:
        if rows is None:  # every row with the latest figures: they decide the order
            rows = {key: self._fresh(key) for key in self.rows}
        order = sort_order(rows, self.sort_column, self.sort_reverse)
        self.set_rows(rows, order, keep=self.cursor_key)

    def _fit(self, width: int) -> None:
        if width <= 0:
            return
        columns = fit_columns(width, self._name_width)
        if columns != self.columns:
            self.set_columns(columns)
