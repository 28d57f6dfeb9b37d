"""The OS inside a partition: `program_for(p)` gives the program the console runs once the
firmware hands over to the OS. This is vtfw's stand-in (a bare login prompt); the guest OS
programs replace it."""

from __future__ import annotations

from engine.model import Partition
from engine.vterm.lineedit import LineEditor
from engine.vterm.program import Program, TermIO


class LoginPrompt:
    """A login prompt that never lets anyone in."""

    def __init__(self) -> None:
        self._line = LineEditor()

    def start(self, io: TermIO) -> None:
        io.write("\r\nlogin: ")

    def feed(self, data: str, io: TermIO) -> None:
        for _ in self._line.feed(data, io):
            io.write("login: ")

    def tick(self, io: TermIO) -> None:
        pass


def program_for(p: Partition) -> Program:
    return LoginPrompt()
