"""mkvterm and vtmenu at the HMC prompt: the user's terminal bridged to a partition's console.

The prompt process owns a PTY (`ssh -t`), so it can put it in raw mode and pass every key to
the partition's terminal (Console.open_terminal), and the partition's output straight back.
As on the HMC: " Open in progress " then " Open Completed. " when the session is open; `~.`
at the start of a line asks "Terminate session? [y/n]" and `y` closes the session and returns
to the prompt (`~~` sends one `~`); a session closed elsewhere (rmvterm) says why and returns
to the prompt; a partition whose terminal is open anywhere else gets the HMC's three lines on
standard output (status 0, as the HMC exits). OpenSSH's own escape character is `~` too: type
`~~.` through it, or connect with `ssh -e none`, as with a real HMC.
"""

from __future__ import annotations

import codecs
import contextlib
import os
import select
import termios
import threading
import tty
from collections.abc import Callable
from typing import Any

from engine.errors import HmcError
from hmc_tui.console import Console
from hmc_tui.hmccli.result import CommandResult, TerminalRequest

OPEN_IN_PROGRESS = "\r\n Open in progress  \r\n"  # bytes as a V10R3 HMC sends them
OPEN_COMPLETED = "\r\n Open Completed. \r\n"
ALREADY_OPEN = ("\r\n A terminal session is already open for this partition. \r\n"
                " Only one open session is allowed for a partition. \r\n Exiting....\r\n")
TERMINATE = "\r\nTerminate session? [y/n]"
RULE = " " + "-" * 58


def open_terminal(console: Console, request: TerminalRequest, stdin: int = 0,
                  stdout: int = 1) -> CommandResult:
    """Run mkvterm's session (or vtmenu's menu) on the terminal `stdin`/`stdout`."""
    out = _Writer(stdout)
    if request.lpar_id is None:
        return _menu(console, stdin, out, request.system)
    return _session(console, request.lpar_id, stdin, out, request.system)


class _Writer:
    """Writes to the user's terminal from the bridge and from the console's reader thread."""

    def __init__(self, fd: int) -> None:
        self.fd = fd
        self._lock = threading.Lock()

    def __call__(self, text: str) -> None:
        data = text.encode("utf-8", "replace")
        with self._lock:
            while data:
                try:
                    data = data[os.write(self.fd, data):]
                except BlockingIOError:
                    select.select([], [self.fd], [], 1.0)
                except OSError:
                    return  # the user's terminal is gone; the session ends at the next read


def _session(console: Console, lpar_id: int, stdin: int, out: _Writer,
             system: str = "") -> CommandResult:
    wake_r, wake_w = os.pipe()
    why: list[str] = []
    held: list[str] | None = []  # the partition's screen waits for "Open Completed."
    hold = threading.Lock()

    def output(text: str) -> None:  # the console's reader thread
        with hold:
            if held is not None:
                held.append(text)
                return
        out(text)

    def closed(reason: str) -> None:  # the console's reader thread: someone closed it
        with hold:
            why.append(reason)
            if wake_w >= 0:  # not once the pipe is closed (its number may be reused)
                with contextlib.suppress(OSError):
                    os.write(wake_w, b"x")

    saved = _raw(stdin)  # from here "\r\n" reaches the user as sent (no output processing)
    try:
        out(OPEN_IN_PROGRESS)
        try:
            handle = console.open_terminal(lpar_id, output, closed, system)
        except HmcError as exc:
            if exc.code == "HSCL1000":  # the HMC's answer, on stdout, and it exits 0
                out(ALREADY_OPEN)
                return CommandResult()
            return CommandResult("", f"{exc}\n", 1)
        except Exception as exc:  # the service went away or did not answer in time
            return CommandResult("", f"hmc-tui: the terminal could not be opened: {exc}\n", 1)
        out(OPEN_COMPLETED)
        with hold:
            screen, held = "".join(held or ()), None
        out(screen)
        _bridge(stdin, wake_r, handle.send, out)
        if why:
            out(f"\r\n\r\n {why[0]} \r\n")
        else:
            handle.close()
            out("\r\n")
        return CommandResult()
    finally:
        _restore(stdin, saved)
        with hold:
            os.close(wake_r)
            os.close(wake_w)
            wake_w = -1


def _bridge(stdin: int, wake: int, send: Callable[[str], None], out: _Writer) -> None:
    """Keys to the partition until `~.` + `y`, the end of input, or a byte on `wake`."""
    decoder = codecs.getincrementaldecoder("utf-8")("replace")
    line_start, tilde, asking = True, False, False
    while True:
        ready, _, _ = select.select([stdin, wake], [], [])
        if wake in ready:
            return
        try:
            data = os.read(stdin, 4096)
        except OSError:
            return
        if not data:
            return
        keys = []
        for ch in decoder.decode(data):
            if asking:
                if ch in "yY":
                    return
                asking = False
                out("\r\n")
                continue
            if tilde:
                tilde = False
                if ch == ".":
                    asking = True
                    out(TERMINATE)
                    continue
                if ch != "~":  # "~~" sends one tilde; anything else keeps its tilde
                    keys.append("~")
            elif line_start and ch == "~":
                tilde = True
                continue
            keys.append(ch)
            line_start = ch in "\r\n"
        if keys:
            send("".join(keys))


def _raw(fd: int) -> list[Any] | None:
    """Raw mode on the user's terminal (keys pass unchanged, ^C included); the settings to
    restore, or None when `fd` is no terminal (tests feeding a pipe)."""
    try:
        saved: list[Any] = termios.tcgetattr(fd)
    except termios.error:
        return None
    tty.setraw(fd, termios.TCSANOW)
    return saved


def _restore(fd: int, saved: list[Any] | None) -> None:
    if saved is not None:
        with contextlib.suppress(termios.error):
            termios.tcsetattr(fd, termios.TCSADRAIN, saved)


def _menu(console: Console, stdin: int, out: _Writer, system: str = "") -> CommandResult:
    """vtmenu: the partitions of the system by number; a number opens that one's terminal
    and, once it is closed, the menu comes back; q quits."""
    saved = _raw(stdin)  # the menu's lines end in "\r\n" and it reads keys one by one
    try:
        return _menu_loop(console, stdin, out, system)
    finally:
        _restore(stdin, saved)


def _menu_loop(console: Console, stdin: int, out: _Writer, system: str = "") -> CommandResult:
    """`system`: the MTMS -m named; "" with several systems: the managed systems first, as
    the HMC's vtmenu asks which one."""
    status = 0
    if not system and console.snapshot().several:
        chosen_system = _pick_system(console, stdin, out)
        if chosen_system is None:
            return CommandResult("", "", status)
        system = chosen_system
    while True:
        snap = console.snapshot()
        frame = snap.system(system) if system else snap.frame
        parts = sorted(frame.partitions, key=lambda p: p.id)
        lines = ["", RULE, f" Partitions On Managed System:  {frame.system.name}", RULE]
        lines += [f" {n:3d}) {p.name:<34} {p.state}" for n, p in enumerate(parts, 1)]
        lines += ["", ""]
        out("\r\n".join(lines))
        out(" Enter Number of Running Partition (q to quit): ")
        answer = _read_line(stdin, out)
        if answer is None or answer.strip().lower() == "q":
            out("\r\n")
            return CommandResult("", "", status)
        text = answer.strip()
        if not text.isdecimal() or not 1 <= int(text) <= len(parts):
            out(f"\r\n Invalid entry: {text or '(none)'} \r\n")
            continue
        chosen = parts[int(text) - 1]
        out(f"\r\n Opening Virtual Terminal On Partition {chosen.name} . . . \r\n")
        result = _session(console, chosen.id, stdin, out, system)
        if result.stderr:
            out(result.stderr.replace("\n", "\r\n"))
            status = result.exit_code


def _pick_system(console: Console, stdin: int, out: _Writer) -> str | None:
    """vtmenu's first menu when the HMC manages several systems: the chosen one's MTMS, or
    None when the user quits."""
    while True:
        frames = console.snapshot().frames
        lines = ["", RULE, " Managed Systems:", RULE]
        lines += [f" {n:3d}) {f.system.name:<34} {f.system.state}"
                  for n, f in enumerate(frames, 1)]
        lines += ["", ""]
        out("\r\n".join(lines))
        out(" Enter Number of Managed System: (q to quit): ")
        answer = _read_line(stdin, out)
        if answer is None or answer.strip().lower() == "q":
            out("\r\n")
            return None
        text = answer.strip()
        if text.isdecimal() and 1 <= int(text) <= len(frames):
            out("\r\n")
            return frames[int(text) - 1].mtms
        out(f"\r\n Invalid entry: {text or '(none)'} \r\n")


def _read_line(stdin: int, out: _Writer) -> str | None:
    """One line typed on the (raw) terminal, echoed, backspace working; None at the end of
    input, ^C or ^D."""
    chars: list[str] = []
    decoder = codecs.getincrementaldecoder("utf-8")("replace")
    while True:
        try:
            data = os.read(stdin, 1024)
        except OSError:
            return None
        if not data:
            return None
        for ch in decoder.decode(data):
            if ch in "\r\n":
                return "".join(chars)
            if ch in "\x03\x04":  # ^C / ^D: quit the menu
                return None
            if ch in "\x7f\x08":
                if chars:
                    chars.pop()
                    out("\b \b")
            elif ch.isprintable():
                chars.append(ch)
                out(ch)
