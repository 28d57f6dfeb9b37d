"""The VIOS's storage listings: lspv -free, lsdev -dev X -attr for disks and FC ports,
lspath, and the virtual optical media (lsvopt, lsrep).

Layouts follow the VIOS command reference (IBM Docs, "Virtual I/O Server commands"): the
attribute table of `lsdev -attr` (attribute, value, description, user_settable, a blank
line after the header), `lspv -free` in the `-size` layout, `lsvopt`'s VTD / Media /
Size(mb) columns with "No Media" and "n/a" for an empty device. Attribute values are those
of an MPIO FC disk under the AIX PCM and of an 8/16 Gb FC adapter port as the VIOS
installs them; the spacing of lspath and lsvopt is ours where no capture was found.
"""

from __future__ import annotations

from collections.abc import Sequence

from engine.model import Disk, Frame, Partition, PhysicalPort
from engine.ops.vio import media_name, repository
from engine.vios import physical_ports
from engine.vios_show import ROOTVG_FREE_MB, ROOTVG_SIZE_MB, disks_of, table

# (attribute, value, description, user_settable)
AttrRow = tuple[str, str, str, str]


def attr_table(rows: Sequence[AttrRow], only: Sequence[str]) -> list[str]:
    """lsdev -attr: the table, or `value`, a blank line and the named attributes' values."""
    if only:
        values = {name: value for name, value, _, _ in rows}
        return ["value", "", *(values.get(name, "") for name in only)]
    lines = table(("attribute", "value", "description", "user_settable"), rows)
    return [lines[0], "", *lines[1:]]


def _lun_id(d: Disk) -> str:
    """The disk's LUN on the storage: its hdisk number (hdisk7 -> 0x7000000000000)."""
    number = int("".join(ch for ch in d.name if ch.isdecimal()) or "0")
    return f"0x{number:x}000000000000"


def disk_attributes(d: Disk) -> list[AttrRow]:
    """An MPIO FC disk (hdiskN) as `lsdev -dev hdiskN -attr` lists it."""
    return [
        ("PCM", "PCM/friend/fcpother", "Path Control Module", "False"),
        ("algorithm", "round_robin", "Algorithm", "True"),
        ("clr_q", "no", "Device CLEARS its Queue on error", "True"),
        ("dist_err_pcnt", "0", "Distributed Error Percentage", "True"),
        ("dist_tw_width", "50", "Distributed Error Sample Time", "True"),
        ("hcheck_cmd", "test_unit_rdy", "Health Check Command", "True"),
        ("hcheck_interval", "60", "Health Check Interval", "True"),
        ("hcheck_mode", "nonactive", "Health Check Mode", "True"),
        ("location", "", "Location Label", "True"),
        ("lun_id", _lun_id(d), "Logical Unit Number ID", "False"),
        ("max_transfer", "0x40000", "Maximum TRANSFER Size", "True"),
        ("pvid", "none", "Physical volume identifier", "False"),
        ("q_err", "yes", "Use QERR bit", "True"),
        ("q_type", "simple", "Queuing TYPE", "True"),
        ("queue_depth", "20", "Queue DEPTH", "True"),
        ("reassign_to", "120", "REASSIGN time out value", "True"),
        ("reserve_policy", "no_reserve", "Reserve Policy", "True"),
        ("rw_timeout", "30", "READ/WRITE time out value", "True"),
        ("size_in_mb", str(d.size_gb * 1024), "Size in Megabytes", "False"),
        ("start_timeout", "60", "START unit time out value", "True"),
        ("unique_id", d.unique_id, "Unique device identifier", "False"),
    ]


def fcs_attributes(port: PhysicalPort) -> list[AttrRow]:
    """A physical FC port (fcsN) as `lsdev -dev fcsN -attr` lists it."""
    return [
        ("DIF_enabled", "no", "DIF (T10 protection) enabled", "True"),
        ("bus_mem_addr", "0xff9f7000", "Bus memory address", "False"),
        ("init_link", "auto", "INIT Link flags", "False"),
        ("intr_priority", "3", "Interrupt priority", "False"),
        ("lg_term_dma", "0x800000", "Long term DMA", "True"),
        ("max_npiv", str(port.max_npiv), "Maximum number of NPIV ports", "True"),
        ("max_xfer_size", "0x100000", "Maximum Transfer Size", "True"),
        ("num_cmd_elems", "500", "Maximum number of COMMANDS to queue to the adapter", "True"),
        ("pref_alpa", "0x1", "Preferred AL_PA", "True"),
        ("sw_fc_class", "2", "FC Class for Fabric", "True"),
        ("tme", "no", "Target Mode Enabled", "True"),
    ]


def device_attributes(frame: Frame, v: Partition, device: str) -> list[AttrRow] | None:
    """The attribute table of an hdisk or fcs device of the VIOS, None for other devices."""
    disk = next((d for d in disks_of(frame, v) if d.name == device and d.kind == "disk"), None)
    if disk is not None:
        return disk_attributes(disk)
    port = next((pt for pt in physical_ports(frame, v.id, "fc") if pt.name == device), None)
    return fcs_attributes(port) if port is not None else None


# ---------------------------------------------------------------- lspv -free, lspath


def free_disks(frame: Frame, v: Partition) -> list[Disk]:
    """Physical volumes that back no virtual target device of the VIOS."""
    used = {m.backing for m in v.vscsi_mappings}
    return [d for d in disks_of(frame, v) if d.kind == "disk" and d.name not in used]


def lspv_free_lines(frame: Frame, v: Partition) -> list[str]:
    return [f"{'NAME':<16}{'PVID':<36}SIZE(megabytes)",
            *(f"{d.name:<16}{'none':<36}{d.size_gb * 1024}" for d in free_disks(frame, v))]


def lspath_lines(frame: Frame, v: Partition, only: str | None) -> list[str] | None:
    """One path per disk and FC port of the VIOS (fscsiN behind fcsN); None: no such disk."""
    hdisks = [d for d in disks_of(frame, v) if d.kind == "disk"]
    if only is not None:
        hdisks = [d for d in hdisks if d.name == only]
        if not hdisks:
            return None
    ports = physical_ports(frame, v.id, "fc")
    lines = [f"{'status':<8}{'name':<16}{'parent':<8}connection", ""]
    for d in hdisks:
        for port in ports:
            parent = "f" + port.name.replace("fcs", "scsi", 1)
            target = f"50050768{int(port.name[3:] or 0) + 1:02x}{v.id:02x}{len(d.name):04x}"
            lines.append(f"{'Enabled':<8}{d.name:<16}{parent:<8}{target},"
                         f"{_lun_id(d).removeprefix('0x')}")
    return lines


# ---------------------------------------------------------------- virtual optical media


def lsvopt_lines(frame: Frame, v: Partition, vtd: str | None) -> list[str] | None:
    """VTD, Media and Size(mb) of each file-backed optical device; None: no such device."""
    sizes = {d.name: d.size_gb * 1024 for d in frame.io.disks if d.kind == "file"}
    devices = [m for m in v.vscsi_mappings if m.backing == "" or m.backing in sizes]
    if vtd is not None:
        devices = [m for m in devices if m.vtd == vtd]
        if not devices:
            return None
    lines = [f"{'VTD':<16}{'Media':<40}Size(mb)"]
    for m in sorted(devices, key=lambda m: m.vtd):
        if m.backing:
            lines.append(f"{m.vtd:<16}{media_name(m.backing):<40}{sizes[m.backing]:>8}")
        else:
            lines.append(f"{m.vtd:<16}{'No Media':<40}n/a")
    return lines


def lsrep_lines(frame: Frame, v: Partition) -> list[str]:
    """The repository (size, free, parent pool) and its media with the devices loading them."""
    repo = repository(frame, v)
    if repo is None:
        return ["The DVD repository has not been created yet."]
    files = [d for d in disks_of(frame, v) if d.kind == "file"]
    used = sum(d.size_gb * 1024 for d in files)
    loaded: dict[str, list[str]] = {}
    for m in v.vscsi_mappings:
        loaded.setdefault(m.backing, []).append(m.vtd)
    lines = [
        "Size(mb) Free(mb) Parent Pool         Parent Size      Parent Free",
        f"{repo.size_mb:>8} {repo.size_mb - used:>8} {repo.pool:<19} {ROOTVG_SIZE_MB:>11} "
        f"{ROOTVG_FREE_MB:>16}",
        "",
        f"{'Name':<53} {'File Size':>9} {'Optical':<15} Access",
    ]
    for d in files:
        optical = ",".join(loaded.get(d.name, ())) or "None"
        lines.append(f"{media_name(d.name):<53} {d.size_gb * 1024:>9} {optical:<15} ro")
    return lines
