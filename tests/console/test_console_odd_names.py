"""The partitions table never crashes and never writes a control character, whatever the
partitions are called (control characters, wide and combining Unicode, very long, duplicate
names) and whatever column it is sorted by: a BEL in one name used to raise KeyError in the
sort and take down every console."""

from __future__ import annotations

import asyncio
import dataclasses
import unicodedata

from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from rich.cells import cell_len
from textual.app import App, ComposeResult

from engine.service import Engine
from engine.snapshot import Snapshot
from engine.store import demo_frame
from hmc_tui.widgets.partition_table import COLUMNS, PartitionTable, sort_order
from hmc_tui.widgets.row_table import fit, printable
from themes import STATE_VARIABLES

ODD = st.sampled_from(["\x07", "\x1b[31m", "\x1b]0;owned\x07", "\x00", "\x7f", "\x9b", "\t",
                       "\n", "漢字", "e\u0301", "👩‍💻", "[b]", "\u202e", " "])
ODD_TEXT = st.lists(st.characters(codec="utf-8") | ODD, max_size=30).map("".join)
NAME = ODD_TEXT | st.text(min_size=100, max_size=300)  # very long names too
NAMES = st.lists(NAME, min_size=11, max_size=11)


FAST = (Phase.explicit, Phase.generate)  # an app per example: no slow shrinking


class Host(App[None]):
    def compose(self) -> ComposeResult:
        yield PartitionTable()

    def get_theme_variable_defaults(self) -> dict[str, str]:
        return dict(STATE_VARIABLES)  # the state colours the table's CSS uses


def odd_snapshot(names: list[str], refcodes: list[str]) -> Snapshot:
    engine = Engine(demo_frame(), mode="stepped")
    engine.step(1.0)  # physc figures for the running partitions
    snap = engine.snapshot()
    frame = snap.frame
    parts = tuple(p.model_copy(update={"name": name, "refcode": code})
                  for p, name, code in zip(frame.partitions, names, refcodes, strict=True))
    return dataclasses.replace(snap, frame=frame.model_copy(update={"partitions": parts}))


def is_control(char: str) -> bool:
    return unicodedata.category(char) == "Cc"


async def show_and_sort(snap: Snapshot, size: tuple[int, int]) -> None:
    app = Host()
    async with app.run_test(size=size) as pilot:
        table = app.query_one(PartitionTable)
        table.show_snapshot(snap)
        await pilot.pause()
        assert table.row_count == len(snap.frame.partitions) == 11
        for column in COLUMNS:
            for reverse in (False, True):
                table.set_sort(column.key, reverse)
                await pilot.pause()
                assert table.shown_ids() == sort_order(table.rows, column.key, reverse)
                strips = table.render_lines(table.region.reset_offset)
                assert len(strips) == size[1]
                for strip in strips:
                    assert strip.cell_length == table.region.width
                    assert not any(is_control(c) for c in strip.text)
        await pilot.press("j", "G", "g", "pagedown", "end", "home")
        assert table.selected_id == table.shown_ids()[0]


@settings(max_examples=8, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.too_slow], phases=FAST)
@given(names=NAMES, refcodes=st.lists(ODD_TEXT, min_size=11, max_size=11),
       wide=st.booleans())
def test_odd_names_never_crash_the_table(names: list[str], refcodes: list[str],
                                         wide: bool) -> None:
    asyncio.run(show_and_sort(odd_snapshot(names, refcodes), (120, 40) if wide else (60, 20)))


def test_a_bell_in_a_name_is_shown_not_rung() -> None:
    names = ["bel\x07x", "esc\x1b[31mred", *(f"p{i}" for i in range(9))]
    asyncio.run(show_and_sort(odd_snapshot(names, [""] * 11), (120, 40)))
    assert printable("bel\x07x") == "bel\u2407x"  # SYMBOL FOR BELL
    assert printable("esc\x1b[31m") == "esc\u241b[31m"


@given(text=NAME,
       width=st.integers(1, 30), right=st.booleans())
def test_a_cell_is_always_exactly_its_width(text: str, width: int, right: bool) -> None:
    cell = fit(text, width, right)
    assert cell_len(cell) == width
    assert not any(is_control(c) for c in cell)
