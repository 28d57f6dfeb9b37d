"""SVG snapshots of the partition configuration screens at 120x40 and 80x24: the wizard's
first page and its summary (a vSCSI pair on vios1, the commands shown before Finish), the
delete dialog and the profile editor. Deterministic as test_console_snapshots.py is; update
with `pytest tests/console/test_partition_config_snapshots.py --snapshot-update`."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import pytest
from console_helpers import make_app, select, wait_for
from textual.pilot import Pilot

Before = Callable[[Pilot[object]], Awaitable[None]]


async def open_wizard(pilot: Pilot[object]) -> None:
    """n, then wait until the wizard has its name field focused (keys typed before it is
    mounted would reach the overview)."""
    await pilot.press("n")
    await wait_for(pilot, lambda: getattr(pilot.app.focused, "id", None) == "name")


async def wizard_general(pilot: Pilot[object]) -> None:
    await open_wizard(pilot)
    await pilot.press(*"lp12")
    await pilot.pause()


async def wizard_summary(pilot: Pilot[object]) -> None:
    await open_wizard(pilot)
    await pilot.press(*"lp12", "enter", "enter", "enter")
    await pilot.click("#add-adapter")
    await pilot.click("#next")
    await pilot.pause()


async def delete(pilot: Pilot[object]) -> None:
    await select(pilot, "sandbox01")
    await pilot.press("x")
    await pilot.pause()


async def profiles(pilot: Pilot[object]) -> None:
    await select(pilot, "oradb01")
    await pilot.press("e")
    await pilot.pause()


SCREENS: dict[str, Before] = {
    "wizard-general": wizard_general, "wizard-summary": wizard_summary, "delete": delete,
    "profiles": profiles,
}


@pytest.mark.parametrize("size", [(120, 40), (80, 24)], ids=["120x40", "80x24"])
@pytest.mark.parametrize("screen", list(SCREENS))
def test_config_screen_snapshot(snap_compare: Callable[..., bool], screen: str,
                                size: tuple[int, int]) -> None:
    assert snap_compare(make_app(), terminal_size=size, run_before=SCREENS[screen])
