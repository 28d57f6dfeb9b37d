"""`plain_os`: the firmware's tests see a bare login prompt once it hands over, whatever
OS programs engine.vterm.guest has (they are tested on their own)."""

from __future__ import annotations

import pytest

from engine.model import Partition
from engine.vterm import guest
from engine.vterm.lineedit import LineEditor
from engine.vterm.program import Program, TermIO


class BareLogin:
    def __init__(self) -> None:
        self._line = LineEditor()

    def start(self, io: TermIO) -> None:
        io.write("\r\nlogin: ")

    def feed(self, data: str, io: TermIO) -> None:
        for _ in self._line.feed(data, io):
            io.write("login: ")

    def tick(self, io: TermIO) -> None:
        pass


@pytest.fixture
def plain_os(monkeypatch: pytest.MonkeyPatch) -> None:
    def bare(p: Partition) -> Program:
        return BareLogin()

    monkeypatch.setattr(guest, "program_for", bare)
