"""A minimal host app for one screen: the contract HmcApp gives its screens
(hmc_tui.screens.host.ConsoleHost), no more."""

from __future__ import annotations

import asyncio
import dataclasses
import math
from collections.abc import Callable, Sequence
from typing import Any

from textual.app import App
from textual.reactive import reactive
from textual.screen import Screen
from textual.signal import Signal

from engine.errors import HmcError
from engine.model import Frame
from engine.ops import Operation
from engine.roles import Actor
from engine.service import Engine, OpResult
from engine.snapshot import PoolLive, Snapshot, UtilSeries
from engine.store import demo_frame
from hmc_tui.command_mode import Alias
from hmc_tui.console import LocalConsole
from hmc_tui.hmccli import CommandResult, run_command
from hmc_tui.screens.dialogs import ActivateDialog, DlparDialog, ShutdownDialog
from hmc_tui.screens.terminal import TerminalScreen
from hmc_tui.terminals import Terminals


def make_console(frame: Frame | None = None, actor: Actor | None = None) -> LocalConsole:
    return LocalConsole(Engine(frame or demo_frame(), mode="stepped"), actor)


class HostApp(App[None]):
    """Pushes one screen over a lockstep console; `step()` moves engine time and delivers
    the new snapshot the way the real app's timer would."""

    frozen: reactive[bool] = reactive(False)

    def __init__(self, screen: Callable[[], Screen[Any]], console: LocalConsole | None = None,
                 warmup: float = 0.0) -> None:
        super().__init__()
        # Not `self.console`: Textual's App owns that name (its Rich console).
        self.hmc_console = console or make_console()
        if warmup:
            self.hmc_console.step(warmup)
        self.snapshot: Snapshot = self.hmc_console.snapshot()
        self.snapshot_signal: Signal[Snapshot] = Signal(self, "snapshot")
        self.last_input = 0.0
        self._make_screen = screen
        self.operations: list[Operation] = []
        self.terminals = Terminals(self.hmc_console)

    def on_mount(self) -> None:
        self.push_screen(self._make_screen())

    async def run_operation(self, op: Operation) -> OpResult:
        self.operations.append(op)
        result = await self.hmc_console.run(op)
        self.deliver()
        return result

    def clock(self, change: Callable[[], None], done: str) -> str:
        try:
            change()
        except HmcError as err:
            return str(err)
        self.deliver()
        return done

    async def open_system(self, key: str | int) -> bool:
        return False  # no overview in this host

    async def goto_partition(self, lpar_id: int, properties: bool = False) -> bool:
        return False  # no overview in this host

    def open_dialog(self, kind: str, lpar_id: int) -> None:
        dialogs = {"activate": ActivateDialog, "shutdown": ShutdownDialog, "dlpar": DlparDialog}
        self.push_screen(dialogs[kind](lpar_id))

    async def open_terminal_window(self, lpar_id: int) -> bool:
        try:
            session = await self.terminals.open(lpar_id)
        except HmcError:
            return False
        await self.push_screen(TerminalScreen(session))
        return True

    def close_terminal_window(self, lpar_id: int) -> None:
        self.terminals.close(lpar_id)
        if isinstance(self.screen, TerminalScreen):
            self.pop_screen()

    def run_alias_here(self, alias: Alias) -> str:
        return ""  # no command panel in this host

    async def run_hmc_command(self, line: str) -> CommandResult:
        result = await asyncio.to_thread(run_command, self.hmc_console, line)
        self.deliver()
        return result

    def deliver(self) -> None:
        """Hand the newest snapshot to the active screen if its version is new."""
        snap = self.hmc_console.snapshot()
        if snap.version == self.snapshot.version:
            return
        self.snapshot = snap
        show = getattr(self.screen, "show_snapshot", None)
        if show is not None:
            show(snap)
        self.snapshot_signal.publish(snap)

    def step(self, seconds: float) -> None:
        self.hmc_console.step(seconds)
        self.deliver()


class SyntheticUtilConsole(LocalConsole):
    """A lockstep console whose pool samples and live figures follow known curves (a sine
    around half the pool), so graph tests and SVG snapshots do not depend on the
    dispatcher's workload model. Everything else (frame, clock, events) is the engine's."""

    CYCLES = 512_000_000  # time_cycles per engine second, as a real counter would grow

    def snapshot(self) -> Snapshot:
        snap = super().snapshot()
        level = 0.5 + 0.4 * math.sin(snap.time / 120.0)
        physc: dict[int, float] = {}
        pools = []
        for pid in (p.id for p in snap.frame.pools if p.is_default or p.max_proc_units):
            members = snap.frame.pool_members(pid)
            for i, p in enumerate(members):
                res = p.settings()
                physc[p.id] = round(min(res.desired_procs, res.entitlement * level * (1 + i % 3)),
                                    2)
            size = 8.0 if pid else 30.0
            used = round(sum(physc[p.id] for p in members), 2)
            pools.append(PoolLive(pid, size, snap.frame.pool_entitled(pid), used))
        return dataclasses.replace(snap, physc=physc, pools=tuple(pools))

    def utilisation(self, resource: str, key: int, interval: str = "long",
                    system: str = "") -> UtilSeries:
        step = 5 if interval == "short" else 30
        now = int(self.snapshot().time)
        size = 8.0 if key else 30.0
        times = tuple(float(t) for t in range(0, now + 1, step))
        time_c, total_c, used_c = [], [], []
        used_total = 0.0
        for i, t in enumerate(times):
            if i:
                used_total += size * (0.5 + 0.4 * math.sin(t / 120.0)) * step
            time_c.append(int(t * self.CYCLES))
            total_c.append(int(t * size * self.CYCLES))
            used_c.append(int(used_total * self.CYCLES))
        return UtilSeries(times=times, counters={
            "time_cycles": tuple(time_c), "total_pool_cycles": tuple(total_c),
            "utilized_pool_cycles": tuple(used_c)})

    def utilisations(self, resource: str, keys: Sequence[int], interval: str = "long",
                     system: str = "", last: int | None = None) -> list[UtilSeries]:
        out = []
        for key in keys:
            s = self.utilisation(resource, key, interval, system)
            n = len(s.times) if last is None else last
            out.append(UtilSeries(times=s.times[-n:], counters={
                k: v[-n:] for k, v in s.counters.items()}))
        return out


async def wait_for(pilot: Any, predicate: Callable[[], object], timeout: float = 10.0) -> None:
    """Let the UI settle until `predicate()` holds (no fixed sleeps)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not predicate():
        if loop.time() > deadline:
            raise AssertionError("condition not reached in time")
        await pilot.pause(0.02)
