"""What running one command line gives: stdout, stderr and the exit status."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class TerminalRequest:
    """A command that needs the user's terminal (mkvterm, vtmenu): a front end that has one
    opens the partition's console (`lpar_id`; None: vtmenu's menu of the system's
    partitions); any other front end prints the result's refusal instead."""

    command: str  # "mkvterm" or "vtmenu"
    lpar_id: int | None = None
    lpar_name: str = ""
    system: str = ""  # the managed system's MTMS ("" = the only one)


@dataclass(frozen=True)
class CommandResult:
    stdout: str = ""
    stderr: str = ""
    exit_code: int = 0
    terminal: TerminalRequest | None = None  # set: the refusal is for front ends without one

    @property
    def ok(self) -> bool:
        return self.exit_code == 0
