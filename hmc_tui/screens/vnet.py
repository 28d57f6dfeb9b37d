"""Virtual networks (read-only): every virtual switch and VLAN, the partitions' adapters on
each VLAN, and the SEA that bridges it to the physical network with its ha_mode and failover
state (the HMC's Virtual Networks view; `lshwres -r virtualio --rsubtype vswitch|eth` and
`lsmap -all -net` on the command line).

The rows come from hmc_tui/widgets/vnet_model.py; the table is rebuilt only when the
partitions changed (frames are immutable, so identity is the change test), keeping the
cursor on its VLAN.
"""

from __future__ import annotations

from typing import ClassVar

from rich.style import Style
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import DataTable, Static

from engine.snapshot import Snapshot
from hmc_tui.screens.host import console_host
from hmc_tui.screens.kept import KeptScreen
from hmc_tui.widgets.footer import Footer
from hmc_tui.widgets.status_bar import StatusBar
from hmc_tui.widgets.vnet_model import VlanRow, vlan_rows, vswitches

COLUMNS = ("Switch", "VLAN", "Partition adapters", "SEA", "ha_mode", "Failover state")
STYLES = ("ok", "warn", "bad", "dim")
LEGEND = ("C<n>: virtual slot · tagged: by 802.1Q tag, not PVID · ctl_chan: the SEA's control "
          "channel · SEA: VIOS and adapter · the lower trunk priority is the primary")


class VnetTable(DataTable[Text | str]):
    COMPONENT_CLASSES: ClassVar[set[str]] = DataTable.COMPONENT_CLASSES | {
        f"vnet-table--{s}" for s in STYLES}
    DEFAULT_CSS = """
    VnetTable { height: 1fr; }
    VnetTable > .vnet-table--ok { color: $success; }
    VnetTable > .vnet-table--warn { color: $warning; }
    VnetTable > .vnet-table--bad { color: $error; text-style: bold; }
    VnetTable > .vnet-table--dim { color: $foreground-muted; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("j", "cursor_down", "Down", show=False, id="vnet.down"),
        Binding("k", "cursor_up", "Up", show=False, id="vnet.up"),
    ]

    def style_of(self, tag: str) -> Style:
        if tag not in STYLES:
            return Style()
        return self.get_component_rich_style(f"vnet-table--{tag}", partial=True)


def row_cells(row: VlanRow, table: VnetTable) -> tuple[Text | str, ...]:
    members = "\n".join(m.text for m in row.members) or "-"
    if not row.bridges:
        return (row.vswitch, str(row.vlan), members,
                Text("none: internal only", style=table.style_of("dim")),
                "", "")
    bridged = "\n".join(b.text for b in row.bridges)
    modes = "\n".join(b.ha_mode for b in row.bridges)
    state = Text()
    for i, b in enumerate(row.bridges):
        if i:
            state.append("\n")
        state.append(b.state, style=table.style_of(b.style))
        if b.detail:  # narrow terminals: the state word first, then why
            detail = b.detail.replace("trunk priority", "priority")
            state.append(" " + detail, style=table.style_of("dim"))
    return (row.vswitch, str(row.vlan), members, bridged, modes, state)


class VnetScreen(KeptScreen):
    """Virtual switches, VLANs, who is on each and which SEA bridges it."""

    TITLE = "Virtual networks"
    HELP_GROUP = "Virtual networks"
    DEFAULT_CSS = """
    VnetScreen #vnet-title { height: 1; background: $panel; padding: 0 1; }
    VnetScreen #vnet-switches { height: auto; padding: 0 1; }
    VnetScreen #vnet-legend { height: auto; padding: 0 1; color: $text-muted; }
    """

    def __init__(self) -> None:
        super().__init__()
        self._frame_version: int | None = None
        self.rows: list[VlanRow] = []

    def compose(self) -> ComposeResult:
        yield Static("", id="vnet-title")
        yield Static("", id="vnet-switches")
        yield VnetTable(id="vnet-table", cursor_type="row", zebra_stripes=True)
        yield Static(LEGEND, id="vnet-legend")
        yield StatusBar()
        yield Footer(compact=True)

    @property
    def table(self) -> VnetTable:
        return self.query_one(VnetTable)

    def on_mount(self) -> None:
        self.table.add_columns(*COLUMNS)
        self.show_snapshot(console_host(self).snapshot)
        self.table.focus()

    def on_screen_resume(self) -> None:
        self.show_snapshot(console_host(self).snapshot)

    def show_snapshot(self, snap: Snapshot) -> None:
        # Rebuilt when the frame changed (as the VIOS screen does): partitions, and faults
        # such as a physical port down, decide the SEA roles; live figures do not.
        if snap.frame_version == self._frame_version:
            return
        self._frame_version = snap.frame_version
        frame = snap.frame
        self.rows = vlan_rows(frame)
        switches = vswitches(frame)
        seas = sum(len(p.seas) for p in frame.partitions)
        self.query_one("#vnet-title", Static).update(Text(
            f"{frame.system.name}   {len(switches)} virtual switch(es), {len(self.rows)} "
            f"VLAN(s), {seas} shared Ethernet adapter(s)"))
        self.query_one("#vnet-switches", Static).update(Text("   ".join(
            f"{name}: VLANs {', '.join(map(str, vlans)) or 'none'}"
            for name, vlans in switches)))
        table = self.table
        keep = table.cursor_row
        table.clear()
        for row in self.rows:
            height = max(len(row.members), len(row.bridges), 1)
            table.add_row(*row_cells(row, table), height=height,
                          key=f"{row.vswitch}/{row.vlan}")
        if self.rows:
            table.move_cursor(row=min(keep, len(self.rows) - 1))

    def cell_lines(self) -> list[tuple[str, ...]]:
        """The table as plain text, one tuple per VLAN (tests and macros read it)."""
        table = self.table
        return [tuple(str(c.plain if isinstance(c, Text) else c)
                      for c in table.get_row_at(i)) for i in range(table.row_count)]
