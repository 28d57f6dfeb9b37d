"""Partition properties: General, Processors, Memory, Virtual adapters, Utilisation, Profiles.

Tabs are re-rendered only when the partition object changes (frames are immutable and share
unchanged partitions, so identity is the change test); the header's physc follows every
snapshot. The utilisation graph reads the engine's samples in a thread worker, because a
console's `utilisation()` may wait for the engine (a lock, or a socket later).
"""

from __future__ import annotations

import contextlib
from typing import ClassVar

from rich.table import Table
from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import DataTable, Sparkline, Static, TabbedContent, TabPane

from engine.model import Frame, Partition, Resources, VirtualEth, VirtualFc, VirtualScsi
from engine.redundancy import client_paths
from engine.snapshot import Snapshot, UtilSeries
from hmc_tui.formatting import (
    BOOT_MODE_LABELS,
    ENV_LABELS,
    SHARING_LABELS,
    mem_gb,
    os_label,
    units,
)
from hmc_tui.screens.partition_actions import PartitionActions
from hmc_tui.widgets.footer import Footer
from hmc_tui.widgets.status_bar import StatusBar

TABS = ("general", "processors", "memory", "adapters", "paths", "utilisation", "profiles")
SAMPLE_SECONDS = 5.0  # the engine's short-term sample interval: no point asking more often
PHYSC_COUNTERS = ("capped_cycles", "uncapped_cycles", "time_cycles")
SPARK_SAMPLES = 240  # 20 minutes of 5 s samples: more than a wide terminal shows


def physc_series(series: UtilSeries) -> list[float]:
    """Physical cores used per sample interval; empty until the engine has two samples."""
    if len(series.times) < 2 or any(name not in series.counters for name in PHYSC_COUNTERS):
        return []
    return series.rate("capped_cycles", "uncapped_cycles")


def kv_table(rows: list[tuple[str, str]]) -> Table:
    grid = Table.grid(padding=(0, 3))
    grid.add_column(style="bold", no_wrap=True)
    grid.add_column()
    for label, value in rows:
        grid.add_row(label, Text(value))  # Text: frame data is never read as Rich markup
    return grid


def _applies(p: Partition) -> tuple[Resources, str]:
    if p.current is not None:
        return p.current, "Current (granted by the hypervisor)"
    return p.settings(), f"Profile {p.default_profile} (the partition is not activated)"


def general_rows(p: Partition) -> list[tuple[str, str]]:
    prof = p.profile(p.default_profile)
    rows = [
        ("Name", p.name), ("Partition ID", str(p.id)), ("Type", ENV_LABELS.get(p.env, p.env)),
        ("Operating system", os_label(p) or "Unknown"), ("State", p.state),
        ("Reference code", p.refcode or "-"),
        ("RMC connection", p.rmc_state + (f" ({p.rmc_ipaddr})" if p.rmc_ipaddr else "")),
        ("Current profile", p.curr_profile or "-"), ("Default profile", p.default_profile),
        ("Boot mode", BOOT_MODE_LABELS.get(p.boot_mode, p.boot_mode)),
    ]
    if p.env == "os400":
        rows.append(("Keylock", "Manual" if p.keylock == "manual" else "Normal"))
    if prof is not None:
        rows.append(("Automatically start with system", "yes" if prof.auto_start else "no"))
    rows.append(("Workload (simulated)", p.workload.kind))
    return rows


def processor_rows(p: Partition, frame: Frame, physc: float | None) -> list[tuple[str, str]]:
    res, source = _applies(p)
    rows = [("Values", source), ("Processing mode", "Shared" if res.shared else "Dedicated")]
    if res.shared:
        pool = frame.pool(res.shared_proc_pool_id)
        rows += [
            ("Processing units", f"{units(res.desired_proc_units)}   (minimum "
             f"{units(res.min_proc_units)}, maximum {units(res.max_proc_units)})"),
            ("Virtual processors", f"{res.desired_procs}   (minimum {res.min_procs}, maximum "
             f"{res.max_procs})"),
            ("Sharing mode", SHARING_LABELS[res.sharing_mode]
             + ("" if res.capped else f", weight {res.uncap_weight}")),
            ("Shared processor pool", f"{pool.name if pool else '?'} "
             f"(ID {res.shared_proc_pool_id})"),
        ]
    else:
        rows += [
            ("Processors", f"{res.desired_procs}   (minimum {res.min_procs}, maximum "
             f"{res.max_procs})"),
            ("Sharing mode", SHARING_LABELS[res.sharing_mode]),
        ]
    if physc is not None and p.current is not None:
        ent = p.current.entitlement
        share = f" ({physc / ent:.0%} of entitlement)" if ent else ""
        rows.append(("Physical cores used now", f"{physc:.2f}{share}"))
    rows.append(("Free on the system", f"{frame.avail_proc_units():.2f} processing units"))
    return rows


def memory_rows(p: Partition, frame: Frame) -> list[tuple[str, str]]:
    res, source = _applies(p)
    return [
        ("Values", source),
        ("Memory", f"{res.desired_mem} MB ({mem_gb(res.desired_mem)} GB)"),
        ("Minimum", f"{res.min_mem} MB ({mem_gb(res.min_mem)} GB)"),
        ("Maximum", f"{res.max_mem} MB ({mem_gb(res.max_mem)} GB)"),
        ("Hardware page table ratio", res.hpt_ratio),
        ("Maximum virtual slots", str(res.max_virtual_slots)),
        ("Free on the system", f"{frame.avail_mem()} MB ({mem_gb(frame.avail_mem())} GB)"),
        ("Logical memory block", f"{frame.system.mem_region_size} MB"),
    ]


def adapter_row(a: VirtualScsi | VirtualFc | VirtualEth, p: Partition,
                frame: Frame) -> tuple[str, ...]:
    location = frame.location(p.id, a.slot)
    required = "yes" if a.required else "no"
    if isinstance(a, VirtualEth):
        vlans = f"PVID {a.pvid}" + (f", VLANs {','.join(map(str, a.vlans))}" if a.vlans else "")
        trunk = f", trunk priority {a.trunk_priority}" if a.trunk_priority else ""
        return (str(a.slot), "Ethernet", "-", "-", "-",
                f"{a.vswitch}, {vlans}{trunk}" + (f", MAC {a.mac}" if a.mac else ""), required,
                location)
    remote = "any"
    if a.remote_lpar_id is not None:
        other = frame.partition(a.remote_lpar_id)
        remote = other.name if other else f"partition {a.remote_lpar_id}, not on this frame"
    kind = "SCSI" if isinstance(a, VirtualScsi) else "Fibre Channel"
    detail = ""
    if isinstance(a, VirtualFc) and a.wwpns:
        detail = " ".join(a.wwpns)
    slot = "any" if a.remote_slot is None else str(a.remote_slot)
    return (str(a.slot), kind, a.side, remote, slot, detail, required, location)


ADAPTER_COLUMNS = ("Slot", "Type", "Side", "Remote partition", "Remote slot", "Details",
                   "Required", "Location code")
# A client disk's paths through each VIOS, as its lspath shows them (engine.redundancy)
PATH_COLUMNS = ("Disk", "Path", "Via", "VIOS", "Server adapter", "FC port", "Status")
PATH_STYLE = {"Enabled": "green", "Failed": "bold red", "Missing": "yellow"}
PROFILE_COLUMNS = ("Profile", "Mode", "PU min/des/max", "VP min/des/max", "Memory MB min/des/max",
                   "Pool", "Boot", "Auto start")


def profile_rows(p: Partition, frame: Frame) -> list[tuple[str, ...]]:
    rows: list[tuple[str, ...]] = []
    for prof in p.profiles:
        name = prof.name + (" *" if prof.name == p.default_profile else "")
        pu = (f"{units(prof.min_proc_units)}/{units(prof.desired_proc_units)}/"
              f"{units(prof.max_proc_units)}") if prof.shared else "-"
        pool = frame.pool(prof.shared_proc_pool_id)
        rows.append((
            name, "shared" if prof.shared else "ded", pu,
            f"{prof.min_procs}/{prof.desired_procs}/{prof.max_procs}",
            f"{prof.min_mem}/{prof.desired_mem}/{prof.max_mem}",
            (pool.name if pool else "?") if prof.shared else "-", prof.boot_mode,
            "yes" if prof.auto_start else "no",
        ))
    return rows


class PropertiesScreen(PartitionActions):
    HELP_GROUP = "Partition properties"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "app.pop_screen", "Back", id="properties.back"),
        Binding("right_square_bracket", "tab(1)", "Next tab", id="properties.next_tab"),
        Binding("left_square_bracket", "tab(-1)", "Previous tab", show=False,
                id="properties.previous_tab"),
    ]

    def __init__(self, lpar_id: int, tab: str = "general") -> None:
        super().__init__()
        self.lpar_id = lpar_id
        self._initial_tab = tab
        self._shown: Partition | None = None
        self._frame: Frame | None = None
        self._util_at: float | None = None  # engine time of the last utilisation fetch
        self._util_now = ""
        self._util_summary = "reading the engine's samples"

    def compose(self) -> ComposeResult:
        yield Static("", id="title")
        with TabbedContent(initial=self._initial_tab, id="tabs"):
            with TabPane("General", id="general"):
                yield Static(id="general-body")
            with TabPane("Processors", id="processors"):
                yield Static(id="processors-body")
            with TabPane("Memory", id="memory"):
                yield Static(id="memory-body")
            with TabPane("Virtual adapters", id="adapters"):
                yield DataTable(id="adapters-table", cursor_type="row")
            with TabPane("Paths", id="paths"):  # disk paths: 80 columns fit every tab
                yield Static("", id="paths-info")
                yield DataTable(id="paths-table", cursor_type="row")
            with TabPane("Utilisation", id="utilisation"):
                yield Static("", id="util-info")
                yield Sparkline([], summary_function=max, id="util-spark")
            with TabPane("Profiles", id="profiles"):
                yield DataTable(id="profiles-table", cursor_type="row")
        yield StatusBar()
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.query_one("#adapters-table", DataTable).add_columns(*ADAPTER_COLUMNS)
        self.query_one("#profiles-table", DataTable).add_columns(*PROFILE_COLUMNS)
        self.query_one("#paths-table", DataTable).add_columns(*PATH_COLUMNS)
        self.show_snapshot(self.hmc.snapshot)

    def on_screen_resume(self) -> None:
        self.show_snapshot(self.hmc.snapshot)

    def selected_lpar(self) -> int | None:
        return self.lpar_id

    def action_properties(self) -> None:
        self.query_one(TabbedContent).active = "general"  # already here: its first page

    def action_tab(self, step: int) -> None:
        tabs = self.query_one(TabbedContent)
        index = TABS.index(tabs.active) if tabs.active in TABS else 0
        tabs.active = TABS[(index + step) % len(TABS)]

    def on_tabbed_content_tab_activated(self, _event: TabbedContent.TabActivated) -> None:
        self._util_at = None  # fetch now if the utilisation tab was chosen
        self.show_snapshot(self.hmc.snapshot)

    # ------------------------------------------------------------------ live
    def show_snapshot(self, snap: Snapshot) -> None:
        p = snap.frame.partition(self.lpar_id)
        title = self.query_one("#title", Static)
        if p is None:
            title.update(f"Partition {self.lpar_id} no longer exists.")
            return
        physc = snap.physc.get(p.id) if p.current is not None else None
        title.update(self._title(p, physc))
        if p is not self._shown or snap.frame is not self._frame:
            changed_partition = p is not self._shown
            self._shown, self._frame = p, snap.frame
            self._render_tabs(p, snap.frame, physc, changed_partition)
        if self.query_one(TabbedContent).active == "utilisation":
            self._show_utilisation(p, snap, physc)

    def _title(self, p: Partition, physc: float | None) -> Text:
        parts = [f"ID {p.id}", ENV_LABELS.get(p.env, p.env), p.state]
        if p.refcode:
            parts.append(p.refcode)
        parts.append(f"RMC {p.rmc_state}")
        if physc is not None:
            parts.append(f"physc {physc:.2f}")
        return Text.assemble((p.name, "bold"), "   ", "   ".join(parts))

    def _render_tabs(self, p: Partition, frame: Frame, physc: float | None,
                     changed_partition: bool) -> None:
        self.query_one("#general-body", Static).update(kv_table(general_rows(p)))
        self.query_one("#processors-body", Static).update(
            kv_table(processor_rows(p, frame, physc)))
        self.query_one("#memory-body", Static).update(kv_table(memory_rows(p, frame)))
        self._render_paths(p, frame)  # a VIOS or a port elsewhere changes them
        if not changed_partition:
            return  # adapters and profiles depend on this partition only
        adapters = self.query_one("#adapters-table", DataTable)
        adapters.clear()
        for a in sorted(p.adapters, key=lambda a: a.slot):
            adapters.add_row(*adapter_row(a, p, frame))
        profiles = self.query_one("#profiles-table", DataTable)
        profiles.clear()
        for row in profile_rows(p, frame):
            profiles.add_row(*row)

    def _render_paths(self, p: Partition, frame: Frame) -> None:
        """Every path of every client disk and its state: the engine's (client_paths)."""
        paths = [] if p.is_vios else client_paths(frame, p)
        table = self.query_one("#paths-table", DataTable)
        table.clear()
        for x in paths:
            table.add_row(x.disk, x.parent, "vSCSI" if x.via == "vscsi" else "NPIV", x.vios,
                          x.server, x.port or "-",
                          Text(x.status, style=PATH_STYLE.get(x.status, "")))
        disks = sorted({x.disk for x in paths})
        lost = sorted({x.disk for x in paths} - {x.disk for x in paths
                                                  if x.status == "Enabled"})
        if p.is_vios:
            info = "A VIOS serves disks: its mappings are on the VIOS screen (3)."
        elif not paths:
            info = "No virtual SCSI or NPIV disks."
        else:
            failed = sum(1 for x in paths if x.status != "Enabled")
            info = (f"{len(disks)} disk(s), {len(paths)} path(s), {failed} not Enabled"
                    + (f"; no path left: {', '.join(lost)}" if lost else ""))
        self.query_one("#paths-info", Static).update(info)

    def _show_utilisation(self, p: Partition, snap: Snapshot, physc: float | None) -> None:
        ent = p.current.entitlement if p.current is not None else None
        now = "not active" if physc is None else f"{physc:.2f} physical cores now"
        if ent is not None:
            now += f", entitled {ent:.2f}"
        self._util_now = now
        self._show_utilisation_text()
        if self._util_at is None or snap.time - self._util_at >= SAMPLE_SECONDS:
            self._util_at = snap.time
            self._fetch_utilisation()

    def _show_utilisation_text(self) -> None:
        self.query_one("#util-info", Static).update(
            f"{self._util_now}\nPhysical cores used per {SAMPLE_SECONDS:g} s sample (engine "
            f"time), oldest on the left; {self._util_summary}")

    @work(thread=True, exclusive=True, group="utilisation", exit_on_error=False)
    def _fetch_utilisation(self) -> None:
        series = self.hmc.hmc_console.utilisation("lpar", self.lpar_id, "short")
        data = physc_series(series)
        with contextlib.suppress(RuntimeError):  # the app closed meanwhile: nothing to show
            self.app.call_from_thread(self._set_spark, data)

    def _set_spark(self, data: list[float]) -> None:
        if not self.is_attached:  # closed while the worker ran
            return
        shown = data[-SPARK_SAMPLES:]
        self.query_one("#util-spark", Sparkline).data = shown
        if shown:
            self._util_summary = (f"{len(shown)} samples, highest {max(shown):.2f}, "
                                  f"average {sum(shown) / len(shown):.2f}")
        else:
            self._util_summary = "no samples yet (one every 5 s of engine time)"
        self._show_utilisation_text()
