"""The managed system's header on the frame overview (the HMC's "All Systems" row).

Name, MTMS, state, firmware, processors and memory (installed / configurable / available) and
the active shared pools. Three or four lines when there is room; one line on short terminals.
"""

from __future__ import annotations

from typing import ClassVar

from rich.style import Style
from rich.text import Text
from textual.geometry import Region, Size
from textual.strip import Strip
from textual.widget import Widget

from engine.model import Frame
from engine.snapshot import Snapshot
from hmc_tui.formatting import mem_gb
from hmc_tui.widgets.text_lines import TextLines

SHORT_TERMINAL = 24  # rows: below this the header shrinks to one line


def _entitled(frame: Frame) -> dict[int, float]:
    """Entitled capacity per pool in one pass (Frame.pool_entitled walks every partition
    for each pool: 64 x 1000 on a large frame)."""
    totals: dict[int, float] = {}
    for p in frame.partitions:
        if p.current is not None and p.current.shared:
            pool = p.current.shared_proc_pool_id
            totals[pool] = totals.get(pool, 0.0) + p.current.entitlement
    return {i: round(t + frame.pools[i].reserved_proc_units, 2) for i, t in totals.items()}


def _pools(snap: Snapshot, width: int) -> str:
    """The active pools that fit in `width`, then how many more the Pools screen has. Only
    those shown are formatted (64 on the 1000-partition frame, four or five fit)."""
    frame = snap.frame
    live = {p.pool_id: p for p in snap.pools}
    entitled = _entitled(frame) if len(live) < 2 else {}
    pools = [pool for pool in frame.pools if pool.is_default or pool.max_proc_units > 0]
    shown: list[str] = []
    for i, pool in enumerate(pools):
        ent = live[pool.id].entitled if pool.id in live else entitled.get(
            pool.id, pool.reserved_proc_units)
        size = "" if pool.is_default else f"/{pool.max_proc_units}"
        part = f"{pool.name} {ent:.2f}{size} PU entitled"
        if pool.id in live:
            part += f", {live[pool.id].used:.2f} used"
        more = len(pools) - i - 1
        tail = f"   +{more} more (Pools screen)" if more else ""
        if shown and len("   ".join([*shown, part]) + tail) > width:
            shown.append(f"+{len(pools) - i} more (Pools screen)")
            break
        shown.append(part)
    return "   ".join(shown)


class SystemHeader(Widget):
    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "system-header--label", "system-header--ok", "system-header--warning",
    }
    DEFAULT_CSS = """
    SystemHeader {
        height: auto;
        padding: 0 1;
        background: $panel;
        color: $foreground;
    }
    SystemHeader > .system-header--label { text-style: bold; }
    SystemHeader > .system-header--ok { color: $success; text-style: bold; }
    SystemHeader > .system-header--warning { color: $warning; text-style: bold; }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._snap: Snapshot | None = None
        self._key: tuple[object, ...] = ()
        self._figures: tuple[int, float, int] | None = None
        self._cached: tuple[tuple[object, ...], list[Text]] | None = None
        self._styles: dict[str, Style] = {}  # component class -> its style, until restyled
        # The lines above the Pools line: they change with the frame, not its live figures.
        self._fixed: tuple[tuple[object, ...], list[Text]] | None = None
        self._strips = TextLines()

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._styles.clear()  # theme, CSS or focus changed
        self._fixed = None
        self._strips.clear()

    def _style(self, component: str) -> Style:
        # get_component_rich_style walks the ancestors' styles (about 1 ms); the Pools line
        # is rebuilt at every refresh for its live figures, the styles are not.
        style = self._styles.get(component)
        if style is None:
            style = self._styles[component] = self.get_component_rich_style(
                component, partial=True)
        return style

    def show_snapshot(self, snap: Snapshot) -> None:
        live = tuple((p.pool_id, round(p.used, 2)) for p in snap.pools)
        key = (snap.frame_version, live)
        self._snap = snap
        if key == self._key:
            return
        # A frame change may change the line count (layout); pool figures only repaint.
        structural = not self._key or key[0] != self._key[0]
        self._key = key
        width = self.size.width
        cached = self._cached
        shown = cached[1] if cached is not None and cached[0][1] == width else None
        if structural:  # a layout of the screen only when the line count changed: on the
            # 1000-partition frame it cost ~10 ms for each partition's change of state
            content = self.content_size
            if len(self._lines(content.width)) != content.height:
                self.refresh(layout=True)
                return
        # Repaint the lines that differ from those shown, not the whole header (each line
        # drawn, filtered and written): live figures move only the Pools line (none on a
        # short terminal), a frame change often nothing the header shows.
        lines = self._lines(width)
        if shown is None or len(lines) != len(shown):
            self.refresh()
            return
        changed = [Region(0, y, width, 1) for y, (old, new) in enumerate(zip(shown, lines,
                                                                           strict=True))
                   if old != new]
        if changed:
            self.refresh(*changed)

    def _available(self, snap: Snapshot) -> tuple[float, int]:
        # O(partitions): computed once per frame change, not per render (each snapshot
        # carries a new Frame object, its clock moved; the version says what changed).
        if self._figures is None or self._figures[0] != snap.frame_version:
            frame = snap.frame
            self._figures = (snap.frame_version, frame.avail_proc_units(), frame.avail_mem())
        return self._figures[1], self._figures[2]

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        # The line count depends on the width; say it for the width layout offers.
        return len(self._lines(width))

    def render(self) -> Text:
        return Text("\n").join(self._lines(self.size.width))

    def render_line(self, y: int) -> Strip:
        # Line by line: a live tick draws the Pools line again, not the whole header.
        width = self.size.width
        return self._strips.strip(self, y, self._lines(width), width)

    def _lines(self, width: int) -> list[Text]:
        # Layout asks for the height and the compositor for the lines, often several times
        # per frame; the pool figures walk every partition, so keep the answer.
        cache_key = (self._key, width, self.screen.size.height < SHORT_TERMINAL,
                     self.app.theme)
        if self._cached is not None and self._cached[0] == cache_key:
            return self._cached[1]
        lines = self._build_lines(width)
        self._cached = (cache_key, lines)
        return lines

    def _build_lines(self, width: int) -> list[Text]:
        snap = self._snap
        if snap is None:
            return [Text("")]
        short = self.screen.size.height < SHORT_TERMINAL
        key = (snap.frame_version, width, short, self.app.theme)
        if self._fixed is None or self._fixed[0] != key:
            self._fixed = (key, self._fixed_lines(snap, width, short))
        lines = self._fixed[1]
        if short:
            return lines
        label = self._style("system-header--label")
        return [*lines, Text.assemble(("Pools      ", label), " ", _pools(snap, width - 12))]

    def _fixed_lines(self, snap: Snapshot, width: int, short: bool) -> list[Text]:
        frame = snap.frame
        s = frame.system
        hw = frame.hardware
        procs, mem = self._available(snap)
        label = self._style("system-header--label")
        state = self._style(
            "system-header--ok" if s.state == "Operating" else "system-header--warning")
        name = Text.assemble((s.name, label), "  ", (s.state, state))
        attention = attention_text(frame)
        if attention:
            name.append_text(Text.assemble("  ", (attention,
                                                  self._style("system-header--warning"))))
        if short:
            name.append(f"   avail {procs:.2f} PU, {mem_gb(mem)} GB")
            return [name]
        firmware = s.firmware or hw.firmware
        model = f"MTMS {frame.mtms}   {hw.name} ({hw.generation})   Firmware {firmware}"
        lines = [name]
        if name.cell_len + 3 + len(model) <= width:
            name.append(f"   {model}")
        else:  # its own line rather than wrapped in the middle
            lines.append(Text(model))
        cpu = Text.assemble(
            ("Processors ", label), f" installed {s.installed_procs}  configurable "
            f"{s.configurable_procs}  available {procs:.2f}")
        memory = Text.assemble(
            ("Memory (GB)", label), f" installed {mem_gb(s.installed_mem)}  configurable "
            f"{mem_gb(s.configurable_mem)}  available {mem_gb(mem)}")
        if cpu.cell_len + memory.cell_len + 5 <= width:
            lines.append(Text.assemble(cpu, "     ", memory))
        else:
            lines += [cpu, memory]
        return lines


def attention_text(frame: Frame) -> str:
    """The attention mark while serviceable events are open (the system attention LED is
    on: lsled) or faults are present (workload faults open no event)."""
    events = sum(1 for e in frame.svc_events if e.status == "Open")
    faults = len(frame.faults)
    if not events and not faults:
        return ""
    parts = []
    if events:
        parts.append(f"{events} open event{'s' if events > 1 else ''}")
    if faults:
        parts.append(f"{faults} fault{'s' if faults > 1 else ''}")
    return "! Attention: " + ", ".join(parts)
