"""The user's console settings: theme and keymap, in `<config dir>/config.toml`.

The config dir comes from `engine.store.config_dir()` (platformdirs, or $HMC_TUI_CONFIG_DIR).
Keys this version does not know are kept and written back unchanged, so a newer version's (or
another front end's) settings survive a save. A file that cannot be read or validated is
reported and left untouched: the console then runs on defaults and does not save over it.

    theme = "hmc-dark"

    [keymap]            # binding id = key(s), comma separated; see `?` help for the ids
    "lpar.activate" = "f6"
    "app.quit" = "q,ctrl+q"
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

import tomli_w
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from engine.store import atomic_write_bytes, config_dir
from themes import DEFAULT_THEME

__all__ = ["CONFIG_FILE_NAME", "Config", "ConfigFileError", "config_path", "load_config",
           "save_config"]

CONFIG_FILE_NAME = "config.toml"


class ConfigFileError(Exception):
    """A config file that cannot be read, parsed, validated or written; `str()` is one line."""


class Config(BaseModel):
    model_config = ConfigDict(extra="allow", validate_assignment=True)

    theme: str = Field(default=DEFAULT_THEME, min_length=1)
    keymap: dict[str, str] = Field(default_factory=dict)


def config_path() -> Path:
    return config_dir() / CONFIG_FILE_NAME


def load_config(path: Path | None = None) -> Config:
    """The config in `path` (default: the user's); defaults when the file does not exist."""
    path = path or config_path()
    try:
        text = path.read_text("utf-8")
    except FileNotFoundError:
        return Config()
    except OSError as exc:
        raise ConfigFileError(f"{path}: cannot read: {exc.strerror or exc}") from None
    try:
        data: dict[str, Any] = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigFileError(f"{path}: invalid TOML: {exc}") from None
    try:
        return Config.model_validate(data)
    except ValidationError as exc:
        err = exc.errors()[0]
        where = ".".join(str(part) for part in err["loc"])
        raise ConfigFileError(f"{path}: {where}: {err['msg']}") from None


def save_config(config: Config, path: Path | None = None) -> Path:
    """Write the config atomically (creating the directory); returns the path written."""
    path = path or config_path()
    data = config.model_dump(mode="json", exclude_none=True)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        atomic_write_bytes(path, tomli_w.dumps(data).encode("utf-8"))
    except OSError as exc:
        raise ConfigFileError(f"{path}: cannot write: {exc.strerror or exc}") from None
    return path
