"""A shared processor pool's utilisation over time, drawn with Unicode blocks.

One column per engine sample (newest at the right edge): cores used as a filled area in
eighth-blocks (the part above the entitlement in the warning colour: uncapped partitions
borrowing spare cycles), the entitled capacity as a dashed line and the pool size as a
solid line. The y axis is in cores, scaled to what is used and entitled (`axis_top`): a
5-core load on a 40-core DefaultPool fills the graph instead of being a thin line under a
40-core axis; a pool size far above that is named in the legend, not drawn. The x axis is in
engine time (HH:MM on the frame's calendar). Lines are computed once per data change or
resize and cached, so a 5 Hz refresh with no new sample costs nothing; when only the live
figures moved and the axis stays, only the legend line is built and drawn again.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import ClassVar

from rich.segment import Segment
from rich.style import Style
from textual.geometry import Region
from textual.strip import Strip
from textual.widget import Widget

EIGHTHS = " ▁▂▃▄▅▆▇█"  # index = eighths of a cell filled from the bottom
SPARK = "▁▂▃▄▅▆▇█"
Y_LABEL_WIDTH = 7  # "  40.0┤"
TICK_STEPS = (60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400)
MIN_LABEL_GAP = 8  # columns between two time labels ("HH:MM" + room)
LiveFigures = tuple[float | None, float | None, float | None]  # used, entitled, size now


@dataclass(frozen=True)
class PoolSeries:
    """What the graph plots: one value per sample, oldest first (all the same length)."""

    times: tuple[float, ...] = ()  # engine seconds of each sample's end
    used: tuple[float, ...] = ()  # cores used over the interval
    size: tuple[float, ...] = ()  # cores the pool could use over the interval
    entitled: tuple[float, ...] = ()  # member entitlement + reserve at the time
    interval: float = 5.0  # engine seconds between samples; 0 = sampling is off

    def __len__(self) -> int:
        return len(self.times)


NICE = (1.0, 1.2, 1.5, 2.0, 2.5, 3.0, 4.0, 5.0, 6.0, 8.0, 10.0)  # mantissas; quarters stay round


def nice_top(value: float) -> float:
    """The smallest NICE x 10^k at or above `value`: a readable axis maximum that wastes at
    most a fifth of the height."""
    if value <= 0:
        return 1.0
    exp = 10 ** math.floor(math.log10(value))
    for step in NICE:
        if value <= step * exp * (1 + 1e-9):
            return round(step * exp, 10)
    return 10.0 * exp  # pragma: no cover - the loop always returns


SIZE_ON_AXIS = 1.5  # the pool size line is drawn when within this factor of the used scale


def axis_top(used: Sequence[float], entitled: Sequence[float], size: Sequence[float]) -> float:
    """The y axis maximum: what is used and entitled (with nice_top's headroom), stretched
    to the pool size only when that is close, so the size never flattens the load."""
    top = nice_top(max((*used, *entitled, 1.0)))
    biggest = max(size, default=0.0)
    return nice_top(biggest) if top < biggest <= top * SIZE_ON_AXIS else top


def sparkline(values: Sequence[float], top: float) -> str:
    """A one-line trend of `values` against `top` (the pool table's mini graph)."""
    if top <= 0:
        return ""
    last = len(SPARK) - 1
    return "".join(SPARK[max(0, min(last, round(v / top * last)))] for v in values)


def duration(seconds: float) -> str:
    """30 s, 5 min, 1 h: a sample interval as admins say it."""
    whole = round(seconds)
    if whole >= 3600 and whole % 3600 == 0:
        return f"{whole // 3600} h"
    if whole >= 60 and whole % 60 == 0:
        return f"{whole // 60} min"
    return f"{seconds:g} s"


def tick_step(interval: float) -> int:
    """Seconds between time labels so that labels stay MIN_LABEL_GAP columns apart."""
    for step in TICK_STEPS:
        if step / max(interval, 1e-9) >= MIN_LABEL_GAP:
            return step
    return TICK_STEPS[-1]


class PoolGraph(Widget):
    """Utilised vs. entitled vs. pool size for one pool; feed it with `set_series`."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "pool-graph--used",
        "pool-graph--over",
        "pool-graph--entitled",
        "pool-graph--size",
        "pool-graph--axis",
        "pool-graph--legend",
    }

    DEFAULT_CSS = """
    PoolGraph {
        height: 1fr;
        min-height: 6;
        background: $surface;
    }
    PoolGraph > .pool-graph--used { color: $success; }
    PoolGraph > .pool-graph--over { color: $warning; }
    PoolGraph > .pool-graph--entitled { color: $accent; }
    PoolGraph > .pool-graph--size { color: $error; }
    PoolGraph > .pool-graph--axis { color: $foreground-muted; }
    PoolGraph > .pool-graph--legend { color: $foreground; }
    """

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self._series = PoolSeries()
        self._epoch = datetime(2026, 1, 5)
        self._live: LiveFigures = (None, None, None)
        self._title = ""
        self._lines: list[Strip] | None = None
        self._lines_size = (0, 0)
        self._lines_scale: tuple[float, bool] = (0.0, False)  # _scale() of the cached lines
        self._size_above = False  # the pool size is off the axis (set by _build)

    # ------------------------------------------------------------------ feeding
    def set_series(self, series: PoolSeries, epoch: datetime, title: str,
                   live: LiveFigures) -> None:
        """Replace what is drawn; repaints only when something visible changed."""
        if (series, epoch, title, live) == (self._series, self._epoch, self._title, self._live):
            return
        same_plot = (series, epoch, title) == (self._series, self._epoch, self._title)
        self._series, self._epoch, self._title, self._live = series, epoch, title, live
        lines = self._lines
        if same_plot and lines and self._scale() == self._lines_scale:
            # Only the live figures moved (once a second) and the axis stays: the legend.
            width = self._lines_size[0]
            lines[0] = self._legend(width)
            self.refresh(Region(0, 0, width, 1))
            return
        self._lines = None
        self.refresh()

    @property
    def series(self) -> PoolSeries:
        return self._series

    @property
    def graph_title(self) -> str:
        return self._title

    def notify_style_update(self) -> None:
        # A theme switch changes the component colours: drop the cached lines.
        super().notify_style_update()
        self._lines = None

    # ------------------------------------------------------------------ drawing
    def render_line(self, y: int) -> Strip:
        width, height = self.size
        if self._lines is None or self._lines_size != (width, height):
            self._lines = self._build(width, height)
            self._lines_size = (width, height)
        return self._lines[y] if 0 <= y < len(self._lines) else Strip.blank(width)

    def _style(self, name: str) -> Style:
        return self.rich_style + self.get_component_rich_style(name, partial=True)

    def _shown(self, width: int) -> int:
        """How many of the newest samples fit at `width`."""
        return min(len(self._series), max(width - Y_LABEL_WIDTH, 1))

    def _scale(self, width: int | None = None) -> tuple[float, bool]:
        """The y axis top and whether the pool size is above it, for the samples shown at
        `width` (the cached lines' width by default) and the live figures."""
        n = self._shown(self._lines_size[0] if width is None else width)
        s = self._series
        # [-0:] would be everything: slice only when there is something to show
        used, size, ent = (s.used[-n:], s.size[-n:], s.entitled[-n:]) if n else ((), (), ())
        live_used, live_ent, live_size = (x or 0.0 for x in self._live)
        top = axis_top((*used, live_used), (*ent, live_ent), (*size, live_size))
        return top, max((*size, live_size)) > top + 1e-9

    def _build(self, width: int, height: int) -> list[Strip]:
        if width <= 0 or height <= 0:
            return []
        base = self.rich_style
        plot_width = max(width - Y_LABEL_WIDTH, 1)
        s = self._series
        n = self._shown(width)
        offset = plot_width - n  # newest sample in the rightmost column
        used = s.used[-n:] if n else ()
        size = s.size[-n:] if n else ()
        ent = s.entitled[-n:] if n else ()
        self._lines_scale = self._scale(width)
        top, self._size_above = self._lines_scale
        lines = [self._legend(width)]
        rows = height - 2  # legend on top, time labels at the bottom
        if rows < 1:
            return lines[:height]
        cell = top / rows  # cores per text row
        styles = {k: self._style(f"pool-graph--{k}") for k in ("used", "over", "entitled",
                                                                 "size", "axis")}
        grid: list[list[Segment]] = [[] for _ in range(rows)]
        for col in range(plot_width):
            i = col - offset
            column = [Segment(" ", base)] * rows if i < 0 else self._column(
                used[i], ent[i], size[i], rows, cell, styles, base)
            for r in range(rows):
                grid[rows - 1 - r].append(column[r])
        labels = {rows - 1: f"{top:g}", 0: "0"}
        parts = 4 if rows >= 12 else 2 if rows >= 5 else 1
        for k in range(1, parts):  # round values (quarters or half of the top) on their row
            labels.setdefault(min(int(top * k / parts / cell), rows - 1), f"{top * k / parts:g}")
        for line_no, row_segments in enumerate(grid):
            r = rows - 1 - line_no  # row index from the bottom
            label = labels.get(r, "")
            axis = Segment(f"{label:>{Y_LABEL_WIDTH - 1}}┤", styles["axis"])
            lines.append(Strip([axis, *row_segments]).adjust_cell_length(width, base))
        lines.append(self._time_axis(width, plot_width, offset, n, styles["axis"], base))
        if not len(s):
            lines[1 + rows // 2] = self._centered(
                "utilisation sampling is off (sample rate 0; chlparutil -r config -s RATE "
                "turns it on)" if s.interval <= 0 else "waiting for utilisation samples "
                f"(one every {duration(s.interval)} of engine time)", width,
                styles["axis"], base)
        return lines

    @staticmethod
    def _column(used: float, ent: float, size: float, rows: int, cell: float,
                styles: dict[str, Style], base: Style) -> list[Segment]:
        """One sample's column, bottom row first."""
        eighths = round(used / cell * 8)
        full, part = divmod(eighths, 8)
        ent_row = min(int(ent / cell), rows - 1) if ent > 0 else -1
        on_axis = 0 < size <= rows * cell + 1e-9  # above the axis: the legend says it
        size_row = min(max(math.ceil(size / cell) - 1, 0), rows - 1) if on_axis else -1
        out: list[Segment] = []
        for r in range(rows):
            over = r * cell >= ent - 1e-9  # the slice of the area above the entitlement
            if r < full:
                out.append(Segment("█", styles["over" if over else "used"]))
            elif r == full and part:
                out.append(Segment(EIGHTHS[part], styles["over" if over else "used"]))
            elif r == size_row:
                out.append(Segment(PoolGraph._level(size / cell - r), styles["size"]))
            elif r == ent_row:
                out.append(Segment("╌", styles["entitled"]))
            else:
                out.append(Segment(" ", base))
        return out

    @staticmethod
    def _level(fraction: float) -> str:
        """A line at three heights within its cell, so small changes still show."""
        return "▁" if fraction < 1 / 3 else "─" if fraction < 2 / 3 else "▔"

    def _legend(self, width: int) -> Strip:
        used_s, ent_s, size_s = (self._style(f"pool-graph--{k}")
                                 for k in ("used", "entitled", "size"))
        text_s = self._style("pool-graph--legend")
        u, e, z = (f"{x:.2f}" if x is not None else "-" for x in self._live)
        keys = [
            Segment("█", used_s), Segment(f" used {u}  ", text_s),
            Segment("╌", ent_s), Segment(f" entitled {e}  ", text_s),
            Segment("─", size_s), Segment(f" available {z} cores", text_s),
        ]
        if self._size_above:
            keys.append(Segment(" (above the scale)", text_s))
        title = f" {self._title}  "
        strip = Strip([Segment(title, text_s + Style(bold=True)), *keys])
        if strip.cell_length > width:  # narrow: the keys matter more than the history's name
            title = f" {self._title.split(' · ')[0]}  "
            strip = Strip([Segment(title, text_s + Style(bold=True)), *keys])
        return strip.adjust_cell_length(width, self.rich_style)

    def _time_axis(self, width: int, plot_width: int, offset: int, n: int, style: Style,
                   base: Style) -> Strip:
        """HH:MM labels under the columns where a tick boundary falls."""
        chars = [" "] * width
        times = self._series.times[-n:] if n else ()
        step = tick_step(self._series.interval)
        next_free = Y_LABEL_WIDTH
        previous: int | None = None
        for i, t in enumerate(times):
            wall = self._epoch + timedelta(seconds=t)
            bucket = int((wall - datetime(wall.year, wall.month, wall.day)).total_seconds()
                         // step)
            col = Y_LABEL_WIDTH + offset + i
            if previous is not None and bucket != previous and col >= next_free:
                label = "╵" + wall.strftime("%H:%M")
                if col + len(label) <= width:
                    chars[col:col + len(label)] = label
                    next_free = col + len(label) + 2
            previous = bucket
        return Strip([Segment("".join(chars), style)]).adjust_cell_length(width, base)

    @staticmethod
    def _centered(text: str, width: int, style: Style, base: Style) -> Strip:
        text = text[:width]
        pad = (width - len(text)) // 2
        strip = Strip([Segment(" " * pad, base), Segment(text, style)])
        return strip.adjust_cell_length(width, base)
