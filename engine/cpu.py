"""Placeholder until the dispatcher lands."""
from __future__ import annotations

from engine.model import Frame
from engine.snapshot import PoolLive, UtilSeries


class Processors:
    def __init__(self, frame: Frame, seed: int = 0) -> None:
        pass

    def run(self, frame: Frame, start_window: int, windows: int) -> None:
        pass

    def physc(self) -> dict[int, float]:
        return {}

    def pools_live(self, frame: Frame) -> tuple[PoolLive, ...]:
        return ()

    def series(self, resource: str, key: int, interval: str) -> UtilSeries:
        return UtilSeries(times=(), counters={})
