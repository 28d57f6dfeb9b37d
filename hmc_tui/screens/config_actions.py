"""The partition configuration tasks as app actions, for keys, the palette and task menus.

`action_create_partition`, `action_delete_partition`, `action_edit_profile`,
`action_save_profile`, `action_rename_partition` and `action_migrate_partition` act on the
partition selected in the topmost screen that has one (the overview's cursor, the properties
screen's partition), so a task menu opened over either can run them with
`app.run_action("delete_partition")`.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from textual.app import App, SystemCommand
from textual.screen import Screen

from engine.service import OpResult
from hmc_tui.screens.dialogs.base import ActionDialog
from hmc_tui.screens.dialogs.partition_config import (
    DeletePartitionDialog,
    RenamePartitionDialog,
    SaveProfileDialog,
)
from hmc_tui.screens.host import console_host
from hmc_tui.screens.mobility_wizard import MigrationWizard
from hmc_tui.screens.partition_wizard import CreatePartitionWizard
from hmc_tui.screens.profile_editor import ProfileEditor
from hmc_tui.screens.properties import PropertiesScreen

# (action, palette title, help) in the order the palette lists them
CONFIG_TASKS = (
    ("create_partition", "Create partition", "the create-partition wizard (n)"),
    ("delete_partition", "Delete partition", "with its VIOS server adapters (x)"),
    ("edit_profile", "Manage profiles", "edit, copy, make default (e)"),
    ("save_profile", "Save current configuration", "to a profile, mksyscfg -o save (w)"),
    ("rename_partition", "Rename partition", "chsyscfg new_name (R)"),
    ("migrate_partition", "Migrate partition", "Live Partition Mobility: validate, migrate"),
)


class PartitionConfigActions(App[int]):
    """Mixed into HmcApp (before App): the configuration tasks on the selected partition."""

    def selected_partition(self) -> int | None:
        """The partition the topmost screen that selects one has selected."""
        for screen in reversed(self.screen_stack):
            pick = getattr(screen, "selected_lpar", None)
            if callable(pick):
                lpar_id = pick()
                return lpar_id if isinstance(lpar_id, int) else None
        return None

    def _on_selected(self, dialog: type[ActionDialog] | type[ProfileEditor]) -> int | None:
        lpar_id = self.selected_partition()
        if lpar_id is None or console_host(self.screen).snapshot.frame.partition(lpar_id) is None:
            self.notify("Select a partition first.", severity="warning")
            return None
        if dialog is DeletePartitionDialog:
            self.push_screen(dialog(lpar_id), lambda result: self._deleted(lpar_id, result))
        else:
            self.push_screen(dialog(lpar_id))
        return lpar_id

    def _deleted(self, lpar_id: int, result: OpResult | None) -> None:
        """A properties screen of the deleted partition has nothing left to show."""
        screen = self.screen
        if result is not None and result.ok and isinstance(screen, PropertiesScreen) \
                and screen.lpar_id == lpar_id:
            self.pop_screen()

    def action_create_partition(self) -> None:
        self.push_screen(CreatePartitionWizard(), self._created)

    async def _created(self, result: OpResult | None) -> None:
        lpar_id = result.data.get("lpar_id") if result is not None else None
        if isinstance(lpar_id, int):  # the new partition, selected in the overview
            await console_host(self.screen).goto_partition(lpar_id)

    def action_delete_partition(self) -> None:
        self._on_selected(DeletePartitionDialog)

    def action_edit_profile(self) -> None:
        self._on_selected(ProfileEditor)

    def action_save_profile(self) -> None:
        self._on_selected(SaveProfileDialog)

    def action_rename_partition(self) -> None:
        self._on_selected(RenamePartitionDialog)

    def action_migrate_partition(self) -> None:
        self._on_selected(MigrationWizard)

    def config_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        """The palette's entries for these tasks."""
        for action, title, help_text in CONFIG_TASKS:
            yield SystemCommand(title, help_text,
                                lambda action=action: self.run_worker(
                                    self.run_action(action)))
