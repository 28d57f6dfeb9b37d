"""Shipped Textual themes (one TOML file per theme) and their loader.

A theme file holds the fields of `textual.theme.Theme` (name, primary, ..., dark, variables).
It is validated with a pydantic model first so that a bad colour is reported as one line
naming the file and the field, instead of a Textual stack trace when the theme is applied.
Users can drop their own theme files into `<config dir>/themes/`; the console loads those
after the shipped ones (a user file with a shipped name replaces the shipped theme).
"""

from __future__ import annotations

import tomllib
from importlib import resources
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator
from textual.color import Color, ColorParseError
from textual.theme import Theme

__all__ = [
    "DEFAULT_THEME",
    "STATE_VARIABLES",
    "ThemeFile",
    "ThemeFileError",
    "load_theme_file",
    "load_theme_text",
    "shipped_themes",
    "user_themes",
]

DEFAULT_THEME = "hmc-light"

# Theme variables for partition states, with the defaults used when a theme (for example one
# of Textual's built-in themes) does not define them. The console's TCSS refers to these.
STATE_VARIABLES: dict[str, str] = {
    "lpar-running": "#24a148",
    "lpar-starting": "#0f62fe",
    "lpar-not-activated": "#8d8d8d",
    "lpar-open-firmware": "#8a3ffc",
    "lpar-shutting-down": "#b28600",
    "lpar-error": "#da1e28",
    "lpar-not-available": "#a8a8a8",
}


class ThemeFileError(Exception):
    """A theme file that cannot be read or is not a valid theme; `str()` is one line."""


def _check_colour(value: str | None) -> str | None:
    if value is None:
        return None
    try:
        Color.parse(value)
    except ColorParseError:
        raise ValueError(f"{value!r} is not a colour (use #rrggbb or a colour name)") from None
    return value


class ThemeFile(BaseModel):
    """The fields of a Textual Theme, with colours checked."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(min_length=1, max_length=40, pattern=r"^[a-z0-9][a-z0-9-]*$")
    primary: str
    secondary: str | None = None
    warning: str | None = None
    error: str | None = None
    success: str | None = None
    accent: str | None = None
    foreground: str | None = None
    background: str | None = None
    surface: str | None = None
    panel: str | None = None
    boost: str | None = None
    dark: bool = True
    luminosity_spread: float = Field(default=0.15, ge=0, le=1)
    text_alpha: float = Field(default=0.95, ge=0, le=1)
    variables: dict[str, str] = Field(default_factory=dict)

    @field_validator(
        "primary", "secondary", "warning", "error", "success", "accent", "foreground",
        "background", "surface", "panel", "boost",
    )
    @classmethod
    def _colour(cls, value: str | None) -> str | None:
        return _check_colour(value)

    @field_validator("variables")
    @classmethod
    def _state_colours(cls, variables: dict[str, str]) -> dict[str, str]:
        # Only the state colours must be colours; other Textual variables may hold any
        # CSS value ("bold", "red 50%"), which Textual itself checks when applied.
        for key in STATE_VARIABLES:
            if key in variables:
                _check_colour(variables[key])
        return variables

    def to_theme(self) -> Theme:
        return Theme(**self.model_dump())


def load_theme_text(text: str, source: str) -> Theme:
    """A Theme from the text of a theme file; `source` names it in errors."""
    try:
        data: dict[str, Any] = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ThemeFileError(f"{source}: invalid TOML: {exc}") from None
    try:
        return ThemeFile.model_validate(data).to_theme()
    except ValidationError as exc:
        err = exc.errors()[0]
        where = ".".join(str(part) for part in err["loc"])
        raise ThemeFileError(f"{source}: {where}: {err['msg']}") from None


def load_theme_file(path: Path) -> Theme:
    try:
        text = path.read_text("utf-8")
    except OSError as exc:
        raise ThemeFileError(f"{path}: cannot read: {exc.strerror or exc}") from None
    return load_theme_text(text, str(path))


def shipped_themes() -> list[Theme]:
    """The themes shipped in this package (package data, so it works from a wheel)."""
    themes = []
    for entry in sorted(resources.files(__name__).iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".toml"):
            themes.append(load_theme_text(entry.read_text("utf-8"), f"themes/{entry.name}"))
    return themes


def user_themes(directory: Path) -> tuple[list[Theme], list[str]]:
    """Theme files in `directory` (which may not exist): the themes and one-line errors for
    the files that could not be loaded (those are skipped, never changed)."""
    themes: list[Theme] = []
    errors: list[str] = []
    if not directory.is_dir():
        return themes, errors
    for path in sorted(directory.glob("*.toml")):
        try:
            themes.append(load_theme_file(path))
        except ThemeFileError as exc:
            errors.append(str(exc))
    return themes, errors
