"""Failed-login throttling per source address.

Every failed password costs the client a growing delay, and an address with `max_failures`
failures inside `window` seconds is refused outright until the oldest of them ages out,
whatever user name or credential it tries next (so one known account cannot be used to reset
the count while guessing another). Public-key attempts that don't match are not counted:
clients routinely offer several keys before the right one.

A password attempt is counted *before* its (slow) hash is checked: `begin()` reserves a
failure, which `succeeded()` releases. Counting only after the hash let 60 concurrent guesses
from one address all be checked while the count still read 0. `begin()` also caps the
attempts being checked at once, per address and in all, so no address can queue more hashing
work than the cap however many connections it opens.
"""

from __future__ import annotations

import contextlib
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

Refusal = Literal["blocked", "busy"]


@dataclass(eq=False)
class Attempt:
    """One password attempt being checked; its reserved failure is `stamp` in the address's
    failure times until `succeeded()` removes it or `failed()` keeps it."""

    address: str
    stamp: float
    open: bool = True


class LoginLimiter:
    def __init__(self, *, max_failures: int = 5, window: float = 300.0, delay: float = 1.0,
                 max_delay: float = 8.0, max_concurrent_per_address: int = 2,
                 max_concurrent: int = 16,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.max_failures = max_failures
        self.window = window
        self.base_delay = delay
        self.max_delay = max_delay
        self.max_concurrent_per_address = max_concurrent_per_address
        self.max_concurrent = max_concurrent
        self._clock = clock
        self._failures: dict[str, deque[float]] = {}
        self._checking: dict[str, int] = {}  # address -> attempts being checked

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

    @property
    def checking(self) -> int:
        """Password attempts being checked now, all addresses together."""
        return sum(self._checking.values())

    def begin(self, address: str) -> Attempt | Refusal:
        """Start checking a password from `address`: an Attempt (a failure reserved until
        `succeeded()`), or why not ("blocked": too many failures; "busy": too many attempts
        being checked, from this address or in all)."""
        if self.blocked(address):
            return "blocked"
        if (self._checking.get(address, 0) >= self.max_concurrent_per_address
                or self.checking >= self.max_concurrent):
            return "busy"
        stamp = self._record(address)
        self._checking[address] = self._checking.get(address, 0) + 1
        return Attempt(address, stamp)

    def succeeded(self, attempt: Attempt) -> None:
        """The password was right: its reserved failure is released."""
        if self._close(attempt):
            times = self._failures.get(attempt.address)
            if times is not None:
                with contextlib.suppress(ValueError):  # aged out already
                    times.remove(attempt.stamp)
                if not times:
                    del self._failures[attempt.address]

    def failed_attempt(self, attempt: Attempt) -> float:
        """The password was wrong: the reserved failure stays. Returns the delay (seconds)
        to impose before answering."""
        self._close(attempt)
        return self._delay(len(self._recent(attempt.address)))

    def failed(self, address: str) -> float:
        """Record a failure not reserved with begin(); returns the delay to impose."""
        self._record(address)
        return self._delay(len(self._recent(address)))

    def retry_after(self, address: str) -> float:
        """Seconds until `address` may try again (0 when not blocked)."""
        times = self._recent(address)
        if len(times) < self.max_failures:
            return 0.0
        return max(0.0, times[-self.max_failures] + self.window - self._clock())

    def _record(self, address: str) -> float:
        times = self._recent(address)
        stamp = self._clock()
        times.append(stamp)
        self._failures[address] = times
        if len(self._failures) > 10_000:  # a flood of addresses must not grow this forever
            self._prune()
        return stamp

    def _close(self, attempt: Attempt) -> bool:
        if not attempt.open:
            return False
        attempt.open = False
        left = self._checking.get(attempt.address, 0) - 1
        if left > 0:
            self._checking[attempt.address] = left
        else:
            self._checking.pop(attempt.address, None)
        return True

    def _delay(self, failures: int) -> float:
        return min(self.base_delay * 2 ** max(failures - 1, 0), self.max_delay)

    def _prune(self) -> None:
        for address in list(self._failures):
            self._recent(address)
