"""What a replay runs in: the macro's frame, and the console app with a replay's needs.

`ReplayApp` is the real HmcApp (same screens, same bindings, same operations), plus: the
notifications it shows are kept so `text` and `error` conditions can read them (toasts time
out on the wall clock and are off in headless runs), and settings are never written (a
macro that changes the theme must not change the user's config file).
"""

from __future__ import annotations

import html
import inspect
import re
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rich.cells import cell_len

from engine.hmc import Hmc
from engine.model import Frame
from engine.store import demo_frame, ensure_user_frame, load_hmc
from hmc_tui.app import HmcApp
from hmc_tui.console import LocalConsole
from hmc_tui.macros.check import View
from hmc_tui.macros.format import Header

__all__ = ["FrameChoice", "ReplayApp", "app_css_path", "resolve_frame", "screen_text",
           "svg_text"]

DEMO = "demo"
USER = "user"


@dataclass(frozen=True)
class FrameChoice:
    frame: Frame | Hmc  # every managed system of the file
    label: str  # how messages name it: "demo", "user (/path/frame.toml)" or a path
    path: Path | None  # the file it came from (None: built-in demo frame)
    warning: str = ""  # set when it is not the frame the macro was recorded on


def _load(ref: str, base: Path) -> tuple[Frame | Hmc, Path | None, str]:
    if ref == DEMO:
        return demo_frame(), None, "the built-in demo frame"
    if ref == USER:
        path = ensure_user_frame()
        return load_hmc(path), path, f"your frame file {path}"
    path = Path(ref).expanduser()
    if not path.is_absolute():
        path = base / path  # recorded next to the macro: travels with it
    return load_hmc(path), path, str(path)


def resolve_frame(header: Header, macro_path: Path, override: Path | None) -> FrameChoice:
    """The frame to replay on: `--frame FILE` (with a warning), else the header's.
    Raises engine.store.FrameFileError for a frame file that cannot be used."""
    if override is None:
        frame, path, label = _load(header.frame, macro_path.parent)
        return FrameChoice(frame, label, path)
    frame, path, label = _load(str(override), Path.cwd())
    warning = (f"warning: replaying against {label}, not the frame the macro was recorded on "
               f"({header.frame}); keys may land on different partitions")
    return FrameChoice(frame, label, path, warning)


# One <text> element of an SVG screenshot: Rich writes each run of same-styled characters
# at its cell offset (x) with its width in pixels (textLength) on its terminal line.
_SVG_TEXT = re.compile(r'<text class="[^"]*" x="([\d.]+)" y="[\d.]+" textLength="([\d.]+)" '
                       r'clip-path="url\(#[^"]*-line-(\d+)\)">([^<]*)</text>')


def svg_text(svg: str) -> str:
    """The characters of an SVG screenshot (export_screenshot()), one line per terminal row,
    each run of text at its column; trailing blanks dropped."""
    runs: dict[int, list[tuple[int, str]]] = {}
    for x, length, line, content in _SVG_TEXT.findall(svg):
        text = html.unescape(content).replace("\xa0", " ")
        cells = cell_len(text)
        if not cells:
            continue
        column = round(float(x) * cells / float(length))  # pixels per cell from this run
        runs.setdefault(int(line), []).append((column, text))
    lines = []
    for row in range(max(runs, default=-1) + 1):
        line = ""
        for column, text in sorted(runs.get(row, [])):
            line += " " * max(column - cell_len(line), 0) + text
        lines.append(line.rstrip())
    return "\n".join(lines)


def screen_text(app: HmcApp) -> str:
    """The terminal as plain text: the active screen with the screens a dialog leaves
    visible, read from the SVG screenshot Textual exports (its public API for what is shown)."""
    return svg_text(app.export_screenshot())


def app_css_path() -> str:
    """HmcApp's CSS_PATH made absolute: Textual resolves a relative one against the module
    of the class being run, and a subclass lives in another package."""
    return str(Path(inspect.getfile(HmcApp)).parent / HmcApp.CSS_PATH)


@dataclass(frozen=True)
class Notice:
    text: str
    engine_time: float
    wall_time: float
    timeout: float


class ReplayApp(HmcApp):
    """HmcApp for replays; `hmc_console` must be a LocalConsole (the engine is ours)."""

    CSS_PATH = app_css_path()

    def __init__(self, console: LocalConsole, **kwargs: Any) -> None:
        super().__init__(console, **kwargs)
        self.history_path = None  # a replay neither recalls nor writes the user's : history
        self.command_history = []
        self.macro_notices: list[Notice] = []
        self.engine_clock_notices = True  # headless: notices expire in engine seconds

    def notify(self, message: str, *, title: str = "", severity: Any = "information",
               timeout: float | None = None, markup: bool = True) -> None:
        shown = timeout if timeout is not None else self.NOTIFICATION_TIMEOUT
        self.macro_notices.append(Notice(" ".join(filter(None, (title, str(message)))),
                                         self.hmc_console.snapshot().time, time.monotonic(),
                                         shown))
        super().notify(message, title=title, severity=severity, timeout=timeout,
                       markup=markup)

    def save_settings(self) -> Path | None:
        return None  # a replay never writes the user's config

    def current_notices(self) -> list[str]:
        """Notifications on screen now: within their timeout, measured on the engine clock
        in headless runs (deterministic) and on the wall clock in interactive ones."""
        now_engine = self.hmc_console.snapshot().time
        now_wall = time.monotonic()
        return [
            n.text for n in self.macro_notices
            if (now_engine - n.engine_time if self.engine_clock_notices
                else now_wall - n.wall_time) <= n.timeout
        ]

    def view(self) -> View:
        return View(self.hmc_console.snapshot(), type(self.screen).__name__,
                    lambda: screen_text(self), self.current_notices(), self.terminal_text)

    def terminal_text(self, name: str) -> str | None:
        """The screen of the partition's terminal this console has open (shown or not)."""
        p = self.hmc_console.snapshot().frame.partition(name)
        session = self.terminals.get(p.id) if p is not None else None
        return session.vt.text() if session is not None else None

    def steady_cursors(self) -> None:
        """Stop cursor blinking (a wall-clock timer) so screenshots are reproducible."""
        for screen in self.screen_stack:
            for widget in screen.walk_children(with_self=False):
                if getattr(widget, "cursor_blink", False):
                    widget.cursor_blink = False  # type: ignore[attr-defined]
