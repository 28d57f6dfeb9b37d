"""The flags of one command line as parsed (`Args`) and the arities a flag can have.

HMC commands take flags in any order, each at most once; a flag either stands alone
(SWITCH) or takes the next word as its value whatever it looks like (`-c "lsmap -all"`);
`-F` takes an optional value (alone it means every attribute). Parsing and validation
against a command's declaration live in `grammar.py`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from hmc_tui.hmccli.errors import UsageError

if TYPE_CHECKING:
    from hmc_tui.hmccli.grammar import Spec

SWITCH = 0
VALUE = 1
OPTIONAL = 2  # -F: a value unless the next word is another flag of the command


@dataclass(frozen=True)
class Args:
    """The flags given: `values[flag]` is the value ("" for switches)."""

    command: str
    values: Mapping[str, str] = field(default_factory=dict)
    spec: Spec | None = None  # the command's grammar for these flags

    @property
    def filters(self) -> tuple[str, ...]:
        """The names --filter takes here (declared per variant)."""
        return self.spec.filters if self.spec is not None else ()

    def __contains__(self, flag: str) -> bool:
        return flag in self.values

    def get(self, flag: str, default: str | None = None) -> str | None:
        return self.values.get(flag, default)

    def require(self, *flags: str) -> str:
        """The value of the first of `flags` given; a usage error naming them otherwise."""
        for flag in flags:
            if flag in self.values:
                return self.values[flag]
        raise UsageError(*flags)

    def integer(self, flag: str, low: int | None = None) -> int | None:
        value = self.values.get(flag)
        if value is None:
            return None
        try:
            number = int(value)
        except ValueError:
            raise UsageError(flag) from None
        if low is not None and number < low:
            raise UsageError(flag)
        return number

    def number(self, flag: str) -> float | None:
        value = self.values.get(flag)
        if value is None:
            return None
        try:
            number = float(value)
        except ValueError:
            raise UsageError(flag) from None
        if not number > 0 or number != number or number == float("inf"):
            raise UsageError(flag)
        return number

