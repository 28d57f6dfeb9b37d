'''The HMC's text syntax for attribute values: quoting, booleans, processing units and
virtual adapter items. Both the command line's output and the operations' equivalent
command strings are written with it, so the two can never disagree.

* a pair whose text holds a comma (or a quote or line break) is wrapped in double quotes
  and the quotes inside it are doubled;
* an item of a list value that holds a comma is itself wrapped in quotes first, which the
  outer quoting then doubles: `"virtual_eth_adapters=""2/1/1/3,4,5/0/1"""` (real capture);
* `addl_vlan_ids` is quoted whenever it has a value, even a single VLAN (real capture).

Adapter items (docs/hmc-commands.md section 4, real captures):
    virtual_scsi_adapters  slot/client|server/remote_lpar_id/remote_lpar_name/remote_slot/
                           is_required
    virtual_fc_adapters    slot/client|server/remote_lpar_id/remote_lpar_name/remote_slot/
                           wwpn1,wwpn2/is_required
    virtual_eth_adapters   slot/is_ieee/port_vlan_id/addl_vlan_ids/trunk_priority/is_required
                           /vswitch/mac/allowed_os_macs/qos
A server adapter open to any partition shows `any` for the remote id and slot.
'''

from __future__ import annotations

import shlex
from collections.abc import Iterable

from engine.model import Frame, Partition, VirtualEth, VirtualFc, VirtualScsi

Value = str | list[str]
ALWAYS_QUOTED = frozenset({"addl_vlan_ids"})
_SPECIAL = (",", '"', "\n")


def quote(text: str, force: bool = False) -> str:
    if force or any(c in text for c in _SPECIAL):
        return '"' + text.replace('"', '""') + '"'
    return text


def value_text(value: Value) -> str:
    """A list value: items joined by commas, an item with a comma in quotes."""
    if isinstance(value, str):
        return value
    return ",".join(f'"{item}"' if "," in item else item for item in value)


def pair_text(name: str, value: Value) -> str:
    text = value_text(value)
    return quote(f"{name}={text}", force=name in ALWAYS_QUOTED and text != "")


def flag(value: bool) -> str:
    """HMC booleans are 0 and 1."""
    return "1" if value else "0"


def units(x: float | None) -> str:
    """Processing units as the HMC prints them: 0.5, 1.0, 1.25."""
    return repr(round(float(x or 0.0), 2))


def scalar(value: object) -> str:
    """One attribute value in the HMC's spelling."""
    if isinstance(value, bool):
        return flag(value)
    if isinstance(value, float):
        return units(value)
    return str(value)


def present(*pairs: tuple[str, object]) -> list[tuple[str, object]]:
    """The pairs whose value is set: the optional attributes of a change command."""
    return [(k, v) for k, v in pairs if v is not None]


def attr_arg(pairs: Iterable[tuple[str, Value | object]]) -> str:
    """An `-i`/`-a` argument, shell-quoted: name=value pairs in the HMC's quoting."""
    text = ",".join(
        pair_text(k, v if isinstance(v, (str, list)) else scalar(v)) for k, v in pairs)
    return arg(text)


def arg(text: str) -> str:
    """A quoted shell word the HMC way: in double quotes unless that would need escapes."""
    return shlex.quote(text) if any(c in text for c in '"$`\\') else f'"{text}"'


def name(text: str) -> str:
    """A system, partition or profile name as a shell word."""
    return shlex.quote(text)


# ---------------------------------------------------------------- virtual adapter items

Adapter = VirtualScsi | VirtualFc | VirtualEth


def _remote(frame: Frame, lpar_id: int | None) -> tuple[str, str]:
    if lpar_id is None:
        return "any", ""
    other = frame.partition(lpar_id)
    return str(lpar_id), other.name if other else ""


def item(frame: Frame, a: Adapter) -> str:
    """One adapter in its profile item syntax."""
    if isinstance(a, VirtualEth):
        vlans = ",".join(str(v) for v in a.vlans)
        return (f"{a.slot}/{int(a.ieee)}/{a.pvid}/{vlans}/{a.trunk_priority}/{int(a.required)}"
                f"/{a.vswitch}/{a.mac.lower()}/all/none")
    rid, rname = _remote(frame, a.remote_lpar_id)
    rslot = "any" if a.remote_slot is None else str(a.remote_slot)
    if isinstance(a, VirtualFc):
        wwpns = ",".join(a.wwpns) if a.wwpns else ""
        return f"{a.slot}/{a.side}/{rid}/{rname}/{rslot}/{wwpns}/{int(a.required)}"
    return f"{a.slot}/{a.side}/{rid}/{rname}/{rslot}/{int(a.required)}"


def items(frame: Frame, adapters: Iterable[Adapter], kind: str) -> list[str] | str:
    """Adapters of one type as a list value, or `none`."""
    found = [item(frame, a) for a in sorted(adapters, key=lambda a: a.slot) if a.type == kind]
    return found or "none"


def partition_items(frame: Frame, p: Partition, kind: str) -> list[str] | str:
    return items(frame, p.adapters, kind)
