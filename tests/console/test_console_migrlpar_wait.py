"""`migrlpar -o m` on the console's `:` line waits for the migration (off the UI thread)
while the screens go on showing it live: the app keeps pulling snapshots at its full rate
during the wait, even when nobody has pressed a key for a while (the idle rate, one every
2 s, used to apply: the overview lagged the engine by that much)."""

from __future__ import annotations

import asyncio
import time
from itertools import pairwise

import pytest
from console_helpers import make_app, table

import hmc_tui.app as app_module
from engine.service import Engine
from engine.store import demo_hmc
from hmc_tui.console import LocalConsole
from hmc_tui.screens.command import CommandScreen

PROD = "Server-9080-HEX-SN78H4A21"
DR = "Server-9043-MRX-SN78K3D05"
SPEED = 20.0  # engine seconds per wall second: was01's ~40 s migration in about 2 s


async def test_migrlpar_waits_and_the_screens_follow(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(app_module, "ACTIVE_FOR", 0.3)  # idle soon after the last key
    engine = Engine(demo_hmc(), mode="stepped")
    console = LocalConsole(engine)
    app = make_app(console)
    try:
        async with app.run_test(size=(160, 40)) as pilot:
            await pilot.pause()
            await pilot.press("enter")  # into the production E1080
            await pilot.pause()
            engine.set_speed(SPEED)
            engine.start()
            seen: list[tuple[float, float, str]] = []  # (wall, app's engine time, state)
            idle: list[bool] = []  # the console's pace while the partition migrates

            def sample() -> bool:
                p = app.snapshot.frame.partition("was01")
                seen.append((time.monotonic(), app.snapshot.time,
                             p.state if p is not None else "gone"))
                if p is not None and p.state == "Migrating - Running":
                    idle.append(app.idle)
                return app.commands_running == 0 and p is None

            async def watch() -> None:  # beside the key presses, which wait for the command
                while not sample():
                    await asyncio.sleep(0.02)

            watcher = asyncio.create_task(watch())
            await pilot.press("colon", *f"migrlpar -o m -m {PROD} -t {DR} -p was01", "enter")
            panel = app.screen
            assert isinstance(panel, CommandScreen)
            await asyncio.wait_for(watcher, timeout=60)
            # the command ended with nothing printed and exit 0 (the HMC's way)
            assert "".join(str(line.text) for line in panel.output.lines) == (
                f":migrlpar -o m -m {PROD} -t {DR} -p was01")
            assert app.snapshot.on(1).frame.partition("was01") is not None  # on the DR
            # the overview was refreshed all along: no gap near the idle rate (2 s)
            # (while the command line was typed, live figures came once a second: coalesced)
            moving = [s for s in seen if s[2].startswith("Migrating")]
            changes = [w for (_, before, _), (w, t, _) in pairwise(moving) if t != before]
            gaps = [b - a for a, b in pairwise(changes)]
            assert len(changes) >= 5 and max(gaps) < 1.0, (gaps, len(idle), sum(idle))
            # a migration under way keeps the console at its full pace
            assert idle and not any(idle)
            await pilot.press("escape")
            await pilot.pause()
            assert table(app).row_count == 10  # of 11: was01 left the E1080's overview
    finally:
        engine.stop()
