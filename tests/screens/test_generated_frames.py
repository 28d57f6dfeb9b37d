"""No screen may crash on any frame the rules accept (issue 10 item 5).

Hypothesis builds frames that pass `check_frame` but are as odd as the rules allow: names
at every edge of the allowed character set and at their maximum lengths, spaces inside,
free text (OS versions, reference codes, device names) in any unicode that is not a control
character (wide, combining, right-to-left, line separators), no partitions or many, every
partition state, shared and dedicated, two pools. Each frame is opened in the real app
shell and every screen is shown: overview, properties, pools, VIOS, events and help. A
crash fails the test with the frame that caused it (hypothesis shrinks it).

Bounded: a few Pilot sessions of a second each, well under a minute in all.
"""

from __future__ import annotations

import asyncio
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from screen_host import make_console, wait_for
from textual.pilot import Pilot
from textual.screen import Screen

from engine.model import (
    ACTIVE_STATES,
    Disk,
    Frame,
    Partition,
    PartitionState,
    PhysicalIO,
    Profile,
    Resources,
    SharedPool,
    VirtualEth,
    VirtualScsi,
    VscsiMapping,
)
from engine.ops import ActivatePartition
from engine.rules import check_frame, name_problem
from engine.store import demo_frame
from hmc_tui.app import HmcApp
from hmc_tui.config import Config
from hmc_tui.screens.events import EventsScreen
from hmc_tui.screens.help import HelpScreen
from hmc_tui.screens.overview import OverviewScreen
from hmc_tui.screens.pools import PoolsScreen
from hmc_tui.screens.properties import PropertiesScreen
from hmc_tui.screens.vios import ViosScreen

STATES: tuple[PartitionState, ...] = (
    "Not Activated", "Starting", "Running", "Open Firmware", "Shutting Down", "Error",
    "Not Available",
)
# The edges of every class the name rule allows: letters, digits, space, each special.
NAME_ALPHABET = "AZaz09 ,./;:~@#^-_=+{}!%"
# Free text: any unicode but control characters (Cc) and lone surrogates (Cs).
FREE_TEXT = st.text(st.characters(blacklist_categories=("Cc", "Cs")), max_size=40)
ODD_TEXT = st.sampled_from([
    "", "日本語のOS ７.３", "e\u0301\u0301\u0301", "\u202eevil", "a\u2028b\u2029c",
    "\u200b\u200d", "🐧" * 20, "x" * 200, "[bold red]markup[/]", "closes [/] nothing [/b]",
    "%s {0} {name}", "[link=http://x]l[/link]",
])


def names(max_size: int) -> st.SearchStrategy[str]:
    """Valid names of up to `max_size` characters, often exactly that long."""
    text = st.one_of(
        st.text(NAME_ALPHABET, min_size=1, max_size=max_size),
        st.text(NAME_ALPHABET, min_size=max_size, max_size=max_size),
    )
    return text.map(lambda s: s.strip() or "x").filter(
        lambda s: name_problem(s, "partition name") is None)


def _resources(shared: bool, pool: int) -> dict[str, Any]:
    if shared:
        return dict(proc_mode="shared", min_proc_units=0.05, desired_proc_units=0.1,
                    max_proc_units=1.0, min_procs=1, desired_procs=1, max_procs=2,
                    sharing_mode="uncap", shared_proc_pool_id=pool, min_mem=1024,
                    desired_mem=1024, max_mem=2048)
    return dict(proc_mode="ded", min_procs=1, desired_procs=1, max_procs=1,
                sharing_mode="keep_idle_procs", min_mem=1024, desired_mem=1024, max_mem=2048)


@st.composite
def frames(draw: st.DrawFn) -> Frame:
    base = demo_frame()
    count = draw(st.sampled_from([0, 1, 2, 5, 40]))
    lpar_names = draw(st.lists(names(47), min_size=count, max_size=count, unique=True))
    pool_name = draw(names(63).filter(lambda s: s != "DefaultPool"))
    partitions: list[Partition] = []
    disks: list[Disk] = []
    for i, name in enumerate(lpar_names):
        lpar_id = i + 1
        vios = i % 7 == 3
        state = draw(st.sampled_from(STATES))
        shared = vios or draw(st.booleans())
        res = _resources(shared, draw(st.sampled_from([0, 1])) if shared else 0)
        profile = Profile(name=draw(names(31)), **res)
        adapters: list[Any] = [VirtualEth(slot=5, vswitch=draw(names(31)))]
        mappings: list[VscsiMapping] = []
        if vios:
            disk = draw(FREE_TEXT.map(lambda s: s or "hdisk9"))
            disks.append(Disk(name=disk, owners=(lpar_id,), unique_id=draw(FREE_TEXT)))
            adapters.append(VirtualScsi(slot=10, side="server"))
            mappings.append(VscsiMapping(vhost_slot=10, vtd=draw(FREE_TEXT.map(
                lambda s: s or "vtscsi0")), backing=disk))
        partitions.append(Partition(
            id=lpar_id, name=name, env="vioserver" if vios else "aixlinux",
            os_version=draw(st.one_of(FREE_TEXT, ODD_TEXT)),
            refcode=draw(st.one_of(FREE_TEXT, ODD_TEXT)),
            state=state,
            rmc_state="active" if state == "Running" and draw(st.booleans()) else "inactive",
            default_profile=profile.name, curr_profile=profile.name if state != "Not Activated"
            else "", profiles=(profile,),
            current=Resources(**res) if state in ACTIVE_STATES else None,
            adapters=tuple(adapters), vscsi_mappings=tuple(mappings),
        ))
    frame = Frame(
        system=base.system.model_copy(update={"name": draw(names(63))}),
        pools=(SharedPool(id=0, name="DefaultPool"),
               SharedPool(id=1, name=pool_name, max_proc_units=8)),
        io=PhysicalIO(disks=tuple(disks)),
        partitions=tuple(partitions),
    )
    check_frame(frame)  # the strategy must only make frames the rules accept
    return frame


async def _show(pilot: Pilot[Any], key: str, shown: type[Screen[Any]]) -> None:
    await pilot.press(key)
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, shown))
    await pilot.pause()


async def _open_every_screen(frame: Frame) -> None:
    console = make_console(frame)
    app = HmcApp(console, config=Config())
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, OverviewScreen))
        await pilot.pause()
        if frame.partitions:
            # One that can start (an event to show), then the properties of each end.
            idle = next((p for p in frame.partitions if p.state == "Not Activated"), None)
            if idle is not None:
                console.execute(ActivatePartition(lpar=idle.name))
                console.step(5.0)
                app.refresh_from_engine()
            for lpar_id in dict.fromkeys((frame.partitions[0].id, frame.partitions[-1].id)):
                assert await app.goto_partition(lpar_id, properties=True)
                await wait_for(pilot, lambda: isinstance(app.screen, PropertiesScreen))
                await pilot.pause()
                await pilot.press("escape")
        for key, shown in (("2", PoolsScreen), ("3", ViosScreen), ("4", EventsScreen)):
            await _show(pilot, key, shown)
        await pilot.press("question_mark")
        await wait_for(pilot, lambda: isinstance(app.screen, HelpScreen))
        await pilot.press("escape", "1")
        await wait_for(pilot, lambda: isinstance(app.screen, OverviewScreen))
        await pilot.press("o")  # the sort picker, over odd names
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
    assert app.return_code in (None, 0)


@settings(max_examples=10, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                 HealthCheck.data_too_large])
@given(frame=frames())
def test_every_screen_opens_on_generated_frames(frame: Frame) -> None:
    asyncio.run(_open_every_screen(frame))
