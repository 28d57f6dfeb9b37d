"""Numeric dialog fields keep what was typed and refuse what is not a number of their kind.

Before, `Input(type="integer")` dropped the "." of "0.5": "Virtual processors: Add 0.5"
became `--procs 5` and was applied (8 VPs -> 13). Each test types the keys, reads the text
shown, and checks what reached the engine.
"""

from __future__ import annotations

from console_helpers import select, text, wait_for
from textual.widgets import RadioButton

from hmc_tui.app import HmcApp
from hmc_tui.console import LocalConsole
from hmc_tui.screens.dialogs import DlparDialog
from hmc_tui.screens.overview import OverviewScreen
from hmc_tui.widgets.number_input import NumberInput, parse_number


def vps(console: LocalConsole, name: str) -> int:
    p = console.snapshot().frame.partition(name)
    assert p is not None and p.current is not None
    return p.current.desired_procs


async def test_half_a_virtual_processor_is_shown_and_refused(app: HmcApp,
                                                             console: LocalConsole) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await select(pilot, "oradb01")
        await pilot.press("d")
        dialog = app.screen
        assert isinstance(dialog, DlparDialog)
        dialog.query_one("#res-vp", RadioButton).value = True
        await pilot.pause()
        amount = dialog.query_one("#amount", NumberInput)
        amount.focus()
        await pilot.press("0", ".", "5")
        assert amount.value == "0.5"  # typed and shown as typed, not "05"
        assert "0.5" in amount.render_line(0).text
        assert amount.has_class("-invalid")
        assert "--procs" not in text(dialog.query_one("#command"))  # no command to preview
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is dialog
        assert dialog.error_text == "Virtual processors: 0.5 is not a whole number."
        assert vps(console, "oradb01") == 8  # nothing applied
        await pilot.press("backspace", "backspace", "backspace", "2")
        assert "chhwres -m Server-9080-HEX-SN78H4A21 -r proc -o a -p oradb01 --procs 2" \
            in text(dialog.query_one("#command"))
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, OverviewScreen))
        assert vps(console, "oradb01") == 10


async def test_processing_units_keep_the_decimal(app: HmcApp, console: LocalConsole) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await select(pilot, "oradb01")
        await pilot.press("d")
        dialog = app.screen
        assert isinstance(dialog, DlparDialog)
        await pilot.press("0", ".", "5")
        assert dialog.query_one("#amount", NumberInput).value == "0.5"
        assert "--procunits 0.5" in text(dialog.query_one("#command"))
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, OverviewScreen))
        p = console.snapshot().frame.partition("oradb01")
        assert p is not None and p.current is not None and p.current.desired_proc_units == 4.5


async def test_memory_refuses_a_fraction_and_letters(app: HmcApp, console: LocalConsole) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await select(pilot, "was01")
        await pilot.press("d")
        dialog = app.screen
        assert isinstance(dialog, DlparDialog)
        dialog.query_one("#res-mem", RadioButton).value = True
        await pilot.pause()
        dialog.query_one("#amount", NumberInput).focus()
        await pilot.press("2", "5", "6", ".", "5", "enter")
        await pilot.pause()
        assert dialog.query_one("#amount", NumberInput).value == "256.5"
        assert dialog.error_text == "Memory (MB): 256.5 is not a whole number."
        dialog.query_one("#amount", NumberInput).value = "1e3"
        await pilot.press("enter")
        await pilot.pause()
        assert dialog.error_text == "Memory (MB): '1e3' is not a number."
        p = console.snapshot().frame.partition("was01")
        assert p is not None and p.current is not None and p.current.desired_mem == 32768


def test_parse_number_rules() -> None:
    assert parse_number("0.5", "PU") == 0.5
    assert parse_number(" 5.0 ", "VPs", whole=True) == 5
    assert parse_number("2.5", "Max", whole=True) == "Max: 2.5 is not a whole number."
    assert parse_number("nan", "PU") == "PU: 'nan' is not a number."
    assert parse_number("1_000", "PU") == "PU: '1_000' is not a number."
    assert parse_number("", "PU") == "PU: enter a value."
    assert parse_number("-1", "PU") == -1.0
