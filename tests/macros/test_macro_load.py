"""Loading: every kind of bad macro is refused before anything runs, as FILE:LINE: reason."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from hmc_tui.macros.format import ExpectStep, KeyStep, PartitionCheck, TextStep, WaitStep
from hmc_tui.macros.keys import is_key_name, key_error, text_to_keys
from hmc_tui.macros.load import MacroFileError, load_macro, parse_macro

GOOD = """[macro]
format = 1
frame = "demo"

[[step]]
key = "down"
after = 1.5

[[step]]
text = "oradb01"

[[step]]
wait = { partition = "oradb01", state = "Running" }
timeout = 30

[[step]]
expect = { error = "HSCL3681" }
"""
# (what to replace in GOOD, with what) -> (line, part of the reason)
BAD: dict[str, tuple[str, str, int, str]] = {
    "toml syntax": ('key = "down"', 'key = "down', 6, "invalid TOML"),
    "unknown kind": ('text = "oradb01"', 'txt = "oradb01"', 9,
                     "step 2: no step kind: a step holds one of key, text"),
    "two kinds": ('text = "oradb01"', 'text = "oradb01"\nkey = "a"', 10,
                  "step 2: one kind per step, found key and text"),
    "unknown field": ("after = 1.5", "after = 1.5\nscren = 1", 8,
                      "step 1 (key): unknown field 'scren' (a key step has key, after"),
    "unknown key": ('key = "down"', 'key = ["a", "dwn"]', 6,
                    "step 1 (key): key: unknown key name 'dwn' (did you mean 'down'?)"),
    "punctuation": ('key = "down"', 'key = "."', 6, "unknown key name '.': write 'full_stop'"),
    "wrong type": ("after = 1.5", 'after = "soon"', 7,
                   "step 1 (key): after: Input should be a valid number"),
    "key type": ('key = "down"', "key = 5", 5, "key must be a key name or a list of key"),
    "bad state": ('"Running"', '"Runing"', 13, "step 3 (wait): wait.state: Input should be"),
    "condition field": ('state = "Running" }', 'state = "Running", stat = 1 }', 13,
                        "unknown field 'wait.stat' (a partition condition has partition"),
    "two subjects": ('state = "Running" }', 'text = "x" }', 13,
                     "a condition names one of partition, screen, text, error, terminal (found "
                     "partition and text)"),
    "nothing to check": (', state = "Running"', "", 13, "give at least one of state"),
    "timeout on fixed wait": ('wait = { partition = "oradb01", state = "Running" }',
                              "wait = 5", 14, "timeout applies to waiting for a condition"),
    "negative wait": ('wait = { partition = "oradb01", state = "Running" }\ntimeout = 30',
                      "wait = -2", 13, "wait: Input should be greater than 0"),
    "error code": ("HSCL3681", "HSCL36ZZ", 17, 'expected an HSCL code such as "HSCL3681"'),
    "header field": ('frame = "demo"', 'frame = "demo"\nsede = 1', 4,
                     "[macro]: unknown field 'sede' (the header has format"),
    "header type": ("format = 1", "format = 2", 2, "[macro]: format: Input should be 1"),
    "infinite speed": ('frame = "demo"', 'frame = "demo"\nspeed = inf', 4,
                       "[macro]: speed: Input should be a finite number"),
    "absurd speed": ('frame = "demo"', 'frame = "demo"\nspeed = 1e9', 4,
                     "[macro]: speed: Input should be less than or equal to 86400"),
    "nan speed step": ('[[step]]\nexpect', '[[step]]\nspeed = nan\n\n[[step]]\nexpect', 17,
                       "step 4 (speed): speed: Input should be a finite number"),
    "top level": ("[macro]", "bogus = 1\n[macro]", 1, "unknown top-level entry 'bogus'"),
    "sub-table": ("[[step]]\nexpect", "[step.extra]\na = 1\n\n[[step]]\nexpect", 16,
                  "step 3 (wait): unknown field 'extra'"),
}


def test_good_macro_parses_with_step_lines() -> None:
    macro, lines = parse_macro(GOOD, "m.toml")
    assert lines == [5, 9, 12, 16]
    key, text, wait, expect = macro.steps
    assert isinstance(key, KeyStep) and key.keys == ["down"] and key.after == 1.5
    assert isinstance(text, TextStep) and text.keys == list("oradb01")
    assert isinstance(wait, WaitStep) and isinstance(wait.wait, PartitionCheck)
    assert wait.limit == 30
    assert isinstance(expect, ExpectStep)


@pytest.mark.parametrize("case", sorted(BAD))
def test_bad_macro_is_refused_with_file_line_and_reason(case: str) -> None:
    old, new, line, reason = BAD[case]
    assert old in GOOD
    with pytest.raises(MacroFileError) as caught:
        parse_macro(GOOD.replace(old, new, 1), "m.toml")
    message = str(caught.value)
    assert message.startswith(f"m.toml:{line}: "), message
    assert reason in message
    assert "\n" not in message


def test_no_header_and_missing_file(tmp_path: Path) -> None:
    with pytest.raises(MacroFileError, match=r"^m.toml:1: no \[macro\] table"):
        parse_macro('[[step]]\nkey = "a"\n', "m.toml")
    with pytest.raises(MacroFileError, match="cannot read"):
        load_macro(tmp_path / "nope.toml")
    binary = tmp_path / "bin.toml"
    binary.write_bytes(b"[macro]\n\xff\n")
    with pytest.raises(MacroFileError, match=r"bin.toml:2: not UTF-8"):
        load_macro(binary)


def test_screenshot_must_be_svg_and_text_typeable() -> None:
    with pytest.raises(MacroFileError, match=r"path must end in \.svg"):
        parse_macro(GOOD + '\n[[step]]\nscreenshot = "a.png"\n', "m.toml")
    with pytest.raises(MacroFileError, match=r"cannot type '\\x01'"):
        parse_macro(GOOD + '\n[[step]]\ntext = "a\\u0001"\n', "m.toml")


@pytest.mark.parametrize("key", ["a", "A", "7", "down", "enter", "escape", "f1", "f24",
                                 "ctrl+x", "shift+tab", "colon", "slash", "question_mark",
                                 "space", "full_stop", "minus", "ctrl+shift+home"])
def test_key_names_textual_delivers(key: str) -> None:
    assert is_key_name(key)


@pytest.mark.parametrize(("key", "hint"), [
    ("Down", "did you mean 'down'?"), ("f25", "unknown key name"),
    (":", "write 'colon'"), ("hyper+ctrl+ctrl+a", "repeated"),
    ("foo+a", "'foo' is not a modifier"), ("ctrl+", "unknown key name"),
])
def test_bad_key_names(key: str, hint: str) -> None:
    assert not is_key_name(key)
    assert hint in key_error(key)


def test_text_to_keys() -> None:
    assert text_to_keys("lpar db-1.x") == [
        "l", "p", "a", "r", "space", "d", "b", "minus", "1", "full_stop", "x"]


def test_invalid_macro_exits_2_before_running(cli: Callable[[list[str]], int],
                                              write_macro: Callable[..., Path],
                                              tmp_path: Path,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    path = write_macro('[[step]]\nkey = "a"\n\n[[step]]\nbogus = 1\n')
    report = tmp_path / "r.json"
    assert cli(["replay", str(path), "--headless", "--report", str(report)]) == 2
    err = capsys.readouterr().err
    assert err == f"hmc-tui: {path}:10: step 2: no step kind: a step holds one of key, text, " \
        "wait, expect, screenshot, speed, comment (found 'bogus')\n"
    assert not report.exists()  # refused before anything ran


def test_unusable_frame_file_exits_2(cli: Callable[[list[str]], int],
                                     write_macro: Callable[..., Path],
                                     capsys: pytest.CaptureFixture[str]) -> None:
    path = write_macro('[[step]]\nkey = "a"\n', header='[macro]\nframe = "missing.toml"\n')
    assert cli(["replay", str(path), "--headless"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("hmc-tui: ") and "missing.toml: cannot read" in err
    assert err.count("\n") == 1
