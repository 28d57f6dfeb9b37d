"""A partition keeps the resources it ran with when it stops (`Partition.configured`)."""

from __future__ import annotations

from pathlib import Path

import pytest

from engine import ops
from engine.lifecycle import settle
from engine.model import Partition, Resources
from engine.roles import Actor
from engine.service import Engine
from engine.store import demo_frame
from hmc_tui.console import LocalConsole
from hmc_tui.hmccli import run_command
from hmc_tui.hmccli.capture import export
from hmc_tui.hmccli.importer import import_frame

ADMIN = Actor()
SYS = demo_frame().system.name


@pytest.fixture
def engine() -> Engine:
    return Engine(demo_frame(), seed=7, mode="stepped")


def run(engine: Engine, op: ops.Operation) -> None:
    result = engine.execute(op, ADMIN)
    assert result.ok, f"{result.code} {result.message}"


def dev02(engine: Engine) -> Partition:
    p = engine.snapshot().frame.partition("dev02")
    assert p is not None
    return p


# dev02's default profile: 0.2/0.5/2.0 PU, 1/2/4 VPs, 8/16/32 GB in DevTestPool (id 1).
RAN_WITH = Resources(min_proc_units=0.2, desired_proc_units=0.75, max_proc_units=2.0,
                     min_procs=1, desired_procs=2, max_procs=4, shared_proc_pool_id=1,
                     min_mem=8192, desired_mem=16384 + 4096, max_mem=32768)


def running_then_changed(engine: Engine) -> None:
    """dev02 activated, then given 0.25 PU and 4 GB more by DLPAR."""
    assert dev02(engine).configured is None  # never activated in the demo frame
    run(engine, ops.ActivatePartition(lpar="dev02"))
    engine.step(70)
    run(engine, ops.ChangeProcessors(lpar="dev02", action="add", proc_units=0.25))
    engine.step(5)
    run(engine, ops.ChangeMemory(lpar="dev02", action="add", mem=4096))
    engine.step(5)
    assert dev02(engine).current == RAN_WITH


def test_shutdown_keeps_what_it_ran_with(engine: Engine) -> None:
    running_then_changed(engine)
    run(engine, ops.ShutdownPartition(lpar="dev02", option="immediate"))
    assert dev02(engine).configured is None  # Shutting Down: still holds `current`
    engine.step(5)
    p = dev02(engine)
    assert (p.state, p.current, p.configured) == ("Not Activated", None, RAN_WITH)


def test_activation_takes_the_profile_again_and_clears_configured(engine: Engine) -> None:
    running_then_changed(engine)
    run(engine, ops.ShutdownPartition(lpar="dev02", option="immediate"))
    engine.step(5)
    run(engine, ops.ActivatePartition(lpar="dev02"))
    p = dev02(engine)
    assert p.configured is None
    assert p.current is not None
    assert (p.current.desired_proc_units, p.current.desired_mem) == (0.5, 16384)


def test_restart_ends_with_the_new_activation(engine: Engine) -> None:
    running_then_changed(engine)
    run(engine, ops.ShutdownPartition(lpar="dev02", option="immediate", restart=True))
    engine.step(5)
    p = dev02(engine)
    assert p.state in ("Starting", "Running") and p.configured is None


def test_settle_keeps_what_it_ran_with(engine: Engine) -> None:
    running_then_changed(engine)
    run(engine, ops.ShutdownPartition(lpar="dev02", option="os"))
    engine.step(1)
    frame = engine.snapshot().frame
    assert frame.partition("dev02").state == "Shutting Down"  # type: ignore[union-attr]
    p = settle(frame).partition("dev02")
    assert p is not None
    assert (p.state, p.current, p.configured) == ("Not Activated", None, RAN_WITH)


def test_the_hmc_listings_of_a_shut_down_partition(engine: Engine) -> None:
    running_then_changed(engine)
    run(engine, ops.ShutdownPartition(lpar="dev02", option="immediate"))
    engine.step(5)
    console = LocalConsole(engine)

    def out(command: str) -> str:
        result = run_command(console, command)
        assert result.exit_code == 0, result.stderr
        return result.stdout.strip()

    assert out(f"lssyscfg -r lpar -m {SYS} --filter lpar_names=dev02 "
               "-F state,resource_config") == "Not Activated,1"
    assert out(f"lshwres -r proc -m {SYS} --level lpar --filter lpar_names=dev02 "
               "-F curr_shared_proc_pool_id,curr_min_proc_units,curr_proc_units,"
               "curr_max_proc_units,curr_min_procs,curr_procs,curr_max_procs,"
               "curr_uncap_weight") == "1,0.2,0.75,2.0,1,2,4,128"
    assert out(f"lshwres -r mem -m {SYS} --level lpar --filter lpar_names=dev02 "
               "-F curr_min_mem,curr_mem,curr_max_mem") == "8192,20480,32768"


def test_export_and_import_keep_it(engine: Engine, tmp_path: Path) -> None:
    running_then_changed(engine)
    run(engine, ops.ShutdownPartition(lpar="dev02", option="immediate"))
    engine.step(5)
    export(LocalConsole(engine), tmp_path)
    imported = import_frame(tmp_path)
    assert imported.warnings == []
    assert imported.frame.partition("dev02").configured == RAN_WITH  # type: ignore[union-attr]
    frame = engine.snapshot().frame  # the code history is the console's log, not captured
    assert imported.frame == frame.model_copy(update={"partitions": tuple(
        p.model_copy(update={"refcode_history": ()}) for p in frame.partitions)})
