"""Events: the engine's journal, newest first, with the equivalent HMC command of each action.

Every operation any console runs (accepted or refused, with its HSCL code) and every lifecycle
state change is journaled by the engine. New events are appended to the table as snapshots
bring them; `/` filters incrementally by text and `s` hides the lifecycle ("state") events.
The line under the table shows the selected event's full command and message. Below it,
the serviceable events (the SRCs faults logged, `lssvcevents -t hardware`) with their
call-home state; `c` closes the selected one through the engine (CloseServiceEvent, a
superadmin task: a refusal is shown in the line under it).
"""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import DataTable, Input, Static

from engine.journal import Event
from engine.ops import CloseServiceEvent
from engine.snapshot import Snapshot
from hmc_tui.screens.host import console_host
from hmc_tui.screens.kept import KeptScreen
from hmc_tui.widgets.event_table import MAX_ROWS, EventTable, event_when, matches
from hmc_tui.widgets.footer import Footer
from hmc_tui.widgets.status_bar import StatusBar
from hmc_tui.widgets.svc_event_table import SvcEventTable


class FilterInput(Input):
    """The filter bar: escape leaves it (keeping the text), enter too."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "leave", "Close filter", id="events.filter_close"),
    ]

    def action_leave(self) -> None:
        screen = self.screen
        if isinstance(screen, EventsScreen):
            screen.close_filter()


class EventsScreen(KeptScreen):
    """The journal of operations and state changes."""

    TITLE = "Events"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("slash", "filter", "Filter", id="events.filter"),
        Binding("s", "toggle_states", "Hide/show states", id="events.states"),
        Binding("ctrl+l", "clear_filter", "Clear filter", id="events.clear_filter"),
        Binding("c", "close_svc_event", "Close svc event", id="events.close_svc"),
    ]

    DEFAULT_CSS = """
    EventsScreen { layout: vertical; }
    EventsScreen #events-title { height: 1; background: $panel; padding: 0 1; }
    EventsScreen #events-filter { display: none; border: tall $primary; }
    EventsScreen #events-filter.-open { display: block; }
    EventsScreen #events-detail { height: 2; padding: 0 1; background: $boost;
                                  color: $foreground; }
    EventsScreen #svc-title { height: 1; background: $panel; padding: 0 1; }
    EventsScreen #svc-table { height: 7; }
    EventsScreen #svc-detail { height: 1; padding: 0 1; color: $foreground; }
    """

    def __init__(self) -> None:
        super().__init__()
        self.filter_text = ""
        self.show_states = True
        self._last_seq = -1
        self._snap: Snapshot | None = None
        self._title = ""

    def compose(self) -> ComposeResult:
        yield Static("", id="events-title")
        yield FilterInput(placeholder="filter: user, operation, target, HSCL code, command...",
                          id="events-filter")
        yield EventTable(id="events-table")
        yield Static("", id="events-detail")
        yield Static("", id="svc-title")
        yield SvcEventTable(id="svc-table")
        yield Static("", id="svc-detail")
        yield StatusBar()
        yield Footer()

    def on_mount(self) -> None:
        self.table.focus()
        self._refresh_from_app()

    def on_screen_resume(self) -> None:
        self._refresh_from_app()

    @property
    def table(self) -> EventTable:
        return self.query_one("#events-table", EventTable)

    @property
    def svc_table(self) -> SvcEventTable:
        return self.query_one("#svc-table", SvcEventTable)

    # ------------------------------------------------------------------ the app contract
    def _refresh_from_app(self) -> None:
        self.show_snapshot(console_host(self).snapshot)

    def show_snapshot(self, snap: Snapshot) -> None:
        """Append the events that are new since the last snapshot (usually none)."""
        if not self.is_mounted:
            return
        first = self._snap is None
        self._snap = snap
        if first:
            self.table.epoch = snap.frame.system.epoch
            self.svc_table.epoch = snap.frame.system.epoch
        if self.svc_table.show(snap.frame.svc_events):
            svc = snap.frame.svc_events
            opened = sum(1 for e in svc if e.status == "Open")
            self.query_one("#svc-title", Static).update(
                f"Serviceable events · {opened} open of {len(svc)} · c closes the selected one"
                if svc else "Serviceable events · none")
        events = snap.events
        if events and events[-1].seq != self._last_seq:
            new: list[Event] = []
            for event in reversed(events):  # newest first; stop at what is already shown
                if event.seq <= self._last_seq:
                    break
                new.append(event)
            self._last_seq = events[-1].seq
            epoch = snap.frame.system.epoch
            shown = [e for e in new[:MAX_ROWS]
                     if matches(epoch, e, self.filter_text, self.show_states)]
            if shown:
                self.table.add_events(shown)
                self._update_detail()
        self._update_title()

    def _rebuild(self) -> None:
        """The filter changed: show the newest MAX_ROWS matching events from scratch."""
        if self._snap is None:
            return
        epoch = self._snap.frame.system.epoch
        shown: list[Event] = []
        for event in reversed(self._snap.events):
            if matches(epoch, event, self.filter_text, self.show_states):
                shown.append(event)
                if len(shown) >= MAX_ROWS:
                    break
        self.table.reset(shown)
        self._update_detail()
        self._update_title()

    def _update_title(self) -> None:
        total = len(self._snap.events) if self._snap else 0
        parts = [f"Events · {self.table.row_count} shown of {total}"]
        if not self.show_states:
            parts.append("lifecycle states hidden (s)")
        if self.filter_text:
            parts.append(f"filter: {self.filter_text}")
        title = " · ".join(parts)
        if title != self._title:
            self._title = title
            self.query_one("#events-title", Static).update(title)

    def _update_detail(self) -> None:
        event = self.table.selected
        if event is None:
            text = "No events." if not self.filter_text else "No event matches the filter."
        else:
            command = event.command or "(lifecycle event: no command)"
            outcome = "ok" if event.ok and not event.message else \
                f"{event.code} {event.message}".strip()
            when = f"{event_when(self.table.epoch, event):%m/%d/%Y %H:%M:%S}"
            text = (f"{command}\n#{event.seq} {when} · {event.user} ({event.role}) · "
                    f"{event.op} {event.target}"
                    f"{f' on {event.system}' if event.system else ''}: {outcome}")
        self.query_one("#events-detail", Static).update(text)

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self._update_detail()

    # ------------------------------------------------------------------ serviceable events
    async def action_close_svc_event(self) -> None:
        event = self.svc_table.selected
        detail = self.query_one("#svc-detail", Static)
        if event is None:
            detail.update("No serviceable event to close.")
            return
        if event.status == "Closed":
            detail.update(f"Problem {event.problem_num} is already closed.")
            return
        result = await console_host(self).run_operation(
            CloseServiceEvent(problem_num=event.problem_num))
        detail.update(f"Problem {event.problem_num} closed." if result.ok
                      else f"{result.code} {result.message}")

    # ------------------------------------------------------------------ filter
    def action_filter(self) -> None:
        bar = self.query_one("#events-filter", FilterInput)
        bar.add_class("-open")
        bar.focus()

    def close_filter(self) -> None:
        bar = self.query_one("#events-filter", FilterInput)
        if not bar.value:
            bar.remove_class("-open")
        self.table.focus()

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id == "events-filter":
            self.set_filter(event.value)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id == "events-filter":
            self.close_filter()

    def set_filter(self, text: str) -> None:
        text = text.strip()
        if text != self.filter_text:
            self.filter_text = text
            self._rebuild()

    def action_clear_filter(self) -> None:
        bar = self.query_one("#events-filter", FilterInput)
        bar.value = ""  # Input.Changed follows and rebuilds
        self.set_filter("")
        self.close_filter()

    def action_toggle_states(self) -> None:
        self.show_states = not self.show_states
        self._rebuild()
