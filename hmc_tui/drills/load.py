"""Reading a scenario file: TOML, then each table, then the names it uses against its frame.

The first problem found is raised as one `ScenarioFileError` (a FrameFileError: the command
line already says those in one line and exits 2) whose `str()` is `FILE:LINE: field: what is
wrong`. The line comes from engine/store.py's scan of the TOML (the one place that maps a
field path to its line); every condition is checked against the model of the subject it
names first, so a message names the field of that subject, not pydantic's union branches.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from engine.errors import HmcError
from engine.hmc import Hmc
from engine.model import Frame
from engine.store import (
    FrameFileError,
    PathKey,
    _clean_loc,
    _format_path,
    _line_of,
    _short_repr,
    _toml_error,
    demo_frame,
    demo_hmc,
    load_hmc,
)
from hmc_tui.drills.format import (
    ALL,
    CHECK_MODELS,
    CONDITION_MODELS,
    CONDITION_SUBJECTS,
    CommandCond,
    FaultEntry,
    Header,
    Hint,
    ScenarioModel,
    Setup,
    fault_names,
    parse_when,
    subject_of,
)
from hmc_tui.macros.load import read_text

__all__ = ["Scenario", "ScenarioFileError", "load_scenario", "parse_scenario"]

SECTIONS: dict[str, type[BaseModel]] = {"drill": Header, "setup": Setup}
ARRAYS = ("fault", "hint", "check")
DEMO = "demo"
DEMO_HMC = "demo-hmc"  # the two-system demo (production E1080, DR E1050): mobility drills


class ScenarioFileError(FrameFileError):
    """A scenario that cannot be read or is not valid: `FILE[:LINE]: [FIELD: ]REASON`."""


@dataclass(frozen=True)
class Scenario:
    model: ScenarioModel
    path: Path
    hmc: Hmc  # every managed system the drill runs on, as loaded (setup not applied)
    frame_label: str  # "demo", "demo-hmc" or the frame file's path
    text: str = ""  # the file's text, to name the line of a setup command that fails

    @property
    def frame(self) -> Frame:
        """The first managed system: the one conditions without a command look at."""
        return self.hmc.systems[0]

    def error(self, key: PathKey, reason: str) -> ScenarioFileError:
        """A problem found while running the scenario (a setup command refused)."""
        return ScenarioFileError(str(self.path), reason, line=_line_of(self.text, key),
                                 where=_format_path(key))

    @property
    def title(self) -> str:
        return self.model.drill.title

    @property
    def instructions(self) -> str:
        return self.model.drill.instructions

    @property
    def seed(self) -> int:
        return self.model.drill.seed

    @property
    def time_limit(self) -> float:
        return self.model.drill.time_limit

    @property
    def fault_names(self) -> list[str]:
        return fault_names(self.model.fault)


class _File:
    """The text being read, to say where a problem is."""

    def __init__(self, source: str, text: str, data: dict[str, Any]) -> None:
        self.source = source
        self.text = text
        self.data = data

    def error(self, key: PathKey, reason: str) -> ScenarioFileError:
        return ScenarioFileError(self.source, reason, line=_line_of(self.text, key),
                                 where=_format_path(key))

    def validate(self, model: type[BaseModel], value: Any, prefix: PathKey) -> Any:
        try:
            return model.model_validate(value)
        except ValidationError as exc:
            raise self._pydantic(exc, value, prefix) from None

    def _pydantic(self, exc: ValidationError, value: Any, prefix: PathKey) -> ScenarioFileError:
        first = exc.errors(include_url=False)[0]
        key = prefix + _clean_loc(first["loc"], value)
        kind = first["type"]
        if kind == "extra_forbidden":
            return self.error(key, "unknown field")
        message = str(first["msg"]).removeprefix("Value error, ")
        got = first.get("input")
        if kind != "missing" and isinstance(got, str | int | float | bool) \
                and repr(got) not in message:
            message = f"{message} (got {_short_repr(got)})"
        return self.error(key, message)


def _condition(file: _File, raw: Any, key: PathKey, models: dict[str, Any]) -> str:
    """Check a condition (or a check) table against the model of its one subject."""
    if not isinstance(raw, dict):
        raise file.error(key, "must be a table")
    found = [s for s in CONDITION_SUBJECTS if s in raw]
    if len(found) != 1:
        names = " and ".join(found) or "none of them"
        raise file.error(key, f"name exactly one of {', '.join(CONDITION_SUBJECTS)} "
                         f"(found {names})")
    file.validate(models[found[0]], raw, key)
    return found[0]


def _structure(file: _File) -> None:
    data = file.data
    for name, value in data.items():
        if name in SECTIONS:
            if not isinstance(value, dict):
                raise file.error((name,), f"must be a table ([{name}])")
            file.validate(SECTIONS[name], value, (name,))
        elif name in ARRAYS:
            if not isinstance(value, list):
                raise file.error((name,), f"must be an array of tables ([[{name}]])")
        else:
            raise file.error((name,), "unknown table (a scenario has [drill], [setup], "
                             "[[fault]], [[hint]] and [[check]])")
    if "drill" not in data:
        raise ScenarioFileError(file.source, "no [drill] table (title, instructions, frame, "
                                "seed, time_limit)", line=1)
    if not data.get("check"):
        raise ScenarioFileError(file.source, "no [[check]] table: a drill grades something",
                                line=None)
    for i, raw in enumerate(data.get("fault", [])):
        key: PathKey = ("fault", i)
        if isinstance(raw, dict) and "when" in raw:
            try:
                when = parse_when(raw["when"])
            except ValueError as exc:
                raise file.error((*key, "when"), str(exc)) from None
            _condition(file, when, (*key, "when"), CONDITION_MODELS)
        if not isinstance(raw, dict):
            raise file.error(key, "must be a table")
        file.validate(FaultEntry, raw, key)
    for i, raw in enumerate(data.get("hint", [])):
        if not isinstance(raw, dict):
            raise file.error(("hint", i), "must be a table")
        file.validate(Hint, raw, ("hint", i))
    for i, raw in enumerate(data["check"]):
        _condition(file, raw, ("check", i), CHECK_MODELS)


def _names(file: _File, model: ScenarioModel, frame: Frame) -> None:
    """Names of faults, partitions and VIOS the scenario uses must exist."""
    names = fault_names(model.fault)
    for i, name in enumerate(names):
        if names.index(name) != i:
            raise file.error(("fault", i, "name"), f"a second fault named {name!r}")
    partitions = {p.name for p in frame.partitions}
    vios = {p.name for p in frame.partitions if p.is_vios}

    def known(key: PathKey, name: str, field: str, among: set[str], what: str) -> None:
        if name != ALL and name not in among:
            raise file.error((*key, field), f"no {what} named {name!r} in the frame "
                             f"({', '.join(sorted(among))})")

    def condition(key: PathKey, cond: Any) -> None:
        subject = subject_of(cond)
        if subject in ("partition", "paths", "crashed"):
            known(key, getattr(cond, subject), subject, partitions, "partition")
        elif subject == "sea":
            known(key, cond.sea.partition("/")[0], "sea", vios, "VIOS")

    for i, fault in enumerate(model.fault):
        if fault.when is not None:
            condition(("fault", i, "when"), fault.when)
        if fault.kind in ("crash", "runaway"):
            known(("fault", i), fault.location, "location", partitions, "partition")
    for i, check in enumerate(model.check):
        condition(("check", i), check)
        if check.after and check.after not in names:
            raise file.error(("check", i, "after"), f"no fault named {check.after!r} "
                             f"(faults: {', '.join(names) or 'none'})")


def _read_only(file: _File, model: ScenarioModel, frame: Hmc) -> None:
    """A check's command is run at every evaluation: it must only read (a listing, a VIOS
    listing through viosvrcmd) and be a command line the HMC takes."""
    commands = [(i, c.command) for i, c in enumerate(model.check) if isinstance(c, CommandCond)]
    if not commands:
        return
    from engine.service import Engine  # late: only scenarios with command checks need one
    from hmc_tui.console import LocalConsole
    from hmc_tui.hmccli import plan_operations
    from hmc_tui.hmccli.errors import CliError

    console = LocalConsole(Engine(frame))
    for i, line in commands:
        try:
            ops = plan_operations(console, line)
        except (CliError, HmcError) as exc:
            raise file.error(("check", i, "command"), " ".join(exc.message.split())) from None
        if ops:
            raise file.error(("check", i, "command"), f"{line.split()[0]} would change the "
                             f"frame ({ops[0].op}); a check's command only reads (ls...)")


def _frame(file: _File, header: Header, base: Path,
           override: Path | None) -> tuple[Hmc, str]:
    """The scenario's systems: a built-in demo or a frame file (one system or several)."""
    if override is not None:  # --frame FILE: its own errors name it
        return load_hmc(override), str(override)
    if header.frame == DEMO:
        return Hmc.of(demo_frame()), DEMO
    if header.frame == DEMO_HMC:
        return demo_hmc(), DEMO_HMC
    path = Path(header.frame).expanduser()
    if not path.is_absolute():
        path = base / path  # next to the scenario: travels with it
    try:
        return load_hmc(path), str(path)
    except FrameFileError as exc:
        if exc.line is None and exc.reason.startswith("cannot read"):
            raise file.error(("drill", "frame"), f"{path}: {exc.reason}") from None
        raise


def parse_scenario(text: str, source: str, base: Path | None = None,
                   frame: Path | None = None) -> Scenario:
    """Validate a scenario's text (`source` names it in errors; frame paths are relative to
    `base`, by default the current directory). `frame`: run on this frame file instead of
    the scenario's (the names it uses are checked against it)."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ScenarioFileError(**_fields(_toml_error(source, text, exc))) from None
    file = _File(source, text, data)
    _structure(file)
    model = ScenarioModel.model_validate(data)  # the parts were checked above
    loaded, label = _frame(file, model.drill, base or Path.cwd(), frame)
    _names(file, model, loaded.systems[0])
    _read_only(file, model, loaded)
    return Scenario(model, Path(source), loaded, label, text)


def _fields(exc: FrameFileError) -> dict[str, Any]:
    return {"file": exc.file, "reason": exc.reason, "line": exc.line, "where": exc.where}


def load_scenario(path: Path | str, frame: Path | None = None) -> Scenario:
    """Read and validate a scenario file and the frame it names (or `frame`). Runs
    nothing."""
    path = Path(path)
    return parse_scenario(read_text(path, ScenarioFileError), str(path), path.parent, frame)
