"""How console processes are started: their command, the server environment they keep, and
the template process that forks them (prefork.py). Light to import: `serve` starts the
template first thing (entry.py), before it imports the SSH server or loads the frame."""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from pathlib import Path

from engine.store import CONFIG_DIR_ENV, DATA_DIR_ENV, STATE_DIR_ENV
from hmc_tui.service.prefork import Prefork


def console_argv(socket_path: Path) -> list[str]:
    """How a console process is started: this interpreter, the hmc-tui console, --connect."""
    return [sys.executable, "-m", "hmc_tui", "--connect", str(socket_path)]


def warm_socket(argv: Sequence[str]) -> str | None:
    """The service socket the console template warms up on (prefork.py, warmup.py): that of
    `argv` when it is the real console (console_argv); None for any other command."""
    if list(argv[:-1]) == [sys.executable, "-m", "hmc_tui", "--connect"]:
        return argv[-1]
    return None


def template(console_command: Sequence[str]) -> Prefork:
    """The console template for consoles running `console_command`, not started yet."""
    return Prefork(server_env(), cwd=str(Path.home()), warm=warm_socket(console_command))


def server_env() -> dict[str, str]:
    """What a console process keeps of the server's environment: the locations it needs."""
    env = {
        "LANG": "C.UTF-8",
        "LC_ALL": "C.UTF-8",
        "HOME": str(Path.home()),
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
    }
    for name in (DATA_DIR_ENV, CONFIG_DIR_ENV, STATE_DIR_ENV, "PYTHONPATH",
                 "XDG_RUNTIME_DIR", "XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_STATE_HOME"):
        if name in os.environ:
            env[name] = os.environ[name]
    return env
