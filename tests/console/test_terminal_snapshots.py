"""SVG snapshots of a terminal window at 120x40 and 80x24 (the HMC's 80x24 terminal fits
either; at 80x24 the pane is 22 rows and follows the cursor). Lockstep engine, nothing
stepped: sandbox01 is not activated, so its terminal is blank and keys do nothing; the text
is what the test writes, as a program would. Update with
`pytest tests/console/test_terminal_snapshots.py --snapshot-update` and look at the diff."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from console_helpers import make_app, select, wait_for
from textual.pilot import Pilot

from hmc_tui.screens.terminal import TerminalScreen


async def terminal_with_typing(pilot: Pilot[object]) -> None:
    await select(pilot, "sandbox01")
    await pilot.press("t")
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, TerminalScreen))
    screen = pilot.app.screen
    assert isinstance(screen, TerminalScreen)
    # Colours, bold and reverse as a program draws them, then what the user types.
    screen.session.output("\r\n\x1b[1mAIX Version 7\x1b[0m  \x1b[7m reverse \x1b[0m "
                          "\x1b[31mred\x1b[0m \x1b[42mgreen background\x1b[0m\r\n"
                          "Console login: root")
    await pilot.pause()
    await pilot.press("x")  # the partition is off: nothing happens
    await pilot.pause()


@pytest.mark.parametrize("size", [(120, 40), (80, 24)], ids=["120x40", "80x24"])
def test_terminal_snapshot(snap_compare: Callable[..., bool], size: tuple[int, int]) -> None:
    assert snap_compare(make_app(), terminal_size=size, run_before=terminal_with_typing)
