"""Processing units finer than 0.01 are refused with HSCL0A04 on every command-line path.

Before, `chhwres --procunits 0.005` was accepted and rounded away (the partition kept its
entitlement and a DLPAR window was started for nothing). One rule, engine.rules.resources.
pu_step_error, serves profiles, new partitions and DLPAR alike.
"""

from __future__ import annotations

import pytest
from hmccli_support import SYS

from engine.errors import HmcError
from engine.ops import ChangeProcessors
from engine.roles import Actor
from engine.rules.resources import pu_step_error
from hmc_tui.console import LocalConsole

HSCL0A04 = "HSCL0A04 The {field} value {value} must be a multiple of 0.01 processing units.\n"


def units(console: LocalConsole, name: str) -> float | None:
    p = console.snapshot().frame.partition(name)
    assert p is not None and p.current is not None
    return p.current.desired_proc_units


@pytest.mark.parametrize("flag,amount", [("a", "0.005"), ("r", "0.005"), ("a", "0.015"),
                                         ("a", "1.001")])
def test_chhwres_procunits_finer_than_a_hundredth(run, console, flag, amount) -> None:  # type: ignore[no-untyped-def]
    result = run(f"chhwres -r proc -m {SYS} -o {flag} -p was01 --procunits {amount}")
    assert (result.exit_code, result.stdout, result.stderr) == (
        1, "", HSCL0A04.format(field="--procunits", value=amount))
    assert units(console, "was01") == 1.5
    # Refused before the DLPAR window starts: a whole-hundredth change goes through at once.
    assert run(f"chhwres -r proc -m {SYS} -o a -p was01 --procunits 0.01").exit_code == 0
    assert units(console, "was01") == 1.51


def test_chhwres_move_of_half_a_hundredth_changes_neither_side(run, console) -> None:  # type: ignore[no-untyped-def]
    result = run(f"chhwres -r proc -m {SYS} -o m -p was01 -t oradb01 --procunits 0.005")
    assert result.stderr == HSCL0A04.format(field="--procunits", value="0.005")
    assert (units(console, "was01"), units(console, "oradb01")) == (1.5, 4.0)


@pytest.mark.parametrize("attr", ["min_proc_units", "desired_proc_units", "max_proc_units"])
def test_profile_attribute_finer_than_a_hundredth(run, console, attr) -> None:  # type: ignore[no-untyped-def]
    value = {"min_proc_units": "0.505", "desired_proc_units": "1.505",
             "max_proc_units": "3.999"}[attr]
    result = run(f"chsyscfg -r prof -m {SYS} -i 'name=default_profile,lpar_name=was01,"
                 f"{attr}={value}'")
    assert (result.exit_code, result.stderr) == (1, HSCL0A04.format(field=attr, value=value))
    p = console.snapshot().frame.partition("was01")
    prof = p.profile("default_profile")
    assert (prof.min_proc_units, prof.desired_proc_units, prof.max_proc_units) == (0.5, 1.5, 4.0)


def test_new_partition_with_units_finer_than_a_hundredth(run, console) -> None:  # type: ignore[no-untyped-def]
    result = run(f"mksyscfg -r lpar -m {SYS} -i 'name=lpar99,profile_name=p,lpar_env=aixlinux,"
                 "min_mem=2048,desired_mem=2048,max_mem=4096,proc_mode=shared,"
                 "min_proc_units=0.1,desired_proc_units=0.105,max_proc_units=1.0,min_procs=1,"
                 "desired_procs=1,max_procs=1,sharing_mode=cap'")
    assert result.stderr == HSCL0A04.format(field="desired_proc_units", value="0.105")
    assert console.snapshot().frame.partition("lpar99") is None


def test_the_operation_itself_refuses(console) -> None:  # type: ignore[no-untyped-def]
    """Front ends that build the operation directly (the console's dialog, macros)."""
    op = ChangeProcessors(lpar="was01", action="add", proc_units=0.005)
    result = console.engine.execute(op, Actor(user="hscroot", role="hmcsuperadmin"))
    assert (result.ok, result.code) == (False, "HSCL0A04")
    assert units(console, "was01") == 1.5


def test_the_rule_accepts_binary_float_noise_and_whole_hundredths() -> None:
    assert pu_step_error("f", 0.1 + 0.2) is None  # 0.30000000000000004
    assert pu_step_error("f", 0.05 * 3) is None
    assert pu_step_error("f", 7.0) is None
    err = pu_step_error("f", 0.005, "partitions[0].x")
    assert isinstance(err, HmcError) and (err.code, err.path) == ("HSCL0A04", "partitions[0].x")
