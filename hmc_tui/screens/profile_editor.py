"""A partition's profiles (the HMC's Manage Profiles): pick one, edit its processors and
memory (`chsyscfg -r prof`), copy it under a new name (`mksyscfg -r prof`), make it the
default (`chsyscfg -r lpar -i default_profile=`). The editor stays open after each change;
a refusal is shown in place."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import HorizontalGroup, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Checkbox, Input, Label, RadioSet, Select, Static

from engine.model import Frame, Partition, Profile
from engine.ops import ChangePartition, ChangeProfile, CreateProfile, Operation
from engine.service import OpResult
from hmc_tui.formatting import BOOT_MODE_LABELS
from hmc_tui.screens.host import ConsoleHost, console_host
from hmc_tui.screens.resource_fields import ResourceFields
from hmc_tui.screens.wizard_form import FieldError, WizardForm
from hmc_tui.widgets.dialog_footer import dialog_footer


class ProfileEditor(ResourceFields[OpResult | None], ModalScreen[OpResult | None]):
    HELP_GROUP = "Profiles"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "Close", id="profiles.close"),
    ]

    def __init__(self, lpar_id: int) -> None:
        super().__init__(classes="dialog-screen")
        self.lpar_id = lpar_id
        p = self.partition
        self.profile_name = p.default_profile
        self.form = self._form_of(p.profile(p.default_profile) or p.profiles[0])
        self.busy = False
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

    def _form_of(self, prof: Profile) -> WizardForm:
        pool = self.hmc.snapshot.frame.pool(prof.shared_proc_pool_id)
        return WizardForm.from_profile(prof, pool.name if pool else "DefaultPool")

    @property
    def profile(self) -> Profile:
        p = self.partition
        return p.profile(self.profile_name) or p.profiles[0]

    # ------------------------------------------------------------------ layout
    def compose(self) -> ComposeResult:
        p = self.partition
        frame = self.hmc.snapshot.frame
        with Vertical(id="dialog", classes="wizard"):
            yield Static(f"Profiles: {p.name}", classes="dialog-title")
            with VerticalScroll(id="wizard-body"):
                yield from self._fields(p, frame)
            yield Static("", id="command", classes="command")  # in view while scrolling
            yield Static("", id="error")
            with HorizontalGroup(id="buttons"):
                yield Button("Save", id="save", variant="primary", compact=True)
                yield Button("Copy", id="copy", compact=True)
                yield Button("Make default", id="default", compact=True)
                yield Button("Close", id="close", compact=True)
        yield dialog_footer()  # the screen's own keys (ctrl+n, escape, ...), not the overview's

    def _fields(self, p: Partition, frame: Frame) -> ComposeResult:
        yield Label("Profile")
        yield Select(self._profile_options(p), value=self.profile_name, allow_blank=False,
                     id="profile", compact=True)
        yield Static("", id="profile-info", classes="hint")
        yield from self.processor_fields(frame)
        yield from self.memory_fields(frame)
        prof = self.profile
        yield Label("Settings")
        if p.env != "os400":  # IBM i starts by keylock and IPL source (the activate dialog)
            yield Select([(label, mode) for mode, label in BOOT_MODE_LABELS.items()],
                         value=prof.boot_mode, allow_blank=False, id="boot", compact=True)
        yield Checkbox("Start with the managed system (auto_start)", value=prof.auto_start,
                       id="auto-start", compact=True)
        yield Label("Name for a copy")
        yield Input("", id="copy-name", compact=True, max_length=31,
                    placeholder="a new profile with the values above")

    def _profile_options(self, p: Partition) -> list[tuple[str, str]]:
        return [(f"{q.name}{' (default)' if q.name == p.default_profile else ''}", q.name)
                for q in p.profiles]

    def on_mount(self) -> None:
        self._refresh()
        self.query_one("#profile").focus()

    def _refresh(self) -> None:
        p = self.partition
        current = f", activated with {p.curr_profile}" if p.curr_profile else ""
        self.query_one("#profile-info", Static).update(
            f"{len(p.profiles)} profile(s), default {p.default_profile}{current}")
        self.query_one("#default", Button).disabled = self.profile_name == p.default_profile
        self.show_processor_fields()
        self._preview()

    # ------------------------------------------------------------------ the operations
    def edit(self) -> ChangeProfile | str | None:
        """The change the fields make to the profile (None: nothing changed)."""
        prof = self.profile
        frame = self.hmc.snapshot.frame
        try:
            values = self.form.profile_values(frame)
        except FieldError as err:
            return str(err)
        changes: dict[str, object] = {k: v for k, v in values.items()
                                      if k != "shared_proc_pool_id" and getattr(prof, k) != v}
        if values.get("shared_proc_pool_id", prof.shared_proc_pool_id) \
                != prof.shared_proc_pool_id:  # shared processors in another pool
            changes["shared_proc_pool_name"] = self.form.pool
        changes |= {k: v for k, v in self._settings().items() if getattr(prof, k) != v}
        if not changes:
            return None
        return ChangeProfile(lpar=self.partition.name, profile=prof.name, changes=changes)

    def _settings(self) -> dict[str, object]:
        """Boot mode and auto start as the fields show them."""
        out: dict[str, object] = {"auto_start": self.query_one("#auto-start", Checkbox).value}
        for boot in self.query("#boot").results(Select):
            if isinstance(boot.value, str):
                out["boot_mode"] = boot.value
        return out

    def copy(self) -> CreateProfile | str:
        name = self.query_one("#copy-name", Input).value.strip()
        if not name:
            return "Name for a copy: enter the new profile's name."
        try:
            values = self.form.profile_values(self.hmc.snapshot.frame)
            return CreateProfile(lpar=self.partition.name, profile=Profile.model_validate(
                self.profile.model_dump() | values | self._settings() | {"name": name}))
        except FieldError as err:
            return str(err)
        except ValueError as exc:  # pydantic: a name too long, ...
            return str(exc).splitlines()[0]

    def make_default(self) -> ChangePartition:
        return ChangePartition(lpar=self.partition.name, default_profile=self.profile_name)

    def _preview(self) -> None:
        frame = self.hmc.snapshot.frame
        ops: list[Operation | str | None] = [self.edit()]
        if self.query_one("#copy-name", Input).value.strip():
            ops.append(self.copy())
        if self.profile_name != self.partition.default_profile:
            ops.append(self.make_default())
        lines = [f"$ {op.command(frame)}" for op in ops if isinstance(op, Operation)]
        self.query_one("#command", Static).update(Text("\n".join(lines)))

    # ------------------------------------------------------------------ events
    def on_select_changed(self, event: Select.Changed) -> None:
        event.stop()
        if event.select.id == "profile" and isinstance(event.value, str):
            if event.value != self.profile_name:
                self.profile_name = event.value
                self._load(self.profile)
            return
        self.resource_select(event)
        self._preview()

    def _load(self, prof: Profile) -> None:
        """Show another profile's values in the fields."""
        self.form = self._form_of(prof)
        for input_id, attr in (("min-units", "min_units"), ("desired-units", "desired_units"),
                               ("max-units", "max_units"), ("min-procs", "min_procs"),
                               ("desired-procs", "desired_procs"), ("max-procs", "max_procs"),
                               ("weight", "weight"), ("min-mem", "min_mem"),
                               ("desired-mem", "desired_mem"), ("max-mem", "max_mem")):
            with self.prevent(Input.Changed):
                self.query_one(f"#{input_id}", Input).value = getattr(self.form, attr)
        with self.prevent(RadioSet.Changed, Select.Changed):
            self.query_one(f"#mode-{self.form.proc_mode}").value = True  # type: ignore[attr-defined]
            sharing = self.query_one("#sharing", Select)
            sharing.set_options(self.sharing_options())
            sharing.value = self.form.sharing_mode
            self.query_one("#pool", Select).value = self.form.pool
            for boot in self.query("#boot").results(Select):
                boot.value = prof.boot_mode
        with self.prevent(Checkbox.Changed):
            self.query_one("#auto-start", Checkbox).value = prof.auto_start
        self.show_error("")
        self._refresh()

    def on_checkbox_changed(self, event: Checkbox.Changed) -> None:
        event.stop()
        self.show_error("")
        self._preview()

    def on_input_changed(self, event: Input.Changed) -> None:
        event.stop()
        self.resource_input(event)
        self.show_error("")
        self._preview()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.run_op(self.copy() if event.input.id == "copy-name" else self.edit())

    def on_radio_set_changed(self, event: RadioSet.Changed) -> None:
        event.stop()
        self.resource_radio(event)
        self._preview()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        button = event.button.id
        if button == "close":
            self.action_close()
        elif button == "save":
            self.run_op(self.edit())
        elif button == "copy":
            self.run_op(self.copy())
        elif button == "default":
            self.run_op(self.make_default())

    def action_close(self) -> None:
        self.dismiss(self.last_result)

    @work(exclusive=True, group="profile-op")
    async def run_op(self, op: Operation | str | None) -> None:
        if op is None:
            self.show_error("No changes to save.")
            return
        if isinstance(op, str):
            self.show_error(op)
            return
        if self.busy:
            return
        self.busy = True
        try:
            self.show_error("")
            result = await self.hmc.run_operation(op)
            self.last_result = result
            if not result.ok:
                self.show_error(f"{result.code} {result.message}")
                return
            self._after(op)
        finally:
            self.busy = False

    def _after(self, op: Operation) -> None:
        """Show the partition as it is now: a copy becomes the profile being edited."""
        p = self.partition
        if isinstance(op, CreateProfile):
            self.profile_name = op.profile.name
            self.query_one("#copy-name", Input).value = ""
        select = self.query_one("#profile", Select)
        with self.prevent(Select.Changed):
            select.set_options(self._profile_options(p))
            select.value = self.profile_name
        self._load(self.profile)

    def show_error(self, text: str) -> None:
        error = self.query_one("#error", Static)
        error.update(Text(text))
        error.set_class(bool(text), "shown")
        if text:
            error.scroll_visible(animate=False)

    @property
    def error_text(self) -> str:
        content = self.query_one("#error", Static).content
        return content.plain if isinstance(content, Text) else str(content)
