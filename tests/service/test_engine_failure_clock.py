"""The engine's clock: speeds are checked at every boundary (HSCL0F01), and if the clock
thread ever dies the failure is recorded, logged by the service with its traceback, every
request is refused at once with HSCL0F02, and `hmc-tui serve` exits non-zero with the frame
saved as it was."""

from __future__ import annotations

import asyncio
import logging
import math
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from engine import ops
from engine.errors import HmcError
from engine.roles import Actor
from engine.service import MAX_SPEED, Engine
from engine.store import demo_frame, load_frame, save_frame
from hmc_tui.service.remote import RemoteConsole

from .conftest import ServiceFactory, wait_until

REPO = Path(__file__).resolve().parents[2]


# ---------------------------------------------------------------- speeds


@pytest.mark.parametrize("bad", [math.nan, math.inf, -math.inf, 0.0, -0.5, MAX_SPEED * 1.0001])
def test_bad_speeds_are_refused_and_change_nothing(bad: float) -> None:
    engine = Engine(demo_frame(), mode="accelerated", speed=4.0)
    with pytest.raises(HmcError) as err:
        engine.set_speed(bad)
    assert err.value.code == "HSCL0F01"
    assert err.value.message == (f"The engine clock speed {bad} is not valid: it must be a "
                                 "number greater than 0 and at most 86400 (engine seconds per "
                                 "wall second).")
    assert engine.snapshot().clock.speed == 4.0
    with pytest.raises(HmcError):
        Engine(demo_frame(), mode="accelerated", speed=bad)


@given(st.floats(allow_nan=True, allow_infinity=True))
def test_set_speed_accepts_exactly_the_valid_range(speed: float) -> None:
    engine = Engine(demo_frame(), mode="accelerated", speed=4.0)
    valid = math.isfinite(speed) and 0 < speed <= MAX_SPEED
    try:
        engine.set_speed(speed)
    except HmcError as exc:
        assert not valid and exc.code == "HSCL0F01"
        assert engine.snapshot().clock.speed == 4.0
    else:
        assert valid and engine.snapshot().clock.speed == speed


def test_the_fastest_speed_keeps_the_clock_thread_alive() -> None:
    engine = Engine(demo_frame(), mode="realtime")
    engine.start()
    try:
        engine.set_speed(MAX_SPEED)
        time.sleep(0.5)
        assert engine.failure is None and engine.time > 1000
        assert engine.execute(ops.ActivatePartition(lpar="dev02"), Actor()).ok
    finally:
        engine.stop()


# ---------------------------------------------------------------- a dying clock thread


def _break(engine: Engine, gate: threading.Event | None = None) -> None:
    """Make the next dispatch raise (after `gate` is set, if given)."""
    def run(*args: object, **kwargs: object) -> None:
        if gate is not None:
            gate.wait(5)
        raise RuntimeError("injected dispatch fault")
    engine._systems[0].cpu.run = run  # type: ignore[method-assign]  # the fault being injected


def test_a_dead_clock_thread_is_recorded_and_refuses_work_at_once() -> None:
    engine = Engine(demo_frame(), mode="realtime")
    engine.start()
    gate = threading.Event()
    try:
        _break(engine, gate)
        time.sleep(0.2)  # the thread is now held in the dispatch that will fail
        queued = engine.submit(ops.ActivatePartition(lpar="dev02"), Actor())
        gate.set()
        with pytest.raises(HmcError) as err:
            queued.result(2)  # answered, not left to time out
        assert err.value.code == "HSCL0F02"
        assert err.value.message == ("The engine has stopped after an internal failure "
                                     "(RuntimeError: injected dispatch fault); no operation can "
                                     "be performed until the service is restarted.")
        failure = engine.failure
        assert failure is not None and isinstance(failure.error, RuntimeError)
        assert "in _run_clock" in failure.trace
        assert failure.trace.rstrip().endswith("RuntimeError: injected dispatch fault")
        started = time.monotonic()
        late = engine.submit(ops.ActivatePartition(lpar="dev02"), Actor())
        assert late.done() and isinstance(late.exception(), HmcError)
        for change in (lambda: engine.set_speed(2.0), engine.pause, engine.resume):
            with pytest.raises(HmcError, match="HSCL0F02"):
                change()
        assert time.monotonic() - started < 0.1
    finally:
        engine.stop()


async def test_the_service_logs_the_failure_and_refuses_at_once(
        make_service: ServiceFactory, caplog: pytest.LogCaptureFixture) -> None:
    service = await make_service()
    failures: list[bool] = []
    service.on_engine_failure = lambda: failures.append(True)
    console = await asyncio.to_thread(RemoteConsole.open, service.socket_path)
    try:
        _break(service.engine)
        await wait_until(lambda: service.engine_failure is not None, 3)
        assert failures == [True]
        started = time.monotonic()
        with pytest.raises(HmcError) as err:
            await console.run(ops.ActivatePartition(lpar="dev02"))
        assert err.value.code == "HSCL0F02"
        with pytest.raises(HmcError, match="HSCL0F02"):
            await asyncio.to_thread(console.set_speed, 2.0)
        assert time.monotonic() - started < 1.0  # not a 10 s timeout
        series = await asyncio.to_thread(console.utilisation, "lpar", 1, "short")
        assert isinstance(series.times, tuple)  # reading still works
        assert console.connected
    finally:
        console.close()
    (record,) = [r for r in caplog.records if r.levelno == logging.ERROR]
    assert record.getMessage().startswith("the engine's clock thread died: operations are "
                                          "refused (HSCL0F02) until the service is restarted\n"
                                          "Traceback (most recent call last):")
    assert record.getMessage().endswith("RuntimeError: injected dispatch fault")


# A serve process whose dispatch fails once the trigger file exists.
SERVE_WITH_FAULT = """
import os, sys
import engine.cpu
real = engine.cpu.Processors.run
def run(self, *args, **kwargs):
    if os.path.exists(sys.argv[1]):
        raise RuntimeError("injected in serve")
    return real(self, *args, **kwargs)
engine.cpu.Processors.run = run
from hmc_tui.service.entry import main
raise SystemExit(main(["serve", "--no-ssh", "--frame", sys.argv[2], "--socket", sys.argv[3]]))
"""


async def test_serve_exits_non_zero_with_the_frame_saved(dirs: Path) -> None:
    frame, sock, trigger = dirs / "data" / "frame.toml", dirs / "f.sock", dirs / "fail-now"
    save_frame(demo_frame(), frame)
    env = dict(os.environ, PYTHONPATH=str(REPO))
    proc = subprocess.Popen([sys.executable, "-c", SERVE_WITH_FAULT, str(trigger), str(frame),
                             str(sock)], env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    try:
        await wait_until(lambda: sock.exists() or proc.poll() is not None, 20)
        console = await asyncio.to_thread(RemoteConsole.open, sock)
        assert (await console.run(ops.ActivatePartition(lpar="sandbox01"))).ok
        await asyncio.to_thread(console.wait_for, lambda s: s.time > 1.0, 5)
        trigger.touch()
        await asyncio.to_thread(console.wait_for, lambda _: not console.connected, 10)
        console.close()
        out, err = await asyncio.to_thread(proc.communicate, timeout=15)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
    assert proc.returncode == 1, err
    assert "the engine's clock thread died: operations are refused (HSCL0F02)" in err
    assert "RuntimeError: injected in serve" in err
    assert err.rstrip().endswith("hmc-tui: the engine failed (RuntimeError: injected in "
                                 "serve); the frame was saved as it was before the failure")
    assert f"frame saved to {frame}" in out
    saved = load_frame(frame)
    assert saved.partition("sandbox01").state != "Not Activated"  # type: ignore[union-attr]
    assert saved.engine_time > 1.0
    assert not sock.exists()
