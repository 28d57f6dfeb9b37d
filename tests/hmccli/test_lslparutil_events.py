"""lslparutil's sample rate (lslparutil -r config, chlparutil -r config -s) and its
state_change / config_change events.

Formats follow IBM's HMC lslparutil and chlparutil man pages (event types `sample`,
`state_change`, `config_change`; `sample_rate` of -r config; the rates chlparutil takes)
and the published `lslparutil -r lpar -F time,...` sample records of docs/hmc-commands.md
(newest first, one record per line, `MM/DD/YYYY HH:MM:SS` times).
"""

from __future__ import annotations

import os
from pathlib import Path

from hmccli_support import SYS

from hmc_tui.console import LocalConsole
from hmc_tui.hmccli import run_command

GOLDEN = Path(__file__).parent / "golden"
UPDATE = os.environ.get("HMCCLI_UPDATE_GOLDEN") == "1"


def ok(console: LocalConsole, line: str) -> str:
    result = run_command(console, line)
    assert (result.exit_code, result.stderr) == (0, ""), result
    return result.stdout


def golden(name: str, text: str) -> None:
    path = GOLDEN / f"{name}.txt"
    if UPDATE:
        path.write_text(text, encoding="utf-8")
    assert text == path.read_text(encoding="utf-8")


def test_the_sample_rate_is_reported_and_changed(console) -> None:  # type: ignore
    assert ok(console, f"lslparutil -r config -m {SYS}") == "sample_rate=30\n"
    assert ok(console, f"chlparutil -r config -m {SYS} -s 300") == ""
    assert ok(console, "chlparutil -r config -s 300") == ""  # -m is optional
    golden("lslparutil_config_300", ok(console, f"lslparutil -r config -m {SYS}"))
    assert ok(console, f"lslparutil -r config -m {SYS} -F sample_rate") == "300\n"
    assert console.snapshot().frame.system.sample_rate == 300
    console.step(900)
    times = ok(console, f"lslparutil -r lpar -m {SYS} --filter lpar_ids=3 -F time")
    assert times == "01/05/2026 08:15:00\n01/05/2026 08:10:00\n01/05/2026 08:05:00\n"
    assert console.snapshot().events[-1].command == f"chlparutil -r config -m {SYS} -s 300"


def test_a_rate_chlparutil_does_not_take_is_refused(console) -> None:  # type: ignore
    result = run_command(console, f"chlparutil -r config -m {SYS} -s 45")
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr == (
        "HSCL0A0F The sample_rate value 45 is not valid: the sample rate must be one of 0, "
        "30, 60, 300, 900, 1800 or 3600 seconds (0 stops sampling).\n")
    assert run_command(console, "chlparutil -r config").stderr.startswith(
        "The command entered is either missing a required parameter")


def test_rate_zero_stops_sampling(console) -> None:  # type: ignore
    ok(console, f"chlparutil -r config -m {SYS} -s 0")
    console.step(120)
    assert ok(console, f"lslparutil -r lpar -m {SYS}") == "No results were found.\n"


def test_state_and_config_changes_are_logged_with_the_samples(console) -> None:  # type: ignore
    console.step(60)
    ok(console, f"chsysstate -m {SYS} -r lpar -o on -n dev02")  # 08:01:00
    console.step(30)
    ok(console, f"chhwres -m {SYS} -r mem -o a -p was01 -q 256")  # 08:01:30
    console.step(30)
    listing = ok(console, f"lslparutil -r lpar -m {SYS} --filter lpar_names=dev02,was01 "
                 "-F time,event_type,lpar_name,time_cycles,entitled_cycles,curr_mem")
    # Starting at the activation (08:01:00), Running once the firmware is up (7 s later);
    # the DLPAR memory add of was01; the counters of a change are those of the last sample
    # at or before it (512,000,000 cycles per second: 60 s = 30,720,000,000).
    golden("lslparutil_events", listing)
    assert listing.splitlines()[3:6] == [
        "01/05/2026 08:01:30,config_change,was01,46080000000,69120000000,33024",
        "01/05/2026 08:01:30,sample,dev02,46080000000,7680000000,16384",
        "01/05/2026 08:01:07,state_change,dev02,30720000000,0,16384",
    ]
    only = ok(console, f'lslparutil -r lpar -m {SYS} --filter '
              '"event_types=state_change,config_change" -F time,event_type,lpar_name')
    assert only == ("01/05/2026 08:01:30,config_change,was01\n"
                    "01/05/2026 08:01:07,state_change,dev02\n"
                    "01/05/2026 08:01:00,state_change,dev02\n")
    # -s h keeps one sample an hour but every change event
    hourly = ok(console, f"lslparutil -r lpar -m {SYS} -s h --filter lpar_names=dev02 "
                "-F time,event_type")
    assert hourly == ("01/05/2026 08:02:00,sample\n01/05/2026 08:01:07,state_change\n"
                      "01/05/2026 08:01:00,state_change\n")


def test_a_refused_operation_is_no_config_change(console) -> None:  # type: ignore
    result = run_command(console, f"chhwres -m {SYS} -r mem -o a -p dev02 -q 256")
    assert result.exit_code == 1  # dev02 is not active
    assert ok(console, f'lslparutil -r lpar -m {SYS} --filter "event_types=config_change"') == (
        "No results were found.\n")
