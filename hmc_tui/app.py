"""The Textual console: modes, global keys, the snapshot timer, operations, config, themes.

Contract the screens rely on (hmc_tui/screens/host.py declares it; docs/architecture.md):

- `HmcApp(console, *, config=None, refresh_hz=5.0)`; `app.hmc_console` is the HMC Console
  (not `app.console`: Textual's App owns that name for its Rich console, which renders every
  widget; replacing it breaks rendering). `app.snapshot` is the
  latest applied Snapshot. A timer pulls `console.snapshot()` at `refresh_hz`, skips an
  unchanged `version`, stores it, calls `show_snapshot(snap)` on the active screen (and on the
  screens a modal dialog covers) and publishes it on `app.snapshot_signal`. Screens refresh
  from `app.snapshot` when resumed. Space freezes the display; the engine keeps running.
  While someone types, a snapshot with only live figures moved waits for LIVE_FIGURES_EVERY
  (they all change in one tick, once a second); frame changes show at the next pull.
  Unvisited Pools/VIOS/Events screens are built while the console is quiet (prebuild.py).
  Nobody typing for ACTIVE_FOR seconds, the timer slows to IDLE_INTERVAL (a real HMC
  refreshes in seconds) and asks the console for as few snapshots (`Console.pace`); the
  next key or click brings the newest snapshot at once and the full rate back.
- `await app.run_operation(op) -> OpResult`: applies an operation without blocking the UI;
  success is notified briefly, callers show refusals in place.
- `run_console(console, config=None) -> int`: the entry point `hmc-tui` calls.

A restricted console (a remote user's) keeps its settings in that user's own file and never
shows a traceback: an unexpected error is logged in the state dir and the user sees one line.
"""

from __future__ import annotations

import asyncio
import sys
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from textual import events
from textual.app import App, SystemCommand
from textual.binding import Binding, BindingType
from textual.driver import Driver
from textual.reactive import reactive
from textual.screen import Screen
from textual.signal import Signal
from textual.timer import Timer

from engine.errors import HmcError
from engine.model import TRANSITIONAL_STATES
from engine.ops import Operation
from engine.service import OpResult
from engine.snapshot import Snapshot
from engine.store import atomic_write_bytes, config_dir, data_dir
from hmc_tui import partition_search
from hmc_tui.command_history import history_path, load_history
from hmc_tui.command_mode import Alias
from hmc_tui.config import (
    Config,
    ConfigFileError,
    config_path,
    load_config,
    save_config,
    user_config_path,
)
from hmc_tui.console import Console
from hmc_tui.crash_log import internal_error_message, log_internal_error
from hmc_tui.gc_tuning import IdleCollector
from hmc_tui.hmccli import CommandResult, run_command
from hmc_tui.keymap_check import keymap_warnings
from hmc_tui.macros.record import RecordingMixin, recording_commands
from hmc_tui.palette import PartitionCommands
from hmc_tui.prebuild import PREBUILD_MODES, Prebuilder
from hmc_tui.screens.command import CommandScreen
from hmc_tui.screens.config_actions import PartitionConfigActions
from hmc_tui.screens.dialogs import ActivateDialog, ConfirmDialog, DlparDialog, ShutdownDialog
from hmc_tui.screens.dialogs.system_power import PowerOffDialog, PowerOnDialog
from hmc_tui.screens.events import EventsScreen
from hmc_tui.screens.help import HelpScreen, help_rows
from hmc_tui.screens.host import ConsoleHost
from hmc_tui.screens.overview import OverviewScreen
from hmc_tui.screens.pools import PoolsScreen
from hmc_tui.screens.properties import PropertiesScreen
from hmc_tui.screens.system import SystemScreen
from hmc_tui.screens.systems import SystemsScreen
from hmc_tui.screens.terminal import TerminalScreen
from hmc_tui.screens.vios import ViosScreen
from hmc_tui.screens.vnet import VnetScreen
from hmc_tui.system_view import SystemView
from hmc_tui.terminals import Terminals
from hmc_tui.textual_compat import (
    paint_only_dirty_lines,
    quiet_input_driver,
    route_unhandled_exceptions,
    share_css_parses,
    start_in_mode,
    switch_mode_at_once,
)
from hmc_tui.widgets.partition_table import COLUMNS, PHYSC_SECONDS
from themes import DEFAULT_THEME, STATE_VARIABLES, shipped_themes, user_themes

# Engine clock speeds offered by +/- (engine seconds per wall second).
SPEEDS = (1.0, 2.0, 5.0, 10.0, 30.0, 60.0, 120.0, 300.0, 600.0, 1800.0, 3600.0)
MODE_TITLES = {"systems": "All Systems", "overview": "Frame overview",
               "pools": "Pool utilisation",
               "vios": "VIOS adapter mapping", "events": "Events", "vnet": "Virtual networks"}
DIALOGS = {"activate": ActivateDialog, "shutdown": ShutdownDialog, "dlpar": DlparDialog}
# The app's screen keys, which do not act under a modal screen (a dialog, the : line, help):
# they would change the clock or the screen under the dialog (ctrl+q, ctrl+s, ? and Tab do).
SCREEN_ACTIONS = frozenset({"request_quit", "command_line", "goto", "back", "toggle_live",
                            "clock_speed", "clock_pause", "command_palette"})


def next_speed(current: float, step: int) -> float:
    """The next offered speed above (step 1) or below (step -1) the current one."""
    if step > 0:
        return next((s for s in SPEEDS if s > current + 1e-9), SPEEDS[-1])
    return next((s for s in reversed(SPEEDS) if s < current - 1e-9), SPEEDS[0])


# What `:vtmenu` says: its menu of partitions is the overview itself (`:mkvterm` opens the
# partition's terminal window).
TERMINAL_WINDOW_HINT = ("vtmenu: in this console a partition's terminal opens in the terminal "
                        "window: use the terminal window (t) on the partition, or :mkvterm "
                        "-m SYSTEM -p PARTITION.\n")


ACTIVE_FOR = 5.0  # seconds after the last key or click during which refresh_hz applies
IDLE_INTERVAL = 2.0  # seconds between refreshes after that
WAKE_DELAY = 0.03  # after the first key of an idle console: the newest snapshot's way here
# While someone types, a snapshot in which only live figures moved (clock, physc, pool use) is
# applied at most this often: the status line, header, physc column and Pools figures then
# change in one tick (one compositor pass, one write) instead of on phases of their own.
# The physc column's own pace, so the two agree on which tick shows the figures.
LIVE_FIGURES_EVERY = PHYSC_SECONDS


class HmcApp(RecordingMixin, PartitionConfigActions, App[int]):
    TITLE = "hmc-tui"
    CSS_PATH = "app.tcss"
    MODES: ClassVar[dict[str, str | Callable[[], Screen[Any]]]] = {
        "systems": SystemsScreen,
        "overview": OverviewScreen,
        "pools": PoolsScreen,
        "vios": ViosScreen,
        "events": EventsScreen,
        "vnet": VnetScreen,
    }
    DEFAULT_MODE = "overview"
    COMMANDS = App.COMMANDS | {PartitionCommands}
    BINDINGS: ClassVar[list[BindingType]] = [
        # Footer order: on narrow terminals the footer cuts from the right, so help, quit
        # and the command line come before the screen keys.
        Binding("question_mark", "help", "Help", id="app.help"),
        Binding("q", "request_quit", "Quit", id="app.quit"),
        Binding("colon", "command_line", "Command", id="app.command"),
        Binding("0", "goto('systems')", "Systems", id="nav.systems"),
        Binding("1", "goto('overview')", "Overview", id="nav.overview"),
        Binding("2", "goto('pools')", "Pools", id="nav.pools"),
        Binding("3", "goto('vios')", "VIOS", id="nav.vios"),
        Binding("4", "goto('events')", "Events", id="nav.events"),
        Binding("5", "goto('vnet')", "Networks", show=False, id="nav.vnet"),
        # ctrl+q works anywhere, dialogs included, and asks only when work is in flight.
        Binding("ctrl+q", "quit_anywhere", "Quit", show=False, priority=True,
                id="app.quit_anywhere"),
        Binding("escape", "back", "Back", show=False, id="app.back"),
        Binding("space", "toggle_live", "Freeze/resume display", show=False, id="app.live"),
        Binding("plus,equals_sign", "clock_speed(1)", "Engine clock faster", show=False,
                id="clock.faster"),
        Binding("minus", "clock_speed(-1)", "Engine clock slower", show=False,
                id="clock.slower"),
        Binding("P", "clock_pause", "Pause/resume engine clock", show=False, id="clock.pause"),
        Binding("ctrl+s", "save_svg", "Save screenshot (SVG)", show=False, priority=True,
                id="app.screenshot"),
        Binding("ctrl+c", "help_quit", show=False, system=True),
    ]

    frozen: reactive[bool] = reactive(False)

    def __init__(self, console: Console, *, config: Config | None = None,
                 refresh_hz: float = 5.0) -> None:
        share_css_parses()  # a first visit to a screen parsed all the CSS again, twice
        paint_only_dirty_lines()  # a live figure drew every line between it and the next
        super().__init__()
        # Several managed systems: the screens see one at a time (hmc_tui/system_view.py)
        self.system_view = SystemView(console) if console.snapshot().several else None
        self.hmc_console: Console = self.system_view or console
        self.refresh_hz = refresh_hz
        self.commands_running = 0  # `:` line commands under way (migrlpar -o m waits)
        self.snapshot: Snapshot = console.snapshot()
        self.snapshot_signal: Signal[Snapshot] = Signal(self, "snapshot")
        # The : line's history is the user's own and survives restarts (command_history.py).
        self.history_path = history_path(console.actor.user)
        self.command_history: list[str] = load_history(self.history_path)
        self.terminals = Terminals(console)  # open terminal sessions (hmc_tui/terminals.py)
        self.notices: list[str] = []  # problems found at start, shown once mounted
        self._ops_running = 0
        self.last_input = 0.0  # monotonic time of the last key or click
        self.idle = False  # refreshing at IDLE_INTERVAL (nobody typed for ACTIVE_FOR)
        self.active_since = time.monotonic()
        self._pull: Timer | None = None
        self._live_applied = 0.0  # monotonic time a snapshot was last applied
        self._wake_due = False  # woken by a key or click: the newest shown WAKE_DELAY later
        # Unvisited screens, built while the console is quiet (hmc_tui/prebuild.py).
        self.prebuild = Prebuilder(self, list(PREBUILD_MODES))
        if self.system_view is not None:
            # The HMC's All Systems view first: started in the overview and switched at
            # mount, a login composed, styled and drew the overview first (~0.1 s of CPU,
            # and the wrong screen flashed). The overview is built once the console is quiet.
            start_in_mode(self, "systems")
            self.prebuild.to_build.insert(0, "overview")
        self._config_writable = True
        self.settings_path: Path | None = None
        keymap_source: Path | None = None  # the file the keymap was read from, if any
        try:
            self.settings_path = self._settings_path()
            if config is None:
                config = load_config(self.settings_path)
                keymap_source = self.settings_path
        except ConfigFileError as exc:
            self._config_writable = False  # never save over a file the user must fix
            self.notices.append(f"{exc} (using defaults; the file is left as it is)")
        self.config = config or Config()
        if console.restricted:  # a remote user never sees a traceback (see crash_log)
            route_unhandled_exceptions(self, self._internal_error)
        self._register_themes()
        if self.config.keymap:
            self.notices += keymap_warnings(self.config.keymap, keymap_source,
                                            _read_text(keymap_source), type(self))
            self.set_keymap(self.config.keymap)

    # ------------------------------------------------------------------ themes and config
    def _settings_path(self) -> Path:
        """A remote user's settings are that user's own; the server's config is the local
        user's (their theme must not change every viewer's)."""
        if self.hmc_console.restricted:
            return user_config_path(self.hmc_console.actor.user)
        return config_path()

    def _register_themes(self) -> None:
        for theme in shipped_themes():
            self.register_theme(theme)
        themes, errors = user_themes(config_dir() / "themes")
        for theme in themes:
            self.register_theme(theme)
        self.notices += errors
        name = self.config.theme
        if name not in self.available_themes:
            self.notices.append(f"Theme {name!r} is not installed; using {DEFAULT_THEME}.")
            name = DEFAULT_THEME
        self.theme = name

    def get_theme_variable_defaults(self) -> dict[str, str]:
        # Textual's own themes lack the partition-state colours the TCSS uses.
        return dict(STATE_VARIABLES)

    def _theme_changed(self, theme: Any) -> None:
        if theme.name == self.config.theme:
            return
        self.config.theme = theme.name
        self.save_settings()

    def save_settings(self) -> Path | None:
        """Write the config; None (and a notice) when the file on disk is broken."""
        if not self._config_writable or self.settings_path is None:
            self.notify("Settings not saved: fix the config file first.", severity="warning")
            return None
        try:
            return save_config(self.config, self.settings_path,
                               private=self.hmc_console.restricted)
        except ConfigFileError as exc:
            self.notify(str(exc), severity="error")
            return None

    # ------------------------------------------------------------------ start
    def get_driver_class(self) -> type[Driver]:
        # Textual's terminal driver polls for input ten times a second, idle or not.
        return quiet_input_driver(super().get_driver_class())

    def on_mount(self) -> None:
        self.theme_changed_signal.subscribe(self, self._theme_changed)
        self.active_since = time.monotonic()
        self._pull = self.set_interval(1 / self.refresh_hz, self._pull_tick, name="engine-pull")
        self.prebuild.start()
        self.hmc_console.pace(1 / self.refresh_hz)
        if self.system_view is not None:  # the HMC's All Systems view first
            self.sub_title = MODE_TITLES["systems"]
        for notice in self.notices:
            self.notify(notice, severity="warning", timeout=10)
        if self.collector is not None:
            self.call_after_refresh(self.collector.start)

    # Set by run_console (a console process of its own): see hmc_tui/gc_tuning.py.
    collector: IdleCollector | None = None

    async def on_event(self, event: events.Event) -> None:
        # Input time, for work that can wait while the user types (the physc column's
        # repaint, full garbage collections). Runs before any binding or widget sees it.
        if isinstance(event, events.Key | events.MouseDown):
            self.last_input = time.monotonic()
            if self.collector is not None:
                self.collector.input_seen()
            if self.idle:
                self._set_idle(False)
        await super().on_event(event)

    # ------------------------------------------------------------------ pacing
    def _pull_tick(self) -> None:
        live = self._moving()
        if (not self.idle and not live
                and time.monotonic() - max(self.last_input, self.active_since) > ACTIVE_FOR):
            self._set_idle(True)
        elif self.idle and live:
            self._set_idle(False)
        # Something moving (a migration, a `:` command waiting) shows at the full pace.
        self.refresh_from_engine(coalesce=not self.idle and not live)

    def _moving(self) -> bool:
        """Something the screens show moving that nobody typed for: a `:` command waiting
        (migrlpar -o m) or a partition migration on any system. The console then keeps its
        full pace, so both systems' views follow the move (not one look every 2 s)."""
        return self.commands_running > 0 or any(f.migrations for f in self.snapshot.frames)

    def _set_idle(self, idle: bool) -> None:
        """Switch the snapshot timer (and what the console asks of the service) between the
        full rate and IDLE_INTERVAL."""
        self.idle = idle
        if self._pull is not None:
            self._pull.stop()
        interval = IDLE_INTERVAL if idle else 1 / self.refresh_hz
        self._pull = self.set_interval(interval, self._pull_tick, name="engine-pull")
        # Active: no more snapshots than the timer shows (the service publishes at 10 Hz).
        self.hmc_console.pace(IDLE_INTERVAL if idle else 1 / self.refresh_hz)
        if not idle:  # the service pushes the newest snapshot on `pace`: show it at once
            self.active_since = time.monotonic()
            self._wake_due = True
            self.set_timer(WAKE_DELAY, self._wake_refresh)

    def _wake_refresh(self) -> None:
        if self._wake_due:  # not after a screen switch (action_goto says why)
            self._wake_due = False
            self.refresh_from_engine()

    def _adopt_newest(self) -> None:
        """Before a screen switch: the console's newest snapshot becomes the app's without
        being shown on the screen switched from (hidden next, it would be updated for
        nobody); the screen switched to shows it as it resumes."""
        if self.frozen or not self.is_running:
            return
        snap = self.hmc_console.snapshot()
        if snap.version != self.snapshot.version:
            self.snapshot = snap
            self.snapshot_signal.publish(snap)

    # ------------------------------------------------------------------ snapshots
    def refresh_from_engine(self, *, coalesce: bool = False) -> bool:
        """Pull the newest snapshot and show it; False when frozen or nothing changed.
        `coalesce` (the 5 Hz timer): a snapshot with only live figures moved waits until
        LIVE_FIGURES_EVERY has passed since the last one shown."""
        if not self.is_running:  # shutting down: the screens are being taken apart
            return False
        if self.collector is not None:
            self.collector.tick()
        if not self.hmc_console.connected:  # the engine service went away
            reason = self.hmc_console.close_reason or "connection closed"
            self.exit(1, message=f"hmc-tui: the engine service is gone: {reason}")
            return False
        if self.frozen:
            return False
        snap = self.hmc_console.snapshot()
        if snap.version == self.snapshot.version:
            return False
        if coalesce and only_live_moved(self.snapshot, snap) \
                and time.monotonic() - self._live_applied < LIVE_FIGURES_EVERY:
            return False
        self._live_applied = time.monotonic()
        self.apply_snapshot(snap)
        return True

    def apply_snapshot(self, snap: Snapshot) -> None:
        self.snapshot = snap
        with self.batch_update():
            for screen in self._live_screens():
                show = getattr(screen, "show_snapshot", None)
                if show is not None:
                    show(snap)
            self.snapshot_signal.publish(snap)

    def _live_screens(self) -> list[Screen[Any]]:
        """The active screen and, under a modal dialog, the screens it leaves visible; only
        those mounted: a screen just pushed has no widgets to update yet (it reads
        `app.snapshot` in its on_mount)."""
        screens: list[Screen[Any]] = []
        for screen in reversed(self.screen_stack):
            if screen.is_mounted:
                screens.append(screen)
            if not screen.is_modal:
                break
        return list(reversed(screens))

    def watch_frozen(self, frozen: bool) -> None:
        if not frozen:
            self.refresh_from_engine()

    # ------------------------------------------------------------------ operations
    async def run_operation(self, op: Operation) -> OpResult:
        """Apply `op` through the console without blocking the UI."""
        self._ops_running += 1
        try:
            result = await self.hmc_console.run(op)
        finally:
            self._ops_running -= 1
        if result.ok:
            command = result.event.command
            self.notify(command or "Done.", title="Done", timeout=4)
        self.refresh_from_engine()
        return result

    def busy_reasons(self) -> list[str]:
        """Why quitting now would cut something short."""
        snap = self.hmc_console.snapshot()
        reasons = []
        queued = self._ops_running + snap.in_flight
        if queued:
            reasons.append(f"{queued} operation(s) not yet applied")
        for frame in snap.frames:  # every managed system's transitions
            where = f" on {frame.system.name}" if snap.several else ""
            reasons += [f"{p.name}{where} is {p.state}" for p in frame.partitions
                        if p.state in TRANSITIONAL_STATES]
        return reasons

    # ------------------------------------------------------------------ navigation
    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        keys_of = self.prebuild.keys_of
        if action in SCREEN_ACTIONS and keys_of is None and self.modal_on_top():
            return False  # a dialog keeps its keys: neither they nor the footer leak
        if action == "goto" and parameters and parameters[0] == "systems" \
                and self.system_view is None:
            return False  # one managed system: its overview is the top
        # No footer key for the screen you are on.
        current = keys_of or self.current_mode
        return not (action == "goto" and parameters and parameters[0] == current)

    def modal_on_top(self) -> bool:
        try:
            return self.screen.is_modal
        except Exception:  # no screen yet (starting) or any more (exiting)
            return False

    async def action_goto(self, mode: str) -> None:
        if mode == self.current_mode:
            while len(self.screen_stack) > 1 and not self.screen.is_modal:
                self.pop_screen()
            return
        # A screen already shown comes back at once (Textual holds every switch 50 ms), with
        # the console's newest snapshot (its resume handler shows app.snapshot), drawn once.
        # After the key that woke an idle console that snapshot is up to IDLE_INTERVAL old;
        # the one the service sends on waking, in which everything on the screen moved
        # again, shows at the live figures' next tick (a frame change at the next pull), not
        # 30 ms later: fifty consoles woken in one second by a class starting to type each
        # drew their screen twice within it (docs/scale.md section 3).
        self._wake_due = False
        self._adopt_newest()
        self._live_applied = time.monotonic()  # the live figures are shown with the screen
        switched = switch_mode_at_once(self, mode)
        await (self.switch_mode(mode) if switched is None else switched)
        self.refresh_from_engine()  # one that came during the switch
        self.sub_title = MODE_TITLES.get(mode, mode)

    async def action_back(self) -> None:
        if len(self.screen_stack) > 1:
            self.pop_screen()
        elif self.current_mode != self.DEFAULT_MODE:
            await self.action_goto(self.DEFAULT_MODE)

    async def open_system(self, key: str | int) -> bool:
        """Go into managed system `key`'s overview (index, name or MTMS); the other screens
        then show it too. False, with HSCL8014 shown, when there is no such system."""
        try:
            if self.system_view is not None:
                self.system_view.select(key)
            elif not isinstance(key, int):
                self.snapshot.index(key)  # the only system, by its name or MTMS
        except HmcError as err:
            self.notify(str(err), severity="error", timeout=6)
            return False
        self.apply_snapshot(self.hmc_console.snapshot())
        await self.action_goto("overview")
        return True

    async def goto_partition(self, lpar_id: int, properties: bool = False) -> bool:
        """Select a partition in the overview (and open its properties)."""
        if self.snapshot.frame.partition(lpar_id) is None:
            return False
        await self.action_goto("overview")
        screen = self.screen
        if isinstance(screen, OverviewScreen):
            screen.select_partition(lpar_id)
        if properties:
            await self.push_screen(PropertiesScreen(lpar_id))
        return True

    def open_dialog(self, kind: str, lpar_id: int) -> None:
        self.push_screen(DIALOGS[kind](lpar_id))

    async def open_terminal_window(self, lpar_id: int) -> bool:
        """Show the partition's terminal window, opening a session if this console has none
        (one per partition, as on the HMC); a refusal is shown in the HMC's words."""
        p = self.snapshot.frame.partition(lpar_id)
        if p is None:
            return False
        for screen in self.screen_stack:  # already open in this mode: back to it
            if isinstance(screen, TerminalScreen) and screen.lpar_id == lpar_id:
                while self.screen is not screen:
                    self.pop_screen()
                return True
        try:
            session = await self.terminals.open(lpar_id)
        except HmcError as err:
            self.notify(str(err), title=f"Open terminal window: {p.name}", severity="error",
                        timeout=10)
            return False
        await self.push_screen(TerminalScreen(session))
        return True

    def close_terminal_window(self, lpar_id: int) -> None:
        """End this console's session on the partition (it keeps running); close its
        window if shown."""
        self.terminals.close(lpar_id)
        screen = self.screen
        if isinstance(screen, TerminalScreen) and screen.lpar_id == lpar_id:
            self.pop_screen()

    # ------------------------------------------------------------------ global actions
    def action_help(self) -> None:
        if isinstance(self.screen, HelpScreen):
            return
        title = getattr(self.screen, "HELP_GROUP", "") or MODE_TITLES.get(
            self.current_mode, type(self.screen).__name__)
        self.push_screen(HelpScreen(title, help_rows(self.screen)))

    def action_command_line(self) -> None:
        self.push_screen(CommandScreen(self.command_history), self._after_command)

    async def _after_command(self, alias: Alias | None) -> None:
        if alias is not None:
            await self.run_alias(alias)

    def action_toggle_live(self) -> None:
        self.frozen = not self.frozen

    def clock(self, change: Callable[[], None], done: str) -> str:
        """Change the shared engine clock; on a served frame only a superadmin may."""
        try:
            change()
        except (HmcError, ValueError) as err:  # ValueError: a speed the engine refuses
            self.notify(str(err), severity="error", timeout=6)
            return str(err)
        self.notify(done, timeout=2)
        self.refresh_from_engine()
        return done

    def action_clock_speed(self, step: int) -> None:
        speed = next_speed(self.hmc_console.snapshot().clock.speed, step)
        self.clock(lambda: self.hmc_console.set_speed(speed),
                   f"Engine clock: {speed:g}× real time")

    def action_clock_pause(self) -> None:
        if self.hmc_console.snapshot().clock.paused:
            self.clock(self.hmc_console.resume, "Engine clock running")
        else:
            self.clock(self.hmc_console.pause, "Engine clock paused")

    def action_save_svg(self) -> Path | None:
        """Save an SVG of the screen to <data dir>/screenshots and say where."""
        if self.hmc_console.restricted:  # never write the server's disk
            self.notify("Screenshots are not saved for remote sessions.", severity="warning")
            return None
        directory = data_dir() / "screenshots"
        directory.mkdir(parents=True, exist_ok=True)
        stamp = f"{self.snapshot.wall:%Y%m%d-%H%M%S}"
        path = directory / f"hmc-tui-{stamp}.svg"
        n = 2
        while path.exists():
            path = directory / f"hmc-tui-{stamp}-{n}.svg"
            n += 1
        svg = self.export_screenshot(title=f"hmc-tui  {self.snapshot.frame.system.name}")
        atomic_write_bytes(path, svg.encode("utf-8"))
        self.notify(f"Screenshot saved to {path}", title="Screenshot", timeout=6)
        return path

    def exit(self, *args: Any, **kwargs: Any) -> None:
        """Leaving the console ends its terminal sessions (the partitions keep running)."""
        self.terminals.close_all()
        super().exit(*args, **kwargs)

    def action_request_quit(self, ask: bool | None = None) -> None:
        """Quit, asking first when work is in flight or (q) when `confirm_quit` is set."""
        reasons = self.busy_reasons()
        if not reasons and not (self.config.confirm_quit if ask is None else ask):
            self.exit(0)
            return
        if any(isinstance(s, ConfirmDialog) for s in self.screen_stack):
            return
        if reasons:
            message = "Still in progress:\n  " + "\n  ".join(reasons[:6]) + \
                "\n\nThe engine finishes transitions on the next start. Quit anyway?"
        else:
            message = ("Leave the console? (confirm_quit = false in config.toml quits "
                       "without asking)")
        self.push_screen(ConfirmDialog("Quit hmc-tui?", message, yes="Quit"),
                         lambda yes: self.exit(0) if yes else None)

    def action_quit_anywhere(self) -> None:
        """ctrl+q: from any screen or dialog; asks only when work is in flight."""
        self.action_request_quit(ask=False)

    # ------------------------------------------------------------------ the : command line
    async def run_alias(self, alias: Alias) -> None:
        """Aliases that leave the command line: navigation, help, quit."""
        if alias.name == "lpar":
            found = partition_search.find(self.snapshot, alias.arg, alias.system)
            if isinstance(found, str):
                self.notify(found, severity="error", timeout=8)
                return
            if found.system != (self.system_view.index if self.system_view else 0):
                await self.open_system(found.system)
            await self.goto_partition(found.lpar_id, properties=True)
        elif alias.name in MODE_TITLES:
            await self.action_goto(alias.name)
        elif alias.name == "system":
            await self.open_system(alias.arg)
        elif alias.name == "help":
            self.action_help()
        elif alias.name == "quit":
            self.action_request_quit()

    def alias_error(self, alias: Alias) -> str | None:
        """Why a navigation alias cannot go where it says (the : line then stays open)."""
        if alias.name == "lpar":
            found = partition_search.find(self.snapshot, alias.arg, alias.system)
            return found if isinstance(found, str) else None
        if alias.name == "system":
            try:
                self.snapshot.index(alias.arg)
            except HmcError as err:
                return str(err)
        return None

    def run_alias_here(self, alias: Alias) -> str:
        """Aliases answered inside the command panel; returns what to print."""
        if alias.name == "speed":
            speed = float(alias.arg)
            return self.clock(lambda: self.hmc_console.set_speed(speed),
                              f"engine clock at {speed:g}× real time")
        if alias.name == "pause":
            return self.clock(self.hmc_console.pause, "engine clock paused")
        if alias.name == "resume":
            return self.clock(self.hmc_console.resume, "engine clock running")
        if alias.name == "theme":
            if alias.arg not in self.available_themes:
                return f"no theme {alias.arg!r}; installed: " + ", ".join(
                    sorted(self.available_themes))
            self.theme = alias.arg
            return f"theme {alias.arg}"
        return ""

    async def run_hmc_command(self, line: str) -> CommandResult:
        """One HMC command line (run_command never raises). It may wait for the engine: off
        the UI thread. A remote (SSH) session must not make the server read files (-f)."""
        self.commands_running += 1
        try:
            result = await asyncio.to_thread(run_command, self.hmc_console, line,
                                             allow_files=not self.hmc_console.restricted)
        finally:
            self.commands_running -= 1
        self.refresh_from_engine()
        request = result.terminal
        if request is not None and request.lpar_id is not None:  # mkvterm: the window
            self.call_later(self._terminal_from_command, request.lpar_id)
            return CommandResult(f"Opening the terminal window of {request.lpar_name}.\n")
        if request is not None:  # vtmenu
            return CommandResult("", TERMINAL_WINDOW_HINT, 1, request)
        return result

    async def _terminal_from_command(self, lpar_id: int) -> None:
        """`:mkvterm`: the command panel closes, the terminal window opens."""
        if isinstance(self.screen, CommandScreen):
            await self.screen.dismiss(None)
        await self.open_terminal_window(lpar_id)

    # ------------------------------------------------------------------ errors
    def _internal_error(self, error: Exception) -> None:
        """An unhandled exception in a remote user's console: the traceback to the log, one
        line to the user, exit status 1 (Textual restores the terminal on the way out)."""
        reference, _ = log_internal_error(error, self.hmc_console.actor.user)
        self.exit(return_code=1)
        self.panic(internal_error_message(reference))

    # ------------------------------------------------------------------ palette
    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        for command in super().get_system_commands(screen):
            if command.title not in ("Quit", "Screenshot"):  # replaced below
                yield command
        for mode, title in MODE_TITLES.items():
            yield SystemCommand(f"Go to {title}", f"switch to the {title} screen",
                                lambda mode=mode: self.run_worker(self.action_goto(mode)))
        yield SystemCommand("Help", "every key of this screen", self.action_help)
        if not self.hmc_console.restricted:  # writes a file: local only
            yield from recording_commands(self)
        yield SystemCommand("Command line", "navigation aliases and HMC commands (:)",
                            self.action_command_line)
        yield SystemCommand("Resume live updates" if self.frozen else "Freeze live updates",
                            "stop or restart applying engine snapshots (space)",
                            self.action_toggle_live)
        yield SystemCommand("Engine clock faster", "speed up simulated time (+)",
                            lambda: self.action_clock_speed(1))
        yield SystemCommand("Engine clock slower", "slow down simulated time (-)",
                            lambda: self.action_clock_speed(-1))
        yield SystemCommand("Engine clock real time", "simulated time at wall-clock speed",
                            lambda: self.run_alias_here(Alias("speed", "1")))
        yield SystemCommand("Pause or resume engine clock", "freeze simulated time (P)",
                            self.action_clock_pause)
        yield SystemCommand("Save screenshot", "an SVG of this screen in the data directory",
                            self.action_save_svg)
        yield SystemCommand("Quit", "leave hmc-tui (asks if work is in progress)",
                            self.action_request_quit)
        yield from self.config_commands(screen)
        yield SystemCommand("Managed system properties", "every figure, by page (M)",
                            lambda: self.push_screen(SystemScreen()))
        yield SystemCommand("Power on managed system", "normal, standby or auto-start",
                            lambda: self.push_screen(PowerOnDialog()))
        yield SystemCommand("Power off managed system", "normal or fast, --force",
                            lambda: self.push_screen(PowerOffDialog()))
        if isinstance(screen, OverviewScreen):
            yield SystemCommand("Filter partitions", "type to narrow the table (/)",
                                screen.action_filter)
            for col in COLUMNS:
                yield SystemCommand(f"Sort partitions by {col.label}",
                                    "again to reverse the order",
                                    lambda key=col.key: screen.table.set_sort(key))


if TYPE_CHECKING:  # mypy checks that HmcApp provides what its screens rely on
    _HOST: type[ConsoleHost] = HmcApp


def only_live_moved(old: Snapshot, new: Snapshot) -> bool:
    """Between `old` and `new` only the running figures moved (engine time, physc, pool use):
    no frame change (a partition's state, an operation's result), no operation queued or
    applied, no event, no clock change. A stepped clock moves only on purpose: never."""
    return (new.frame_version == old.frame_version and new.in_flight == old.in_flight
            and new.clock == old.clock and new.clock.mode != "stepped"
            and new.events[-1:] == old.events[-1:])


def _read_text(path: Path | None) -> str:
    try:
        return path.read_text("utf-8") if path is not None else ""
    except (OSError, UnicodeDecodeError):  # load_config read it a moment ago; no line then
        return ""


def run_console(console: Console, config: Config | None = None) -> int:
    """Run the console until the user quits; the exit status for the `hmc-tui` command."""
    app = HmcApp(console, config=config)
    app.collector = IdleCollector()
    # The engine's clock thread shares the GIL with the UI; Python hands it over every 5 ms
    # by default, which a keystroke may wait for several times. 1 ms halves the typical
    # keystroke-to-repaint time with the engine running (benchmarks/bench_console.py).
    sys.setswitchinterval(0.001)
    result = app.run()
    return result if isinstance(result, int) else (app.return_code or 0)
