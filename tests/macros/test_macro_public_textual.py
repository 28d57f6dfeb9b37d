"""The macros' two readings of Textual, checked against Textual itself: the key names and
characters a terminal delivers (keys.py derives them from textual.keys' public tables), and
the screen's text (session.py reads it back from export_screenshot()'s SVG)."""

from __future__ import annotations

import string

from textual import events
from textual.app import App, ComposeResult
from textual.containers import VerticalGroup
from textual.screen import ModalScreen
from textual.widgets import Label, Static

from hmc_tui.macros.keys import character_of, is_key_name, key_of, text_to_keys
from hmc_tui.macros.session import svg_text


class KeyLog(App[None]):
    def __init__(self) -> None:
        super().__init__()
        self.seen: list[tuple[str, str | None]] = []

    def on_key(self, event: events.Key) -> None:
        self.seen.append((event.key, event.character))


PRINTABLE = [c for c in string.printable if c not in "\n\r\x0b\x0c"]


async def test_key_names_and_characters_match_what_textual_delivers() -> None:
    app = KeyLog()
    async with app.run_test() as pilot:
        await pilot.press(*PRINTABLE)  # Pilot names single characters as the terminal does
        await pilot.pause()
    assert len(app.seen) == len(PRINTABLE) == 96
    for char, (key, delivered) in zip(PRINTABLE, app.seen, strict=True):
        assert key_of(char) == key, char
        assert character_of(key) == delivered == char, key
        assert is_key_name(key), key
    assert text_to_keys("a/-_ ") == ["a", "slash", "minus", "underscore", "space"]


class Board(App[None]):
    CSS = "Static { padding: 0; margin: 0; }"

    def compose(self) -> ComposeResult:
        yield Static("alpha  beta\n<x> & y 漢字z\n\x1b[31m not a colour")


class Dialog(ModalScreen[None]):
    DEFAULT_CSS = "VerticalGroup { width: 12; height: 1; margin: 5 0 0 9; }"

    def compose(self) -> ComposeResult:
        with VerticalGroup():
            yield Label("dialog here")


async def test_screen_text_reads_the_screenshot_cell_by_cell() -> None:
    app = Board()
    async with app.run_test(size=(40, 6)) as pilot:
        await pilot.pause()
        lines = svg_text(app.export_screenshot()).split("\n")
        assert lines[:2] == ["alpha  beta", "<x> & y 漢字z"]
        assert "not a colour" in lines[2]
        assert len(lines) <= 6
        await app.push_screen(Dialog())
        await pilot.pause()
        lines = svg_text(app.export_screenshot()).split("\n")
        # The dialog and the screen it leaves visible behind it, both.
        assert lines[0] == "alpha  beta"
        assert lines[5].strip() == "dialog here"
        assert lines[5].index("dialog") == app.screen.query_one(Label).region.x == 9
