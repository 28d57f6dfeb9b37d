"""The pool graph when only its live figures move (once a second on the Pools screen, and on
every switch back to it): the legend line is built and drawn again, nothing else, unless the
new figures move the axis."""

from __future__ import annotations

from collections import Counter
from datetime import datetime
from typing import Any

import pytest
from textual.app import App, ComposeResult

from hmc_tui.widgets.pool_graph import PoolGraph, PoolSeries

EPOCH = datetime(2026, 1, 5, 8, 0)
SERIES = PoolSeries(times=(5.0, 10.0, 15.0), used=(1.0, 1.5, 2.0), size=(8.0, 8.0, 8.0),
                    entitled=(2.0, 2.0, 2.0), interval=5.0)
TITLE = "DevTestPool (ID 1) · short-term, 5 s samples"


class GraphApp(App[None]):
    def compose(self) -> ComposeResult:
        yield PoolGraph(id="graph")


async def test_live_figures_alone_redraw_the_legend_line(
        drawn: Counter[str], monkeypatch: pytest.MonkeyPatch) -> None:
    app = GraphApp()
    async with app.run_test(size=(100, 10)) as pilot:
        graph = app.query_one(PoolGraph)
        graph.set_series(SERIES, EPOCH, TITLE, (2.0, 2.0, 8.0))
        await pilot.pause()
        builds: list[tuple[int, int]] = []
        build = PoolGraph._build

        def counting(self: PoolGraph, width: int, height: int) -> Any:
            builds.append((width, height))
            return build(self, width, height)

        monkeypatch.setattr(PoolGraph, "_build", counting)
        before = [graph.render_line(y).text for y in range(10)]
        drawn.clear()
        # Used 1.85: the axis stays at 2 cores (the samples' 2.0; the size of 7.5 is above).
        graph.set_series(SERIES, EPOCH, TITLE, (1.85, 2.0, 7.5))
        await pilot.pause()
        assert builds == [] and drawn == {"PoolGraph": 1}
        after = [graph.render_line(y).text for y in range(10)]
        assert after[1:] == before[1:]
        assert after[0].rstrip() == (" DevTestPool (ID 1)  █ used 1.85  ╌ entitled 2.00  "
                                     "─ available 7.50 cores (above the scale)")
        # The same figures again: nothing at all.
        drawn.clear()
        graph.set_series(SERIES, EPOCH, TITLE, (1.85, 2.0, 7.5))
        await pilot.pause()
        assert drawn == {}
        # Used 9 cores: above the axis (2): every line of the graph anew.
        graph.set_series(SERIES, EPOCH, TITLE, (9.0, 2.0, 9.0))
        await pilot.pause()
        assert builds == [(100, 10)] and drawn == {"PoolGraph": 10}
        assert graph.render_line(8).text.startswith("     0┤")
        assert graph.render_line(1).text.startswith("    10┤")  # nice_top(9) = 10
        # A new sample (the series changed): everything anew as well.
        drawn.clear()
        longer = PoolSeries(times=(*SERIES.times, 20.0), used=(*SERIES.used, 2.2),
                            size=(*SERIES.size, 8.0), entitled=(*SERIES.entitled, 2.0))
        graph.set_series(longer, EPOCH, TITLE, (9.0, 2.0, 9.0))
        await pilot.pause()
        assert len(builds) == 2 and drawn == {"PoolGraph": 10}
