"""hmc_tui uses Textual's public API only, so any release in the pinned range works.

A private Textual name changes without notice and gives stale cells rather than an error.
Only hmc_tui/textual_compat.py may touch one, and each symbol it touches has its own test at
the end of this module. Three checks on the rest of the package:

- the source: no `app._x`, `screen._x`, `._driver`, `._compositor`, no import of an underscore
  name or module from textual;
- every hmc_tui class built on a Textual class: no `self._x` it reads or writes is a private
  name of its Textual base (reading one is using an internal; writing one shadows it);
- the check itself finds what it must (a planted use is reported).
"""

from __future__ import annotations

import ast
import contextlib
import importlib
import inspect
import itertools
import pkgutil
import re
import textwrap
import time
from functools import cache
from pathlib import Path
from typing import Any, ClassVar

import pytest
import textual.css.stylesheet as stylesheet_module
from rich.style import Style
from textual import events
from textual.app import App, ComposeResult
from textual.color import Color
from textual.css.stylesheet import Stylesheet
from textual.drivers.linux_driver import LinuxDriver
from textual.message_pump import MessagePump
from textual.notifications import Notification
from textual.screen import ModalScreen, Screen
from textual.widgets import DataTable, Footer, Label
from textual.widgets._footer import FooterKey

import hmc_tui
from hmc_tui.textual_compat import (
    PARSE_RULES,
    PARSER_TIMEOUT,
    RENDER_CELL,
    RENDER_CHOPS,
    SCREEN_COMPOSITOR,
    SCREEN_RESIZED,
    LineCompositor,
    Toast,
    ToastRack,  # the module's private import, re-used here
    build_mode,
    compose_footer_keys,
    draw_off_screen,
    layout_stands,
    mark_styled,
    mode_built,
    plain_cell,
    share_css_parses,
    show_toast,
    switch_mode_at_once,
    withdraw_toast,
)

ROOT = Path(hmc_tui.__file__).parent
COMPAT = ROOT / "textual_compat.py"
PATTERNS = {
    "app._": re.compile(r"\bapp\._[a-z]"),
    "screen._": re.compile(r"\bscreen\._[a-z]"),
    "._driver": re.compile(r"\._driver\b"),
    "._compositor": re.compile(r"\._compositor\b"),
    "textual private import": re.compile(
        r"^\s*(from\s+textual[\w.]*\._\w*|import\s+textual[\w.]*\._\w*|"
        r"from\s+textual[\w.]*\s+import\s+(\([^)]*|.*)\b_[a-z]\w*)", re.MULTILINE),
}


def sources() -> list[Path]:
    return sorted(p for p in ROOT.rglob("*.py") if p != COMPAT)


def source_findings(text: str) -> list[str]:
    return [name for name, pattern in PATTERNS.items() if pattern.search(text)]


def test_no_private_textual_names_in_the_source() -> None:
    files = sources()
    assert len(files) > 50  # the scan really read the package
    found = {str(p.relative_to(ROOT)): hits for p in files
             if (hits := source_findings(p.read_text(encoding="utf-8")))}
    assert found == {}


@cache
def private_names(base: type) -> frozenset[str]:
    """Underscore names of a Textual class: its members and what an instance sets."""
    names = set(dir(base))
    with contextlib.suppress(Exception):  # a base that needs arguments: members suffice
        names |= set(vars(base()))  # App() and widgets build without running
    return frozenset(n for n in names if n.startswith("_") and not n.startswith("__"))


def textual_base(cls: type) -> type | None:
    return next((b for b in cls.__mro__ if b.__module__.split(".")[0] == "textual"), None)


def self_attributes(cls: type) -> set[str]:
    """`self._x` names used in the class's own body."""
    try:
        tree = ast.parse(textwrap.dedent(inspect.getsource(cls)))
    except (OSError, TypeError):
        return set()
    return {node.attr for node in ast.walk(tree)
            if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name)
            and node.value.id == "self" and node.attr.startswith("_")
            and not node.attr.startswith("__")}


def textual_classes() -> list[type]:
    classes: dict[str, type] = {}
    for info in pkgutil.walk_packages([str(ROOT)], "hmc_tui."):
        if info.name.endswith("__main__"):
            continue  # importing one runs a command line
        module = importlib.import_module(info.name)
        for _, obj in inspect.getmembers(module, inspect.isclass):
            if obj.__module__ == info.name and issubclass(obj, MessagePump):
                classes[f"{obj.__module__}.{obj.__qualname__}"] = obj
    return list(classes.values())


def class_findings(cls: type) -> set[str]:
    base = textual_base(cls)
    return self_attributes(cls) & private_names(base) if base is not None else set()


def test_no_textual_subclass_touches_a_private_name_of_its_base() -> None:
    classes = textual_classes()
    names = {c.__name__ for c in classes}
    assert {"HmcApp", "PartitionTable", "RowTable", "OverviewScreen"} <= names
    found = {c.__qualname__: sorted(hits) for c in classes if (hits := class_findings(c))}
    assert found == {}


class Planted(App[None]):
    def leaky(self) -> bool:
        return bool(self._exit) and self._driver is not None


def test_the_checks_find_a_planted_use() -> None:
    assert class_findings(Planted) == {"_exit", "_driver"}
    assert source_findings("x = self.app._exit\n") == ["app._"]
    assert source_findings("s = app.screen._compositor\n") == ["screen._", "._compositor"]
    assert source_findings("from textual.keys import REPLACED_KEYS, _character_to_key\n") == [
        "textual private import"]
    assert source_findings("from textual._xterm_parser import XTermParser\n") == [
        "textual private import"]
    assert source_findings("from textual.keys import key_to_character\n") == []


# ---------------------------------------------------------------- hmc_tui/textual_compat.py
# One test per private symbol it touches: App._notifications, App._refresh_notifications,
# App._unnotify, App._handle_exception, textual.widgets._toast.ToastRack (and its show()),
# Toast, Stylesheet._parse_rules and Stylesheet._variables, DataTable._render_cell,
# _row_locations, _data, _show_hover_cursor, _pseudo_class_state and
# _get_styles_to_render_cell; Compositor (from
# textual._compositor, as textual.screen names it) and its _render_chops.


class ToastApp(App[None]):
    def compose(self) -> ComposeResult:
        yield Label("main")


class Over(ModalScreen[None]):
    def compose(self) -> ComposeResult:
        yield Label("dialog")


def toasts(screen: Screen[object]) -> list[str]:
    return [str(t.render()) for t in screen.query(Toast)]


def test_the_compat_module_touches_exactly_these_private_names() -> None:
    text = COMPAT.read_text(encoding="utf-8")
    used = set(re.findall(r"\b(?:app\.|rack\.)?(_[a-z]\w*)", text)) - {"_toast"}
    assert used == {"_notifications", "_refresh_notifications", "_unnotify", "_handle_exception",
                    "_parse_rules", "_variables", "_parsed", "_variables_key", "_variables_of",
                    "_render_cell", "_cell_text", "_row_locations", "_data",
                    "_show_hover_cursor", "_pseudo_class_state",
                    # plain_cell: DataTable's cell styles (and its cache, in the test)
                    "_get_styles_to_render_cell",
                    # build_mode, draw_off_screen (screens built while the console is quiet)
                    "_init_mode", "_modes", "_get_screen", "_screen_stacks", "_load_screen_css",
                    "_css_update_count", "_refresh_layout", "_compositor",
                    # LineCompositor (updates ask widgets only for the lines they give)
                    "_render_chops", "_runs",
                    # draw_off_screen: the update timer's flags, cleared once drawn
                    "_layout_required", "_scroll_required", "_repaint_required",
                    "_dirty_widgets",
                    # compose_footer_keys, start_in_mode
                    "_bindings_ready", "_current_mode",
                    # switch_mode_at_once, mark_styled (a switch back to a screen)
                    "_screen_resized", "_no_hold", "_no_layout",
                    # QuietLinuxDriver (LinuxDriver's input loop, without its polling)
                    "_parser", "_xterm_parser", "_timeout_time", "_debug"}
    assert "from textual.widgets._toast import Toast, ToastRack" in text


async def test_app_notifications_is_a_collection_of_notifications() -> None:
    app = ToastApp()
    async with app.run_test():
        note = Notification("hello", "title", "information", timeout=60)
        app._notifications.add(note)
        assert note in app._notifications and len(app._notifications) == 1


async def test_show_toast_refreshes_the_active_screen_at_once() -> None:
    app = ToastApp()
    async with app.run_test(notifications=True) as pilot:
        show_toast(app, Notification("step 1", "Replay", "information", timeout=60))
        await pilot.pause()
        assert any("step 1" in t for t in toasts(app.screen))


async def test_withdraw_toast_removes_one_toast_and_keeps_the_others() -> None:
    app = ToastApp()
    async with app.run_test(notifications=True) as pilot:
        one = Notification("step 1", "Replay", "information", timeout=60)
        other = Notification("kept", "Other", "information", timeout=60)
        show_toast(app, one)
        show_toast(app, other)
        await pilot.pause()
        withdraw_toast(app, one)
        await pilot.pause()
        shown = toasts(app.screen)
        assert not any("step 1" in t for t in shown) and any("kept" in t for t in shown)
        withdraw_toast(app, one)  # twice: nothing to do, no error


async def test_withdraw_toast_clears_the_screen_below_a_dialog() -> None:
    app = ToastApp()
    async with app.run_test(notifications=True) as pilot:
        below = app.screen
        note = Notification("step 1", "Replay", "information", timeout=60)
        show_toast(app, note)
        await pilot.pause()
        assert below.query(ToastRack) and any("step 1" in t for t in toasts(below))
        await app.push_screen(Over())
        await pilot.pause()
        withdraw_toast(app, note)
        await pilot.pause()
        assert not any("step 1" in t for t in toasts(below))


CSS_SOURCE = "Label { color: $accent; padding: 0 1; }"


def test_stylesheet_parse_rules_and_variables_are_what_the_shared_cache_wraps() -> None:
    """Stylesheet._parse_rules(css, read_from, is_default_rules, tie_breaker, scope) parses
    one source with the theme's variables, Stylesheet._variables."""
    sheet = Stylesheet(variables={"accent": "red"})
    assert sheet._variables == {"accent": "red"}
    assert callable(getattr(Stylesheet, PARSE_RULES))
    rules = sheet._parse_rules(CSS_SOURCE, ("test", "CSS"), False, 0, "")
    assert [r.selectors for r in rules] == ["Label"]


def test_shared_css_parses_are_reused_by_a_new_stylesheet_and_keyed_by_variables(
        monkeypatch: pytest.MonkeyPatch) -> None:
    share_css_parses()
    share_css_parses()  # twice: wrapped once
    parsed: list[str] = []
    real_parse = stylesheet_module.parse

    def counting(*args: Any, **kwargs: Any) -> Any:
        parsed.append(args[1])
        return real_parse(*args, **kwargs)

    monkeypatch.setattr(stylesheet_module, "parse", counting)
    source = CSS_SOURCE + " /* shared-cache test */"
    red = {"accent": "red"}
    first = Stylesheet(variables=red)
    first.add_source(source, ("test", "shared"))
    first.parse()
    again = Stylesheet(variables=dict(red))  # what reparse does: a new Stylesheet
    again.add_source(source, ("test", "shared"))
    again.parse()
    assert parsed == [source]  # parsed once
    assert again.rules[0].styles.color == first.rules[0].styles.color == Color.parse("red")
    blue = Stylesheet(variables={"accent": "blue"})  # another theme: parsed for it
    blue.add_source(source, ("test", "shared"))
    blue.parse()
    assert parsed == [source, source]
    assert blue.rules[0].styles.color == Color.parse("blue")


async def test_datatable_render_cell_and_the_names_the_kept_cells_read() -> None:
    """DataTable._render_cell(row_index, column_index, base_style, width, cursor, hover)
    renders one cell; _row_locations.get_key(index) is the row's key, _data[row][column] its
    value, _show_hover_cursor and _pseudo_class_state what else its look depends on."""
    class OneTable(App[None]):
        def compose(self) -> ComposeResult:
            yield DataTable()

    app = OneTable()
    async with app.run_test(size=(40, 10)) as pilot:
        table = app.query_one(DataTable)
        table.add_column("Name", key="name", width=6)
        table.add_row("lpar1", key="r0")
        await pilot.pause()
        assert table._row_locations.get_key(0) == "r0"
        assert table._data["r0"]["name"] == "lpar1"
        assert isinstance(table._show_hover_cursor, bool)
        assert isinstance(table._pseudo_class_state, tuple)
        render = getattr(DataTable, RENDER_CELL)
        lines = render(table, 0, 0, Style(), 8, False, False)
        assert "".join(seg.text for seg in lines[0]) == " lpar1  "


class _Cells(App[None]):
    def compose(self) -> ComposeResult:
        yield DataTable(zebra_stripes=True)


async def test_a_plain_cell_is_made_as_datatable_renders_it() -> None:
    """plain_cell gives DataTable._render_cell's segments, piece for piece and style for
    style (meta included), for every plain text it accepts: widths cropping and filling,
    padding, cursor and hover, both cursor colour priorities, several base styles; and
    declines what Rich would render otherwise (markup, emoji codes, wide characters)."""
    app = _Cells()
    async with app.run_test(size=(40, 10)) as pilot:
        table = app.query_one(DataTable)
        table.add_columns("a", "b")
        table.add_row("x", "y", key="r0")
        await pilot.pause()
        render = getattr(DataTable, RENDER_CELL)
        column = table.ordered_columns[1].key
        compared = 0
        for text in ("a", "0.25", "uncap 128", "████▌       ", "a text longer than cells",
                     " lead", "trail "):
            for width, pad, cursor, hover, priority, base in itertools.product(
                    (1, 3, 5, 8, 14), (0, 1, 2), (False, True), (False, True),
                    ("css", "renderable"),
                    (Style(), Style(bgcolor="black"), Style(color="red", bold=True))):
                table.cell_padding = pad
                table.cursor_foreground_priority = table.cursor_background_priority = priority
                table._data["r0"][column] = text
                table._update_count += 1  # DataTable's own cell cache: render anew
                made = plain_cell(table, 0, 1, text, base, width, cursor, hover)
                if made is None:
                    assert width - 2 * pad < 1
                    continue
                assert made == [list(line) for line in render(table, 0, 1, base, width,
                                                               cursor, hover)]
                compared += 1
        assert compared > 600
        for declined in ("[b]x[/b]", ":smile:", "日本", "tab\there", ""):
            assert plain_cell(table, 0, 1, declined, Style(), 8, False, False) is None


class _Lines(Screen[None]):
    def compose(self) -> ComposeResult:
        yield Label("built off screen")


class _Modes(App[None]):
    MODES: ClassVar[dict[str, Any]] = {"a": Screen, "b": _Lines}
    DEFAULT_MODE = "a"


async def test_a_mode_built_and_drawn_off_screen_is_the_one_switched_to_unrestyled(
        monkeypatch: pytest.MonkeyPatch) -> None:
    app = _Modes()
    async with app.run_test(size=(40, 5)) as pilot:
        assert not mode_built(app, "b")
        screen = build_mode(app, "b")
        await pilot.pause()
        assert mode_built(app, "b") and screen.is_mounted and app.screen is not screen
        draw_off_screen(app, screen)
        assert screen.query_one(Label).size.width == len("built off screen")
        restyles: list[bool] = []
        monkeypatch.setattr(app, "refresh_css", lambda animate=True: restyles.append(animate))
        await app.switch_mode("b")
        await pilot.pause()
        assert app.screen is screen and restyles == []


async def test_the_compositor_names_a_line_compositor_relies_on() -> None:
    """textual.screen builds each Screen's compositor by the name Compositor (from
    textual._compositor), whose _render_chops(crop, is_rendered_line) paints every update
    (full, partial, screenshots): per screen line, a mapping of each cut to its strip."""
    import textual.screen as textual_screen
    from textual._compositor import Compositor
    from textual.geometry import Region

    assert issubclass(getattr(textual_screen, SCREEN_COMPOSITOR), Compositor)
    assert getattr(LineCompositor, RENDER_CHOPS) is not getattr(Compositor, RENDER_CHOPS)
    app = ToastApp()
    async with app.run_test(size=(20, 4)) as pilot:
        await pilot.pause()
        compositor = app.screen._compositor
        assert isinstance(compositor, Compositor)
        chops = getattr(Compositor, RENDER_CHOPS)(compositor, Region(0, 0, 20, 4),
                                                  lambda y: y == 0)
        assert len(chops) == 4 and all(strip is None for strip in chops[1].values())
        assert "main" in "".join(strip.text for strip in chops[0].values())


class _Keys(App[None]):
    BINDINGS: ClassVar[list[Any]] = [("x", "bell", "Ring")]

    def compose(self) -> ComposeResult:
        yield Footer()


async def test_compose_footer_keys_composes_the_keys_before_the_footer_was_told() -> None:
    app = _Keys()
    async with app.run_test(size=(40, 5)) as pilot:
        await pilot.pause()
        footer = app.screen.query_one(Footer)
        footer.set_reactive(Footer._bindings_ready, False)
        assert list(footer.compose()) == []  # what Textual's Footer does before it is told
        composed: list[Any] = []  # in the footer's own context: its keys bind to it
        footer.call_later(lambda: composed.extend(compose_footer_keys(footer)))
        await pilot.pause()
        assert footer._bindings_ready is True
        keys = composed
        assert [(k.key, k.description) for k in keys if isinstance(k, FooterKey)] == [
            ("x", "Ring"), ("ctrl+p", "palette")]


class _KeptLabel(Screen[None]):
    def compose(self) -> ComposeResult:
        yield Label("kept")

    def on_mount(self) -> None:
        mark_styled(self)


class _KeptModes(App[None]):
    MODES: ClassVar[dict[str, Any]] = {"a": Screen, "b": _KeptLabel}
    DEFAULT_MODE = "a"


async def test_switch_mode_holds_and_lays_out_which_at_once_skips_while_they_stand(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """switch_mode begins with self.delay_update() (a 50 ms batch), lays the screen out
    through Screen._screen_resized(app.size) -> _refresh_layout, and runs App.refresh_css
    when the screen's _css_update_count is not the app's; Screen._compositor.size is the
    size of its last layout; a widget's refresh(layout=True) on a screen that is away sets
    Screen._layout_required, which its first update once shown honours.
    switch_mode_at_once shadows the first two for a screen whose layout and styles stand,
    and does nothing (None) for a mode never shown, the current one, a size changed since or
    a restyle due."""
    assert callable(getattr(Screen, SCREEN_RESIZED))
    holds: list[float] = []
    hold = App.delay_update

    def holding(self: App[Any], delay: float = 0.05) -> None:
        holds.append(delay)
        hold(self, delay)

    monkeypatch.setattr(App, "delay_update", holding)
    layouts: list[object] = []
    real = Screen._refresh_layout

    def counting(self: Screen[Any], *args: Any, **kwargs: Any) -> None:
        if isinstance(self, _KeptLabel):
            layouts.append(args)
        real(self, *args, **kwargs)

    monkeypatch.setattr(Screen, "_refresh_layout", counting)
    app = _KeptModes()
    async with app.run_test(size=(40, 5)) as pilot:
        assert switch_mode_at_once(app, "b") is None  # never shown: Textual builds it
        await app.switch_mode("b")
        assert holds == [0.05] and app._batch_count == 1
        await pilot.pause(0.1)  # past the hold
        screen = app.screen
        label = screen.query_one(Label)
        assert screen._css_update_count == app._css_update_count  # mark_styled at its mount
        assert screen._compositor.size == app.size and layout_stands(screen, app.size)
        assert switch_mode_at_once(app, "b") is None  # already there
        restyles: list[bool] = []
        monkeypatch.setattr(app, "refresh_css", lambda animate=True: restyles.append(animate))
        await app.switch_mode("a")
        await app.switch_mode("b")  # Textual's own: the hold and a layout
        await pilot.pause(0.1)
        assert holds == [0.05, 0.05, 0.05] and layouts[-1] == ((40, 5),)
        await app.switch_mode("a")
        await pilot.pause(0.1)
        layouts.clear()
        await switch_mode_at_once(app, "b")
        assert app.current_mode == "b" and app._batch_count == 0
        assert holds == [0.05, 0.05, 0.05, 0.05] and SCREEN_RESIZED not in vars(screen)
        assert "delay_update" not in vars(app)  # the shadows are gone
        await pilot.pause(0.1)
        assert layouts == []  # the same size, nothing asked: the layout it had
        await app.switch_mode("a")
        label.update("two\nlines")  # height auto: asks for a layout while away
        await pilot.pause(0.1)
        assert screen._layout_required and layout_stands(screen, app.size)
        await switch_mode_at_once(app, "b")
        await pilot.pause(0.1)
        # Done by the screen's update (no size given), not by the switch (the app's size).
        assert layouts and all(args == () for args in layouts) and label.size == (5, 2)
        await app.switch_mode("a")
        await pilot.resize_terminal(30, 6)  # resized while away
        assert switch_mode_at_once(app, "b") is None  # its layout is for 40x5
        assert restyles == []  # no switch restyled the app
        app._css_update_count += 1  # what a theme change does
        assert switch_mode_at_once(app, "b") is None


async def test_a_mode_screen_is_styled_at_minus_one_and_its_first_visit_marks_another() -> None:
    """Why mark_styled: Textual's count of a new mode screen is -1, and its first visit
    (App._init_mode's refresh_css) marks the screen switched from, so the second restyles."""
    app = _Modes()
    async with app.run_test(size=(40, 5)) as pilot:
        first = app.screen
        await app.switch_mode("b")
        await pilot.pause(0.1)
        assert app.screen._css_update_count == -1
        assert first._css_update_count == app._css_update_count


def test_the_xterm_parser_says_when_a_lone_escape_times_out() -> None:
    """QuietLinuxDriver's input thread sleeps until XTermParser._timeout_time (None: nothing
    pending) and then calls tick(), which gives the Escape key."""
    from textual._xterm_parser import XTermParser

    parser = XTermParser()
    assert getattr(parser, PARSER_TIMEOUT) is None
    assert list(parser.feed("\x1b")) == []
    due = getattr(parser, PARSER_TIMEOUT)
    assert due is not None and 0 < due - time.monotonic() < 1
    time.sleep(max(0.0, due - time.monotonic()) + 0.01)
    assert [e.key for e in parser.tick() if isinstance(e, events.Key)] == ["escape"]
    assert getattr(parser, PARSER_TIMEOUT) is None


def test_linux_driver_reads_input_in_the_loop_quiet_linux_driver_replaces() -> None:
    """QuietLinuxDriver replaces LinuxDriver.run_input_thread (a 0.1 s select loop feeding
    XTermParser and ticking it) and keeps its exit flag, `exit_event`, which
    LinuxDriver.disable_input sets, joins the thread on and clears."""
    loop = inspect.getsource(LinuxDriver.run_input_thread)
    assert "selector.select(0.1)" in loop and "self.exit_event.is_set()" in loop
    assert "tick()" in loop and "XTermParser(self._debug)" in loop
    disable = inspect.getsource(LinuxDriver.disable_input)
    assert "self.exit_event.set()" in disable and "self.exit_event.clear()" in disable
