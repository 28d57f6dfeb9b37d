"""SVG snapshots of the console's screens and dialogs at 120x40 and 80x24.

Deterministic: lockstep engine at engine time 0 (nothing stepped, so the figures do not depend
on the dispatcher's numbers), no wall clock anywhere on screen, no cursor blink (conftest).
These are sync tests: snap_compare runs the app itself. Update with
`pytest tests/console --snapshot-update` after an intended change, and look at the diff report.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import pytest
from console_helpers import make_app, select
from textual.pilot import Pilot

Before = Callable[[Pilot[object]], Awaitable[None]]


async def overview(pilot: Pilot[object]) -> None:
    await pilot.pause()


async def properties(pilot: Pilot[object]) -> None:
    await select(pilot, "oradb01")
    await pilot.press("enter", "enter")  # the task menu, then its first task
    await pilot.pause()


async def activate(pilot: Pilot[object]) -> None:
    await select(pilot, "dev02")
    await pilot.press("a")
    await pilot.pause()


async def shutdown(pilot: Pilot[object]) -> None:
    await select(pilot, "oradb01")
    await pilot.press("s")
    await pilot.pause()


async def dlpar(pilot: Pilot[object]) -> None:
    await select(pilot, "oradb01")
    await pilot.press("d")
    await pilot.pause()


async def tasks(pilot: Pilot[object]) -> None:
    await select(pilot, "oradb01")
    await pilot.press("enter")  # the partition's task menu, greyed tasks with reasons
    await pilot.pause()


async def system(pilot: Pilot[object]) -> None:
    await pilot.press("M")  # the managed system's properties, General tab
    await pilot.pause()


async def power_off(pilot: Pilot[object]) -> None:
    await pilot.press("M", "f")
    await pilot.pause()


async def help_screen(pilot: Pilot[object]) -> None:
    await pilot.press("question_mark")
    await pilot.pause()


async def quit_question(pilot: Pilot[object]) -> None:
    await pilot.press("q")  # confirm_quit: its own footer, not the overview's keys
    await pilot.pause()


async def dlpar_half_vp(pilot: Pilot[object]) -> None:
    """The typed "0.5" shown as typed, refused naming the field (issue 16, item 1)."""
    await select(pilot, "oradb01")
    await pilot.press("d")
    await pilot.pause()
    await pilot.click("#res-vp")
    await pilot.click("#amount")
    await pilot.press("0", ".", "5", "enter")
    await pilot.pause()


async def pool_refusal(pilot: Pilot[object]) -> None:
    """A refusal wraps inside the pool dialog (it was cut at the dialog's edge)."""
    await pilot.press("2", "right_square_bracket", "c")
    await pilot.pause()
    await pilot.press("backspace", "backspace", "backspace", "1", "enter")  # below its EC
    await pilot.pause(0.2)


async def command_error(pilot: Pilot[object]) -> None:
    await pilot.press("colon", *"lpar nosuch", "enter")  # the line stays open
    await pilot.pause()


SCREENS: dict[str, Before] = {
    "overview": overview, "properties": properties, "activate": activate,
    "shutdown": shutdown, "dlpar": dlpar, "help": help_screen, "quit": quit_question,
    "dlpar-half-vp": dlpar_half_vp, "pool-refusal": pool_refusal,
    "command-error": command_error,
    "tasks": tasks,
    "system": system, "power_off": power_off,
}


@pytest.mark.parametrize("size", [(120, 40), (80, 24)], ids=["120x40", "80x24"])
@pytest.mark.parametrize("screen", list(SCREENS))
def test_screen_snapshot(snap_compare: Callable[..., bool], screen: str,
                         size: tuple[int, int]) -> None:
    assert snap_compare(make_app(), terminal_size=size, run_before=SCREENS[screen])
