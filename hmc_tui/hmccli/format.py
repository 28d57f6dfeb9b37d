'''HMC output records: `attr=value` pairs, quoting, `-F` selections and `--header`.

The rules (docs/hmc-commands.md section 3, checked against the real captures):

* one record per line, pairs joined by commas, attributes in the HMC's order;
* a pair whose text holds a comma (or a quote or line break) is wrapped in double quotes and
  the quotes inside it are doubled;
* an item of a list value that holds a comma is itself wrapped in quotes first, which the
  outer quoting then doubles: `"virtual_eth_adapters=""2/1/1/3,4,5/0/1"""` (sic);
* `addl_vlan_ids` is quoted whenever it has a value, even a single VLAN (real lshwres capture);
* `-F a:b` prints the values only, in the order and with the delimiter given, each value
  quoted by the same rule; `--header` adds the attribute names as a first line;
* no records: `No results were found.` (exit status 0).

A Python `csv` reader (default dialect) reads every line back.
'''

from __future__ import annotations

from collections.abc import Iterable, Sequence

from engine.hmcsyntax import ALWAYS_QUOTED, Value, flag, pair_text, quote, units, value_text
from hmc_tui.hmccli.errors import InvalidAttribute
from hmc_tui.hmccli.tokens import split_field_list

Record = dict[str, Value]  # insertion order is output order
NO_RESULTS = "No results were found."
__all__ = ["ALWAYS_QUOTED", "NO_RESULTS", "Record", "Value", "flag", "pair_text", "quote",
           "record_line", "render", "units", "value_text"]


def record_line(record: Record) -> str:
    return ",".join(pair_text(k, v) for k, v in record.items())


def render(records: Sequence[Record], fields: str | None, header: bool,
           known: Iterable[str]) -> str:
    """The command's output text (no trailing newline) for default output or `-F`.

    `fields` is the -F argument (None: no -F, "": -F without names = every attribute);
    `known` holds every attribute the resource has, for validating -F names.
    """
    if fields is not None and fields != "":
        names, delimiter = split_field_list(fields)
        valid = set(known)
        for name in names:
            if name not in valid:
                raise InvalidAttribute(name)
    else:
        names, delimiter = [], ","
    if not records:
        return NO_RESULTS
    lines: list[str] = []
    if fields is None:
        lines = [record_line(r) for r in records]
    elif names:
        if header:
            lines.append(delimiter.join(names))
        for r in records:
            lines.append(delimiter.join(quote(value_text(r.get(n, ""))) for n in names))
    else:  # -F alone: every attribute of each record, values only
        if header:
            lines.append(",".join(records[0]))
        lines += [",".join(quote(value_text(v)) for v in r.values()) for r in records]
    return "\n".join(lines)
