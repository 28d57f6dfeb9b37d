"""The partition migration wizard (the HMC's "Mobility > Migrate" task): choose the target
system, its shared processor pool, the target VIOS of each virtual adapter and the mover
service partitions, validate with every finding listed and explained, then migrate and
follow the move with a progress bar while both systems' views show it live.

Validation is a read (engine.mobility.validate.plan on the snapshot's frames); migrating
runs engine.ops.MigratePartition, whose refusal is shown in place (docs/mobility.md).
"""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import HorizontalGroup
from textual.widgets import Button, Label, ProgressBar, Select, Static

from engine.mobility.validate import MigrationOptions, Plan, msp_candidates, plan
from engine.model import Frame, Partition, VirtualEth
from engine.ops import MigratePartition, Operation
from engine.snapshot import Snapshot
from hmc_tui.screens.dialogs.base import ActionDialog

PICK = "(the HMC picks)"


def client_slots(p: Partition) -> list[tuple[int, str]]:
    """(slot, "vSCSI"/"vFC") of the partition's client adapters that need a target VIOS."""
    return [(a.slot, "vSCSI" if a.type == "scsi" else "vFC")
            for a in sorted(p.adapters, key=lambda a: a.slot)
            if not isinstance(a, VirtualEth) and a.side == "client"]


def progress_of(snap: Snapshot, source: str, lpar_id: int) -> tuple[float, str] | None:
    """Percent done and a status line for the migration of `lpar_id` from `source`; None
    when none is in progress there."""
    frame = next((f for f in snap.frames if f.system.name == source), None)
    m = next((x for x in frame.migrations if x.lpar_id == lpar_id), None) if frame else None
    if m is None:
        return None
    if m.state == "Migration Starting":
        return 2.0, f"{m.state}: shell partition on {m.target}"
    if m.state == "Migration In Progress" and m.mem_mb:
        done = 5 + 90 * (1 - m.remaining_mb / m.mem_mb)
        return done, (f"{m.state}: {m.remaining_mb:,.0f} of {m.mem_mb:,} MB left, "
                      f"{m.dirty_mb_s:,.0f} MB/s dirtied")
    if m.state == "Suspending":
        return 97.0, "Suspending: last pages and processor state"
    return 0.0, f"{m.state}: {m.error}"


class MigrationWizard(ActionDialog):
    """Opened on a partition of the system the console shows (`snapshot.frame`)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Close", id="dialog.cancel"),
        Binding("ctrl+v", "validate", "Validate", id="mobility.validate"),
        Binding("ctrl+o", "migrate", "Migrate", id="mobility.migrate"),
    ]
    TITLE_TEXT = "Migrate partition"
    OK_LABEL = "Migrate"

    def __init__(self, lpar_id: int) -> None:
        super().__init__(lpar_id)
        self.source = ""
        self.lpar_name = ""
        self.started = False
        self.finished = False
        self.ready = False

    # -- layout
    def fields(self, p: Partition) -> ComposeResult:
        yield from self._fields(p)

    def _fields(self, p: Partition) -> ComposeResult:
        snap = self.hmc.snapshot
        self.source = snap.frame.system.name
        self.lpar_name = p.name
        targets = [f.system.name for f in snap.frames if f.system.name != self.source]
        yield Label(f"From {self.source} to")
        yield Select[str]([(t, t) for t in targets], id="target", allow_blank=not targets,
                          prompt="no other managed system", compact=True)
        yield Label("Shared processor pool on the target")
        yield Select[str]([], id="pool", prompt=PICK, compact=True)
        yield Label("Mover service partitions (source, target)")
        with HorizontalGroup():
            yield Select[str]([(v.name, v.name) for v in msp_candidates(snap.frame)],
                              id="source-msp", prompt=PICK, compact=True)
            yield Select[str]([], id="dest-msp", prompt=PICK, compact=True)
        for slot, kind in client_slots(p):
            yield Label(f"{kind} client adapter in slot {slot}: target VIOS")
            yield Select[str]([], id=f"map-{slot}", prompt=PICK, compact=True)
        with HorizontalGroup(id="validate-row"):
            yield Button("Validate", id="validate", compact=True)
        yield Static("", id="findings")
        yield ProgressBar(total=100, id="progress", show_eta=False)
        yield Static("", id="status")

    def on_mount(self) -> None:
        # the dialog's fields may mount after the screen: set them up once they are there
        self.call_after_refresh(self.set_up)

    def set_up(self) -> None:
        self._fill_target()
        self.query_one("#progress", ProgressBar).display = False
        self.update_preview()
        self.query_one("#target", Select).focus()
        self.ready = True

    # -- choices
    def _target(self) -> Frame | None:
        value = self.query_one("#target", Select).value
        snap = self.hmc.snapshot
        return next((f for f in snap.frames if f.system.name == value), None)

    def _fill_target(self) -> None:
        """Options that depend on the target: its pools, MSPs and VIOS."""
        target = self._target()
        pools = [q.name for q in target.pools if q.is_default or q.max_proc_units > 0] \
            if target else []
        self.query_one("#pool", Select).set_options([(n, n) for n in pools])
        msps = [v.name for v in msp_candidates(target)] if target else []
        self.query_one("#dest-msp", Select).set_options([(n, n) for n in msps])
        vios = [v.name for v in target.partitions if v.is_vios] if target else []
        for slot, _ in client_slots(self.partition):
            self.query_one(f"#map-{slot}", Select).set_options([(n, n) for n in vios])

    def _value(self, widget_id: str) -> str:
        value = self.query_one(f"#{widget_id}", Select).value
        return value if isinstance(value, str) else ""

    def options(self) -> MigrationOptions:
        p = self.partition
        scsi: list[tuple[int, str]] = []
        fc: list[tuple[int, str]] = []
        for slot, kind in client_slots(p):
            if vios := self._value(f"map-{slot}"):
                (scsi if kind == "vSCSI" else fc).append((slot, vios))
        return MigrationOptions(pool=self._value("pool"), vscsi=tuple(scsi), vfc=tuple(fc),
                                source_msp=self._value("source-msp"),
                                dest_msp=self._value("dest-msp"))

    def on_select_changed(self, event: Select.Changed) -> None:
        event.stop()
        if event.select.id == "target":
            self._fill_target()
        self.show_error("")
        self.update_preview()

    def operation(self) -> Operation | str:
        target = self._target()
        if target is None:
            return "This console manages no other system to migrate to."
        o = self.options()
        return MigratePartition(
            system=self.source, lpar=self.partition.name, dest_system=target.system.name,
            pool=o.pool, vscsi=o.vscsi, vfc=o.vfc, source_msp=o.source_msp,
            dest_msp=o.dest_msp)

    # -- validation
    def validate(self) -> Plan | None:
        target = self._target()
        if target is None:
            self.show_error("This console manages no other system to migrate to.")
            return None
        snap = self.hmc.snapshot
        others = [m for f in snap.frames for m in f.migrations]
        found = plan(snap.frame, target, self.partition, self.options(), others)
        self.query_one("#findings", Static).update(findings_text(found))
        return found

    def action_validate(self) -> None:
        self.validate()

    def action_migrate(self) -> None:
        if not self.started:
            self.submit()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        # Textual also runs ActionDialog's handler unless the default is prevented
        event.stop()
        event.prevent_default()
        if event.button.id == "validate":
            self.validate()
        elif event.button.id == "ok" and not self.started:
            self.submit()
        else:
            self.dismiss(self.last_result)

    def submit(self) -> None:
        found = self.validate()
        if found is None or not found.ok:
            return
        super().submit()

    # -- the move, live
    def dismiss_on_success(self) -> bool:
        return False

    async def after_success(self) -> None:
        self.started = True
        for select in self.query(Select):
            select.disabled = True
        self.query_one("#ok", Button).display = False
        self.query_one("#cancel", Button).label = "Close"
        self.query_one("#progress", ProgressBar).display = True
        self.show_snapshot(self.hmc.snapshot)

    def show_snapshot(self, snap: Snapshot) -> None:
        if not self.is_mounted or not self.started or self.finished:
            return
        found = progress_of(snap, self.source, self.lpar_id)
        bar = self.query_one("#progress", ProgressBar)
        status = self.query_one("#status", Static)
        if found is not None:
            bar.update(progress=found[0])
            status.update(Text(found[1]))
            return
        target = self._target()
        moved = snap.system(target.system.name).partition(self.lpar_name) \
            if target is not None else None
        self.finished = True
        if moved is not None and not moved.state.startswith("Migrating"):
            bar.update(progress=100)
            status.update(Text(f"Migration complete: {moved.name} is {moved.state} on "
                               f"{target.system.name if target else ''} (ID {moved.id})."))
        else:
            status.update(Text("The migration ended without moving the partition: see the "
                               "events screen (4) for why."))


def findings_text(found: Plan) -> Text:
    """Every finding, errors first, each with its explanation; or the plan when clean."""
    out = Text()
    if found.ok:
        out.append("Validation passed", style="bold")
        out.append(f": partition ID {found.dest_lpar_id} on the target")
        if found.source_msp:
            out.append(f", MSPs {found.source_msp} -> {found.dest_msp}")
        if found.pool:
            out.append(f", pool {found.pool}")
        out.append(".\n")
    for f in sorted(found.findings, key=lambda f: f.severity):
        out.append(f"{f.severity.upper()} {f.code} ", style="bold")
        out.append(f"{f.message}\n")
        if f.explanation:
            out.append(f"    {f.explanation}\n", style="italic")
        for line in f.details:  # what the VIOS found (migrlpar -d 2)
            out.append(f"    {line}\n", style="dim")
    return out
