"""A console that crashes on `?`: run by test_console_crash.py on a pseudo-terminal.

argv[1]: "restricted" (a remote user's console) or "local".
"""

from __future__ import annotations

import sys

from engine.roles import Actor
from engine.service import Engine
from engine.store import demo_frame
from hmc_tui.app import HmcApp, run_console
from hmc_tui.console import LocalConsole


class RemoteUsersConsole(LocalConsole):
    restricted = True


def crash(self: HmcApp) -> None:
    secret_local = "local-variable-value"  # a traceback with locals would show this
    raise RuntimeError(f"deliberate crash {len(secret_local)}")


def main() -> int:
    restricted = sys.argv[1] == "restricted"
    kind = RemoteUsersConsole if restricted else LocalConsole
    console = kind(Engine(demo_frame(), mode="stepped"), Actor(user="bob", role="hmcviewer"))
    HmcApp.action_help = crash  # type: ignore[method-assign]
    return run_console(console)


if __name__ == "__main__":
    raise SystemExit(main())
