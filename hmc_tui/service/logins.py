"""Failed-login throttling per source address.

Every failed password costs the client a growing delay, and an address with `max_failures`
failures inside `window` seconds is refused outright until the oldest of them ages out,
whatever user name or credential it tries next (so one known account cannot be used to reset
the count while guessing another). Public-key attempts that don't match are not counted:
clients routinely offer several keys before the right one.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable


class LoginLimiter:
    def __init__(self, *, max_failures: int = 5, window: float = 300.0, delay: float = 1.0,
                 max_delay: float = 8.0, clock: Callable[[], float] = time.monotonic) -> None:
        self.max_failures = max_failures
        self.window = window
        self.base_delay = delay
        self.max_delay = max_delay
        self._clock = clock
        self._failures: dict[str, deque[float]] = {}

    def _recent(self, address: str) -> deque[float]:
        times = self._failures.get(address)
        if times is None:
            return deque()
        horizon = self._clock() - self.window
        while times and times[0] < horizon:
            times.popleft()
        if not times:
            del self._failures[address]
        return times

    def blocked(self, address: str) -> bool:
        return len(self._recent(address)) >= self.max_failures

    def failed(self, address: str) -> float:
        """Record a failure; returns the delay (seconds) to impose before answering."""
        times = self._recent(address)
        times.append(self._clock())
        self._failures[address] = times
        if len(self._failures) > 10_000:  # a flood of addresses must not grow this forever
            self._prune()
        return min(self.base_delay * 2 ** (len(times) - 1), self.max_delay)

    def retry_after(self, address: str) -> float:
        """Seconds until `address` may try again (0 when not blocked)."""
        times = self._recent(address)
        if len(times) < self.max_failures:
            return 0.0
        return max(0.0, times[-self.max_failures] + self.window - self._clock())

    def _prune(self) -> None:
        for address in list(self._failures):
            self._recent(address)
