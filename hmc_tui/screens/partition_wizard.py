"""Create a partition: the HMC's Create Partition wizard, one page per step.

General (name, ID, environment, profile name), Processors (shared or dedicated, the
min/desired/max triples, pool, sharing mode and weight), Memory (min/desired/max), Virtual
adapters (Ethernet on a VLAN and virtual switch; vSCSI and vFC clients whose server adapters
are made on the chosen VIOS in the same step) and Summary, which shows the equivalent HMC
commands before Finish. Enter on a field goes to the next page; the engine's refusal is shown
in place and the wizard stays open to correct it.
"""

from __future__ import annotations

from typing import ClassVar, cast

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import HorizontalGroup, Vertical, VerticalGroup, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import (
    Button,
    ContentSwitcher,
    Input,
    Label,
    RadioSet,
    Select,
    Static,
)

from engine.model import Frame
from engine.ops import CreatePartition
from engine.service import OpResult
from hmc_tui.formatting import ENV_LABELS, SHARING_LABELS
from hmc_tui.screens.host import ConsoleHost, console_host
from hmc_tui.screens.resource_fields import ResourceFields, pressed, radios
from hmc_tui.screens.wizard_form import KIND_LABELS, AdapterKind, FieldError, WizardForm
from hmc_tui.widgets.dialog_footer import dialog_footer
from hmc_tui.widgets.number_input import NumberInput

PAGES = ("general", "processors", "memory", "adapters", "summary")
PAGE_TITLES = {"general": "General", "processors": "Processors", "memory": "Memory",
               "adapters": "Virtual adapters", "summary": "Summary"}


def vswitches(frame: Frame) -> list[str]:
    """Virtual switches in use on the frame (ETHERNET0 always)."""
    names = {"ETHERNET0"} | {a.vswitch for p in frame.partitions for a in p.adapters
                             if a.type == "eth"}
    return sorted(names)


class CreatePartitionWizard(ResourceFields[OpResult | None], ModalScreen[OpResult | None]):
    HELP_GROUP = "Create partition"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="wizard.cancel"),
        Binding("ctrl+n", "next", "Next page", id="wizard.next"),
        Binding("ctrl+b", "back", "Previous page", id="wizard.back"),
    ]

    def __init__(self) -> None:
        super().__init__(classes="dialog-screen")
        self.form = WizardForm()
        self.page = 0
        self.busy = False
        self.last_result: OpResult | None = None

    @property
    def hmc(self) -> ConsoleHost:
        return console_host(self)

    @property
    def frame(self) -> Frame:
        return self.hmc.snapshot.frame

    # ------------------------------------------------------------------ layout
    def compose(self) -> ComposeResult:
        frame = self.frame
        f = self.form
        with Vertical(id="dialog", classes="wizard"):
            yield Static("", id="wizard-title", classes="dialog-title")
            with VerticalScroll(id="wizard-body"), ContentSwitcher(initial="page-general",
                                                                   id="pages"):
                with VerticalGroup(id="page-general"):
                    yield Label("Partition name")
                    yield Input(f.name, id="name", compact=True, max_length=47)
                    yield Label("Partition ID")
                    yield Input(f.lpar_id, id="lpar-id", compact=True,
                                placeholder=f"blank: the lowest free ({self._free_id()})")
                    yield Label("Environment")
                    yield radios("env", ENV_LABELS, f.env)
                    yield Label("Profile name")
                    yield Input(f.profile, id="profile-name", compact=True, max_length=31)
                with VerticalGroup(id="page-processors"):
                    yield from self.processor_fields(frame)
                with VerticalGroup(id="page-memory"):
                    yield from self.memory_fields(frame)
                with VerticalGroup(id="page-adapters"):
                    with HorizontalGroup(classes="triple"):
                        yield Static("Maximum virtual adapters", classes="triple-label")
                        yield NumberInput(f.max_slots, field="Maximum virtual adapters",
                                          whole=True, id="max-slots", compact=True,
                                          classes="triple-input")
                    yield Label("Adapter type")
                    yield radios("kind", KIND_LABELS, "scsi")
                    yield Label("VIOS (server side, made in the same step)", id="vios-label")
                    yield radios("vios", {str(p.id): p.name for p in frame.partitions
                                           if p.is_vios}, self._first_vios())
                    with HorizontalGroup(id="vlan-row"):
                        yield Static("VLAN", classes="triple-label")
                        yield NumberInput("1", field="VLAN", whole=True, id="vlan",
                                          compact=True, classes="triple-input")
                        yield Static("Virtual switch", classes="triple-label")
                        yield Select([(s, s) for s in vswitches(frame)], value="ETHERNET0",
                                     allow_blank=False, id="vswitch", compact=True)
                    with HorizontalGroup(classes="wizard-row"):
                        yield Button("Add adapter", id="add-adapter", compact=True)
                        yield Button("Remove last", id="remove-adapter", compact=True)
                    yield Static("", id="adapter-list")
                    yield Static("Add each adapter, then Next (ctrl+n); ctrl+b goes back.",
                                 classes="hint")
                with VerticalGroup(id="page-summary"):
                    yield Static("", id="summary")
                    yield Static("", id="command", classes="command")
            yield Static("", id="error")
            with HorizontalGroup(id="buttons"):
                yield Button("< Back", id="back", compact=True)
                yield Button("Next >", id="next", variant="primary", compact=True)
                yield Button("Finish", id="finish", variant="primary", compact=True)
                yield Button("Cancel", id="cancel", compact=True)
        yield dialog_footer()  # the screen's own keys (ctrl+n, escape, ...), not the overview's

    def _free_id(self) -> int:
        taken = {p.id for p in self.frame.partitions}
        return next(i for i in range(1, len(taken) + 2) if i not in taken)

    def _first_vios(self) -> str:
        return next((str(p.id) for p in self.frame.partitions if p.is_vios), "")

    def on_mount(self) -> None:
        self._show_page()

    # ------------------------------------------------------------------ pages
    @property
    def page_name(self) -> str:
        return PAGES[self.page]

    def _show_page(self) -> None:
        name = self.page_name
        self.query_one("#pages", ContentSwitcher).current = f"page-{name}"
        self.query_one("#wizard-title", Static).update(
            f"Create partition: step {self.page + 1} of {len(PAGES)}, {PAGE_TITLES[name]}")
        last = self.page == len(PAGES) - 1
        self.query_one("#back", Button).disabled = self.page == 0
        self.query_one("#next", Button).display = not last
        self.query_one("#finish", Button).display = last
        self.show_processor_fields()
        self._show_adapter_fields()
        if name == "summary":
            self._show_summary()
        first = {"general": "#name", "processors": "#min-units", "memory": "#min-mem",
                 "adapters": "#kind", "summary": "#finish"}[name]
        if name == "processors":  # the first value to type; the mode is a shift+tab away
            first = "#min-units" if self.form.proc_mode == "shared" else "#min-procs"
        self.query_one(first).focus()

    def _page_problem(self) -> str | None:
        f = self.form
        return {"general": lambda: f.check_general(self.frame),
                "processors": f.check_processors, "memory": f.check_memory,
                "adapters": f.check_adapters, "summary": lambda: None}[self.page_name]()

    def action_next(self) -> None:
        problem = self._page_problem()
        self.show_error(problem or "")
        if problem:
            return
        if self.page < len(PAGES) - 1:
            self.page += 1
            self._show_page()
        else:
            self.finish()

    def action_back(self) -> None:
        if self.page > 0:
            self.show_error("")
            self.page -= 1
            self._show_page()

    def action_cancel(self) -> None:
        self.dismiss(None)

    # ------------------------------------------------------------------ field changes
    def on_input_changed(self, event: Input.Changed) -> None:
        event.stop()
        self.resource_input(event)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if event.input.id == "vlan":
            self.add_adapter()
        else:
            self.action_next()

    def on_radio_set_changed(self, event: RadioSet.Changed) -> None:
        event.stop()
        if self.resource_radio(event):
            return
        if event.radio_set.id == "env":
            self.form.env = pressed(event.radio_set, "env")  # type: ignore[assignment]
        elif event.radio_set.id == "kind":
            self._show_adapter_fields()

    def on_select_changed(self, event: Select.Changed) -> None:
        event.stop()
        self.resource_select(event)

    # ------------------------------------------------------------------ adapters
    @property
    def adapter_kind(self) -> AdapterKind:
        kind = pressed(self.query_one("#kind", RadioSet), "kind")
        return cast(AdapterKind, kind or "scsi")

    def _show_adapter_fields(self) -> None:
        eth = self.adapter_kind == "eth"
        self.query_one("#vlan-row").display = eth
        self.query_one("#vios-label").display = not eth
        self.query_one("#vios").display = not eth
        listed = [a.describe() for a in self.form.adapters]
        self.query_one("#adapter-list", Static).update(
            Text("\n".join(listed) if listed else "No virtual adapters yet.",
                 style="" if listed else "dim"))
        self.query_one("#remove-adapter", Button).disabled = not listed

    def add_adapter(self) -> None:
        vios_id = pressed(self.query_one("#vios", RadioSet), "vios")
        vios = self.frame.partition(int(vios_id)) if vios_id else None
        vswitch = self.query_one("#vswitch", Select).value
        try:
            self.form.add_adapter(self.frame, self.adapter_kind,
                                  vlan=self.query_one("#vlan", Input).value,
                                  vswitch=vswitch if isinstance(vswitch, str) else "ETHERNET0",
                                  vios=vios.name if vios else "")
        except FieldError as err:
            self.show_error(str(err))
            return
        self.show_error("")
        self._show_adapter_fields()

    def remove_adapter(self) -> None:
        if self.form.adapters:
            self.form.adapters.pop()
        self._show_adapter_fields()

    # ------------------------------------------------------------------ summary and finish
    def operation(self) -> CreatePartition | str:
        return self.form.operation(self.frame)

    def _show_summary(self) -> None:
        f = self.form
        op = self.operation()
        if isinstance(op, str):
            self.query_one("#summary", Static).update(Text(op))
            self.query_one("#command", Static).update("")
            return
        prof = op.profile
        if prof.shared:
            cpu = (f"{prof.desired_proc_units} PU ({prof.min_proc_units}-"
                   f"{prof.max_proc_units}), {prof.desired_procs} VP ({prof.min_procs}-"
                   f"{prof.max_procs}), {SHARING_LABELS[prof.sharing_mode]}, pool {f.pool}")
        else:
            cpu = (f"{prof.desired_procs} dedicated processors ({prof.min_procs}-"
                   f"{prof.max_procs}), {SHARING_LABELS[prof.sharing_mode]}")
        lpar_id = op.new_id(self.frame)
        lines = [f"{op.name} (ID {lpar_id}), {ENV_LABELS[op.env]}, profile {prof.name}",
                 f"Processors: {cpu}",
                 f"Memory: {prof.desired_mem} MB ({prof.min_mem}-{prof.max_mem})",
                 f"Virtual adapters (maximum {prof.max_virtual_slots}):"
                 + ("" if f.adapters else " none")]
        lines += [f"  {a.describe()}" for a in f.adapters]
        self.query_one("#summary", Static).update(Text("\n".join(lines)))
        commands = op.command(self.frame).split("; ")
        self.query_one("#command", Static).update(
            Text("\n".join(f"$ {c}" for c in commands)))

    def finish(self) -> None:
        if self.busy:
            return
        op = self.operation()
        if isinstance(op, str):
            self.show_error(op)
            return
        self.run_op(op)

    @work(exclusive=True, group="wizard-op")
    async def run_op(self, op: CreatePartition) -> None:
        self.busy = True
        try:
            self.show_error("")
            result = await self.hmc.run_operation(op)
            self.last_result = result
            if result.ok:
                self.dismiss(result)
            else:
                self.show_error(f"{result.code} {result.message}")
        finally:
            self.busy = False

    # ------------------------------------------------------------------ buttons, errors
    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        actions = {"next": self.action_next, "back": self.action_back,
                   "finish": self.finish, "cancel": self.action_cancel,
                   "add-adapter": self.add_adapter, "remove-adapter": self.remove_adapter}
        actions[event.button.id or "cancel"]()

    def show_error(self, text: str) -> None:
        error = self.query_one("#error", Static)
        error.update(Text(text))  # literal: engine messages are never markup
        error.set_class(bool(text), "shown")
        if text:
            error.scroll_visible(animate=False)

    @property
    def error_text(self) -> str:
        content = self.query_one("#error", Static).content
        return content.plain if isinstance(content, Text) else str(content)
