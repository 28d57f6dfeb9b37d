"""Pool utilisation: the HMC's shared processor pools with their utilisation over time.

A table of the active pools (live used / entitled, the configurable size apart from what was
available this interval, and a trend; a legend under it says which is which), the selected pool's
graph from the engine's utilisation samples (short-term every 5 s or long-term at the
frame's sample rate), its busiest partitions, and the engine clock's controls. Samples are
fetched only when a new one can exist (engine time passed the next sample time), so a 5 Hz
refresh with nothing new only patches the cells whose text changed.
"""

from __future__ import annotations

import math
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import ClassVar, Literal

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import DataTable, Static

from engine.model import Frame
from engine.service import OpResult
from engine.snapshot import PoolLive, Snapshot, UtilSeries
from hmc_tui.console import Console
from hmc_tui.hmccli.lshwres import physical_pool_size
from hmc_tui.screens.host import console_host
from hmc_tui.screens.kept import KeptScreen
from hmc_tui.widgets.footer import Footer
from hmc_tui.widgets.line_cached_table import LineCachedDataTable
from hmc_tui.widgets.partition_table import PHYSC_SECONDS
from hmc_tui.widgets.pool_data import (
    MAX_POINTS,
    EntitledHistory,
    history_label,
    join_samples,
    pool_series,
    sample_step,
)
from hmc_tui.widgets.pool_dialogs import ChangePoolDialog
from hmc_tui.widgets.pool_graph import PoolGraph, PoolSeries, sparkline
from hmc_tui.widgets.pool_members import PoolMembersTable
from hmc_tui.widgets.status_bar import StatusBar

SPEEDS = (1.0, 10.0, 60.0, 600.0, 3600.0)  # engine seconds per wall second
TREND_POINTS = 12
LIVE_SECONDS = PHYSC_SECONDS  # wall seconds between repaints of the live figures
# A new sample exists for every console at the same engine second: fifty consoles on Pools
# fetched at once (64 pools on a large frame), a burst every 5 s that keys queued behind.
# Each screen fetches up to this many engine seconds later, at a phase of its own.
FETCH_SPREAD = 1.0
POOL_COLUMNS = (  # key, label, width: 80 columns must hold the whole table
    ("id", "ID", 3),
    ("name", "Pool", 12),
    ("used", "Used", 5),
    ("entitled", "Entitled", 8),
    ("size", "Size", 5),  # configurable: stable (pool_size)
    ("avail", "Avail", 5),  # this interval: DefaultPool's moves with donated idle cycles
    ("reserved", "Resv", 5),
    ("members", "LPARs", 5),
    ("trend", "Trend", TREND_POINTS),
)
Interval = Literal["short", "long"]


def active_pools(frame: Frame) -> list[int]:
    """DefaultPool and every pool with a maximum (the HMC's 'configured' pools)."""
    return [p.id for p in frame.pools if p.is_default or p.max_proc_units > 0]


# One line at 80 columns. Size: the physical shared pool for DefaultPool (the cores no
# dedicated partition owns), the maximum for the others; Avail: DefaultPool's adds the idle
# cycles dedicated partitions donate, so it moves.
POOLS_LEGEND = "Size: configurable cores · Avail: usable this interval (+ donated idle cycles)"


def pool_size(frame: Frame, pid: int) -> float:
    """The configurable size of a pool, as the HMC's lshwres shows it: the physical shared
    pool for DefaultPool (configurable_pool_proc_units), max_pool_proc_units for the others."""
    pool = frame.pools[pid]
    return physical_pool_size(frame) if pool.is_default else float(pool.max_proc_units)


def speed_label(speed: float) -> str:
    return f"x{speed:g}"


@dataclass
class PoolView:
    """What the screen keeps per pool between refreshes: its samples as last read and what
    was made of them since (PoolsScreen._series)."""

    entitled: EntitledHistory = field(default_factory=EntitledHistory)
    samples: UtilSeries | None = None  # the newest MAX_POINTS + 1, as last read
    series: PoolSeries | None = None  # the graph's, made when first asked
    trend: PoolSeries | None = None  # its newest TREND_POINTS (the table's trend cell)

    def read(self, samples: UtilSeries | None) -> None:
        self.samples, self.series, self.trend = samples, None, None


class PoolsScreen(KeptScreen):
    """Shared processor pools: live figures, utilisation graph, busiest partitions, clock."""

    TITLE = "Pool utilisation"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("right_square_bracket", "next_pool", "Next pool", id="pools.next"),
        Binding("left_square_bracket", "prev_pool", "Prev pool", id="pools.prev"),
        Binding("plus,equals_sign", "faster", "Faster", id="pools.faster"),
        Binding("minus", "slower", "Slower", id="pools.slower"),
        Binding("p", "toggle_pause", "Pause/resume", id="pools.pause"),
        Binding("h", "toggle_history", "Short/long", id="pools.history"),
        Binding("c", "change_pool", "Change pool", id="pools.change"),
        Binding("j", "next_pool", "Next pool", show=False, id="pools.down"),
        Binding("k", "prev_pool", "Prev pool", show=False, id="pools.up"),
    ]

    DEFAULT_CSS = """
    PoolsScreen { layout: vertical; }
    PoolsScreen #pools-clock { height: 1; background: $panel; color: $foreground; padding: 0 1; }
    PoolsScreen #pools-clock.-paused { background: $warning 30%; }
    PoolsScreen #pools-table { height: auto; max-height: 25%; }
    PoolsScreen #pools-legend { height: auto; color: $foreground-muted; padding: 0 1; }
    PoolsScreen #pools-graph { height: 1fr; min-height: 6; }
    PoolsScreen #pools-members-title { height: 1; color: $primary; text-style: bold;
                                       padding: 0 1; }
    PoolsScreen #pools-members { max-height: 30%; }
    PoolsScreen #pools-message { height: auto; padding: 0 1; }
    PoolsScreen #pools-message.-error { color: $error; text-style: bold; }
    PoolsScreen #pools-message.-ok { color: $success; }
    PoolsScreen #pools-message:disabled { display: none; }
    """

    def __init__(self) -> None:
        super().__init__()
        self.pool_id = 0  # the selected pool
        self.interval: Interval = "short"
        self._views: dict[int, PoolView] = {}
        self._pools: list[int] = []
        self._frame_version = -1
        self._version = -1
        self._next_fetch = -1.0  # engine time at which a new sample can exist
        self._fetch_phase = random.uniform(0.0, FETCH_SPREAD)  # ... and this one fetches
        self._rate = 30  # the frame's sample rate (lslparutil -r config)
        self._cells: dict[tuple[int, str], str] = {}
        self._snap: Snapshot | None = None
        self._texts: dict[str, str] = {}
        self._live_at = 0.0  # monotonic time the live figures were last shown
        self._live_version = -1  # the snapshot whose live figures are shown

    # ------------------------------------------------------------------ layout
    def compose(self) -> ComposeResult:
        yield Static("", id="pools-clock")
        # Its live cells change every second: only their lines are drawn again.
        table = LineCachedDataTable(id="pools-table", cursor_type="row")
        yield table
        yield Static(POOLS_LEGEND, id="pools-legend")
        yield PoolGraph(id="pools-graph")
        yield Static("", id="pools-members-title")
        yield PoolMembersTable(id="pools-members")
        yield Static("", id="pools-message", disabled=True)
        yield StatusBar()
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one("#pools-table", DataTable)
        for key, label, width in POOL_COLUMNS:
            table.add_column(label, key=key, width=width)
        table.focus()
        self.query_one("#pools-members", PoolMembersTable).can_focus = False
        self._refresh_from_app()

    def on_screen_resume(self) -> None:
        # What changed while away, and the live figures of now (not a second late), but no
        # samples fetched (a round trip per pool to a served console's engine) unless a new
        # one can exist, and nothing drawn again that did not change: see docs/scale.md.
        self.show_snapshot(console_host(self).snapshot, current=True)

    # ------------------------------------------------------------------ the app contract
    @property
    def hmc(self) -> Console:
        """The app's HMC console."""
        return console_host(self).hmc_console

    def _refresh_from_app(self) -> None:
        self.show_snapshot(console_host(self).snapshot, force=True)

    def show_snapshot(self, snap: Snapshot, force: bool = False, current: bool = False) -> None:
        """Apply a newer snapshot: structure when the frame changed, then live figures.
        `force`: the samples fetched and everything shown again; `current`: the live figures
        of `snap` shown now (else at most once every LIVE_SECONDS)."""
        if not self.is_mounted:
            return
        if snap.version == self._version and not force and (
                not current or snap.version == self._live_version):
            return
        self._version = snap.version
        self._snap = snap
        with self.app.batch_update():
            structural = snap.frame_version != self._frame_version
            if structural:
                self._frame_version = snap.frame_version
                self._sync_pool_rows(snap.frame)
                if snap.frame.system.sample_rate != self._rate:  # chlparutil -r config
                    self._rate = snap.frame.system.sample_rate
                    self._next_fetch = -1.0
            live = {p.pool_id: p for p in snap.pools}
            for pid in self._pools:
                entitled = live[pid].entitled if pid in live else snap.frame.pool_entitled(pid)
                self._view(pid).entitled.observe(snap.time, entitled)
            phase = 0.0 if snap.clock.mode == "stepped" else self._fetch_phase  # tests, replay
            fetched = force or snap.time >= self._next_fetch + phase
            if fetched:
                self._fetch(snap)
            # The live figures (every pool's used and available cores, the busiest
            # partitions) move with every snapshot, 5 a second; DataTable draws the whole
            # table again for any changed cell. Shown once a second, as the overview's physc
            # column; a stepped clock (tests, replay) moves only on purpose: every step shown.
            now = time.monotonic()
            if (fetched or structural or current or snap.clock.mode == "stepped"
                    or now - self._live_at >= LIVE_SECONDS):
                self._live_at = now
                self._live_version = snap.version
                self._update_pool_cells(snap, live)
                self._update_selected(snap, live.get(self.pool_id))
            self._update_clock(snap)

    # ------------------------------------------------------------------ pools table
    def _view(self, pid: int) -> PoolView:
        if pid not in self._views:
            self._views[pid] = PoolView()
        return self._views[pid]

    def _series(self, pid: int, trend: bool = False) -> PoolSeries:
        """The pool's graph series (`trend`: only its newest TREND_POINTS), made from its
        samples when first asked after a read. Every pool's 600 points made again on each
        new sample cost 40-90 ms for the 64 pools of a 1000-partition frame, every 5 s and
        on the first key after a pause, for the one pool the graph shows."""
        view = self._view(pid)
        made = view.trend if trend else view.series
        if made is None:
            made = (PoolSeries(interval=sample_step(self.interval, self._rate))
                    if view.samples is None else
                    pool_series(view.samples, view.entitled, self.interval, self._rate,
                                n=TREND_POINTS if trend else MAX_POINTS))
            if trend:
                view.trend = made
            else:
                view.series = made
        return made

    def _sync_pool_rows(self, frame: Frame) -> None:
        """Add and remove pool rows only when pools were (de)activated."""
        table = self.query_one("#pools-table", DataTable)
        wanted = active_pools(frame)
        if wanted != self._pools:
            keep = self.pool_id
            for pid in self._pools:
                if pid not in wanted:
                    table.remove_row(f"pool-{pid}")
                    self._views.pop(pid, None)
                    for key, _, _ in POOL_COLUMNS:
                        self._cells.pop((pid, key), None)
            for pid in wanted:
                if pid not in self._pools:
                    table.add_row(str(pid), *([""] * (len(POOL_COLUMNS) - 1)),
                                  key=f"pool-{pid}")
                    self._cells[(pid, "id")] = str(pid)
            if len(wanted) > 1:  # new rows land at the end: keep them in pool id order
                table.sort("id", key=lambda cell: int(str(cell)))
            self._pools = wanted
            self._next_fetch = -1.0  # a newly active pool needs its samples now
            self.pool_id = keep if keep in wanted else (wanted[0] if wanted else 0)
            if wanted:
                table.move_cursor(row=table.get_row_index(f"pool-{self.pool_id}"))
        for pid in wanted:
            pool = frame.pools[pid]
            self._set_cell(pid, "name", pool.name)
            self._set_cell(pid, "size", f"{pool_size(frame, pid):.2f}")
            self._set_cell(pid, "reserved",
                           "-" if pool.is_default else f"{pool.reserved_proc_units:.2f}")
            self._set_cell(pid, "members", str(len(frame.pool_members(pid))))

    def _set_cell(self, pid: int, column: str, value: str) -> None:
        if self._cells.get((pid, column)) != value:
            self._cells[(pid, column)] = value
            self.query_one("#pools-table", DataTable).update_cell(f"pool-{pid}", column, value)

    def _update_pool_cells(self, snap: Snapshot, live: dict[int, PoolLive]) -> None:
        for pid in self._pools:
            p = live.get(pid)
            entitled = p.entitled if p else snap.frame.pool_entitled(pid)
            self._set_cell(pid, "used", f"{p.used:.2f}" if p else "-")
            self._set_cell(pid, "entitled", f"{entitled:.2f}")
            self._set_cell(pid, "avail", f"{p.size:.2f}" if p else "-")
            s = self._series(pid, trend=True)
            self._set_cell(pid, "trend", sparkline(s.used, max(s.size, default=0.0)))

    # ------------------------------------------------------------------ samples
    def _fetch(self, snap: Snapshot) -> None:
        """Pull the samples of every active pool (only when a new one may exist): those
        after the ones held, or the graph's whole width when there are none."""
        step = sample_step(self.interval, self._rate)
        keep = MAX_POINTS + 1
        views = [self._view(pid) for pid in self._pools]
        # One round trip for every pool (64 on a large frame). After the first, only what
        # is new and the last sample held, to join them: fifty consoles waking at once each
        # asked for every pool's 601 samples, and the service answered them one by one.
        last = keep
        held = [v.samples for v in views]
        if self._next_fetch >= 0 and step > 0 and all(h is not None and h.times for h in held):
            newest = min(h.times[-1] for h in held if h is not None)
            last = min(keep, int((snap.time - newest) // step) + 2)
        utils = self.hmc.utilisations("pool", self._pools, self.interval, last=last)
        joined = [u if last == keep or h is None else join_samples(h, u, keep)
                  for h, u in zip(held, utils, strict=True)]
        if any(j is None for j in joined):  # a gap (history restarted): read it all again
            joined = list(self.hmc.utilisations("pool", self._pools, self.interval, last=keep))
        latest = -1.0
        for view, util in zip(views, joined, strict=True):
            assert util is not None
            if util is not view.samples:
                view.read(util)
            if util.times:
                latest = max(latest, util.times[-1])
        # Empty history (no dispatcher yet, or just started): look again a second later;
        # sampling off (rate 0): nothing new until the rate changes.
        self._next_fetch = (snap.time + 1.0 if latest < 0 else
                            latest + step if step > 0 else math.inf)

    def _update_selected(self, snap: Snapshot, live: PoolLive | None) -> None:
        frame = snap.frame
        pool = frame.pools[self.pool_id]
        entitled = live.entitled if live else frame.pool_entitled(self.pool_id)
        figures = (live.used if live else None, entitled, live.size if live else None)
        history = history_label(self.interval, self._rate)
        self.query_one("#pools-graph", PoolGraph).set_series(
            self._series(self.pool_id), frame.system.epoch,
            f"{pool.name} (ID {pool.id}) · {history}", figures)
        members = self.query_one("#pools-members", PoolMembersTable)
        members.show(frame, snap.physc, self.pool_id, live.size if live else 0.0)
        title = f"Busiest partitions in {pool.name} by physical cores used"
        if members.others:
            title += f" · {members.others} more use {members.others_physc:.2f} cores"
        self._set_text("#pools-members-title", title)

    def _update_clock(self, snap: Snapshot) -> None:
        clock = snap.clock
        state = "PAUSED" if clock.paused else "running"
        text = (f"Engine time {snap.wall:%m/%d/%Y %H:%M:%S} · clock {clock.mode} "
                f"{speed_label(clock.speed)} · {state}")
        if self._set_text("#pools-clock", text):
            self.query_one("#pools-clock").set_class(clock.paused, "-paused")

    def _set_text(self, selector: str, text: str) -> bool:
        if self._texts.get(selector) == text:
            return False
        self._texts[selector] = text
        # One line each (height 1 in the CSS): a new text needs no layout of the screen.
        self.query_one(selector, Static).update(text, layout=False)
        return True

    # ------------------------------------------------------------------ selection
    def select_pool(self, pid: int) -> None:
        if pid not in self._pools:
            return
        table = self.query_one("#pools-table", DataTable)
        row = table.get_row_index(f"pool-{pid}")
        if table.cursor_row != row:
            table.move_cursor(row=row)  # RowHighlighted follows and lands in _select
        self._select(pid)

    def _select(self, pid: int) -> None:
        if pid == self.pool_id and self._snap is not None:
            return
        self.pool_id = pid
        if self._snap is not None:
            live = {p.pool_id: p for p in self._snap.pools}
            self._update_selected(self._snap, live.get(pid))

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        if event.data_table.id != "pools-table" or event.row_key.value is None:
            return
        self._select(int(event.row_key.value.removeprefix("pool-")))

    def _step_pool(self, delta: int) -> None:
        if not self._pools:
            return
        i = self._pools.index(self.pool_id) if self.pool_id in self._pools else 0
        self.select_pool(self._pools[(i + delta) % len(self._pools)])

    def action_next_pool(self) -> None:
        self._step_pool(1)

    def action_prev_pool(self) -> None:
        self._step_pool(-1)

    # ------------------------------------------------------------------ clock
    def _change_clock(self, change: Callable[[], None], done: str) -> None:
        """Through the app's clock helper (it reports a refusal: the clock is shared)."""
        console_host(self).clock(change, done)
        self.show_snapshot(self.hmc.snapshot())

    def action_faster(self) -> None:
        speed = self.hmc.snapshot().clock.speed
        faster = next((s for s in SPEEDS if s > speed + 1e-9), SPEEDS[-1])
        self._change_clock(lambda: self.hmc.set_speed(faster), f"Engine clock: {faster:g}×")

    def action_slower(self) -> None:
        speed = self.hmc.snapshot().clock.speed
        slower = next((s for s in reversed(SPEEDS) if s < speed - 1e-9), SPEEDS[0])
        self._change_clock(lambda: self.hmc.set_speed(slower), f"Engine clock: {slower:g}×")

    def action_toggle_pause(self) -> None:
        console = self.hmc
        if console.snapshot().clock.paused:
            self._change_clock(console.resume, "Engine clock running")
        else:
            self._change_clock(console.pause, "Engine clock paused")

    def action_toggle_history(self) -> None:
        self.interval = "long" if self.interval == "short" else "short"
        for view in self._views.values():  # the other history's samples
            view.read(None)
        if self._snap is not None:
            self._fetch(self._snap)
            self.show_snapshot(self._snap, force=True)

    # ------------------------------------------------------------------ change pool
    def action_change_pool(self) -> None:
        if self._snap is None:
            return
        self.app.push_screen(ChangePoolDialog(self._snap.frame, self.pool_id),
                             self._after_change)

    def _after_change(self, result: OpResult | None) -> None:
        if result is None:
            return
        self.show_message(f"Done: {result.event.command}", ok=True)
        self.show_snapshot(self.hmc.snapshot())

    def show_message(self, text: str, ok: bool) -> None:
        line = self.query_one("#pools-message", Static)
        line.update(text)
        line.disabled = not text
        line.set_class(ok, "-ok")
        line.set_class(not ok, "-error")
