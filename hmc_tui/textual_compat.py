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
from textual.cache import LRUCache
from textual.css.model import RuleSet
from textual.css.stylesheet import Stylesheet
from textual.notifications import Notification
from textual.widgets._toast import Toast, ToastRack

__all__ = ["Toast", "route_unhandled_exceptions", "share_css_parses", "show_toast",
           "withdraw_toast"]


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


# ---------------------------------------------------------------- one CSS parse per process
# Textual parses its whole stylesheet again (every widget's DEFAULT_CSS, the app's file) each
# time it is refreshed: a new screen shown for the first time, a widget class mounted for the
# first time, a theme. `Stylesheet.reparse` starts from a fresh Stylesheet, whose parse cache
# is empty, so nothing parsed before is reused: 10-60 ms per refresh, two or three per first
# visit to a screen. Parsing is a pure function of the CSS text, where it came from and the
# theme's variables; this cache keeps its result for the process (and, made before a fork,
# for its children).

PARSE_RULES = "_parse_rules"  # Stylesheet's parse of one source, spelt once for the tests
SHARED_PARSES = 1024  # (source, variables) results kept: every source under a few themes
_parsed: LRUCache[tuple[object, ...], list[RuleSet]] = LRUCache(SHARED_PARSES)
_variables_key: list[Any] = [None, ()]  # the last variables dict seen, and its key


def _variables_of(stylesheet: Stylesheet) -> tuple[tuple[str, str], ...]:
    variables = stylesheet._variables
    if variables is not _variables_key[0]:  # a theme's variables: one dict, many parses
        _variables_key[0], _variables_key[1] = variables, tuple(sorted(variables.items()))
    return _variables_key[1]


def share_css_parses() -> None:
    """From now on every Stylesheet of this process reuses the parses of every other."""
    original = getattr(Stylesheet, PARSE_RULES)
    if getattr(original, "shared", False):
        return

    def parse_rules(self: Stylesheet, css: str, read_from: Any, is_default_rules: bool = False,
                    tie_breaker: int = 0, scope: str = "") -> list[RuleSet]:
        key = (css, read_from, is_default_rules, tie_breaker, scope, _variables_of(self))
        rules = _parsed.get(key)
        if rules is None:
            rules = original(self, css, read_from, is_default_rules, tie_breaker, scope)
            _parsed[key] = rules
        return rules

    parse_rules.shared = True  # type: ignore[attr-defined]
    setattr(Stylesheet, PARSE_RULES, parse_rules)
