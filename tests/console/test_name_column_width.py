"""The overview's name column is as wide as the longest partition name (8 to 24 cells), kept
as partitions are renamed, added and deleted: each name's width is measured when it changes,
not all 1000 of them at every frame change."""

from __future__ import annotations

from console_helpers import step, table

from engine import ops
from hmc_tui.app import HmcApp
from hmc_tui.console import LocalConsole


def name_width(app: HmcApp) -> int:
    return table(app).columns[0].width


async def test_the_name_column_follows_renames_and_deletes(
        app: HmcApp, console: LocalConsole) -> None:
    async with app.run_test(size=(120, 35)) as pilot:
        await pilot.pause()
        assert name_width(app) == 9  # sandbox01
        console.execute(ops.ChangePartition(lpar="dev01", new_name="payroll-batch-17"))
        await step(pilot, console, 1)
        assert name_width(app) == 16
        assert table(app).cell_text(7, "name") == "payroll-batch-17"
        console.execute(ops.ChangePartition(lpar="payroll-batch-17",
                                            new_name="p" * 30))
        await step(pilot, console, 1)
        assert name_width(app) == 24  # the widest it grows
        console.execute(ops.ChangePartition(lpar="p" * 30, new_name="dev01"))
        await step(pilot, console, 1)
        assert name_width(app) == 9
        result = console.execute(ops.DeletePartition(lpar="sandbox01"))
        assert result.ok, result
        await step(pilot, console, 1)
        assert 10 not in table(app).shown_ids()
        assert name_width(app) == 8  # oradb01 and the others: 7, the narrowest is 8
