"""The utilisation sample rate (lslparutil -r config) travels with export and import."""

from __future__ import annotations

import shlex
from pathlib import Path

from hmccli_support import SYS

from engine.store import demo_frame
from hmc_tui.console import LocalConsole
from hmc_tui.hmccli import run_command
from hmc_tui.hmccli.capture import capture_script, export
from hmc_tui.hmccli.importer import import_frame


def test_a_changed_rate_exports_and_imports(console: LocalConsole, tmp_path: Path) -> None:
    assert run_command(console, f"chlparutil -r config -m {SYS} -s 300").exit_code == 0
    directory = tmp_path / "captures"
    export(console, directory)
    assert (directory / "lslparutil_r_config.txt").read_text() == "sample_rate=300\n"
    imported = import_frame(directory)
    assert imported.warnings == []
    assert imported.frame.system.sample_rate == 300
    assert imported.frame == console.snapshot().frame.model_copy(update={
        "partitions": tuple(p.model_copy(update={"refcode_history": ()})
                            for p in console.snapshot().frame.partitions)})


def test_rate_zero_round_trips(console: LocalConsole, tmp_path: Path) -> None:
    assert run_command(console, f"chlparutil -r config -m {SYS} -s 0").exit_code == 0
    export(console, tmp_path)
    assert import_frame(tmp_path).frame.system.sample_rate == 0


def test_missing_or_bad_rate_is_a_warning_and_30(console: LocalConsole, tmp_path: Path
                                                 ) -> None:
    assert run_command(console, f"chlparutil -r config -m {SYS} -s 900").exit_code == 0
    export(console, tmp_path)
    path = tmp_path / "lslparutil_r_config.txt"
    path.write_text("sample_rate=45\n")
    imported = import_frame(tmp_path)
    assert imported.warnings == [
        f"{path}:1: sample_rate '45' is not one of 0, 30, 60, 300, 900, 1800, 3600: 30 used"]
    assert imported.frame.system.sample_rate == 30
    path.unlink()
    imported = import_frame(tmp_path)
    assert imported.warnings == [
        "lslparutil_r_config.txt is missing: utilisation sampled every 30 s"]
    assert imported.frame.system.sample_rate == 30


def test_the_capture_script_lists_the_rate() -> None:
    remote = shlex.split(capture_script("Server-1"))[2]
    assert ('echo "### lslparutil -r config -m \\"$S\\""; '
            'lslparutil -r config -m "$S" 2>&1') in remote


def test_a_one_file_capture_with_the_rate_section(console: LocalConsole, tmp_path: Path
                                                  ) -> None:
    assert run_command(console, f"chlparutil -r config -m {SYS} -s 3600").exit_code == 0
    directory = tmp_path / "captures"
    export(console, directory)
    # The rate's section is headed by the command as the capture script writes it.
    sections = [f"### lslparutil -r config -m {SYS}\nsample_rate=3600\n"]
    sections += [f"### {f.stem}\n{f.read_text()}" for f in sorted(directory.glob("*.txt"))
                 if f.stem != "lslparutil_r_config"]
    single = tmp_path / "one.txt"
    single.write_text("".join(sections))
    imported = import_frame(single)
    assert imported.warnings == []
    assert imported.frame.system.sample_rate == 3600
    assert demo_frame().system.sample_rate == 30  # so 3600 came from the capture
