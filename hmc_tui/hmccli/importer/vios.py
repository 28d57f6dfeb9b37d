"""VIOS captures: lsmap blocks given to the VIOS their location code names, disks
(lspv, lsrep), VTDs, NPIV mappings and SEAs.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from engine.model import Disk, NpivMapping, PhysicalAdapter, SharedEthernetAdapter, VscsiMapping
from engine.vios_show import LIBRARY, lun_number
from hmc_tui.hmccli.capture_parse import (
    Capture,
    CaptureError,
    Vfc,
    Vtd,
    columns,
    lsmap_net,
    lsmap_npiv,
    lsmap_vscsi,
    lsrep_files,
    need,
    split_rows,
)
from hmc_tui.hmccli.importer.physical import derive_ports, npiv_ports
from hmc_tui.hmccli.importer.reader import VIOS_COMMANDS, Reader, Rec, T, base_key
from hmc_tui.hmccli.tokens import split_items


def _vios_captures(r: Reader, vios_parts: dict[int, Rec]) -> dict[int, dict[str, Capture]]:
    """Per VIOS id: its captures keyed without the `_<vios name or id>` suffix."""
    suffixes = {rec["name"]: lid for lid, rec in vios_parts.items()}
    suffixes.update({str(lid): lid for lid in vios_parts})
    ordered = sorted(suffixes, key=len, reverse=True)
    out: dict[int, dict[str, Capture]] = {lid: {} for lid in vios_parts}
    for key, cap in r.caps.items():
        if "#" in key:
            continue  # a repeated section: only lsmap ones are read (by location code)
        for suffix in ordered:
            if key.endswith(f"_{suffix}"):
                out[suffixes[suffix]].setdefault(key[: -len(suffix) - 1], cap)
                break
    return out


def _lsmaps(r: Reader, vios_parts: dict[int, Rec]
            ) -> tuple[dict[int, list[Vtd]], dict[int, list[Vfc]]]:
    """Every lsmap -all / -all -npiv block, given to the VIOS its location code names
    (`-V<id>-`): per-VIOS files, files without the VIOS name, concatenated output."""
    vscsi: dict[int, list[Vtd]] = {}
    npiv: dict[int, list[Vfc]] = {}
    seen: set[tuple[str, int, int, str]] = set()
    unplaced: set[str] = set()
    for key, cap in r.caps.items():
        words = base_key(key).split("_")
        if words[:1] != ["lsmap"] or "all" not in words or "net" in words:
            continue
        kind = "npiv" if "npiv" in words else "scsi"
        try:
            blocks: list[Vtd] | list[Vfc] = (
                lsmap_npiv(cap, r.warn) if kind == "npiv" else lsmap_vscsi(cap, r.warn))
        except CaptureError as err:
            r.warn(f"{err}: capture {key} not used")
            r.used.add(key)
            continue
        r.used.add(key)
        for block in blocks:
            owner = block.owner
            name = block.vhost if isinstance(block, Vtd) else block.vfchost
            where = f"{cap.source}:{block.line}"
            if owner is None or owner not in vios_parts:
                why = ("its location code names no partition" if owner is None else
                       f"partition {owner} is not a VIOS in lssyscfg_r_lpar")
                if where not in unplaced:  # one warning per block, not per VTD
                    unplaced.add(where)
                    r.warn(f"{where}: {name} not used: {why}")
                continue
            ident = (kind, owner, block.slot,
                     block.vtd if isinstance(block, Vtd) else "")
            if ident in seen:
                continue  # the same block met again (a file and a one-file capture)
            seen.add(ident)
            if isinstance(block, Vtd):
                vscsi.setdefault(owner, []).append(block)
            else:
                npiv.setdefault(owner, []).append(block)
    return vscsi, npiv


def read_vios(r: Reader, vios_parts: dict[int, Rec], io_adapters: list[PhysicalAdapter],
              adapters: dict[int, list[Any]]) -> tuple[list[Disk], dict[int, dict[str, Any]]]:
    """The disks the VIOSes see, and per VIOS its VSCSI and NPIV mappings and SEAs."""
    per_vios = _vios_captures(r, vios_parts)
    vscsi, npiv = _lsmaps(r, vios_parts)
    data: dict[int, dict[str, Any]] = {}
    disks: dict[str, dict[str, Any]] = {}  # name -> fields, in first-seen order
    for lid in sorted(vios_parts):
        name = vios_parts[lid]["name"]
        caps = per_vios.get(lid, {})
        for key, cap in caps.items():
            if key in VIOS_COMMANDS or key.startswith("lsdev_dev_"):
                r.used.add(cap.key)
        if not caps and lid not in vscsi and lid not in npiv:
            r.warn(f"no VIOS captures for {name}: no mappings or SEAs")
        data[lid] = _one_vios(r, name, lid, caps, vscsi.get(lid, []), npiv.get(lid, []),
                              io_adapters, adapters, disks)
    if r.extras.disk:
        return [_extra_disk(r, cap, line, rec) for cap, line, rec in r.extras.disk
                ], data
    return [r.model(None, None, Disk, **f) for f in disks.values()], data


def _extra_disk(r: Reader, cap: Capture, line: int, rec: Rec) -> Disk:
    """A disk as the extras describe it (size, identifier, owners)."""
    owners = tuple(r.number(cap, line, o, int, "owners")
                   for o in split_items(rec.get("owners", "")))
    return r.model(
        cap, line, Disk, name=need(cap, line, rec, "name")[0], kind=rec.get("kind", "disk"),
        size_gb=r.number(cap, line, rec.get("size_gb", "100"), int, "size_gb"),
        unique_id=rec.get("unique_id", ""), owners=owners)


def _one_vios(r: Reader, name: str, lid: int, caps: dict[str, Capture], vtds: list[Vtd],
              vfcs: list[Vfc], io_adapters: list[PhysicalAdapter],
              adapters: dict[int, list[Any]], disks: dict[str, dict[str, Any]]
              ) -> dict[str, Any]:
    """One VIOS's disks (added to `disks`), mappings and SEAs; its ports onto `io_adapters`."""
    def add_disk(disk: str, **fields: Any) -> None:
        entry = disks.setdefault(disk, {"name": disk, "owners": []})
        entry.update(fields)
        if lid not in entry["owners"]:
            entry["owners"].append(lid)

    def read(key: str, reader: Callable[[Capture], T]) -> T | None:
        if key not in caps:
            return None
        try:
            return reader(caps[key])
        except CaptureError as err:
            r.warn(f"{err}: capture {caps[key].key} not used")
            return None

    for line, row in read("lspv_size", lambda c: split_rows(c, 3)) or []:
        try:
            mb = int(row[-1])
        except ValueError:
            r.warn(f"{caps['lspv_size'].source}:{line}: SIZE(megabytes) is not a "
                   f"number: {row[-1]!r} (line not used)")
            continue
        add_disk(row[0], kind="disk", size_gb=max(1, mb // 1024))
    for _, file, mb in read("lsrep", lsrep_files) or []:
        add_disk(LIBRARY + file, kind="file", size_gb=max(1, mb // 1024))
    vscsi: list[VscsiMapping] = []
    for vtd in vtds:
        if vtd.backing not in disks or lid not in disks[vtd.backing]["owners"]:
            if not r.extras.disk:
                r.warn(f"{vtd.backing} of {name} is only known as a backing device")
            add_disk(vtd.backing, kind="file" if vtd.backing.startswith("/") else "disk")
        try:
            lun = lun_number(vtd.lun)
        except ValueError:
            r.warn(f"{vtd.vtd} of {name}: LUN {vtd.lun!r} is not read: LUN 1 used")
            lun = 1
        vscsi.append(VscsiMapping(vhost_slot=vtd.slot, vtd=vtd.vtd, backing=vtd.backing,
                                  lun=lun))
    npiv: list[NpivMapping] = []
    port_locations: dict[str, str] = {}
    for vfc in vfcs:
        if vfc.port:
            npiv.append(NpivMapping(vfchost_slot=vfc.slot, port=vfc.port))
            port_locations[vfc.port] = vfc.port_location
    seas = _seas(r, name, caps, adapters.get(lid, []), port_locations)
    if not r.extras.present:
        derive_ports(r, lid, caps, io_adapters, port_locations)
    npiv_ports(r, name, lid, npiv, port_locations, io_adapters)
    return {"vscsi": vscsi, "npiv": npiv, "seas": seas}


def _seas(r: Reader, name: str, caps: dict[str, Capture], own: list[Any],
          port_locations: dict[str, str]) -> list[SharedEthernetAdapter]:
    """SEAs from lsmap -net, their trunks and control channel from lsdev -dev SEA -attr."""
    if "lsmap_all_net" not in caps:
        return []
    try:
        entries = lsmap_net(caps["lsmap_all_net"])
    except CaptureError as err:
        r.warn(f"{err}: capture {caps['lsmap_all_net'].key} not used")
        return []
    slot_of = {e.ent: e.slot for e in entries}
    found: dict[str, SharedEthernetAdapter] = {}
    for e in entries:
        if not e.sea or e.sea in found:
            continue
        port_locations.setdefault(e.backing, e.backing_location)
        trunks = tuple(x.slot for x in entries if x.sea == e.sea)
        attrs = caps.get(f"lsdev_dev_{e.sea}_attr")
        values = {row.get("attribute", ""): row.get("value", "")
                  for _, row in columns(attrs)} if attrs else {}
        if attrs is None:
            r.warn(f"lsdev_dev_{e.sea}_attr_{name}.txt is missing: {e.sea} takes its "
                   "first trunk adapter as default, no control channel, ha_mode auto")
        if values.get("virt_adapters"):
            trunks = tuple(slot_of[x] for x in values["virt_adapters"].split(",")
                           if x in slot_of)
        default = slot_of.get(values.get("pvid_adapter", ""), trunks[0] if trunks else 0)
        ctl = slot_of.get(values.get("ctl_chan", ""))
        sea = r.lenient(
            caps["lsmap_all_net"], 0, SharedEthernetAdapter, f"{e.sea} of {name}",
            name=e.sea, physical=e.backing, trunk_slots=trunks, default_slot=default,
            ctl_chan_slot=ctl, ha_mode=values.get("ha_mode", "auto"))
        if sea is not None:
            found[e.sea] = sea
    return list(found.values())
