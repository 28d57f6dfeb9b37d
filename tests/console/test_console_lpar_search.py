"""`:lpar NAME` finds a partition on any managed system: it switches to that system's view
and opens the properties; a name on two systems (here a migrating partition and its shell)
is listed with both systems and needs `-m SYSTEM` or `SYSTEM/NAME`."""

from __future__ import annotations

from console_helpers import make_app
from textual.pilot import Pilot

from engine.ops import MigratePartition
from engine.roles import Actor
from engine.service import Engine
from engine.store import demo_hmc
from hmc_tui.app import HmcApp
from hmc_tui.command_mode import Alias, complete_line, parse_alias
from hmc_tui.console import LocalConsole
from hmc_tui.partition_search import Found, find
from hmc_tui.screens.command import CommandScreen
from hmc_tui.screens.properties import PropertiesScreen

PROD = "Server-9080-HEX-SN78H4A21"
DR = "Server-9043-MRX-SN78K3D05"


async def colon(pilot: Pilot[object], line: str) -> None:
    await pilot.press("colon", *line, "enter")
    await pilot.pause()


def panel_lines(app: HmcApp) -> list[str]:
    panel = app.screen
    assert isinstance(panel, CommandScreen)  # the line stays open on the error
    return [str(line.text) for line in panel.output.lines]


def showing(app: HmcApp) -> tuple[str, str]:
    screen = app.screen
    assert isinstance(screen, PropertiesScreen)
    p = app.snapshot.frame.partition(screen.lpar_id)
    assert p is not None
    return app.snapshot.frame.system.name, p.name


async def test_lpar_finds_a_partition_on_another_system() -> None:
    app = make_app(LocalConsole(Engine(demo_hmc(), mode="stepped")))
    async with app.run_test(size=(160, 40)) as pilot:
        await pilot.pause()
        await pilot.press("enter")  # into the production E1080
        await pilot.pause()
        assert app.snapshot.frame.system.name == PROD
        await colon(pilot, "lpar drtest01")
        assert showing(app) == (DR, "drtest01")
        await pilot.press("escape")
        await colon(pilot, "lpar ORADB")  # a unique prefix, any case, on the other one
        assert showing(app) == (PROD, "oradb01")


async def test_a_name_on_two_systems_asks_which() -> None:
    console = LocalConsole(Engine(demo_hmc(), mode="stepped"))
    moved = console.engine.execute(
        MigratePartition(system=PROD, lpar="was01", dest_system=DR, dest_lpar_id=20), Actor())
    assert moved.ok  # the shell partition was01 (ID 20) now exists on the DR frame
    app = make_app(console)
    async with app.run_test(size=(160, 40)) as pilot:
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        await colon(pilot, "lpar was01")
        lines = panel_lines(app)  # the panel wraps the long line
        assert [lines[0], "".join(lines[1:])] == [
            ":lpar was01",
            f"was01 names partitions on 2 managed systems: was01 (ID 4) on {PROD}; was01 "
            f"(ID 20) on {DR}. Name the system: :lpar was01 -m SYSTEM or :lpar "
            "SYSTEM/was01"]
        await pilot.press("escape")
        await pilot.pause()
        await colon(pilot, f"lpar was01 -m {DR}")
        assert showing(app) == (DR, "was01")
        assert app.screen.lpar_id == 20  # type: ignore[attr-defined]
        await pilot.press("escape")
        await colon(pilot, f"lpar {PROD}/was01")
        assert showing(app) == (PROD, "was01")
        await pilot.press("escape")
        await colon(pilot, "lpar was01 -m nosuch")
        assert panel_lines(app)[-1] == "HSCL8014 The managed system nosuch was not found."
        await pilot.press("escape")
        await pilot.pause()
        await colon(pilot, f"lpar drtest01 -m {PROD}")  # only on the other system
        assert panel_lines(app)[-1] == "HSCL8012 The partition named drtest01 was not found."
        await pilot.press("escape")
        await pilot.pause()
        await colon(pilot, "lpar was01 -m")
        assert panel_lines(app)[-1] == "usage: :lpar NAME [-m SYSTEM]"


def test_lpar_alias_forms() -> None:
    assert parse_alias("lpar was01 -m DR") == Alias("lpar", "was01", "DR")
    assert parse_alias("lpar -m DR was01") == Alias("lpar", "was01", "DR")
    assert parse_alias("lpar DR/was01") == Alias("lpar", "DR/was01")
    assert parse_alias("lpar a b -m DR") == "usage: :lpar NAME [-m SYSTEM]"


def test_find_by_name_mtms_and_qualified_name() -> None:
    snap = Engine(demo_hmc(), mode="stepped").snapshot()
    assert find(snap, "drtest01") == Found(1, 3)
    assert find(snap, "9043-MRX*78K3D05/drtest01") == Found(1, 3)  # MTMS, as -m takes it
    assert find(snap, "drtest01", "9043-MRX*78K3D05") == Found(1, 3)
    assert find(snap, "DRVIOS") == "HSCL8012 The partition named DRVIOS was not found."
    assert find(snap, "drvios1") == Found(1, 1)
    # Tab completes partition names of every system
    assert complete_line(snap, "lpar drt", 8) == ["drtest01"]
