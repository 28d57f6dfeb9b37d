"""A frame change lays the overview out again only when the system header's line count
changed: on the 1000-partition frame that layout cost ~10 ms of each console's CPU for every
partition changing state, although the header kept its lines."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from console_helpers import step

from engine import ops
from hmc_tui.app import HmcApp
from hmc_tui.console import LocalConsole
from hmc_tui.widgets.system_header import SystemHeader

SIZE = (120, 35)
LONG_NAME = "Server-9080-HEX-SN78H4A21-production-frame-room-2B"  # 50 characters


@pytest.fixture
def layouts(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[bool]]:
    """The `layout` of every refresh the system header asks for."""
    asked: list[bool] = []
    original = SystemHeader.refresh

    def spy(self: SystemHeader, *regions: object, **kwargs: bool) -> SystemHeader:
        asked.append(kwargs.get("layout", False))
        return original(self, *regions, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(SystemHeader, "refresh", spy)
    yield asked


def header_lines(header: SystemHeader) -> list[str]:
    return [strip.text.rstrip() for strip in header.render_lines(header.region.reset_offset)]


async def test_a_frame_change_lays_out_only_when_the_header_grows(
        app: HmcApp, console: LocalConsole, layouts: list[bool]) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        header = app.screen.query_one(SystemHeader)
        assert header.size.height == 4  # name and model, processors, memory, pools
        frame_version = app.snapshot.frame_version
        layouts.clear()
        console.execute(ops.SetUncapWeight(lpar="dev01", uncap_weight=77))
        await step(pilot, console, 1)
        assert app.snapshot.frame_version > frame_version  # a frame change reached it
        assert layouts and not any(layouts)  # repainted, no layout
        assert header.size.height == 4
        # A long name: the model no longer fits beside it and takes a line of its own.
        layouts.clear()
        console.execute(ops.ChangeSystem(new_name=LONG_NAME))
        await step(pilot, console, 1)
        assert True in layouts
        assert header.size.height == 5
        lines = header_lines(header)
        assert lines[0].split() == [LONG_NAME, "Operating"]
        assert lines[1].split()[:2] == ["MTMS", "9080-HEX*78H4A21"]
        assert lines[4].split()[0] == "Pools"
