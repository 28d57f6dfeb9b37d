"""Browser logins: a random token in an HttpOnly cookie names a logged-in user.

The token is all a browser holds; the user's role is looked up in the user store each time a
console is started (the console's own connection re-checks it on every operation), so a demoted
or removed user gets no new console with the old rights. A login ends at logout, after
`idle` seconds without a request, or `lifetime` seconds after it was made.
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass

COOKIE = "hmc_tui_session"


@dataclass
class WebLogin:
    token: str
    user: str
    address: str
    created: float
    last_used: float


class WebLogins:
    def __init__(self, *, idle: float = 1800.0, lifetime: float = 8 * 3600.0,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.idle = idle
        self.lifetime = lifetime
        self._clock = clock
        self._logins: dict[str, WebLogin] = {}

    def __len__(self) -> int:
        return len(self._logins)

    def create(self, user: str, address: str) -> WebLogin:
        now = self._clock()
        login = WebLogin(secrets.token_urlsafe(32), user, address, now, now)
        self._logins[login.token] = login
        return login

    def get(self, token: str | None) -> WebLogin | None:
        """The login `token` names, still valid (and now used), or None."""
        if not token:
            return None
        login = self._logins.get(token)
        if login is None:
            return None
        now = self._clock()
        if now - login.last_used > self.idle or now - login.created > self.lifetime:
            del self._logins[token]
            return None
        login.last_used = now
        return login

    def remove(self, token: str) -> WebLogin | None:
        return self._logins.pop(token, None)

    def remove_user(self, user: str) -> None:
        for token in [t for t, login in self._logins.items() if login.user == user]:
            del self._logins[token]
