"""The footer of a modal screen (dialogs, help, the sort picker)."""

from __future__ import annotations

from hmc_tui.widgets.footer import Footer


def dialog_footer() -> Footer:
    """A modal screen's own footer: it covers the footer of the screen below, whose keys do
    not act under the dialog (HmcApp.check_action), and lists the dialog's own keys. No
    palette key: the palette is not offered under a dialog."""
    return Footer(compact=True, show_command_palette=False)
