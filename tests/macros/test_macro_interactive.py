"""Replay in the visible console: the engine's clock runs, keys follow the recorded pace,
a toast shows the progress, escape stops it. Run here under Textual's headless driver."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from textual import events

from engine.service import Engine
from hmc_tui.console import LocalConsole
from hmc_tui.macros.headless import replay_config
from hmc_tui.macros.interactive import InteractiveReplayApp
from hmc_tui.macros.load import load_macro
from hmc_tui.macros.replay import ReplayReport
from hmc_tui.macros.session import resolve_frame

WriteMacro = Callable[..., Path]
MACRO = """
[[step]]
comment = "open the events screen"

[[step]]
key = "4"
after = 2.0

[[step]]
wait = { screen = "EventsScreen" }
timeout = 5

[[step]]
key = "1"
after = 1.0

[[step]]
expect = { screen = "OverviewScreen" }

[[step]]
wait = 600
"""


async def start(path: Path, speed: float) -> tuple[InteractiveReplayApp, ReplayReport, Engine]:
    loaded = load_macro(path)
    choice = resolve_frame(loaded.macro.header, loaded.path, None)
    engine = Engine(choice.frame, mode="realtime")
    console = LocalConsole(engine)
    console.set_speed(speed)
    engine.start()
    report = ReplayReport(macro=str(path), frame=choice.label)
    app = InteractiveReplayApp(console, loaded, report, config=replay_config(loaded))
    return app, report, engine


async def until(check: Callable[[], bool], seconds: float = 60.0) -> None:
    deadline = asyncio.get_running_loop().time() + seconds
    while not check():
        assert asyncio.get_running_loop().time() < deadline, "timed out"
        await asyncio.sleep(0.05)


async def test_replays_at_engine_pace_and_escape_stops(write_macro: WriteMacro) -> None:
    app, report, engine = await start(write_macro(MACRO), speed=5.0)
    try:
        async with app.run_test(size=(100, 30), notifications=True) as _pilot:
            await until(lambda: len(report.steps) == 5)  # now in the 600 s wait
            assert app.replaying and app.sub_title == "replay 6/6"
            assert report.ok and [s.status for s in report.steps] == ["ok"] * 5
            # Recorded pace: 2 + 1 engine seconds before the keys, at 5x.
            assert report.steps[3].engine_time >= 3.0
            # The user's keys are held back, escape stops the replay.
            app.post_message(events.Key("down", None))
            app.post_message(events.Key("escape", None))
            await until(lambda: not app.replaying)
            assert report.stopped and len(report.steps) == 5
            assert type(app.screen).__name__ == "OverviewScreen"
    finally:
        engine.stop()


async def test_failure_is_shown_and_reported(write_macro: WriteMacro,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("hmc_tui.macros.interactive.EXPECT_GRACE", 0.2)
    path = write_macro('[[step]]\nexpect = { partition = "dev02", state = "Running" }\n')
    app, report, engine = await start(path, speed=1.0)
    notices: list[str] = []
    try:
        async with app.run_test(size=(100, 30), notifications=True) as _pilot:
            await until(lambda: not app.replaying and bool(report.steps))
            notices = [n.text for n in app.macro_notices]
    finally:
        engine.stop()
    assert not report.ok and report.exit_code == 1
    assert "step 1 (expect): expected partition dev02 state Running" in report.failure
    assert any("dev02 is Not Activated" in n for n in notices)


def test_cli_without_headless_runs_the_visible_replay(
        write_macro: WriteMacro, cli: Callable[[list[str]], int],
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    async def drive(app: InteractiveReplayApp) -> None:
        async with app.run_test(size=(100, 30)) as pilot:
            await until(lambda: not app.replaying and bool(app.report.steps))
            await pilot.press("q")

    def fake_run(self: InteractiveReplayApp, **_: Any) -> None:
        asyncio.run(drive(self))

    monkeypatch.setattr(InteractiveReplayApp, "run", fake_run)
    path = write_macro('[[step]]\nkey = "2"\nafter = 0.5\n\n[[step]]\n'
                       'expect = { screen = "PoolsScreen" }\n')
    assert cli(["replay", str(path), "--speed", "50"]) == 0
    assert "2 steps replayed, every expectation held" in capsys.readouterr().out
