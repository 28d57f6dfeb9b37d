"""What the partition action dialogs share: title, HMC command preview, the HSCL message
shown in place, OK/Cancel, and running the operation through the app.

A refusal from the engine (OpResult.ok False) is shown in the dialog, which stays open so the
user can correct the request; success closes it with the OpResult.
"""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import HorizontalGroup, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from engine.model import Partition
from engine.ops import Operation
from engine.service import OpResult
from engine.snapshot import Snapshot
from hmc_tui.formatting import ENV_LABELS
from hmc_tui.screens.host import ConsoleHost, console_host
from hmc_tui.widgets.dialog_footer import dialog_footer


class ActionDialog(ModalScreen[OpResult | None]):
    """Subclasses compose their fields in `fields()` and build the operation in
    `operation()` (a str return is a local input error, shown like a refusal). Each
    subclass's `on_mount` calls `update_preview()` and focuses its first control (Textual
    calls every class's `on_mount`, so the base class defines none)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="dialog.cancel"),
        # OK from any field: Enter on a checkbox or radio button toggles it, as in Textual
        Binding("ctrl+o", "submit", "OK", id="dialog.submit"),
    ]
    TITLE_TEXT = ""
    OK_LABEL = "OK"

    def __init__(self, lpar_id: int) -> None:
        super().__init__(classes="dialog-screen")
        self.lpar_id = lpar_id
        self.busy = False
        self.closing = False
        self.last_result: OpResult | None = None

    @property
    def hmc(self) -> ConsoleHost:
        return console_host(self)

    @property
    def partition(self) -> Partition:
        p = self.hmc.snapshot.frame.partition(self.lpar_id)
        if p is None:  # deleted meanwhile (from another console)
            raise LookupError(self.lpar_id)
        return p

    def compose(self) -> ComposeResult:
        p = self.partition
        with VerticalScroll(id="dialog"):
            yield Static(f"{self.TITLE_TEXT}: {p.name}", classes="dialog-title")
            yield Static(self.describe(p), id="lpar-info")
            yield from self.fields(p)
            yield Static("", id="command", classes="command")
            yield Static("", id="error")
            with HorizontalGroup(id="buttons"):
                yield Button(self.OK_LABEL, id="ok", variant="primary", compact=True)
                yield Button("Cancel", id="cancel", compact=True)
        yield dialog_footer()

    def fields(self, p: Partition) -> ComposeResult:
        yield from ()

    def operation(self) -> Operation | str:
        raise NotImplementedError

    def describe(self, p: Partition) -> str:
        ref = f"  {p.refcode}" if p.refcode else ""
        return f"ID {p.id}  {ENV_LABELS.get(p.env, p.env)}  {p.state}{ref}  RMC {p.rmc_state}"

    # -- live: the partition's state line follows the engine while the dialog is open
    def show_snapshot(self, snap: Snapshot) -> None:
        if not self.is_mounted:  # the app's timer can fire between push and compose
            return
        p = snap.frame.partition(self.lpar_id)
        if p is None:  # deleted meanwhile (from another console): nothing left to act on
            if not self.closing:
                self.closing = True
                self.notify(f"Partition {self.lpar_id} no longer exists.", severity="warning")
                self.dismiss(None)
            return
        self.query_one("#lpar-info", Static).update(self.describe(p))

    def update_preview(self) -> None:
        """Show the equivalent HMC command of the request as it stands (teaches the CLI)."""
        op = self.operation()
        text = f"$ {op.command(self.hmc.snapshot.frame)}" if isinstance(op, Operation) else ""
        self.query_one("#command", Static).update(Text(text))  # literal: no markup

    def show_error(self, text: str) -> None:
        error = self.query_one("#error", Static)
        error.update(Text(text))  # engine messages are literal text, never markup
        error.set_class(bool(text), "shown")
        if text:
            error.scroll_visible(animate=False)

    @property
    def error_text(self) -> str:
        content = self.query_one("#error", Static).content
        return content.plain if isinstance(content, Text) else str(content)

    # -- OK / Cancel
    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "ok":
            self.submit()
        else:
            self.dismiss(None)

    def action_cancel(self) -> None:
        self.dismiss(None)

    def action_submit(self) -> None:
        self.submit()

    def submit(self) -> None:
        if self.busy:
            return
        op = self.operation()
        if isinstance(op, str):
            self.show_error(op)
            return
        self.run_op(op)

    def dismiss_on_success(self) -> bool:
        """Close with the result once the operation succeeds (the migration wizard stays
        open to follow what it started)."""
        return True

    async def after_success(self) -> None:
        """What a dialog that stays open does with a success."""

    async def confirm(self, op: Operation) -> bool:
        """Destructive dialogs ask first (ShutdownDialog overrides)."""
        return True

    @work(exclusive=True, group="dialog-op")
    async def run_op(self, op: Operation) -> None:
        self.busy = True
        ok_button = self.query_one("#ok", Button)
        ok_button.disabled = True
        try:
            if not await self.confirm(op):
                return
            self.show_error("")
            result = await self.hmc.run_operation(op)
            self.last_result = result
            if result.ok and self.dismiss_on_success():
                self.dismiss(result)
            elif result.ok:
                await self.after_success()
            else:
                self.show_error(f"{result.code} {result.message}")
        finally:
            self.busy = False
            ok_button.disabled = False
