"""The HMC: the managed systems it manages, each one a `Frame`, all on one engine clock.

`Frame` stays "one managed system"; an `Hmc` holds one or several of them, with unique names
and unique MTMS (type-model*serial), as a real HMC requires. A system is named on the HMC's
command line by its name or its MTMS (`-m 9080-HEX*78H4A21`); `resolve` is the one place that
turns such a key into a system, with the HMC's errors.
"""

from __future__ import annotations

from pydantic import Field, model_validator

from engine.errors import HmcError
from engine.model import Frame, Frozen


def system_key_matches(frame: Frame, key: str) -> bool:
    """`key` names this system: its name, or its MTMS (case-insensitive, as the HMC)."""
    return key == frame.system.name or key.upper() == frame.mtms.upper()


class Hmc(Frozen):
    """The managed systems of one HMC, in file order (the first is the default view)."""

    systems: tuple[Frame, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique(self) -> Hmc:
        names: set[str] = set()
        mtms: set[str] = set()
        for i, f in enumerate(self.systems):
            if f.system.name in names:
                raise HmcError("HSCL1301", f"systems[{i}].system.name", name=f.system.name)
            if f.mtms.upper() in mtms:
                raise HmcError("HSCL1302", f"systems[{i}].system.serial", mtms=f.mtms)
            if f.engine_time != self.systems[0].engine_time:
                raise HmcError("HSCL1303", f"systems[{i}].engine_time", name=f.system.name,
                               time=f.engine_time, first=self.systems[0].engine_time)
            names.add(f.system.name)
            mtms.add(f.mtms.upper())
        return self

    @classmethod
    def of(cls, frame: Frame | Hmc) -> Hmc:
        """An Hmc as given, or one managing the single system `frame`."""
        return frame if isinstance(frame, Hmc) else cls(systems=(frame,))

    @property
    def engine_time(self) -> float:
        return self.systems[0].engine_time

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(f.system.name for f in self.systems)

    def find(self, key: str) -> int | None:
        """The index of the system named `key` (name or MTMS), None when unknown."""
        return next((i for i, f in enumerate(self.systems) if system_key_matches(f, key)), None)

    def index(self, key: str) -> int:
        """`key` resolved the HMC's way: "" is the only system (HSCL1300 when there are
        several: the HMC wants -m), an unknown name or MTMS is HSCL8014."""
        return resolve_index(self.systems, key)

    def system(self, key: str) -> Frame:
        return self.systems[self.index(key)]

    def with_system(self, frame: Frame, index: int) -> Hmc:
        systems = list(self.systems)
        systems[index] = frame
        return self.model_copy(update={"systems": tuple(systems)})

    def at_time(self, engine_time: float) -> Hmc:
        """Every system with the one engine clock's time."""
        return self.model_copy(update={"systems": tuple(
            f.model_copy(update={"engine_time": engine_time}) for f in self.systems)})


def resolve_index(frames: tuple[Frame, ...] | list[Frame], key: str) -> int:
    """Hmc.index over a sequence of systems (snapshots hold frames, not an Hmc)."""
    if not key:
        if len(frames) == 1:
            return 0
        raise HmcError("HSCL1300", count=len(frames),
                       names=", ".join(f.system.name for f in frames))
    for i, f in enumerate(frames):
        if system_key_matches(f, key):
            return i
    raise HmcError("HSCL8014", name=key)
