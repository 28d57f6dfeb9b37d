"""The text filters the HMC's restricted shell offers, by name (the shell looks them up here).
"""

from __future__ import annotations

from shellsim.awk import awk
from shellsim.coreutils import cut, head, sort, tail, tr, uniq, wc
from shellsim.filterbase import Filter, FilterError
from shellsim.grep_sed import grep, sed

__all__ = ["FILTERS", "Filter", "FilterError"]

FILTERS: dict[str, Filter] = {
    "grep": grep, "egrep": grep, "fgrep": lambda n, a, s: grep(n, ["-F", *a], s),
    "sed": sed, "awk": awk, "sort": sort, "uniq": uniq, "head": head, "tail": tail, "wc": wc,
    "cut": cut, "tr": tr,
}
