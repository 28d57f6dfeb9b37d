"""Evaluating `wait` and `expect` conditions against what a replay can see.

A `View` is what one look at the console gives: the engine's newest snapshot (the truth about
partitions, whatever the display shows), the active screen's class name, the text on the
terminal, the notifications currently shown and the screens of the partition terminals the
console has open. Each check returns whether it holds and, for
failure messages, what was seen instead.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from engine.model import Partition
from engine.snapshot import Snapshot
from hmc_tui.macros.format import (
    Condition,
    ErrorCheck,
    PartitionCheck,
    ScreenCheck,
    TerminalCheck,
    TextCheck,
)

__all__ = ["Outcome", "View", "describe_condition", "evaluate", "partition_summary"]

HSCL_CODE = re.compile(r"HSCL[0-9A-F]{4}")
PU_TOLERANCE = 0.005  # processing units are hundredths: compare to half of one


@dataclass
class View:
    snapshot: Snapshot
    screen: str  # class name of the active screen
    text_source: Callable[[], str]  # rendering the terminal costs: only when a check needs it
    notices: list[str] = field(default_factory=list)  # notifications shown now
    # A partition's terminal screen by partition name (None: this console has none open).
    terminal_text: Callable[[str], str | None] = lambda _name: None
    _text: str | None = None

    @property
    def text(self) -> str:
        if self._text is None:
            self._text = "\n".join([self.text_source(), *self.notices])
        return self._text


@dataclass(frozen=True)
class Outcome:
    ok: bool
    seen: str  # what was there, for the failure message and the report


def _current(p: Partition) -> tuple[float | None, int | None, int | None]:
    """(processing units, processors, memory MB) granted now; Nones when not active."""
    cur = p.current
    if cur is None:
        return None, None, None
    units = cur.desired_proc_units if cur.shared else float(cur.desired_procs)
    return units, cur.desired_procs, cur.desired_mem


def partition_summary(p: Partition) -> str:
    units, procs, mem = _current(p)
    if units is None:
        return f"{p.name} is {p.state} (no current resources)"
    return f"{p.name} is {p.state}, {units:.2f} PU, {procs} procs, {mem} MB"


def _partition(check: PartitionCheck, snap: Snapshot) -> Outcome:
    p = next((p for p in snap.frame.partitions if p.name == check.partition), None)
    if p is None:
        names = ", ".join(q.name for q in snap.frame.partitions)
        return Outcome(False, f"no partition named {check.partition!r} (there are {names})")
    units, procs, mem = _current(p)
    ok = True
    if check.state is not None:
        ok &= p.state == check.state
    if check.proc_units is not None:
        ok &= units is not None and abs(units - check.proc_units) < PU_TOLERANCE
    if check.procs is not None:
        ok &= procs == check.procs
    if check.memory is not None:
        ok &= mem == check.memory
    return Outcome(ok, partition_summary(p))


def _error(check: ErrorCheck, view: View) -> Outcome:
    codes = sorted(set(HSCL_CODE.findall(view.text)))
    seen = f"errors shown: {', '.join(codes)}" if codes else "no HSCL error shown"
    if check.error == "none":
        return Outcome(not codes, seen)
    return Outcome(any(code.startswith(check.error) for code in codes), seen)


def _text_excerpt(text: str, limit: int = 160) -> str:
    """The screen's text squeezed onto one line, for a failure message."""
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 3] + "..."


def _terminal(check: TerminalCheck, view: View) -> Outcome:
    text = view.terminal_text(check.terminal)
    if text is None:
        return Outcome(False, f"no terminal open on {check.terminal}")
    if check.text in text:
        return Outcome(True, f"on {check.terminal}'s terminal")
    # The bottom of the terminal is where the news is (the cursor's line and above).
    tail = [line for line in text.splitlines() if line.strip()][-3:]
    return Outcome(False, f"not on {check.terminal}'s terminal (last lines: "
                          f"{_text_excerpt(' | '.join(tail)) or 'blank'})")


def evaluate(condition: Condition, view: View) -> Outcome:
    if isinstance(condition, PartitionCheck):
        return _partition(condition, view.snapshot)
    if isinstance(condition, ScreenCheck):
        return Outcome(view.screen == condition.screen, f"screen {view.screen}")
    if isinstance(condition, TextCheck):
        found = condition.text in view.text
        return Outcome(found, "text found" if found else
                       f"text not on screen ({view.screen}: {_text_excerpt(view.text)})")
    if isinstance(condition, TerminalCheck):
        return _terminal(condition, view)
    return _error(condition, view)


def describe_condition(condition: Condition) -> str:
    if isinstance(condition, PartitionCheck):
        wants = [f"{name} {value}" for name, value in (
            ("state", condition.state), ("proc_units", condition.proc_units),
            ("procs", condition.procs), ("memory", condition.memory)) if value is not None]
        return f"partition {condition.partition} " + ", ".join(wants)
    if isinstance(condition, ScreenCheck):
        return f"screen {condition.screen}"
    if isinstance(condition, TextCheck):
        return f"text {condition.text!r} on screen"
    if isinstance(condition, TerminalCheck):
        return f"text {condition.text!r} on {condition.terminal}'s terminal"
    if condition.error == "none":
        return "no HSCL error shown"
    return f"error {condition.error} shown" if condition.error != "HSCL" else "an HSCL error shown"
