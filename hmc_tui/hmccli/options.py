"""Flag parsing for HMC commands: `-r lpar -m SYS --filter "..." -F a,b --header`.

HMC commands take flags in any order, each at most once; a flag either stands alone or takes
the next word as its value, whatever that word looks like (`-c "lsmap -all"`). `-F` takes an
optional value: alone it means every attribute. Anything else is a usage error naming the
offending word, like the HMC's own parser.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from hmc_tui.hmccli.errors import ShowUsage, UsageError

SWITCH = 0
VALUE = 1
OPTIONAL = 2  # -F: a value unless the next word is another flag of the command


@dataclass(frozen=True)
class Args:
    """The flags given: `values[flag]` is the value ("" for switches)."""

    command: str
    values: Mapping[str, str] = field(default_factory=dict)

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

    def one_of(self, flag: str, choices: Iterable[str]) -> str:
        """A required flag whose value must be one of `choices`."""
        value = self.require(flag)
        if value not in choices:
            raise UsageError(flag)
        return value

    def only(self, allowed: Iterable[str]) -> None:
        """Refuse flags that make no sense for the chosen variant of the command."""
        extra = [f for f in self.values if f not in set(allowed)]
        if extra:
            raise UsageError(*extra)

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


def parse_flags(command: str, words: list[str], flags: Mapping[str, int]) -> Args:
    """Parse `words` against `flags` (flag -> SWITCH / VALUE / OPTIONAL)."""
    if not words:
        raise ShowUsage(command, requested=False)
    values: dict[str, str] = {}
    i = 0
    while i < len(words):
        word = words[i]
        if word in ("--help", "-?"):
            raise ShowUsage(command, requested=True)
        arity = flags.get(word)
        if arity is None or word in values:
            raise UsageError(word)
        if arity == SWITCH:
            values[word] = ""
        elif arity == VALUE:
            if i + 1 >= len(words):
                raise UsageError(word)
            i += 1
            values[word] = words[i]
        else:  # OPTIONAL
            if i + 1 < len(words) and words[i + 1] not in flags:
                i += 1
                values[word] = words[i]
            else:
                values[word] = ""
        i += 1
    return Args(command, values)
