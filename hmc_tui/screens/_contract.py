"""How the pools, VIOS and events screens reach the app: its HMC Console and snapshot.

The app exposes the HMC console as `app.hmc_console`, not `app.console`: Textual's App owns
`console` (its Rich console, used to measure and render every widget). Any app that provides
`hmc_console`, `snapshot` and `async run_operation(op)` can host these screens: HmcApp, and
the small host the screen tests use.
"""

from __future__ import annotations

from typing import Any

from engine.snapshot import Snapshot
from hmc_tui.console import Console


def hmc_console(app: Any) -> Console:
    console = getattr(app, "hmc_console", None)
    if console is None:
        raise LookupError(f"{type(app).__name__} has no hmc_console")
    return console  # type: ignore[no-any-return]


def latest_snapshot(app: Any) -> Snapshot | None:
    """The app's latest snapshot, else the console's (None when neither exists yet)."""
    snap = getattr(app, "snapshot", None)
    if isinstance(snap, Snapshot):
        return snap
    try:
        return hmc_console(app).snapshot()
    except LookupError:
        return None
