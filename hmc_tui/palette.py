"""Command palette (ctrl+p): partitions by name, with every partition action.

App-wide commands (screens, clock, theme, screenshot...) are the app's system commands; this
provider adds one hit per partition and verb, so "act dev02" finds "Activate dev02".
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from textual.command import DiscoveryHit, Hit, Hits, Provider

from hmc_tui.screens.host import ConsoleHost, console_host

DISCOVER_LIMIT = 30  # partitions listed before anything is typed


class PartitionCommands(Provider):
    @property
    def hmc(self) -> ConsoleHost:
        return console_host(self.screen)

    def _verbs(self, lpar_id: int) -> list[tuple[str, str, Callable[[], object]]]:
        app = self.hmc
        return [
            ("Go to partition", "select it in the frame overview",
             partial(app.goto_partition, lpar_id)),
            ("Properties of", "open the partition's properties",
             partial(app.goto_partition, lpar_id, properties=True)),
            ("Activate", "open the Activate dialog", partial(app.open_dialog, "activate",
                                                            lpar_id)),
            ("Shut down", "open the Shut Down dialog", partial(app.open_dialog, "shutdown",
                                                              lpar_id)),
            ("DLPAR on", "add, remove or move processors and memory",
             partial(app.open_dialog, "dlpar", lpar_id)),
            ("Open terminal window", "the partition's console (ctrl+] closes it)",
             partial(app.open_terminal_window, lpar_id)),
        ]

    async def discover(self) -> Hits:
        for p in self.hmc.snapshot.frame.partitions[:DISCOVER_LIMIT]:
            yield DiscoveryHit(f"Go to partition {p.name}", partial(self.hmc.goto_partition,
                                                                    p.id),
                               help=f"{p.state}, ID {p.id}")

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        snap = self.hmc.snapshot
        for p in snap.frame.partitions:
            for verb, help_text, callback in self._verbs(p.id):
                text = f"{verb} {p.name}"
                score = matcher.match(text)
                if score > 0:
                    yield Hit(score, matcher.highlight(text), callback,
                              help=f"{help_text} ({p.state})")
        if not snap.several:
            return
        # Search across systems: the other systems' partitions and the systems themselves
        for frame in snap.frames:
            text = f"Go to system {frame.system.name}"
            score = matcher.match(text)
            if score > 0:
                yield Hit(score, matcher.highlight(text),
                          partial(self.hmc.open_system, frame.mtms),
                          help=f"{frame.mtms} ({frame.system.state})")
            if frame is snap.frame:
                continue
            for p in frame.partitions:
                text = f"Go to partition {p.name} on {frame.system.name}"
                score = matcher.match(text)
                if score > 0:
                    yield Hit(score, matcher.highlight(text),
                              partial(self._goto_on, frame.mtms, p.id),
                              help=f"{p.state}, ID {p.id}")

    async def _goto_on(self, system: str, lpar_id: int) -> None:
        if await self.hmc.open_system(system):
            await self.hmc.goto_partition(lpar_id)
