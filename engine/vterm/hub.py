"""The terminal hub: at most one open terminal per partition, each running the program the
partition's lifecycle calls for (docs/partition-console.md).

The engine owns one Hub and calls `pump` at every tick boundary, under its lock: queued keys
go to the current program, then it ticks, then its output goes to the session's listener.
Output with nobody watching is dropped, as on the HMC. A session survives the partition's
reboots, and the program changes whenever the partition enters another phase (firmware, SMS,
Open Firmware, the OS, an error). Closing the terminal does not log out of the OS: as on a
real console line, the next session finds the shell where the last one left it (silent until
a key), unless the partition booted again meanwhile. Firmware menus start again from the top.
"""

from __future__ import annotations

import logging
from collections import deque
from collections.abc import Callable
from concurrent.futures import Future
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field
from functools import partial
from typing import TYPE_CHECKING, Any, Literal, Protocol

from engine.model import Frame, Partition
from engine.roles import Actor, os_actor
from engine.vterm.devices import Nvram
from engine.vterm.program import Program

if TYPE_CHECKING:
    from engine.ops.base import Operation

log = logging.getLogger(__name__)

Phase = Literal["off", "firmware", "sms", "of", "os", "error"]
Listener = Callable[[str], None]
Submit = Callable[["Operation", Actor], "Future[Any]"]

MAX_PENDING_INPUT = 65_536  # characters queued for one terminal between two boundaries
MAX_SWITCHES = 8  # programs switching to programs within one call: a loop is a bug
FIRMWARE_CODES = ("C2", "CA")  # power-on and partition-firmware reference codes
HANDOFF = "CA00E105"  # firmware transfers control to the OS
POWER_ON = "C2001150"  # the first code of every activation


def boot_mark(p: Partition) -> float | None:
    """When the partition's current activation began (None when no longer known): a kept
    program belongs to one activation."""
    return next((e.time for e in reversed(p.refcode_history) if e.refcode == POWER_ON), None)


def phase_of(p: Partition, previous: Phase) -> Phase:
    """Which program the partition's state calls for."""
    if p.state in ("Not Activated", "Not Available"):
        return "off"
    if p.state == "Error":
        return "error"
    if p.state == "Open Firmware":
        return "sms" if p.boot_mode == "sms" else "of"
    if p.state == "Shutting Down":  # whoever runs goes down with it (the OS prints its lines)
        return previous if previous != "off" else "os"
    if p.refcode[:2] in FIRMWARE_CODES and p.refcode != HANDOFF:
        return "firmware"
    return "os"


def program_for(phase: Phase, p: Partition, previous: Phase, nvram: Nvram) -> Program | None:
    """The program for a phase the partition enters (from `previous`)."""
    from engine.vterm import firmware, guest, openfirmware, sms  # late: they import the ops

    if phase == "off":
        return None
    if phase == "firmware":  # a boot picked at the prompt goes on past the banner
        return firmware.Firmware(resumed=previous in ("sms", "of") and p.state == "Running")
    if phase == "error":
        return firmware.ErrorScreen()
    if phase == "sms":
        return sms.Sms(nvram)
    if phase == "of":
        return openfirmware.OpenFirmware(nvram)
    return guest.program_for(p)


class Terminal(Protocol):
    """An open terminal session as every front end sees it (TerminalHandle in the engine's
    process, the remote console's stand-in for it elsewhere)."""

    lpar_id: int
    closed: bool
    close_reason: str  # "" while open; why otherwise

    def send(self, data: str) -> None: ...

    def close(self) -> None: ...


class TerminalHandle:
    """One open terminal session. `send` is thread-safe; output reaches `listener` from the
    engine thread (it must hop to its own loop and never block); `on_close(reason)` is
    called when someone else closes the session (rmvterm, the partition deleted), not when
    the session closes itself with `close`."""

    def __init__(self, hub: Hub, lpar_id: int, listener: Listener,
                 on_close: Callable[[str], None]) -> None:
        self.lpar_id = lpar_id
        self.closed = False
        self.close_reason = ""
        self._hub = hub
        self._listener = listener
        self._on_close = on_close
        self._input: deque[str] = deque()
        self._queued = 0

    def send(self, data: str) -> None:
        """User input; dropped once the session is closed or too much is queued."""
        if self.closed or not data:
            return
        if self._queued + len(data) > MAX_PENDING_INPUT:
            data = data[:max(MAX_PENDING_INPUT - self._queued, 0)]
            if not data:
                return
        self._queued += len(data)
        self._input.append(data)
        self._hub.wake()

    def close(self) -> None:
        """This session closes itself (~.)."""
        with self._hub.lock:
            self._hub.release(self, "The terminal session was closed.", notify=False)

    def _take_input(self) -> str:
        parts: list[str] = []
        while self._input:
            parts.append(self._input.popleft())
        self._queued = 0
        return "".join(parts)


@dataclass
class _Terminal:
    handle: TerminalHandle
    phase: Phase = "off"
    program: Program | None = None
    out: list[str] = field(default_factory=list)  # written, not yet given to the listener
    switch_to: Program | None = None
    failed: Program | None = None  # the program whose failure was logged
    boot: float | None = None  # boot_mark of the partition at the last pump


class _IO:
    """The TermIO a program gets for one call."""

    def __init__(self, frame: Frame, partition: Partition, now: float, term: _Terminal,
                 ops: list[Operation]) -> None:
        self.frame = frame
        self.partition = partition
        self.now = now
        self._term = term
        self._ops = ops

    @property
    def physc(self) -> float:
        # read only when a program asks (lparstat, mpstat): the figure costs a pass
        return self._term.handle._hub.physc(self.partition.id)

    def write(self, text: str) -> None:
        self._term.out.append(text)

    def submit(self, op: Operation) -> None:
        self._ops.append(op)

    def switch(self, program: Program) -> None:
        self._term.switch_to = program


class Hub:
    """The open terminals of one engine. `open`, `close` and `pump` run under the engine's
    lock (`lock`); `wake` (given by the engine) makes the engine run a boundary soon."""

    def __init__(self, wake: Callable[[], None]) -> None:
        self.lock: AbstractContextManager[Any] = nullcontext()  # the engine sets its own
        self._terminals: dict[int, _Terminal] = {}
        self._kept: dict[int, _Terminal] = {}  # closed sessions' programs, for the next one
        self._nvram: dict[int, Nvram] = {}
        self._wake = wake
        self._pumping = False
        # lpar id -> physical cores used over the last tick; the engine sets its dispatcher's
        self.physc: Callable[[int], float] = lambda lpar_id: 0.0

    def wake(self) -> None:
        if not self._pumping:  # a listener typing into the hub: the running pump sees it
            self._wake()

    def nvram(self, lpar_id: int) -> Nvram:
        """The partition firmware's settings (boot order, Remote IPL), kept across sessions
        and boots while the engine runs."""
        return self._nvram.setdefault(lpar_id, Nvram())

    def is_open(self, lpar_id: int) -> bool:
        return lpar_id in self._terminals

    def open_ids(self) -> tuple[int, ...]:
        return tuple(self._terminals)

    def pending(self) -> bool:
        """Keys are waiting for a program."""
        # Read by the clock thread outside the lock: iterate over a copy taken at once.
        return any(t.handle._input for t in list(self._terminals.values()))

    def open(self, frame: Frame, p: Partition, now: float, listener: Listener,
             on_close: Callable[[str], None], submit: Submit) -> TerminalHandle:
        """A new session on `p` (the caller checked that none is open); it gets the current
        screen at once."""
        handle = TerminalHandle(self, p.id, listener, on_close)
        term = _Terminal(handle)
        kept = self._kept.pop(p.id, None)
        if (kept is not None and kept.phase == "os" and kept.boot == boot_mark(p)
                and kept.program is not None):
            term.phase, term.program = kept.phase, kept.program
        self._terminals[p.id] = term
        was, self._pumping = self._pumping, True
        try:
            self._pump_one(term, frame, now, submit)
        finally:
            self._pumping = was
        return handle

    def close(self, lpar_id: int, reason: str) -> bool:
        """Force the session on `lpar_id` closed (rmvterm); False when none was open."""
        term = self._terminals.get(lpar_id)
        if term is None:
            return False
        self.release(term.handle, reason, notify=True)
        return True

    def release(self, handle: TerminalHandle, reason: str, notify: bool) -> None:
        if handle.closed:
            return
        handle.closed = True
        handle.close_reason = reason
        if self._terminals.get(handle.lpar_id, None) is not None \
                and self._terminals[handle.lpar_id].handle is handle:
            self._kept[handle.lpar_id] = self._terminals.pop(handle.lpar_id)
        if notify:
            try:
                handle._on_close(reason)
            except Exception:
                log.exception("the close callback of the terminal of partition %d failed",
                              handle.lpar_id)

    def pump(self, frame: Frame, now: float, submit: Submit) -> None:
        """Give every open terminal its keys and a tick; deliver the output."""
        if self._pumping:
            return
        self._pumping = True
        try:
            for term in list(self._terminals.values()):
                self._pump_one(term, frame, now, submit)
        finally:
            self._pumping = False

    def _pump_one(self, term: _Terminal, frame: Frame, now: float, submit: Submit) -> None:
        handle = term.handle
        p = frame.partition(handle.lpar_id)
        if p is None:
            self.release(handle, "The partition was deleted.", notify=True)
            self._kept.pop(handle.lpar_id, None)
            return
        ops: list[Operation] = []
        phase = phase_of(p, term.phase)
        term.boot = boot_mark(p)
        io = _IO(frame, p, now, term, ops)
        if phase != term.phase or (term.program is None and phase != "off"):
            leaving = term.program
            if leaving is not None:  # a last look at the new state (final lines)
                self._call(term, partial(leaving.tick, io))
            term.switch_to = program_for(phase, p, term.phase, self.nvram(p.id))
            term.phase = phase
            term.program = None
        self._switch(term, io)
        data = handle._take_input()
        if term.program is not None:
            program = term.program
            if data:
                self._call(term, lambda: program.feed(data, io))
                self._switch(term, io)
            program = term.program
            self._call(term, lambda: program.tick(io))
            self._switch(term, io)
        for op in ops:
            self._submit(term, op, p, submit)
        self._flush(term)

    def _switch(self, term: _Terminal, io: _IO) -> None:
        for _ in range(MAX_SWITCHES):
            program = term.switch_to
            if program is None:
                return
            term.switch_to = None
            term.program = program
            self._call(term, partial(program.start, io))
        log.error("the programs of partition %d keep switching", term.handle.lpar_id)
        term.switch_to = None

    def _call(self, term: _Terminal, call: Callable[[], None]) -> None:
        """A program's failure is a bug in that program: logged (once per program, as a
        failing tick would fail at every boundary), and it must not stop the engine nor the
        other terminals; the program stays, for the keys it still handles."""
        try:
            call()
        except Exception:
            if term.failed is not term.program:
                term.failed = term.program
                log.exception("the console program of partition %d failed",
                              term.handle.lpar_id)

    def _submit(self, term: _Terminal, op: Operation, p: Partition, submit: Submit) -> None:
        def answered(fut: Future[Any]) -> None:
            try:
                result = fut.result()
            except Exception as exc:  # the engine refuses all work (HSCL0F02)
                term.out.append(f"\r\n{exc}\r\n")
                return
            if not result.ok:
                term.out.append(f"\r\n{result.code} {result.message}\r\n")

        submit(op, os_actor(p)).add_done_callback(answered)

    def _flush(self, term: _Terminal) -> None:
        if not term.out or term.handle.closed:
            term.out.clear()
            return
        text = "".join(term.out)
        term.out.clear()
        try:
            term.handle._listener(text)
        except Exception:
            log.exception("the listener of the terminal of partition %d failed; closing it",
                          term.handle.lpar_id)
            self.release(term.handle, "The terminal session failed.", notify=True)
