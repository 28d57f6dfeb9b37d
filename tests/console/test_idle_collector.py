"""The console's own full garbage collections (hmc_tui/gc_tuning.py): every FULL_EVERY
seconds while the user is idle, and only when objects reached the oldest generation since the
last one (an idle console allocates little: a full collection there was work for nothing)."""

from __future__ import annotations

import time

import pytest

from hmc_tui import gc_tuning
from hmc_tui.gc_tuning import FULL_EVERY, IDLE_FOR, PROMOTIONS, IdleCollector


class Generations:
    """gc's generation counts as the test sets them, and the full collections asked for
    (the real collector is left alone: gc.freeze and thresholds are process-wide)."""

    def __init__(self) -> None:
        self.count = (0, 0, 0)
        self.collected = 0

    def collect(self) -> int:
        self.collected += 1
        self.count = (0, 0, 0)
        return 0


@pytest.fixture
def generations(monkeypatch: pytest.MonkeyPatch) -> Generations:
    gens = Generations()
    monkeypatch.setattr(gc_tuning.gc, "get_count", lambda: gens.count)
    monkeypatch.setattr(gc_tuning.gc, "collect", gens.collect)
    return gens


def collector(idle: float, since_full: float) -> IdleCollector:
    """Started (as start() leaves it, without freezing this process), the last key `idle`
    seconds ago and the last full collection `since_full` seconds ago."""
    made = IdleCollector()
    made.started = True
    now = time.monotonic()
    made.last_input, made.last_full = now - idle, now - since_full
    return made


def test_an_idle_console_collects_when_objects_reached_the_old_generation(
        generations: Generations) -> None:
    generations.count = (5, 3, PROMOTIONS)
    collector(IDLE_FOR + 1, FULL_EVERY + 1).tick()
    assert generations.collected == 1


def test_an_idle_console_that_allocated_little_is_not_walked_again(
        generations: Generations) -> None:
    for minute in range(1, PROMOTIONS):  # idle: about one generation-1 collection a minute
        generations.count = (100, 4, minute)
        collector(60.0 * minute, 60.0 * minute).tick()
    assert generations.collected == 0
    generations.count = (100, 4, PROMOTIONS)
    collector(600.0, 600.0).tick()
    assert generations.collected == 1


def test_no_collection_while_the_user_types_or_before_it_is_due(
        generations: Generations) -> None:
    generations.count = (0, 0, 10 * PROMOTIONS)
    collector(IDLE_FOR + 1, FULL_EVERY / 2).tick()  # not due
    typing = collector(IDLE_FOR + 1, FULL_EVERY + 1)
    typing.input_seen()
    typing.tick()  # a key just now
    assert generations.collected == 0
    collector(IDLE_FOR + 1, FULL_EVERY + 1).tick()
    assert generations.collected == 1
