"""What the create-partition wizard asks, as plain values, and the operation they make.

Kept apart from the screen so the parsing (every number shown as typed, refused with one
line naming the field when it is not valid: nothing is applied that was not typed) and the
slot planning of client/server adapter pairs are tested without a terminal.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal

from pydantic import ValidationError

from engine.model import (
    DEDICATED_MODES,
    SHARED_MODES,
    Frame,
    LparEnv,
    Profile,
    VirtualEth,
    VirtualFc,
    VirtualScsi,
)
from engine.ops import CreatePartition
from hmc_tui.widgets.number_input import parse_number

AdapterKind = Literal["eth", "scsi", "fc"]
KIND_LABELS: dict[str, str] = {"eth": "Ethernet", "scsi": "Virtual SCSI client",
                               "fc": "Virtual FC client"}
FIRST_SLOT = 2  # 0 and 1 are the virtual serial adapters


class FieldError(ValueError):
    """A value the user typed that cannot be used: one line naming the field."""


def number(label: str, text: str, *, whole: bool) -> float:
    """The typed value exactly (the console's one parser, hmc_tui/widgets/number_input.py):
    "2.5" is 2.5, never 25; a fraction where whole numbers are asked is refused, not
    rounded; no field here takes a negative amount."""
    value = parse_number(text, label, whole=whole)
    if isinstance(value, str):
        raise FieldError(value)
    if value < 0:
        raise FieldError(f"{label}: {text.strip()!r} is not a valid amount.")
    return value


def whole(label: str, text: str) -> int:
    return int(number(label, text, whole=True))


def units_of(label: str, text: str) -> float:
    value = number(label, text, whole=False)
    if round(value, 2) != value:
        raise FieldError(f"{label}: {text!r} is finer than 0.01 processing units.")
    return value


@dataclass(frozen=True)
class PlannedAdapter:
    """An adapter the wizard will create; a client one names its VIOS and server slot."""

    kind: AdapterKind
    slot: int
    vlan: int = 1
    vswitch: str = "ETHERNET0"
    vios: str = ""
    vios_id: int = 0
    server_slot: int = 0

    def model(self) -> VirtualScsi | VirtualFc | VirtualEth:
        if self.kind == "eth":
            return VirtualEth(slot=self.slot, pvid=self.vlan, vswitch=self.vswitch)
        cls = VirtualScsi if self.kind == "scsi" else VirtualFc
        return cls(slot=self.slot, side="client", remote_lpar_id=self.vios_id,
                   remote_slot=self.server_slot)

    def describe(self) -> str:
        if self.kind == "eth":
            return f"slot {self.slot}  Ethernet  VLAN {self.vlan} on {self.vswitch}"
        return (f"slot {self.slot}  {KIND_LABELS[self.kind]} -> {self.vios} slot "
                f"{self.server_slot} (server adapter made on {self.vios})")


@dataclass
class WizardForm:
    """Everything the wizard collects, as typed (strings) or chosen."""

    name: str = ""
    lpar_id: str = ""
    env: LparEnv = "aixlinux"
    profile: str = "default_profile"
    proc_mode: Literal["shared", "ded"] = "shared"
    min_units: str = "0.1"
    desired_units: str = "0.5"
    max_units: str = "2.0"
    min_procs: str = "1"
    desired_procs: str = "1"
    max_procs: str = "2"
    pool: str = "DefaultPool"
    sharing_mode: str = "uncap"
    weight: str = "128"
    min_mem: str = "2048"
    desired_mem: str = "4096"
    max_mem: str = "8192"
    max_slots: str = "20"  # the profile's max_virtual_slots
    adapters: list[PlannedAdapter] = field(default_factory=list)

    @classmethod
    def from_profile(cls, prof: Profile, pool: str) -> WizardForm:
        """A form holding a profile's values, as the editor shows them."""
        def text(value: float | None) -> str:
            if value is None:
                return ""
            shown = f"{value:.2f}".rstrip("0")  # 1.0, 0.25: as the HMC writes units
            return shown + "0" if shown.endswith(".") else shown

        return cls(profile=prof.name, proc_mode=prof.proc_mode,
                   min_units=text(prof.min_proc_units),
                   desired_units=text(prof.desired_proc_units),
                   max_units=text(prof.max_proc_units), min_procs=str(prof.min_procs),
                   desired_procs=str(prof.desired_procs), max_procs=str(prof.max_procs),
                   pool=pool, sharing_mode=prof.sharing_mode, weight=str(prof.uncap_weight),
                   min_mem=str(prof.min_mem), desired_mem=str(prof.desired_mem),
                   max_mem=str(prof.max_mem))

    def profile_values(self, frame: Frame) -> dict[str, object]:
        """The processor and memory fields as Profile values (FieldError if one is not
        valid); dedicated processors clear the processing units."""
        values = self.processor_values() | self.memory_values()
        if self.proc_mode == "shared":
            pool = frame.pool(self.pool)
            values["shared_proc_pool_id"] = pool.id if pool else 0
        else:
            values |= {"min_proc_units": None, "desired_proc_units": None,
                       "max_proc_units": None}
        return values

    # -- adapters
    def next_client_slot(self) -> int:
        used = {a.slot for a in self.adapters}
        return next(s for s in range(FIRST_SLOT, FIRST_SLOT + len(used) + 1) if s not in used)

    def add_adapter(self, frame: Frame, kind: AdapterKind, *, vlan: str = "1",
                    vswitch: str = "ETHERNET0", vios: str = "") -> PlannedAdapter:
        slot = self.next_client_slot()
        if kind == "eth":
            pvid = whole("VLAN", vlan)
            if not 1 <= pvid <= 4094:
                raise FieldError(f"VLAN: {vlan.strip()!r} is not between 1 and 4094.")
            planned = PlannedAdapter("eth", slot, vlan=pvid, vswitch=vswitch)
        else:
            v = frame.partition(vios)
            if v is None or not v.is_vios:
                raise FieldError("VIOS: choose the Virtual I/O Server for the adapter.")
            planned = PlannedAdapter(kind, slot, vios=v.name, vios_id=v.id,
                                     server_slot=self.free_server_slot(frame, v.name))
        self.adapters.append(planned)
        return planned

    def free_server_slot(self, frame: Frame, vios: str) -> int:
        """The VIOS's lowest free slot, past the ones this wizard already planned there."""
        v = frame.partition(vios)
        assert v is not None
        used = {a.slot for a in v.adapters} | {
            a.server_slot for a in self.adapters if a.vios == vios}
        return next(s for s in range(FIRST_SLOT, FIRST_SLOT + len(used) + 1) if s not in used)

    # -- pages: each returns the first problem, or None
    def check_general(self, frame: Frame) -> str | None:
        name = self.name.strip()
        if not name:
            return "Partition name: enter a name."
        if frame.partition(name) is not None:
            return f"Partition name: {name} is already in use."
        if self.lpar_id.strip():
            try:
                lpar_id = whole("Partition ID", self.lpar_id)
            except FieldError as err:
                return str(err)
            if lpar_id < 1:
                return "Partition ID: IDs start at 1."
            other = frame.partition(lpar_id)
            if other is not None:
                return f"Partition ID: {lpar_id} is already used by {other.name}."
        if not self.profile.strip():
            return "Profile name: enter a name."
        return None

    def check_processors(self) -> str | None:
        return _first_error(self.processor_values)

    def check_memory(self) -> str | None:
        return _first_error(self.memory_values)

    def check_adapters(self) -> str | None:
        try:
            slots = whole("Maximum virtual adapters", self.max_slots)
        except FieldError as err:
            return str(err)
        top = max((a.slot for a in self.adapters), default=1)
        if slots <= top:
            return (f"Maximum virtual adapters: {slots} leaves no room for slot {top}; "
                    f"enter at least {top + 1}.")
        return None

    def processor_values(self) -> dict[str, object]:
        procs = {"min_procs": whole("Minimum processors", self.min_procs),
                 "desired_procs": whole("Desired processors", self.desired_procs),
                 "max_procs": whole("Maximum processors", self.max_procs)}
        if self.proc_mode == "ded":
            if self.sharing_mode not in DEDICATED_MODES:
                raise FieldError("Sharing mode: choose one for dedicated processors.")
            return {"proc_mode": "ded", "sharing_mode": self.sharing_mode, **procs}
        if self.sharing_mode not in SHARED_MODES:
            raise FieldError("Sharing mode: choose capped or uncapped.")
        out: dict[str, object] = {
            "proc_mode": "shared", "sharing_mode": self.sharing_mode,
            "min_proc_units": units_of("Minimum processing units", self.min_units),
            "desired_proc_units": units_of("Desired processing units", self.desired_units),
            "max_proc_units": units_of("Maximum processing units", self.max_units), **procs}
        if self.sharing_mode == "uncap":
            weight = whole("Uncapped weight", self.weight)
            if weight > 255:
                raise FieldError(f"Uncapped weight: {self.weight.strip()!r} is above 255.")
            out["uncap_weight"] = weight
        return out

    def memory_values(self) -> dict[str, object]:
        return {"min_mem": whole("Minimum memory (MB)", self.min_mem),
                "desired_mem": whole("Desired memory (MB)", self.desired_mem),
                "max_mem": whole("Maximum memory (MB)", self.max_mem)}

    # -- the operation
    def operation(self, frame: Frame) -> CreatePartition | str:
        problem = (self.check_general(frame) or self.check_processors()
                   or self.check_memory() or self.check_adapters())
        if problem:
            return problem
        fields = self.profile_values(frame) | {"max_virtual_slots": int(self.max_slots)}
        try:
            profile = Profile.model_validate({"name": self.profile.strip(), **fields})
            return CreatePartition(
                name=self.name.strip(), env=self.env,
                lpar_id=whole("Partition ID", self.lpar_id) if self.lpar_id.strip() else None,
                profile=profile, adapters=tuple(a.model() for a in self.adapters),
                vios_servers=True)
        except ValidationError as exc:
            err = exc.errors()[0]
            return f"{'.'.join(str(x) for x in err['loc'])}: {err['msg']}."


def _first_error(build: Callable[[], object]) -> str | None:
    try:
        build()
    except FieldError as err:
        return str(err)
    return None
