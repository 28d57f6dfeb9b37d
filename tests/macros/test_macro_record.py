"""Recording: the file a session produces, and record -> replay giving the same frame."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest

from engine.service import Engine
from engine.store import demo_frame, load_frame
from hmc_tui.app import HmcApp
from hmc_tui.config import Config
from hmc_tui.console import LocalConsole
from hmc_tui.macros.entry import record_console
from hmc_tui.macros.format import CommentStep, KeyStep, TextStep
from hmc_tui.macros.headless import run_headless
from hmc_tui.macros.load import load_macro, parse_macro
from hmc_tui.macros.record import Recorder
from hmc_tui.macros.session import app_css_path, resolve_frame


def recorder(tmp_path: Path, **kwargs: Any) -> Recorder:
    return Recorder(tmp_path / "m.toml", frame=demo_frame(), start_time=0.0, **kwargs)


def test_recorded_file_is_clean_and_valid(tmp_path: Path) -> None:
    rec = recorder(tmp_path, seed=7, clock="accelerated", speed=10.0, source="demo",
                   size=(100, 30), keymap={"lpar.activate": "f6"})
    rec.key("down", 1.25, "OverviewScreen")
    rec.key("a", 1.25, "OverviewScreen")
    rec.paste("oradb01", 3.0, "CommandScreen")
    rec.key("<weird>", 3.0, "OverviewScreen")
    path = rec.save()
    text = path.read_text()
    assert '[macro]\nformat = 1\nhmc_tui = "0.1.0"\nframe = "m.frame.toml"\nsource = "demo"\n' \
        'seed = 7\nclock = "accelerated"\nspeed = 10.0\nkeymap = { "lpar.activate" = "f6" }\n' \
        "size = [100, 30]\n" in text
    assert '[[step]]\nkey = "down"\nafter = 1.25\nwall_ms = ' in text
    assert '[[step]]\nkey = "a"\nwall_ms = ' in text  # after = 0 is the default: left out
    macro, _ = parse_macro(text, str(path))
    down, a, paste, weird = macro.steps
    assert isinstance(down, KeyStep) and down.after == 1.25 and down.screen == "OverviewScreen"
    assert isinstance(a, KeyStep) and a.after == 0
    assert isinstance(paste, TextStep) and paste.text == "oradb01" and paste.after == 1.75
    assert isinstance(weird, CommentStep) and "'<weird>'" in weird.comment
    assert macro.header.keymap == {"lpar.activate": "f6"} and macro.header.size == (100, 30)
    assert load_frame(tmp_path / "m.frame.toml") == demo_frame()  # the start state


def test_quit_keys_are_left_out(tmp_path: Path) -> None:
    rec = recorder(tmp_path)
    rec.key("down", 0, "OverviewScreen")
    rec.key("q", 0, "OverviewScreen")
    rec.quit_requested()
    rec.key("n", 0, "ConfirmDialog")  # "no": the quit is off ...
    rec.key("up", 0, "OverviewScreen")
    rec.key("q", 0, "OverviewScreen")  # ... and the second one is answered "yes"
    rec.quit_requested()
    rec.key("y", 0, "ConfirmDialog")
    rec.quitting()
    assert [s["key"] for s in rec.steps] == ["down", "q", "n", "up"]
    palette = recorder(tmp_path)
    for key, screen in (("down", "OverviewScreen"), ("ctrl+p", "OverviewScreen"),
                        ("s", "CommandPalette"), ("enter", "CommandPalette")):
        palette.key(key, 0, screen)
    palette.drop_palette_tail()
    assert [s["key"] for s in palette.steps] == ["down"]


class PaletteApp(HmcApp):
    """HmcApp (the mixin in its bases, the commands in its palette), CSS found from tests."""

    CSS_PATH = app_css_path()


async def test_record_then_replay_gives_the_same_frame(tmp_path: Path) -> None:
    """Keys recorded in a Pilot session (the engine stepped between them, as time passing)
    replay headless to the same frame; the palette's start/stop keys are not recorded."""
    console = LocalConsole(Engine(demo_frame(), seed=3))
    app = PaletteApp(console, config=Config())
    app.engine_seed = 3
    path = tmp_path / "drill.toml"
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        app.start_recording(path)
        # Dialogs, a confirmation, keys typed into the filter Input, a mode switch.
        session = [(["down", "down", "s"], 1.5), (["tab", "tab", "enter"], 0.5), (["y"], 1.0),
                   (["slash", "o", "r", "a", "enter"], 12.0), (["2"], 2.0)]
        for keys, seconds in session:
            console.step(seconds)
            app.refresh_from_engine()
            await pilot.pause()
            await pilot.press(*keys)
        assert type(app.screen).__name__ == "PoolsScreen"
        await pilot.press("ctrl+p", *"stop rec", "enter")
        await pilot.pause()
        assert app.recorder is None and path.exists()
        recorded = console.engine.frame_to_save()
    loaded = load_macro(path)
    keys = [k for s in loaded.macro.steps if isinstance(s, KeyStep) for k in s.keys]
    assert keys == [k for ks, _ in session for k in ks]
    assert [s.after for s in loaded.macro.steps if isinstance(s, KeyStep) and s.after] == \
        [1.5, 0.5, 1.0, 12.0, 2.0]
    assert loaded.macro.header.seed == 3 and loaded.macro.header.size == (100, 30)
    report, replayed = await run_headless(loaded, resolve_frame(loaded.macro.header,
                                                                loaded.path, None))
    assert report.ok and report.warnings == []
    assert replayed.engine.frame_to_save() == recorded
    assert recorded.partition(3).state == "Not Activated"


def test_record_console_writes_the_macro_on_exit(tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    """`hmc-tui --record FILE`: the console runs (here headless), keys are recorded, the
    quit key is not, and the file is written when the console exits."""

    async def drive(app: HmcApp) -> None:
        async with app.run_test(size=(100, 30)) as pilot:
            await pilot.press("down", "4", "1", "q", "y")

    def fake_run(self: HmcApp, **_: Any) -> int:
        asyncio.run(drive(self))
        return 0

    monkeypatch.setattr(HmcApp, "run", fake_run)
    console = LocalConsole(Engine(demo_frame(), seed=0))
    path = tmp_path / "sub" / "session.toml"
    assert record_console(console, path, config=Config(), frame_source="demo") == 0
    assert capsys.readouterr().err == \
        f"hmc-tui: recorded 3 keys to {path} (replay: hmc-tui replay {path})\n"
    macro = load_macro(path).macro
    assert [s.key for s in macro.steps if isinstance(s, KeyStep)] == ["down", "4", "1"]
    assert macro.header.source == "demo" and macro.header.clock == "stepped"
    assert (tmp_path / "sub" / "session.frame.toml").exists()
    assert record_console(console, tmp_path, config=Config()) == 2  # a directory
