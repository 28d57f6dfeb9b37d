"""`?` help: every binding of the screen it was opened on, generated from the bindings.

The rows come from `Screen.active_bindings` (focused widget, screen and app, after the user's
keymap), so remapped keys show as remapped and a new binding appears without editing help.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import ClassVar

from rich.table import Table
from rich.text import Text
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Static

from hmc_tui.command_mode import ALIASES
from hmc_tui.widgets.dialog_footer import dialog_footer


@dataclass(frozen=True)
class HelpRow:
    group: str
    keys: str
    description: str
    binding_id: str


def _group(node: object, app: App[object]) -> str:
    if node is app:
        return "Global"
    name = getattr(node, "HELP_GROUP", "") or type(node).__name__
    return str(name)


def help_rows(screen: Screen[object]) -> list[HelpRow]:
    """The bindings active on `screen`, one row per action, keys of an action joined."""
    app = screen.app
    merged: dict[tuple[int, str], tuple[str, list[str], Binding]] = {}
    for key, active in screen.active_bindings.items():
        binding = active.binding
        if binding.system:
            continue
        ident = (id(active.node), binding.id or binding.action)
        display = app.get_key_display(replace(binding, key=key))
        if ident not in merged:
            merged[ident] = (_group(active.node, app), [], binding)
        if display not in merged[ident][1]:
            merged[ident][1].append(display)
    rows = [
        HelpRow(group, " ".join(keys), binding.description or binding.action,
                binding.id or "")
        for group, keys, binding in merged.values()
    ]
    # Groups in the order an operator reads them: the focused widget, the screen, global.
    screen_group = _group(screen, app)

    def rank(row: HelpRow) -> int:
        return 2 if row.group == "Global" else 1 if row.group == screen_group else 0

    return sorted(rows, key=rank)  # stable: bindings keep their declared order


def help_table(rows: list[HelpRow]) -> Table:
    table = Table(box=None, expand=True, show_header=True, header_style="bold", pad_edge=False)
    table.add_column("Key", no_wrap=True, min_width=8)
    table.add_column("Action", ratio=1)
    table.add_column("Keymap id", no_wrap=True, style="dim")
    group = None
    for row in rows:
        if row.group != group:
            group = row.group
            table.add_row(Text(group, style="bold underline"), "", "")
        table.add_row(row.keys, row.description, row.binding_id)
    table.add_row(Text("Command line (:)", style="bold underline"), "", "")
    for name, (arg, what) in ALIASES.items():
        table.add_row(f":{name}{' ' + arg if arg else ''}", what, "")
    table.add_row(":other", "an HMC command (lssyscfg, chsysstate, chhwres ...)", "")
    return table


class HelpScreen(ModalScreen[None]):
    HELP_GROUP = "Help"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,question_mark", "close", "Close", id="help.close"),
        Binding("j,down", "scroll(1)", "Down", show=False, id="help.down"),
        Binding("k,up", "scroll(-1)", "Up", show=False, id="help.up"),
    ]

    def __init__(self, title: str, rows: list[HelpRow]) -> None:
        super().__init__(classes="dialog-screen")
        self._title = title
        self.rows = rows

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help"):
            yield Static(f"Keys: {self._title}", classes="dialog-title")
            yield Static(help_table(self.rows), id="help-table")
            yield Static("Remap a key in config.toml: [keymap] \"lpar.activate\" = \"f6\". "
                         "ctrl+p opens the command palette with every action.",
                         classes="hint")
        yield dialog_footer()

    def action_close(self) -> None:
        self.dismiss(None)

    def action_scroll(self, lines: int) -> None:
        self.query_one("#help", VerticalScroll).scroll_relative(y=lines, animate=False)
