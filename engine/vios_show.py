"""The VIOS's own listings: lsmap, lsdev, lspv, lsrep, lsnports, ioslevel.

Column layouts follow the VIOS captures in docs/hmc-commands.md: the VIOS 2.2+
`lsmap -vadapter` layout (15/44-wide SVSA and Physloc columns, a `Mirrored` line), the
`lsmap -all -npiv` layout (13/34/6/14 columns, `FC name:` padded to 32), and the one-line
`-fmt :` form of the real vios1 capture. Device names come from engine.vios. In the engine
because two front ends print them: the HMC's viosvrcmd (hmc_tui.hmccli.vios) and the VIOS's
own padmin shell on its console (engine.vterm.guest.padmin).
"""

from __future__ import annotations

from collections.abc import Sequence

from engine import vios as names
from engine.model import (
    Disk,
    Frame,
    Partition,
    PhysicalPort,
    VirtualEth,
    VirtualFc,
    VirtualScsi,
    VscsiMapping,
)

VTD_LABEL = 22  # "Backing device        hdisk2"
NO_VTD = "NO VIRTUAL TARGET DEVICE FOUND"
NO_SEA = "NO SHARED ETHERNET ADAPTER FOUND"
LIBRARY = "/var/vio/VMLibrary/"
PORTS_LOGGED_IN = 2  # target ports each logged-in client sees on the fabric
SWWPNS = 2048  # WWPNs an NPIV port supports
ROOTVG_SIZE_MB = 102272  # lsrep's Parent Size / Parent Free of the repository's pool
ROOTVG_FREE_MB = 73216
DISK_DESCRIPTION = "MPIO IBM 2145 FC Disk"  # lsdev's description of the frame's SAN LUNs


# ---------------------------------------------------------------- small helpers


def lun_text(lun: int) -> str:
    """LUN 1 -> 0x8100000000000000 (the VIOS's first mapping), 2 -> 0x8200..."""
    if lun < 0x80:
        return f"0x{0x80 + lun:02x}" + "0" * 14
    return f"0x{0x80 + lun:04x}" + "0" * 12  # beyond 127 mappings on one vhost


def lun_number(text: str) -> int:
    digits = text.lower().removeprefix("0x")
    first = int(digits[:2], 16)
    return first - 0x80 if first > 0x80 else int(digits[:4], 16) - 0x80


def client_os(p: Partition) -> str:
    if p.env == "os400":
        return "IBM i"
    return "Linux" if "linux" in p.os_version.lower() else "AIX"


def disks_of(frame: Frame, v: Partition) -> list[Disk]:
    return [d for d in frame.io.disks if v.id in d.owners]


def _vtd_kind(disk: Disk | None, backing: str = "x") -> str:
    if backing == "" or (disk is not None and disk.kind == "file"):  # "": optical, no media
        return "Virtual Target Device - File-backed Optical"
    if disk is not None and disk.kind == "lv":
        return "Virtual Target Device - Logical Volume"
    return "Virtual Target Device - Disk"


def table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> list[str]:
    """Left-aligned columns one space wider than their widest cell (lsdev -attr, -field)."""
    widths = [max(len(r[i]) for r in (headers, *rows)) + 1 for i in range(len(headers))]
    return ["".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip()
            for r in (headers, *rows)]


# ---------------------------------------------------------------- lsmap (vSCSI)


def client_of(frame: Frame, v: Partition, slot: int) -> Partition | None:
    """The client partition of a server adapter: the one it names, or, for an adapter
    open to any partition, the one whose client adapter points at it (the VIOS sees who
    is connected)."""
    a = v.adapter(slot)
    if not isinstance(a, VirtualScsi | VirtualFc):
        return None
    if a.remote_lpar_id is not None:
        return frame.partition(a.remote_lpar_id)
    return next((p for p in frame.partitions for c in p.adapters
                 if type(c) is type(a) and c.side == "client" and c.remote_lpar_id == v.id
                 and c.remote_slot == slot), None)


def _client_id(frame: Frame, remote: int | None) -> int:
    """The client partition behind a server adapter while it is running, else 0."""
    client = frame.partition(remote) if remote is not None else None
    return client.id if client is not None and client.active else 0


def _mappings(v: Partition, slot: int) -> list[VscsiMapping]:
    return sorted((m for m in v.vscsi_mappings if m.vhost_slot == slot), key=lambda m: m.lun)


def svsa_line(name: str, physloc: str, client_id: int) -> str:
    """`vhost18         U8233.E8B.100121P-V8-C21                     0x0000000f`"""
    return f"{name:<15} {physloc:<44} 0x{client_id:08x}"


def vhost_block(frame: Frame, v: Partition, slot: int, name: str) -> list[str]:
    a = v.adapter(slot)
    client = client_of(frame, v, slot) if isinstance(a, VirtualScsi) else None
    remote = client.id if client is not None else None
    lines = [
        "SVSA            Physloc                                      Client Partition ID",
        "--------------- -------------------------------------------- ------------------",
        svsa_line(name, frame.location(v.id, slot), _client_id(frame, remote)),
        "",
    ]
    disks = {d.name: d for d in frame.io.disks}
    maps = _mappings(v, slot)
    if not maps:
        return [*lines, f"{'VTD':<{VTD_LABEL}}{NO_VTD}", ""]
    for m in maps:
        disk = disks.get(m.backing)
        mirrored = "N/A" if m.backing == "" else (
            "false" if disk is None or disk.kind == "disk" else "N/A")
        lines += [f"{label:<{VTD_LABEL}}{value}".rstrip() for label, value in (
            ("VTD", m.vtd), ("Status", "Available"), ("LUN", lun_text(m.lun)),
            ("Backing device", m.backing), ("Physloc", ""), ("Mirrored", mirrored))]
        lines.append("")
    return lines


def vhost_fmt(frame: Frame, v: Partition, slot: int, name: str, sep: str) -> str:
    a = v.adapter(slot)
    client = client_of(frame, v, slot) if isinstance(a, VirtualScsi) else None
    remote = client.id if client is not None else None
    fields = [name, frame.location(v.id, slot), f"0x{_client_id(frame, remote):08x}"]
    disks = {d.name: d for d in frame.io.disks}
    for m in _mappings(v, slot):
        disk = disks.get(m.backing)
        fields += [m.vtd, "Available", lun_text(m.lun), m.backing, "",
                   "N/A" if m.backing == "" else (
                       "false" if disk is None or disk.kind == "disk" else "N/A")]
    return sep.join(fields)


# ---------------------------------------------------------------- lsmap -npiv


def npiv_state(frame: Frame, v: Partition, slot: int) -> dict[str, str]:
    """Everything lsmap -npiv shows of one vfchost."""
    a = v.adapter(slot)
    mapping = next((m for m in v.npiv_mappings if m.vfchost_slot == slot), None)
    port = None
    if mapping is not None:
        port = next((pt for pt in names.physical_ports(frame, v.id, "fc")
                     if pt.name == mapping.port), None)
    client = None
    client_slot = None
    if isinstance(a, VirtualFc):
        client = client_of(frame, v, slot)
        if client is not None:
            client_slot = next((c.slot for c in client.adapters if isinstance(c, VirtualFc)
                                and c.side == "client" and c.remote_lpar_id == v.id
                                and c.remote_slot == slot), None)
    logged_in = (mapping is not None and client is not None and client.state == "Running"
                 and client_slot is not None)
    state = {"name": "", "physloc": frame.location(v.id, slot), "clntid": "", "clntname": "",
             "clntos": "", "status": "LOGGED_IN" if logged_in else "NOT_LOGGED_IN",
             "fc_name": mapping.port if mapping else "",
             "fc_loc": port.location if port else "",
             "ports": str(PORTS_LOGGED_IN if logged_in else 0),
             "flags": "a" if logged_in else ("4" if mapping else "1"),
             "flag_text": "LOGGED_IN,STRIP_MERGE" if logged_in else (
                 "NOT_LOGGED" if mapping else "NOT_MAPPED,NOT_CONNECTED"),
             "vfc_name": "", "vfc_drc": ""}
    if logged_in and client is not None and client_slot is not None:
        client_fcs = sorted(c.slot for c in client.adapters if isinstance(c, VirtualFc))
        state.update(clntid=str(client.id), clntname=client.name, clntos=client_os(client),
                     vfc_name=f"fcs{client_fcs.index(client_slot)}",
                     vfc_drc=frame.location(client.id, client_slot))
    return state


def vfchost_line(name: str, physloc: str, clntid: str, clntname: str, clntos: str) -> str:
    """`vfchost0      U8233.E8B.XXXXXXX-V1-C66                4 LPAR4          AIX`"""
    return f"{name:<13} {physloc:<34} {clntid:>6} {clntname:<14} {clntos}".rstrip()


def pair_line(left: str, right: str) -> str:
    """`FC name:fcs0                    FC loc code:U78A0...`: the left half padded to 32."""
    return f"{left:<32}{right}"


def vfchost_block(frame: Frame, v: Partition, slot: int, name: str) -> list[str]:
    s = npiv_state(frame, v, slot)
    drc = f"{s['vfc_drc']}-T1" if s["vfc_drc"] else ""
    return [
        "Name          Physloc                            ClntID ClntName       ClntOS",
        "------------- ---------------------------------- ------ -------------- -------",
        vfchost_line(name, s["physloc"], s["clntid"], s["clntname"], s["clntos"]),
        "",
        f"Status:{s['status']}",
        pair_line(f"FC name:{s['fc_name']}", f"FC loc code:{s['fc_loc']}"),
        f"Ports logged in:{s['ports']}",
        f"Flags:{s['flags']}<{s['flag_text']}>",
        pair_line(f"VFC client name:{s['vfc_name']}", f"VFC client DRC:{drc}"),
        "",
    ]


def vfchost_fmt(frame: Frame, v: Partition, slot: int, name: str, sep: str) -> str:
    """The client ID is a number here even with no client logged in (0): IBM's
    ansible-power-vios mapping_facts reads the field with int() unguarded."""
    s = npiv_state(frame, v, slot)
    return sep.join((name, s["physloc"], s["clntid"] or "0", s["clntname"], s["clntos"],
                     s["status"], s["fc_name"], s["fc_loc"], s["ports"], s["flags"], s["vfc_name"],
                     s["vfc_drc"]))


# ---------------------------------------------------------------- lsmap -net


def net_blocks(frame: Frame, v: Partition) -> list[str]:
    ents = names.virtual_eths(frame, v)
    eth_ports = {pt.name: pt for pt in names.physical_ports(frame, v.id, "eth")}
    lines: list[str] = []
    for slot, ent in sorted(ents.items()):
        lines += ["SVEA   Physloc", "------ --------------------------------------------",
                  f"{ent:<6} {frame.location(v.id, slot)}-T1", ""]
        sea = next((s for s in v.seas if slot in s.trunk_slots), None)
        if sea is None:
            lines += [f"{'SEA':<{VTD_LABEL}}{NO_SEA}", ""]
            continue
        port = eth_ports.get(sea.physical)
        lines += [f"{label:<{VTD_LABEL}}{value}".rstrip() for label, value in (
            ("SEA", sea.name), ("Backing device", sea.physical), ("Status", "Available"),
            ("Physloc", port.location if port else ""))]
        lines.append("")
    return lines


# ---------------------------------------------------------------- lsdev


DEVICE_FIELDS = ("name", "status", "physloc", "parent", "description")


def devices(frame: Frame, v: Partition) -> list[dict[str, str]]:
    """Every device of the VIOS that lsdev knows, as name/status/physloc/description."""
    out: list[dict[str, str]] = []

    def add(name: str, physloc: str, description: str, parent: str = "") -> None:
        out.append({"name": name, "status": "Available", "physloc": physloc,
                    "parent": parent, "description": description})

    for a in frame.io.adapters:
        if a.owner != v.id:
            continue
        for pt in a.ports:
            add(pt.name, pt.location, a.description, "pci0")
    ents = names.virtual_eths(frame, v)
    for slot, ent in ents.items():
        add(ent, f"{frame.location(v.id, slot)}-T1", "Virtual I/O Ethernet Adapter (l-lan)",
            "vio0")
    for sea in v.seas:
        add(sea.name, "", "Shared Ethernet Adapter")
    for slot, name in names.vfchosts(v).items():
        add(name, frame.location(v.id, slot), "Virtual FC Server Adapter", "vio0")
    for slot, name in names.vhosts(v).items():
        add(name, frame.location(v.id, slot), "Virtual SCSI Server Adapter", "vio0")
    add("vsa0", frame.location(v.id, 0), "LPAR Virtual Serial Adapter", "vio0")
    disks = {d.name: d for d in frame.io.disks}
    for m in v.vscsi_mappings:
        vhost = names.vhosts(v).get(m.vhost_slot, "")
        add(m.vtd, "", _vtd_kind(disks.get(m.backing), m.backing), vhost)
    for d in disks_of(frame, v):
        if d.kind == "disk":
            add(d.name, "", DISK_DESCRIPTION, "fscsi0")
    return out


def device_order(name: str) -> tuple[int, str, int]:
    """ent2 before ent10: by stem, then number."""
    stem = name.rstrip("0123456789")
    number = name[len(stem):]
    return (0, stem, int(number)) if number else (1, name, 0)


def sea_attributes(frame: Frame, v: Partition, sea_name: str) -> list[tuple[str, str, str]]:
    """(attribute, value, description) of one SEA, as `lsdev -dev entN -attr` lists them."""
    sea = next(s for s in v.seas if s.name == sea_name)
    ents = names.virtual_eths(frame, v)
    default = next((a for a in v.adapters if isinstance(a, VirtualEth)
                    and a.slot == sea.default_slot), None)
    ctl = ents.get(sea.ctl_chan_slot, "") if sea.ctl_chan_slot is not None else ""
    return [
        ("accounting", "disabled", "Enable per-client accounting of network statistics"),
        ("adapter_reset", "yes", "Reset real adapter on HA takeover"),
        ("ctl_chan", ctl, "Control Channel adapter for SEA failover"),
        ("gvrp", "no", "Enable GARP VLAN Registration Protocol (GVRP)"),
        ("ha_mode", sea.ha_mode, "High Availability Mode"),
        ("jumbo_frames", "no", "Enable Gigabit Ethernet Jumbo Frames"),
        ("large_receive", "no", "Enable receive TCP segment aggregation"),
        ("largesend", "1", "Enable Hardware Transmit TCP Resegmentation"),
        ("netaddr", "0", "Address to ping"),
        ("pvid", str(default.pvid if default else 1), "PVID to use for the SEA device"),
        ("pvid_adapter", ents.get(sea.default_slot, ""),
         "Default virtual adapter to use for non-VLAN-tagged packets"),
        ("qos_mode", "disabled", "N/A"),
        ("real_adapter", sea.physical, "Physical adapter associated with the SEA"),
        ("thread", "1", "Thread mode enabled (1) or disabled (0)"),
        ("virt_adapters", ",".join(ents.get(s, "") for s in sea.trunk_slots),
         "List of virtual adapters associated with the SEA (comma separated)"),
    ]


def disk_attributes(d: Disk) -> list[tuple[str, str, str]]:
    return [
        ("pvid", "none", "Physical volume identifier"),
        ("reserve_policy", "no_reserve", "Reserve Policy"),
        ("size_in_mb", str(d.size_gb * 1024), "Size in Megabytes"),
        ("unique_id", d.unique_id, "Unique device identifier"),
    ]


def attr_lines(rows: list[tuple[str, str, str]], only: list[str]) -> list[str]:
    """lsdev -attr: the full table, or `value` and the values of the named attributes."""
    if only:
        values = {name: value for name, value, _ in rows}
        return ["value", "", *(values.get(name, "") for name in only)]
    body = [(name, value, desc, "True") for name, value, desc in rows]
    lines = table(("attribute", "value", "description", "user_settable"), body)
    return [lines[0], "", *lines[1:]]


# ---------------------------------------------------------------- lspv, lsrep, lsnports


def lspv_lines(frame: Frame, v: Partition, size: bool) -> list[str]:
    hdisks = [d for d in disks_of(frame, v) if d.kind == "disk"]
    if size:
        return [f"{'NAME':<16}{'PVID':<36}SIZE(megabytes)",
                *(f"{d.name:<16}{'none':<36}{d.size_gb * 1024}" for d in hdisks)]
    return [f"{'NAME':<17}{'PVID':<37}{'VG':<17}STATUS",
            *(f"{d.name:<17}{'none':<37}None".rstrip() for d in hdisks)]


def lsrep_lines(frame: Frame, v: Partition) -> list[str]:
    files = [d for d in disks_of(frame, v) if d.kind == "file"]
    if not files:
        return ["The DVD repository has not been created yet."]
    used = sum(d.size_gb * 1024 for d in files)
    size = -(-used // 10240) * 10240 + 10240  # whole 10 GB steps with room to spare
    optical = {m.backing: m.vtd for m in v.vscsi_mappings}
    lines = [
        "Size(mb) Free(mb) Parent Pool         Parent Size      Parent Free",
        f"{size:>8} {size - used:>8} {'rootvg':<19} {ROOTVG_SIZE_MB:>11} {ROOTVG_FREE_MB:>16}",
        "",
        f"{'Name':<53} {'File Size':>9} {'Optical':<15} Access",
    ]
    for d in files:
        lines.append(f"{d.name.removeprefix(LIBRARY):<53} {d.size_gb * 1024:>9} "
                     f"{optical.get(d.name, 'None'):<15} ro")
    return lines


def npiv_ports(frame: Frame, v: Partition) -> list[PhysicalPort]:
    return [pt for pt in names.physical_ports(frame, v.id, "fc") if pt.npiv]


def lsnports_lines(frame: Frame, v: Partition) -> list[str]:
    lines = ["name             physloc                        fabric tports aports swwpns  awwpns"]
    for pt in npiv_ports(frame, v):
        mapped = sum(1 for m in v.npiv_mappings if m.port == pt.name)
        lines.append(f"{pt.name:<16} {pt.location:<30} {1:>6} {pt.max_npiv:>6} "
                     f"{pt.max_npiv - mapped:>6} {SWWPNS:>6} {SWWPNS - 2 * mapped:>7}")
    return lines


def virtual_devices(frame: Frame, v: Partition) -> list[dict[str, str]]:
    """`lsdev -virtual`: the devices not on a physical parent, in the VIOS's order."""
    rows = [d for d in devices(frame, v) if d["parent"] not in ("pci0", "fscsi0")]
    return sorted(rows, key=lambda d: device_order(d["name"]))


def device_lines(rows: list[dict[str, str]]) -> list[str]:
    """lsdev's default columns: name, status, description."""
    return [f"{'name':<17}{'status':<12}description",
            *(f"{d['name']:<17}{d['status']:<12}{d['description']}" for d in rows)]
