"""Shut down a partition: the HMC's four options, explained, and the restart variant.

Delayed and Immediate need nothing from the OS; the two Operating System options run the
OS's own shutdown through RMC (the engine refuses them with HSCL0DB4 without an active RMC
connection). OK asks for confirmation, as every destructive action does.
"""

from __future__ import annotations

from typing import cast

from textual.app import ComposeResult
from textual.widgets import Checkbox, Label, RadioButton, RadioSet, Static

from engine.model import Partition
from engine.ops import Operation, ShutdownPartition
from engine.ops.power import ShutdownOption
from hmc_tui.screens.dialogs.base import ActionDialog
from hmc_tui.screens.dialogs.confirm import ConfirmDialog

OPTIONS: dict[str, tuple[str, str]] = {
    "delayed": (
        "Delayed",
        "Like pressing the white power button: the operating system gets a short grace "
        "period to end its work, then the partition is powered off.",
    ),
    "immediate": (
        "Immediate",
        "Powers the partition off at once (panel function 8). The operating system is not "
        "told: work in progress and unwritten data are lost.",
    ),
    "os": (
        "Operating System",
        "The HMC runs the operating system's own shutdown over RMC: applications stop "
        "cleanly. Needs an active RMC connection; takes the longest.",
    ),
    "os_immediate": (
        "Operating System Immediate",
        "The operating system's fast shutdown over RMC (shutdown -F): no waiting for "
        "applications. Needs an active RMC connection.",
    ),
}


class ShutdownDialog(ActionDialog):
    TITLE_TEXT = "Shut down partition"
    OK_LABEL = "Shut down"

    def __init__(self, lpar_id: int, *, restart: bool = False) -> None:
        super().__init__(lpar_id)
        self._restart = restart

    def fields(self, p: Partition) -> ComposeResult:
        yield Label("Shutdown option")
        yield RadioSet(
            *(RadioButton(label, value=key == "delayed", id=f"opt-{key}")
              for key, (label, _) in OPTIONS.items()),
            id="option",
        )
        yield Static(OPTIONS["delayed"][1], id="explain", classes="hint")
        yield Checkbox("Restart the partition once it is down", self._restart, id="restart")

    def on_mount(self) -> None:
        self.update_preview()
        self.query_one("#option").focus()

    @property
    def option(self) -> ShutdownOption:
        button = self.query_one("#option", RadioSet).pressed_button
        key = button.id.removeprefix("opt-") if button and button.id else "delayed"
        return cast(ShutdownOption, key)

    def on_radio_set_changed(self, event: RadioSet.Changed) -> None:
        event.stop()
        self.query_one("#explain", Static).update(OPTIONS[self.option][1])
        self.update_preview()

    def on_checkbox_changed(self, event: Checkbox.Changed) -> None:
        event.stop()
        self.update_preview()

    def operation(self) -> Operation | str:
        return ShutdownPartition(lpar=self.partition.name, option=self.option,
                                 restart=self.query_one("#restart", Checkbox).value)

    async def confirm(self, op: Operation) -> bool:
        p = self.partition
        label = OPTIONS[self.option][0]
        then = " and restart it" if self.query_one("#restart", Checkbox).value else ""
        confirmed: bool = await self.app.push_screen_wait(ConfirmDialog(
            "Confirm shutdown",
            f"Shut down {p.name} ({label}){then}?\n\n{op.command(self.hmc.snapshot.frame)}",
            yes="Shut down",
        ))
        return confirmed
