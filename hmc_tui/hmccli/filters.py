"""--filter "lpar_names=a,b,profile_names=p": which records a listing keeps.

Filter names are checked per command (an unknown one is a usage error on --filter). A
partition name that does not exist is HSCL8012, as on the HMC; unknown ids simply match
nothing.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from engine.errors import HmcError
from engine.model import Partition
from hmc_tui.hmccli.errors import UsageError
from hmc_tui.hmccli.tokens import parse_attrs, split_items


@dataclass(frozen=True)
class Filter:
    values: dict[str, list[str]] = field(default_factory=dict)

    def has(self, name: str) -> bool:
        return name in self.values

    def get(self, name: str) -> list[str]:
        return self.values.get(name, [])

    def lpar(self, p: Partition) -> bool:
        names = self.values.get("lpar_names")
        ids = self.values.get("lpar_ids")
        if names is not None and p.name not in names:
            return False
        return ids is None or str(p.id) in ids

    def profile(self, name: str) -> bool:
        names = self.values.get("profile_names")
        return names is None or name in names

    def allows(self, key: str, value: str) -> bool:
        """Generic: no such filter, or the value is listed."""
        wanted = self.values.get(key)
        return wanted is None or value in wanted


def parse_filter(text: str | None, allowed: Iterable[str], *,
                 known_lpars: Iterable[str] | None = None) -> Filter:
    if text is None:
        return Filter()
    allowed = set(allowed)
    values: dict[str, list[str]] = {}
    try:
        pairs = parse_attrs(text)
    except Exception:  # an unreadable filter is a bad --filter value
        raise UsageError("--filter") from None
    for name, op, value in pairs:
        if name not in allowed or op != "=" or name in values:
            raise UsageError("--filter")
        values[name] = split_items(value) if value != "none" else ["none"]
    if known_lpars is not None:
        check_lpar_names(Filter(values), known_lpars)
    return Filter(values)


def check_lpar_names(f: Filter, known: Iterable[str]) -> None:
    names = set(known)
    for name in f.get("lpar_names"):
        if name not in names:
            raise HmcError("HSCL8012", name=name)
