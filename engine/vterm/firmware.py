"""Partition firmware on the console (docs/partition-console.md section 2): the progress
codes as they post, the IBM banner with the boot menu window and its device-test words
during the boot-device countdown (keys 1 and 8 stop the boot at SMS or the OK prompt), and
the error a partition stops at.

What the firmware prints is worked out from the codes the partition posted in this boot
(`refcode_history`, with their engine times), so a terminal opened in the middle of a boot
shows the same screen as one that watched it from the start.
"""

from __future__ import annotations

from typing import Literal

from engine.lifecycle import COUNTDOWN_CODES, FIRMWARE_PROMPT_CODE
from engine.model import Partition
from engine.ops.console import InterruptBoot
from engine.vterm.program import TermIO

POWER_ON_CODE = "C2001150"  # the first code of every boot
HANDOFF_CODE = "CA00E105"
BANNER = "\r\n" + "".join(" IBM" * 19 + "\r\n" for _ in range(6))
BOOT_MENU = (
    "\r\n\r\n"
    "          1 = SMS Menu                          5 = Default Boot List\r\n"
    "          8 = Open Firmware Prompt              6 = Stored Boot List\r\n"
    "\r\n\r\n"
)
# The devices the firmware tests while the window is up, one a second, as it prints them.
WORDS = ("     Memory", "      Keyboard", "     Network", "     SCSI", "     Speaker")
STARTING = "\r\n\r\n STARTING SOFTWARE\r\n    PLEASE WAIT...\r\n"
STARTING_AT = 4.5  # seconds after the window opens (the hand-over is at 5)
# 1 and 8 stop the boot; 5 and 6 go on with the (default / stored) boot list
KEYS: dict[str, Literal["sms", "of"]] = {"1": "sms", "8": "of"}
NO_OS_IMAGE = (
    "\r\n\r\n"
    "   No OS image was detected by firmware.\r\n"
    "   At least one disk in the bootlist must contain an OS image.\r\n"
    "   Ensure the correct boot device is selected in the bootlist.\r\n"
)


def boot_history(p: Partition) -> list[tuple[float, str]]:
    """(time, code) of the codes posted since the current boot began."""
    entries = [(e.time, e.refcode) for e in p.refcode_history]
    starts = [i for i, (_, code) in enumerate(entries) if code == POWER_ON_CODE]
    return entries[starts[-1]:] if starts else entries


def firmware_output(p: Partition) -> list[tuple[float, str]]:
    """Everything the firmware prints in this boot, as (engine time, text), in order."""
    events: list[tuple[float, str]] = []
    window: float | None = None
    for at, code in boot_history(p):
        if code in COUNTDOWN_CODES:
            window = at
            break
        if code[:2] in ("C2", "CA"):
            events.append((at, f"{code}\r\n"))
    if window is None or p.env == "os400":  # IBM i's IPL has no boot menu
        return events
    events.append((window, BANNER + BOOT_MENU + WORDS[0]))
    events += [(window + i, word) for i, word in enumerate(WORDS[1:], 1)]
    if p.bootable and p.boot_mode in ("norm", "dd", "ds"):
        events.append((window + STARTING_AT, STARTING))
    return events


def leaving(p: Partition) -> bool:
    """The firmware's part of this boot is over: print the rest at once."""
    if p.state in ("Open Firmware", "Error"):
        return True
    return p.state == "Running" and (p.refcode == HANDOFF_CODE or p.refcode[:2] not in ("C2",
                                                                                       "CA"))


class Firmware:
    """Power-on and partition firmware. `resumed`: the boot goes on from the firmware
    prompt (a device picked in SMS), past the banner."""

    def __init__(self, resumed: bool = False) -> None:
        self._resumed = resumed
        self._printed = 0
        self._key_taken = False

    def start(self, io: TermIO) -> None:
        self.tick(io)

    def feed(self, data: str, io: TermIO) -> None:
        p = io.partition
        if self._key_taken or p.state != "Running" or p.refcode not in COUNTDOWN_CODES:
            return  # keys mean nothing to the firmware outside its countdown
        for key in data:
            if key in KEYS:
                self._key_taken = True
                io.submit(InterruptBoot(lpar=p.name, to=KEYS[key]))
                return
            if key in "56":
                self._key_taken = True
                return

    def tick(self, io: TermIO) -> None:
        if self._resumed:
            return
        final = leaving(io.partition)
        due = [text for at, text in firmware_output(io.partition)
               if final or at <= io.now + 1e-9]
        if len(due) > self._printed:
            io.write("".join(due[self._printed:]))
            self._printed = len(due)


class ErrorScreen:
    """A partition stopped in Error: why, and its reference code, stay on the screen."""

    def start(self, io: TermIO) -> None:
        code = io.partition.refcode
        text = NO_OS_IMAGE if code == "AA06000B" else ""
        io.write(f"{text}\r\n   {code}\r\n")

    def feed(self, data: str, io: TermIO) -> None:
        pass

    def tick(self, io: TermIO) -> None:
        pass


__all__ = ["FIRMWARE_PROMPT_CODE", "ErrorScreen", "Firmware", "firmware_output"]
