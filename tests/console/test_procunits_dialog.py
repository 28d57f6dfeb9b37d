"""The console's DLPAR dialog refuses processing units finer than 0.01 (HSCL0A04), in place.

Before, the dialog rounded 0.005 to 0.01 on its own and sent that: the admin asked for one
amount and got another. The amount now goes to the engine as typed; its one rule refuses it.
"""

from __future__ import annotations

from console_helpers import select, text, wait_for
from textual.widgets import Input

from hmc_tui.app import HmcApp
from hmc_tui.console import LocalConsole
from hmc_tui.screens.dialogs import DlparDialog


async def test_dlpar_dialog_refuses_half_a_hundredth(app: HmcApp, console: LocalConsole) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await select(pilot, "oradb01")
        await pilot.press("d")
        dialog = app.screen
        assert isinstance(dialog, DlparDialog)
        await pilot.press("0", ".", "0", "0", "5")  # the amount field has the focus
        assert "--procunits 0.005" in text(dialog.query_one("#command"))
        await pilot.press("enter")
        await wait_for(pilot, lambda: dialog.last_result is not None)
        assert app.screen is dialog
        assert dialog.error_text == ("HSCL0A04 The --procunits value 0.005 must be a multiple "
                                     "of 0.01 processing units.")
        p = console.snapshot().frame.partition("oradb01")
        assert p is not None and p.current is not None and p.current.desired_proc_units == 4.0
        dialog.query_one("#amount", Input).value = "0.01"
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.screen is not dialog)
        p = console.snapshot().frame.partition("oradb01")
        assert p is not None and p.current is not None and p.current.desired_proc_units == 4.01
