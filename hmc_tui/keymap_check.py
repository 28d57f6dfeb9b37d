"""Mistakes in config.toml's [keymap], found at start and said once, naming the file's line.

Textual's `set_keymap` ignores an id it does not know and lets two bindings share a key, so
a typo ("lpar.activte") or a key taken from another action went unnoticed, and an action
could lose its only key. Here every binding with an id in hmc_tui's app, screens and widgets
is collected from the classes' BINDINGS, the keymap is applied to them, and each entry that
names no binding, leaves an action without a key, or puts a key on two actions that can
meet (same screen or widget, or one of them the app's) gets one line.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from textual.app import App
from textual.binding import Binding
from textual.dom import DOMNode
from textual.screen import Screen


@dataclass(frozen=True)
class Bound:
    """One binding as the user sees it: where it lives, its id and description."""

    owner: type[DOMNode]
    id: str
    action: str
    description: str


def _subclasses(cls: type[DOMNode]) -> Iterable[type[DOMNode]]:
    for sub in cls.__subclasses__():
        yield sub
        yield from _subclasses(sub)


def _own_bindings(cls: type[DOMNode]) -> list[Binding]:
    """The class's bindings, inherited ones included (the later class's win, as Textual)."""
    bindings: list[Binding] = []
    for base in reversed(cls.__mro__):
        bindings += Binding.make_bindings(base.__dict__.get("BINDINGS", []))
    return bindings


def binding_table(app_class: type[App[Any]]) -> dict[type[DOMNode], list[Binding]]:
    """Every class of the console that has bindings, the app's first."""
    owners: list[type[DOMNode]] = [app_class]
    owners += sorted({c for c in _subclasses(DOMNode) if c.__module__.startswith("hmc_tui.")
                      and not issubclass(c, App)}, key=lambda c: c.__qualname__)
    return {c: b for c in owners if (b := _own_bindings(c))}


def _line_of(text: str, binding_id: str) -> int | None:
    """The line of `"binding_id" = ...` inside [keymap] (None when not found)."""
    in_keymap = False
    entry = re.compile(r'\s*(["\']?)' + re.escape(binding_id) + r'\1\s*=')
    for number, line in enumerate(text.splitlines(), 1):
        stripped = line.strip()
        if stripped.startswith("["):
            in_keymap = stripped.split("#")[0].strip() == "[keymap]"
        elif in_keymap and entry.match(line):
            return number
    return None


def _meet(a: type[DOMNode], b: type[DOMNode]) -> bool:
    """Whether two classes' bindings can be live at once: the same class, the app with
    anything, or a screen with a widget (it may be on that screen)."""
    if a is b or issubclass(a, App) or issubclass(b, App):
        return True
    return issubclass(a, Screen) != issubclass(b, Screen)


def keymap_warnings(keymap: Mapping[str, str], path: Path | None, text: str,
                    app_class: type[App[Any]]) -> list[str]:
    """One line per mistake in `keymap` (read from `path`, whose contents are `text`)."""
    table = binding_table(app_class)
    ids = {b.id for bindings in table.values() for b in bindings if b.id}
    where = str(path) if path is not None else "config"

    def at(binding_id: str) -> str:
        line = _line_of(text, binding_id)
        return f"{where}:{line}" if line is not None else where

    warnings: list[str] = []
    defaults: dict[str, set[str]] = {}
    for bindings in table.values():
        for b in bindings:
            if b.id:
                defaults.setdefault(b.id, set()).add(b.key)
    # keys after the keymap: (owner, key) -> the bindings that answer it
    live: dict[tuple[type[DOMNode], str], list[Bound]] = {}
    for owner, bindings in table.items():
        for b in bindings:
            mapped = keymap.get(b.id) if b.id else None
            keys = [k.strip() for k in mapped.split(",")] if mapped is not None else [b.key]
            for key in filter(None, keys):
                bound = Bound(owner, b.id or "", b.action, b.description or b.action)
                entries = live.setdefault((owner, key), [])
                if all(e.action != bound.action for e in entries):
                    entries.append(bound)
    for binding_id, given in keymap.items():
        if binding_id not in ids:
            close = difflib.get_close_matches(binding_id, sorted(ids), n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else " (? lists the ids)"
            warnings.append(f"{at(binding_id)}: [keymap] {binding_id!r} is no binding id"
                            f"{hint}; ignored")
        elif not any(k.strip() for k in given.split(",")):
            warnings.append(f"{at(binding_id)}: [keymap] {binding_id!r} has no key: its "
                            "action can only be reached from the palette (ctrl+p)")
    said: set[frozenset[str]] = set()
    for (owner, key), entries in live.items():
        # a key the entry had by default is no news (defaults may overlap on purpose:
        # the pool screen's + is its own speed, the app's + the engine clock's)
        mine = [e for e in entries if e.id in keymap and key not in defaults.get(e.id, ())]
        for entry in mine:
            for (other_owner, other_key), others in live.items():
                if other_key != key or not _meet(owner, other_owner):
                    continue
                for other in others:
                    pair = frozenset((entry.id, other.id or other.action))
                    if other.action == entry.action or pair in said:
                        continue
                    said.add(pair)
                    warnings.append(
                        f"{at(entry.id)}: [keymap] {entry.id!r} = {keymap[entry.id]!r}: key "
                        f"{key} is also {other.id or other.action} ({other.description}) on "
                        f"{other_owner.__name__}: two actions on one key, one of them will "
                        "not run")
    return warnings
