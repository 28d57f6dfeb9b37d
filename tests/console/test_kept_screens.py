"""Kept screens (hmc_tui/screens/kept.py): switching back to a mode's screen applies no CSS
again and drops no rendered line, yet every node ends with the styles a full restyle gives,
also when the theme or the terminal's focus changed while the screen was away."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from textual.color import Color
from textual.dom import DOMNode

import hmc_tui.app
from hmc_tui.app import HmcApp
from hmc_tui.config import Config
from hmc_tui.widgets.partition_table import PartitionTable


def styles_of(app: HmcApp) -> dict[int, Any]:
    """Every node's applied rules and component styles on the current screen."""
    out: dict[int, Any] = {}
    for node in app.screen.walk_children(with_self=True):
        assert isinstance(node, DOMNode)
        out[id(node)] = (dict(node.styles.base._rules),
                         {k: dict(v.base._rules) for k, v in node._component_styles.items()})
    return out


async def assert_fully_styled(app: HmcApp) -> None:
    """The current screen's styles are those a full restyle computes."""
    kept = styles_of(app)
    app.update_styles(app.screen, animate=False)
    assert styles_of(app) == kept


async def test_a_switch_back_restyles_nothing(app: HmcApp,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    restyled: list[str] = []
    notify = PartitionTable.notify_style_update

    def counting(self: PartitionTable) -> None:
        restyled.append("table")
        notify(self)

    monkeypatch.setattr(PartitionTable, "notify_style_update", counting)
    async with app.run_test(size=(120, 35)) as pilot:
        await pilot.press("2")
        await pilot.pause()
        await pilot.press("1")
        await pilot.pause()
        restyled.clear()
        for key in "2121":
            await pilot.press(key)
            await pilot.pause()
        assert app.current_mode == "overview"
        assert restyled == []  # its line cache kept: only changed rows are drawn again
        await assert_fully_styled(app)


async def test_every_screen_is_fully_styled_on_its_first_visit(app: HmcApp) -> None:
    async with app.run_test(size=(120, 35)) as pilot:
        for key in "23451":
            await pilot.press(key)
            await pilot.pause()
            await assert_fully_styled(app)


async def test_a_theme_changed_while_away_is_applied_on_return(app: HmcApp) -> None:
    async with app.run_test(size=(120, 35)) as pilot:
        table = app.screen.query_one(PartitionTable)
        await pilot.press("2")
        await pilot.pause()
        before = table.styles.background
        app.theme = "hmc-light" if app.theme != "hmc-light" else "hmc-dark"
        await pilot.pause()
        await pilot.press("1")
        await pilot.pause()
        assert table.styles.background != before
        await assert_fully_styled(app)


class BlurApp(HmcApp):
    # No shipped rule depends on the terminal's focus; a theme or a user's CSS may.
    CSS_PATH = str(Path(hmc_tui.app.__file__).with_name("app.tcss"))
    CSS = "App:blur PartitionTable { background: red; }"


async def test_terminal_focus_lost_while_away_is_applied_on_return(console: Any) -> None:
    app = BlurApp(console, config=Config())
    async with app.run_test(size=(120, 35)) as pilot:
        table = app.screen.query_one(PartitionTable)
        await pilot.press("2")
        await pilot.pause()
        app.app_focus = False  # Textual restyles the current screen only (the Pools)
        await pilot.pause()
        await app.action_goto("overview")  # not by a key: a key gives the focus back
        await pilot.pause()
        assert not app.app_focus
        assert table.styles.background == Color.parse("red")
        await assert_fully_styled(app)
