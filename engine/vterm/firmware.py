"""Partition firmware on the console: the reference codes as they post, and the error a
partition stops at (docs/partition-console.md)."""

from __future__ import annotations

from engine.vterm.lineedit import LineEditor
from engine.vterm.program import Program, TermIO


class Firmware:
    """Power-on and partition firmware: one line per reference code as it posts."""

    def __init__(self) -> None:
        self._shown = ""

    def start(self, io: TermIO) -> None:
        self.tick(io)

    def feed(self, data: str, io: TermIO) -> None:
        pass

    def tick(self, io: TermIO) -> None:
        code = io.partition.refcode
        if code and code != self._shown:
            self._shown = code
            io.write(f"{code}\r\n")


class ErrorScreen:
    """A partition stopped in Error: its reference code stays on the screen."""

    def start(self, io: TermIO) -> None:
        io.write(f"\r\nError {io.partition.refcode}\r\n")

    def feed(self, data: str, io: TermIO) -> None:
        pass

    def tick(self, io: TermIO) -> None:
        pass


class _Prompt:
    """Stand-in for the SMS menus and the Open Firmware prompt until they exist."""

    def __init__(self, prompt: str) -> None:
        self._prompt = prompt
        self._line = LineEditor()

    def start(self, io: TermIO) -> None:
        io.write(f"\r\n{self._prompt}")

    def feed(self, data: str, io: TermIO) -> None:
        for _ in self._line.feed(data, io):
            io.write(self._prompt)

    def tick(self, io: TermIO) -> None:
        pass


def sms_program() -> Program:
    return _Prompt("SMS> ")


def of_program() -> Program:
    return _Prompt("0 > ")
