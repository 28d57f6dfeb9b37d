"""`o` on the overview: pick the column to sort the partitions by."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalGroup
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from hmc_tui.widgets.dialog_footer import dialog_footer
from hmc_tui.widgets.partition_table import COLUMNS


class SortPicker(ModalScreen[str | None]):
    HELP_GROUP = "Sort"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "dismiss(None)", "Cancel", id="sort.cancel"),
        Binding("j", "cursor(1)", "Down", show=False),
        Binding("k", "cursor(-1)", "Up", show=False),
    ]

    def __init__(self, current: str, reverse: bool) -> None:
        super().__init__(classes="dialog-screen")
        self._current = current
        self._reverse = reverse

    def compose(self) -> ComposeResult:
        arrow = "▼" if self._reverse else "▲"
        with VerticalGroup(id="dialog", classes="sort"):
            yield Static("Sort partitions by", classes="dialog-title")
            yield OptionList(
                *(Option(f"{c.label} {arrow if c.key == self._current else ''}", id=c.key)
                  for c in COLUMNS),
                id="columns",
            )
            yield Static("The current column again reverses the order.", classes="hint")
        yield dialog_footer()

    def on_mount(self) -> None:
        options = self.query_one(OptionList)
        options.highlighted = next(
            (i for i, c in enumerate(COLUMNS) if c.key == self._current), 0)
        options.focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(event.option.id)

    def action_cursor(self, step: int) -> None:
        options = self.query_one(OptionList)
        options.action_cursor_down() if step > 0 else options.action_cursor_up()
