"""mkvterm, rmvterm and vtmenu on the command line without a terminal to bridge (`hmc-tui
cmd`, an exec without a PTY, the console's `:` line): the checks, the request a terminal
front end would open, the refusal everyone else prints, rmvterm through the console."""

from __future__ import annotations

import pytest
from hmccli_support import SYS

from engine.errors import HmcError
from engine.roles import Actor
from engine.service import Engine
from engine.store import demo_frame
from hmc_tui.console import LocalConsole
from hmc_tui.hmccli import run_command
from hmc_tui.hmccli.result import CommandResult, TerminalRequest

NEEDS_TERMINAL = ("HSCL1020 The command {} opens a virtual terminal and needs an interactive "
                  "terminal; connect with a terminal (ssh -t) and run it again.\n")
USAGE = ("The command entered is either missing a required parameter or a parameter value is "
         "invalid. The parameters that are missing or have an invalid value are {}. Please "
         "check your entry and retry the command.\n")


@pytest.fixture
def console() -> LocalConsole:
    return LocalConsole(Engine(demo_frame(), mode="stepped"))


def test_mkvterm_checks_then_asks_for_a_terminal(console: LocalConsole) -> None:
    for line in (f"mkvterm -m {SYS} -p test01", "mkvterm -m 9080-HEX*78H4A21 --id 8"):
        result = run_command(console, line)
        assert (result.stdout, result.stderr, result.exit_code) == (
            "", NEEDS_TERMINAL.format("mkvterm"), 1)
        assert result.terminal == TerminalRequest("mkvterm", 8, "test01")
    refusals = {
        f"mkvterm -m {SYS}": USAGE.format("-p, --id"),
        f"mkvterm -m {SYS} -p test01 --id 8": USAGE.format("-p, --id"),
        "mkvterm -p test01": USAGE.format("-m"),
        f"mkvterm -m {SYS} --id eight": USAGE.format("--id"),
        "mkvterm -m Other -p test01": "HSCL8014 The managed system Other was not found.\n",
        f"mkvterm -m {SYS} -p nosuch": "HSCL8012 The partition named nosuch was not found.\n",
        f"mkvterm -m {SYS} --id 99": "HSCL8012 The partition named 99 was not found.\n",
    }
    for line, stderr in refusals.items():
        result = run_command(console, line)
        assert (result.stdout, result.stderr, result.exit_code, result.terminal) == (
            "", stderr, 1, None), line


def test_vtmenu_asks_for_a_terminal(console: LocalConsole) -> None:
    for line in ("vtmenu", f"vtmenu -m {SYS}"):
        result = run_command(console, line)
        assert (result.stderr, result.terminal) == (NEEDS_TERMINAL.format("vtmenu"),
                                                    TerminalRequest("vtmenu"))
    assert run_command(console, "vtmenu -m Other").stderr.startswith("HSCL8014 ")


def test_rmvterm_closes_the_open_session(console: LocalConsole) -> None:
    reasons: list[str] = []
    handle = console.open_terminal("test01", lambda text: None, reasons.append)
    assert run_command(console, f"rmvterm -m {SYS} -p test01") == CommandResult(
        "Close command sent\n")
    assert handle.closed and reasons == ["The terminal session was closed by hscroot."]
    # nothing open: nothing to close, the same answer
    assert run_command(console, f"rmvterm -m {SYS} --id 8") == CommandResult(
        "Close command sent\n")
    viewer = LocalConsole(console.engine, Actor(user="vera", role="hmcviewer"))
    assert run_command(viewer, f"rmvterm -m {SYS} -p test01").stderr == (
        "HSCL350B The user vera does not have the appropriate authority to perform "
        "partition console tasks.\n")
    with pytest.raises(HmcError):
        viewer.open_terminal("test01", lambda text: None, reasons.append)
    assert run_command(console, f"rmvterm -m {SYS} -p nosuch").stderr.startswith("HSCL8012 ")


async def test_the_console_command_line_points_at_the_terminal_window() -> None:
    """vtmenu's menu is the overview; mkvterm opens the window (tests/console/
    test_terminal_window.py)."""
    from hmc_tui.app import HmcApp
    from hmc_tui.config import Config
    from hmc_tui.screens.command import CommandScreen

    app = HmcApp(LocalConsole(Engine(demo_frame(), mode="stepped")), config=Config())
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("colon")
        panel = app.screen
        assert isinstance(panel, CommandScreen)
        panel.query_one("#command-input").value = (  # type: ignore[attr-defined]
            f"vtmenu -m {SYS}")
        await pilot.press("enter")
        for _ in range(100):
            lines = [str(line.text) for line in panel.output.lines]
            if any("exit code" in line for line in lines):
                break
            await pilot.pause(0.02)
        text = " ".join(lines)
        assert "use the terminal window (t) on the partition" in text
        assert "(exit code 1)" in text and "HSCL1020" not in text


def test_completion_offers_the_commands_and_the_frame_s_names(console: LocalConsole) -> None:
    from hmc_tui.hmccli.complete import complete

    snap = console.snapshot()
    assert complete(snap, "mkv") == ["mkvterm"]
    assert complete(snap, "rmvt") == ["rmvterm"]
    assert complete(snap, "vtm") == ["vtmenu"]
    assert complete(snap, f"mkvterm -m {SYS} -p te") == ["test01"]
    assert complete(snap, "rmvterm -m Serv") == [SYS]
