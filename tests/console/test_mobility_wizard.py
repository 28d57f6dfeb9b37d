"""The migration wizard (hmc_tui/screens/mobility_wizard.py) on a console that manages the
demo E1080 and a DR E1050 (tests/engine/mobility/mobility_frames.py): every finding listed
with its explanation, then a migration followed to the end with the progress bar, and an
SVG snapshot of the validated wizard."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

from console_helpers import make_app, select, step, text, wait_for
from textual.pilot import Pilot
from textual.widgets import ProgressBar, Select, Static

_FRAMES = str(Path(__file__).resolve().parents[1] / "engine" / "mobility")
if _FRAMES not in sys.path:
    sys.path.insert(0, _FRAMES)

from mobility_frames import DR, dr_frame  # noqa: E402

from engine.hmc import Hmc  # noqa: E402
from engine.service import Engine  # noqa: E402
from engine.store import demo_frame  # noqa: E402
from hmc_tui.app import HmcApp  # noqa: E402
from hmc_tui.console import LocalConsole  # noqa: E402
from hmc_tui.screens.mobility_wizard import MigrationWizard  # noqa: E402


def two_systems() -> LocalConsole:
    prod = demo_frame()
    return LocalConsole(Engine(Hmc(systems=(prod, dr_frame(prod))), mode="stepped"))


async def open_wizard(pilot: Pilot[object], name: str) -> MigrationWizard:
    app = pilot.app
    assert isinstance(app, HmcApp)
    await pilot.pause()
    if app.current_mode != "overview":  # the All Systems view first: enter the E1080
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.current_mode == "overview")
    await select(pilot, name)
    await app.run_action("migrate_partition")
    await wait_for(pilot, lambda: isinstance(app.screen, MigrationWizard)
                   and app.screen.ready)
    assert isinstance(app.screen, MigrationWizard)
    return app.screen


async def test_validate_lists_findings_then_migrate_with_progress() -> None:
    console = two_systems()
    app = make_app(console)
    async with app.run_test(size=(120, 50)) as pilot:
        wizard = await open_wizard(pilot, "nim01")
        assert wizard.query_one("#target", Select).value == DR
        await pilot.click("#validate")
        shown = text(wizard.query_one("#findings", Static))
        assert "ERROR HSCL1327 The virtual SCSI adapter in slot 2 of partition nim01" in shown
        assert "Logical volumes and virtual optical media stay behind" in shown
        # and what the VIOS found, as migrlpar -d 2 prints it
        assert "    vios1: vtopt0 maps /var/vio/VMLibrary/aix73_tl2.iso (file), not a " \
            "physical volume" in shown
        await pilot.click("#ok")  # refused by the validation shown, nothing started
        await pilot.pause()
        assert not console.snapshot().frames[0].migrations
        await pilot.press("escape")

        wizard = await open_wizard(pilot, "was01")
        await pilot.click("#validate")
        assert text(wizard.query_one("#findings", Static)).startswith(
            "Validation passed: partition ID 4 on the target, MSPs vios1 -> drvios1, "
            "pool DefaultPool.")
        assert str(wizard.query_one("#command", Static).content) == (
            f"$ migrlpar -o m -m Server-9080-HEX-SN78H4A21 -t {DR} -p was01")
        await pilot.click("#ok")
        await wait_for(pilot, lambda: wizard.started)
        await step(pilot, console, 15)
        bar = wizard.query_one("#progress", ProgressBar)
        assert 5 < (bar.progress or 0) < 95
        assert text(wizard.query_one("#status", Static)).startswith(
            "Migration In Progress: ")
        # the source system's view shows the partition migrating
        assert app.snapshot.frame.partition("was01").state == "Migrating - Running"  # type: ignore[union-attr]
        await step(pilot, console, 60)
        assert bar.progress == 100
        assert text(wizard.query_one("#status", Static)).strip() == (
            f"Migration complete: was01 is Running on {DR} (ID 4).")
        await pilot.click("#cancel")
        await wait_for(pilot, lambda: not isinstance(app.screen, MigrationWizard))


async def validated(pilot: Pilot[object]) -> None:
    wizard = await open_wizard(pilot, "oradb01")
    await pilot.press("ctrl+v")  # a key, not a click: no mouse hover left on the screen
    # the findings are drawn on the next refresh: wait for them, not for a fixed pause
    await wait_for(pilot, lambda: str(wizard.query_one("#findings", Static).content) != "")
    await pilot.pause()


def test_wizard_snapshot(snap_compare: Callable[..., bool]) -> None:
    assert snap_compare(make_app(two_systems()), terminal_size=(120, 50),
                        run_before=validated)
