"""A partition OS's shell: shellsim's interpreter (pipes into grep, head, tail, wc, sort,
awk, sed; variables, loops, `$(...)`) with the OS's own commands, prompt and messages.

Commands are functions of (Env, args) -> (stdout, stderr, status), looked up before the
interpreter's builtins so the OS's `date`, `uname` and `hostname` answer from the engine.
A name the OS does not know gets the OS's own "not found" line.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from engine.model import Frame, Partition
from engine.vterm.program import TermIO
from shellsim import Rbash, Result
from shellsim.filters import FILTERS

if TYPE_CHECKING:
    from engine.vterm.guest.session import GuestSession

Answer = tuple[str, str, int]


@dataclass
class Env:
    """What a command sees: the terminal's io of this call and the session it runs in."""

    io: TermIO
    session: GuestSession
    user: str

    @property
    def frame(self) -> Frame:
        return self.io.frame

    @property
    def partition(self) -> Partition:
        return self.io.partition

    def wall(self) -> datetime:
        """Engine time on the calendar, in UTC (the partitions' time zone here)."""
        epoch = self.io.frame.system.epoch.replace(tzinfo=UTC)
        return epoch + timedelta(seconds=self.io.now)


Command = Callable[[Env, list[str]], Answer]


@dataclass(frozen=True)
class Dialect:
    """How one OS's shell speaks."""

    shell: str  # ksh, rksh, bash: the prefix of its messages
    not_found: Callable[[str], str]  # the line for an unknown command
    commands: dict[str, Command]


class GuestShell(Rbash):
    def __init__(self, dialect: Dialect, env: Env) -> None:
        self.dialect = dialect
        self.env = env
        self.shell_name = dialect.shell
        super().__init__(self._unused, dialect.commands, user=env.user,
                         hostname=lambda: self.env.partition.name,
                         clock=lambda: self.env.wall(), interactive=True)
        self.vars.update(PATH="/usr/bin:/etc:/usr/sbin:/usr/ucb:/sbin", SHELL=f"/usr/bin/"
                         f"{dialect.shell}", HOME="/" if env.user == "root" else
                         f"/home/{env.user}", PWD="/" if env.user == "root" else
                         f"/home/{env.user}")

    @staticmethod
    def _unused(words: list[str]) -> Result:  # commands are dispatched in _simple
        return Result("", "", 127)

    def _cd(self, args: list[str], stdin: str) -> Answer:
        """No file system here: `cd` only moves $PWD (home without an argument)."""
        target = args[0] if args else self.vars["HOME"]
        if not target.startswith("/"):
            target = self.vars["PWD"].rstrip("/") + "/" + target
        self.vars["PWD"] = target
        return "", "", 0

    def _simple(self, words: list[str], stdin: str) -> Answer:
        name = words[0]
        command = self.dialect.commands.get(name)
        if command is not None:
            return command(self.env, words[1:])
        if name in self.builtins or name in FILTERS:
            return super()._simple(words, stdin)
        return "", self.dialect.not_found(name), 127


def ksh_not_found(shell: str) -> Callable[[str], str]:
    return lambda name: f"{shell}: {name}:  not found.\n"


def bash_not_found(name: str) -> str:
    return f"-bash: {name}: command not found\n"
