"""The user's console settings: theme and keymap, in `<config dir>/config.toml`.

The config dir comes from `engine.store.config_dir()` (platformdirs, or $HMC_TUI_CONFIG_DIR).
A console a remote (SSH) user runs on a served frame keeps that user's settings in
`<config dir>/users/<user>.toml` (0600) instead: one viewer's theme is nobody else's, and a
remote user never writes the server's own config.

Saving edits the file in place (tomlkit): the user's comments, key order and layout survive,
and keys this version does not know are kept, so a newer version's (or another front end's)
settings survive a save. A file that cannot be read or validated is reported and left
untouched: the console then runs on defaults and does not save over it.

    theme = "hmc-dark"
    confirm_quit = true  # q asks before leaving (false: q quits at once when nothing is
                         # in flight; work in flight always asks)

    [keymap]            # binding id = key(s), comma separated; see `?` help for the ids
    "lpar.activate" = "f6"
    "app.quit" = "q,f10"
"""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Mapping, MutableMapping
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from engine.store import atomic_write_bytes, config_dir
from themes import DEFAULT_THEME

__all__ = ["CONFIG_FILE_NAME", "Config", "ConfigFileError", "config_path", "load_config",
           "save_config", "user_config_path"]

CONFIG_FILE_NAME = "config.toml"
USERS_DIR_NAME = "users"
# A user name that is safe as a file name: no separators, no leading dot (so no "..").
SAFE_USER_RE = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9._-]{0,63}$")


class ConfigFileError(Exception):
    """A config file that cannot be read, parsed, validated or written; `str()` is one line."""


class Config(BaseModel):
    model_config = ConfigDict(extra="allow", validate_assignment=True)

    theme: str = Field(default=DEFAULT_THEME, min_length=1)
    confirm_quit: bool = True
    keymap: dict[str, str] = Field(default_factory=dict)


# Settings written to the file only once the user has set them: a save (of a theme change)
# must not fill the user's file with every default.
WRITTEN_WHEN_SET = ("confirm_quit",)


def config_path() -> Path:
    return config_dir() / CONFIG_FILE_NAME


def user_config_path(user: str) -> Path:
    """A remote user's own settings file; ConfigFileError for a name unfit for a file name."""
    if not SAFE_USER_RE.fullmatch(user):
        raise ConfigFileError(f"user name {user!r} cannot name a settings file "
                              "(letters, digits, '.', '_', '-'; not starting with '.')")
    return config_dir() / USERS_DIR_NAME / f"{user}.toml"


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


def save_config(config: Config, path: Path | None = None, *, private: bool = False) -> Path:
    """Write the config atomically (creating the directory), keeping the file's comments and
    layout; returns the path written (0600, as every file we write). `private`: its directory
    0700 too (a user's own settings on a shared server)."""
    path = path or config_path()
    data = config.model_dump(mode="json", exclude_none=True)
    for key in WRITTEN_WHEN_SET:
        if key not in config.model_fields_set:
            del data[key]
    try:
        text = path.read_text("utf-8")
    except FileNotFoundError:
        text = ""
    except OSError as exc:
        raise ConfigFileError(f"{path}: cannot read: {exc.strerror or exc}") from None
    import tomlkit  # here, not at the top: only a save needs it (12 ms of every start)

    try:
        document = tomlkit.parse(text)
    except tomlkit.exceptions.ParseError as exc:
        raise ConfigFileError(f"{path}: invalid TOML: {exc}") from None
    _update(document, data)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        if private:  # other users of the server must not list who has settings here
            os.chmod(path.parent, 0o700)
        atomic_write_bytes(path, document.as_string().encode("utf-8"))  # 0600
    except OSError as exc:
        raise ConfigFileError(f"{path}: cannot write: {exc.strerror or exc}") from None
    return path


def _update(table: MutableMapping[str, Any], data: Mapping[str, Any]) -> None:
    """Make `table` (a tomlkit document or table) hold `data`, touching only what differs, so
    the comments and layout around unchanged keys stay as the user wrote them."""
    for key in [k for k in table if k not in data]:
        del table[key]
    for key, value in data.items():
        current = table.get(key)
        if isinstance(value, Mapping) and not value and key not in table:
            continue  # no empty [keymap] in a file that never had one
        if isinstance(value, Mapping) and isinstance(current, MutableMapping):
            _update(current, value)
        elif current != value or key not in table:
            table[key] = value
