"""The `:` command line's input: an Input with a history (up/down) and Tab completion."""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

from textual.binding import Binding, BindingType
from textual.message import Message
from textual.widgets import Input

from hmc_tui.hmccli.complete import common_prefix, current_word, replace_word

Completer = Callable[[str, int], list[str]]  # (line, cursor) -> candidates for the word


class CommandInput(Input):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up", "history(-1)", "Previous", show=False),
        Binding("down", "history(1)", "Next", show=False),
        # Tab completes here instead of moving the focus out of the command line.
        Binding("tab", "complete", "Complete", show=False),
        # Shift+Tab would move the focus out and back, selecting the whole line so that the
        # next key replaced the command: it stays here and does nothing.
        Binding("shift+tab", "stay", show=False),
    ]

    class Candidates(Message):
        """Several completions fit: the screen shows them."""

        def __init__(self, candidates: list[str]) -> None:
            super().__init__()
            self.candidates = candidates

    def __init__(self, history: list[str], completer: Completer | None = None,
                 **kwargs: object) -> None:
        # The history list is the app's, shared with later command lines.
        super().__init__(placeholder="lpar NAME, pools, vios, events, speed N, or an HMC "
                         "command (lssyscfg -r lpar ...)", select_on_focus=False,
                         **kwargs)  # type: ignore[arg-type]
        self.history = history
        self._index = len(history)
        self.completer = completer

    def action_stay(self) -> None:
        """Shift+Tab: the focus and the line stay as they are."""

    def action_history(self, step: int) -> None:
        if not self.history:
            return
        self._index = max(0, min(len(self.history), self._index + step))
        self.value = self.history[self._index] if self._index < len(self.history) else ""
        self.cursor_position = len(self.value)

    def action_complete(self) -> None:
        """One candidate: take it (and a space); several: their common start, and list them."""
        if self.completer is None:
            return
        cursor = self.cursor_position
        candidates = self.completer(self.value, cursor)
        if not candidates:
            self.app.bell()
            return
        typed = self.value[current_word(self.value, cursor).start:cursor]
        if len(candidates) == 1:
            ends_open = candidates[0].endswith(("=", ",")) or candidates[0][:1] in "\"'"
            choice = candidates[0] if ends_open else candidates[0] + " "
        else:
            choice = common_prefix(candidates)
            self.post_message(self.Candidates(candidates))
        if len(choice) >= len(typed):
            self.value, self.cursor_position = replace_word(self.value, cursor, choice)

    def remember(self, line: str) -> bool:
        """Add the line to the history; whether it was new (a repeat is kept once)."""
        added = bool(line) and (not self.history or self.history[-1] != line)
        if added:
            self.history.append(line)
        self._index = len(self.history)
        return added
