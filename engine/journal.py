"""The event journal: every operation (accepted or refused) and notable state change.

The journal in memory is what snapshots carry. With an operation log attached
(engine.durable) every event is also written to the frame's sqlite database: an accepted
operation's event in the same transaction as the operation, the others (refusals, lifecycle
state changes) with the next transaction or the next flush. `unsaved()` is what has not been
written yet; `restore()` loads the retained history of earlier runs at start.
"""

from __future__ import annotations

import threading
import time as wallclock
from collections.abc import Iterable

from pydantic import BaseModel, ConfigDict


class Event(BaseModel):
    model_config = ConfigDict(frozen=True)

    seq: int
    time: float  # engine seconds
    user: str
    role: str
    op: str  # operation kind ("activate") or "state" for lifecycle changes
    target: str  # partition, pool or "system"
    command: str  # the equivalent HMC command line ("" for lifecycle events)
    ok: bool
    code: str = ""  # HSCL code when refused
    message: str = ""  # the HSCL message, or a description of a state change
    wall: float = 0.0  # Unix time it happened: what audit retention (days) counts in
    system: str = ""  # the managed system's name when the HMC manages several ("" = the only)


# The message of an accepted operation that changed nothing (the values it sets were already
# there): journaled as what the user did, never as a change (no op-log record, no new frame).
NO_CHANGE = "no change"


class Journal:
    """Append-only and bounded; readers take immutable tuples, so no reader ever sees a
    half-written event."""

    def __init__(self, limit: int = 20_000) -> None:
        self._events: tuple[Event, ...] = ()
        self._limit = limit
        self._seq = 0
        self._unsaved: list[Event] = []
        self._lock = threading.Lock()

    def new(self, **fields: object) -> Event:
        """An event with the next sequence number, not yet in the journal (an operation's
        event is appended only once the operation is durable)."""
        with self._lock:
            self._seq += 1
            fields.setdefault("wall", wallclock.time())
            return Event.model_validate({**fields, "seq": self._seq})

    def append(self, events: Iterable[Event], *, saved: bool) -> None:
        """Make events visible; `saved` says whether they are already in the database."""
        with self._lock:
            fresh = tuple(events)
            if not saved:
                # Bounded like the journal: a database that stays unwritable for days must
                # not grow memory without end (the operations themselves were refused).
                self._unsaved = [*self._unsaved, *fresh][-self._limit:]
            merged = (*self._events, *fresh)
            self._events = merged[-self._limit:] if len(merged) > self._limit else merged

    def add(self, **fields: object) -> Event:
        """A new event, visible at once and written to the database later."""
        event = self.new(**fields)
        self.append((event,), saved=False)
        return event

    def unsaved(self) -> tuple[Event, ...]:
        with self._lock:
            return tuple(self._unsaved)

    def mark_saved(self, last_seq: int) -> None:
        """Events up to `last_seq` are in the database."""
        with self._lock:
            self._unsaved = [e for e in self._unsaved if e.seq > last_seq]

    def restore(self, events: Iterable[Event], last_seq: int) -> None:
        """Replace the contents with history from the database (oldest first, already
        saved); numbering continues after `last_seq`. Called at start, before any event."""
        with self._lock:
            history = tuple(events)
            self._events = history[-self._limit:]
            self._unsaved = []
            self._seq = last_seq

    def events(self) -> tuple[Event, ...]:
        return self._events

    @property
    def last_seq(self) -> int:
        return self._seq
