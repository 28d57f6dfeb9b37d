"""Partition actions shared by the overview and the properties screen (same keys, same ids,
so one keymap entry remaps both)."""

from __future__ import annotations

from typing import ClassVar

from textual.binding import Binding, BindingType
from textual.screen import Screen

from hmc_tui.screens.dialogs import ActivateDialog, DlparDialog, ShutdownDialog
from hmc_tui.screens.host import ConsoleHost, console_host

ACTION_BINDINGS: list[BindingType] = [
    Binding("a", "activate", "Activate", id="lpar.activate"),
    Binding("s", "shutdown", "Shut down", id="lpar.shutdown"),
    Binding("r", "restart", "Restart", show=False, id="lpar.restart"),
    Binding("d", "dlpar", "DLPAR", id="lpar.dlpar"),
    # "Term": at 80 columns the overview footer still shows q Quit (Help lists it in full).
    Binding("t", "terminal", "Term", id="lpar.terminal",
            tooltip="Open terminal window: the partition's console"),
]


class PartitionActions(Screen[None]):
    """A screen whose actions apply to one partition, given by `selected_lpar()`."""

    BINDINGS: ClassVar[list[BindingType]] = ACTION_BINDINGS

    @property
    def hmc(self) -> ConsoleHost:
        return console_host(self)

    def selected_lpar(self) -> int | None:
        raise NotImplementedError

    def _open(self, dialog: type[ActivateDialog | DlparDialog | ShutdownDialog],
              **kwargs: bool) -> None:
        lpar_id = self.selected_lpar()
        if lpar_id is None or self.hmc.snapshot.frame.partition(lpar_id) is None:
            self.notify("Select a partition first.", severity="warning")
            return
        self.app.push_screen(dialog(lpar_id, **kwargs))

    def action_activate(self) -> None:
        self._open(ActivateDialog)

    def action_shutdown(self) -> None:
        self._open(ShutdownDialog)

    def action_restart(self) -> None:
        self._open(ShutdownDialog, restart=True)

    def action_dlpar(self) -> None:
        self._open(DlparDialog)

    async def action_terminal(self) -> None:
        """Open terminal window (the HMC's name for it)."""
        lpar_id = self.selected_lpar()
        if lpar_id is None:
            self.notify("Select a partition first.", severity="warning")
            return
        await self.hmc.open_terminal_window(lpar_id)
