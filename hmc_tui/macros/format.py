"""The macro file: a `[macro]` header and one `[[step]]` table per step.

    [macro]
    format = 1
    hmc_tui = "0.1.0"
    frame = "demo"          # "demo" (built in), "user" (your frame file) or a path
    seed = 0
    clock = "realtime"      # the engine clock while it was recorded
    speed = 1.0
    size = [120, 40]        # terminal columns, rows
    keymap = {}             # the recording console's key bindings (binding id = keys)

    [[step]]
    key = "down"            # one key, or a list: key = ["down", "down", "enter"]
    after = 1.25            # engine seconds since the previous step (recorded pace)

    [[step]]
    text = "oradb01"        # typed key by key

    [[step]]
    wait = { partition = "oradb01", state = "Running" }
    timeout = 120           # engine seconds

    [[step]]
    expect = { error = "HSCL3681" }

    [[step]]
    wait = { terminal = "sandbox01", text = "login:" }   # on that partition's terminal

A step's kind is the one kind field it holds (key, text, wait, expect, screenshot, speed,
comment). Every model forbids unknown fields: a typo must stop the macro at load time, not
be silently ignored halfway through a replay.
"""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Discriminator,
    Field,
    Tag,
    ValidationInfo,
    field_validator,
    model_validator,
)

from engine.model import PartitionState
from engine.service import MAX_SPEED
from engine.snapshot import ClockMode
from hmc_tui.macros.keys import is_key_name, key_error

FORMAT_VERSION: Literal[1] = 1
STEP_KINDS = ("key", "text", "wait", "expect", "screenshot", "speed", "comment")
CONDITION_SUBJECTS = ("partition", "screen", "text", "error", "terminal")
DEFAULT_TIMEOUT = 120.0  # engine seconds: a POWER partition boots to Running in ~7-70 s
ERROR_PATTERN = r"HSCL[0-9A-F]{0,4}|none"


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Header(Strict):
    format: Literal[1] = FORMAT_VERSION
    hmc_tui: str = ""  # the version that recorded it (informational)
    title: str = ""
    frame: str = "demo"  # "demo", "user", or a frame file (relative to the macro file)
    source: str = ""  # the frame file the console ran on while recording (informational)
    seed: int = 0
    clock: ClockMode = "stepped"
    speed: float = Field(default=1.0, gt=0, le=MAX_SPEED, allow_inf_nan=False)
    size: tuple[int, int] = (120, 40)
    theme: str = ""  # the console's theme while recording ("": the default theme)
    keymap: dict[str, str] = Field(default_factory=dict)  # the recording console's keymap

    @field_validator("size")
    @classmethod
    def _usable_size(cls, value: tuple[int, int]) -> tuple[int, int]:
        if value[0] < 40 or value[1] < 12:
            raise ValueError("size must be at least [40, 12] (columns, rows)")
        return value


# ---------------------------------------------------------------- conditions


class PartitionCheck(Strict):
    """A partition's state and current resources (what the HMC shows while it is active)."""

    partition: str = Field(min_length=1)
    state: PartitionState | None = None
    proc_units: float | None = Field(default=None, ge=0)  # current processing units
    procs: int | None = Field(default=None, ge=0)  # current virtual processors / cores
    memory: int | None = Field(default=None, ge=0)  # current memory, MB

    @model_validator(mode="after")
    def _something_to_check(self) -> PartitionCheck:
        if all(v is None for v in (self.state, self.proc_units, self.procs, self.memory)):
            raise ValueError("give at least one of state, proc_units, procs, memory")
        return self


class ScreenCheck(Strict):
    screen: str = Field(min_length=1)  # class name of the active screen, e.g. "ConfirmDialog"


class TextCheck(Strict):
    text: str = Field(min_length=1)  # appears anywhere on the terminal


class ErrorCheck(Strict):
    # "HSCL3681": that code shown; "HSCL": any HSCL error shown; "none": no error shown.
    error: str

    @field_validator("error")
    @classmethod
    def _code(cls, value: str) -> str:
        if re.fullmatch(ERROR_PATTERN, value) is None:
            raise ValueError('expected an HSCL code such as "HSCL3681", "HSCL" (any) or "none"')
        return value


class TerminalCheck(Strict):
    """Text on a partition's terminal, as this console has it open (its whole 80x24
    screen, shown or not): `{ terminal = "sandbox01", text = "login:" }`."""

    terminal: str = Field(min_length=1)  # the partition's name
    text: str = Field(min_length=1)


CONDITION_MODELS: dict[str, type[Strict]] = {
    "partition": PartitionCheck, "screen": ScreenCheck, "text": TextCheck, "error": ErrorCheck,
    "terminal": TerminalCheck,
}


def subjects_in(value: dict[str, Any]) -> list[str]:
    """The condition subjects a table names; a terminal condition's `text` is its own."""
    found = [s for s in CONDITION_SUBJECTS if s in value]
    if "terminal" in found and "text" in found:
        found.remove("text")
    return found


def condition_subject(value: Any) -> str | None:
    if isinstance(value, BaseModel):
        value = value.model_dump()
    if not isinstance(value, dict):
        return None
    found = subjects_in(value)
    return found[0] if len(found) == 1 else None


Condition = Annotated[
    Annotated[PartitionCheck, Tag("partition")]
    | Annotated[ScreenCheck, Tag("screen")]
    | Annotated[TextCheck, Tag("text")]
    | Annotated[ErrorCheck, Tag("error")]
    | Annotated[TerminalCheck, Tag("terminal")],
    Discriminator(
        condition_subject,
        custom_error_type="condition",
        custom_error_message="a condition names exactly one of partition, screen, text, error, "
        "terminal",
    ),
]


# ---------------------------------------------------------------- steps


class KeyStep(Strict):
    key: str | list[str]
    after: float = Field(default=0.0, ge=0)  # engine seconds before the (first) key
    wall_ms: int | None = Field(default=None, ge=0)  # recorded wall time since the last key
    screen: str | None = None  # screen the key was pressed on (recorded, informational)

    @field_validator("key")
    @classmethod
    def _known_keys(cls, value: str | list[str]) -> str | list[str]:
        keys = [value] if isinstance(value, str) else value
        if not keys:
            raise ValueError("key list is empty")
        for key in keys:
            if not is_key_name(key):
                raise ValueError(key_error(key))
        return value

    @property
    def keys(self) -> list[str]:
        return [self.key] if isinstance(self.key, str) else list(self.key)


class TextStep(Strict):
    text: str = Field(min_length=1)
    after: float = Field(default=0.0, ge=0)

    @field_validator("text")
    @classmethod
    def _typeable(cls, value: str) -> str:
        from hmc_tui.macros.keys import text_to_keys

        text_to_keys(value)  # ValueError names the character no key produces
        return value

    @property
    def keys(self) -> list[str]:
        from hmc_tui.macros.keys import text_to_keys

        return text_to_keys(self.text)


class WaitStep(Strict):
    wait: Annotated[float, Field(gt=0)] | Condition  # engine seconds, or until a condition
    timeout: float | None = Field(default=None, gt=0)  # engine seconds; conditions only

    @field_validator("timeout")
    @classmethod
    def _timeout_needs_condition(cls, value: float | None, info: ValidationInfo) -> float | None:
        if value is not None and isinstance(info.data.get("wait"), float | int):
            raise ValueError("timeout applies to waiting for a condition, not a fixed wait")
        return value

    @property
    def limit(self) -> float:
        return self.timeout if self.timeout is not None else DEFAULT_TIMEOUT


class ExpectStep(Strict):
    expect: Condition


class ScreenshotStep(Strict):
    screenshot: str  # an SVG file, relative to the macro file

    @field_validator("screenshot")
    @classmethod
    def _svg(cls, value: str) -> str:
        if not value.lower().endswith(".svg"):
            raise ValueError("screenshots are SVG: the path must end in .svg")
        return value


class SpeedStep(Strict):
    # engine seconds per wall second (interactive replay); the engine's own bounds
    speed: float = Field(gt=0, le=MAX_SPEED, allow_inf_nan=False)


class CommentStep(Strict):
    comment: str  # shown with the progress indicator while replaying


def step_kind(value: Any) -> str | None:
    if isinstance(value, BaseModel):
        return kind_of(value)
    if not isinstance(value, dict):
        return None
    found = [k for k in STEP_KINDS if k in value]
    return found[0] if len(found) == 1 else None


Step = Annotated[
    Annotated[KeyStep, Tag("key")]
    | Annotated[TextStep, Tag("text")]
    | Annotated[WaitStep, Tag("wait")]
    | Annotated[ExpectStep, Tag("expect")]
    | Annotated[ScreenshotStep, Tag("screenshot")]
    | Annotated[SpeedStep, Tag("speed")]
    | Annotated[CommentStep, Tag("comment")],
    Discriminator(
        step_kind,
        custom_error_type="step_kind",
        custom_error_message=f"a step holds exactly one of {', '.join(STEP_KINDS)}",
    ),
]

STEP_MODELS: dict[str, type[Strict]] = {
    "key": KeyStep, "text": TextStep, "wait": WaitStep, "expect": ExpectStep,
    "screenshot": ScreenshotStep, "speed": SpeedStep, "comment": CommentStep,
}


def kind_of(step: BaseModel) -> str:
    return next(k for k, model in STEP_MODELS.items() if isinstance(step, model))


class Macro(Strict):
    macro: Header
    step: list[Step] = Field(default_factory=list)

    @property
    def header(self) -> Header:
        return self.macro

    @property
    def steps(self) -> list[Step]:
        return self.step
