"""A partition's virtual terminal in the console: a VT100 screen kept by pyte, drawn with
Textual's line API.

`VtScreen` is the terminal's state (no Textual): text from the partition goes in, the rows it
changed come out. `TerminalPane` draws one `VtScreen` and repaints only those rows; it takes
every key (as the HMC's terminal window does) and turns it into what a VT100 sends, except
the keys its screen reserves (`reserved`): those still reach the screen's bindings.

The HMC's virtual terminal is 80x24 and the partition's firmware and OS draw for that size,
so the screen is always 80x24 (a program that asks for 132 columns is put back). A pane lower
than 24 rows shows the rows around the cursor; a narrower one crops on the right.

Nothing the partition writes may break the console (escape sequences, binary bytes, lone
surrogates, 10,000-character lines: tests/console/test_terminal_pane.py fuzzes it).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection

import pyte
from pyte.screens import Char
from rich.cells import cell_len
from rich.color import Color, ColorParseError
from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.geometry import Region, Size
from textual.strip import Strip
from textual.widget import Widget

__all__ = ["COLUMNS", "ROWS", "TerminalPane", "VtScreen", "key_to_vt"]

# Where an escape or control sequence begins (ESC, and the C1 DCS, CSI and OSC introducers).
SEQUENCE_START = re.compile(r"(?=[\x1b\x90\x9b\x9d])")

COLUMNS, ROWS = 80, 24

# What a VT100/xterm sends for the keys that are not characters. Arrows follow the cursor key
# mode (DECCKM) the program set: see key_to_vt.
KEY_SEQUENCES: dict[str, str] = {
    "enter": "\r", "tab": "\t", "shift+tab": "\x1b[Z", "backspace": "\x7f", "escape": "\x1b",
    "space": " ", "home": "\x1b[H", "end": "\x1b[F", "insert": "\x1b[2~",
    "delete": "\x1b[3~", "pageup": "\x1b[5~", "pagedown": "\x1b[6~",
    "f1": "\x1bOP", "f2": "\x1bOQ", "f3": "\x1bOR", "f4": "\x1bOS", "f5": "\x1b[15~",
    "f6": "\x1b[17~", "f7": "\x1b[18~", "f8": "\x1b[19~", "f9": "\x1b[20~",
    "f10": "\x1b[21~", "f11": "\x1b[23~", "f12": "\x1b[24~",
    "ctrl+at": "\x00", "ctrl+space": "\x00", "ctrl+left_square_bracket": "\x1b",
    "ctrl+backslash": "\x1c", "ctrl+right_square_bracket": "\x1d",
    "ctrl+circumflex_accent": "\x1e", "ctrl+underscore": "\x1f",
}
ARROWS = {"up": "A", "down": "B", "right": "C", "left": "D"}
DECCKM = 1 << 5  # cursor key mode, private mode 1 (pyte stores private mode N as N << 5)


def key_to_vt(key: str, character: str | None, app_cursor: bool = False) -> str:
    """What a VT100 sends for a Textual key ("" for a key it has no code for). Key names come
    first: Pilot and macros give `ctrl+a` without a character, a terminal gives '\\x01'."""
    if key in ARROWS:
        return ("\x1bO" if app_cursor else "\x1b[") + ARROWS[key]
    if key in KEY_SEQUENCES:
        return KEY_SEQUENCES[key]
    mods, _, base = key.rpartition("+")
    if mods == "ctrl" and len(base) == 1 and base.isalpha():
        return chr(ord(base.lower()) & 0x1F)
    if character is not None and len(character) == 1 and character.isprintable():
        return character
    return ""


# pyte's colour names (SGR 30-37, 90-97) in Rich's spelling; other colours come as hex.
_PYTE_COLOURS = {"brown": "yellow", "brightbrown": "bright_yellow"}


def _colour(name: str) -> Color | None:
    if name == "default":
        return None
    name = _PYTE_COLOURS.get(name, name)
    if name.startswith("bright") and not name.startswith("bright_"):
        name = "bright_" + name[6:]
    try:
        return Color.parse("#" + name if _is_hex(name) else name)
    except ColorParseError:  # a colour Rich cannot name: the default, not a broken pane
        return None


def _is_hex(name: str) -> bool:
    return len(name) == 6 and all(c in "0123456789abcdefABCDEF" for c in name)


class _Screen(pyte.Screen):
    """pyte's screen, kept at the HMC terminal's 80x24 whatever the program asks."""

    def resize(self, lines: int | None = None, columns: int | None = None) -> None:
        if lines in (None, ROWS) and columns in (None, COLUMNS):
            super().resize(lines, columns)
        # else (DECCOLM's 132 columns): ignored, the partition draws for 80x24

    def set_title(self, param: str) -> None:
        pass  # a program's window title is not ours to show

    def set_icon_name(self, param: str) -> None:
        pass


ESC, BEL = "\x1b", "\x07"
OSC_C1, ST_C1 = "\x9d", "\x9c"
_OSC_START = re.compile("[\x1b\x9d]")
OSC_LIMIT = 512  # characters: an operating system command longer than this is garbage


class OscFilter:
    """Drops operating system commands (ESC ] ... BEL/ST: window titles, palettes) before
    pyte sees them. pyte would wait for the terminator forever, so one stray ESC ] echoed by
    a shell would swallow everything after it; here a line end or OSC_LIMIT characters end
    it too. Keeps its state across chunks (a sequence may be split anywhere)."""

    def __init__(self) -> None:
        self.state = "text"  # text, esc (an ESC held back), osc, osc_esc
        self.length = 0

    def __call__(self, text: str) -> str:
        out: list[str] = []
        at, end = 0, len(text)
        while at < end:
            if self.state == "text":  # plain text up to the next ESC, at C speed
                found = _OSC_START.search(text, at)
                if found is None:
                    out.append(text[at:])
                    break
                out.append(text[at:found.start()])
                at = found.start()
            self._char(text[at], out)
            at += 1
        return "".join(out)

    def _char(self, char: str, out: list[str]) -> None:
        if self.state == "osc_esc":
            if char == "\\":  # ESC \ (ST) ends the command
                self.state = "text"
                return
            self.state = "esc"  # any other ESC ends it too, and starts a new sequence
        if self.state == "esc":
            if char == "]":
                self.state, self.length = "osc", 0
                return
            out.append(ESC)
            self.state = "text"
        elif self.state == "osc":
            self.length += 1
            if char in (BEL, ST_C1):
                self.state = "text"
                return
            if char == ESC:
                self.state = "osc_esc"
                return
            if char not in "\r\n" and self.length <= OSC_LIMIT:
                return
            self.state = "text"  # unterminated: the rest is the screen's again
        if char == ESC:
            self.state = "esc"
        elif char == OSC_C1:
            self.state, self.length = "osc", 0
        else:
            out.append(char)


class VtScreen:
    """One terminal's screen: text in (`feed`), changed rows out. Not thread-safe: the
    console feeds it on its own event loop."""

    def __init__(self) -> None:
        self.screen = _Screen(COLUMNS, ROWS)
        self.stream = pyte.Stream(self.screen)
        self.osc_filter = OscFilter()
        self.screen.dirty.clear()
        self.dropped = 0  # chunks pyte could not parse (dropped, the screen goes on)

    @property
    def cursor(self) -> tuple[int, int]:
        return self.screen.cursor.x, self.screen.cursor.y

    @property
    def cursor_hidden(self) -> bool:
        return bool(self.screen.cursor.hidden)

    @property
    def app_cursor_keys(self) -> bool:
        return DECCKM in self.screen.mode

    def feed(self, text: str) -> set[int]:
        """Apply the partition's output; the rows that changed (the cursor's old and new row
        included: the cursor is drawn)."""
        if not text:
            return set()
        before = self.screen.cursor.y
        if not text.isascii():  # a lone surrogate cannot be written to the user's terminal
            text = text.encode("utf-8", "replace").decode("utf-8")
        text = self.osc_filter(text)
        # Fed a sequence at a time: when pyte fails on a malformed one (it resets its parser),
        # only that piece is lost, not the good output after it.
        for part in SEQUENCE_START.split(text):
            if not part:
                continue
            try:
                self.stream.feed(part)
            except Exception:
                self.dropped += 1
                self.screen.dirty.update(range(ROWS))
        dirty = {row for row in self.screen.dirty if 0 <= row < ROWS}
        self.screen.dirty.clear()
        dirty.update((before, self.screen.cursor.y))
        return dirty

    def cells(self, row: int) -> list[tuple[int, str, Char]]:
        """What a row shows: (column, text, attributes) per cell, a wide character once for
        its two columns; exactly 80 columns. pyte's own `display` is not used: a character
        drawn over half of a wide one leaves the other half in pyte's buffer, which breaks
        it; here such a half is a blank, as on a terminal."""
        line: dict[int, Char] = self.screen.buffer.get(row, {}) if 0 <= row < ROWS else {}
        default = self.screen.default_char
        if not line:
            return [(x, " ", default) for x in range(COLUMNS)]
        cells: list[tuple[int, str, Char]] = []
        x = 0
        while x < COLUMNS:
            char = line.get(x, default)
            data = char.data
            width = 1 if data.isascii() and data.isprintable() and len(data) == 1 else \
                cell_len(data) if data.isprintable() else 0
            if width == 2 and x + 1 < COLUMNS and line.get(x + 1, default).data == "":
                cells.append((x, data, char))
                x += 2
                continue
            cells.append((x, data if width == 1 else " ", char))  # stubs, controls: blank
            x += 1
        return cells

    def line(self, row: int) -> str:
        return "".join(text for _, text, _ in self.cells(row))

    def text(self) -> str:
        """The screen as text, trailing blanks dropped (what `expect` conditions read)."""
        return "\n".join(self.line(row).rstrip() for row in range(ROWS)).rstrip("\n")


Attrs = tuple[str, str, bool, bool, bool, bool, bool]


class TerminalPane(Widget, can_focus=True):
    """Draws a VtScreen; keys typed go to `send` (a VT100's bytes, as text)."""

    DEFAULT_CSS = """
    TerminalPane {
        width: 80;
        height: 24;
        max-height: 100%;
        background: $surface;
        color: $foreground;
    }
    """

    def __init__(self, vt: VtScreen, send: Callable[[str], None], *,
                 reserved: Collection[str] = (), id: str | None = None) -> None:
        super().__init__(id=id)
        self.vt = vt
        self.send = send
        # Keys the pane leaves to its screen's bindings (closing it, switching screens).
        self.reserved = frozenset(reserved)
        self._strips: dict[int, Strip] = {}
        self._styles: dict[tuple[Style, Attrs], Style] = {}
        self._top = 0  # first terminal row shown (a pane lower than 24 rows)
        self._cursor_row = vt.cursor[1]

    # ------------------------------------------------------------------ output
    def rows_changed(self, rows: Collection[int]) -> None:
        """Repaint the given terminal rows (after vt.feed), and follow the cursor."""
        for row in rows:
            self._strips.pop(row, None)
        self._cursor_row = self.vt.cursor[1]
        if self._scroll_to_cursor():
            self.refresh()
            return
        width = self.size.width
        for row in rows:
            y = row - self._top
            if 0 <= y < self.size.height:
                self.refresh(Region(0, y, width, 1))

    def redraw(self) -> None:
        """Everything again (a new screen state, a theme or focus change)."""
        self._strips.clear()
        self._scroll_to_cursor()
        self.refresh()

    def _scroll_to_cursor(self) -> bool:
        """Keep the cursor's row in view in a pane lower than the terminal; True if the
        rows shown changed."""
        height = self.size.height
        top = 0
        if 0 < height < ROWS:
            top = min(max(self._cursor_row - height + 1, 0), ROWS - height)
            if self._top <= self._cursor_row < self._top + height:
                top = self._top
        changed = top != self._top
        self._top = top
        return changed

    def on_resize(self, _event: events.Resize) -> None:
        self.redraw()

    def on_focus(self, _event: events.Focus) -> None:
        self._strips.pop(self._cursor_row, None)
        self.refresh()

    def on_blur(self, _event: events.Blur) -> None:
        self._strips.pop(self._cursor_row, None)
        self.refresh()

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._styles.clear()  # the theme changed the default colours
        self._strips.clear()

    def get_content_width(self, container: Size, viewport: Size) -> int:
        return COLUMNS

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return ROWS

    # ------------------------------------------------------------------ drawing
    def render_line(self, y: int) -> Strip:
        row = y + self._top
        if not 0 <= row < ROWS:
            return Strip.blank(self.size.width, self.rich_style)
        strip = self._strips.get(row)
        if strip is None:
            strip = self._strips[row] = self._row_strip(row)
        return strip.crop_extend(0, self.size.width, self.rich_style)

    def _style(self, base: Style, attrs: Attrs) -> Style:
        style = self._styles.get((base, attrs))
        if style is None:
            fg, bg, bold, italics, underscore, reverse, blink = attrs
            style = base + Style(color=_colour(fg), bgcolor=_colour(bg), bold=bold or None,
                                 italic=italics or None, underline=underscore or None,
                                 reverse=reverse or None, blink=blink or None)
            self._styles[(base, attrs)] = style
        return style

    def _row_strip(self, row: int) -> Strip:
        base = self.rich_style
        cursor_x, cursor_y = self.vt.cursor
        show_cursor = row == cursor_y and self.has_focus and not self.vt.cursor_hidden
        if not self.vt.screen.buffer.get(row) and not show_cursor:
            return Strip.blank(COLUMNS, base)
        segments: list[Segment] = []
        run: list[str] = []
        run_attrs: Attrs | None = None
        for x, data, char in self.vt.cells(row):
            attrs: Attrs = (char.fg, char.bg, char.bold, char.italics, char.underscore,
                            char.reverse != (show_cursor and x == cursor_x), char.blink)
            if attrs != run_attrs and run:
                assert run_attrs is not None
                segments.append(Segment("".join(run), self._style(base, run_attrs)))
                run = []
            run_attrs = attrs
            run.append(data)
        if run and run_attrs is not None:
            segments.append(Segment("".join(run), self._style(base, run_attrs)))
        return Strip(segments).crop_extend(0, COLUMNS, base)

    # ------------------------------------------------------------------ input
    def check_consume_key(self, key: str, character: str | None = None) -> bool:
        """Every key is the partition's but the reserved ones: app and screen bindings for
        the others (quit, palette, 1-4...) are taken out of the binding chain."""
        return key not in self.reserved

    def on_key(self, event: events.Key) -> None:
        if event.key in self.reserved:
            return
        event.stop()
        event.prevent_default()
        data = key_to_vt(event.key, event.character, self.vt.app_cursor_keys)
        if data:
            self.send(data)

    def on_paste(self, event: events.Paste) -> None:
        event.stop()
        if event.text:
            self.send(event.text.replace("\r\n", "\r").replace("\n", "\r"))
