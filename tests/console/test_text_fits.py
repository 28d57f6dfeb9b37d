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
