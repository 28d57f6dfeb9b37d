"""The terminal pane on its own: VT100 state, keys, repaints, and garbage that must not
break it. No engine here: a fake partition echoes what it is sent."""

from __future__ import annotations

from typing import ClassVar

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from rich.cells import cell_len
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType

from hmc_tui.widgets.terminal_pane import COLUMNS, ROWS, TerminalPane, VtScreen, key_to_vt


def test_vt_screen_draws_text_and_reports_changed_rows() -> None:
    vt = VtScreen()
    assert vt.feed("PowerPC Firmware\r\nVersion FW1060.10\r\n") == {0, 1, 2}
    assert vt.line(0).rstrip() == "PowerPC Firmware"
    assert vt.cursor == (0, 2)
    # A cursor move and one character: only those rows.
    assert vt.feed("\x1b[10;5HX") == {2, 9}
    assert vt.line(9) == "    X" + " " * 75
    assert vt.text().splitlines()[:2] == ["PowerPC Firmware", "Version FW1060.10"]


def test_vt_screen_stays_80x24() -> None:
    vt = VtScreen()
    vt.feed("\x1b[?3h")  # DECCOLM: 132 columns, which the HMC terminal does not do
    assert (vt.screen.columns, vt.screen.lines) == (COLUMNS, ROWS)
    vt.feed("x" * 10_000)  # a 10k-character line wraps and scrolls
    assert vt.line(ROWS - 1).startswith("x" * 80 if 10_000 % 80 == 0 else "x")
    assert vt.cursor[1] == ROWS - 1


def test_wide_characters_and_their_halves() -> None:
    vt = VtScreen()
    vt.feed("漢字 ok")
    assert vt.line(0).startswith("漢字 ok") and cell_len(vt.line(0)) == COLUMNS
    # A narrow character over the left half of a wide one: the right half shows blank
    # (pyte keeps a stub there, on which its own `display` fails).
    vt.feed("\x1b[1;1Hx")
    assert vt.line(0).startswith("x 字 ok") and cell_len(vt.line(0)) == COLUMNS
    # Over the right half: the wide character's left half shows blank.
    vt.feed("\x1b[1;4Hy")
    assert vt.line(0).startswith("x  y ok") and cell_len(vt.line(0)) == COLUMNS


def test_a_chunk_pyte_cannot_parse_is_dropped_and_the_screen_goes_on(
        monkeypatch: pytest.MonkeyPatch) -> None:
    vt = VtScreen()
    vt.feed("before\r\n")

    def broken(_text: str) -> None:
        raise IndexError("a parser bug")

    monkeypatch.setattr(vt.stream, "feed", broken)
    assert vt.feed("anything") == set(range(ROWS))  # everything repainted
    assert vt.dropped == 1
    monkeypatch.undo()
    vt.feed("after")
    assert vt.text() == "before\nafter"


def test_keys_become_vt100_bytes() -> None:
    assert key_to_vt("a", "a") == "a"
    assert key_to_vt("A", "A") == "A"
    assert key_to_vt("enter", "\r") == "\r"
    assert key_to_vt("backspace", "\x7f") == "\x7f"
    assert key_to_vt("ctrl+c", None) == "\x03"  # Pilot and macros give no character
    assert key_to_vt("ctrl+c", "\x03") == "\x03"
    assert key_to_vt("up", None) == "\x1b[A"
    assert key_to_vt("up", None, app_cursor=True) == "\x1bOA"
    assert key_to_vt("escape", "\x1b") == "\x1b"
    assert key_to_vt("f5", None) == "\x1b[15~"
    assert key_to_vt("tilde", "~") == "~"
    assert key_to_vt("ctrl+shift+f9", None) == ""


class PaneApp(App[None]):
    """A pane on a fake partition that echoes input (Enter as a new line)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+right_square_bracket", "closed", "Close")]

    def __init__(self) -> None:
        super().__init__()
        self.vt = VtScreen()
        self.sent: list[str] = []
        self.closed = False

    def compose(self) -> ComposeResult:
        yield TerminalPane(self.vt, self.echo, reserved={"ctrl+right_square_bracket"})

    def echo(self, data: str) -> None:
        self.sent.append(data)
        self.output(data.replace("\r", "\r\n"))

    def output(self, text: str) -> None:
        self.query_one(TerminalPane).rows_changed(self.vt.feed(text))

    def action_closed(self) -> None:
        self.closed = True


async def test_pane_takes_every_key_but_the_reserved_one() -> None:
    app = PaneApp()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("l", "s", "space", "minus", "l", "enter")
        await pilot.press("q", "ctrl+q", "ctrl+c", "ctrl+p", "1", "colon", "escape", "tab")
        await pilot.pause()
        assert app.is_running  # q and ctrl+q went to the partition, not to the app
        assert "".join(app.sent) == "ls -l\rq\x11\x03\x101:\x1b\t"
        assert app.vt.line(0).rstrip() == "ls -l"
        await pilot.press("ctrl+right_square_bracket")
        assert app.closed and app.sent[-1] == "\t"


async def test_pane_repaints_only_changed_rows() -> None:
    app = PaneApp()
    async with app.run_test(size=(100, 30)) as pilot:
        pane = app.query_one(TerminalPane)
        app.output("line one\r\nline two\r\n")
        await pilot.pause()
        assert "line two" in pane.render_line(1).text
        refreshed: list[object] = []
        original = pane.refresh
        pane.refresh = lambda *regions, **kw: refreshed.append(regions) or original(  # type: ignore[method-assign]
            *regions, **kw)
        app.output("\x1b[5;1Hfifth")
        assert sorted(r[0].y for r in refreshed if r) == [2, 4]  # old and new cursor row
        await pilot.pause()
        assert pane.render_line(4).text.startswith("fifth")


async def test_low_pane_follows_the_cursor() -> None:
    app = PaneApp()
    async with app.run_test(size=(80, 10)) as pilot:
        pane = app.query_one(TerminalPane)
        app.output("\r\n".join(f"row {n}" for n in range(24)))
        await pilot.pause()
        assert pane.size.height == 10
        assert pane.render_line(9).text.startswith("row 23")
        assert pane.render_line(0).text.startswith("row 14")


GARBAGE = st.one_of(
    st.text(),  # any code points, lone surrogates included
    st.binary().map(lambda b: b.decode("latin-1")),
    st.lists(st.sampled_from([
        "\x1b[", "\x1b]", "\x1b[?", ";", "1", "9999999999", "38;5;", "48;2;", "m", "H", "J",
        "K", "@", "L", "M", "P", "X", "r", "h", "l", "\x1b(0", "\x1b#8", "\x07", "\x9b",
        "\x1bP", "\x1b\\", "\r", "\n", "\t", "\x08", "é", "漢", "\u0301", "\ud800", "x",
    ]), max_size=60).map("".join),
)


@settings(max_examples=300, deadline=None)
@given(st.lists(GARBAGE, min_size=1, max_size=5))
@example(["\x9d"])  # an OSC that never ends
@example(["000000000000\x1b0⼀\x1b"])  # half a wide character overwritten
@example(["\x9b²"])  # a CSI parameter int() refuses: only that sequence is lost
def test_garbage_never_breaks_the_screen(chunks: list[str]) -> None:
    vt = VtScreen()
    for chunk in chunks:
        rows = vt.feed(chunk)
        assert all(0 <= row < ROWS for row in rows)
    assert (vt.screen.columns, vt.screen.lines) == (COLUMNS, ROWS)
    assert 0 <= vt.cursor[0] <= COLUMNS and 0 <= vt.cursor[1] < ROWS
    assert all(cell_len(vt.line(row)) == COLUMNS for row in range(ROWS))
    vt.text().encode("utf-8")  # what is shown can be written to a terminal
    vt.feed("\x1b[2J\x1b[Hstill working")
    assert vt.line(0).startswith("still working")


async def test_garbage_renders_in_the_pane() -> None:
    app = PaneApp()
    async with app.run_test(size=(90, 26)) as pilot:
        pane = app.query_one(TerminalPane)
        app.output("\x1b[38;5;300m\x1b[48;2;999;1;1m\ud800\x00\x9b\x1b[31;1mred"
                   + "y" * 10_000 + bytes(range(256)).decode("latin-1"))
        await pilot.pause()
        for y in range(pane.size.height):
            pane.render_line(y).text.encode("utf-8")
        app.output("\x1b[2J\x1b[Hafter")
        await pilot.pause()
        assert pane.render_line(0).text.startswith("after")
