"""A forked console builds its unvisited screens once other consoles are no longer starting
(hmc_tui/service/prefork.py ForkClock, hmc_tui/prebuild.py Prebuilder.starts_elsewhere): with many
logins at once, their first screens come before anyone's prebuild. The prebuild keeps its
own pace (PREBUILD_STEP), not the 2 s pull of an idle console."""

from __future__ import annotations

import os
import time

import pytest
from console_helpers import make_app, wait_for

from hmc_tui.prebuild import PREBUILD_DEFER_MAX, PREBUILD_MODES, Prebuilder
from hmc_tui.service.prefork import STARTING_FOR, ForkClock
from hmc_tui.textual_compat import mode_built
from hmc_tui.widgets.footer import Footer


def test_a_fork_is_seen_by_the_consoles_forked_before_it() -> None:
    clock = ForkClock()
    assert not clock.starting()
    pid = os.fork()
    if pid == 0:  # a console forked earlier: sees the template's next fork
        code = 1
        try:
            deadline = time.monotonic() + 5
            while time.monotonic() < deadline:
                if clock.starting():
                    code = 0
                    break
                time.sleep(0.01)
        finally:
            os._exit(code)
    time.sleep(0.1)
    clock.forked()
    assert clock.starting()
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0


def test_starting_lasts_starting_for_seconds(monkeypatch: pytest.MonkeyPatch) -> None:
    clock = ForkClock()
    now = time.monotonic()
    monkeypatch.setattr(time, "monotonic", lambda: now)
    clock.forked()
    monkeypatch.setattr(time, "monotonic", lambda: now + STARTING_FOR - 0.01)
    assert clock.starting()
    monkeypatch.setattr(time, "monotonic", lambda: now + STARTING_FOR + 0.01)
    assert not clock.starting()


async def test_nothing_is_built_while_other_consoles_start(
        monkeypatch: pytest.MonkeyPatch) -> None:
    others = [True]
    monkeypatch.setattr(Prebuilder, "starts_elsewhere", staticmethod(lambda: others[0]))
    app = make_app()
    async with app.run_test(size=(120, 35)) as pilot:
        await pilot.pause()
        app.last_input = app.active_since = app.prebuild.built_at = 0.0  # quiet long enough
        for _ in range(3):
            app.prebuild.step()
            await pilot.pause()
        assert not any(mode_built(app, m) for m in PREBUILD_MODES)
        others[0] = False  # the logins are over: built at the prebuild's own pace
        await wait_for(pilot, lambda: mode_built(app, "pools"), timeout=2.0)
        # A console that has waited PREBUILD_DEFER_MAX builds whatever others do.
        others[0] = True
        app.prebuild.started_at = time.monotonic() - PREBUILD_DEFER_MAX - 1
        app.prebuild.to_warm = None
        app.prebuild.built_at = 0.0
        app.prebuild.step()
        assert mode_built(app, "vios")


async def test_the_prebuild_keeps_its_pace_when_the_console_is_idle() -> None:
    app = make_app()
    async with app.run_test(size=(120, 35)) as pilot:
        await pilot.pause()
        app._set_idle(True)  # the pull every 2 s
        app.last_input = app.active_since = app.prebuild.built_at = 0.0
        # Pools built, given its keys and drawn, then VIOS built a quiet second later: within
        # 3 s, where 2 s idle ticks would take 8 (build, keys, two draws, the next build).
        started = time.monotonic()
        await wait_for(pilot, lambda: mode_built(app, "vios"), timeout=3.0)
        assert app.idle and time.monotonic() - started < 3.0
        pools = app._screen_stacks["pools"][0]
        assert pools.query_one(Footer).children  # its keys were composed meanwhile
