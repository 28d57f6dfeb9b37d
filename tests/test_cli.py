"""The `hmc-tui` command: version, help, the frame summary and one-line errors."""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
# Plain `pytest` puts tests/ (not the repository) first on sys.path, where tests/engine/ would
# pass for a namespace package `engine` if the project is not installed; the real packages
# must win. (A `pythonpath = ["."]` pytest setting would make this unnecessary.)
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from engine import store  # noqa: E402
from engine.store import demo_frame, demo_frame_text  # noqa: E402
from hmc_tui import __version__  # noqa: E402
from hmc_tui.cli import FRAME_OPTION, build_parser, format_summary, main  # noqa: E402


@pytest.fixture(autouse=True)
def _isolated_locations(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for var, name in (
        (store.DATA_DIR_ENV, "data"), (store.CONFIG_DIR_ENV, "config"),
        (store.STATE_DIR_ENV, "state"),
    ):
        monkeypatch.setenv(var, str(tmp_path / "home" / name))


@pytest.fixture
def bad_frame(tmp_path: Path) -> Path:
    path = tmp_path / "bad.toml"
    path.write_text('format = 1\n[system]\nname = "x"\nmtm = "9080-HEX\n')
    return path


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--version"]) == 0
    assert capsys.readouterr().out == f"hmc-tui {__version__}\n"
    assert __version__ == "0.1.0"


def test_help(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--help"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("usage: hmc-tui")
    assert "--frame FILE" in out and "--version" in out and "summary" in out


def test_usage_error_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--no-such-option"]) == 2
    assert "usage: hmc-tui" in capsys.readouterr().err


def test_summary_of_the_users_frame(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["summary"]) == 0
    out = capsys.readouterr().out
    frame = demo_frame()
    assert frame.system.name in out
    assert frame.mtms in out and "Operating" in out and "FW1060.10" in out
    assert "installed 48, configurable 40, available 20.50" in out
    assert "DevTestPool" in out and "DefaultPool" in out
    for lpar in frame.partitions:
        assert lpar.name in out and lpar.os_version in out
    # First start created the user's frame from the two-system demo: the DR E1050 follows
    assert store.user_frame_path().read_text() == store.demo_hmc_text()
    assert "Managed system  Server-9043-MRX-SN78K3D05" in out


def test_summary_rows(capsys: pytest.CaptureFixture[str]) -> None:
    lines = format_summary(demo_frame()).splitlines()
    row = {line.split()[1]: line for line in lines if line.strip()[:2].strip().isdigit()}
    assert "4.00 EC / 8 VP" in row["oradb01"] and "262144" in row["oradb01"]
    assert "dedicated" in row["hana01"] and "8 cores" in row["hana01"]
    assert "Not Activated" in row["sandbox01"]
    assert "shared capped" in row["nim01"]


def test_frame_option_before_or_after_subcommand(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "other.toml"
    path.write_text(demo_frame_text().replace("Server-9080-HEX-SN78H4A21", "Lab-E1080"))
    for argv in (["--frame", str(path), "summary"],
                 ["summary", "--frame", str(path)]):
        assert main(argv) == 0
        assert "Managed system  Lab-E1080" in capsys.readouterr().out
    assert not store.user_frame_path().exists()  # --frame does not create the user's frame


def _subcommands(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    return next(a.choices for a in parser._actions  # argparse has no public list
                if isinstance(a, argparse._SubParsersAction))


def test_every_subcommand_takes_the_one_frame_option() -> None:
    parser = build_parser()
    (declared,) = [a for a in FRAME_OPTION._actions if "--frame" in a.option_strings]
    subcommands = _subcommands(parser)
    assert {"summary", "cmd", "shell", "import", "export", "replay", "serve", "users"} <= \
        set(subcommands)
    for name, sub in [("hmc-tui", parser), *subcommands.items()]:
        (option,) = [a for a in sub._actions if "--frame" in a.option_strings]
        assert option is declared, name  # inherited from FRAME_OPTION, not declared again
    for words in (["summary"], ["shell"], ["export", "out"], ["serve"], ["users", "list"]):
        after = build_parser().parse_args([*words, "--frame", "a.toml"])
        assert after.frame == Path("a.toml")
        assert build_parser().parse_args(["--frame", "b.toml", *words]).frame == Path("b.toml")
        assert not hasattr(build_parser().parse_args(words), "frame")  # the user's own
    args = build_parser().parse_args(["replay", "m.toml", "--frame", "c.toml"])
    assert (args.macro, args.frame) == (Path("m.toml"), Path("c.toml"))


def test_bad_frame_is_one_line_on_stderr(
    bad_frame: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--frame", str(bad_frame)]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.startswith(f"hmc-tui: {bad_frame}:4: invalid TOML: ")
    assert captured.err.count("\n") == 1
    assert "Traceback" not in captured.err


def test_missing_frame_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["summary", "--frame", str(tmp_path / "missing.toml")]) == 2
    err = capsys.readouterr().err
    assert err == f"hmc-tui: {tmp_path / 'missing.toml'}: cannot read: No such file or directory\n"


def test_broken_user_frame_is_reported_not_replaced(capsys: pytest.CaptureFixture[str]) -> None:
    path = store.user_frame_path()
    path.parent.mkdir(parents=True)
    path.write_text("[system\n")
    assert main([]) == 2  # the console refuses to start on it
    assert capsys.readouterr().err.startswith(f"hmc-tui: {path}:1: invalid TOML")
    assert path.read_text() == "[system\n"


def _run_module(*args: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ)
    # The source tree may not be installed: make it importable for the child.
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")]))
    return subprocess.run(
        [sys.executable, "-m", "hmc_tui", *args],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=60, check=False,
    )


def test_python_m_hmc_tui_bad_frame(bad_frame: Path) -> None:
    result = _run_module("--frame", str(bad_frame))
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.startswith("hmc-tui: ") and result.stderr.count("\n") == 1
    assert "Traceback" not in result.stderr


def test_python_m_hmc_tui_summary_and_version() -> None:
    result = _run_module("summary")
    assert result.returncode == 0, result.stderr
    assert "Server-9080-HEX-SN78H4A21" in result.stdout and "oradb01" in result.stdout
    assert _run_module("--version").stdout == f"hmc-tui {__version__}\n"
