"""Frame overview: header, partitions table, live updates, filter, sort, narrow terminals."""

from __future__ import annotations

from console_helpers import lpar_id, select, step, table, wait_for
from rich.style import Style

from engine.ops import ChangeProcessors
from hmc_tui.app import HmcApp
from hmc_tui.console import LocalConsole
from hmc_tui.screens.overview import OverviewScreen
from hmc_tui.screens.properties import PropertiesScreen
from hmc_tui.screens.sort_picker import SortPicker
from hmc_tui.screens.task_menu import TaskMenu
from hmc_tui.widgets.system_header import SystemHeader
from themes import STATE_VARIABLES


async def test_overview_shows_system_and_partitions(app: HmcApp) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, OverviewScreen)
        t = table(app)
        assert t.row_count == len(app.snapshot.frame.partitions) == 11
        assert t.shown_ids() == sorted(t.shown_ids())
        assert t.cell_text(lpar_id(app, "dev02"), "state") == "Not Activated"
        assert t.cell_text(lpar_id(app, "oradb01"), "os") == "AIX 7.3 TL2"
        header = str(app.screen.query_one(SystemHeader).render())
        for text in ("Server-9080-HEX-SN78H4A21", "9080-HEX*78H4A21", "Operating",
                     "FW1060.10", "installed 48", "configurable 40", "available 20.50",
                     "DevTestPool"):
            assert text in header


async def test_only_changed_rows_are_repainted(app: HmcApp, console: LocalConsole) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        t = table(app)
        lines: list[int] = []
        original = t.refresh_line

        def spy(y: int) -> None:
            lines.append(y)
            original(y)

        t.refresh_line = spy  # type: ignore[method-assign]
        before = {i: t.cell_text(i, "physc") for i in t.shown_ids()}
        await step(pilot, console, 1)  # time moves: only the live physc figures change
        moved = [i for i in t.shown_ids() if t.cell_text(i, "physc") != before[i]]
        assert len(moved) == 9  # the running partitions of the demo frame (2 are not)
        assert sorted(lines) == sorted(t.shown_ids().index(i) + 1 for i in moved)
        physc = console.snapshot().physc
        oradb01 = lpar_id(app, "oradb01")
        assert t.cell_text(oradb01, "physc") == f"{physc[oradb01]:.2f}"
        lines.clear()
        await app.run_operation(ChangeProcessors(lpar="dev01", action="add", proc_units=0.25))
        await pilot.pause()
        dev01 = lpar_id(app, "dev01")
        assert lines == [t.shown_ids().index(dev01) + 1]  # line 0 is the header
        assert t.cell_text(dev01, "pu") == "0.75"
        # What the table draws is what it holds (no stale line cache).
        drawn = "".join(strip.text for strip in t.render_lines(t.region.reset_offset))
        assert "0.75" in drawn


async def test_filter_is_incremental_and_escape_clears(app: HmcApp) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        t = table(app)
        await pilot.press("slash", "d", "e", "v")  # also the DevTestPool members
        assert len(t.shown_ids()) == 4
        await pilot.press("0")
        assert sorted(t.shown_ids()) == [lpar_id(app, "dev01"), lpar_id(app, "dev02")]
        await pilot.press("backspace", "backspace", "backspace", "backspace")
        await pilot.press(*"not")
        assert {t.cell_text(i, "state") for i in t.shown_ids()} == {"Not Activated"}
        await pilot.press("enter")  # keep the filter, back to the table
        assert t.has_focus and t.filter_text == "not"
        await pilot.press("escape")
        assert t.row_count == 11 and t.filter_text == ""


async def test_sort_by_column_from_the_picker_and_reverse(app: HmcApp) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        t = table(app)
        await select(pilot, "hana01")
        await pilot.press("o")
        assert isinstance(app.screen, SortPicker)
        app.screen.dismiss("mem")
        await pilot.pause()
        mem = [float(t.cell_text(i, "mem")) for i in t.shown_ids()]
        assert mem == sorted(mem)
        assert t.selected_id == lpar_id(app, "hana01")  # the cursor follows its partition
        await pilot.press("O")
        mem = [float(t.cell_text(i, "mem")) for i in t.shown_ids()]
        assert mem == sorted(mem, reverse=True)
        assert "Mem GB descending" in str(app.screen.query_one("#caption").render())
        t.set_sort("name")
        await pilot.pause()
        names = [t.cell_text(i, "name") for i in t.shown_ids()]
        assert names == sorted(names)


async def test_enter_twice_opens_properties_and_escape_returns(app: HmcApp) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await select(pilot, "oradb01")
        await pilot.press("enter")  # the task menu, Properties highlighted
        await pilot.press("enter")
        assert isinstance(app.screen, PropertiesScreen)
        assert app.screen.lpar_id == lpar_id(app, "oradb01")
        await pilot.press("escape")
        assert isinstance(app.screen, OverviewScreen)


async def test_j_and_k_move_like_arrows(app: HmcApp) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        t = table(app)
        await pilot.press("j", "j", "down")
        assert t.cursor_row == 3
        await pilot.press("k", "up")
        assert t.cursor_row == 1


async def test_narrow_terminal_hides_columns_and_survives(app: HmcApp,
                                                          console: LocalConsole) -> None:
    async with app.run_test(size=(60, 20)) as pilot:
        await pilot.pause()
        t = table(app)
        assert t.visible_columns[:2] == ["name", "id"]
        assert "state" in t.visible_columns and "os" not in t.visible_columns
        await pilot.press("j", "a")
        await pilot.press("escape", "slash", "x", "enter", "escape", "question_mark")
        await pilot.press("escape")
        await pilot.resize_terminal(40, 12)
        await step(pilot, console, 5)
        await pilot.resize_terminal(160, 50)
        await pilot.pause()
        assert "os" in t.visible_columns and "mode" in t.visible_columns
        assert t.row_count == 11


async def test_live_reference_codes_and_freeze(app: HmcApp, console: LocalConsole) -> None:
    from engine.ops import ActivatePartition

    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        t = table(app)
        dev02 = lpar_id(app, "dev02")
        await app.run_operation(ActivatePartition(lpar="dev02"))
        await pilot.pause()
        first = t.cell_text(dev02, "refcode")
        await pilot.press("space")  # freeze the display: the engine keeps going
        assert app.frozen
        await step(pilot, console, 5)
        assert t.cell_text(dev02, "refcode") == first
        assert console.snapshot().frame.partition("dev02").refcode != first  # type: ignore[union-attr]
        await pilot.press("space")
        await wait_for(pilot, lambda: t.cell_text(dev02, "refcode") != first)


async def test_cursor_and_state_colours_follow_focus_and_theme(app: HmcApp) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        t = table(app)

        def style_of(line: int, text: str) -> Style:
            strip = t.render_lines(t.region.reset_offset)[line]
            return next(seg.style for seg in strip if text in seg.text and seg.style)

        def running_colour() -> str:
            variables = app.current_theme.variables
            return variables.get("lpar-running", STATE_VARIABLES["lpar-running"])

        focused = style_of(1, "vios1")  # line 0 is the header, the cursor is on vios1
        assert style_of(2, "Running").color.triplet.hex == running_colour()  # type: ignore[union-attr]
        await pilot.press("slash")  # the filter takes the focus: the cursor is drawn blurred
        assert not t.has_focus and style_of(1, "vios1") != focused
        await pilot.press("escape")
        assert t.has_focus and style_of(1, "vios1") == focused
        light = running_colour()
        app.theme = "hmc-dark"
        await pilot.pause()
        assert running_colour() != light
        assert style_of(2, "Running").color.triplet.hex == running_colour()  # type: ignore[union-attr]


async def test_header_click_sorts_and_a_second_click_on_a_row_opens_it(app: HmcApp) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        t = table(app)
        mem = t.visible_columns.index("mem")
        x = sum(c.width + 2 for c in t.columns[:mem]) + 1  # inside the "Mem GB" header
        await pilot.click(t, offset=(x, 0))
        assert (t.sort_column, t.sort_reverse) == ("mem", False)
        assert "Mem GB▲" in t.render_lines(t.region.reset_offset)[0].text
        await pilot.click(t, offset=(x, 0))
        assert (t.sort_column, t.sort_reverse) == ("mem", True)
        assert "Mem GB▼" in t.render_lines(t.region.reset_offset)[0].text
        assert "Mem GB descending" in str(app.screen.query_one("#caption").render())
        third = t.shown_ids()[2]
        await pilot.click(t, offset=(2, 3))  # line 3 is the third row
        assert t.cursor_row == 2 and isinstance(app.screen, OverviewScreen)
        await pilot.click(t, offset=(2, 3))  # the row's task menu, Properties first
        assert isinstance(app.screen, TaskMenu) and app.screen.lpar_id == third
        await pilot.press("enter")
        assert isinstance(app.screen, PropertiesScreen) and app.screen.lpar_id == third
        await pilot.press("escape")
        fifth = t.shown_ids()[4]
        await pilot.click(t, offset=(2, 5), button=3)  # right-click: its menu at once
        assert isinstance(app.screen, TaskMenu) and app.screen.lpar_id == fifth
        assert t.cursor_row == 4


async def test_page_keys_and_the_cursor_stays_in_view(app: HmcApp) -> None:
    async with app.run_test(size=(120, 12)) as pilot:  # 11 partitions, 6 rows on screen
        await pilot.pause()
        t = table(app)
        body = t.size.height - 1
        assert body < t.row_count
        await pilot.press("G")
        assert t.cursor_row == 10 and t.scroll_offset.y == t.row_count - body
        await pilot.press("g")
        assert t.cursor_row == 0 and t.scroll_offset.y == 0
        await pilot.press("pagedown")
        assert t.cursor_row == body and t.scroll_offset.y == 1
        await pilot.press("pageup", "end", "home")
        assert t.cursor_row == 0


async def test_a_reversed_column_keeps_its_ties_by_id(app: HmcApp) -> None:
    """Reversing a column used to reverse its ties too (name, then ID descending)."""
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        t = table(app)
        for reverse in (False, True):
            t.set_sort("state", reverse)
            await pilot.pause()
            running = [i for i in t.shown_ids() if t.cell_text(i, "state") == "Running"]
            assert running == [1, 2, 3, 4, 5, 6, 7, 8, 11]  # by ID either way
        states = [t.cell_text(i, "state") for i in t.shown_ids()]
        assert states == sorted(states, key=str.lower, reverse=True)


async def test_the_header_shows_an_attention_mark_while_faults_are_open(
        app: HmcApp, console: LocalConsole) -> None:
    from engine.ops import ClearFault, CloseServiceEvent, InjectFault

    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        header = app.screen.query_one(SystemHeader)
        assert "Attention" not in str(header.render())
        await app.run_operation(InjectFault(kind="core"))
        await app.run_operation(InjectFault(kind="noisy", location="was01"))
        await step(pilot, console, 1)
        first = str(header.render()).splitlines()[0]
        assert first.startswith("Server-9080-HEX-SN78H4A21  Operating  "
                                "! Attention: 1 open event, 2 faults")
        await app.run_operation(CloseServiceEvent(problem_num=1))
        await step(pilot, console, 1)
        assert "! Attention: 2 faults" in str(header.render())
        await app.run_operation(ClearFault(kind="core"))
        await app.run_operation(ClearFault(kind="noisy", location="was01"))
        await step(pilot, console, 1)
        assert "Attention" not in str(header.render())


async def test_the_header_colours_follow_the_theme(app: HmcApp) -> None:
    """The header keeps its component styles between refreshes; a theme switch redraws it
    in the new theme's colours (the state's $success)."""
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        header = app.screen.query_one(SystemHeader)

        def operating_colour() -> str:
            span = next(s for s in header.render().spans if s.start > 0)  # after the name
            style = span.style
            assert isinstance(style, Style) and style.color is not None
            return style.color.get_truecolor().hex.lower()

        def success() -> str:
            return app.current_theme.to_color_system().success.hex.lower()

        assert operating_colour() == success()
        light = success()
        app.theme = "hmc-dark"
        await pilot.pause()
        assert success() != light
        assert operating_colour() == success()
