"""Small helpers for Pilot-driven console tests (a module with its own name: `conftest` is
a different module in every test folder, so tests import from here, not from it)."""

from __future__ import annotations

import io
import time
from collections.abc import Callable

from rich.console import Console
from textual.pilot import Pilot
from textual.widget import Widget
from textual.widgets import Static

from engine.service import Engine
from engine.store import demo_frame
from hmc_tui.app import HmcApp
from hmc_tui.config import Config
from hmc_tui.console import LocalConsole
from hmc_tui.screens.overview import OverviewScreen
from hmc_tui.widgets.partition_table import PartitionTable


def make_console() -> LocalConsole:
    """The demo frame on a lockstep engine: nothing moves until a test steps it."""
    return LocalConsole(Engine(demo_frame(), mode="stepped"))


def make_app(console: LocalConsole | None = None, config: Config | None = None) -> HmcApp:
    return HmcApp(console or make_console(), config=config or Config())


async def wait_for(pilot: Pilot[object], predicate: Callable[[], bool],
                   timeout: float = 3.0) -> None:
    """Let the app run until `predicate()` holds (no fixed sleeps)."""
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError("timed out waiting for the app")
        await pilot.pause(0.02)


async def step(pilot: Pilot[object], console: LocalConsole, seconds: float) -> None:
    """Advance the lockstep engine and deliver the snapshot as the app's timer would."""
    console.step(seconds)
    app = pilot.app
    assert isinstance(app, HmcApp)
    app.refresh_from_engine()
    await pilot.pause()


def table(app: HmcApp) -> PartitionTable:
    screen = app.screen_stack[0] if app.current_mode == "overview" else app.screen
    if not isinstance(screen, OverviewScreen):
        screen = next(s for s in app.screen_stack if isinstance(s, OverviewScreen))
    return screen.table


def lpar_id(app: HmcApp, name: str) -> int:
    p = app.snapshot.frame.partition(name)
    assert p is not None
    return p.id


async def select(pilot: Pilot[object], name: str) -> None:
    """Put the table cursor on a partition."""
    app = pilot.app
    assert isinstance(app, HmcApp)
    assert table(app).select(lpar_id(app, name))
    await pilot.pause()


def text(widget: Widget) -> str:
    """What a Static shows, as plain text (also for Rich renderables such as tables)."""
    content = widget.content if isinstance(widget, Static) else widget.render()
    console = Console(width=200, file=io.StringIO(), record=True, color_system=None)
    console.print(content)
    return console.export_text()
