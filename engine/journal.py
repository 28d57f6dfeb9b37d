"""The event journal: every operation (accepted or refused) and notable state change."""

from __future__ import annotations

import threading

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


class Journal:
    """Append-only and bounded; readers take immutable tuples, so no reader ever sees a
    half-written event."""

    def __init__(self, limit: int = 20_000) -> None:
        self._events: tuple[Event, ...] = ()
        self._limit = limit
        self._seq = 0
        self._lock = threading.Lock()

    def add(self, **fields: object) -> Event:
        with self._lock:
            self._seq += 1
            event = Event(seq=self._seq, **fields)  # type: ignore[arg-type]
            events = (*self._events, event)
            self._events = events[-self._limit:] if len(events) > self._limit else events
            return event

    def events(self) -> tuple[Event, ...]:
        return self._events

    @property
    def last_seq(self) -> int:
        return self._seq
