"""The text filters the HMC's restricted shell offers, by name (the shell looks them up here).
"""

from __future__ import annotations

from hmc_tui.rbash.awk import awk
from hmc_tui.rbash.coreutils import cut, head, sort, tail, tr, uniq, wc
from hmc_tui.rbash.filterbase import Filter, FilterError
from hmc_tui.rbash.grep_sed import grep, sed

__all__ = ["FILTERS", "Filter", "FilterError"]

FILTERS: dict[str, Filter] = {
    "grep": grep, "egrep": grep, "fgrep": lambda n, a, s: grep(n, ["-F", *a], s),
    "sed": sed, "awk": awk, "sort": sort, "uniq": uniq, "head": head, "tail": tail, "wc": wc,
    "cut": cut, "tr": tr,
}
