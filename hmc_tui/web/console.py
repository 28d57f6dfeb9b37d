"""One browser console: textual-serve's AppService, with the SSH console's process rules.

textual-serve starts its command through a shell with the server's whole environment; a
console here is started like an SSH one (sshd.console_environment): the argv itself, a clean
environment naming the logged-in user, role and origin, its own process session so that the
whole group can be hung up, plus Textual's web driver settings that textual-serve sets. Like
an SSH console it is forked from the console template process when there is one (prefork.py:
imports done, shared copy-on-write), its stdin, stdout and stderr pipes to this server.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from asyncio.subprocess import Process
from collections.abc import Awaitable, Callable, Sequence
from importlib.metadata import version
from pathlib import Path
from typing import cast

from textual_serve.app_service import AppService
from textual_serve.download_manager import DownloadManager

from engine.roles import Actor
from hmc_tui.service.prefork import Prefork, can_fork
from hmc_tui.service.ptysession import hang_up
from hmc_tui.service.sshd import console_environment

log = logging.getLogger(__name__)


class WebConsole(AppService):
    """The console process behind one browser websocket."""

    def __init__(self, argv: Sequence[str], actor: Actor, origin: str, *,
                 write_bytes: Callable[[bytes], Awaitable[None]],
                 write_str: Callable[[str], Awaitable[None]],
                 close: Callable[[], Awaitable[None]],
                 download_manager: DownloadManager, hangup_grace: float = 3.0,
                 prefork: Prefork | None = None) -> None:
        super().__init__(" ".join(argv), write_bytes=write_bytes, write_str=write_str,
                         close=close, download_manager=download_manager)
        self.argv = list(argv)
        self.actor = actor
        self.origin = origin
        self.hangup_grace = hangup_grace
        self.prefork = prefork if prefork is not None and can_fork(argv) else None

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process is not None else None

    @property
    def process(self) -> Process | None:
        return self._process

    def _build_environment(self, width: int = 80, height: int = 24) -> dict[str, str]:
        env = console_environment("xterm-256color", self.actor, self.origin)
        env.update({
            "TEXTUAL_DRIVER": "textual.drivers.web_driver:WebDriver",
            "TEXTUAL_FPS": "60",
            "TEXTUAL_COLOR_SYSTEM": "truecolor",
            "TERM_PROGRAM": "textual",
            "TERM_PROGRAM_VERSION": version("textual-serve"),
            "COLUMNS": str(width),
            "ROWS": str(height),
        })
        return env

    async def _open_app_process(self, width: int = 80, height: int = 24) -> Process:
        env, cwd = self._build_environment(width, height), str(Path.home())
        if self.prefork is not None:
            # The parts of Process that textual-serve and hang_up use: pid, returncode,
            # wait(), stdin, stdout, stderr.
            process: Process = cast(Process, await self.prefork.spawn_pipes(self.argv, env, cwd))
        else:
            process = await asyncio.create_subprocess_exec(
                *self.argv, stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE,
                stderr=asyncio.subprocess.PIPE, env=env, cwd=cwd, start_new_session=True,
                close_fds=True)
        self._process = process
        assert process.stdin is not None
        self._stdin = process.stdin
        return process

    async def close(self) -> None:
        """Ask the console to quit (textual-serve's "quit" message), then hang up its process
        group if it lingers: a browser that went away must not leave a console running."""
        process = self._process
        with contextlib.suppress(Exception):
            await asyncio.wait_for(self.stop(), self.hangup_grace)
        if process is not None:
            await hang_up(process, self.hangup_grace, "browser console process")
