"""Recording: every key the console receives, with the engine time since the previous one.

`RecordingMixin.on_event` sees each key before bindings and focus routing (docs/textual.md
section 9), so keys typed into an Input are recorded too. Per key it stores the engine
seconds since the previous key (replayed exactly in headless runs), the wall milliseconds
(informational) and the screen the key was pressed on.

The start state travels with the macro: the frame as it was when recording began is saved
next to it (`NAME.frame.toml`) and named in the header. The console's own frame file keeps
changing as the console runs, so replaying from it later would start somewhere else.

Keys that are about recording rather than the runbook are left out: the keys that quit the
console, and the command-palette keys that stopped the recording.
"""

from __future__ import annotations

import time
from datetime import datetime
from pathlib import Path
from typing import Any

import tomli_w
from textual import events
from textual.app import SystemCommand

from engine.hmc import Hmc
from engine.model import Frame
from engine.store import FrameFileError, atomic_write_bytes, data_dir, save_hmc
from hmc_tui import __version__
from hmc_tui.macros.format import FORMAT_VERSION
from hmc_tui.macros.keys import is_key_name, text_to_keys

__all__ = ["Recorder", "RecordingMixin", "default_macro_path", "recording_commands"]

PALETTE_SCREEN = "CommandPalette"
CONFIRM_SCREEN = "ConfirmDialog"
QUIT_ACTIONS = ("request_quit", "quit_anywhere", "quit")


def default_macro_path() -> Path:
    """<data dir>/macros/macro-YYYYmmdd-HHMMSS.toml (wall clock: it names a file)."""
    return data_dir() / "macros" / f"macro-{datetime.now():%Y%m%d-%H%M%S}.toml"


def frame_file_for(path: Path) -> Path:
    return path.with_name(f"{path.stem}.frame.toml")


class Recorder:
    """The steps of one recording and its header; knows nothing about Textual."""

    def __init__(self, path: Path, *, frame: Frame | Hmc, start_time: float, seed: int = 0,
                 clock: str = "realtime", speed: float = 1.0, source: str = "",
                 size: tuple[int, int] | None = None, theme: str = "",
                 keymap: dict[str, str] | None = None) -> None:
        self.path = path
        self.frame = frame  # the start state, saved next to the macro
        self.header: dict[str, Any] = {
            "format": FORMAT_VERSION, "hmc_tui": __version__,
            "frame": frame_file_for(path).name, "source": source, "seed": seed,
            "clock": clock, "speed": speed, "theme": theme, "keymap": dict(keymap or {}),
        }
        self.size = size
        self.steps: list[dict[str, Any]] = []
        self._last_time = start_time
        self._last_wall = time.monotonic()
        self._quit_from: int | None = None  # first step of a quit request

    @property
    def key_count(self) -> int:
        return sum(1 for s in self.steps if "key" in s or "text" in s)

    def _timing(self, engine_time: float) -> dict[str, Any]:
        wall = time.monotonic()
        after = round(max(engine_time - self._last_time, 0.0), 2)
        timing: dict[str, Any] = {"after": after} if after else {}  # 0 is the default
        timing["wall_ms"] = round((wall - self._last_wall) * 1000)
        self._last_time, self._last_wall = engine_time, wall
        return timing

    def key(self, key: str, engine_time: float, screen: str) -> None:
        if not is_key_name(key):  # a key this terminal names oddly: say so, keep going
            self.note(f"key {key!r} on {screen} was not recorded (no portable name)")
            return
        if screen != CONFIRM_SCREEN:
            self._quit_from = None  # a quit that was answered "no" is over
        self.steps.append({"key": key, **self._timing(engine_time), "screen": screen})

    def paste(self, text: str, engine_time: float, screen: str) -> None:
        try:
            text_to_keys(text)
        except ValueError:
            self.note(f"a paste on {screen} was not recorded (it holds untypeable text)")
            return
        timing = self._timing(engine_time)
        self.steps.append({"text": text, **({"after": timing["after"]} if "after" in timing
                                            else {})})

    def note(self, comment: str) -> None:
        self.steps.append({"comment": comment})

    def quit_requested(self) -> None:
        """The key just recorded asked to quit (a confirmation may follow)."""
        self._quit_from = max(len(self.steps) - 1, 0)

    def quitting(self) -> None:
        """The console is exiting: drop the keys that made it quit (a quit key and its
        confirmation, or the palette's Quit). An exit from code drops nothing."""
        if self._quit_from is not None:
            del self.steps[self._quit_from:]
            return
        tail = len(self.steps)  # the palette's Quit may be confirmed (confirm_quit)
        while tail and self.steps[tail - 1].get("screen") == CONFIRM_SCREEN:
            tail -= 1
        if tail and self.steps[tail - 1].get("screen") == PALETTE_SCREEN:
            del self.steps[tail:]
            self.drop_palette_tail()

    def drop_palette_tail(self) -> None:
        """Drop the palette keys that stopped the recording, and the key that opened it."""
        while self.steps and self.steps[-1].get("screen") == PALETTE_SCREEN:
            self.steps.pop()
        if self.steps and "key" in self.steps[-1]:
            self.steps.pop()

    def to_toml(self) -> str:
        """`[macro]` then one `[[step]]` table per step, one `name = value` per line."""
        header = {k: v for k, v in self.header.items() if v not in ("", {}, None)}
        if self.size is not None:
            header["size"] = list(self.size)
        lines = [
            f"# hmc-tui keystroke macro, recorded {datetime.now():%Y-%m-%d %H:%M}.",
            f"# Replay: hmc-tui replay {self.path.name} [--headless]",
            "# after: engine seconds since the previous step; wall_ms and screen: as recorded.",
            "", "[macro]", *_table(header),
        ]
        for step in self.steps:
            lines += ["", "[[step]]", *_table(step)]
        return "\n".join(lines) + "\n"

    def save(self) -> Path:
        """Write the start frame, then the macro (both atomically)."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        save_hmc(Hmc.of(self.frame), frame_file_for(self.path))
        atomic_write_bytes(self.path, self.to_toml().encode("utf-8"))
        return self.path


def _toml_value(value: Any) -> str:
    """One TOML value on one line (tomli-w spreads arrays over several lines)."""
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{ " + ", ".join(_table(value)) + " }" if value else "{}"
    return tomli_w.dumps({"v": value}).removeprefix("v = ").strip()


def _table(data: dict[str, Any]) -> list[str]:
    """`name = value` lines, names quoted where TOML needs it ("lpar.activate")."""
    return [f"{tomli_w.dumps({k: 0}).rsplit(' = ', 1)[0]} = {_toml_value(v)}"
            for k, v in data.items()]


class RecordingMixin:
    """Recording for HmcApp: `class RecordingApp(RecordingMixin, HmcApp)`, or in HmcApp's
    own bases (then the palette's start/stop commands work in every console)."""

    recorder: Recorder | None = None
    engine_seed: int = 0  # set by whoever built the engine; goes into the header
    frame_source: str = ""  # the frame file the console runs on (informational)
    saved_recording: Path | None = None  # written when the console quit while recording
    saved_keys = 0
    recording_error = ""

    # -- start / stop
    def start_recording(self, path: Path | None = None) -> Recorder:
        app: Any = self
        snap = app.hmc_console.snapshot()
        size = (app.size.width, app.size.height) if app.is_running else None
        config = getattr(app, "config", None)
        self.recorder = Recorder(
            (path or default_macro_path()).expanduser().absolute(),
            frame=Hmc.model_construct(systems=snap.frames),
            start_time=snap.time, seed=self.engine_seed, clock=snap.clock.mode,
            speed=snap.clock.speed, source=self.frame_source, size=size,
            theme=getattr(config, "theme", ""), keymap=getattr(config, "keymap", None),
        )
        self._recording_changed()
        return self.recorder

    def stop_recording(self, *, from_palette: bool = False) -> Path | None:
        """Save and stop; the file written (None when not recording)."""
        recorder, self.recorder = self.recorder, None
        if recorder is None:
            return None
        self._recording_changed()
        if from_palette:
            recorder.drop_palette_tail()
        if recorder.size is None:
            app: Any = self
            recorder.size = (app.size.width, app.size.height)
        return recorder.save()

    def _recording_changed(self) -> None:
        """The status line shows REC while recording: have it look again now (it listens to
        the app's snapshot signal), not at the next engine tick."""
        app: Any = self
        signal = getattr(app, "snapshot_signal", None)
        if signal is not None and app.is_running:
            signal.publish(app.snapshot)

    # -- hooks into the app
    async def on_event(self, event: events.Event) -> None:
        recorder = self.recorder
        if recorder is not None and not event.is_forwarded:
            if isinstance(event, events.Key | events.Paste | events.MouseDown):
                self._record_input(recorder, event)
            elif isinstance(event, events.Resize):
                recorder.size = (event.size.width, event.size.height)
        await super().on_event(event)  # type: ignore[misc]

    def _record_input(self, recorder: Recorder, event: events.Event) -> None:
        app: Any = self
        now = app.hmc_console.snapshot().time
        screen = type(app.screen).__name__
        if isinstance(event, events.Key):
            recorder.key(event.key, now, screen)
        elif isinstance(event, events.Paste):
            recorder.paste(event.text, now, screen)
        elif isinstance(event, events.MouseDown):
            recorder.note(f"mouse click at {event.screen_x},{event.screen_y} on {screen} "
                          "not recorded: macros replay keys only")

    async def run_action(self, action: Any, *args: Any, **kwargs: Any) -> bool:
        name = action if isinstance(action, str) else getattr(action, "name", str(action))
        if self.recorder is not None and str(name).split("(")[0] in QUIT_ACTIONS:
            self.recorder.quit_requested()
        return await super().run_action(action, *args, **kwargs)  # type: ignore[misc]

    def exit(self, *args: Any, **kwargs: Any) -> None:
        """Quitting saves a running recording (without the keys that quit)."""
        recorder = self.recorder
        if recorder is not None:
            recorder.quitting()
            self.saved_keys = recorder.key_count
            try:
                self.saved_recording = self.stop_recording()
            except (OSError, FrameFileError) as exc:  # said once the terminal is back
                self.recording_error = f"{recorder.path}: macro not saved: {exc}"
        super().exit(*args, **kwargs)  # type: ignore[misc]


def recording_commands(app: RecordingMixin) -> list[SystemCommand]:
    """The palette's start / stop command; HmcApp.get_system_commands yields these."""
    ui: Any = app

    def start() -> None:
        recorder = app.start_recording()
        ui.notify(f"Recording keystrokes to {recorder.path}. Stop from the palette.",
                  title="Recording", timeout=6)

    def stop() -> None:
        path = app.stop_recording(from_palette=True)
        ui.notify(f"Macro saved to {path}.\nReplay: hmc-tui replay {path}", title="Recording",
                  timeout=10)

    if app.recorder is None:
        return [SystemCommand("Start recording keystrokes",
                              "record a macro (replay with hmc-tui replay FILE)", start)]
    return [SystemCommand(f"Stop recording keystrokes ({app.recorder.key_count} so far)",
                          f"save the macro to {app.recorder.path}", stop)]
