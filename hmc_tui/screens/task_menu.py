"""A partition's task menu (the HMC's context menu on a partition row): every task, the
ones that do not apply greyed out with the reason underneath.

hmc_tui/partition_tasks.py decides what applies; this screen only shows it, follows the
engine while it is open, and answers with the chosen task's action ("screen.X" or
"app.X"), which the screen that opened it runs.
"""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalGroup
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from engine.snapshot import Snapshot
from hmc_tui.formatting import ENV_LABELS
from hmc_tui.partition_tasks import PartitionTask, partition_tasks
from hmc_tui.screens.host import ConsoleHost, console_host


def app_actions(app: object) -> set[str]:
    """The app's actions by name (`action_X` methods), for the NOT_IN_BUILD rule."""
    return {name.removeprefix("action_") for name in dir(type(app))
            if name.startswith("action_")}


def option_prompt(task: PartitionTask) -> Text:
    if task.enabled:
        return Text(task.label)
    return Text.assemble((task.label, "dim"), ("\n   " + task.reason, "dim italic"))


class TaskMenu(ModalScreen[str | None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "dismiss_menu", "Close", id="tasks.close"),
    ]

    def __init__(self, lpar_id: int) -> None:
        super().__init__(classes="dialog-screen")
        self.lpar_id = lpar_id
        self.tasks: list[PartitionTask] = []

    @property
    def hmc(self) -> ConsoleHost:
        return console_host(self)

    def compose(self) -> ComposeResult:
        with VerticalGroup(id="dialog", classes="tasks"):
            yield Static("", id="tasks-title", classes="dialog-title")
            yield OptionList(id="task-list")

    def on_mount(self) -> None:
        self._show(self.hmc.snapshot)
        self.query_one(OptionList).focus()

    def compute_tasks(self, snap: Snapshot) -> list[PartitionTask]:
        return partition_tasks(snap.frame, self.lpar_id, self.hmc.hmc_console.actor.role,
                               app_actions(self.app))

    def show_snapshot(self, snap: Snapshot) -> None:
        if self.is_mounted:  # the app's timer can fire between push and compose
            self._show(snap)

    def _show(self, snap: Snapshot) -> None:
        p = snap.frame.partition(self.lpar_id)
        if p is None:  # deleted meanwhile (another console): nothing left to act on
            self.query_one("#tasks-title", Static).update(Text(
                f"Partition {self.lpar_id} no longer exists (escape closes)."))
            self.tasks = []
            self.query_one(OptionList).clear_options()
            return
        self.query_one("#tasks-title", Static).update(Text(
            f"Tasks: {p.name}   (ID {p.id}, {ENV_LABELS.get(p.env, p.env)}, {p.state})"))
        tasks = self.compute_tasks(snap)
        if tasks == self.tasks:
            return
        self.tasks = tasks
        menu = self.query_one(OptionList)
        highlighted = menu.highlighted
        menu.clear_options()
        menu.add_options(Option(option_prompt(t), id=t.key, disabled=not t.enabled)
                         for t in tasks)
        if highlighted is not None and (highlighted >= len(tasks)
                                        or not tasks[highlighted].enabled):
            highlighted = None
        menu.highlighted = highlighted if highlighted is not None else next(
            (i for i, t in enumerate(tasks) if t.enabled), None)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        task = next(t for t in self.tasks if t.key == event.option.id)
        self.dismiss(task.action)

    def action_dismiss_menu(self) -> None:
        self.dismiss(None)
