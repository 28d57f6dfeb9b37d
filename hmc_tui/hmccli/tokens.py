'''The HMC's quoting rules: the shell line, attribute lists and list values.

Three layers, as on a real HMC:

1. The command line is split by the (restricted bash) shell: `shlex` in POSIX mode.
2. The value of `-i`, `-a` and `--filter` is a comma-separated list of `name=value` pairs with
   CSV quoting: a pair whose value holds commas is wrapped in double quotes, and quotes inside
   are doubled (`"virtual_fc_adapters=""4/client/1/v1/22/w1,w2/1"""` as printed). Python's
   csv module reads exactly this.
3. A list value (adapters, VLAN ids, names) is itself a CSV list whose items may be quoted.

Real scripts are sloppy with layer 2 (`--filter lpar_names=a,b`, `addl_vlan_ids=10,20` inside
an unquoted `-a`), and the engine's own command strings are too; a field without `=` is
therefore read as the continuation of the previous value, which is what the writer meant.
'''

from __future__ import annotations

import csv
import io
import re
import shlex

from hmc_tui.hmccli.errors import CliError, InvalidAttribute

NAME = re.compile(r"[A-Za-z0-9_]+")


def tokenize(line: str) -> list[str]:
    """The words of a command line; unbalanced quotes are the shell's syntax error."""
    try:
        return shlex.split(line, posix=True)
    except ValueError as exc:  # "No closing quotation" / "No escaped character"
        raise CliError(f"rbash: syntax error: {str(exc).lower()}") from None


def csv_fields(text: str) -> list[str]:
    """One CSV record (default dialect, so doubled quotes and embedded commas work)."""
    if not text:
        return []
    fields: list[str] = []
    for row in csv.reader(io.StringIO(text), strict=False):
        fields.extend(row)  # an unquoted line break just starts more fields
    return fields


def parse_attrs(text: str) -> list[tuple[str, str, str]]:
    """`name=value,...` as (name, operator, value) with operator `=`, `+=` or `-=`."""
    pairs: list[tuple[str, str, str]] = []
    for field in csv_fields(text):
        if "=" not in field:
            if pairs and field != "":
                name, op, value = pairs[-1]
                pairs[-1] = (name, op, f"{value},{field}")
                continue
            if field == "":
                continue  # a trailing comma
            raise InvalidAttribute(field)
        name, value = field.split("=", 1)
        op = "="
        if name.endswith(("+", "-")):
            name, op = name[:-1], name[-1] + "="
        if not NAME.fullmatch(name):
            raise InvalidAttribute(name or field)
        pairs.append((name, op, value))
    return pairs


def split_items(value: str) -> list[str]:
    """The items of a list value (`a,b` or `"a,1","b,2"`); `none` and empty give []."""
    if value in ("", "none"):
        return []
    return [item for item in csv_fields(value) if item != ""]


def join_fragments(items: list[str], slashes: int) -> list[str]:
    """Re-join items an unquoted list split at commas inside one item.

    A vFC item holds a WWPN pair (`4/client/1/v1/22/w1,w2/1`) and an Ethernet item a VLAN list;
    written without the inner quotes they arrive in pieces. An item is complete once it has
    `slashes` slashes, so the pieces are glued back until it does.
    """
    out: list[str] = []
    for item in items:
        if out and out[-1].count("/") < slashes:
            out[-1] = f"{out[-1]},{item}"
        else:
            out.append(item)
    return out


def split_field_list(spec: str) -> tuple[list[str], str]:
    """An -F list and its delimiter: the first character that cannot be in a name.

    `name,state` -> ([name, state], ","); `name:state` -> ([name, state], ":").
    """
    match = re.search(r"[^A-Za-z0-9_]", spec)
    delimiter = match.group() if match else ","
    return spec.split(delimiter), delimiter
