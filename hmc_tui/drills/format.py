"""The scenario file of a drill: a `[drill]` header, `[setup]`, `[[fault]]`, `[[hint]]`
and `[[check]]` tables (docs/drills.md has the whole format with an example).

    [drill]
    title = "VIOS maintenance without an outage"
    instructions = '''markdown shown to the trainee'''
    frame = "demo"              # "demo", "demo-hmc" (built in) or a frame file (relative)
    seed = 0
    time_limit = 1800           # engine seconds from the start of the drill

    [setup]                     # before the drill's clock starts
    commands = ["chsysstate -m SYS -r lpar -o on -n sandbox01 -f default_profile"]
    run = 120                   # engine seconds to let run after the commands

    [[fault]]
    kind = "port_down"          # as chhwfault -t: port_down core dimm crash power_loss runaway
    location = "vios1:fcs0"
    at = 60                     # engine seconds into the drill, or:
    # when = "vios1 state Not Activated"   (a condition: injected when it first holds)
    clear_after = 120           # repaired this long after (optional)

    [[hint]]
    text = "lshwfault -r impact names the clients that depend on one VIOS."
    cost = 5                    # points it costs when revealed by the trainee
    after = 600                 # revealed for free after this many engine seconds

    [[check]]
    title = "Every client's disk paths are Enabled"
    paths = "*"                 # the condition: one subject, see CONDITION_SUBJECTS
    points = 30
    mode = "end"                # "end" (holds at the end), "ever" (held once), "never"
    within = 1800               # "ever": by this many engine seconds into the drill
    after = "fault 1"           # only counted once that fault was injected

A condition names one subject: `partition` (state, refcode, rmc, proc_units, procs,
memory), `paths` (every disk path Enabled: "*" = every running client, or one client),
`sea` (a VIOS's SEA, or "vios1/ent8", has `role`), `crashed` ("*" or a partition: in Error,
showing a crash code, or its boot disk lost), `system` (the managed system's state) or
`command` (an HMC command line whose output must match the regex `match`). Every model
forbids unknown fields: a typo must stop the drill at load time, not grade it wrongly.
"""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    Discriminator,
    Field,
    Tag,
    field_validator,
    model_validator,
)

from engine.model import FaultKind, RmcState, SystemState
from engine.redundancy import SeaState
from hmc_tui.macros.format import PartitionCheck, Strict

FORMAT_VERSION: Literal[1] = 1
CONDITION_SUBJECTS = ("partition", "paths", "sea", "crashed", "system", "command")
CheckMode = Literal["end", "ever", "never"]
ALL = "*"  # every partition the subject applies to
# The trigger shorthand: `when = "vios1 state Not Activated"`.
WHEN_TEXT = re.compile(r"^\s*(\S+)\s+state\s+(.+?)\s*$")


class Header(Strict):
    format: Literal[1] = FORMAT_VERSION
    title: str = Field(min_length=1)
    instructions: str = ""  # markdown
    frame: str = "demo"  # "demo", "demo-hmc" or a frame file relative to the scenario file
    seed: int = 0
    time_limit: float = Field(default=1800.0, gt=0, allow_inf_nan=False)  # engine seconds
    pass_score: int | None = Field(default=None, ge=0)  # None: every check must pass


class Setup(Strict):
    commands: list[str] = Field(default_factory=list)  # HMC command lines, in order
    run: float = Field(default=0.0, ge=0, le=86400, allow_inf_nan=False)  # engine seconds


# ---------------------------------------------------------------- conditions


class PartitionCond(PartitionCheck):
    """The macro language's partition condition, plus the reference code and RMC."""

    refcode: str | None = None  # "" = no reference code shown
    rmc: RmcState | None = None

    @model_validator(mode="after")
    def _something_to_check(self) -> PartitionCond:  # replaces PartitionCheck's
        if all(v is None for v in (self.state, self.proc_units, self.procs, self.memory,
                                   self.refcode, self.rmc)):
            raise ValueError("give at least one of state, refcode, rmc, proc_units, procs, "
                             "memory")
        return self


class PathsCond(Strict):
    paths: str = Field(min_length=1)  # "*" or a client partition's name


class SeaCond(Strict):
    sea: str = Field(min_length=1)  # "vios1" (its SEAs) or "vios1/ent8"
    role: SeaState


class CrashedCond(Strict):
    crashed: str = Field(min_length=1)  # "*" or a partition's name


class SystemCond(Strict):
    system: SystemState


class CommandCond(Strict):
    command: str = Field(min_length=1)  # run as the console's `:` line runs it
    match: str  # a regular expression searched in stdout + stderr (re.MULTILINE)

    @field_validator("match")
    @classmethod
    def _regex(cls, value: str) -> str:
        try:
            re.compile(value)
        except re.error as exc:
            raise ValueError(f"not a regular expression: {exc}") from None
        return value


CONDITION_MODELS: dict[str, type[Strict]] = {
    "partition": PartitionCond, "paths": PathsCond, "sea": SeaCond, "crashed": CrashedCond,
    "system": SystemCond, "command": CommandCond,
}


def subject_of(value: Any) -> str | None:
    if isinstance(value, BaseModel):
        value = value.model_dump()
    if not isinstance(value, dict):
        return None
    found = [s for s in CONDITION_SUBJECTS if s in value]
    return found[0] if len(found) == 1 else None


Condition = Annotated[
    Annotated[PartitionCond, Tag("partition")]
    | Annotated[PathsCond, Tag("paths")]
    | Annotated[SeaCond, Tag("sea")]
    | Annotated[CrashedCond, Tag("crashed")]
    | Annotated[SystemCond, Tag("system")]
    | Annotated[CommandCond, Tag("command")],
    Discriminator(subject_of, custom_error_type="condition",
                  custom_error_message="a condition names exactly one of "
                  + ", ".join(CONDITION_SUBJECTS)),
]


def parse_when(value: Any) -> Any:
    """`"vios1 state Not Activated"` -> the partition condition table it stands for."""
    if isinstance(value, str):
        match = WHEN_TEXT.match(value)
        if match is None:
            raise ValueError('a trigger is "PARTITION state STATE" or a condition table such '
                             'as { partition = "vios1", state = "Not Activated" }')
        return {"partition": match.group(1), "state": match.group(2)}
    return value


# ---------------------------------------------------------------- faults, hints


class FaultEntry(Strict):
    name: str = ""  # how checks' `after` and messages name it (default "fault N")
    kind: FaultKind
    location: str = ""  # as chhwfault -l: a port (vios1:fcs0), "core N", a partition
    size_gb: int | None = Field(default=None, ge=1)  # dimm
    restart: bool = True  # crash: the OS reboots after its dump
    rate: int | None = Field(default=None, ge=1)  # memleak: MB leaked per engine minute
    at: float | None = Field(default=None, ge=0, allow_inf_nan=False)  # drill seconds
    when: Condition | None = None  # or: when this first holds
    # Repaired (chhwfault -o clear) this many engine seconds after it was injected: the
    # power comes back, the port is replaced. None: it stays until someone clears it.
    clear_after: float | None = Field(default=None, gt=0, allow_inf_nan=False)

    @field_validator("when", mode="before")
    @classmethod
    def _shorthand(cls, value: Any) -> Any:
        return parse_when(value)

    @model_validator(mode="after")
    def _one_time(self) -> FaultEntry:
        if (self.at is None) == (self.when is None):
            raise ValueError("give exactly one of at (engine seconds) or when (a trigger)")
        if self.kind == "crash" and self.clear_after is not None:
            raise ValueError("a crash is over when it happened: it has no clear_after")
        return self


class Hint(Strict):
    text: str = Field(min_length=1)
    cost: int = Field(default=0, ge=0)  # points it costs when the trainee reveals it
    after: float | None = Field(default=None, ge=0, allow_inf_nan=False)  # free after this


# ---------------------------------------------------------------- checks


class CheckFields(Strict):
    """What every check has besides its condition."""

    title: str = ""  # default: the condition described
    points: int = Field(default=10, ge=0)
    mode: CheckMode = "end"
    within: float | None = Field(default=None, gt=0, allow_inf_nan=False)  # "ever" only
    after: str = ""  # a fault's name: counted only once it was injected

    @model_validator(mode="after")
    def _within_ever(self) -> CheckFields:
        if self.within is not None and self.mode != "ever":
            raise ValueError('within applies to mode = "ever" (held once within that time)')
        return self


class PartitionCheckEntry(CheckFields, PartitionCond):
    pass


class PathsCheckEntry(CheckFields, PathsCond):
    pass


class SeaCheckEntry(CheckFields, SeaCond):
    pass


class CrashedCheckEntry(CheckFields, CrashedCond):
    pass


class SystemCheckEntry(CheckFields, SystemCond):
    pass


class CommandCheckEntry(CheckFields, CommandCond):
    pass


CHECK_MODELS: dict[str, type[CheckFields]] = {
    "partition": PartitionCheckEntry, "paths": PathsCheckEntry, "sea": SeaCheckEntry,
    "crashed": CrashedCheckEntry, "system": SystemCheckEntry, "command": CommandCheckEntry,
}

Check = Annotated[
    Annotated[PartitionCheckEntry, Tag("partition")]
    | Annotated[PathsCheckEntry, Tag("paths")]
    | Annotated[SeaCheckEntry, Tag("sea")]
    | Annotated[CrashedCheckEntry, Tag("crashed")]
    | Annotated[SystemCheckEntry, Tag("system")]
    | Annotated[CommandCheckEntry, Tag("command")],
    Discriminator(subject_of, custom_error_type="condition",
                  custom_error_message="a check names exactly one of "
                  + ", ".join(CONDITION_SUBJECTS)),
]


def condition_of(check: CheckFields) -> Condition:
    """The check's condition alone (the check fields dropped)."""
    subject = subject_of(check)
    assert subject is not None
    model = CONDITION_MODELS[subject]
    data = check.model_dump(include=set(model.model_fields))
    return model.model_validate(data)  # type: ignore[return-value]


class ScenarioModel(Strict):
    drill: Header
    setup: Setup = Field(default_factory=Setup)
    fault: list[FaultEntry] = Field(default_factory=list)
    hint: list[Hint] = Field(default_factory=list)
    check: list[Check] = Field(min_length=1)


def fault_names(faults: list[FaultEntry]) -> list[str]:
    return [f.name or f"fault {i}" for i, f in enumerate(faults, start=1)]
