"""Partition actions shared by the overview and the properties screen (same keys, same ids,
so one keymap entry remaps both)."""

from __future__ import annotations

from typing import Any, ClassVar

from textual.binding import Binding, BindingType
from textual.screen import Screen

from hmc_tui.screens.dialogs import ActivateDialog, DlparDialog, ShutdownDialog
from hmc_tui.screens.host import ConsoleHost, console_host
from hmc_tui.screens.task_menu import TaskMenu

ACTION_BINDINGS: list[BindingType] = [
    Binding("a", "activate", "Activate", id="lpar.activate"),
    Binding("s", "shutdown", "Shut down", id="lpar.shutdown"),
    Binding("r", "restart", "Restart", show=False, id="lpar.restart"),
    Binding("d", "dlpar", "DLPAR", id="lpar.dlpar"),
    # "Term": at 80 columns the overview footer still shows q Quit (Help lists it in full).
    Binding("t", "terminal", "Term", id="lpar.terminal",
            tooltip="Open terminal window: the partition's console"),
    # Configuration tasks: app actions (hmc_tui/screens/config_actions.py), so a task menu
    # runs the same ones; kept out of the footer, which is full at 80 columns.
    Binding("n", "app.create_partition", "Create partition", show=False, id="lpar.create"),
    Binding("x", "app.delete_partition", "Delete partition", show=False, id="lpar.delete"),
    Binding("e", "app.edit_profile", "Profiles", show=False, id="lpar.profiles"),
    Binding("w", "app.save_profile", "Save current configuration", show=False,
            id="lpar.save_config"),
    Binding("R", "app.rename_partition", "Rename partition", show=False, id="lpar.rename"),
    Binding("L", "app.migrate_partition", "Migrate partition (LPM)", show=False,
            id="lpar.migrate"),
    Binding("m", "tasks", "Tasks", show=False, id="lpar.tasks"),
]


class PartitionActions(Screen[None]):
    """A screen whose actions apply to one partition, given by `selected_lpar()`."""

    BINDINGS: ClassVar[list[BindingType]] = ACTION_BINDINGS

    @property
    def hmc(self) -> ConsoleHost:
        return console_host(self)

    def selected_lpar(self) -> int | None:
        raise NotImplementedError

    def _lpar(self) -> int | None:
        lpar_id = self.selected_lpar()
        if lpar_id is None or self.hmc.snapshot.frame.partition(lpar_id) is None:
            self.notify("Select a partition first.", severity="warning")
            return None
        return lpar_id

    def _open(self, dialog: type[ActivateDialog | DlparDialog | ShutdownDialog],
              **kwargs: Any) -> None:
        if (lpar_id := self._lpar()) is not None:
            self.app.push_screen(dialog(lpar_id, **kwargs))

    # -- the task menu (Enter on a partition row, right-click, or m)
    def action_tasks(self) -> None:
        if (lpar_id := self._lpar()) is not None:
            self.app.push_screen(TaskMenu(lpar_id), self._run_task)

    async def _run_task(self, action: str | None) -> None:
        if action is None:
            return
        scope, _, name = action.partition(".")
        await (self.app if scope == "app" else self).run_action(name)

    def action_properties(self) -> None:
        from hmc_tui.screens.properties import PropertiesScreen  # late: it subclasses this

        if (lpar_id := self._lpar()) is not None:
            self.app.push_screen(PropertiesScreen(lpar_id))

    def action_dlpar_processors(self) -> None:
        if (lpar_id := self._lpar()) is not None:
            p = self.hmc.snapshot.frame.partition(lpar_id)
            shared = p is not None and p.settings().shared
            self.app.push_screen(DlparDialog(lpar_id, resource="pu" if shared else "procs"))

    def action_dlpar_memory(self) -> None:
        if (lpar_id := self._lpar()) is not None:
            self.app.push_screen(DlparDialog(lpar_id, resource="mem"))

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
