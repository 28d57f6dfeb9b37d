"""Key names as Textual delivers them, so a macro file names keys the way a binding does.

A real terminal and `Pilot.press()` agree on one spelling per key: letters and digits as
themselves (`a`, `A`, `7`), named keys (`down`, `enter`, `escape`, `f5`, `space`), punctuation
by its Unicode name (`colon`, `slash`, `question_mark`, `full_stop`) and modifiers joined with
`+` (`ctrl+x`, `shift+tab`). A macro that spells a key any other way would replay a key no
binding listens for, so such names are refused when the file is loaded.
"""

from __future__ import annotations

import difflib
import functools
import unicodedata

from textual.keys import KEY_NAME_REPLACEMENTS, REPLACED_KEYS, key_to_character

__all__ = ["character_of", "is_key_name", "key_error", "key_of", "text_to_keys"]

MODIFIERS = frozenset({"ctrl", "shift", "alt", "meta", "super", "hyper"})
NAMED = frozenset(
    {
        "escape", "enter", "tab", "backspace", "delete", "insert", "home", "end",
        "pageup", "pagedown", "up", "down", "left", "right", "space",
        *(f"f{n}" for n in range(1, 25)),
    }
)


def character_of(name: str) -> str | None:
    """The character a key name stands for (`colon` -> ':'), as Pilot computes it: Textual's
    names for some keys (`slash`) replace the Unicode ones (`solidus`) it looks them up by."""
    return key_to_character(REPLACED_KEYS.get(name, name))


def key_of(char: str) -> str:
    """The key name a terminal delivers for `char` (':' -> `colon`): letters and digits as
    themselves, other characters by their Unicode name in lower case with underscores, with
    Textual's shorter names where it has them (`slash`, `minus`). tests/macros checks this
    against what Pilot delivers for every printable ASCII character."""
    if char.isalnum():
        return char
    if char == "\t":
        return "tab"
    try:
        key = unicodedata.name(char).lower().replace("-", "_").replace(" ", "_")
    except ValueError:
        return char
    return KEY_NAME_REPLACEMENTS.get(key, key)


@functools.lru_cache(512)
def _is_base(name: str) -> bool:
    if len(name) == 1:
        # `.` would reach the app as key "." while a terminal sends "full_stop".
        return name.isalnum() and name.isprintable()
    if name in NAMED:
        return True
    char = character_of(name)
    # A punctuation name counts only when it round-trips: the terminal's spelling of that char.
    return char is not None and len(char) == 1 and char.isprintable() and \
        key_of(char) == name


def is_key_name(key: str) -> bool:
    *mods, base = key.split("+")
    if len(set(mods)) != len(mods) or not all(m in MODIFIERS for m in mods):
        return False
    return _is_base(base)


def _suggestions() -> list[str]:
    punct = [key_of(c) for c in "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~"]
    return sorted(NAMED | set(punct))


def key_error(key: str) -> str:
    """Why `key` is not a key name, with a hint when one is close."""
    if len(key) == 1 and not key.isalnum():
        return f"unknown key name {key!r}: write {key_of(key)!r}"
    *mods, base = key.split("+")
    if bad := [m for m in mods if m not in MODIFIERS]:
        return f"unknown key name {key!r}: {bad[0]!r} is not a modifier (ctrl, shift, alt, meta)"
    if len(set(mods)) != len(mods):
        return f"unknown key name {key!r}: a modifier is repeated"
    close = difflib.get_close_matches(base.lower(), _suggestions(), n=1, cutoff=0.75)
    hint = ""
    if close and close[0] != base:
        hint = f" (did you mean {key[: len(key) - len(base)] + close[0]!r}?)"
    elif base.lower() != base and base.lower() in NAMED:
        hint = f" (key names are lower case: {key[: len(key) - len(base)] + base.lower()!r})"
    return f"unknown key name {key!r}{hint}"


def text_to_keys(text: str) -> list[str]:
    """The keys that type `text` (`a b.` -> a, space, b, full_stop)."""
    keys = []
    for char in text:
        key = "enter" if char == "\n" else key_of(char)
        if not is_key_name(key):
            raise ValueError(f"cannot type {char!r}: no key produces it")
        keys.append(key)
    return keys
