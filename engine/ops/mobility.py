"""migrlpar -o m|s|r: start, stop and recover a partition migration (docs/mobility.md).

Starting validates (engine/mobility/validate.py: the first error refuses it with its own
code), then creates the shell partition and its VIOS adapters on the target and marks the
partition migrating on the source; the engine moves it on as time passes
(engine/mobility/progress.py). Validation alone (-o v) is a read: front ends call
`engine.mobility.validate.plan` on a snapshot's frames.
"""

from __future__ import annotations

from typing import ClassVar, Literal

from engine.errors import HmcError
from engine.hmcsyntax import name
from engine.mobility import moves, timing
from engine.mobility.validate import MigrationOptions, plan
from engine.model import Frame, Migration, Partition
from engine.ops.base import Context, Operation, SystemsContext

OPTION = {"migrate": "m", "stop": "s", "recover": "r"}


class MigratePartition(Operation):
    op: Literal["migrate"] = "migrate"
    task: ClassVar[str] = "power"  # operators may migrate (HMC task roles)
    spans_systems: ClassVar[bool] = True
    action: Literal["migrate", "stop", "recover"] = "migrate"
    lpar: str = ""
    lpar_id: int | None = None
    dest_system: str = ""  # the target managed system (migrate): migrlpar -t
    dest_lpar_id: int | None = None
    pool: str = ""
    vscsi: tuple[tuple[int, str], ...] = ()  # client slot -> target VIOS name
    vfc: tuple[tuple[int, str], ...] = ()
    source_msp: str = ""
    dest_msp: str = ""
    protect_storage: bool = True  # migrlpar --protectstorage 1 (2: False)

    def options(self) -> MigrationOptions:
        return MigrationOptions(dest_lpar_id=self.dest_lpar_id, pool=self.pool,
                                vscsi=self.vscsi, vfc=self.vfc, source_msp=self.source_msp,
                                dest_msp=self.dest_msp, protect_storage=self.protect_storage)

    def _partition(self, frame: Frame) -> Partition:
        key: str | int = self.lpar_id if self.lpar_id is not None else self.lpar
        p = frame.partition(key)
        if p is None:
            raise HmcError("HSCL8012", name=str(key))
        return p

    def apply(self, ctx: Context) -> None:  # pragma: no cover - spans systems
        raise NotImplementedError

    def apply_systems(self, ctx: SystemsContext) -> None:
        s = ctx.index(self.system)
        source = ctx.frames[s]
        p = self._partition(source)
        if self.action != "migrate":
            self._end(ctx, s, p)
            return
        t = ctx.index(self.dest_system)
        target = ctx.frames[t]
        others = [m for f in ctx.frames for m in f.migrations]
        found = plan(source, target, p, self.options(), others)
        if found.errors:
            raise found.errors[0].error()
        target, lines = moves.make_shell(source, target, p, found)
        mem = p.current.desired_mem if p.current is not None else 0
        active = found.kind == "active"
        m = Migration(
            lpar_id=p.id, name=p.name, kind=found.kind, target=target.system.name,
            dest_lpar_id=found.dest_lpar_id, started=ctx.now, updated=ctx.now,
            phase_end=ctx.now + (timing.START_S if active else timing.INACTIVE_S),
            mem_mb=mem, bandwidth=timing.MSP_BANDWIDTH_MB_S, source_msp=found.source_msp,
            dest_msp=found.dest_msp, pool=found.pool,
            vscsi=tuple(sorted(found.vscsi.items())), vfc=tuple(sorted(found.vfc.items())))
        state = "Migrating - Running" if active else "Migrating - Not Activated"
        src = ctx.on(s)
        src.frame = source.with_partition(p.model_copy(update={"state": state})).model_copy(
            update={"migrations": (*source.migrations, m)})
        ctx.on(t).frame = target
        ctx.data.update(dest_lpar_id=found.dest_lpar_id, kind=found.kind,
                        warnings=[str(f) for f in found.findings],
                        estimate=timing.estimate(mem).total_s if active else timing.INACTIVE_S,
                        steps=[f"{who}: {what}" for who, what in lines])

    def _end(self, ctx: SystemsContext, s: int, p: Partition) -> None:
        source = ctx.frames[s]
        what = "stop" if self.action == "stop" else "recover"
        m = next((x for x in source.migrations if x.lpar_id == p.id), None)
        if m is None:
            raise HmcError("HSCL0D0F", name=p.name, what=what)
        if self.action == "stop" and m.state in ("Suspending", "Recovery Required"):
            # suspended: too late to stop; failed: only a recovery cleans it up
            raise HmcError("HSCL0B02", name=p.name, state=m.state)
        t = ctx.index(m.target)
        new_s, new_t, _, _ = moves.rollback(source, ctx.frames[t], m)
        ctx.on(s).frame = new_s
        ctx.on(t).frame = new_t
        if self.action == "stop":
            ctx.data["message"] = HmcError("HSCL1335", name=p.name, user=ctx.actor.user,
                                           system=source.system.name).message

    def target(self) -> str:
        return self.lpar or (str(self.lpar_id) if self.lpar_id is not None else "")

    def command(self, frame: Frame) -> str:
        who = f"-p {name(self.lpar)}" if self.lpar else f"--id {self.lpar_id}"
        line = f"migrlpar -o {OPTION[self.action]} -m {name(frame.system.name)}"
        if self.action == "migrate":
            line += f" -t {name(self.dest_system)}"
        line += f" {who}"
        if not self.protect_storage:
            line += " --protectstorage 2"
        items = []
        if self.dest_lpar_id is not None:
            items.append(f"dest_lpar_id={self.dest_lpar_id}")
        if self.pool:
            items.append(f"shared_proc_pool_name={self.pool}")
        if self.source_msp:
            items.append(f"source_msp_name={self.source_msp}")
        if self.dest_msp:
            items.append(f"dest_msp_name={self.dest_msp}")
        for key, pairs in (("virtual_scsi_mappings", self.vscsi),
                           ("virtual_fc_mappings", self.vfc)):
            if pairs:
                joined = ",".join(f"{slot}/{vios}" for slot, vios in pairs)
                items.append(f'"{key}={joined}"')
        if items:
            line += f" -i '{','.join(items)}'"
        return line
