"""A partial update renders only the lines it writes (textual_compat.LineCompositor), and
writes exactly what Textual's own Compositor writes.

Every partial update of these tests is rendered twice on the same screen: first by the
LineCompositor (the console's, with the widgets' line caches as they are), then by Textual's
Compositor for the same dirty regions with every widget's line cache emptied (so each line is
drawn afresh from the widget). The two terminal byte strings must be equal. The shapes: two
far-apart widgets, overlapping regions, a scrolled table, spans that start and end inside
lines, a dialog over a screen; then the console itself (live figures on the overview, a
scrolled overview, the Pools screen, a dialog over the overview, the `:` line).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from types import MethodType
from typing import Any, ClassVar

import pytest
import textual.screen as textual_screen
from console_helpers import make_console, step
from rich.console import Console
from textual._compositor import ChopsUpdate, Compositor, LayoutUpdate
from textual._context import visible_screen_stack
from textual.app import App, ComposeResult
from textual.containers import Horizontal
from textual.geometry import Region
from textual.screen import ModalScreen
from textual.widget import Widget
from textual.widgets import DataTable, Static

from hmc_tui.app import HmcApp
from hmc_tui.config import Config
from hmc_tui.textual_compat import LineCompositor, paint_only_dirty_lines


@contextmanager
def textual_painting(compositor: Compositor) -> Iterator[None]:
    """Textual's own _render_chops for this compositor, for the time being."""
    compositor._render_chops = MethodType(Compositor._render_chops, compositor)  # type: ignore[method-assign]
    try:
        yield
    finally:
        del compositor._render_chops


class Twin(LineCompositor):
    """Renders each update with both compositors and insists they write the same."""

    # (full update?, lines written, lines asked of the widgets: ours, Textual's)
    compared: ClassVar[list[tuple[bool, int, int, int]]] = []
    asked: ClassVar[list[int]] = [0]

    def _fresh(self, stack: list[Any]) -> None:
        """Every widget's line cache emptied (Textual's draws every line afresh) and the
        dialog's background screen back on the stack (a screen pops it to draw it)."""
        for widget in self.visible_widgets:
            widget._styles_cache.clear()
        visible_screen_stack.set(list(stack))
        Twin.asked[0] = 0

    def render_partial_update(self) -> ChopsUpdate | None:
        regions = set(self._dirty_regions)
        if not regions:
            return None
        stack = list(visible_screen_stack.get([]))
        Twin.asked[0] = 0
        ours = super().render_partial_update()
        ours_asked = Twin.asked[0]
        self._fresh(stack)
        self._dirty_regions.update(regions)
        with textual_painting(self):
            theirs = Compositor.render_partial_update(self)
        assert ours is not None and theirs is not None
        assert ours.spans == theirs.spans
        assert ours.render_segments(self._console()) == theirs.render_segments(self._console())
        Twin.compared.append((False, len({y for y, _, _ in ours.spans}), ours_asked,
                              Twin.asked[0]))
        return ours

    def render_full_update(self, simplify: bool = False) -> LayoutUpdate:
        stack = list(visible_screen_stack.get([]))
        Twin.asked[0] = 0
        ours = super().render_full_update(simplify)
        ours_asked = Twin.asked[0]
        self._fresh(stack)
        with textual_painting(self):
            theirs = Compositor.render_full_update(self, simplify)
        assert ours.render_segments(self._console()) == theirs.render_segments(self._console())
        Twin.compared.append((True, self.size.height, ours_asked, Twin.asked[0]))
        return ours

    def _console(self) -> Console:
        assert self.root is not None
        return self.root.app.console


@pytest.fixture
def twin(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[tuple[bool, int, int, int]]]:
    """Every Screen built from now on compares the two compositors."""
    Twin.compared = []
    render_lines = Widget.render_lines

    def counting(self: Widget, crop: Region) -> Any:
        Twin.asked[0] += crop.height
        return render_lines(self, crop)

    monkeypatch.setattr(Widget, "render_lines", counting)
    monkeypatch.setattr(textual_screen, "Compositor", Twin)
    yield Twin.compared


def partials(twin: list[tuple[bool, int, int, int]]) -> list[tuple[int, int, int]]:
    """The partial updates compared: lines written, lines asked by ours, by Textual's."""
    return [(written, ours, theirs) for full, written, ours, theirs in twin if not full]


# ---------------------------------------------------------------- shapes, on a small app

ROWS = 40


class Line(Widget):
    """One line of text repainted, not laid out, when it changes (as the status line)."""

    DEFAULT_CSS = "Line { height: 1; }"

    def __init__(self, text: str, *, id: str) -> None:
        super().__init__(id=id)
        self.text = text

    def show(self, text: str) -> None:
        self.text = text
        self.refresh()

    def render(self) -> str:
        return self.text


class Shapes(App[None]):
    CSS = """
    #top { height: 1; }
    #pair { height: 3; }
    #left, #right { width: 1fr; border: round $accent; padding: 0 1; }
    DataTable { height: 10; }
    #bottom { dock: bottom; height: 1; background: $panel; }
    """

    def compose(self) -> ComposeResult:
        yield Line("top line", id="top")
        with Horizontal(id="pair"):
            yield Static("left", id="left")
            yield Static("right", id="right")
        yield DataTable()
        yield Line("status", id="bottom")

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns("name", "figure")
        for i in range(ROWS):
            table.add_row(f"row{i}", f"{i:.2f}", key=str(i))


class Dialog(ModalScreen[None]):
    CSS = """
    Dialog { align: center middle; }
    Dialog > Line { border: thick $accent; width: 30; height: 3; }
    """

    def compose(self) -> ComposeResult:
        yield Line("a dialog over the screen", id="question")


async def test_both_compositors_write_the_same_for_every_shape(
        twin: list[tuple[bool, int, int, int]]) -> None:
    app = Shapes()
    async with app.run_test(size=(60, 20)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen._compositor, Twin)
        assert twin and twin[0][0]  # the first update is a full one, compared too
        top, bottom = app.query_one("#top", Line), app.query_one("#bottom", Line)
        table = app.query_one(DataTable)

        # Two far-apart widgets: lines 0 and 19 written, only their own lines drawn.
        twin.clear()
        top.show("top line, changed")
        bottom.show("status, changed")
        await pilot.pause()
        # Lines 0 and 19 written: ours drew those, Textual's every line in between.
        assert any(written == 2 and ours < theirs for written, ours, theirs in partials(twin))

        # Overlapping regions, across the pair of boxes and the table.
        twin.clear()
        app.screen.refresh(Region(2, 1, 30, 5), Region(20, 3, 30, 6), Region(25, 4, 3, 1))
        await pilot.pause()
        assert [written for written, _, _ in partials(twin)] == [8]

        # Spans that start and end inside lines: one box, then a strip across both.
        twin.clear()
        app.query_one("#right", Static).update("right, changed")
        await pilot.pause()
        assert twin
        twin.clear()
        app.screen.refresh(Region(27, 2, 6, 1))
        await pilot.pause()
        assert [written for written, _, _ in partials(twin)] == [1]

        # A scrolled table: one row's cell changes, the table scrolled 15 rows down.
        table.scroll_to(y=15, animate=False)
        await pilot.pause()
        twin.clear()
        table.update_cell("17", table.ordered_columns[1].key, "99.99")
        bottom.show("status, scrolled")
        await pilot.pause()
        assert partials(twin) and partials(twin)[-1][0] >= 2

        # A dialog over the screen, the screen below seen through its background: the
        # dialog's line changes (a change below it is a full update in Textual).
        await app.push_screen(Dialog())
        await pilot.pause()
        twin.clear()
        app.screen.query_one("#question", Line).show("the dialog's line, changed")
        await pilot.pause()
        # its box: border, line, border
        assert [written for written, _, _ in partials(twin)] == [3]
        assert app.screen._compositor is not top.screen._compositor


# ---------------------------------------------------------------- the console


async def test_the_console_writes_the_same_with_both(
        twin: list[tuple[bool, int, int, int]]) -> None:
    console = make_console()
    app = HmcApp(console, config=Config())
    async with app.run_test(size=(120, 35)) as pilot:
        assert isinstance(app.screen._compositor, Twin)
        for _ in range(3):  # live figures: header, physc column, status line
            await step(pilot, console, 1)
        assert twin
        await pilot.press("2")  # the Pools screen's live figures
        await pilot.pause()
        for _ in range(3):
            await step(pilot, console, 1)
        await pilot.press("1")
        await pilot.pause()
        await pilot.press("a")  # a dialog over the overview, the figures moving below it
        await pilot.pause()
        for _ in range(2):
            await step(pilot, console, 1)
        await pilot.press("escape", "colon")  # the : line
        await pilot.pause()
        await pilot.press("l", "s")
        await step(pilot, console, 1)
        await pilot.press("escape")
        await pilot.pause()
        # Fewer lines asked than Textual's in total; the same bytes in every update.
        assert sum(ours for _, _, ours, _ in twin) < sum(theirs for _, _, _, theirs in twin)
        assert len(partials(twin)) >= 10 and len(twin) - len(partials(twin)) >= 4


async def test_a_scrolled_overview_on_a_short_terminal(
        twin: list[tuple[bool, int, int, int]]) -> None:
    console = make_console()
    app = HmcApp(console, config=Config())
    async with app.run_test(size=(100, 14)) as pilot:
        await pilot.press("end")  # the table scrolled to its last row
        await pilot.pause()
        twin.clear()
        for _ in range(3):
            await step(pilot, console, 1)
        assert partials(twin)


def test_paint_only_dirty_lines_gives_every_new_screen_a_line_compositor(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(textual_screen, "Compositor", Compositor)
    paint_only_dirty_lines()
    assert type(textual_screen.Screen()._compositor) is LineCompositor
