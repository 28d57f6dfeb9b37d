"""The `:` command line's input: an Input with a history (up/down), as in a shell."""

from __future__ import annotations

from typing import ClassVar

from textual.binding import Binding, BindingType
from textual.widgets import Input


class CommandInput(Input):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up", "history(-1)", "Previous", show=False),
        Binding("down", "history(1)", "Next", show=False),
    ]

    def __init__(self, history: list[str], **kwargs: object) -> None:
        # The history list is the app's, shared with later command lines.
        super().__init__(placeholder="lpar NAME, pools, vios, events, speed N, or an HMC "
                         "command (lssyscfg -r lpar ...)", **kwargs)  # type: ignore[arg-type]
        self.history = history
        self._index = len(history)

    def action_history(self, step: int) -> None:
        if not self.history:
            return
        self._index = max(0, min(len(self.history), self._index + step))
        self.value = self.history[self._index] if self._index < len(self.history) else ""
        self.cursor_position = len(self.value)

    def remember(self, line: str) -> None:
        if line and (not self.history or self.history[-1] != line):
            self.history.append(line)
        self._index = len(self.history)
