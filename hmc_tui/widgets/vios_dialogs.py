"""Dialogs of the VIOS (and pool) screens that run an engine operation in place.

`OperationDialog` builds an engine operation from its fields, runs it through the app
(`app.run_operation`) and either closes with the result or shows the refusal's HSCL code and
message in place, so the user can correct the input and retry without losing it.
The base is generic (the pool screen's dialog uses it too); confirmations use the app's
ConfirmDialog.
"""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import HorizontalGroup, VerticalGroup
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, OptionList
from textual.widgets.option_list import Option

from engine import vios as names
from engine.model import Frame, VirtualFc, VirtualScsi
from engine.ops import CreateOptical, LoadOptical, MapNpiv, MapVscsi, Operation, UnloadOptical
from engine.ops.vio import media_name
from engine.service import OpResult
from hmc_tui.screens.host import console_host
from hmc_tui.widgets.dialog_footer import dialog_footer
from hmc_tui.widgets.vios_model import fc_ports, mappable_devices, repository_media

# Declared once on the base; subclasses match through their base's type name, so each new
# dialog adds no CSS (new CSS makes Textual reparse and restyle every node).
DIALOG_CSS = """
{cls} { align: center middle; }
{cls} > VerticalGroup {
    width: 76; max-width: 100%; height: auto; max-height: 100%;
    border: thick $primary; background: $panel; padding: 0 1;
}
{cls} Label { width: 100%; }  /* wrap at the dialog's edge (a Label is as wide as its text) */
{cls} .dialog-title { text-style: bold; color: $primary; }
{cls} .dialog-help { color: $foreground-muted; }
{cls} .dialog-error { color: $error; text-style: bold; }
{cls} .dialog-error:disabled { display: none; }
{cls} OptionList { height: auto; max-height: 12; }
{cls} HorizontalGroup { align-horizontal: right; height: auto; }
{cls} Button { margin: 0 0 0 1; }
"""


class OperationDialog(ModalScreen[OpResult | None]):
    """Base of the dialogs that run one engine operation; subclasses supply the fields."""

    DEFAULT_CSS = DIALOG_CSS.replace("{cls}", "OperationDialog")
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="dialog.cancel"),
    ]
    title_text = "Operation"
    ok_label = "OK"

    def compose(self) -> ComposeResult:
        with VerticalGroup():
            yield Label(self.title_text, classes="dialog-title")
            yield from self.compose_fields()
            yield Label("", classes="dialog-error", id="dialog-error", disabled=True)
            with HorizontalGroup():
                yield Button(self.ok_label, id="ok", variant="primary")
                yield Button("Cancel", id="cancel")
        yield dialog_footer()

    def compose_fields(self) -> ComposeResult:
        yield from ()

    def build_operation(self) -> Operation | str:
        """The operation to run, or a message saying what is wrong with the input."""
        raise NotImplementedError

    def show_error(self, text: str) -> None:
        label = self.query_one("#dialog-error", Label)
        label.update(text)
        label.disabled = not text

    @property
    def error_text(self) -> str:
        return str(self.query_one("#dialog-error", Label).content)

    async def submit(self) -> None:
        op = self.build_operation()
        if isinstance(op, str):
            self.show_error(op)
            return
        result = await console_host(self).run_operation(op)
        if result.ok:
            self.dismiss(result)
        else:
            self.show_error(f"{result.code} {result.message}")

    async def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "ok":
            await self.submit()
        else:
            self.dismiss(None)

    async def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        await self.submit()

    async def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        await self.submit()

    def action_cancel(self) -> None:
        self.dismiss(None)


def options(items: list[tuple[str, str, bool]]) -> list[Option]:
    """OptionList entries from (id, prompt, enabled)."""
    return [Option(prompt, id=key, disabled=not enabled) for key, prompt, enabled in items]


OPTICAL = "(virtual optical)"  # the option id of "create a file-backed optical device"


class MapVscsiDialog(OperationDialog):
    """mkvdev -vdev DEVICE -vadapter vhostN [-dev VTD]: pick a device the VIOS sees, or
    mkvdev -fbo -vadapter vhostN: an empty virtual optical device to load media into."""

    ok_label = "Map"

    def __init__(self, frame: Frame, vios: str, vhost_slot: int) -> None:
        super().__init__()
        self.vios = vios
        self.vhost_slot = vhost_slot
        v = frame.partition(vios)
        assert v is not None
        self.vhost = names.vhosts(v).get(vhost_slot, f"slot {vhost_slot}")
        adapter = v.adapter(vhost_slot)
        scsi = adapter if isinstance(adapter, VirtualScsi) else None
        client = frame.partition(scsi.remote_lpar_id) if scsi and scsi.remote_lpar_id else None
        self.client = f"{client.name} slot {scsi.remote_slot}" if client and scsi else "any"
        self.devices = mappable_devices(frame, v)
        self.title_text = f"Map a backing device to {self.vhost} on {vios}"

    def compose_fields(self) -> ComposeResult:
        yield Label(f"Client: {self.client}.  Devices {self.vios} sees that it has not mapped:",
                    classes="dialog-help")
        optical = (OPTICAL, "virtual optical device (mkvdev -fbo), empty: then load media "
                   "with l (loadopt -disk NAME.iso -vtd vtoptN)", True)
        yield OptionList(*options([(d.name, f"{d.name}  {note}", True)
                                   for d, note in self.devices] + [optical]), id="devices")
        if not self.devices:
            yield Label(f"No unmapped backing device on {self.vios}.", classes="dialog-help")
        yield Label("Virtual target device name (empty: vtscsiN / vtoptN):",
                    classes="dialog-help")
        yield Input(placeholder="default", id="vtd")

    def on_mount(self) -> None:
        self.query_one("#devices", OptionList).focus()

    def build_operation(self) -> Operation | str:
        devices = self.query_one("#devices", OptionList)
        if devices.highlighted is None:
            return "Select a backing device."
        option = devices.get_option_at_index(devices.highlighted)
        vtd = self.query_one("#vtd", Input).value.strip() or None
        if option.id == OPTICAL:
            return CreateOptical(vios=self.vios, vhost_slot=self.vhost_slot, vtd=vtd)
        return MapVscsi(vios=self.vios, vhost_slot=self.vhost_slot, backing=str(option.id),
                        vtd=vtd)


NO_MEDIA = "(no media)"  # the option id of "unload"


class LoadOpticalDialog(OperationDialog):
    """loadopt -disk NAME -vtd vtoptN (-f when media is loaded), or unloadopt -vtd vtoptN:
    pick media of the VIOS's repository for a file-backed virtual optical device."""

    ok_label = "Load"

    def __init__(self, frame: Frame, vios: str, vtd: str) -> None:
        super().__init__()
        self.vios = vios
        self.vtd = vtd
        v = frame.partition(vios)
        assert v is not None
        m = next((m for m in v.vscsi_mappings if m.vtd == vtd), None)
        self.loaded = media_name(m.backing) if m is not None and m.backing else ""
        self.media = repository_media(frame, v)
        self.title_text = f"Load media into {vtd} on {vios}"

    def compose_fields(self) -> ComposeResult:
        now = f"Now loaded: {self.loaded}." if self.loaded else "No media loaded now."
        yield Label(f"{now}  Media in the repository of {self.vios} (lsrep):",
                    classes="dialog-help")
        items = [(name, f"{name}  {note}", name != self.loaded) for name, note in self.media]
        items.append((NO_MEDIA, "no media: unload (unloadopt)", bool(self.loaded)))
        yield OptionList(*options(items), id="media")
        if not self.media:
            yield Label(f"The repository of {self.vios} holds no media (lsrep).",
                        classes="dialog-help")

    def on_mount(self) -> None:
        self.query_one("#media", OptionList).focus()

    def build_operation(self) -> Operation | str:
        media = self.query_one("#media", OptionList)
        if media.highlighted is None:
            return "Select media to load."
        option = media.get_option_at_index(media.highlighted)
        if option.id == NO_MEDIA:
            return UnloadOptical(vios=self.vios, vtd=self.vtd)
        return LoadOptical(vios=self.vios, vtd=self.vtd, media=str(option.id),
                           force=bool(self.loaded))


class MapNpivDialog(OperationDialog):
    """vfcmap -vadapter vfchostN -fcp fcsN: pick an NPIV port with free target ports."""

    ok_label = "Map"

    def __init__(self, frame: Frame, vios: str, vfchost_slot: int) -> None:
        super().__init__()
        self.vios = vios
        self.vfchost_slot = vfchost_slot
        v = frame.partition(vios)
        assert v is not None
        self.vfchost = names.vfchosts(v).get(vfchost_slot, f"slot {vfchost_slot}")
        self.current = next((m.port for m in v.npiv_mappings if m.vfchost_slot == vfchost_slot),
                            None)
        self.ports = fc_ports(frame, v)
        adapter = v.adapter(vfchost_slot)
        vfc = adapter if isinstance(adapter, VirtualFc) else None
        client = frame.partition(vfc.remote_lpar_id) if vfc and vfc.remote_lpar_id else None
        self.client = f"{client.name} slot {vfc.remote_slot}" if client and vfc else "any"
        self.title_text = f"Map {self.vfchost} on {vios} to a physical FC port"

    def compose_fields(self) -> ComposeResult:
        now = f"  Now mapped to {self.current}." if self.current else "  Not mapped now."
        yield Label(f"Client: {self.client}.{now}", classes="dialog-help")
        items = []
        for port, free in self.ports:
            state = "not NPIV capable" if not port.npiv else f"NPIV {free} of {port.max_npiv} free"
            items.append((port.name, f"{port.name}  {port.location}  {state}",
                          port.npiv and free > 0))
        yield OptionList(*options(items), id="ports")
        if not self.ports:
            yield Label(f"{self.vios} owns no Fibre Channel port.", classes="dialog-help")

    def on_mount(self) -> None:
        self.query_one("#ports", OptionList).focus()

    def build_operation(self) -> Operation | str:
        ports = self.query_one("#ports", OptionList)
        if ports.highlighted is None:
            return "Select a physical Fibre Channel port."
        option = ports.get_option_at_index(ports.highlighted)
        return MapNpiv(vios=self.vios, vfchost_slot=self.vfchost_slot, port=str(option.id))
