"""The utilisation sample rate: part of the frame, the rate the HMC samples are taken at."""

from __future__ import annotations

from pathlib import Path

import pytest

from engine import ops
from engine.roles import Actor
from engine.service import Engine
from engine.store import demo_frame, load_frame, save_frame

ADMIN = Actor(user="hscroot", role="hmcsuperadmin")


def sample_times(engine: Engine) -> list[float]:
    return list(engine.utilisation("lpar", 3, "long").times)


def test_samples_follow_the_rate_and_its_changes(tmp_path: Path) -> None:
    engine = Engine(demo_frame(), mode="stepped")
    assert engine.snapshot().frame.system.sample_rate == 30  # the default
    engine.step(120)
    assert sample_times(engine) == [30.0, 60.0, 90.0, 120.0]
    assert engine.execute(ops.ChangeSampleRate(sample_rate=60), ADMIN).ok
    engine.step(180)
    assert sample_times(engine) == [30.0, 60.0, 90.0, 120.0, 180.0, 240.0, 300.0]
    assert engine.execute(ops.ChangeSampleRate(sample_rate=0), ADMIN).ok  # sampling off
    engine.step(600)
    assert sample_times(engine)[-1] == 300.0
    assert engine.execute(ops.ChangeSampleRate(sample_rate=300), ADMIN).ok
    engine.step(600)  # engine time 900 -> 1500; 900 itself was sampled at rate 0
    assert sample_times(engine)[-3:] == [300.0, 1200.0, 1500.0]
    # the short-term series for the console's live views keeps its 5 s step
    assert engine.utilisation("lpar", 3, "short").times[-2:] == (1495.0, 1500.0)
    path = tmp_path / "frame.toml"
    save_frame(engine.frame_to_save(), path)
    assert "sample_rate = 300" in path.read_text()
    assert load_frame(path).system.sample_rate == 300


@pytest.mark.parametrize("rate", [45, -30, 7200])
def test_rates_chlparutil_does_not_know_are_refused(rate: int) -> None:
    engine = Engine(demo_frame(), mode="stepped")
    result = engine.execute(ops.ChangeSampleRate(sample_rate=rate), ADMIN)
    assert (result.ok, result.code) == (False, "HSCL0A0F")
    assert result.message == (f"The sample_rate value {rate} is not valid: the sample rate "
                              "must be one of 0, 30, 60, 300, 900, 1800 or 3600 seconds "
                              "(0 stops sampling).")
    assert engine.snapshot().frame.system.sample_rate == 30


def test_a_viewer_cannot_change_the_rate() -> None:
    engine = Engine(demo_frame(), mode="stepped")
    result = engine.execute(ops.ChangeSampleRate(sample_rate=60),
                            Actor(user="v", role="hmcviewer"))
    assert (result.ok, result.code) == (False, "HSCL350B")
