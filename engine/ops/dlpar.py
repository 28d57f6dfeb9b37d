"""DLPAR: add, remove and move processors and memory on running partitions."""

from __future__ import annotations

from typing import ClassVar, Literal

from pydantic import Field

from engine.errors import HmcError
from engine.hmcsyntax import attr_arg, name, units
from engine.model import Frame, Partition
from engine.ops.base import Context, Operation
from engine.rules.common import hundredths
from engine.rules.resources import pu_step_error

Action = Literal["add", "remove", "move"]
FLAG = {"add": "a", "remove": "r", "move": "m"}


def require_dlpar_ready(ctx: Context, p: Partition) -> None:
    """Running, RMC active (IBM i needs none), no other DLPAR still in flight."""
    if p.state != "Running" or p.current is None:
        raise HmcError("HSCL0B02", name=p.name, state=p.state)
    if p.env != "os400" and p.rmc_state != "active":
        raise HmcError("HSCL294C", name=p.name,
                       reason="the partition has no active RMC connection.")
    if ctx.lifecycle.dlpar_busy(p.id, ctx.now):
        raise HmcError("HSCL294C", name=p.name,
                       reason="another dynamic operation is still in progress.")


def _within(p: Partition, what: str, value: float, low: float, high: float) -> None:
    if not low - 1e-9 <= value <= high + 1e-9:
        raise HmcError("HSCL0B06", value=value, what=what, name=p.name, min=low, max=high)


def change_procs(ctx: Context, p: Partition, sign: int, units: float | None,
                 procs: int | None) -> None:
    if units is not None:  # before anything else: 0.005 would be rounded away, not granted
        err = pu_step_error("--procunits", units)
        if err is not None:
            raise err
    require_dlpar_ready(ctx, p)
    cur = p.current
    assert cur is not None
    update: dict[str, object] = {}
    if cur.shared:
        new_units = round((cur.desired_proc_units or 0) + sign * (units or 0), 2)
        new_procs = cur.desired_procs + sign * (procs or 0)
        _within(p, "processing units", new_units, cur.min_proc_units or 0,
                cur.max_proc_units or 0)
        _within(p, "virtual processors", new_procs, cur.min_procs, cur.max_procs)
        min_per_vp = ctx.frame.hardware.min_proc_units_per_vp
        if new_units < new_procs * min_per_vp - 1e-9:
            raise HmcError("HSCL1566", id=p.id)
        if new_units > new_procs + 1e-9:
            raise HmcError("HSCL0A05", field="curr_proc_units", value=new_units,
                           low=round(new_procs * min_per_vp, 2), high=new_procs,
                           procs=new_procs, min_per_vp=min_per_vp)
        added = sign * (units or 0)
        update.update(desired_proc_units=new_units, desired_procs=new_procs)
    else:
        if units:
            raise HmcError("HSCL0A0F", field="--procunits", value=units,
                           reason="partitions with dedicated processors take --procs.")
        new_procs = cur.desired_procs + sign * (procs or 0)
        _within(p, "processors", new_procs, cur.min_procs, cur.max_procs)
        added = sign * (procs or 0)
        update["desired_procs"] = new_procs
    avail = ctx.frame.avail_proc_units()
    if added > avail + 1e-9:
        raise HmcError("HSCL0B04", what="processing units", needed=added, available=avail)
    ctx.put(p.model_copy(update={"current": cur.model_copy(update=update)}))
    ctx.lifecycle.start_dlpar(p.id, ctx.now)


def change_mem(ctx: Context, p: Partition, sign: int, mem: int) -> None:
    require_dlpar_ready(ctx, p)
    cur = p.current
    assert cur is not None
    lmb = ctx.frame.system.mem_region_size
    if mem % lmb:
        raise HmcError("HSCL0A03", field="-q", value=mem, lmb=lmb)
    new_mem = cur.desired_mem + sign * mem
    _within(p, "memory (MB)", new_mem, cur.min_mem, cur.max_mem)
    avail = ctx.frame.avail_mem()
    if sign > 0 and mem > avail:
        raise HmcError("HSCL0B04", what="memory (MB)", needed=mem, available=avail)
    ctx.put(p.model_copy(update={"current": cur.model_copy(update={"desired_mem": new_mem})}))
    ctx.lifecycle.start_dlpar(p.id, ctx.now)


class ChangeProcessors(Operation):
    """chhwres -r proc: shared partitions take processing units and/or virtual processors,
    dedicated ones whole processors."""

    op: Literal["dlpar_proc"] = "dlpar_proc"
    task: ClassVar[str] = "dlpar"
    lpar: str
    action: Action
    proc_units: float | None = Field(default=None, gt=0)
    procs: int | None = Field(default=None, gt=0)
    target_lpar: str | None = None  # for move

    def apply(self, ctx: Context) -> None:
        if self.proc_units is None and self.procs is None:
            raise HmcError("HSCL0A0F", field="--procs/--procunits", value="none",
                           reason="give the quantity to change.")
        p = ctx.partition(self.lpar)
        if self.action == "move":
            target = ctx.partition(self.target_lpar or "")
            change_procs(ctx, p, -1, self.proc_units, self.procs)
            change_procs(ctx, ctx.frame.partition(target.id) or target, +1, self.proc_units,
                         self.procs)
        else:
            change_procs(ctx, p, 1 if self.action == "add" else -1, self.proc_units, self.procs)

    def command(self, frame: Frame) -> str:
        cmd = (f"chhwres -m {name(frame.system.name)} -r proc -o {FLAG[self.action]} "
               f"-p {name(self.lpar)}")
        if self.action == "move":
            cmd += f" -t {name(self.target_lpar or '')}"
        if self.procs:
            cmd += f" --procs {self.procs}"
        if self.proc_units:
            # As given when off the 0.01 step: the preview and the journal show what was
            # asked (and refused), not a rounded amount.
            pu = self.proc_units
            cmd += f" --procunits {units(pu) if hundredths(pu) is not None else repr(pu)}"
        return cmd


class ChangeMemory(Operation):
    op: Literal["dlpar_mem"] = "dlpar_mem"
    task: ClassVar[str] = "dlpar"
    lpar: str
    action: Action
    mem: int = Field(gt=0)  # MB, a multiple of the LMB
    target_lpar: str | None = None

    def apply(self, ctx: Context) -> None:
        p = ctx.partition(self.lpar)
        if self.action == "move":
            target = ctx.partition(self.target_lpar or "")
            change_mem(ctx, p, -1, self.mem)
            change_mem(ctx, ctx.frame.partition(target.id) or target, +1, self.mem)
        else:
            change_mem(ctx, p, 1 if self.action == "add" else -1, self.mem)

    def command(self, frame: Frame) -> str:
        cmd = (f"chhwres -m {name(frame.system.name)} -r mem -o {FLAG[self.action]} "
               f"-p {name(self.lpar)}")
        if self.action == "move":
            cmd += f" -t {name(self.target_lpar or '')}"
        return cmd + f" -q {self.mem}"


class SetUncapWeight(Operation):
    op: Literal["set_weight"] = "set_weight"
    task: ClassVar[str] = "dlpar"
    lpar: str
    uncap_weight: int = Field(ge=0, le=255)

    def apply(self, ctx: Context) -> None:
        p = ctx.partition(self.lpar)
        require_dlpar_ready(ctx, p)
        cur = p.current
        assert cur is not None
        if not cur.shared or cur.capped:
            raise HmcError("HSCL0A0F", field="uncap_weight", value=self.uncap_weight,
                           reason="only uncapped shared partitions have an uncapped weight.")
        new = cur.model_copy(update={"uncap_weight": self.uncap_weight})
        ctx.put(p.model_copy(update={"current": new}))

    def command(self, frame: Frame) -> str:
        return (f"chhwres -m {name(frame.system.name)} -r proc -o s -p {name(self.lpar)} "
                f"-a {attr_arg([('uncap_weight', self.uncap_weight)])}")
