"""A terminal session recorded in lockstep: what the engine wrote, and why it closed."""

from __future__ import annotations

from engine import ops
from engine.model import Frame
from engine.roles import Actor
from engine.service import Engine
from engine.vterm.hub import TerminalHandle


class Screen:
    """Collects a session's output; `take()` returns what arrived since the last take."""

    def __init__(self) -> None:
        self.text = ""
        self.closed: list[str] = []
        self._seen = 0

    def __call__(self, text: str) -> None:
        self.text += text

    def on_close(self, reason: str) -> None:
        self.closed.append(reason)

    def take(self) -> str:
        new, self._seen = self.text[self._seen:], len(self.text)
        return new


def open_screen(engine: Engine, lpar: str | int,
                actor: Actor | None = None) -> tuple[TerminalHandle, Screen]:
    screen = Screen()
    handle = engine.open_terminal(lpar, actor or Actor(), screen, screen.on_close)
    return handle, screen


def stopped_engine(frame: Frame, lpar: str = "lpar1") -> Engine:
    """An engine with `lpar` shut down (Not Activated), ready to be activated."""
    engine = Engine(frame)
    assert engine.execute(ops.ShutdownPartition(lpar=lpar, option="immediate"), Actor()).ok
    engine.step(5)
    assert engine.snapshot().frame.partition(lpar).state == "Not Activated"  # type: ignore[union-attr]
    return engine


ISO = "/var/vio/VMLibrary/aix73.iso"


def with_iso(frame: Frame, bootable: bool = False) -> Frame:
    """lpar1 with the install image in a virtual optical device (vtopt0, LUN 2 behind its
    slot 2 vSCSI adapter) and, unless `bootable`, nothing installed on its disks."""
    from engine.model import VscsiMapping

    vios = frame.partition("vios1")
    lpar = frame.partition("lpar1")
    assert vios is not None and lpar is not None
    optical = VscsiMapping(vhost_slot=11, vtd="vtopt0", backing=ISO, lun=2)
    frame = frame.with_partition(vios.model_copy(
        update={"vscsi_mappings": (*vios.vscsi_mappings, optical)}))
    return frame.with_partition(lpar.model_copy(update={"bootable": bootable}))


def state(engine: Engine, lpar: str = "lpar1") -> tuple[str, str]:
    p = engine.snapshot().frame.partition(lpar)
    assert p is not None
    return p.state, p.refcode


def typed(engine: Engine, handle: TerminalHandle, *keys: str) -> None:
    """Type each key string in turn (lockstep: each is handled at once)."""
    for key in keys:
        handle.send(key)
    engine.step(0)
