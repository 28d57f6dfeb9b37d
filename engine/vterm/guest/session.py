"""The console of an AIX, Linux or VIOS partition once the firmware hands over: the OS's
boot messages, its login (password not echoed), a shell, the shutdown lines.

Phases: "boot" (stages printed as engine time passes, the rest at once when the OS is up)
-> "login" -> "password" -> "shell" -> "down" (the partition is shutting down: keys are
ignored). A session opened on a partition whose OS is already up starts at its login
prompt. `lparstat N [M]` / `mpstat N [M]` / `vmstat N [M]` typed alone run live: one report
every N engine seconds from the dispatcher's figures, ^C stops them; in a pipeline they
answer at once.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from engine.model import Partition
from engine.ops.base import Operation
from engine.vterm.guest import boot
from engine.vterm.guest.shell import Dialect, Env, GuestShell
from engine.vterm.guest.users import check_password
from engine.vterm.lineedit import EOF, INTERRUPT, LineEditor
from engine.vterm.program import TermIO

LIVE = re.compile(r"^\s*(lparstat|mpstat|vmstat)\s+(\d+)(?:\s+(\d+))?\s*$")
MAX_REPORTS = 1000  # an interval command without a count stops after this many


def os_up(p: Partition) -> bool:
    """The OS has finished booting: running with its progress code cleared."""
    return p.state == "Running" and p.refcode == ""


def crlf(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\n", "\r\n")


@dataclass
class LiveJob:
    """An interval command printing on its own: every `interval` seconds, `left` times."""

    report: Callable[[TermIO], list[str]]
    interval: float
    left: int
    next_at: float


class GuestSession:
    def __init__(self, family: str, dialect: Callable[[str], Dialect],
                 boot_stages: Callable[[TermIO, datetime], list[boot.Stage]],
                 prompt: Callable[[Env], str], password_prompt: Callable[[str], str],
                 bad_login: str, motd: Callable[[Env], str],
                 live: Callable[[Env, str, int, int], LiveJob | None] | None = None) -> None:
        self.family = family
        self.dialect = dialect
        self.boot_stages = boot_stages
        self.prompt = prompt
        self.password_prompt = password_prompt
        self.bad_login = bad_login
        self.motd = motd
        self.live = live
        self.phase = "boot"
        self.stages: list[boot.Stage] = []
        self.t0 = 0.0
        self.line = LineEditor()
        self.user = ""
        self.shell: GuestShell | None = None
        self.env: Env | None = None
        self.outer: list[tuple[GuestShell, Env]] = []  # shells left by oem_setup_env, su
        self.question: tuple[str, Callable[[], None]] | None = None  # asked, waiting for y/n
        self.job: LiveJob | None = None
        self.going_down = False  # this OS asked for its own shutdown (lines printed)
        self.restart = False
        self.login_time: datetime | None = None

    # ------------------------------------------------------------------ Program
    def start(self, io: TermIO) -> None:
        if self.phase == "boot" and not self.stages and os_up(io.partition):
            self._login(io)
            return
        if self.phase == "boot" and not self.stages:
            self.t0 = io.now
            self.stages = self.boot_stages(io, self._wall(io))
            self._boot(io)
            return
        self._redraw(io)

    def tick(self, io: TermIO) -> None:
        p = io.partition
        if p.state == "Shutting Down" or not p.active:
            if self.phase != "down":
                self.phase = "down"
                self.job = None
                if not self.going_down:
                    self._write_lines(io, boot.shutdown_lines(self.family, False,
                                                              self._wall(io)))
            return
        if self.phase == "boot":
            self._boot(io)
        while self.job is not None and io.now >= self.job.next_at:
            self._job_report(io)

    def feed(self, data: str, io: TermIO) -> None:
        if self.phase in ("boot", "down"):
            return  # the OS is not reading its console yet / any more
        for entry in self.line.feed(data, io):
            if self.phase == "login":
                self._got_user(entry, io)
            elif self.phase == "password":
                self._got_password(entry, io)
            elif self.phase == "shell":
                self._got_command(entry, io)
            if self.phase == "down":
                return

    # ------------------------------------------------------------------ phases
    def _wall(self, io: TermIO) -> datetime:
        return Env(io, self, self.user).wall()

    def _write_lines(self, io: TermIO, lines: list[str]) -> None:
        io.write("".join(line + "\r\n" for line in lines))

    def _boot(self, io: TermIO) -> None:
        up = os_up(io.partition)
        while self.stages and (up or io.now - self.t0 >= self.stages[0][0]):
            self._write_lines(io, self.stages.pop(0)[1])
        if up:
            self._login(io)

    def _login(self, io: TermIO) -> None:
        self.phase = "login"
        self.line = LineEditor()
        io.write(boot.login_banner(io.partition, self.family))

    def _login_again(self, io: TermIO) -> None:
        self.phase = "login"
        self.line = LineEditor()
        io.write(boot.login_banner(io.partition, self.family).lstrip("\r\n")
                 .split("\r\n")[-1])

    def _redraw(self, io: TermIO) -> None:
        """A new session opened on this program: show where it is."""
        if self.phase == "login":
            self._login(io)
        elif self.phase == "password":
            io.write(self.password_prompt(self.user))
        elif self.phase == "shell" and self.env is not None:
            io.write("\r\n" + self.prompt(self.env) + self.line.buffer)

    def _got_user(self, entry: str, io: TermIO) -> None:
        if entry in (INTERRUPT, EOF) or not entry.strip():
            self._login_again(io)
            return
        self.user = entry.strip()
        self.phase = "password"
        self.line = LineEditor(echo=False)
        io.write(self.password_prompt(self.user))

    def _got_password(self, entry: str, io: TermIO) -> None:
        if entry == INTERRUPT:
            self._login_again(io)
            return
        if entry == EOF or not check_password(io.partition, self.family, self.user, entry):
            io.write(crlf(self.bad_login))
            self._login_again(io)
            return
        self.phase = "shell"
        self.line = LineEditor()
        self.login_time = self._wall(io)
        self.env = Env(io, self, self.user)
        self.shell = GuestShell(self.dialect(self.user), self.env)
        io.write(crlf(self.motd(self.env)))
        io.write(self.prompt(self.env))

    def _got_command(self, entry: str, io: TermIO) -> None:
        assert self.shell is not None and self.env is not None
        self.env.io = io
        if self.job is not None:
            if entry == INTERRUPT:
                self.job = None
                io.write(self.prompt(self.env))
            return  # typed ahead while a report runs: dropped
        if self.question is not None:
            _, then = self.question
            self.question = None
            if entry.strip().lower() in ("y", "yes"):
                then()
            if self.phase != "down":
                io.write(self.prompt(self.env))
            return
        if entry == INTERRUPT:
            io.write(self.prompt(self.env))
            return
        if entry == EOF:
            self._leave_shell(io)
            return
        live = LIVE.match(entry)
        if live and self.live is not None:
            interval, count = int(live.group(2)), int(live.group(3) or MAX_REPORTS)
            job = self.live(self.env, live.group(1), interval, count)
            if job is not None:
                self.job = job
                return
        result = self.shell.run(entry)
        io.write(crlf(result.stdout) + crlf(result.stderr))
        if self.phase == "down":
            return
        if self.shell.exited:
            self._leave_shell(io)
            return
        if self.question is not None:
            io.write(self.question[0])
            return
        io.write(self.prompt(self.env))

    def _leave_shell(self, io: TermIO) -> None:
        """`exit`: back to the shell this one was started from, or log out."""
        if self.outer:
            self.shell, self.env = self.outer.pop()
            self.env.io = io
            io.write(self.prompt(self.env))
            return
        self._logout(io)

    # ------------------------------------------------------------------ for commands
    def push_shell(self, dialect: Dialect, user: str) -> None:
        """Start another shell as `user` on top of the current one (oem_setup_env)."""
        assert self.shell is not None and self.env is not None
        self.outer.append((self.shell, self.env))
        self.env = Env(self.env.io, self, user)
        self.shell = GuestShell(dialect, self.env)

    def ask(self, question: str, then: Callable[[], None]) -> None:
        """Print `question` after the command's output; `then` runs on a "y" answer."""
        self.question = (question, then)

    def _job_report(self, io: TermIO) -> None:
        assert self.job is not None and self.env is not None
        job = self.job
        self._write_lines(io, job.report(io))
        job.left -= 1
        job.next_at += job.interval
        if job.left <= 0:
            self.job = None
            io.write(self.prompt(self.env))

    def _logout(self, io: TermIO) -> None:
        self.shell = None
        self.env = None
        self.outer = []
        self.question = None
        self.user = ""
        self._login(io)

    # ------------------------------------------------------------------ shutdown
    def shut_down(self, io: TermIO, op: Operation, restart: bool) -> None:
        """The OS's own shutdown: its lines now, the operation to the engine."""
        self.going_down = True
        self.restart = restart
        self.phase = "down"
        self.job = None
        self._write_lines(io, boot.shutdown_lines(self.family, restart, self._wall(io)))
        io.submit(op)
