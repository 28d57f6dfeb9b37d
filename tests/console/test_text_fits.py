"""Text that must not be cut off or covered (issue 16, item 11)."""

from __future__ import annotations

import pytest
from textual.widgets import Footer

from hmc_tui.app import HmcApp


@pytest.mark.parametrize("size", [(120, 40), (80, 24), (60, 20)])
async def test_the_palette_key_reaches_the_right_edge(app: HmcApp, size: tuple[int, int]) -> None:
    """The compact footer's key margin left the last column to a key scrolled under the
    palette key: a stray "3" at the right of the footer at 80x24 (it ended at 79)."""
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        footer = app.screen.query_one(Footer)
        palette = footer.query_one(".-command-palette")
        assert palette.region.right == size[0] == footer.region.right


async def test_a_refusal_wraps_inside_a_pool_dialog(app: HmcApp) -> None:
    """The pool dialog's message was a Label as wide as its text: cut at the dialog edge."""
    from textual.widgets import Label

    from hmc_tui.widgets.pool_dialogs import ChangePoolDialog

    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("2", "right_square_bracket", "c")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, ChangePoolDialog)
        message = "HSCL0A0D " + "the pool's maximum must hold its entitled capacity " * 3
        dialog.show_error(message.strip())
        await pilot.pause()
        error = dialog.query_one("#dialog-error", Label)
        box = error.parent.content_region  # type: ignore[union-attr]
        assert error.region.right <= box.right and error.region.height == 3


async def test_notices_leave_the_live_indicator_visible(app: HmcApp) -> None:
    from hmc_tui.widgets.status_bar import StatusBar

    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await pilot.pause()
        app.notify("a notice that would have covered the right end of the status line")
        await pilot.pause()
        await pilot.pause(0.3)
        toast = app.screen.query_one("#textual-toastrack").query_one("Toast")
        status = app.screen.query_one(StatusBar)
        assert toast.region.bottom <= status.region.y


async def test_rec_shows_while_recording_and_live_stays_at_60_columns(
        app: HmcApp, tmp_path: object) -> None:
    from pathlib import Path

    from hmc_tui.widgets.status_bar import StatusBar

    async with app.run_test(size=(60, 20)) as pilot:
        await pilot.pause()
        bar = app.screen.query_one(StatusBar)
        line = str(bar.render())
        assert len(line) == 60 and line.endswith(" LIVE ") and "REC" not in line
        app.start_recording(Path(str(tmp_path)) / "m.toml")
        await pilot.pause()
        line = str(bar.render())
        assert len(line) == 60 and line.endswith(" REC   LIVE ") and "…" in line
        assert "REC" in app.export_screenshot()  # repainted now, not at the next tick
        app.stop_recording()
        await pilot.pause()
        assert str(bar.render()).endswith(" LIVE ") and "REC" not in str(bar.render())
        assert "REC" not in app.export_screenshot()
