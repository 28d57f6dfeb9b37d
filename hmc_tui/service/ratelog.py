"""Repeated log records, once per interval with a count.

A flood (300 idle connections, a password-guessing run, a process out of file descriptors)
makes the same few messages thousands of times a second: unthrottled, that wrote 66 MB of
"Too many open files" in minutes. `RepeatFilter` lets the first record of a kind through,
drops the repeats for `interval` seconds, and adds "(N more like this in the last S s)" to
the next one it lets through. A kind is the logger, the level and the message's first line
before formatting, so "failed password for %s from %s" is one kind whatever the names.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable


class RepeatFilter(logging.Filter):
    def __init__(self, interval: float = 10.0, *,
                 clock: Callable[[], float] = time.monotonic) -> None:
        super().__init__()
        self.interval = interval
        self._clock = clock
        self._kinds: dict[tuple[str, int, str], tuple[float, int]] = {}  # -> (shown at, dropped)

    def filter(self, record: logging.LogRecord) -> bool:
        template = str(record.msg).split("\n", 1)[0]
        kind = (record.name, record.levelno, template)
        now = self._clock()
        shown = self._kinds.get(kind)
        if shown is not None and now - shown[0] < self.interval:
            self._kinds[kind] = (shown[0], shown[1] + 1)
            return False
        if shown is not None and shown[1]:
            record.msg = (f"{record.msg} ({shown[1]} more like this in the last "
                          f"{now - shown[0]:.0f} s)")
        if len(self._kinds) > 1000:  # messages with varying templates must not grow this
            self._kinds.clear()
        self._kinds[kind] = (now, 0)
        return True
