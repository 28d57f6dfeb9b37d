"""Virtual SCSI, fibre channel and Ethernet adapters (lshwres -r virtualio), else the
adapter lists of the default profiles.
"""

from __future__ import annotations

from functools import partial

from engine.errors import HmcError
from engine.model import Frame, VirtualEth, VirtualFc, VirtualScsi
from hmc_tui.hmccli import adapters as adapter_items
from hmc_tui.hmccli.capture_parse import Capture, CaptureError, need
from hmc_tui.hmccli.importer.reader import Lpars, Reader, Rec
from hmc_tui.hmccli.tokens import split_items


def read_adapters(r: Reader, lpars: Lpars, lists: dict[int, dict[str, tuple]]
                  ) -> dict[int, list[VirtualScsi | VirtualFc | VirtualEth]]:
    """Virtual adapters per partition, in slot order; from the default profile's lists
    for an adapter kind whose capture is missing."""
    out: dict[int, list[VirtualScsi | VirtualFc | VirtualEth]] = {}
    missing: list[str] = []
    for kind in ("scsi", "fc", "eth"):
        key = f"lshwres_r_virtualio_rsubtype_{kind}_level_lpar"
        records = r.records(key, f"virtual {kind} adapters come from the default "
                            "profiles")
        if records is None:
            missing.append(kind)
            continue
        for cap, line, rec in records:
            lid = r.lpar_id(cap, line, rec, lpars)
            if lid is None:
                continue
            try:
                found = r.model(cap, line, partial(_adapter, r), where=(cap, line), rec=rec,
                                kind=kind)
            except CaptureError as err:
                r.warn(f"{err}: virtual {kind} adapter not placed")
                continue
            out.setdefault(lid, []).append(found)
    if missing:
        # Only the (empty) partition list of this stub is read; model_construct skips
        # validation, so the required system is not needed.
        stub = Frame.model_construct(partitions=())  # type: ignore[call-arg]
        for lid, by_name in lists.items():
            default = lpars[lid][2].get("default_profile", "")
            cap, line, values, _ = by_name.get(default) or next(iter(by_name.values()))
            for attr, kind in adapter_items.LIST_ATTRS.items():
                if kind in missing and attr in values:
                    try:
                        found_list = adapter_items.parse_list(stub, attr, values[attr])
                    except HmcError as err:
                        r.warn(f"{cap.source}:{line}: {attr}: {err}: not placed")
                        continue
                    out.setdefault(lid, []).extend(found_list)
    result: dict[int, list[VirtualScsi | VirtualFc | VirtualEth]] = {}
    for lid, found_all in out.items():
        by_slot: dict[int, VirtualScsi | VirtualFc | VirtualEth] = {}
        for a in found_all:
            if a.slot in by_slot:
                r.warn(f"{lpars[lid][2]['name']}: two adapters in slot {a.slot}: the "
                       f"virtual {a.type} one not placed")
                continue
            by_slot[a.slot] = a
        result[lid] = [by_slot[k] for k in sorted(by_slot)]
    return result


def _adapter(r: Reader, where: tuple[Capture, int], rec: Rec,
             kind: str) -> VirtualScsi | VirtualFc | VirtualEth:
    """One lshwres -r virtualio record as an adapter."""
    cap, line = where
    slot = r.number(cap, line, need(cap, line, rec, "slot_num")[0], int, "slot_num")
    required = rec.get("is_required", "0") == "1"
    if kind == "eth":
        trunk = rec.get("is_trunk", "0") == "1"
        vlans = tuple(r.number(cap, line, v, int, "addl_vlan_ids")
                      for v in split_items(rec.get("addl_vlan_ids", "")))
        return VirtualEth(
            slot=slot, pvid=r.number(cap, line, need(cap, line, rec, "port_vlan_id")[0],
                                     int, "port_vlan_id"),
            vlans=vlans, ieee=rec.get("ieee_virtual_eth", "0") == "1",
            trunk_priority=r.number(cap, line, rec.get("trunk_priority", "1"), int,
                                    "trunk_priority") if trunk else 0,
            vswitch=rec.get("vswitch") or "ETHERNET0", mac=rec.get("mac_addr", "").upper(),
            required=required)
    side = need(cap, line, rec, "adapter_type")[0]
    rid_text = rec.get("remote_lpar_id", "any")
    rslot_text = rec.get("remote_slot_num", "any")
    rid = None if rid_text in ("any", "") else r.number(cap, line, rid_text, int,
                                                        "remote_lpar_id")
    rslot = None if rslot_text in ("any", "") else r.number(cap, line, rslot_text, int,
                                                            "remote_slot_num")
    if kind == "scsi":
        return VirtualScsi(slot=slot, side=side, remote_lpar_id=rid,
                           remote_slot=rslot, required=required)
    wwpns = tuple(w.lower() for w in split_items(rec.get("wwpns", "")))
    return VirtualFc(slot=slot, side=side, remote_lpar_id=rid,
                     remote_slot=rslot, wwpns=wwpns or None,
                     required=required)
