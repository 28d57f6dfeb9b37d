"""What the console template process (prefork.py) does before and between its forks, so that
the consoles it forks share it instead of each doing it again.

Measured in a forked SSH console at its first screen (demo frame, docs/scale.md sections 1 and 4):
24 MB private, of which only 4.6 MB were objects the console allocated (tracemalloc); the
other 20 MB were pages of the template the console wrote to: lazily imported modules,
the stylesheet parsed, caches filled (selectors, styles, cell widths), and the bytecode and
type caches the interpreter specialises in place on the first runs. A console run in the
template, headless, does all of that once, in shared pages: in stages (WARM_STAGES), the
first screen before the first fork, each other screen in a run of its own once the consoles
are quiet, interrupted by a fork request (prefork.py), so that the first logins after a
start wait for the first screen's stage only, not for the whole warm-up.
"""

from __future__ import annotations

import asyncio
import contextlib
import importlib
import logging
import select
import socket
import threading
import time
from collections.abc import Coroutine, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    from hmc_tui.service.remote import RemoteConsole

log = logging.getLogger(__name__)

# The console's user while it warms up: local (the template is the service's own OS user at
# its 0600 socket), the least role, a "tool" session that does nothing and lasts a second.
WARM_USER = "hmc-tui-template"
WARM_SIZE = (120, 35)
# The warm-up's stages (prefork.py runs the later ones while no console starts, and drops
# one for a fork request): each runs the console from its start to the first screen,
# headless, then its steps: keys (Pools, VIOS, Events, the overview: a viewer's navigation
# only; every console visits these screens sooner or later) or LIVE, the first refresh of
# the live figures. The first stage is the first screen alone (0.1 s of CPU on the demo
# frame): what a login waits for.
LIVE = ""
WARM_STAGES: tuple[tuple[str, ...], ...] = ((), (LIVE,), ("2",), ("3",), ("4",), ("1",))
LIVE_AFTER = 0.2  # seconds after the first screen: the first refresh of the live figures
WARM_TIMEOUT = 30.0  # seconds per stage: a template that cannot warm up forks cold consoles
# How long the template, started with `serve`, waits for the service's socket to answer
# before its first stage (the engine loads the frame meanwhile; a fork request ends the wait).
SERVICE_WAIT = 60.0
# The template keeps the warm-up's frame (RemoteConsole.keep_frame) so that its consoles
# start from it, shared, and are sent only what changed since; before a fork it brings the
# frame up to date (a diff) when the last update is older than this, so that the service
# still keeps that frame version (it keeps 16) and what a console shares stays current.
FRAME_FRESH = 5.0


def import_drivers() -> None:
    """Import what every console imports only once it runs (the terminal and browser
    drivers and the input parser), so that no child pays for it."""
    for name in ("textual.drivers.linux_driver", "textual._xterm_parser",
                 "textual.drivers._writer_thread", "textual.drivers._input_reader",
                 "textual.drivers.web_driver", "textual.drivers._byte_stream"):
        with contextlib.suppress(ImportError):
            importlib.import_module(name)


def wait_for_service(socket_path: str | Path, control: socket.socket,
                     timeout: float = SERVICE_WAIT) -> bool:
    """Wait until the service at `socket_path` accepts connections: True; False (and a log
    line) after `timeout`, or at once when something arrives on `control` (a fork request,
    or the end: the caller answers it first)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as probe:
            try:
                probe.connect(str(socket_path))
                return True  # it says nothing and closes: the service forgets it silently
            except OSError:
                pass
        if select.select([control.fileno()], [], [], 0.02)[0]:
            return False
    log.warning("the console template could not warm up: the engine service at %s did not "
                "answer within %g s", socket_path, timeout)
    return False


Outcome = Literal["done", "failed", "interrupted"]


def warm_console(socket_path: str | Path, steps: Sequence[str] = (),
                 interrupt: socket.socket | None = None) -> Outcome:
    """Run the console once, headless, on the engine service at `socket_path` up to its
    first screen, then `steps` (WARM_STAGES), then quit: "done"; "failed" (and a log line)
    when it could not, in which case the template forks consoles that warm up by
    themselves; "interrupted" when something arrived on `interrupt` first (a fork request:
    it is not kept waiting for the rest of the run). No thread of it survives: the template
    forks right after."""
    from engine.roles import Actor
    from hmc_tui.service.remote import RemoteConsole

    try:
        console = RemoteConsole.open(socket_path, Actor(user=WARM_USER, role="hmcviewer"),
                                     kind="tool", restricted=True)
    except Exception as exc:
        log.warning("the console template could not warm up: %s", exc)
        return "failed"
    interrupted = threading.Event()
    try:
        asyncio.run(_interruptible(_run(console, steps), interrupt, interrupted))
        console.keep_frame()
    except asyncio.CancelledError:
        return "interrupted"
    except Exception as exc:  # a cold console still works: never stop the template for this
        if interrupted.is_set():  # whatever the app made of the cancellation
            return "interrupted"
        log.warning("the console template could not warm up: %s", exc)
        return "failed"
    finally:
        console.close()
    if threading.active_count() != 1:
        log.warning("the console template still runs %d threads after its warm-up",
                    threading.active_count())
    return "done"


async def _interruptible(run: Coroutine[Any, Any, None], interrupt: socket.socket | None,
                         interrupted: threading.Event) -> None:
    """`run` within WARM_TIMEOUT, cancelled (and `interrupted` set) as soon as `interrupt`
    is readable."""
    loop = asyncio.get_running_loop()
    task = asyncio.current_task()
    assert task is not None

    def cancel() -> None:
        loop.remove_reader(fd)  # once: the request stays unread for the template's loop
        interrupted.set()
        task.cancel()

    fd = interrupt.fileno() if interrupt is not None else -1
    if fd >= 0:
        loop.add_reader(fd, cancel)
    try:
        await asyncio.wait_for(run, WARM_TIMEOUT)
    finally:
        if fd >= 0:
            loop.remove_reader(fd)


def refresh_frame(socket_path: str | Path) -> bool:
    """Bring the kept frame up to date: one snap from the service, a diff against the kept
    version. False (and a log line) when the service cannot be reached."""
    from engine.roles import Actor
    from hmc_tui.service.remote import RemoteConsole

    try:
        console = RemoteConsole.open(socket_path, Actor(user=WARM_USER, role="hmcviewer"),
                                     kind="tool", restricted=True, timeout=5.0)
    except Exception as exc:
        log.warning("the console template could not update its frame: %s", exc)
        return False
    try:
        console.keep_frame()
    finally:
        console.close()
    return True


async def _run(console: RemoteConsole, steps: Sequence[str]) -> None:
    from hmc_tui.app import HmcApp

    async with HmcApp(console).run_test(size=WARM_SIZE) as pilot:
        await pilot.pause()
        for step in steps:  # each screen's widgets, styles and code paths once
            if step == LIVE:
                await pilot.pause(LIVE_AFTER)
            else:
                await pilot.press(step)
                await pilot.pause()


# ---------------------------------------------------------------- the stylesheet, parsed once

SHARED_RULES_MAX = 1024  # parsed sources kept (the console has about 110 per theme)


def share_parsed_css() -> None:
    """Parse each CSS source once per process and theme, not once per App: Textual keeps
    its parse cache in one Stylesheet (and clears it when variables are set), so every
    console parsed the same 110 sources again (about a quarter of its CPU to the first
    screen). Installed in the template only: its consoles find the warm-up's rules, in
    shared pages. The key holds the CSS variables, on which a parse depends."""
    from textual.css.stylesheet import Stylesheet

    parse = Stylesheet._parse_rules
    if getattr(parse, "shared", False):
        return
    shared: dict[tuple[object, ...], Any] = {}

    def parse_rules(self: Stylesheet, css: str, read_from: Any, is_default_rules: bool = False,
                    tie_breaker: int = 0, scope: str = "") -> Any:
        key = (css, read_from, is_default_rules, tie_breaker, scope,
               tuple(sorted(self._variables.items())))
        rules = shared.get(key)
        if rules is None:
            rules = parse(self, css, read_from, is_default_rules, tie_breaker, scope)
            if len(shared) >= SHARED_RULES_MAX:
                shared.clear()
            shared[key] = rules
        return list(rules)

    parse_rules.shared = True  # type: ignore[attr-defined]
    Stylesheet._parse_rules = parse_rules  # type: ignore[method-assign]
