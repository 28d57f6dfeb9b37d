"""One interactive SSH session: a console process on its own PTY (docs/textual.md section 10).

The child gets the PTY as stdin/stdout/stderr *and as its controlling terminal* (TIOCSCTTY
after setsid): without that the kernel sends no SIGWINCH and resizes are silently lost.
Output is pumped PTY -> channel, pausing the PTY reader while the client is slow (so the
console process, not the server, waits for it); input channel -> PTY; window-change requests
become TIOCSWINSZ. When the client goes away first, the child's process group is hung up
(SIGHUP, then SIGKILL after a grace period): awaiting the child alone left consoles running.
When the console ends abnormally (a crash, a signal), the client's terminal is reset (it was
left on the alternate screen, with mouse reporting on) and told so in one line.
"""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import logging
import os
import pty
import signal
import struct
import termios
import time
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

import asyncssh

log = logging.getLogger(__name__)

OUT_HIGH = 256 * 1024  # channel bytes waiting for the client above which the PTY isn't read
IN_PENDING_MAX = 64 * 1024  # keystrokes the child hasn't read; beyond this they are dropped
# Leave the client's terminal usable when the server ends a session on its own (the console
# had switched to the alternate screen, mouse reporting and bracketed paste).
TERMINAL_RESET = (b"\x1b[?1049l\x1b[?1000l\x1b[?1002l\x1b[?1003l\x1b[?1006l\x1b[?1015l"
                  b"\x1b[?2004l\x1b[?25h\x1b[0m\r\n")


@dataclass
class PtyOutcome:
    exit_code: int | None  # None: the client went away (nothing to report to)
    reason: str  # "exited", "disconnected", "idle", "shutdown"


class Child(Protocol):
    """The console process as PtySession uses it: asyncio's Process, or one forked by the
    template process (prefork.ForkedChild)."""

    pid: int

    @property
    def returncode(self) -> int | None: ...

    async def wait(self) -> int: ...


def crash_notice(pid: int | None, code: int) -> bytes:
    """Logs a console process that ended by itself with `code` (negative: the signal that
    stopped it), and returns what its terminal (SSH or browser) is told."""
    what = (f"was stopped by signal {-code} ({signal.Signals(-code).name})" if code < 0
            else f"ended with exit status {code}")
    log.warning("console process %s %s", pid, what)
    return TERMINAL_RESET + (f"hmc-tui: the console {what}; the frame is unaffected. "
                             "Reconnect to start a new console.\r\n").encode()


async def hang_up(child: Child, grace: float, what: str = "console process") -> None:
    """SIGHUP to the whole process group (the console's session), SIGKILL if it lingers."""
    for sig, wait in ((signal.SIGHUP, grace), (signal.SIGKILL, 5.0)):
        if child.returncode is not None:
            return
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(child.pid, sig)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(child.wait(), wait)
    if child.returncode is None:
        log.error("%s %d survived SIGKILL", what, child.pid)


# (argv, env, cwd, pty slave fd) -> the started console: how a console is started instead of
# spawning argv (prefork.Prefork.spawn); it must make the slave the controlling terminal.
Spawner = Callable[[Sequence[str], Mapping[str, str], str | None, int], Awaitable[Child]]


def _set_size(fd: int, cols: int, rows: int) -> None:
    if cols > 0 and rows > 0:
        fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))


def _take_controlling_tty() -> None:
    # Runs in the child between fork and exec, after setsid (start_new_session=True) and after
    # the PTY slave became fd 0: one system call, no locks, so it is safe in a threaded parent.
    fcntl.ioctl(0, termios.TIOCSCTTY, 0)


class PtySession:
    """Run `argv` for `process` on a fresh PTY until either side ends."""

    def __init__(self, process: asyncssh.SSHServerProcess[bytes], argv: Sequence[str],
                 env: Mapping[str, str], *, cwd: str | None = None, idle_timeout: float = 0.0,
                 hangup_grace: float = 3.0,
                 on_spawn: Callable[[int], None] | None = None,
                 spawner: Spawner | None = None) -> None:
        self.process = process
        self.argv = list(argv)
        self.env = dict(env)
        self.cwd = cwd
        self.idle_timeout = idle_timeout
        self.hangup_grace = hangup_grace
        self.on_spawn = on_spawn
        self.spawner = spawner
        self.pid: int | None = None
        self.last_input = time.monotonic()
        self._master = -1
        self._pending_in = bytearray()
        self._out_closed = asyncio.Event()
        self._out_paused = False
        self._resume_task: asyncio.Task[None] | None = None
        self._loop = asyncio.get_running_loop()
        self._shutdown = asyncio.Event()

    def shutdown(self) -> None:
        """End the session from the server side (service stopping)."""
        self._shutdown.set()

    async def run(self) -> PtyOutcome:
        cols, rows, *_ = self.process.get_terminal_size()
        master, slave = pty.openpty()
        self._master = master
        try:
            _set_size(master, cols or 80, rows or 24)
            os.set_blocking(master, False)
            child: Child
            if self.spawner is not None:
                child = await self.spawner(self.argv, self.env, self.cwd, slave)
            else:
                child = await asyncio.create_subprocess_exec(
                    *self.argv, stdin=slave, stdout=slave, stderr=slave, env=self.env,
                    cwd=self.cwd, start_new_session=True, preexec_fn=_take_controlling_tty,
                    close_fds=True)
        except BaseException:
            os.close(master)
            os.close(slave)
            raise
        os.close(slave)  # the child holds it now; ours would keep the PTY open after it exits
        self.pid = child.pid
        if self.on_spawn is not None:
            self.on_spawn(child.pid)
        self._loop.add_reader(master, self._read_output)
        tasks = {
            asyncio.create_task(self._pump_input(), name="pty-input"): "disconnected",
            asyncio.create_task(child.wait(), name="pty-child"): "exited",
            asyncio.create_task(self._idle_watch(), name="pty-idle"): "idle",
            asyncio.create_task(self._shutdown.wait(), name="pty-shutdown"): "shutdown",
        }
        try:
            done, _ = await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
            reason = next(tasks[t] for t in tasks if t in done)
            if child.returncode is None:
                await hang_up(child, self.hangup_grace)
            else:
                # The console ended by itself: let its last output (screen reset) through.
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._out_closed.wait(), 1.0)
                reason = "exited"
        finally:
            for task in tasks:
                task.cancel()
            with contextlib.suppress(ValueError, OSError):
                self._loop.remove_reader(master)
                self._loop.remove_writer(master)
            os.close(master)
            if child.returncode is None:  # cancelled from outside: still no orphan
                await hang_up(child, self.hangup_grace)
        code = child.returncode if child.returncode is not None else 1
        if reason == "disconnected":
            return PtyOutcome(None, reason)
        if reason in ("idle", "shutdown"):
            return PtyOutcome(1, reason)
        if code != 0:
            self._report_crash(code)
        return PtyOutcome(code if code >= 0 else 128 - code, reason)

    def _report_crash(self, code: int) -> None:
        with contextlib.suppress(OSError, asyncssh.Error, ValueError):
            self.process.stdout.write(crash_notice(self.pid, code))

    # ------------------------------------------------------------------ output
    def _read_output(self) -> None:
        try:
            data = os.read(self._master, 65536)
        except BlockingIOError:
            return
        except OSError:  # EIO: every slave descriptor is closed, the console is gone
            data = b""
        if not data:
            self._loop.remove_reader(self._master)
            self._out_closed.set()
            return
        try:
            self.process.stdout.write(data)
        except (OSError, asyncssh.Error):
            self._loop.remove_reader(self._master)
            self._out_closed.set()
            return
        if self.process.channel.get_write_buffer_size() > OUT_HIGH and not self._out_paused:
            # The client is slow: stop reading the PTY until the channel drains, so the
            # backlog builds up in the console process (blocked on its own writes), not here.
            self._out_paused = True
            self._loop.remove_reader(self._master)
            self._resume_task = asyncio.create_task(self._resume_output())

    async def _resume_output(self) -> None:
        with contextlib.suppress(OSError, asyncssh.Error):
            await self.process.stdout.drain()
        self._out_paused = False
        if not self._out_closed.is_set() and self._master >= 0:
            with contextlib.suppress(ValueError, OSError):
                self._loop.add_reader(self._master, self._read_output)

    # ------------------------------------------------------------------ input
    async def _pump_input(self) -> None:
        while True:
            try:
                data = await self.process.stdin.read(4096)
            except asyncssh.TerminalSizeChanged as exc:
                self.last_input = time.monotonic()
                with contextlib.suppress(OSError):
                    _set_size(self._master, exc.width, exc.height)
                continue
            except (asyncssh.BreakReceived, asyncssh.SignalReceived):
                continue
            except (OSError, asyncssh.Error):
                return
            if not data:  # EOF, or the connection is gone
                return
            self.last_input = time.monotonic()
            self._write_input(data)

    def _write_input(self, data: bytes) -> None:
        if len(self._pending_in) + len(data) > IN_PENDING_MAX:
            return  # the console is not reading its terminal; don't buffer without bound
        first = not self._pending_in
        self._pending_in += data
        if first:
            self._flush_input()

    def _flush_input(self) -> None:
        try:
            written = os.write(self._master, self._pending_in)
        except BlockingIOError:
            written = 0
        except OSError:
            self._pending_in.clear()
            written = 0
        del self._pending_in[:written]
        with contextlib.suppress(ValueError, OSError):
            if self._pending_in:
                self._loop.add_writer(self._master, self._flush_input)
            else:
                self._loop.remove_writer(self._master)

    # ------------------------------------------------------------------ idle
    async def _idle_watch(self) -> None:
        if self.idle_timeout <= 0:
            await asyncio.Event().wait()  # never
        while True:
            remaining = self.last_input + self.idle_timeout - time.monotonic()
            if remaining <= 0:
                return
            await asyncio.sleep(remaining)
