"""Random key sequences (a few hundred keys in all) never crash the console.

Keys come from a list of meaningful ones (every binding, dialog answers, typing, Tab,
arrows; not "q", which would end most examples early: quitting has its own tests) plus
"step", which moves the lockstep engine 5 s and delivers the snapshot, so dialogs and tables
see live changes while keys arrive. An exception anywhere in the app makes
`run_test` raise, which fails the example.
"""

from __future__ import annotations

import asyncio

from console_helpers import make_app
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from textual import events
from textual.keys import key_to_character

KEYS = (
    "j", "k", "up", "down", "pageup", "pagedown", "home", "end", "enter", "escape", "tab",
    "shift+tab", "space", "a", "s", "r", "d", "o", "O", "slash", "question_mark", "colon",
    "1", "2", "3", "4", "plus", "minus", "P", "y", "n", "left", "right",
    "right_square_bracket", "left_square_bracket", "backspace", "0", "5", "e", "v",
    "step", "step",
)


BURST = 6  # keys sent before letting the app settle: a fast typist, not one key per frame


async def press_all(keys: list[str], size: tuple[int, int]) -> None:
    app = make_app()
    console = app.hmc_console
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        for i, key in enumerate(keys, 1):
            if not app.is_running:
                break  # ":" then "quit" could end the session: fine
            if key == "step":
                console.step(5)  # type: ignore[attr-defined]
                app.refresh_from_engine()
            else:
                # As the terminal driver does; Pilot.press would wait for idle after each
                # key, which takes 100-200 ms a key on a busy machine.
                app.post_message(events.Key(key, key_to_character(key)))
                await asyncio.sleep(0)
            if i % BURST == 0:
                await pilot.pause()
        await pilot.pause()


@settings(max_examples=3, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(keys=st.lists(st.sampled_from(KEYS), min_size=85, max_size=100),
       wide=st.booleans())
def test_random_keys_never_crash(keys: list[str], wide: bool) -> None:
    asyncio.run(press_all(keys, (120, 40) if wide else (70, 20)))
