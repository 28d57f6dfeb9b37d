"""VIOS adapter mapping: per VIOS the vSCSI, NPIV and SEA tree, with map / unmap actions.

The tree mirrors `lsmap -all`, `lsmap -all -npiv` and `lsmap -all -net` (see
hmc_tui/widgets/vios_model.py). It is rebuilt only when the frame changed (frame_version),
and then patched node by node, so the user's expansion and cursor survive live updates.
Actions go through engine operations (MapVscsi, CreateOptical, LoadOptical, UnloadOptical,
UnmapVscsi, MapNpiv, UnmapNpiv); a refusal's code and message (for a VIOS command, the
VIOS's own words) are shown in place: in the dialog, or on the message line. Virtual optical
media follow the VIOS's way: an empty device (mkvdev -fbo), then media loaded into it.
"""

from __future__ import annotations

from typing import ClassVar

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import Static, Tree

from engine import vios as names
from engine.model import Frame
from engine.ops import Operation, UnmapNpiv, UnmapVscsi
from engine.ops.vio import is_optical
from engine.service import OpResult
from engine.snapshot import Snapshot
from hmc_tui.console import Console
from hmc_tui.screens.dialogs.confirm import ConfirmDialog
from hmc_tui.screens.host import console_host
from hmc_tui.screens.kept import KeptScreen
from hmc_tui.widgets.footer import Footer
from hmc_tui.widgets.status_bar import StatusBar
from hmc_tui.widgets.vios_dialogs import LoadOpticalDialog, MapNpivDialog, MapVscsiDialog
from hmc_tui.widgets.vios_model import NodeRef, vios_items
from hmc_tui.widgets.vios_tree import ViosTree

DEFAULT_HINT = "enter folds a node · m maps to the vhost/vfchost under the cursor · u unmaps"
HINTS = {
    "vios": DEFAULT_HINT,
    "group": DEFAULT_HINT,
    "sea": "SEA failover: the lower trunk priority is the primary (lsmap -all -net)",
    "sea_part": "SEA failover: the lower trunk priority is the primary (lsmap -all -net)",
    "vhost": "m: map a backing device or create a virtual optical device on this vhost",
    "empty": "m: map a device or port here",
    "vtd": "u: unmap this virtual target device (rmvdev) · l: load or unload optical media",
    "backing": "u: unmap the virtual target device · l: load or unload optical media",
    "scsi_client": "u: unmap the virtual target device above",
    "vfchost": "m: map this vfchost to a physical FC port · u: unmap it",
    "port": "m: map to another port · u: unmap this vfchost (vfcmap -fcp)",
    "fc_client": "m: map to another port · u: unmap the vfchost above",
}


class ViosScreen(KeptScreen):
    """Virtual I/O Servers: vSCSI, NPIV and SEA mappings of every VIOS of the frame."""

    TITLE = "VIOS adapter mapping"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("m", "map", "Map", id="vios.map"),
        Binding("u", "unmap", "Unmap", id="vios.unmap"),
        Binding("l", "load_media", "Load media", id="vios.load"),
        Binding("e", "expand_all", "Expand all", id="vios.expand"),
        Binding("E", "collapse_all", "Collapse all", id="vios.collapse"),
    ]

    DEFAULT_CSS = """
    ViosScreen { layout: vertical; }
    ViosScreen #vios-title { height: 1; background: $panel; padding: 0 1; }
    ViosScreen #vios-message { height: auto; padding: 0 1; }
    ViosScreen #vios-message:disabled { display: none; }
    ViosScreen #vios-message.-error { color: $error; text-style: bold; }
    ViosScreen #vios-message.-ok { color: $success; }
    ViosScreen #vios-hint { height: 1; padding: 0 1; color: $foreground-muted;
                            background: $panel; }
    """

    def __init__(self) -> None:
        super().__init__()
        self._frame: Frame | None = None
        self._frame_version = -1

    def compose(self) -> ComposeResult:
        yield Static("", id="vios-title")
        yield ViosTree(id="vios-tree")
        yield Static("", id="vios-message", disabled=True)
        yield Static(DEFAULT_HINT, id="vios-hint")
        yield StatusBar()
        yield Footer()

    def on_mount(self) -> None:
        self.vios_tree.focus()
        self._refresh_from_app()

    def on_screen_resume(self) -> None:
        self._refresh_from_app()

    @property
    def vios_tree(self) -> ViosTree:
        return self.query_one("#vios-tree", ViosTree)

    # ------------------------------------------------------------------ the app contract
    @property
    def hmc(self) -> Console:
        """The app's HMC console."""
        return console_host(self).hmc_console

    def _refresh_from_app(self) -> None:
        self.show_snapshot(console_host(self).snapshot)

    def show_snapshot(self, snap: Snapshot) -> None:
        """Patch the tree when the frame changed; live figures do not concern this screen."""
        if not self.is_mounted or snap.frame_version == self._frame_version:
            return
        self._frame_version = snap.frame_version
        self._frame = snap.frame
        frame = snap.frame
        items = vios_items(frame)
        self.vios_tree.sync(items)
        if self.vios_tree.cursor_node is None and items:
            self.vios_tree.move_cursor_to_line(0)
        self.query_one("#vios-title", Static).update(
            f"Virtual I/O Servers of {frame.system.name} · {len(items)} VIOS"
            + ("" if items else " · no Virtual I/O Server partition on this frame"))

    # ------------------------------------------------------------------ messages
    def show_message(self, text: str, kind: str = "") -> None:
        """The outcome of the last action (kept until the next one)."""
        line = self.query_one("#vios-message", Static)
        line.update(text)
        line.disabled = not text
        line.set_class(kind == "ok", "-ok")
        line.set_class(kind == "error", "-error")

    @property
    def message(self) -> str:
        return str(self.query_one("#vios-message", Static).content)

    def on_tree_node_highlighted(self, event: Tree.NodeHighlighted[NodeRef]) -> None:
        # What the keys do on this node: the user finds the actions where they apply.
        ref = event.node.data
        hint = HINTS.get(ref.kind, DEFAULT_HINT) if ref is not None else DEFAULT_HINT
        self.query_one("#vios-hint", Static).update(hint)

    def _after(self, result: OpResult | None) -> None:
        """Show an operation's outcome and the new frame at once (not at the next tick)."""
        if result is None:
            return
        if result.ok:
            self.show_message(f"Done: {result.event.command}", "ok")
        else:
            self.show_message(f"{result.code} {result.message}", "error")
        self.show_snapshot(self.hmc.snapshot())
        vtd = result.data.get("vtd") if result.ok else None
        op = result.event
        if vtd and op.op in ("map_vscsi", "create_optical"):
            for key in self.vios_tree.node_keys():
                if key.startswith(f"vios:{op.target}/") and key.endswith(f"/vtd:{vtd}"):
                    self.vios_tree.select_key(key)
                    break

    # ------------------------------------------------------------------ actions
    def action_map(self) -> None:
        ref, frame = self.vios_tree.selected, self._frame
        if ref is None or frame is None or ref.slot is None or ref.branch not in ("scsi", "fc"):
            self.show_message("Select a vhost or vfchost (or a device below one) to map.",
                              "error")
            return
        if ref.branch == "scsi":
            self.app.push_screen(MapVscsiDialog(frame, ref.vios, ref.slot), self._after)
        else:
            self.app.push_screen(MapNpivDialog(frame, ref.vios, ref.slot), self._after)

    def action_load_media(self) -> None:
        """loadopt / unloadopt on the file-backed optical device under the cursor."""
        ref, frame = self.vios_tree.selected, self._frame
        v = frame.partition(ref.vios) if ref is not None and frame is not None else None
        m = next((m for m in v.vscsi_mappings if m.vtd == ref.vtd), None) if v and ref else None
        if frame is None or ref is None or m is None or not is_optical(frame, m):
            self.show_message("Select a virtual optical device (vtoptN) to load media into; "
                              "create one with m on a vhost (mkvdev -fbo).", "error")
            return
        self.app.push_screen(LoadOpticalDialog(frame, ref.vios, m.vtd), self._after)

    def action_unmap(self) -> None:
        ref, frame = self.vios_tree.selected, self._frame
        if ref is None or frame is None:
            return
        v = frame.partition(ref.vios)
        if ref.branch == "scsi" and ref.vtd and v is not None:
            m = next((m for m in v.vscsi_mappings if m.vtd == ref.vtd), None)
            vhost = names.vhosts(v).get(ref.slot or -1, "?")
            backing = m.backing if m else "?"
            question = (f"Remove virtual target device {ref.vtd} ({backing} on {vhost}) from "
                        f"{ref.vios}? The client loses the disk; the backing device is kept.")
            self._confirm_and_run("Unmap virtual SCSI", question,
                                  UnmapVscsi(vios=ref.vios, vtd=ref.vtd))
        elif ref.branch == "fc" and ref.slot is not None and v is not None:
            port = next((m.port for m in v.npiv_mappings if m.vfchost_slot == ref.slot), None)
            vfchost = names.vfchosts(v).get(ref.slot, "?")
            if port is None:
                self.show_message(f"{vfchost} on {ref.vios} is not mapped to a port.", "error")
                return
            question = (f"Unmap {vfchost} from {port} on {ref.vios}? The client's virtual "
                        "Fibre Channel adapter logs out of the fabric.")
            self._confirm_and_run("Unmap NPIV", question,
                                  UnmapNpiv(vios=ref.vios, vfchost_slot=ref.slot))
        else:
            self.show_message("Select a virtual target device or a mapped vfchost to unmap.",
                              "error")

    @work(exclusive=True, group="vios-action")
    async def _confirm_and_run(self, title: str, question: str, op: Operation) -> None:
        command = f"\n\n{op.command(self._frame)}" if self._frame is not None else ""
        if not await self.app.push_screen_wait(ConfirmDialog(title, question + command)):
            self.show_message("Cancelled.")
            return
        self._after(await console_host(self).run_operation(op))

    def action_expand_all(self) -> None:
        self.vios_tree.root.expand_all()

    def action_collapse_all(self) -> None:
        # Down to the VIOS level: one line per VIOS, its groups folded.
        for node in self.vios_tree.root.children:
            for child in node.children:
                child.collapse_all()
