"""SVG snapshots of the three screens at 120x40 and 80x24 (update: pytest --snapshot-update).

Deterministic: the engine is stepped in lockstep, and the pool screen's utilisation comes
from SyntheticUtilConsole, so these pictures change with the screens, not with the
dispatcher's workload model.
"""

from __future__ import annotations

from typing import Any

import pytest
from screen_host import HostApp, SyntheticUtilConsole

from engine.ops import ActivatePartition, ChangeProcessors, InjectFault, UnmapVscsi
from engine.service import Engine
from engine.store import demo_frame
from hmc_tui.screens.events import EventsScreen
from hmc_tui.screens.pools import PoolsScreen
from hmc_tui.screens.properties import PropertiesScreen
from hmc_tui.screens.vios import ViosScreen
from hmc_tui.screens.vnet import VnetScreen

SIZES = [(120, 40), (80, 24)]


def pools_app() -> HostApp:
    console = SyntheticUtilConsole(Engine(demo_frame(), mode="stepped"))
    return HostApp(PoolsScreen, console, warmup=1800.0)


def events_app() -> HostApp:
    app = HostApp(EventsScreen)
    console = app.hmc_console
    console.execute(ActivatePartition(lpar="dev02"))
    console.step(90.0)
    console.execute(ActivatePartition(lpar="oradb01"))  # refused: already running
    console.execute(UnmapVscsi(vios="vios2", vtd="vtscsi3"))
    console.execute(ChangeProcessors(lpar="was01", action="add", proc_units=0.25))
    app.snapshot = console.snapshot()  # what the app's timer would have picked up
    return app


async def settle(pilot: Any) -> None:
    await pilot.pause()


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_pools_screen(snap_compare: Any, size: tuple[int, int]) -> None:
    assert snap_compare(pools_app(), terminal_size=size, run_before=settle)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_pools_screen_devtest_long_term(snap_compare: Any, size: tuple[int, int]) -> None:
    assert snap_compare(pools_app(), terminal_size=size, press=["right_square_bracket", "h"])


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_vios_screen(snap_compare: Any, size: tuple[int, int]) -> None:
    assert snap_compare(HostApp(ViosScreen), terminal_size=size, run_before=settle)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_events_screen(snap_compare: Any, size: tuple[int, int]) -> None:
    assert snap_compare(events_app(), terminal_size=size, run_before=settle)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_vnet_screen(snap_compare: Any, size: tuple[int, int]) -> None:
    assert snap_compare(HostApp(VnetScreen), terminal_size=size, run_before=settle)


def faults_app(screen: Any) -> HostApp:
    """The demo frame 40 s after vios1's fcs1 and a core failed (call homes sent)."""
    app = HostApp(screen)
    console = app.hmc_console
    console.execute(InjectFault(kind="port_down", location="vios1:fcs1"))
    console.step(10.0)
    console.execute(InjectFault(kind="core"))
    console.step(30.0)
    app.snapshot = console.snapshot()
    return app


def test_events_screen_serviceable_events(snap_compare: Any) -> None:
    assert snap_compare(faults_app(EventsScreen), terminal_size=(120, 40), run_before=settle)


def test_properties_paths_tab(snap_compare: Any) -> None:
    app = faults_app(lambda: PropertiesScreen(5, tab="paths"))  # hana01 over NPIV
    assert snap_compare(app, terminal_size=(120, 40), run_before=settle)
