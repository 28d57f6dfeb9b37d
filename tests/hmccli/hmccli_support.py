"""Shared helpers of the HMC command line tests (a unique module name: several test folders
have a conftest.py, so tests import from here, not from conftest)."""

from __future__ import annotations

from engine.roles import Actor
from engine.service import Engine
from engine.snapshot import UtilSeries
from engine.store import demo_frame
from hmc_tui.console import LocalConsole

SYS = "Server-9080-HEX-SN78H4A21"
MTMS = "9080-HEX*78H4A21"
R = 512_000_000  # cycles per core-second, as engine.utilisation counts them


def synthetic_series(resource: str, key: int, interval: str) -> UtilSeries:
    """Deterministic counters: 4 samples 5 s (short) or 30 s (long) apart, the last at 600 s.

    Partition `key` uses 0.1 x key cores, half of it within entitlement; pools use 2 cores
    of 8. Only the formatting is under test here, the dispatcher has tests of its own.
    """
    step = 5.0 if interval == "short" else 30.0
    times = tuple(600.0 - step * i for i in (3, 2, 1, 0))
    if resource == "lpar":
        used = 0.1 * key
        return UtilSeries(times, {
            "time_cycles": tuple(int(t * R) for t in times),
            "entitled_cycles": tuple(int(t * R * 0.5) for t in times),
            "capped_cycles": tuple(int(t * R * used / 2) for t in times),
            "uncapped_cycles": tuple(int(t * R * used / 2) for t in times),
            "idle_cycles": tuple(0 for _ in times),
            "shared_cycles_while_active": tuple(0 for _ in times),
        })
    return UtilSeries(times, {
        "time_cycles": tuple(int(t * R) for t in times),
        "total_pool_cycles": tuple(int(t * R * 8) for t in times),
        "utilized_pool_cycles": tuple(int(t * R * 2) for t in times),
    })


class UtilConsole(LocalConsole):
    """A local console whose utilisation series are the synthetic ones above."""

    def utilisation(self, resource, key, interval="long", system=""):  # type: ignore[no-untyped-def]
        return synthetic_series(resource, key, interval)


def viewer_console() -> LocalConsole:
    return LocalConsole(Engine(demo_frame(), mode="stepped"),
                        Actor(user="viewer", role="hmcviewer"))
