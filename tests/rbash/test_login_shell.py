"""A user's login shell (console or rbash): kept in the user store, set by `hmc-tui users add
--shell`, shown by `users list`."""

from __future__ import annotations

import io
import sys
from pathlib import Path

import pytest

from engine.store import CONFIG_DIR_ENV, DATA_DIR_ENV, STATE_DIR_ENV
from hmc_tui.service import entry
from hmc_tui.service.users import UserError, UserStore


@pytest.fixture
def dirs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    for env, name in ((DATA_DIR_ENV, "data"), (STATE_DIR_ENV, "state"),
                      (CONFIG_DIR_ENV, "config")):
        (tmp_path / name).mkdir()
        monkeypatch.setenv(env, str(tmp_path / name))
    return tmp_path


def test_store_keeps_the_shell(dirs: Path) -> None:
    store = UserStore(dirs / "users.toml", log2_n=4)
    store.add("ops", "hmcoperator", password="long-enough", shell="rbash")
    store.add("web", "hmcviewer", password="long-enough")
    again = UserStore(dirs / "users.toml", log2_n=4)
    ops, web = again.get("ops"), again.get("web")
    assert ops is not None and web is not None
    assert (ops.shell, web.shell) == ("rbash", "console")
    assert 'shell = "rbash"' in (dirs / "users.toml").read_text()
    with pytest.raises(UserError, match="the shell 'bash' is not valid: use one of console, "
                                        "rbash"):
        store.add("x", "hmcviewer", password="long-enough", shell="bash")


def test_users_add_shell_and_list(dirs: Path, monkeypatch: pytest.MonkeyPatch,
                                  capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO("first-password\n"))
    assert entry.main(["users", "add", "ops", "--role", "hmcoperator", "--password-stdin",
                       "--shell", "rbash"]) == 0
    monkeypatch.setattr(sys, "stdin", io.StringIO("first-password\n"))
    assert entry.main(["users", "add", "web", "--role", "hmcviewer", "--password-stdin"]) == 0
    capsys.readouterr()
    assert entry.main(["users", "list"]) == 0
    assert capsys.readouterr().out.splitlines() == [
        "NAME  ROLE         PASSWORD  KEYS  SHELL    DESCRIPTION",
        "ops   hmcoperator  yes       0     rbash    HMC Operator",
        "web   hmcviewer    yes       0     console  HMC Viewer",
    ]
    with pytest.raises(SystemExit):
        entry.main(["users", "add", "bad", "--role", "hmcviewer", "--shell", "bash"])
    assert "invalid choice: 'bash'" in capsys.readouterr().err
