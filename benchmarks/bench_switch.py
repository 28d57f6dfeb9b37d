"""CPU per screen switch in one console (Pilot), and the floor a trivial Textual app sets.

    python benchmarks/bench_switch.py [--frame demo|large] [--switches 200] [--trivial]
                                      [--first-visits] [--idle 30] [--wake N] [--remote]
                                      [--profile FILE]

Figures, not a test. The console runs in this process with Textual's headless driver made to
render as a terminal driver does (every update is turned into escape sequences, then thrown
away), at 120x35 like benchmarks/bench_ssh.py's sessions. The engine is stepped (frozen
between snapshots) unless --live says otherwise, so a switch costs only itself. CPU is this
thread's (`time.thread_time`): the asyncio loop the console runs on; an engine clock thread
(--live) is not counted.

- switches: "2" (Pools) and "1" (Overview) alternately, after one warm-up visit of each
  (each screen is built once and kept), until the new screen has been drawn; CPU ms per
  switch, median and p95;
- --trivial textual|hmc|none: the same for a plain Textual app with two modes of a similar
  size (two Statics, a DataTable of 30x12 cells, a Static, and Textual's Footer, this
  project's Footer or none): the floor of a switch in Textual;
- --first-visits: CPU ms of the first visit to each screen (2, 3, 4, 5, 0 where present);
- --paced S: S seconds of "2"/"1" typed every 0.5-1.5 s with the engine live (real time), as
  bench_ssh's sessions type: CPU per key including the live updates between keys;
- --active S: S seconds on the Pools screen, then on the Overview, the engine live, the user
  counted as typing (the app refreshes at its full rate) but pressing nothing: what the live
  updates cost on each screen while someone works;
- --wake N: N keys ("2", then "1", ...) each after the console went idle (nobody typed for
  ACTIVE_FOR + 3 s, the engine live): CPU of the first key after a pause, the wake-up's
  refresh included (what fifty consoles pay at once when a class starts typing together);
- --idle S: CPU share of one core over S seconds with the engine live (real time) and
  nobody typing, the app's own timers pacing the refresh (ACTIVE_FOR, IDLE_INTERVAL);
- --remote: the console on an engine service process of its own (`hmc-tui serve --no-ssh`,
  real time), as an SSH console is, instead of on an engine in this process: snapshots come
  from the service's socket at the pace the console asks (an idle one: every 2 s);
- --profile FILE: a cProfile of the switches (or, with --switches 0, of the paced keys, of
  each screen's --active period as FILE.SCREEN, or of the idle period), a pstats file
  (`python -m pstats FILE`).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from textual.app import App, ComposeResult  # noqa: E402
from textual.drivers.headless_driver import HeadlessDriver  # noqa: E402
from textual.pilot import Pilot  # noqa: E402
from textual.screen import Screen  # noqa: E402
from textual.widgets import DataTable, Footer, Static  # noqa: E402

SIZE = (120, 35)  # bench_ssh's terminal


def render_as_terminal() -> None:
    """Headless Textual skips turning updates into escape sequences; a console on a terminal
    does not. Make the headless driver say it is a terminal (its write() discards)."""
    HeadlessDriver.is_headless = property(lambda self: False)  # type: ignore[assignment,method-assign]


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


async def settle(pilot: Pilot[Any]) -> None:
    """Until the screen is drawn: pending messages, then the screen's update."""
    await pilot.pause()
    await pilot.pause()


async def timed(pilot: Pilot[Any], key: str) -> float:
    """CPU ms of one key, until its effect is drawn."""
    t0 = time.thread_time()
    await pilot.press(key)
    await settle(pilot)
    return (time.thread_time() - t0) * 1000


async def switches(pilot: Pilot[Any], n: int, done: Callable[[str], bool],
                   profile: str | None) -> list[float]:
    for key in "21":  # every screen built once
        await pilot.press(key)
        await settle(pilot)
    profiler = None
    if profile:
        import cProfile

        profiler = cProfile.Profile()
        profiler.enable()
    costs = []
    for i in range(n):
        key = "2" if i % 2 == 0 else "1"
        costs.append(await timed(pilot, key))
        assert done(key), f"key {key} did not switch"
    if profiler is not None:
        profiler.disable()
        profiler.dump_stats(profile)
    return costs


# Textual captures print() while an app runs (a terminal app's stdout is its screen):
# figures are printed once it has stopped.
OUT: list[str] = []


def say(line: str) -> None:
    OUT.append(line)


def report(name: str, costs: list[float]) -> None:
    say(f"{name}: {len(costs)} switches, CPU per switch median "
          f"{statistics.median(costs):.1f} ms, p95 {pct(costs, 0.95):.1f} ms, mean "
          f"{statistics.mean(costs):.1f} ms")


async def paced(pilot: Pilot[Any], seconds: float, done: Callable[[str], bool],
                profile: str | None) -> None:
    """Keys as bench_ssh's sessions type them (one every 0.5-1.5 s) for `seconds`, the engine
    live: CPU per key with the live updates between keys counted in (what a console costs
    per key on the SSH benchmark)."""
    rng = random.Random(19)
    keys = 0
    profiler = None
    if profile:
        import cProfile

        profiler = cProfile.Profile()
        profiler.enable()
    w0, t0 = time.monotonic(), time.thread_time()
    while time.monotonic() - w0 < seconds:
        await asyncio.sleep(rng.uniform(0.5, 1.5))
        key = "2" if keys % 2 == 0 else "1"
        await pilot.press(key)
        assert done(key), f"key {key} did not switch"
        keys += 1
    cpu = time.thread_time() - t0
    wall = time.monotonic() - w0
    if profiler is not None:
        profiler.disable()
        profiler.dump_stats(profile)
    say(f"paced keys, engine live: {keys} keys in {wall:.1f} s, {cpu * 1000 / keys:.1f} ms of "
        f"CPU per key with the live updates between them ({cpu / wall * 100:.1f}% of a core)")


async def active(app: Any, seconds: float, name: str, profile: str | None) -> str:
    """CPU share of the live updates on the current screen while the user counts as typing
    (the full refresh rate) but presses nothing."""
    profiler = None
    if profile:
        import cProfile

        profiler = cProfile.Profile()
        profiler.enable()
    w0, t0 = time.monotonic(), time.thread_time()
    while time.monotonic() - w0 < seconds:
        app.last_input = time.monotonic()  # as if a key had just come
        await asyncio.sleep(0.5)
    share = (time.thread_time() - t0) / (time.monotonic() - w0) * 100
    if profiler is not None:
        profiler.disable()
        profiler.dump_stats(profile)
    return f"live updates at the full rate, {name}: {share:.2f}% of one core"


async def wake_keys(app: Any, pilot: Pilot[Any], n: int, done: Callable[[str], bool],
                    profile: str | None) -> None:
    """CPU of a key typed after a pause long enough for the console to go idle, until its
    screen is drawn and the wake-up's refresh (WAKE_DELAY later) is shown."""
    from hmc_tui.app import ACTIVE_FOR, WAKE_DELAY

    profiler = None
    if profile:
        import cProfile

        profiler = cProfile.Profile()
    costs = []
    for i in range(n):
        await asyncio.sleep(ACTIVE_FOR + 3)
        assert app.idle, "the console did not go idle"
        key = "2" if i % 2 == 0 else "1"
        if profiler is not None:
            profiler.enable()
        t0 = time.thread_time()
        await pilot.press(key)
        await settle(pilot)
        await asyncio.sleep(WAKE_DELAY + 0.1)
        await settle(pilot)
        costs.append((time.thread_time() - t0) * 1000)
        if profiler is not None:
            profiler.disable()
        assert done(key), f"key {key} did not switch"
    if profiler is not None and profile:
        profiler.dump_stats(profile)
    say("keys after a pause (the console idle): CPU ms " + ", ".join(f"{c:.0f}" for c in costs))


# ---------------------------------------------------------------- the console


def frame_model(frame: str) -> Any:
    from engine.store import demo_frame

    if frame == "large":
        from benchmarks.frames import large_frame

        return large_frame()
    return demo_frame()


def make_console(frame: str, live: bool) -> Any:
    from engine.service import Engine
    from hmc_tui.console import LocalConsole

    model = frame_model(frame)
    engine = Engine(model, mode="realtime" if live else "stepped")
    if live:
        engine.start()
    return LocalConsole(engine)


@contextlib.contextmanager
def served_console(frame: str) -> Iterator[Any]:
    """A console on an engine service of its own (`hmc-tui serve --no-ssh`, real time, a
    private data dir), as an SSH console has: snapshots arrive from the service's socket,
    paced as the console asks (`Console.pace`)."""
    from engine.store import save_frame
    from hmc_tui.service.remote import RemoteConsole

    home = Path(tempfile.mkdtemp(prefix="hmcs", dir="/tmp"))
    save_frame(frame_model(frame), home / "frame.toml")
    env = dict(os.environ, HMC_TUI_DATA_DIR=str(home / "data"),
               HMC_TUI_STATE_DIR=str(home / "state"), HMC_TUI_CONFIG_DIR=str(home / "cfg"),
               PYTHONPATH=str(ROOT))
    sock = home / "e.sock"
    service = subprocess.Popen(
        [sys.executable, "-m", "hmc_tui.service", "--frame", str(home / "frame.toml"), "serve",
         "--no-ssh", "--rest", "off", "--socket", str(sock)], cwd=ROOT, env=env,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 30
        while not sock.exists():
            if service.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("the engine service did not start")
            time.sleep(0.1)
        console = RemoteConsole.open(sock)
        try:
            yield console
        finally:
            console.close()
    finally:
        service.terminate()
        service.wait(30)
        shutil.rmtree(home, ignore_errors=True)


async def run_console_bench(args: argparse.Namespace) -> None:
    with contextlib.ExitStack() as stack:
        if args.remote:
            console = stack.enter_context(served_console(args.frame))
        else:
            console = make_console(args.frame, live=bool(args.idle or args.paced or args.active
                                                          or args.wake) or args.live)
        await run_console(args, console)


async def run_console(args: argparse.Namespace, console: Any) -> None:
    from hmc_tui.app import HmcApp
    from hmc_tui.config import Config
    from hmc_tui.textual_compat import mode_built

    app = HmcApp(console, config=Config())
    modes = {"1": "overview", "2": "pools", "3": "vios", "4": "events", "5": "vnet"}
    try:
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            if args.first_visits:
                if args.quiet_first:  # the console idle after login: screens built meanwhile
                    t0 = time.thread_time()
                    await asyncio.sleep(args.quiet_first)
                    built = [m for m in modes.values() if mode_built(app, m)]
                    say(f"{args.quiet_first:g} s quiet before the first visits: "
                        f"{(time.thread_time() - t0) * 1000:.0f} ms CPU "
                        f"(built: {', '.join(built)})")
                firsts = {}
                for key in "23451":
                    firsts[modes[key]] = await timed(pilot, key)
                say("first visit CPU ms: " + ", ".join(
                    f"{m} {ms:.0f}" for m, ms in firsts.items()))
            if args.switches:
                costs = await switches(pilot, args.switches,
                                       lambda key: app.current_mode == modes[key],
                                       args.profile)
                report(f"hmc-tui, {args.frame} frame", costs)
            if args.paced:
                await paced(pilot, args.paced, lambda key: app.current_mode == modes[key],
                            None if args.switches else args.profile)
            if args.active:
                for key in "21":
                    await pilot.press(key)
                    await settle(pilot)
                    say(await active(app, args.active, modes[key], args.profile and
                                     f"{args.profile}.{modes[key]}"))
            if args.wake:
                await wake_keys(app, pilot, args.wake, lambda key: app.current_mode == modes[key],
                                args.profile)
            if args.idle:
                await pilot.press("1")
                await settle(pilot)
                await asyncio.sleep(7)  # past ACTIVE_FOR: the idle pace
                profiler = None
                if args.profile and not (args.switches or args.paced or args.active):
                    import cProfile

                    profiler = cProfile.Profile()
                    profiler.enable()
                w0, t0 = time.monotonic(), time.thread_time()
                await asyncio.sleep(args.idle)
                share = (time.thread_time() - t0) / (time.monotonic() - w0) * 100
                if profiler is not None:
                    profiler.disable()
                    profiler.dump_stats(args.profile)
                say(f"idle, {args.frame} frame, overview: {share:.2f}% of one core "
                      f"(UI thread, {args.idle:g} s)")
    finally:
        engine = getattr(console, "engine", None)
        if engine is not None and (args.live or args.idle or args.wake):
            engine.stop()


# ---------------------------------------------------------------- the floor


class Page(Screen[None]):
    footer: type[Footer] | None = Footer

    def __init__(self, title: str) -> None:
        super().__init__()
        self.title_text = title

    def compose(self) -> ComposeResult:
        yield Static(self.title_text)
        yield Static("a second line of header")
        table: DataTable[str] = DataTable()
        table.add_columns(*(f"col{i}" for i in range(12)))
        for r in range(30):
            table.add_row(*(f"{r}.{c}" for c in range(12)))
        yield table
        yield Static("status")
        if self.footer is not None:
            yield self.footer()


class Trivial(App[None]):
    MODES = {"one": lambda: Page("one"), "two": lambda: Page("two")}  # noqa: RUF012
    DEFAULT_MODE = "one"
    BINDINGS = [("1", "switch_mode('one')", "One"),  # noqa: RUF012
                ("2", "switch_mode('two')", "Two")]


async def run_trivial(args: argparse.Namespace) -> None:
    if args.trivial == "none":
        Page.footer = None
    elif args.trivial == "hmc":
        from hmc_tui.widgets.footer import Footer as HmcFooter

        Page.footer = HmcFooter
    app = Trivial()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        costs = await switches(pilot, args.switches,
                               lambda key: app.current_mode == ("two" if key == "2" else "one"),
                               None)
        report(f"trivial Textual app (two modes, DataTable 30x12, footer: {args.trivial})",
               costs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--frame", choices=("demo", "large"), default="demo")
    parser.add_argument("--switches", type=int, default=200)
    parser.add_argument("--trivial", choices=("textual", "hmc", "none"),
                        help="the floor: a plain Textual app with Textual's Footer, this "
                        "project's Footer, or none")
    parser.add_argument("--first-visits", action="store_true")
    parser.add_argument("--idle", type=float, default=0.0,
                        help="seconds of idle CPU sampling (the engine live)")
    parser.add_argument("--live", action="store_true",
                        help="the engine clock in real time during the switches too")
    parser.add_argument("--quiet-first", type=float, default=0.0,
                        help="with --first-visits: seconds with no key before them (the app "
                        "builds unvisited screens while the console is quiet)")
    parser.add_argument("--paced", type=float, default=0.0,
                        help="seconds of keys every 0.5-1.5 s with the engine live")
    parser.add_argument("--active", type=float, default=0.0,
                        help="seconds on Pools, then on Overview, the engine live and the "
                        "user counted as typing (the full refresh rate), no key pressed")
    parser.add_argument("--wake", type=int, default=0,
                        help="keys each typed after the console went idle")
    parser.add_argument("--profile", help="write a cProfile of the switches here")
    parser.add_argument("--remote", action="store_true",
                        help="the console on an engine service process (as SSH consoles "
                        "are), not on an engine in this process; the clock in real time")
    args = parser.parse_args()
    render_as_terminal()
    runner: Callable[[argparse.Namespace], Awaitable[None]] = (
        run_trivial if args.trivial else run_console_bench)
    asyncio.run(runner(args))
    print("\n".join(OUT))


if __name__ == "__main__":
    main()
