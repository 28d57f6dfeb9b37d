"""The one place hmc_tui touches Textual internals; tests/test_textual_compat.py has a test
per symbol used here, so an upgrade that changes one fails there, loudly, instead of leaving
a stale toast on screen. Nothing else in hmc_tui may use a private Textual name (the same
test module scans the package for them).

Why these: a macro replay shows its progress as a toast that it takes down at the next step.
Textual's public API can add a toast (App.notify, by message: it may land after the next
step's removal) and clear them all, but not add one at once or remove just one.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual.app import App
from textual.notifications import Notification
from textual.widgets._toast import Toast, ToastRack

__all__ = ["Toast", "route_unhandled_exceptions", "show_toast", "withdraw_toast"]


def show_toast(app: App[Any], notification: Notification) -> None:
    """Show `notification` now (App.notify only queues a message), without a Notify event."""
    app._notifications.add(notification)
    app._refresh_notifications()


def withdraw_toast(app: App[Any], notification: Notification) -> None:
    """Take down one toast, on the active screen and on the screens a dialog leaves visible
    (Textual refreshes only the active screen's toasts)."""
    if notification not in app._notifications:
        return
    app._unnotify(notification)
    for screen in app.screen_stack[:-1]:
        for rack in screen.query(ToastRack):
            rack.show(app._notifications)


# ---------------------------------------------------------------- unhandled exceptions
# Textual 8.2 has no public hook for an unhandled exception: every handler, timer, worker and
# compose step reports it to the private App._handle_exception, which renders a traceback
# with local variables and exits with status 1. A remote user's console must not show that
# (hmc_tui/crash_log.py; tested in tests/console/test_console_crash.py).

HANDLE_EXCEPTION = "_handle_exception"  # spelt once, so the tests can check it still exists


def route_unhandled_exceptions(app: App[Any], handler: Callable[[Exception], None]) -> None:
    """From now on, `app`'s unhandled exceptions go to `handler` instead of Textual's
    traceback screen. The handler must end the app itself (`App.exit`, `App.panic`)."""
    if not callable(getattr(app, HANDLE_EXCEPTION, None)):
        raise RuntimeError(f"this Textual has no App.{HANDLE_EXCEPTION}: update textual_compat")
    # An instance attribute shadows the method: Textual calls `app._handle_exception(error)`.
    setattr(app, HANDLE_EXCEPTION, handler)
