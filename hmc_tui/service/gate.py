"""The front doors' shared gate: password checks (throttled per source address) and session
slots, one instance for SSH, the browser console and any other door of one service.

Sharing it is the point: five wrong passwords typed into the browser's login page block that
address over SSH too, and a user's browser consoles count against the same session limits as
their SSH consoles.
"""

from __future__ import annotations

import asyncio
import logging
from concurrent.futures import ThreadPoolExecutor
from typing import Literal

from hmc_tui.service.logins import Attempt, LoginLimiter
from hmc_tui.service.users import UserError, UserStore

log = logging.getLogger(__name__)

PasswordCheck = Literal["ok", "wrong", "blocked"]


class LoginGate:
    def __init__(self, store: UserStore, *, max_failures: int = 5, failure_window: float = 300.0,
                 login_delay: float = 1.0, max_login_delay: float = 8.0,
                 max_auth_per_address: int = 2, max_auth: int = 16, auth_workers: int = 1,
                 max_sessions: int = 32, max_sessions_per_user: int = 8,
                 reserved_admin_sessions: int = 4) -> None:
        self.store = store
        self.limiter = LoginLimiter(max_failures=max_failures, window=failure_window,
                                    delay=login_delay, max_delay=max_login_delay,
                                    max_concurrent_per_address=max_auth_per_address,
                                    max_concurrent=max_auth)
        # Password hashes have threads of their own: on the default executor, which runs
        # the HMC commands, 200 guesses queued ahead of a legitimate exec delayed it by 9 s.
        self.auth_executor = ThreadPoolExecutor(auth_workers, thread_name_prefix="hmc-auth")
        self._turns: asyncio.Condition | None = None  # attempts waiting for a check slot
        self.max_sessions = max_sessions
        self.max_sessions_per_user = max_sessions_per_user
        self.reserved_admin_sessions = reserved_admin_sessions
        self.sessions = 0
        self._user_sessions: dict[str, int] = {}

    def close(self) -> None:
        self.auth_executor.shutdown(wait=False, cancel_futures=True)

    # ------------------------------------------------------------------ passwords
    @property
    def _auth_turns(self) -> asyncio.Condition:
        if self._turns is None:  # made on first use: it belongs to the running loop
            self._turns = asyncio.Condition()
        return self._turns

    async def _next_turn(self) -> None:
        async with self._auth_turns:
            self._auth_turns.notify_all()

    async def check_password(self, address: str, username: str, password: str) -> PasswordCheck:
        """Whether `password` is `username`'s, throttled: the failure is counted before the
        hash is checked and released only if it was right; beyond the concurrency caps an
        attempt waits for its turn. A wrong password is answered after the growing delay."""
        turns = self._auth_turns
        async with turns:
            while (attempt := self.limiter.begin(address)) == "busy":
                await turns.wait()
        if attempt == "blocked":
            return "blocked"
        assert isinstance(attempt, Attempt)
        try:
            ok = await asyncio.get_running_loop().run_in_executor(
                self.auth_executor, self.store.verify_password, username, password)
        except UserError as exc:
            log.error("%s", exc)
            ok = False
        except BaseException:
            self.limiter.failed_attempt(attempt)
            await self._next_turn()
            raise
        if ok:
            self.limiter.succeeded(attempt)
            await self._next_turn()
            return "ok"
        delay = self.limiter.failed_attempt(attempt)
        await self._next_turn()
        log.warning("failed password for %s from %s", username, address)
        await asyncio.sleep(delay)
        return "wrong"

    def blocked(self, address: str) -> bool:
        return self.limiter.blocked(address)

    def retry_after(self, address: str) -> int:
        """Whole seconds until a blocked address may try again."""
        return int(self.limiter.retry_after(address)) + 1

    # ------------------------------------------------------------------ session slots
    @property
    def open_sessions(self) -> int:
        """Sessions users other than hmcsuperadmin may hold together (always at least one)."""
        return max(self.max_sessions - self.reserved_admin_sessions, 1)

    def refusal(self, username: str, role: str) -> str | None:
        """Why `username` may not open one more session now, or None."""
        if self.sessions >= self.max_sessions:
            return (f"the maximum number of sessions ({self.max_sessions}) is in use; "
                    "try again later.")
        if role != "hmcsuperadmin" and self.sessions >= self.open_sessions:
            return (f"all {self.open_sessions} sessions open to users other than hmcsuperadmin "
                    f"are in use ({self.max_sessions - self.open_sessions} of "
                    f"{self.max_sessions} are kept for hmcsuperadmin users); try again later.")
        mine = self._user_sessions.get(username, 0)
        if self.max_sessions_per_user and mine >= self.max_sessions_per_user:
            return (f"the user {username} already has {mine} sessions open, the most one user "
                    "may have; close one first.")
        return None

    def claim(self, username: str, role: str) -> str | None:
        """Take a session slot for `username`: None when taken (give it back with
        `release`), else why not."""
        why = self.refusal(username, role)
        if why is None:
            self.sessions += 1
            self._user_sessions[username] = self._user_sessions.get(username, 0) + 1
        return why

    def release(self, username: str) -> None:
        self.sessions -= 1
        left = self._user_sessions.get(username, 1) - 1
        if left > 0:
            self._user_sessions[username] = left
        else:
            self._user_sessions.pop(username, None)
