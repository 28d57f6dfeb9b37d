"""The busiest partitions of a shared pool: a top-N table updated cell by cell.

Rows are keyed by rank ("rank-0".."rank-N"), not by partition, so the table never adds,
removes or sorts rows at the UI's refresh rate: each tick ranks the members by live physc
and rewrites only the cells whose text changed.
"""

from __future__ import annotations

from collections.abc import Mapping

from engine.model import Frame, Partition
from hmc_tui.widgets.line_cached_table import LineCachedDataTable

BAR = " ▏▎▍▌▋▊▉█"  # eighths of a cell filled from the left
BAR_WIDTH = 12
COLUMNS = (  # key, label, width
    ("rank", "#", 2),
    ("name", "Partition", 14),
    ("id", "ID", 3),
    ("mode", "Mode", 10),
    ("ec", "EC", 5),
    ("vp", "VP", 3),
    ("physc", "Physc", 6),
    ("entc", "%EC", 5),
    ("bar", "Pool share", BAR_WIDTH),
)


def bar(fraction: float, width: int = BAR_WIDTH) -> str:
    eighths = round(max(0.0, min(fraction, 1.0)) * width * 8)
    full, part = divmod(eighths, 8)
    return ("█" * full + (BAR[part] if part else "")).ljust(width)


def ranked(frame: Frame, physc: Mapping[int, float], pool_id: int) -> list[Partition]:
    """The pool's active members, busiest first (ties by partition id: stable output)."""
    return sorted(frame.pool_members(pool_id), key=lambda p: (-physc.get(p.id, 0.0), p.id))


def row_cells(rank: int, p: Partition, physc: float, pool_size: float) -> tuple[str, ...]:
    res = p.settings()
    ec = res.entitlement
    mode = "cap" if res.capped else f"uncap {res.uncap_weight}"
    entc = f"{physc / ec * 100:.0f}" if ec > 0 else "-"
    share = physc / pool_size if pool_size > 0 else 0.0
    return (str(rank + 1), p.name, str(p.id), mode, f"{ec:.2f}", str(res.desired_procs),
            f"{physc:.2f}", entc, bar(share))


class PoolMembersTable(LineCachedDataTable):
    """Top-N partitions of one pool by physical cores used."""

    DEFAULT_CSS = """
    PoolMembersTable { height: auto; max-height: 10; }
    """

    def __init__(self, rows: int = 8, *, id: str | None = None) -> None:
        super().__init__(id=id, cursor_type="row", zebra_stripes=True, show_cursor=False)
        self.rows_shown = rows
        self._cells: dict[tuple[int, str], str] = {}
        self.others = 0  # members beyond the top N
        self.others_physc = 0.0

    def on_mount(self) -> None:
        for key, label, width in COLUMNS:
            self.add_column(label, key=key, width=width)
        blank = ("",) * len(COLUMNS)
        for rank in range(self.rows_shown):
            self.add_row(*blank, key=f"rank-{rank}")
            for key, _, _ in COLUMNS:
                self._cells[(rank, key)] = ""

    def show(self, frame: Frame, physc: Mapping[int, float], pool_id: int,
             pool_size: float) -> None:
        """Rank the pool's members and patch the cells that changed."""
        if not self.row_count:  # not mounted yet
            return
        members = ranked(frame, physc, pool_id)
        top, rest = members[:self.rows_shown], members[self.rows_shown:]
        self.others = len(rest)
        self.others_physc = sum(physc.get(p.id, 0.0) for p in rest)
        for rank in range(self.rows_shown):
            if rank < len(top):
                p = top[rank]
                cells = row_cells(rank, p, physc.get(p.id, 0.0), pool_size)
            else:
                cells = ("",) * len(COLUMNS)
            for (key, _, _), value in zip(COLUMNS, cells, strict=True):
                if self._cells[(rank, key)] != value:
                    self._cells[(rank, key)] = value
                    self.update_cell(f"rank-{rank}", key, value)
