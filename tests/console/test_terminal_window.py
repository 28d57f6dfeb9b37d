"""The terminal window in the console (issue 14): opened from the overview, the properties
screen and the palette; it takes the keys; closing it leaves the partition running; one
session per partition across front ends; viewers are refused. Real engine, lockstep.

What the partition answers is the OS's business (tests/engine/vterm): these tests look at
what the window sends (`sent`) and at the prompt's echo of a login name ("login: NAME"),
which the firmware's stand-in and every guest OS give alike."""

from __future__ import annotations

from typing import Any

from console_helpers import lpar_id, make_app, select, step, wait_for
from textual.pilot import Pilot

from engine.roles import Actor
from engine.service import Engine
from engine.store import demo_frame
from hmc_tui.app import HmcApp
from hmc_tui.console import LocalConsole
from hmc_tui.screens.command import CommandScreen
from hmc_tui.screens.overview import OverviewScreen
from hmc_tui.screens.properties import PropertiesScreen
from hmc_tui.screens.terminal import TerminalScreen
from hmc_tui.widgets.command_input import CommandInput

SYSTEM = "Server-9080-HEX-SN78H4A21"


def hub_open(console: LocalConsole) -> tuple[int, ...]:
    """Partitions with an open terminal session in the engine (any front end's)."""
    return console.engine._systems[0].hub.open_ids()


def captured_notices(app: HmcApp) -> list[str]:
    notices: list[str] = []
    original = app.notify

    def notify(message: str, **kwargs: Any) -> None:
        notices.append(f"{kwargs.get('title', '')}: {message}")
        original(message, **kwargs)

    app.notify = notify  # type: ignore[method-assign]
    return notices


async def open_on(pilot: Pilot[object], name: str) -> TerminalScreen:
    await select(pilot, name)
    await pilot.press("t")
    app = pilot.app
    await wait_for(pilot, lambda: isinstance(app.screen, TerminalScreen))
    await pilot.pause()
    assert isinstance(app.screen, TerminalScreen)
    return app.screen


def record_sent(screen: TerminalScreen) -> list[str]:
    """What the window sends to the partition from now on."""
    sent: list[str] = []
    link = screen.session.link
    assert link is not None
    original = link.send

    def send(data: str) -> None:
        sent.append(data)
        original(data)

    link.send = send  # type: ignore[method-assign]
    return sent


def title(screen: TerminalScreen) -> str:
    return str(screen.query_one("#term-title").render())


async def test_t_opens_the_terminal_and_every_key_goes_to_the_partition(
        app: HmcApp, console: LocalConsole) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_on(pilot, "test01")
        test01 = app.snapshot.frame.partition("test01")
        assert test01 is not None
        assert title(screen).startswith(f"Terminal test01 (ID {test01.id}) on {SYSTEM}   Running")
        assert hub_open(console) == (test01.id,)
        assert screen.session.vt.text().endswith("login:")
        sent = record_sent(screen)
        # Keys the console binds elsewhere (quit, screens, command line, help, palette,
        # screenshot) are typed.
        await pilot.press("q", "1", "colon", "question_mark", "space", "a", "escape",
                          "ctrl+p", "ctrl+s", "ctrl+c", "up", "enter")
        assert app.is_running and isinstance(app.screen, TerminalScreen)
        assert "".join(sent) == "q1:? a\x1b\x10\x13\x03\x1b[A\r"
        assert "login: q1:? a" in screen.session.vt.text()
        await pilot.press("ctrl+right_square_bracket")
        await pilot.pause()
        assert isinstance(app.screen, OverviewScreen)
        assert hub_open(console) == ()
        await step(pilot, console, 1.0)
        p = app.snapshot.frame.partition("test01")
        assert p is not None and p.state == "Running"  # closing left it running


async def test_tilde_dot_at_line_start_closes(app: HmcApp, console: LocalConsole) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_on(pilot, "test01")
        sent = record_sent(screen)
        # Not at the start of a line: typed as it is.
        await pilot.press("x", "tilde", "full_stop", "enter")
        # At the start of a line: ~~ types one ~, ~ and another key types both.
        await pilot.press("tilde", "tilde", "tilde", "y", "enter", "tilde", "z", "enter")
        assert "".join(sent) == "x~.\r~~y\r~z\r"
        await pilot.press("tilde", "full_stop")
        await pilot.pause()
        assert isinstance(app.screen, OverviewScreen) and hub_open(console) == ()


async def test_f_keys_switch_screens_and_the_session_stays_open(
        app: HmcApp, console: LocalConsole) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_on(pilot, "test01")
        session = screen.session
        await pilot.press("f2")
        await pilot.pause()
        assert app.current_mode == "pools"
        test01 = app.snapshot.frame.partition("test01")
        assert test01 is not None and hub_open(console) == (test01.id,)
        # Output while the window is hidden still reaches the session's screen.
        session.send("hidden\r")
        await pilot.pause()
        assert "login: hidden" in session.vt.text()
        await pilot.press("1")  # the overview's stack still has the window on top
        await pilot.pause()
        assert app.screen is screen
        row = next(n for n, line in enumerate(session.vt.text().splitlines())
                   if "login: hidden" in line)
        assert "login: hidden" in screen.pane.render_line(row).text
        # F1 on the overview's own stack: back to the table, the session still open.
        await pilot.press("f1")
        await pilot.pause()
        assert isinstance(app.screen, OverviewScreen) and hub_open(console) == (test01.id,)
        again = await open_on(pilot, "test01")
        assert again.session is session and "login: hidden" in again.session.vt.text()


async def test_two_terminals_on_two_partitions(app: HmcApp, console: LocalConsole) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        first = await open_on(pilot, "test01")
        await pilot.press("d", "e", "v")
        await pilot.press("f1")
        await pilot.pause()
        second = await open_on(pilot, "nim01")
        await pilot.press("n", "i", "m")
        ids = {p.name: p.id for p in app.snapshot.frame.partitions}
        assert sorted(hub_open(console)) == sorted((ids["test01"], ids["nim01"]))
        assert first.session.vt.text().endswith("login: dev")
        assert second.session.vt.text().endswith("login: nim")
        assert title(second).startswith(f"Terminal nim01 (ID {ids['nim01']})")


async def test_properties_screen_and_palette_open_it(app: HmcApp) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await app.goto_partition(lpar_id(app, "nim01"), properties=True)
        await wait_for(pilot, lambda: isinstance(app.screen, PropertiesScreen))
        await pilot.press("t")
        await wait_for(pilot, lambda: isinstance(app.screen, TerminalScreen))
        assert isinstance(app.screen, TerminalScreen)
        assert app.snapshot.frame.partition(app.screen.lpar_id).name == "nim01"  # type: ignore[union-attr]
        await pilot.press("ctrl+right_square_bracket")
        await pilot.pause()
        assert isinstance(app.screen, PropertiesScreen)
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"open terminal window test01")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, TerminalScreen))
        assert title(app.screen).startswith("Terminal test01")  # type: ignore[arg-type]


async def test_mkvterm_on_the_command_line_opens_the_window(app: HmcApp,
                                                            console: LocalConsole) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("colon")
        await pilot.pause()
        panel = app.screen
        assert isinstance(panel, CommandScreen)
        panel.query_one(CommandInput).value = f"mkvterm -m {SYSTEM} -p nim01"
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, TerminalScreen))
        assert panel not in app.screen_stack  # the panel closed first
        assert title(app.screen).startswith("Terminal nim01")  # type: ignore[arg-type]
        nim01 = app.snapshot.frame.partition("nim01")
        assert nim01 is not None and hub_open(console) == (nim01.id,)


async def test_open_elsewhere_shows_the_hmc_message(app: HmcApp,
                                                    console: LocalConsole) -> None:
    other = console.engine.open_terminal("test01", Actor(), lambda text: None,
                                         lambda reason: None)  # e.g. mkvterm over SSH
    async with app.run_test(size=(120, 40)) as pilot:
        notices = captured_notices(app)
        await select(pilot, "test01")
        await pilot.press("t")
        await wait_for(pilot, lambda: bool(notices))
        assert notices == [
            "Open terminal window: test01: HSCL1000 A terminal session is already open for "
            "this partition. Only one open session is allowed for a partition. Exiting...."]
        assert isinstance(app.screen, OverviewScreen)
        other.close()
        await pilot.press("t")
        await wait_for(pilot, lambda: isinstance(app.screen, TerminalScreen))


async def test_viewer_is_refused() -> None:
    console = LocalConsole(Engine(demo_frame(), mode="stepped"),
                           Actor(user="val", role="hmcviewer"))
    app = make_app(console)
    async with app.run_test(size=(120, 40)) as pilot:
        notices = captured_notices(app)
        await select(pilot, "test01")
        await pilot.press("t")
        await wait_for(pilot, lambda: bool(notices))
        assert notices[0].startswith("Open terminal window: test01: HSCL350B The user val "
                                     "does not have the appropriate authority")
        assert isinstance(app.screen, OverviewScreen) and hub_open(console) == ()


async def test_closed_elsewhere_says_why(app: HmcApp, console: LocalConsole) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_on(pilot, "test01")
        assert console.engine.close_terminal("test01", Actor(user="hscroot"))  # rmvterm
        await wait_for(pilot, lambda: screen.session.closed)
        await pilot.pause()
        assert "The terminal session was closed by hscroot. ctrl+] closes the window." \
            in title(screen)
        before = screen.session.vt.text()
        await pilot.press("r", "o", "o", "t", "enter")  # nobody listens any more
        assert screen.session.vt.text() == before
        await pilot.press("ctrl+right_square_bracket")
        await pilot.pause()
        assert isinstance(app.screen, OverviewScreen)
        again = await open_on(pilot, "test01")  # a new session
        assert again.session is not screen.session and not again.session.closed


async def test_quitting_closes_the_sessions(app: HmcApp, console: LocalConsole) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await open_on(pilot, "test01")
        assert hub_open(console)
        app.exit(0)
        await pilot.pause()
    assert hub_open(console) == ()
