"""Dialogs: activate, shut down, DLPAR and confirmation (one module each)."""

from hmc_tui.screens.dialogs.activate import ActivateDialog
from hmc_tui.screens.dialogs.base import ActionDialog
from hmc_tui.screens.dialogs.confirm import ConfirmDialog
from hmc_tui.screens.dialogs.dlpar import DlparDialog
from hmc_tui.screens.dialogs.shutdown import ShutdownDialog

__all__ = ["ActionDialog", "ActivateDialog", "ConfirmDialog", "DlparDialog", "ShutdownDialog"]
