"""The console's uses of Textual internals, in one place, each with a test
(tests/console/test_console_crash.py).

Textual 8.2.8 has no public hook for an unhandled exception: every handler, timer, worker and
compose step reports it to the private `App._handle_exception`, which renders a traceback
with local variables on the terminal and exits with status 1.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual.app import App

# The private name, spelt once so the test can check it still exists and is what Textual calls.
HANDLE_EXCEPTION = "_handle_exception"


def route_unhandled_exceptions(app: App[Any], handler: Callable[[Exception], None]) -> None:
    """From now on, `app`'s unhandled exceptions go to `handler` instead of Textual's
    traceback screen. The handler must end the app itself (`App.exit`, `App.panic`)."""
    if not callable(getattr(app, HANDLE_EXCEPTION, None)):
        raise RuntimeError(f"this Textual has no App.{HANDLE_EXCEPTION}: update textual_compat")
    # An instance attribute shadows the method: Textual calls `app._handle_exception(error)`.
    setattr(app, HANDLE_EXCEPTION, handler)
