"""The terminal window on a console of the engine service (`hmc-tui --connect`, the console
over SSH): the session runs over the service's socket (RemoteConsole), output arrives on the
remote console's reader thread, and a second console of the same service is refused with the
HMC's message. The service's engine runs in real time, as served."""

from __future__ import annotations

import asyncio
import shutil
import tempfile
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from console_helpers import make_app, select, wait_for

from engine.errors import HmcError
from engine.service import Engine
from engine.store import demo_frame
from hmc_tui.screens.overview import OverviewScreen
from hmc_tui.screens.terminal import TerminalScreen
from hmc_tui.service.remote import RemoteConsole
from hmc_tui.service.server import EngineService


@pytest.fixture
async def service() -> AsyncIterator[EngineService]:
    short = Path(tempfile.mkdtemp(prefix="hmc", dir="/tmp"))  # socket paths are short
    engine = Engine(demo_frame(), mode="realtime")
    engine.start()
    served = EngineService(engine, short / "s.sock")
    await served.start()
    yield served
    await asyncio.wait_for(served.stop(), 5)
    engine.stop()
    shutil.rmtree(short, ignore_errors=True)


async def test_terminal_window_over_the_service(service: EngineService) -> None:
    first = await asyncio.to_thread(RemoteConsole.open, service.socket_path)
    second = await asyncio.to_thread(RemoteConsole.open, service.socket_path)
    try:
        app = make_app(first)  # type: ignore[arg-type]
        async with app.run_test(size=(100, 30)) as pilot:
            await select(pilot, "test01")
            await pilot.press("t")
            await wait_for(pilot, lambda: isinstance(app.screen, TerminalScreen), 10)
            screen = app.screen
            assert isinstance(screen, TerminalScreen)
            await wait_for(pilot, lambda: "login:" in screen.session.vt.text(), 10)
            await pilot.press("o", "v", "e", "r")
            await wait_for(pilot, lambda: "login: over" in screen.session.vt.text(), 10)
            assert "login: over" in screen.pane.render_line(screen.session.vt.cursor[1]).text
            # Another console of the same service: one session per partition.
            with pytest.raises(HmcError, match="HSCL1000 A terminal session is already open"):
                await asyncio.to_thread(second.open_terminal, "test01", lambda text: None,
                                        lambda reason: None)
            await pilot.press("ctrl+right_square_bracket")
            await wait_for(pilot, lambda: isinstance(app.screen, OverviewScreen), 10)
            # Closed: the other console may open it now.
            link = await asyncio.to_thread(second.open_terminal, "test01", lambda text: None,
                                           lambda reason: None)
            link.close()
    finally:
        first.close()
        second.close()
