"""Where the service keeps its files: the engine socket, the user file, the SSH host key.

All of them follow engine.store's locations (and so its HMC_TUI_*_DIR overrides); the socket
can also be named directly with $HMC_TUI_SOCKET or `--socket`.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import platformdirs

from engine.store import APP_NAME, DATA_DIR_ENV, STATE_DIR_ENV, data_dir, state_dir

SOCKET_ENV = "HMC_TUI_SOCKET"
SOCKET_NAME = "engine.sock"
USERS_FILE = "users.toml"
HOST_KEY_FILE = "ssh_host_ed25519_key"
SUN_PATH_MAX = 107  # sockaddr_un.sun_path is 108 bytes on Linux, NUL included


def default_socket_path() -> Path:
    """$HMC_TUI_SOCKET; else, when the data or state dir is overridden (tests, a second
    instance), the state dir, so that instances never share a socket; else the user's runtime
    dir (tmpfs, private, cleaned at logout) when XDG_RUNTIME_DIR names it; else the state dir."""
    override = os.environ.get(SOCKET_ENV, "").strip()
    if override:
        return Path(override).expanduser()
    if os.environ.get(STATE_DIR_ENV, "").strip() or os.environ.get(DATA_DIR_ENV, "").strip():
        return state_dir() / SOCKET_NAME
    # Without XDG_RUNTIME_DIR platformdirs warns and falls back to /tmp/runtime-UID, a name
    # in a shared directory that another user could create first: use the state dir instead.
    if sys.platform != "linux" or os.environ.get("XDG_RUNTIME_DIR", "").strip():
        runtime = platformdirs.user_runtime_path(APP_NAME, appauthor=False)
        if runtime.parent.is_dir() and os.access(runtime.parent, os.W_OK):
            return runtime / SOCKET_NAME
    return state_dir() / SOCKET_NAME


def users_path() -> Path:
    return data_dir() / USERS_FILE


def host_key_path() -> Path:
    return data_dir() / HOST_KEY_FILE


def check_socket_path(path: Path) -> None:
    """Unix socket paths are short; say so plainly instead of failing inside bind()."""
    if len(os.fsencode(path)) > SUN_PATH_MAX:
        raise ValueError(f"socket path too long for a Unix socket ({SUN_PATH_MAX} bytes max): "
                         f"{path}")
