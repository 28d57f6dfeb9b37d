"""Processor and memory fields shared by the create-partition wizard and the profile editor:
the min/desired/max triples, processing mode, pool, sharing mode and weight, kept in a
WizardForm as typed."""

from __future__ import annotations

from typing import TypeVar

from textual.app import ComposeResult
from textual.containers import HorizontalGroup
from textual.screen import Screen
from textual.widgets import Input, Label, RadioButton, RadioSet, Select, Static

from engine.model import DEDICATED_MODES, SHARED_MODES, Frame
from hmc_tui.formatting import SHARING_LABELS
from hmc_tui.screens.wizard_form import WizardForm
from hmc_tui.widgets.number_input import NumberInput

# Input id -> WizardForm attribute
INPUTS = {
    "name": "name", "lpar-id": "lpar_id", "profile-name": "profile",
    "min-units": "min_units", "desired-units": "desired_units", "max-units": "max_units",
    "min-procs": "min_procs", "desired-procs": "desired_procs", "max-procs": "max_procs",
    "weight": "weight", "min-mem": "min_mem", "desired-mem": "desired_mem",
    "max-mem": "max_mem", "max-slots": "max_slots",
}


TRIPLES = {"units": ("processing units", False), "procs": ("processors", True),
           "mem": ("memory (MB)", True)}  # prefix -> (what, whole numbers)


def triple(prefix: str, form: WizardForm, attrs: tuple[str, str, str]) -> ComposeResult:
    """Minimum / desired / maximum on one line: inputs min-PREFIX, desired-PREFIX, max-PREFIX."""
    what, whole = TRIPLES[prefix]
    with HorizontalGroup(id=f"{prefix}-row", classes="triple"):
        for label, key, attr in zip(("Minimum", "Desired", "Maximum"),
                                    ("min", "desired", "max"), attrs, strict=True):
            yield Static(label, classes="triple-label")
            yield NumberInput(getattr(form, attr), field=f"{label} {what}", whole=whole,
                              id=f"{key}-{prefix}", compact=True, classes="triple-input")


def radios(set_id: str, choices: dict[str, str], selected: str) -> RadioSet:
    return RadioSet(*(RadioButton(text, value=key == selected, id=f"{set_id}-{key}")
                      for key, text in choices.items()), id=set_id, compact=True)


def pressed(radio: RadioSet, set_id: str) -> str:
    button = radio.pressed_button
    return button.id.removeprefix(f"{set_id}-") if button and button.id else ""


def pool_options(frame: Frame) -> list[tuple[str, str]]:
    """DefaultPool and the pools with a maximum (configured)."""
    return [(p.name, p.name) for p in frame.pools if p.is_default or p.max_proc_units]


ResultT = TypeVar("ResultT")


class ResourceFields(Screen[ResultT]):
    """A screen holding the processor and memory fields of `form`."""

    form: WizardForm

    def processor_fields(self, frame: Frame) -> ComposeResult:
        f = self.form
        yield Label("Processing mode")
        yield radios("mode", {"shared": "Shared", "ded": "Dedicated"}, f.proc_mode)
        yield Label("Processing units", id="units-label")
        yield from triple("units", f, ("min_units", "desired_units", "max_units"))
        yield Label("Virtual processors", id="procs-label")
        yield from triple("procs", f, ("min_procs", "desired_procs", "max_procs"))
        yield Label("Shared processor pool", id="pool-label")
        options = pool_options(frame)
        if f.pool not in {value for _, value in options}:
            options.append((f.pool, f.pool))
        yield Select(options, value=f.pool, allow_blank=False, id="pool", compact=True)
        yield Label("Sharing mode")
        yield Select(self.sharing_options(), value=f.sharing_mode, allow_blank=False,
                     id="sharing", compact=True)
        yield Label("Uncapped weight (0-255)", id="weight-label")
        yield NumberInput(f.weight, field="Uncapped weight", whole=True, id="weight",
                          compact=True)

    def memory_fields(self, frame: Frame) -> ComposeResult:
        yield Label("Memory (MB)")
        yield from triple("mem", self.form, ("min_mem", "desired_mem", "max_mem"))
        yield Static(f"Multiples of the logical memory block, "
                     f"{frame.system.mem_region_size} MB.", classes="hint")

    def sharing_options(self) -> list[tuple[str, str]]:
        modes = SHARED_MODES if self.form.proc_mode == "shared" else DEDICATED_MODES
        return [(SHARING_LABELS[m], m) for m in modes]

    # -- changes: each returns True when it handled the widget
    def resource_input(self, event: Input.Changed) -> bool:
        attr = INPUTS.get(event.input.id or "")
        if attr is None:
            return False
        setattr(self.form, attr, event.value)
        return True

    def resource_radio(self, event: RadioSet.Changed) -> bool:
        if event.radio_set.id != "mode":
            return False
        value = pressed(event.radio_set, "mode")
        self.form.proc_mode = "ded" if value == "ded" else "shared"
        self.form.sharing_mode = "uncap" if value == "shared" else "keep_idle_procs"
        sharing = self.query_one("#sharing", Select)
        sharing.set_options(self.sharing_options())
        sharing.value = self.form.sharing_mode
        self.show_processor_fields()
        return True

    def resource_select(self, event: Select.Changed) -> bool:
        if not isinstance(event.value, str) or event.select.id not in ("pool", "sharing"):
            return False
        if event.select.id == "pool":
            self.form.pool = event.value
        else:
            self.form.sharing_mode = event.value
            self.show_processor_fields()
        return True

    def show_processor_fields(self) -> None:
        shared = self.form.proc_mode == "shared"
        for selector in ("#units-label", "#units-row", "#pool-label", "#pool"):
            self.query_one(selector).display = shared
        uncapped = shared and self.form.sharing_mode == "uncap"
        self.query_one("#weight-label").display = uncapped
        self.query_one("#weight").display = uncapped
        self.query_one("#procs-label", Label).update(
            "Virtual processors" if shared else "Dedicated processors")
