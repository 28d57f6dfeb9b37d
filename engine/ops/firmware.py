"""System firmware (licensed internal code): each model's stream of levels, and updlic.

A model's stream is a release (IBM's "service pack name", FW1060, FW950) with numbered
levels; a level is either concurrent (installed and activated while partitions run) or
disruptive (the managed system must be powered off). `updlic -o a` retrieves, installs and
activates a level of the running release; `-o u` upgrades to a newer release, which is
always disruptive; `-o c` accepts the activated level (the permanent side then holds it).

The EC numbers follow IBM's naming (01MH = E1080, 01MM = E1050, 01ML = scale-out Power10,
01VH / 01VL = POWER9 enterprise / scale-out); the level numbers and which of them are
disruptive are our own, in IBM's three-digit pattern (docs/powervm-rules.md).
`ManagedSystem.firmware` holds a level's label ("FW1060.10", "VL950_161"), as the catalog
(engine/hardware.py) does for a model's factory level.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import ClassVar, Literal

from engine.errors import HmcError
from engine.hmcsyntax import name
from engine.model import Frame, ManagedSystem
from engine.ops.base import Context, Operation


@dataclass(frozen=True)
class Level:
    release: str  # the service pack name lslic prints as *_spname: FW1060
    number: int  # lslic's *_level
    label: str  # what ManagedSystem.firmware holds
    disruptive: bool = False


def _p10(release: str, levels: tuple[tuple[int, str, bool], ...]) -> tuple[Level, ...]:
    return tuple(Level(release, n, f"{release}.{dot}", d) for n, dot, d in levels)


def _p9(code: str, levels: tuple[tuple[int, bool], ...]) -> tuple[Level, ...]:
    return tuple(Level("FW950", n, f"{code}950_{n:03d}", d) for n, d in levels)


_POWER10 = (
    _p10("FW1060", ((31, "00", True), (40, "10", False), (52, "20", False), (61, "30", True)))
    + _p10("FW1070", ((14, "00", True), (22, "10", False)))
)
# EC number prefix and levels per machine type-model, oldest first.
STREAMS: dict[str, tuple[str, tuple[Level, ...]]] = {
    "9080-HEX": ("01MH", _POWER10),
    "9043-MRX": ("01MM", _POWER10),
    "9105-42A": ("01ML", _POWER10),
    "9105-22A": ("01ML", _POWER10),
    "9080-M9S": ("01VH", _p9("VH", ((161, False), (168, False), (172, True)))),
    "9009-42A": ("01VL", _p9("VL", ((161, False), (168, False), (172, True)))),
}


def levels(mtm: str) -> tuple[Level, ...]:
    return STREAMS[mtm][1]


def ecnumber(mtm: str, release: str) -> str:
    """01MH1060, 01VL950: the prefix and the release's digits."""
    return STREAMS[mtm][0] + release.removeprefix("FW")


def current(frame: Frame) -> Level:
    """The activated level: the system's own, else the catalog's factory level."""
    label = frame.system.firmware or frame.hardware.firmware
    for level in levels(frame.system.mtm):
        if level.label == label:
            return level
    # A frame file may name a level outside the stream (FW1050.20, VL940_050): its release
    # is read from the label, its level counts as the oldest.
    digits = re.match(r"\D*(\d+)", label)
    return Level(f"FW{digits.group(1)}" if digits else label, 0, label)


def newer(release: str, than: str) -> bool:
    """Releases compare by number: FW1060 is newer than FW950."""
    def rank(text: str) -> int:
        digits = re.sub(r"\D", "", text)
        return int(digits) if digits else 0
    return rank(release) > rank(than)


def resolve(frame: Frame, text: str, upgrade: bool) -> Level:
    """The level `updlic -l` names: `latest`, `latestconcurrent`, a level number (`52`,
    `052`), a label (`FW1060.20`) or release_level (`01MH1060_052`). An upgrade (-o u) looks
    in newer releases, an update (-o a) in the activated one; anything else is HSCL0D01."""
    now = current(frame)
    mtm = frame.system.mtm
    if upgrade:
        pool = [lv for lv in levels(mtm) if newer(lv.release, now.release)]
        if not pool:
            raise HmcError("HSCL0D05", name=frame.system.name, release=now.release)
    else:
        pool = [lv for lv in levels(mtm) if lv.release == now.release]
    if text == "latestconcurrent":  # the newest level reached without a disruptive one
        reachable = [now]
        for lv in pool:
            if lv.number > now.number:
                if lv.disruptive:
                    break
                reachable.append(lv)
        return reachable[-1]
    if text == "latest":
        if upgrade:
            newest = pool[-1].release
            return [lv for lv in pool if lv.release == newest][-1]
        return pool[-1] if pool else now
    for lv in pool:
        release_level = f"{ecnumber(mtm, lv.release)}_{lv.number:03d}"
        if text in (lv.label, release_level) or (text.isdecimal() and int(text) == lv.number):
            return lv
    offered = ", ".join(f"{lv.label} ({lv.number})" for lv in pool) or "none"
    raise HmcError("HSCL0D01", level=text, name=frame.system.name, mtm=mtm, levels=offered)


LicOption = Literal["a", "u", "c"]
_INSTALL_STATES = ("Operating", "Standby", "Power Off")


class UpdateFirmware(Operation):
    """updlic: install and activate a level (`a`), upgrade to a newer release (`u`), or
    accept the activated level (`c`, which changes nothing the simulator keeps)."""

    op: Literal["update_firmware"] = "update_firmware"
    task: ClassVar[str] = "config"
    option: LicOption = "a"
    level: str = "latest"

    def apply(self, ctx: Context) -> None:
        s = ctx.frame.system
        if self.option == "c":
            return
        if s.state not in _INSTALL_STATES:
            raise HmcError("HSCL0D06", name=s.name, state=s.state)
        now = current(ctx.frame)
        target = resolve(ctx.frame, self.level, upgrade=self.option == "u")
        if target.label == now.label:
            raise HmcError("HSCL0D03", name=s.name, label=now.label)
        if target.release == now.release and target.number < now.number:
            raise HmcError("HSCL0D04", label=target.label, current=now.label, name=s.name)
        disruptive = target.disruptive or self.option == "u" or any(
            lv.disruptive for lv in levels(s.mtm)
            if lv.release == target.release and now.number < lv.number <= target.number)
        if disruptive and s.state != "Power Off":
            raise HmcError("HSCL0D02", label=target.label, name=s.name, state=s.state)
        system: ManagedSystem = s.model_copy(update={"firmware": target.label})
        ctx.frame = ctx.frame.model_copy(update={"system": system})
        ctx.data["level"] = target.label

    def target(self) -> str:
        return "system"

    def command(self, frame: Frame) -> str:
        cmd = f"updlic -m {name(frame.system.name)} -o {self.option}"
        if self.option != "c":
            cmd += f" -t sys -l {name(self.level)} -r ibmwebsite"
        return cmd
