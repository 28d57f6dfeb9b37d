"""How the console writes HMC values: partition types, memory, processing units, states."""

from __future__ import annotations

import re

from engine.model import Partition, Resources

ENV_LABELS: dict[str, str] = {"aixlinux": "AIX/Linux", "os400": "IBM i", "vioserver": "VIOS"}

SHARING_LABELS: dict[str, str] = {
    "cap": "Capped",
    "uncap": "Uncapped",
    "keep_idle_procs": "Never share",
    "share_idle_procs": "Share when inactive",
    "share_idle_procs_active": "Share when active",
    "share_idle_procs_always": "Share always",
}

BOOT_MODE_LABELS: dict[str, str] = {
    "norm": "Normal",
    "sms": "System Management Services",
    "of": "Open Firmware OK prompt",
    "dd": "Diagnostic with default boot list",
    "ds": "Diagnostic with stored boot list",
}


def state_class(state: str) -> str:
    """'Not Activated' -> 'not-activated': the suffix of the state's theme variable/class."""
    return state.lower().replace(" ", "-")


def units(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}"


def mem_gb(mb: int | None) -> str:
    """Memory in GB as the HMC's partition list shows it (16 GB, 0.5 GB)."""
    if mb is None:
        return "-"
    gb = mb / 1024
    return f"{gb:.0f}" if gb == int(gb) else f"{gb:.2f}".rstrip("0")


def proc_mode(res: Resources) -> str:
    """One word for processor mode and sharing: Uncapped and Capped are shared modes."""
    if res.shared:
        return "Capped" if res.capped else "Uncapped"
    return "Dedicated"


def os_label(p: Partition) -> str:
    """The full OS level (properties); empty when unknown."""
    return "" if p.os_version == "Unknown" else p.os_version


_AIX = re.compile(r"^AIX (\d+\.\d+) \d{4}-(\d\d)")
_IBMI = re.compile(r"^IBM i\b.*?(\d+\.\d+)\s*$")
_LINUX = re.compile(r"^Linux/(?P<dist>[^0-9]+?) \S+ (?P<version>\S+)$")
_DISTROS = {"Red Hat": "RHEL", "SUSE": "SLES", "SLES": "SLES", "Ubuntu": "Ubuntu"}


def os_short(p: Partition) -> str:
    """A short OS level for the partitions table: AIX 7.3 TL2, RHEL 8.8, IBM i 7.5."""
    text = os_label(p)
    if m := _AIX.match(text):
        return f"AIX {m.group(1)} TL{int(m.group(2))}"
    if m := _IBMI.match(text):
        return f"IBM i {m.group(1)}"
    if m := _LINUX.match(text):
        dist = m.group("dist").strip()
        return f"{_DISTROS.get(dist, dist)} {m.group('version')}"
    return text
