"""The managed system's properties (the HMC's server Properties pages, as tabs) and its
power tasks: `n` power on, `f` power off (the HMC's Power On / Power Off dialogs).

Every figure comes from hmc_tui/system_pages.py (the CLI's own records); a page is redrawn
only when its rows changed, keeping the cursor.
"""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widgets import DataTable, Static, TabbedContent, TabPane

from engine.snapshot import Snapshot
from hmc_tui.screens.dialogs.system_power import PowerOffDialog, PowerOnDialog
from hmc_tui.screens.host import ConsoleHost, console_host
from hmc_tui.system_pages import PAGE_TITLES, PAGES, Row, system_pages
from hmc_tui.widgets.footer import Footer
from hmc_tui.widgets.status_bar import StatusBar

COLUMNS = ("Property", "Value", "Attribute")


class SystemScreen(Screen[None]):
    HELP_GROUP = "Managed system"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "app.pop_screen", "Back", id="system.back"),
        Binding("n", "power_on", "Power on", id="system.power_on"),
        Binding("f", "power_off", "Power off", id="system.power_off"),
        Binding("right_square_bracket", "tab(1)", "Next tab", id="system.next_tab"),
        Binding("left_square_bracket", "tab(-1)", "Previous tab", show=False,
                id="system.previous_tab"),
    ]
    DEFAULT_CSS = """
    SystemScreen #system-title { height: 1; padding: 0 1; background: $panel; }
    SystemScreen #system-tabs { height: 1fr; }
    SystemScreen TabPane { padding: 0 1; height: 1fr; }
    SystemScreen DataTable { height: 1fr; }
    """

    def __init__(self, tab: str = "general") -> None:
        super().__init__()
        self._initial_tab = tab
        self.pages: dict[str, list[Row]] = {}

    @property
    def hmc(self) -> ConsoleHost:
        return console_host(self)

    def compose(self) -> ComposeResult:
        yield Static("", id="system-title")
        with TabbedContent(initial=self._initial_tab, id="system-tabs"):
            for page in PAGES:
                with TabPane(PAGE_TITLES[page], id=page):
                    yield DataTable(id=f"{page}-table", cursor_type="row", zebra_stripes=True)
        yield StatusBar()
        yield Footer(compact=True)

    def on_mount(self) -> None:
        for page in PAGES:
            self.query_one(f"#{page}-table", DataTable).add_columns(*COLUMNS)
        self.show_snapshot(self.hmc.snapshot)

    def on_screen_resume(self) -> None:
        self.show_snapshot(self.hmc.snapshot)

    def show_snapshot(self, snap: Snapshot) -> None:
        s = snap.frame.system
        active = sum(1 for p in snap.frame.partitions if p.active)
        self.query_one("#system-title", Static).update(Text.assemble(
            (s.name, "bold"), f"   {s.mtm}*{s.serial}   {s.state}   {active} of "
            f"{len(snap.frame.partitions)} partitions active"))
        pages = system_pages(self.hmc.hmc_console, snap)
        for page, rows in pages.items():
            if rows == self.pages.get(page):
                continue
            table = self.query_one(f"#{page}-table", DataTable)
            keep = table.cursor_row
            table.clear()
            for label, value, attr in rows:
                table.add_row(label, Text(value), Text(attr, style="dim"))
            if rows:
                table.move_cursor(row=min(keep, len(rows) - 1))
        self.pages = pages

    def action_tab(self, step: int) -> None:
        tabs = self.query_one(TabbedContent)
        index = PAGES.index(tabs.active) if tabs.active in PAGES else 0
        tabs.active = PAGES[(index + step) % len(PAGES)]

    def action_power_on(self) -> None:
        self.app.push_screen(PowerOnDialog())

    def action_power_off(self) -> None:
        self.app.push_screen(PowerOffDialog())
