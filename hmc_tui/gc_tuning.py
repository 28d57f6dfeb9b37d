"""Garbage collection for a long-running console: full collections while the user is idle.

A full (generation 2) collection stops every thread while it walks the heap; with a
1000-partition frame and Textual's render caches that is 100-200 ms, long enough to feel as a
dropped keystroke. The console therefore freezes the heap it has after the first paint (the
modules, the frame, the first table rows: never garbage), makes automatic full collections
rare, and runs one itself every FULL_EVERY seconds at a moment the user has not typed for
IDLE_FOR seconds, when objects have reached the oldest generation since the last one (at
least PROMOTIONS generation-1 collections): a console left idle allocates little, and a full
collection every 30 s there was 20 ms of CPU for nothing (0.07% of a core, a sixth of what an
idle console costs on the 1000-partition frame). Only for a console process of its own
(run_console): tests start many apps in one process and keep Python's defaults.
"""

from __future__ import annotations

import gc
import time

FULL_EVERY = 30.0  # seconds between full collections we run ourselves
IDLE_FOR = 2.0  # seconds without input before we may run one
RARE_FULL = 100  # generation-1 collections per automatic full collection (Python: 10)
# Generation-1 collections since the last full one before an idle one is worth it. Idle, a
# console makes about two a minute (its refreshes' short-lived objects); typing, dozens.
PROMOTIONS = 10


class IdleCollector:
    def __init__(self) -> None:
        now = time.monotonic()
        self.last_input = now
        self.last_full = now
        self.started = False

    def start(self) -> None:
        gc.freeze()
        first, second, _ = gc.get_threshold()
        gc.set_threshold(first, second, RARE_FULL)
        self.started = True

    def input_seen(self) -> None:
        self.last_input = time.monotonic()

    def tick(self) -> None:
        """Called on the UI's timer: collect if it is time and the user is idle."""
        now = time.monotonic()
        if (self.started and now - self.last_full >= FULL_EVERY
                and now - self.last_input >= IDLE_FOR and gc.get_count()[2] >= PROMOTIONS):
            gc.collect()
            self.last_full = now
