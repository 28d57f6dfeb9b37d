"""Keymap mistakes in config.toml are said at start, naming the file and line (issue 16, 5).

Before, an unknown binding id was ignored and a key given to a second action silently left
the first one without it.
"""

from __future__ import annotations

from pathlib import Path

from console_helpers import select

from hmc_tui.app import HmcApp
from hmc_tui.config import config_path
from hmc_tui.console import LocalConsole
from hmc_tui.screens.overview import OverviewScreen

CONFIG = '''theme = "hmc-light"

[keymap]
"lpar.activte" = "f6"       # a typo
"lpar.activate" = "d"       # DLPAR's key
"clock.faster" = "plus,f7"  # + is also the pool screen's own: a default, no warning
"app.help" = "question_mark,f1"
'''


def write_config(text: str) -> Path:
    path = config_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


async def test_unknown_ids_and_shared_keys_are_named_with_their_line(
        console: LocalConsole) -> None:
    path = write_config(CONFIG)
    app = HmcApp(console)
    assert app.notices == [
        f"{path}:4: [keymap] 'lpar.activte' is no binding id (did you mean "
        "'lpar.activate'?); ignored",
        # the terminal window's F1 (the overview) wins over help there
        f"{path}:7: [keymap] 'app.help' = 'question_mark,f1': key f1 is also show('overview') "
        "(Overview) on TerminalScreen: two actions on one key, one of them will not run",
        f"{path}:5: [keymap] 'lpar.activate' = 'd': key d is also lpar.dlpar (DLPAR) on "
        "OverviewScreen: two actions on one key, one of them will not run",
    ]
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        shown = [n.message for n in app._notifications]
        assert all(notice in shown for notice in app.notices)  # said on screen at start
        await select(pilot, "dev02")
        await pilot.press("f1")  # the entries without a mistake are applied
        assert type(app.screen).__name__ == "HelpScreen"
        await pilot.press("escape", "f6")  # the typo's key does nothing
        assert isinstance(app.screen, OverviewScreen)


async def test_a_key_left_empty_is_said(console: LocalConsole) -> None:
    path = write_config('[keymap]\n"overview.sort" = ""\n')
    app = HmcApp(console)
    assert app.notices == [f"{path}:2: [keymap] 'overview.sort' has no key: its action can "
                           "only be reached from the palette (ctrl+p)"]


async def test_a_clean_keymap_says_nothing(console: LocalConsole) -> None:
    write_config('[keymap]\n"lpar.activate" = "f6"\n"lpar.dlpar" = "a"\n'
                 '"overview.sort" = "d"\n')  # a swap through a third key: no clash left
    assert HmcApp(console).notices == []
