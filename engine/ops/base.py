"""What every operation shares: the context it runs in and the lookups with HMC errors."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import ClassVar

from pydantic import BaseModel, ConfigDict

from engine.errors import HmcError
from engine.lifecycle import Lifecycle
from engine.model import Frame, Partition, Profile, SharedPool
from engine.roles import Actor


@dataclass
class Context:
    """An operation's working state. Nothing in it is committed unless the operation
    and the rules check that follows it both succeed."""

    frame: Frame
    now: float
    lifecycle: Lifecycle
    actor: Actor
    followups: list[tuple] = field(default_factory=list)  # actions for the engine after commit
    data: dict[str, object] = field(default_factory=dict)  # results for the caller

    # -- lookups that fail the HMC's way
    def partition(self, name: str) -> Partition:
        p = self.frame.partition(name)
        if p is None:
            raise HmcError("HSCL8012", name=name)
        return p

    def partition_by_id(self, lpar_id: int) -> Partition:
        p = self.frame.partition(lpar_id)
        if p is None:
            raise HmcError("HSCL8012", name=str(lpar_id))
        return p

    def profile(self, p: Partition, name: str) -> Profile:
        prof = p.profile(name)
        if prof is None:
            raise HmcError("HSCL8013", name=name, lpar=p.name)
        return prof

    def pool(self, name: str) -> SharedPool:
        pool = self.frame.pool(name)
        if pool is None:
            raise HmcError("HSCL8015", name=name)
        return pool

    def vios(self, name: str) -> Partition:
        p = self.partition(name)
        if not p.is_vios:
            raise HmcError("HSCL0B09", kind="Virtual I/O Server", name=p.name, env=p.env)
        return p

    def require_system_on(self) -> None:
        s = self.frame.system
        if s.state not in ("Operating", "Standby"):
            raise HmcError("HSCL0B01", name=s.name, state=s.state)

    def require_settled(self, p: Partition) -> None:
        """Refuse while the partition is in a state transition."""
        if self.lifecycle.busy(p.id) or p.state in ("Starting", "Shutting Down") \
                or p.state.startswith("Migrating"):  # LPM: engine/ops/mobility.py
            raise HmcError("HSCL0B02", name=p.name, state=p.state)

    def put(self, p: Partition) -> None:
        self.frame = self.frame.with_partition(p)


@dataclass
class SystemsContext:
    """The working state of an operation that spans managed systems (`spans_systems`): one
    `Context` per system it touched, made on first use; the engine commits them together,
    each checked by the rules, or none."""

    frames: tuple[Frame, ...]
    lifecycles: tuple[Lifecycle, ...]
    now: float
    actor: Actor
    touched: dict[int, Context] = field(default_factory=dict)
    data: dict[str, object] = field(default_factory=dict)

    def index(self, key: str) -> int:
        from engine.hmc import resolve_index  # late: hmc imports the model only

        return resolve_index(self.frames, key)

    def on(self, key: str | int) -> Context:
        """The context of system `key` (name, MTMS, or index)."""
        i = key if isinstance(key, int) else self.index(key)
        if i not in self.touched:
            self.touched[i] = Context(frame=self.frames[i], now=self.now,
                                      lifecycle=self.lifecycles[i].copy(), actor=self.actor)
        return self.touched[i]


class Operation(BaseModel):
    """An operation: validated input, applied atomically by the engine, journaled.

    Subclasses set `op` (a Literal discriminator), `task` (the role capability it needs),
    and implement `apply` (change `ctx.frame`, raise HmcError to refuse), `target` (what it
    acts on, for the journal) and `command` (the equivalent HMC command line, which the
    console shows to teach the CLI).
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    op: str  # the discriminator; each subclass narrows it to its Literal
    task: ClassVar[str]
    # The managed system it acts on (name or MTMS, engine.hmc.resolve_index); "" = the only
    # one: with several systems the engine refuses it (HSCL1300), as the HMC wants -m.
    system: str = ""
    # True for an operation that spans systems (apply_systems, e.g. a partition migration)
    spans_systems: ClassVar[bool] = False

    def apply(self, ctx: Context) -> None:
        raise NotImplementedError

    def apply_systems(self, ctx: SystemsContext) -> None:
        """For `spans_systems` operations: change any system through `ctx.on(key)`."""
        raise NotImplementedError

    def target(self) -> str:
        return getattr(self, "lpar", "") or getattr(self, "vios", "") or ""

    def command(self, frame: Frame) -> str:
        raise NotImplementedError
