"""Macros and the terminal window: keys typed into a terminal are recorded like any key and
replay into the terminal; `{ terminal = NAME, text = ... }` waits for / expects text on a
partition's terminal screen. Headless replay, lockstep engine."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
from console_helpers import make_app, make_console, select, wait_for

from hmc_tui.macros.headless import run_headless
from hmc_tui.macros.load import MacroFileError, load_macro
from hmc_tui.macros.session import resolve_frame
from hmc_tui.screens.terminal import TerminalScreen

HEADER = """[macro]
format = 1
frame = "demo"
seed = 0
size = [100, 30]
"""

TYPE_ROOT = """
[[step]]
key = ["down", "down", "down", "down", "down", "down", "down", "t"]

[[step]]
wait = { terminal = "test01", text = "login:" }
timeout = 5

[[step]]
text = "root"

[[step]]
key = "enter"
"""


def write(tmp_path: Path, steps: str) -> Path:
    path = tmp_path / "m.toml"
    path.write_text(HEADER + steps, encoding="utf-8")
    return path


async def replay(path: Path) -> tuple[bool, str, list[str]]:
    loaded = load_macro(path)
    report, _console = await run_headless(loaded, resolve_frame(loaded.macro.header, path,
                                                                None))
    return report.ok, report.failure, [s.detail for s in report.steps]


async def test_terminal_condition_waits_and_expects(tmp_path: Path) -> None:
    ok, failure, details = await replay(write(tmp_path, TYPE_ROOT + """
[[step]]
expect = { terminal = "test01", text = "login: root" }

[[step]]
expect = { screen = "TerminalScreen" }
"""))
    assert (ok, failure) == (True, "")
    assert details[1].endswith("on test01's terminal")
    assert details[4] == "on test01's terminal"


async def test_failed_terminal_expectation_shows_the_last_lines(tmp_path: Path) -> None:
    path = write(tmp_path, TYPE_ROOT + """
[[step]]
expect = { terminal = "test01", text = "# " }
""")
    ok, failure, _ = await replay(path)
    assert not ok
    assert failure.startswith(f"{path}:20: step 5 (expect): expected text '# ' on test01's "
                              "terminal; not on test01's terminal (last lines: ")
    assert "login: root | " in failure  # the lines above the cursor, newest last


async def test_no_terminal_open(tmp_path: Path) -> None:
    path = write(tmp_path, """
[[step]]
expect = { terminal = "nim01", text = "login:" }
""")
    ok, failure, _ = await replay(path)
    assert not ok
    assert failure == f"{path}:7: step 1 (expect): expected text 'login:' on nim01's " \
        "terminal; no terminal open on nim01"


@pytest.mark.parametrize(("condition", "message"), [
    ('{ terminal = "test01" }', "step 1 (expect): expect.text: Field required"),
    ('{ terminal = "test01", text = "x", screen = "S" }',
     "a condition names one of partition, screen, text, error, terminal (found screen and "
     "terminal)"),
    ('{ terminal = "test01", text = "x", colour = "red" }', "colour"),
])
def test_bad_terminal_conditions_are_refused_at_load(tmp_path: Path, condition: str,
                                                     message: str) -> None:
    path = write(tmp_path, f"\n[[step]]\nexpect = {condition}\n")
    with pytest.raises(MacroFileError) as err:
        load_macro(path)
    assert message in str(err.value)


async def test_keys_typed_into_a_terminal_are_recorded_and_replay(tmp_path: Path) -> None:
    console = make_console()
    app = make_app(console)
    macro = tmp_path / "rec.toml"
    async with app.run_test(size=(100, 30)) as pilot:
        app.start_recording(macro)
        await select(pilot, "test01")
        await pilot.press("t")
        await wait_for(pilot, lambda: isinstance(app.screen, TerminalScreen))
        await pilot.press("r", "o", "o", "t", "enter", "ctrl+c", "ctrl+right_square_bracket")
        await pilot.pause()
        assert app.stop_recording() == macro
    steps = tomllib.loads(macro.read_text())["step"]
    typed = [(s["key"], s["screen"]) for s in steps if "key" in s]
    assert typed == [("t", "OverviewScreen"), *[(k, "TerminalScreen") for k in (
        "r", "o", "o", "t", "enter", "ctrl+c", "ctrl+right_square_bracket")]]
    # The recording, replayed, types the same into test01's terminal. The select() above
    # moved the cursor without keys: replay it with the keys that do.
    text = macro.read_text().replace('key = "t"', 'key = ["down", "down", "down", "down", '
                                     '"down", "down", "down", "t"]', 1)
    macro.write_text(text + '\n[[step]]\nexpect = { screen = "OverviewScreen" }\n')
    ok, failure, details = await replay(macro)
    assert (ok, failure) == (True, "")
    assert "ctrl+right_square_bracket" in details
