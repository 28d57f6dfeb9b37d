"""The key footer (hmc_tui/widgets/footer.py) is rebuilt only when what it shows changed:
switching back to a screen costs no footer rebuild; a key that changes is shown at once."""

from __future__ import annotations

from typing import Any

import pytest
from textual.widgets._footer import FooterKey

from hmc_tui.app import HmcApp
from hmc_tui.widgets.footer import Footer


def footer_keys(app: HmcApp) -> list[str]:
    return [key.key_display for key in app.screen.query(FooterKey)]


async def test_switching_screens_rebuilds_no_footer_and_a_new_key_shows(
        app: HmcApp, monkeypatch: pytest.MonkeyPatch) -> None:
    rebuilt: list[str] = []
    recompose = Footer.recompose

    async def counting(self: Footer) -> Any:
        rebuilt.append(type(self.screen).__name__)
        return await recompose(self)

    monkeypatch.setattr(Footer, "recompose", counting)
    async with app.run_test(size=(160, 40)) as pilot:
        await pilot.pause()
        await pilot.press("2")  # first visits: each screen's footer is built once
        await pilot.pause()
        await pilot.press("1")
        await pilot.pause()
        first = list(rebuilt)
        assert "PoolsScreen" in first
        for key in "2121":
            await pilot.press(key)
            await pilot.pause()
        assert rebuilt == first  # Textual's Footer rebuilt itself twice per switch
        assert "2" in footer_keys(app)

        app.set_keymap({"nav.pools": "f2"})  # what the footer shows changed: rebuilt
        await pilot.pause()
        await pilot.pause()
        assert rebuilt[len(first):] == ["OverviewScreen"]
        keys = footer_keys(app)
        assert "f2" in keys and "2" not in keys
