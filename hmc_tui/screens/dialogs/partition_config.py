"""Partition configuration dialogs: delete (with its VIOS server adapters), rename, and save
the current configuration to a profile. Each shows its HMC command and the engine's refusal
in place, as the other action dialogs do."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.widgets import Button, Checkbox, Input, Label, Static

from engine.model import Partition
from engine.ops import ChangePartition, DeletePartition, Operation, SaveCurrentConfig
from engine.ops.vios_pairs import connected_servers
from engine.snapshot import Snapshot
from hmc_tui.screens.dialogs.base import ActionDialog


class DeletePartitionDialog(ActionDialog):
    """The HMC's Delete Partition: what goes is listed; --vioscfg is on by default (the
    HMC's check box "delete associated VIOS virtual SCSI and FC server adapters")."""

    TITLE_TEXT = "Delete partition"
    OK_LABEL = "Delete"

    def fields(self, p: Partition) -> ComposeResult:
        yield Checkbox("Also delete its VIOS server adapters and mappings (--vioscfg)",
                       value=True, id="vioscfg", compact=True)
        yield Checkbox("and the logical volumes those mappings used (--vdisk)",
                       value=False, id="vdisk", compact=True)
        yield Label("What goes")
        yield Static("", id="what-goes")

    def on_mount(self) -> None:
        self.query_one("#ok", Button).variant = "error"
        self._show_what_goes()
        self.update_preview()
        self.query_one("#cancel").focus()  # Enter alone never deletes

    def show_snapshot(self, snap: Snapshot) -> None:
        if self.busy:  # our own delete removes the partition: run_op closes the dialog
            return
        super().show_snapshot(snap)

    def what_goes(self) -> list[str]:
        p = self.partition
        profiles = ", ".join(q.name for q in p.profiles)
        lines = [f"Partition {p.name} (ID {p.id}) and its profiles: {profiles}"]
        if self.query_one("#vioscfg", Checkbox).value:
            links = connected_servers(self.hmc.snapshot.frame, p)
            lines += [f"  {link.describe()}" for link in links] or [
                "  (no VIOS server adapters are connected to it)"]
        return lines

    def _show_what_goes(self) -> None:
        self.query_one("#vdisk", Checkbox).disabled = not self.query_one(
            "#vioscfg", Checkbox).value
        self.query_one("#what-goes", Static).update("\n".join(self.what_goes()))

    def on_checkbox_changed(self, event: Checkbox.Changed) -> None:
        event.stop()
        self._show_what_goes()
        self.update_preview()

    def operation(self) -> Operation | str:
        vioscfg = self.query_one("#vioscfg", Checkbox).value
        return DeletePartition(lpar=self.partition.name, vioscfg=vioscfg,
                               vdisk=vioscfg and self.query_one("#vdisk", Checkbox).value)


class _NameDialog(ActionDialog):
    """A dialog around one name field; Enter in the field is OK."""

    LABEL = ""

    def initial(self, p: Partition) -> str:
        return ""

    def fields(self, p: Partition) -> ComposeResult:
        yield Label(self.LABEL)
        yield Input(self.initial(p), id="new-name", compact=True)

    def on_mount(self) -> None:
        self.update_preview()
        self.query_one("#new-name").focus()

    @property
    def typed(self) -> str:
        return self.query_one("#new-name", Input).value.strip()

    def on_input_changed(self, event: Input.Changed) -> None:
        event.stop()
        self.show_error("")
        self.update_preview()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.submit()


class RenamePartitionDialog(_NameDialog):
    TITLE_TEXT = "Rename partition"
    OK_LABEL = "Rename"
    LABEL = "New name"

    def initial(self, p: Partition) -> str:
        return p.name

    def operation(self) -> Operation | str:
        if not self.typed:
            return "New name: enter a name."
        if self.typed == self.partition.name:
            return f"New name: the partition is already named {self.typed}."
        return ChangePartition(lpar=self.partition.name, new_name=self.typed)


class SaveProfileDialog(_NameDialog):
    """mksyscfg -r prof -o save: the running configuration into a new or existing profile."""

    TITLE_TEXT = "Save current configuration"
    OK_LABEL = "Save"
    LABEL = "Profile name"

    def initial(self, p: Partition) -> str:
        return p.curr_profile or p.default_profile

    def fields(self, p: Partition) -> ComposeResult:
        yield from super().fields(p)
        yield Checkbox("Overwrite the profile if it exists (--force)", value=False,
                       id="force", compact=True)
        yield Static("Profiles: " + ", ".join(q.name for q in p.profiles), classes="hint")

    def on_checkbox_changed(self, event: Checkbox.Changed) -> None:
        event.stop()
        self.show_error("")
        self.update_preview()

    def operation(self) -> Operation | str:
        if not self.typed:
            return "Profile name: enter a name."
        return SaveCurrentConfig(lpar=self.partition.name, profile=self.typed,
                                 force=self.query_one("#force", Checkbox).value)
