"""lssvcevents -t console: the journal's events as the HMC lists its console events."""

from __future__ import annotations

from hmccli_support import SYS

from hmc_tui.hmccli.errors import USAGE_SENTENCE


def usage(*params: str) -> str:
    return USAGE_SENTENCE.format(params=", ".join(params)) + "\n"


def test_refusals(run) -> None:  # type: ignore[no-untyped-def]
    assert run("lssvcevents -t console -d 1 -i 5").stderr == usage("-d", "-i")
    assert run("lssvcevents -t disk").stderr == usage("-t")
    assert run("lssvcevents -d 1").stderr == usage("-t")
    assert run(f"lssvcevents -t console -m {SYS}").stderr == usage("-m")  # -t hardware's
    bad = run("lssvcevents -t console -F time,shoe_size")
    assert (bad.exit_code, bad.stderr) == (
        1, "An invalid attribute was entered.  The invalid attribute is shoe_size.  "
        "Please correct your entry and retry the command.\n")
    assert run("lssvcevents -t console --filter colour=red").exit_code == 1


def test_a_viewer_sees_who_was_refused(run, console) -> None:  # type: ignore[no-untyped-def]
    from engine.roles import Actor
    from hmc_tui.console import LocalConsole
    from hmc_tui.hmccli import run_command

    viewer = LocalConsole(console.engine, Actor(user="val", role="hmcviewer"))
    assert run_command(viewer, f"chsysstate -m {SYS} -r lpar -o on -n dev02").exit_code == 1
    listed = run("lssvcevents -t console -F user_name,task_role,result --filter user_names=val")
    assert listed.stdout == "val,hmcviewer,HSCL350B\n"
