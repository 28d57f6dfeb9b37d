"""The managed system's properties grouped as the HMC's properties pages: every figure of
`lssyscfg -r sys`, `lshwres -r proc|mem --level sys`, the I/O slots (`lshwres -r io
--rsubtype slot`) and the virtual switches, each with the attribute it comes from.

The values are the command line's own records (hmc_tui/hmccli), so the screen and the CLI
can never disagree; this module only sorts them into pages and labels them.
"""

from __future__ import annotations

from engine.snapshot import Snapshot
from hmc_tui.console import Console
from hmc_tui.hmccli.context import Ctx
from hmc_tui.hmccli.format import Record
from hmc_tui.hmccli.lshwres import io_slot_record, mem_sys, proc_sys, vswitch_records
from hmc_tui.hmccli.lssyscfg import sys_record

PAGES = ("general", "processors", "memory", "io", "capabilities", "power")
PAGE_TITLES = {"general": "General", "processors": "Processors", "memory": "Memory",
               "io": "I/O", "capabilities": "Capabilities", "power": "Power-On Parameters"}
POWER_PREFIXES = ("power_on", "pend_power_on", "curr_power_on", "power_off", "curr_sys_keylock",
                  "pend_sys_keylock", "sp_", "mfg_default", "curr_mfg", "pend_mfg")
LABELS = {
    "name": "System name", "type_model": "Machine type-model", "serial_num": "Serial number",
    "ipaddr": "Service processor IP address", "state": "State",
    "detailed_state": "Detailed state", "sys_time": "System time",
    "max_lpars": "Maximum partitions", "max_power_ctrl_lpars": "Maximum power-controlling "
    "partitions", "service_lpar_id": "Service partition",
    "assign_5250_cpw_percent": "5250 CPW percent assigned",
    "hca_bandwidth_capabilities": "HCA bandwidth capabilities",
    "power_off_policy": "Power off the system after all partitions are powered off",
    "power_on_lpar_start_policy": "Partition start policy",
    "pend_power_on_lpar_start_policy": "Partition start policy at next power-on",
    "curr_sys_keylock": "Keylock position", "pend_sys_keylock": "Keylock at next power-on",
    "curr_power_on_side": "Power-on side", "pend_power_on_side": "Power-on side next",
    "power_on_type": "Power-on type", "power_on_option": "Power-on option",
    "configurable_sys_proc_units": "Configurable processing units",
    "curr_avail_sys_proc_units": "Available processing units",
    "pend_avail_sys_proc_units": "Available processing units (pending)",
    "installed_sys_proc_units": "Installed processing units",
    "deconfig_sys_proc_units": "Deconfigured processing units",
    "min_proc_units_per_virtual_proc": "Minimum processing units per virtual processor",
    "max_shared_proc_pools": "Maximum shared processor pools",
    "configurable_sys_mem": "Configurable memory (MB)",
    "curr_avail_sys_mem": "Available memory (MB)",
    "pend_avail_sys_mem": "Available memory (MB, pending)",
    "installed_sys_mem": "Installed memory (MB)", "deconfig_sys_mem": "Deconfigured memory (MB)",
    "sys_firmware_mem": "Memory used by the hypervisor (MB)",
    "mem_region_size": "Memory region size (MB)",
    "pend_mem_region_size": "Memory region size at next power-on (MB)",
    "mem_mirroring_mode": "Memory mirroring", "pend_mem_mirroring_mode": "Memory mirroring "
    "at next power-on",
}

Row = tuple[str, str, str]  # label, value, attribute


def label(attr: str) -> str:
    return LABELS.get(attr) or attr.replace("_", " ").capitalize()


def text(value: str | list[str]) -> str:
    return ",".join(value) if isinstance(value, list) else value


def record_rows(record: Record) -> list[Row]:
    return [(label(k), text(v), k) for k, v in record.items()]


def page_of(attr: str) -> str:
    if attr.endswith(("_capable", "_capabilities")):
        return "capabilities"
    if attr.startswith(POWER_PREFIXES):
        return "power"
    return "general"


def system_pages(console: Console, snap: Snapshot) -> dict[str, list[Row]]:
    """Every page's rows, in the order the commands list the attributes."""
    ctx = Ctx(console=console, snap=snap)
    pages: dict[str, list[Row]] = {page: [] for page in PAGES}
    for row in record_rows(sys_record(ctx)):
        pages[page_of(row[2])].append(row)
    pages["processors"] = record_rows(proc_sys(ctx))
    pages["memory"] = record_rows(mem_sys(ctx))
    frame = snap.frame
    for a in frame.io.adapters:
        if not a.drc_index:  # seen through a VIOS only: the HMC lists no slot for it
            continue
        r = io_slot_record(frame, a)
        owner = str(r.get("lpar_name", "unassigned"))
        pages["io"].append((a.location, f"{a.description}; owner {owner}", "drc_index "
                            + a.drc_index))
    for v in vswitch_records(frame):
        pages["io"].append((f"Virtual switch {text(v['vswitch'])}",
                            f"{text(v['switch_mode'])}, VLANs {text(v['vlan_ids'])}",
                            "vswitch"))
    return pages
