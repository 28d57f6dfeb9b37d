"""The one place hmc_tui touches Textual internals; tests/test_textual_compat.py has a test
per symbol used here, so an upgrade that changes one fails there, loudly, instead of leaving
a stale toast on screen. Nothing else in hmc_tui may use a private Textual name (the same
test module scans the package for them).

Why these: a macro replay shows its progress as a toast that it takes down at the next step.
Textual's public API can add a toast (App.notify, by message: it may land after the next
step's removal) and clear them all, but not add one at once or remove just one.
"""

from __future__ import annotations

import contextlib
import os
import selectors
import threading
import time
import weakref
from bisect import bisect_left
from codecs import getincrementaldecoder
from collections.abc import Callable, Hashable, Mapping, Sequence
from typing import Any, cast

import textual.screen as textual_screen
from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual._compositor import Compositor
from textual._parser import ParseError
from textual._xterm_parser import XTermParser
from textual.app import App
from textual.cache import LRUCache
from textual.compose import compose
from textual.css.model import RuleSet
from textual.css.stylesheet import Stylesheet
from textual.driver import Driver
from textual.drivers.linux_driver import LinuxDriver
from textual.geometry import Region
from textual.notifications import Notification
from textual.screen import Screen
from textual.strip import Strip
from textual.widget import Widget
from textual.widgets import DataTable, Footer
from textual.widgets._toast import Toast, ToastRack

__all__ = [
    "LineCompositor",
    "QuietLinuxDriver",
    "Toast",
    "build_mode",
    "compose_footer_keys",
    "draw_off_screen",
    "keep_table_cells",
    "layout_stands",
    "mark_styled",
    "mode_built",
    "paint_only_dirty_lines",
    "plain_cell",
    "quiet_input_driver",
    "route_unhandled_exceptions",
    "share_css_parses",
    "show_toast",
    "start_in_mode",
    "switch_mode_at_once",
    "withdraw_toast",
]


def show_toast(app: App[Any], notification: Notification) -> None:
    """Show `notification` now (App.notify only queues a message), without a Notify event."""
    app._notifications.add(notification)
    app._refresh_notifications()


def withdraw_toast(app: App[Any], notification: Notification) -> None:
    """Take down one toast, on the active screen and on the screens a dialog leaves visible
    (Textual refreshes only the active screen's toasts)."""
    if notification not in app._notifications:
        return
    app._unnotify(notification)
    for screen in app.screen_stack[:-1]:
        for rack in screen.query(ToastRack):
            rack.show(app._notifications)


# ---------------------------------------------------------------- unhandled exceptions
# Textual 8.2 has no public hook for an unhandled exception: every handler, timer, worker and
# compose step reports it to the private App._handle_exception, which renders a traceback
# with local variables and exits with status 1. A remote user's console must not show that
# (hmc_tui/crash_log.py; tested in tests/console/test_console_crash.py).

HANDLE_EXCEPTION = "_handle_exception"  # spelt once, so the tests can check it still exists


def route_unhandled_exceptions(app: App[Any], handler: Callable[[Exception], None]) -> None:
    """From now on, `app`'s unhandled exceptions go to `handler` instead of Textual's
    traceback screen. The handler must end the app itself (`App.exit`, `App.panic`)."""
    if not callable(getattr(app, HANDLE_EXCEPTION, None)):
        raise RuntimeError(f"this Textual has no App.{HANDLE_EXCEPTION}: update textual_compat")
    # An instance attribute shadows the method: Textual calls `app._handle_exception(error)`.
    setattr(app, HANDLE_EXCEPTION, handler)


# ---------------------------------------------------------------- one CSS parse per process
# Textual parses its whole stylesheet again (every widget's DEFAULT_CSS, the app's file) each
# time it is refreshed: a new screen shown for the first time, a widget class mounted for the
# first time, a theme. `Stylesheet.reparse` starts from a fresh Stylesheet, whose parse cache
# is empty, so nothing parsed before is reused: 10-60 ms per refresh, two or three per first
# visit to a screen. Parsing is a pure function of the CSS text, where it came from and the
# theme's variables; this cache keeps its result for the process (and, made before a fork,
# for its children).

PARSE_RULES = "_parse_rules"  # Stylesheet's parse of one source, spelt once for the tests
SHARED_PARSES = 1024  # (source, variables) results kept: every source under a few themes
_parsed: LRUCache[tuple[object, ...], list[RuleSet]] = LRUCache(SHARED_PARSES)
_variables_key: list[Any] = [None, ()]  # the last variables dict seen, and its key


def _variables_of(stylesheet: Stylesheet) -> tuple[tuple[str, str], ...]:
    variables = stylesheet._variables
    if variables is not _variables_key[0]:  # a theme's variables: one dict, many parses
        _variables_key[0], _variables_key[1] = variables, tuple(sorted(variables.items()))
    return _variables_key[1]


def share_css_parses() -> None:
    """From now on every Stylesheet of this process reuses the parses of every other."""
    original = getattr(Stylesheet, PARSE_RULES)
    if getattr(original, "shared", False):
        return

    def parse_rules(self: Stylesheet, css: str, read_from: Any, is_default_rules: bool = False,
                    tie_breaker: int = 0, scope: str = "") -> list[RuleSet]:
        key = (css, read_from, is_default_rules, tie_breaker, scope, _variables_of(self))
        rules = _parsed.get(key)
        if rules is None:
            rules = original(self, css, read_from, is_default_rules, tie_breaker, scope)
            _parsed[key] = rules
        return rules

    parse_rules.shared = True  # type: ignore[attr-defined]
    setattr(Stylesheet, PARSE_RULES, parse_rules)


# ---------------------------------------------------------------- DataTable cells kept
# DataTable keys its cache of rendered cells on a count of updates: one `update_cell` makes
# it render every cell of every line it draws again, each through Rich (markup parsed,
# padded, styled): about a millisecond a cell on two shared cores. A live table whose line
# changed because one figure moved renders its other cells again for nothing. This keeps a
# rendered cell under what it is made of instead: its text, its place (the row and column,
# also in its style's metadata), the base style, width, cursor and hover, the table's
# settings and pseudo-classes. Only plain-string cells are kept (the rest as before); the
# table empties `kept_cells` when its styles change (theme, CSS, focus).

RENDER_CELL = "_render_cell"  # DataTable's renderer of one cell, spelt once for the tests


def _cell_text(table: DataTable[Any], row_index: int, column_index: int) -> Hashable | None:
    """What cell (row_index, column_index) shows when it is a string or a label's Text, None
    for anything else (DataTable renders those itself, as before)."""
    if row_index == -1:  # the header
        if column_index == -1:
            return None
        label: object = table.ordered_columns[column_index].label
    else:
        row_key = table._row_locations.get_key(row_index)
        if row_key is None or (row := table.rows.get(row_key)) is None or row.height != 1:
            return None
        if column_index != -1:
            datum = table._data[row_key].get(table.ordered_columns[column_index].key)
            return datum if isinstance(datum, str) else None
        label = row.label
    if isinstance(label, Text):
        return ("label", label.markup, str(label.style), label.justify, label.overflow,
                label.no_wrap, label.end)
    return None


def keep_table_cells(table_class: type[DataTable[Any]]) -> None:
    """Make `table_class` (a DataTable with a `kept_cells` LRUCache) reuse rendered cells."""
    original = getattr(DataTable, RENDER_CELL)
    if getattr(getattr(table_class, RENDER_CELL), "kept", False):
        return

    def render_cell(self: DataTable[Any], row_index: int, column_index: int,
                    base_style: Style, width: int, cursor: bool = False,
                    hover: bool = False) -> Any:
        text = _cell_text(self, row_index, column_index)
        kept: LRUCache[tuple[object, ...], Any] | None = getattr(self, "kept_cells", None)
        if text is None or kept is None:
            return original(self, row_index, column_index, base_style, width, cursor, hover)
        key = (text, row_index, column_index, base_style, width, cursor, hover,
               self._show_hover_cursor, self.show_cursor, self.cursor_foreground_priority,
               self.cursor_background_priority, self.cell_padding, self.fixed_rows,
               self.fixed_columns, self._pseudo_class_state)
        lines = kept.get(key)
        if lines is None:
            if isinstance(text, str):
                lines = plain_cell(self, row_index, column_index, text, base_style, width,
                                   cursor, hover)
            if lines is None:
                lines = original(self, row_index, column_index, base_style, width, cursor,
                                 hover)
            kept[key] = lines
        return lines

    render_cell.kept = True  # type: ignore[attr-defined]
    setattr(table_class, RENDER_CELL, render_cell)


def plain_cell(table: DataTable[Any], row_index: int, column_index: int, text: str,
               base_style: Style, width: int, cursor: bool,
               hover: bool) -> list[list[Segment]] | None:
    """What DataTable._render_cell makes of a data cell one line high holding plain text
    (printable, one cell per character, nothing Rich would read as markup or an emoji
    code; not empty and not cropped away: Rich keeps an empty segment for those), made
    directly: the padding, the text cropped or filled to the column, each piece
    in the cell's style. Rich's way there (markup parsed, Padding, Styled, render_lines)
    took about 0.1 ms a cell, and the Pools screen redraws dozens at a time. None for any
    other cell (DataTable renders it). tests/test_textual_compat.py compares the two."""
    pad = table.cell_padding
    inner = width - 2 * pad
    if (not text or row_index < 0 or column_index < 0 or inner < 1 or table.fixed_rows
            or table.fixed_columns or "[" in text or ":" in text or not text.isprintable()
            or cell_len(text) != len(text)):
        return None
    component, post = table._get_styles_to_render_cell(
        False, False, False, hover, cursor, table.show_cursor, table._show_hover_cursor,
        table.cursor_foreground_priority == "css", table.cursor_background_priority == "css")
    style = base_style + Style.from_meta({"row": row_index, "column": column_index}) + component
    if post:
        style += post
    shown = text[:inner]
    pieces = [" " * pad, shown, " " * (inner - len(shown)), " " * pad]
    return [[Segment(piece, style) for piece in pieces if piece]]


def mode_built(app: App[Any], mode: str) -> bool:
    """The mode's screen exists (visited, or built by build_mode)."""
    return mode in app._screen_stacks


def build_mode(app: App[Any], mode: str) -> Screen[Any]:
    """What App._init_mode does, less the ScreenResume: the mode's screen composed, styled
    and mounted now, not shown; switch_mode finds the mode's stack and only resumes it."""
    factory = app._modes[mode]
    screen, _ = app._get_screen(factory() if callable(factory) else factory)
    app._screen_stacks[mode] = [screen]
    app._load_screen_css(screen)
    # Its widgets are styled as they mount, with the stylesheet and theme of now: without
    # this the switch restyles the whole app (Textual starts a screen's count at -1). A
    # theme change before the visit bumps the app's count: restyled then.
    mark_styled(screen)
    return screen


def draw_off_screen(app: App[Any], screen: Screen[Any]) -> bool:
    """Lay out a screen that is not shown and draw all its lines once (its widgets' line
    caches fill), nothing written to the terminal, when it asked for a layout or a repaint
    since the last time; True when it did. What Textual's update timer does for the current
    screen only: a screen built off screen kept its mount's request and laid itself out
    again at its first visit (25-90 ms). A first layout resizes widgets, which ask for
    another at their next turn: call again later until False."""
    if not (screen._layout_required or screen._scroll_required or screen._repaint_required
            or screen._dirty_widgets):
        return False
    # Cleared first: what the layout itself asks for is seen at the next call.
    screen._layout_required = screen._scroll_required = screen._repaint_required = False
    screen._dirty_widgets.clear()
    screen._refresh_layout(app.size)
    screen._compositor.render_full_update()
    return True


# ---------------------------------------------------------------- partial updates by line
# A partial update (the live figures once a second: header, status line, a physc cell)
# writes only the lines of its dirty regions, but Textual's Compositor crops it to the
# *union* of those regions and asks every widget overlapping that rectangle for all its
# lines there: with the header (lines 0-3) and the status line (33) dirty, every widget
# between them drew, filtered and cropped each of its lines again, to be thrown away
# (`is_rendered_line` is checked only after rendering). And every update, full ones too,
# asked the widgets behind others (the Screen behind every line, containers) for lines whose
# every cell a widget in front had already given. LineCompositor asks each widget only for
# its lines that are written and not yet covered, in contiguous runs; what it writes is
# Textual's, byte for byte (tests/console/test_line_compositor.py compares the two).
# docs/scale.md.

SCREEN_COMPOSITOR = "Compositor"  # the name textual.screen builds each Screen's compositor by
RENDER_CHOPS = "_render_chops"  # Compositor's painter of every update, spelt once for the tests


def _runs(lines: list[int]) -> list[tuple[int, int]]:
    """The contiguous runs (first, past last) of the sorted `lines`."""
    runs: list[tuple[int, int]] = []
    for y in lines:
        if runs and runs[-1][1] == y:
            runs[-1] = (runs[-1][0], y + 1)
        else:
            runs.append((y, y + 1))
    return runs


def render_chops(self: Compositor, crop: Region,
                 is_rendered_line: Callable[[int], bool]) -> Sequence[Mapping[int, Strip]]:
    """Compositor._render_chops, asking each widget only for the lines it gives to the update:
    per line, the strip between each two cuts, from the front-most widget there."""
    if not crop:  # Textual then asks every widget (nothing of it is written)
        return cast("Sequence[Mapping[int, Strip]]", getattr(Compositor, RENDER_CHOPS)(
            self, crop, is_rendered_line))
    lines = [y for y in crop.line_range if is_rendered_line(y)]
    cuts = self.cuts
    chops: list[dict[int, Strip | None]] = [dict.fromkeys(c[:-1]) for c in cuts]
    crop_overlaps = crop.overlaps
    # The same widgets as Textual's (those overlapping the crop), front to back: a cut's
    # first strip wins, so a line whose cuts here are all taken is not asked for.
    for widget, (region, clip) in list(self.visible_widgets.items()):
        if not crop_overlaps(clip):
            continue
        x, y0, width, height = region.intersection(clip)
        if not (width and height):
            continue
        last_x = x + width
        wanted = [y for y in lines[bisect_left(lines, y0):bisect_left(lines, y0 + height)]
                  if any(chops[y].get(cut) is None for cut in cuts[y] if x <= cut < last_x)]
        for first, past in _runs(wanted):
            strips = widget.render_lines(
                Region(x - region.x, first - region.y, width, past - first))
            for y, strip in zip(range(first, past), strips, strict=False):
                line = chops[y]
                final_cuts = [cut for cut in cuts[y] if last_x >= cut >= x]
                pieces = strip.divide([c - x for c in final_cuts[1:]])
                for cut, piece in zip(final_cuts, pieces, strict=False):
                    if line.get(cut) is None:
                        line[cut] = piece
    return cast("Sequence[Mapping[int, Strip]]", chops)


class LineCompositor(Compositor):
    """Textual's Compositor, asking each widget only for the lines it gives to an update."""


setattr(LineCompositor, RENDER_CHOPS, render_chops)


def paint_only_dirty_lines() -> None:
    """From now on every new Screen of this process has a LineCompositor (or the subclass of
    one already installed)."""
    if not issubclass(getattr(textual_screen, SCREEN_COMPOSITOR), LineCompositor):
        setattr(textual_screen, SCREEN_COMPOSITOR, LineCompositor)


def compose_footer_keys(footer: Footer) -> list[Widget]:
    """The key widgets `footer` shows for its screen's active bindings, composed now (not
    mounted). Textual's Footer composes nothing until its screen first says its bindings
    changed (`_bindings_ready`), which a screen does only once it is active."""
    footer.set_reactive(Footer._bindings_ready, True)
    return compose(footer)


def start_in_mode(app: App[Any], mode: str) -> None:
    """Make an app that is not running yet start in `mode` rather than its DEFAULT_MODE
    (Textual reads DEFAULT_MODE once, in App.__init__, and builds that mode's screen when
    the app composes)."""
    app._screen_stacks = {mode: []}
    app._current_mode = mode


# ---------------------------------------------------------------- a switch back, at once
# App.switch_mode holds the display back for 50 ms (`delay_update`) to mask the new screen
# being built and laid out, and lays the screen switched to out again
# (Screen._screen_resized -> _refresh_layout: every widget arranged, and a compositor update
# rendered at once that the hold then discards; ~10 ms profiled per switch in ten SSH
# consoles). A screen already shown at this size whose styles stand (mark_styled; no theme
# or CSS change since) needs neither: a widget's own layout request made while it was away
# stands and is done at its first update, and nothing is drawn before its resume handlers
# have run (the screen updates from its idle, after the ScreenResume queued ahead of it).
# The hold only made every switch 50 ms late: most of the served console's median key round
# trip on a quiet machine.

SCREEN_RESIZED = "_screen_resized"  # Screen's layout hook in switch_mode, spelt once
CSS_COUNT = "_css_update_count"  # the stylesheet/theme count a screen was styled at


def layout_stands(screen: Screen[Any], size: Any) -> bool:
    """`screen` was last laid out at `size` (its widgets' own requests aside)."""
    return bool(screen._compositor.size == size)


def _no_hold(delay: float = 0.05) -> None:
    """switch_mode's delay_update, for a switch that needs no hold."""


def _no_layout(size: Any) -> None:
    """switch_mode's Screen._screen_resized, for a screen whose layout stands."""


def switch_mode_at_once(app: App[Any], mode: str) -> Any:
    """`app.switch_mode(mode)` without its 50 ms hold and its layout when the mode's screen
    was shown (or drawn off screen) at this size and its styles stand; None (nothing done)
    otherwise: switch_mode then."""
    stack = app._screen_stacks.get(mode)
    if not stack or mode == app.current_mode:
        return None
    screen = stack[-1]
    if not (layout_stands(screen, app.size)
            and getattr(screen, CSS_COUNT) == getattr(app, CSS_COUNT)):
        return None
    # Instance attributes shadow the methods for this one call (switch_mode calls
    # self.delay_update() and screen._screen_resized(size); tests/test_textual_compat.py
    # checks it still does).
    app.delay_update = _no_hold  # type: ignore[method-assign]
    setattr(screen, SCREEN_RESIZED, _no_layout)
    try:
        return app.switch_mode(mode)
    finally:
        del app.delay_update
        delattr(screen, SCREEN_RESIZED)


def mark_styled(screen: Screen[Any]) -> None:
    """`screen` (just mounted: its widgets styled with the stylesheet and theme of now) is
    styled as of the app's current count. Textual starts a screen's count at -1 and, on a
    mode's first visit, sets the count of the screen switched *from* (App._init_mode calls
    refresh_css while the old screen is current): the mode's second visit restyled the whole
    app again (refresh_css, ~65 ms on the demo frame, every DataTable's cache dropped).
    build_mode does the same for a screen built off screen."""
    setattr(screen, CSS_COUNT, getattr(screen.app, CSS_COUNT))


# ---------------------------------------------------------------- a quiet input thread
# LinuxDriver's input thread waits on the terminal with a 0.1 s timeout, to see its exit flag
# and to time out a lone Escape: ten wake-ups a second in every console, typing or not
# (0.08% of a core per idle console in benchmarks/bench_ssh.py: a sixth of its idle cost on
# the 1000-partition frame). QuietLinuxDriver's thread sleeps until input, the parser's own
# timeout (an Escape waiting to be told from a sequence) or its exit flag, which wakes it
# through a pipe. The rest of the loop is LinuxDriver.run_input_thread's (Textual 8.2).

PARSER_TIMEOUT = "_timeout_time"  # when the parser's pending input times out, or None


class WakingEvent(threading.Event):
    """An Event whose `set` also makes `wake_fd` readable (a select then returns)."""

    def __init__(self) -> None:
        super().__init__()
        self.wake_fd, write_fd = os.pipe()
        self.write_fd = write_fd
        os.set_blocking(write_fd, False)
        weakref.finalize(self, os.close, self.wake_fd)
        weakref.finalize(self, os.close, write_fd)

    def set(self) -> None:
        super().set()
        with contextlib.suppress(OSError):  # full: the thread has a wake-up waiting anyway
            os.write(self.write_fd, b"\0")


class QuietLinuxDriver(LinuxDriver):
    """LinuxDriver whose input thread wakes only when there is something to do."""

    def __init__(self, app: App[Any], **kwargs: Any) -> None:
        super().__init__(app, **kwargs)
        self.exit_event = WakingEvent()

    def run_input_thread(self) -> None:
        exit_event = self.exit_event
        assert isinstance(exit_event, WakingEvent)
        fileno, wake_fd = self.fileno, exit_event.wake_fd
        parser = XTermParser(self._debug)
        decode = getincrementaldecoder("utf-8")().decode
        selector = selectors.SelectSelector()  # as Textual's own loop
        selector.register(fileno, selectors.EVENT_READ)
        selector.register(wake_fd, selectors.EVENT_READ)
        try:
            while not exit_event.is_set():
                due = getattr(parser, PARSER_TIMEOUT)
                timeout = None if due is None else max(0.0, due - time.monotonic())
                for key, _ in selector.select(timeout):
                    if key.fd == wake_fd:
                        os.read(wake_fd, 512)
                    elif raw := os.read(fileno, 4096):
                        for event in parser.feed(decode(raw)):
                            self.process_message(event)
                    else:  # end of input: nothing more will come (no spinning on it)
                        return
                for event in parser.tick():
                    self.process_message(event)
        finally:
            selector.close()
            with contextlib.suppress(EOFError, ParseError):
                for _ in parser.feed(""):
                    pass


def quiet_input_driver(driver_class: type[Driver]) -> type[Driver]:
    """QuietLinuxDriver for Textual's LinuxDriver; any other driver (web, headless, one
    named by $TEXTUAL_DRIVER) as it is."""
    return QuietLinuxDriver if driver_class is LinuxDriver else driver_class
