"""Settings and frame files keep what the user wrote; a remote user's settings are theirs.

- config.toml is edited in place (tomlkit): comments, order and unknown keys survive a theme
  switch;
- a restricted (remote) console reads and writes `<config dir>/users/<user>.toml` (0600, in a
  0700 directory), never the server's config.toml;
- a frame file that nothing changed is not rewritten (its comments survive open and quit).
"""

from __future__ import annotations

import stat
from pathlib import Path

from console_helpers import make_console
from pty_run import PtyProcess

from engine.roles import Actor
from engine.service import Engine
from engine.store import CONFIG_DIR_ENV, DATA_DIR_ENV, STATE_DIR_ENV, demo_frame, demo_frame_text
from hmc_tui.app import HmcApp
from hmc_tui.cli import main
from hmc_tui.command_mode import Alias
from hmc_tui.config import config_path, load_config, user_config_path
from hmc_tui.console import LocalConsole

SERVER_CONFIG = """\
# The operator's own settings: keep this comment.
theme = "hmc-light"   # light, for the machine room

[keymap]
# F6 activates, as on the old console
"lpar.activate" = "f6"

[future]   # a newer version's section
answer = 42
"""


class RemoteUsersConsole(LocalConsole):
    """A console run for a remote (SSH) user: what RemoteConsole.from_environment gives."""

    restricted = True


def remote_console(user: str) -> RemoteUsersConsole:
    return RemoteUsersConsole(Engine(demo_frame(), mode="stepped"), Actor(user=user,
                                                                          role="hmcviewer"))


async def test_a_theme_switch_keeps_the_config_files_comments() -> None:
    path = config_path()
    path.parent.mkdir(parents=True)
    path.write_text(SERVER_CONFIG)
    app = HmcApp(make_console())  # config=None: read from the file
    assert app.theme == "hmc-light" and app.config.keymap == {"lpar.activate": "f6"}
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert app.run_alias_here(Alias("theme", "hmc-dark")) == "theme hmc-dark"
        await pilot.pause()
    assert path.read_text() == SERVER_CONFIG.replace('theme = "hmc-light"',
                                                     'theme = "hmc-dark"')


async def test_a_remote_user_writes_only_their_own_settings_file() -> None:
    server = config_path()
    server.parent.mkdir(parents=True)
    server.write_text(SERVER_CONFIG)
    app = HmcApp(remote_console("bob"))
    assert app.theme == "hmc-light"  # bob has no settings yet: the defaults, not the server's
    assert app.config.keymap == {}
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert app.run_alias_here(Alias("theme", "high-contrast")) == "theme high-contrast"
        await pilot.pause()
    assert server.read_text() == SERVER_CONFIG  # byte for byte
    own = user_config_path("bob")
    assert own == server.parent / "users" / "bob.toml"
    assert own.read_text() == 'theme = "high-contrast"\n'
    assert stat.S_IMODE(own.stat().st_mode) == 0o600
    assert stat.S_IMODE(own.parent.stat().st_mode) == 0o700
    # bob's next console comes back in his theme; the server's own console keeps its theme.
    assert HmcApp(remote_console("bob")).theme == "high-contrast"
    assert HmcApp(make_console()).theme == "hmc-light"
    assert load_config().theme == "hmc-light"


async def test_a_user_name_unfit_for_a_file_name_writes_nothing() -> None:
    app = HmcApp(remote_console("../evil"))
    assert app.settings_path is None
    assert any("'../evil' cannot name a settings file" in n for n in app.notices)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        app.run_alias_here(Alias("theme", "hmc-dark"))
        await pilot.pause()
        assert app.theme == "hmc-dark"  # for this session only
    assert not config_path().parent.exists()


def frame_with_comments(tmp_path: Path) -> Path:
    path = tmp_path / "lab.toml"
    path.write_text("# Our lab frame: keep this comment.\n" + demo_frame_text())
    return path


def test_opening_and_quitting_the_console_leaves_the_frame_file_alone(tmp_path: Path) -> None:
    path = frame_with_comments(tmp_path)
    before = path.read_bytes()
    env = {STATE_DIR_ENV: str(tmp_path / "s"), CONFIG_DIR_ENV: str(tmp_path / "c"),
           DATA_DIR_ENV: str(tmp_path / "d")}
    proc = PtyProcess(["-m", "hmc_tui", "--frame", str(path)], env)
    try:
        assert proc.read_until(b"Server-9080-HEX-SN78H4A21"), proc.output[-500:]
        proc.send(b"q")  # asks first (confirm_quit)
        assert proc.read_until(b"Leave the console?"), proc.output[-500:]
        proc.send(b"y")
        assert proc.wait() == 0
    finally:
        proc.kill()
    assert path.read_bytes() == before


def test_hmc_tui_cmd_saves_only_a_changed_frame(tmp_path: Path) -> None:
    path = frame_with_comments(tmp_path)
    before = path.read_bytes()
    assert main(["cmd", "--frame", str(path), "lssyscfg -r sys -F name"]) == 0
    assert path.read_bytes() == before
    system = demo_frame().system.name
    assert main(["cmd", "--frame", str(path),
                 f"chsyscfg -r lpar -m {system} -i name=dev02,new_name=dev02b"]) == 0
    assert "dev02b" in path.read_text()
