"""Performance monitoring settings of the managed system: the utilisation sample rate."""

from __future__ import annotations

from typing import ClassVar, Literal

from engine.errors import HmcError
from engine.hmcsyntax import name
from engine.model import SAMPLE_RATES, Frame
from engine.ops.base import Context, Operation


def check_sample_rate(rate: int) -> None:
    """HSCL0A0F unless `rate` is one chlparutil accepts (IBM's chlparutil man page)."""
    if rate not in SAMPLE_RATES:
        listed = ", ".join(str(r) for r in SAMPLE_RATES[:-1])
        raise HmcError("HSCL0A0F", "sample_rate", field="sample_rate", value=rate,
                       reason=f"the sample rate must be one of {listed} or {SAMPLE_RATES[-1]} "
                       "seconds (0 stops sampling).")


class ChangeSampleRate(Operation):
    """chlparutil -r config -s RATE: how often utilisation samples are taken."""

    op: Literal["sample_rate"] = "sample_rate"
    task: ClassVar[str] = "config"
    sample_rate: int

    def apply(self, ctx: Context) -> None:
        check_sample_rate(self.sample_rate)
        system = ctx.frame.system.model_copy(update={"sample_rate": self.sample_rate})
        ctx.frame = ctx.frame.model_copy(update={"system": system})

    def target(self) -> str:
        return "system"

    def command(self, frame: Frame) -> str:
        return f"chlparutil -r config -m {name(frame.system.name)} -s {self.sample_rate}"
