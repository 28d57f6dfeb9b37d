"""Power operations: activate and shut down partitions, power the managed system on and off."""

from __future__ import annotations

from typing import ClassVar, Literal

from engine import lifecycle as lc
from engine.errors import HmcError
from engine.hmcsyntax import name
from engine.model import TRANSITIONAL_STATES, BootMode, Frame, IplSource, Keylock, Partition
from engine.ops.base import Context, Operation
from engine.redundancy import boot_reachable


def activate(ctx: Context, p: Partition, profile_name: str, boot_mode: BootMode | None,
             keylock: Keylock | None = None, ipl_source: IplSource | None = None) -> None:
    """Reserve the profile's resources (desired, falling back toward the minimums) and
    start the boot sequence. Shared by ActivatePartition, restarts and auto-start."""
    ctx.require_system_on()
    if p.state.startswith("Migrating"):  # a migration holds it (engine/ops/mobility.py)
        raise HmcError("HSCL0B02", name=p.name, state=p.state)
    if p.active:
        if p.state in TRANSITIONAL_STATES:
            raise HmcError("HSCL0B02", name=p.name, state=p.state)
        raise HmcError("HSCL3681", name=p.name)
    prof = ctx.profile(p, profile_name)
    frame = ctx.frame
    free_units = frame.avail_proc_units()
    if prof.shared and prof.shared_proc_pool_id != 0:
        pool = frame.pools[prof.shared_proc_pool_id]
        free_units = min(free_units, pool.max_proc_units - frame.pool_entitled(pool.id))
    needed = (prof.min_proc_units or 0.0) if prof.shared else float(prof.min_procs)
    if needed > free_units + 1e-9:
        what = "processing units" if prof.shared else "processors"
        raise HmcError("HSCL0B03", what=what, name=p.name, needed=needed,
                       available=round(max(free_units, 0.0), 2))
    ratio = int(prof.hpt_ratio.split(":")[1])
    lmb = frame.system.mem_region_size
    hpt = -(-prof.max_mem // ratio // lmb) * lmb
    free_mem = frame.avail_mem() - hpt
    if prof.min_mem > free_mem:
        raise HmcError("HSCL0B03", what="memory (MB)", name=p.name, needed=prof.min_mem,
                       available=max(free_mem, 0))
    current = lc.grant(prof, free_units, free_mem, lmb, frame.hardware.min_proc_units_per_vp)
    mode = boot_mode or prof.boot_mode
    if not boot_reachable(frame, p):  # no path to the boot disk: firmware finds no device
        steps = lc.boot_steps(p.model_copy(update={"bootable": False}), mode)
    else:
        steps = lc.boot_steps(p, mode)
    ctx.put(p.model_copy(update={
        "state": steps[0][1], "refcode": steps[0][2], "current": current,
        "configured": None,  # what it keeps while Not Activated: `current` holds it now
        "curr_profile": prof.name, "boot_mode": mode, "keylock": keylock or prof.keylock,
        "rmc_state": "inactive",
    }))
    ctx.lifecycle.schedule(p.id, ctx.now, steps[1:])
    ctx.data["granted"] = current


class ActivatePartition(Operation):
    op: Literal["activate"] = "activate"
    task: ClassVar[str] = "power"
    lpar: str
    profile: str | None = None  # None: the partition's default profile
    boot_mode: BootMode | None = None  # None: the profile's boot mode
    keylock: Keylock | None = None  # IBM i
    ipl_source: IplSource | None = None  # IBM i

    def apply(self, ctx: Context) -> None:
        p = ctx.partition(self.lpar)
        activate(ctx, p, self.profile or p.default_profile, self.boot_mode, self.keylock,
                 self.ipl_source)

    def command(self, frame: Frame) -> str:
        p = frame.partition(self.lpar)
        profile = self.profile or (p.default_profile if p else "")
        cmd = (f"chsysstate -m {name(frame.system.name)} -r lpar -o on -n {name(self.lpar)} "
               f"-f {name(profile)}")
        if self.boot_mode:
            cmd += f" -b {self.boot_mode}"
        if self.keylock:
            cmd += f" -k {self.keylock}"
        if self.ipl_source:
            cmd += f" -i {self.ipl_source}"
        return cmd


ShutdownOption = Literal["delayed", "immediate", "os", "os_immediate"]


class ShutdownPartition(Operation):
    """Delayed (white button), immediate (panel function 8), OS shutdown through RMC, or OS
    immediate; with `restart` the partition is activated again once it is down."""

    op: Literal["shutdown"] = "shutdown"
    task: ClassVar[str] = "power"
    lpar: str
    option: ShutdownOption = "delayed"
    restart: bool = False

    def apply(self, ctx: Context) -> None:
        p = ctx.partition(self.lpar)
        if not p.active:
            raise HmcError("HSCL1558", name=p.name)
        # An immediate shutdown may overtake a slower one under way (the operator's, or
        # pypowervm's, escalation when an OS shutdown takes too long); nothing else may.
        if not (self.option == "immediate" and p.state == "Shutting Down"):
            ctx.require_settled(p)
        if self.option.startswith("os") and p.rmc_state != "active":
            raise HmcError("HSCL0DB4", name=p.name)
        then = ("activate", p.id, p.curr_profile or p.default_profile, p.boot_mode) \
            if self.restart else None
        steps = lc.shutdown_steps(self.option)
        ctx.put(p.model_copy(update={"state": steps[0][1], "refcode": steps[0][2],
                                     "rmc_state": steps[0][3]}))
        ctx.lifecycle.schedule(p.id, ctx.now, steps[1:], then=then)

    def command(self, frame: Frame) -> str:
        o = "osshutdown" if self.option.startswith("os") else "shutdown"
        cmd = f"chsysstate -m {name(frame.system.name)} -r lpar -o {o}"
        if self.option in ("immediate", "os_immediate"):
            cmd += " --immed"
        if self.restart:
            cmd += " --restart"
        return cmd + f" -n {name(self.lpar)}"


class PowerOnSystem(Operation):
    op: Literal["system_on"] = "system_on"
    task: ClassVar[str] = "power"
    standby: bool = False  # partition standby: no partition auto-start

    def apply(self, ctx: Context) -> None:
        s = ctx.frame.system
        if s.state != "Power Off":
            raise HmcError("HSCL0B07", name=s.name, state=s.state)
        lost = next((f for f in ctx.frame.faults if f.kind == "power_loss"), None)
        if lost is not None:
            src = next((e.refcode for e in ctx.frame.svc_events
                        if e.problem_num == lost.problem_num), "")
            raise HmcError("HSCL1105", name=s.name, src=src)
        from engine.ops.system import apply_pending  # late: system imports this module

        s = apply_pending(s)  # pending settings (pend_...) take effect at power-on
        ctx.frame = ctx.frame.model_copy(
            update={"system": s.model_copy(update={"state": "Initializing"})})
        final = "Standby" if self.standby else "Operating"
        start = not self.standby and s.power_on_lpar_start_policy != "userinit"
        ctx.lifecycle.schedule(0, ctx.now, [(lc.SYSTEM_POWER_ON_SECONDS, final, None, None)],
                               then=("auto_start",) if start else None)

    def target(self) -> str:
        return "system"

    def command(self, frame: Frame) -> str:
        o = "onstandby" if self.standby else "on"
        return f"chsysstate -m {name(frame.system.name)} -r sys -o {o}"


class PowerOffSystem(Operation):
    """Power the system off. Refused while partitions are active unless forced (the HMC's
    `--force`); forced, every active partition is shut down immediately first."""

    op: Literal["system_off"] = "system_off"
    task: ClassVar[str] = "power"
    immediate: bool = False
    force: bool = False

    def apply(self, ctx: Context) -> None:
        s = ctx.frame.system
        if s.state not in ("Operating", "Standby"):
            raise HmcError("HSCL0B07", name=s.name, state=s.state)
        active = [p.name for p in ctx.frame.partitions if p.active]
        if active and not self.force:
            raise HmcError("HSCL1220", name=s.name, count=len(active),
                           names=", ".join(active))
        for p in ctx.frame.partitions:
            if p.active:
                steps = lc.shutdown_steps("immediate")
                ctx.put(p.model_copy(update={"state": steps[0][1], "refcode": steps[0][2],
                                             "rmc_state": steps[0][3]}))
                ctx.lifecycle.schedule(p.id, ctx.now, steps[1:])
        ctx.frame = ctx.frame.model_copy(
            update={"system": s.model_copy(update={"state": "Power Off In Progress"})})
        seconds = 5.0 if self.immediate else lc.SYSTEM_POWER_OFF_SECONDS
        ctx.lifecycle.schedule(0, ctx.now, [(seconds, "Power Off", None, None)])

    def target(self) -> str:
        return "system"

    def command(self, frame: Frame) -> str:
        return f"chsysstate -m {name(frame.system.name)} -r sys -o off" + (
            " --immed" if self.immediate else "") + (" --force" if self.force else "")
