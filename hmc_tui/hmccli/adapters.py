"""Virtual adapter items of profile attributes, printed and parsed.

Item formats (docs/hmc-commands.md section 4, real captures):

    virtual_scsi_adapters   slot/client|server/remote_lpar_id/remote_lpar_name/remote_slot/
                            is_required
    virtual_fc_adapters     slot/client|server/remote_lpar_id/remote_lpar_name/remote_slot/
                            wwpn1,wwpn2/is_required
    virtual_eth_adapters    slot/is_ieee/port_vlan_id/addl_vlan_ids/trunk_priority/is_required
                            [/vswitch/mac/allowed_os_macs/qos]
    virtual_serial_adapters slot/server/supports_hmc/remote_lpar_id/remote_lpar_name/
                            remote_slot/is_required

A server adapter open to any partition shows `any` for the remote id and slot. The engine
keeps adapters per partition, so every profile of a partition shows the same lists.
"""

from __future__ import annotations

from engine.errors import HmcError
from engine.hmcsyntax import Adapter, partition_items
from engine.model import Frame, Partition, VirtualEth, VirtualFc, VirtualScsi
from hmc_tui.hmccli.tokens import join_fragments, split_items

LIST_ATTRS = {  # profile attribute -> adapter type
    "virtual_scsi_adapters": "scsi",
    "virtual_fc_adapters": "fc",
    "virtual_eth_adapters": "eth",
}
SERIAL_ITEMS = ["0/server/1/any//any/1", "1/server/1/any//any/1"]
_SLASHES = {"scsi": 5, "fc": 6, "eth": 5}


def items(frame: Frame, p: Partition, kind: str) -> list[str] | str:
    """The partition's adapters of one type as a list value, or `none`."""
    return partition_items(frame, p, kind)


# ---------------------------------------------------------------- parsing


def _bad(attr: str, text: str, reason: str) -> HmcError:
    return HmcError("HSCL0A0F", field=attr, value=text, reason=reason)


def _int(attr: str, text: str, value: str, what: str) -> int:
    try:
        return int(value)
    except ValueError:
        raise _bad(attr, text, f"the {what} must be a number.") from None


def _flag(attr: str, text: str, value: str, what: str) -> bool:
    if value not in ("0", "1"):
        raise _bad(attr, text, f"{what} must be 0 or 1.")
    return value == "1"


def _remote_id(frame: Frame, attr: str, text: str, rid: str, rname: str) -> int | None:
    """The remote partition by id, or by name when the id is left empty; `any` is None."""
    if rid in ("any", "") and rname == "":
        return None
    if rid not in ("any", ""):
        return _int(attr, text, rid, "remote partition ID")
    other = frame.partition(rname)
    if other is None:
        raise HmcError("HSCL8012", name=rname)
    return other.id


def parse_item(frame: Frame, attr: str, text: str) -> Adapter:
    """One item of virtual_scsi_adapters / virtual_fc_adapters / virtual_eth_adapters."""
    kind = LIST_ATTRS[attr]
    f = text.split("/")
    if kind == "eth":
        if not 6 <= len(f) <= 10:
            raise _bad(attr, text, "the format is slot/is_ieee/port_vlan_id/addl_vlan_ids/"
                       "trunk_priority/is_required[/vswitch/mac/allowed_os_macs/qos].")
        try:
            vlans = tuple(int(v) for v in f[3].split(",") if v)
        except ValueError:
            raise _bad(attr, text, "additional VLAN IDs are numbers.") from None
        vswitch = f[6] if len(f) > 6 and f[6] else "ETHERNET0"
        mac = f[7].upper() if len(f) > 7 else ""
        try:
            return VirtualEth(
                slot=_int(attr, text, f[0], "slot number"),
                ieee=_flag(attr, text, f[1], "is_ieee"),
                pvid=_int(attr, text, f[2], "port VLAN ID"), vlans=vlans,
                trunk_priority=_int(attr, text, f[4], "trunk priority"),
                required=_flag(attr, text, f[5], "is_required"), vswitch=vswitch, mac=mac)
        except ValueError as exc:  # pydantic: a value out of range
            raise _bad(attr, text, _first_reason(exc)) from None
    want = 7 if kind == "fc" else 6
    if len(f) != want:
        layout = "slot/client|server/remote_lpar_id/remote_lpar_name/remote_slot/"
        layout += "wwpns/is_required." if kind == "fc" else "is_required."
        raise _bad(attr, text, f"the format is {layout}")
    side = f[1]
    if side not in ("client", "server"):
        raise _bad(attr, text, "the adapter type is client or server.")
    rid = _remote_id(frame, attr, text, f[2], f[3])
    rslot = None if f[4] in ("any", "") else _int(attr, text, f[4], "remote slot number")
    slot = _int(attr, text, f[0], "slot number")
    required = _flag(attr, text, f[-1], "is_required")
    try:
        if kind == "scsi":
            return VirtualScsi(slot=slot, side=side, remote_lpar_id=rid, remote_slot=rslot,
                               required=required)
        wwpns = tuple(w.lower() for w in f[5].split(",") if w)
        if wwpns and len(wwpns) != 2:
            raise _bad(attr, text, "a client adapter has a pair of WWPNs.")
        return VirtualFc(slot=slot, side=side, remote_lpar_id=rid, remote_slot=rslot,
                         wwpns=wwpns or None, required=required)  # type: ignore[arg-type]
    except ValueError as exc:
        raise _bad(attr, text, _first_reason(exc)) from None


def parse_list(frame: Frame, attr: str, value: str) -> list[Adapter]:
    """Every item of a list attribute's value (`none` is the empty list)."""
    pieces = join_fragments(split_items(value), _SLASHES[LIST_ATTRS[attr]])
    return [parse_item(frame, attr, text) for text in pieces]


def _first_reason(exc: ValueError) -> str:
    errors = getattr(exc, "errors", None)
    if callable(errors):
        first = errors()[0]
        return f"{'.'.join(str(x) for x in first['loc'])}: {first['msg']}."
    return str(exc)
