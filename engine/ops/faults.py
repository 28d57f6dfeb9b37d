"""Inject and clear faults: what an instructor (or a drill) breaks in the frame.

Not HMC operations: a real HMC only reports faults. Each fault is kept in `frame.faults`
while it lasts (a partition crash is momentary: it is not kept); each hardware fault opens
a serviceable event with its SRC (`frame.svc_events`, `lssvcevents -t hardware`);
clearing it (the repair) closes the event. What a fault does to partitions, paths, SEAs
and RMC is derived in engine/redundancy/. Task "config": superadmins only
(docs/powervm-rules.md section 13). The command line is hmc-tui's own `chhwfault`
(docs/hmc-commands.md section 11).
"""

from __future__ import annotations

from typing import ClassVar, Literal

from pydantic import Field

from engine import lifecycle as lc
from engine import redundancy
from engine.errors import HmcError
from engine.hmcsyntax import name
from engine.model import Fault, FaultKind, Frame, ServiceEvent
from engine.ops.base import Context, Operation
from engine.workload_faults import DEFAULT_LEAK_MB_PER_MIN

# SRCs of the serviceable events (ours: in the families IBM uses, B7xx platform firmware /
# I/O, B1xx service processor detected processor and memory errors, 11xx power (SPCN),
# B2xx partition management; the exact numbers are our picks).
SRC: dict[str, str] = {
    "port_down_fc": "B7006A8A", "port_down_eth": "B7006A8B", "core": "B113E504",
    "dimm": "B124E504", "crash": "B2008105", "power_loss": "11002630",
}
DEFAULT_DIMM_GB = 64
HMC_NAME = "hmc"  # the analyzing HMC of every event (hmc_tui's lshmc hostname)
CRASH_RESTART_SECONDS = 5.0  # after the last dump code, the reboot begins (ours)
CALLHOME_SECONDS = 30.0  # from the event to the end of the HMC's call home (ours)


def _callhome_timer(number: int) -> int:
    """The lifecycle key of an event's call home: below 0, so no partition's (a due step
    on it changes nothing itself; the engine settles call homes after due steps)."""
    return -number


def open_event(ctx: Context, refcode: str, text: str, fru: str,
               callhome: bool = True) -> int:
    """Log a serviceable event; its problem number. One meant to be called home is
    "Pending" for CALLHOME_SECONDS (then `settle_callhome`), "Disabled" while the system's
    call home is off."""
    events = ctx.frame.svc_events
    number = max((e.problem_num for e in events), default=0) + 1
    state = ("Not required" if not callhome else "Pending" if ctx.frame.system.callhome
             else "Disabled")
    due = ctx.now + CALLHOME_SECONDS if state == "Pending" else 0.0
    event = ServiceEvent(problem_num=number, refcode=refcode, text=text, fru=fru,
                         first_time=ctx.now, last_time=ctx.now, callhome_intended=callhome,
                         call_home=state, callhome_due=due)
    if state == "Pending":
        ctx.lifecycle.schedule(_callhome_timer(number), ctx.now, [(CALLHOME_SECONDS, None,
                                                                   None, None)])
    ctx.frame = ctx.frame.model_copy(update={"svc_events": (*events, event)})
    return number


def close_event(ctx: Context, number: int) -> None:
    """Closed: a call home not yet made is not made ("Not required")."""
    ctx.lifecycle.cancel(_callhome_timer(number))
    events = tuple(e.model_copy(update={
        "status": "Closed", "last_time": ctx.now,
        "call_home": "Not required" if e.call_home == "Pending" else e.call_home})
        if e.problem_num == number else e for e in ctx.frame.svc_events)
    ctx.frame = ctx.frame.model_copy(update={"svc_events": events})


def settle_callhome(frame: Frame, now: float) -> Frame:
    """Call homes due by `now`: "Sent", or "Failed" while the HMC's call-home link is down
    (a callhome_down fault)."""
    if not any(e.call_home == "Pending" and e.callhome_due <= now + 1e-9
               for e in frame.svc_events):
        return frame
    result = "Failed" if any(f.kind == "callhome_down" for f in frame.faults) else "Sent"
    events = tuple(e.model_copy(update={"call_home": result})
                   if e.call_home == "Pending" and e.callhome_due <= now + 1e-9 else e
                   for e in frame.svc_events)
    return frame.model_copy(update={"svc_events": events})


def _find_port(frame: Frame, target: str) -> tuple[str, str, str]:
    """(location, kind, label) of a physical port named by its location code or as
    PARTITION:PORT (vios1:fcs0); HSCL1101 when there is none."""
    owner, _, port_name = target.partition(":")
    for adapter in frame.io.adapters:
        for port in adapter.ports:
            if port.location == target:
                return port.location, adapter.kind, port.location
            if port_name and adapter.owner is not None:
                p = frame.partition(adapter.owner)
                if p is not None and p.name == owner and port.name == port_name:
                    return port.location, adapter.kind, f"{port.name} of {p.name}"
    raise HmcError("HSCL1101", port=target, name=frame.system.name)


def _numbered(frame: Frame, kind: str, target: str, limit: int) -> str:
    """"core N" / "dimm N": the one named, or the lowest number not yet deconfigured."""
    taken = {f.target for f in frame.faults if f.kind == kind}
    if not target:
        n = next(i for i in range(len(taken) + 1) if f"{kind} {i}" not in taken)
        return f"{kind} {n}"
    word, _, number = target.partition(" ")
    if word != kind or not number.isdecimal() or int(number) >= limit:
        raise HmcError("HSCL1100", kind=kind, reason=f"the target must be '{kind} N' with N "
                       f"from 0 to {limit - 1}, not '{target}'.")
    return f"{kind} {int(number)}"


class InjectFault(Operation):
    """Break something: a physical port, a core, a DIMM, a partition's OS, the power, or
    start a workload fault in a partition: a runaway process or a noisy neighbour
    (engine/cpu.py pins its demand at its virtual processors), a memory leak (it pages:
    engine/workload_faults.py)."""

    op: Literal["inject_fault"] = "inject_fault"
    task: ClassVar[str] = "config"
    kind: FaultKind
    location: str = ""  # becomes Fault.target; port: location code or PARTITION:PORT
    size_gb: int | None = Field(default=None, ge=1)  # dimm: the DIMM's size
    restart: bool = True  # crash: the OS reboots after its dump (AIX's autorestart=true)
    rate: int | None = Field(default=None, ge=1)  # memleak: MB leaked per engine minute

    def apply(self, ctx: Context) -> None:
        frame = ctx.frame
        system = frame.system
        if self.kind == "crash":
            self._crash(ctx)
            return
        if self.kind in ("runaway", "memleak", "noisy"):  # workload faults: no event
            self._workload(ctx)
            return
        if self.kind == "callhome_down":
            if any(f.kind == "callhome_down" for f in frame.faults):
                raise HmcError("HSCL1102", what="callhome_down", name=system.name)
            fault = Fault(kind="callhome_down", target=HMC_NAME, since=ctx.now)
            ctx.frame = frame.model_copy(update={"faults": (*frame.faults, fault)})
            return
        if self.kind == "power_loss":
            target = "system"
        elif self.kind == "port_down":
            target, kind, label = _find_port(frame, self.location)
        elif self.kind == "core":
            target = _numbered(frame, "core", self.location, system.installed_procs)
        else:
            target = _numbered(frame, "dimm", self.location, 1024)
        if any(f.kind == self.kind and f.target == target for f in frame.faults):
            what = {"power_loss": "power_loss", "port_down": f"port_down {target}"}.get(
                self.kind, target)  # "core 3", "dimm 0"
            raise HmcError("HSCL1102", what=what, name=system.name)
        amount = 0
        update: dict[str, object] = {}
        if self.kind == "core":
            amount = 1
            if system.configurable_procs - amount < 1:
                raise HmcError("HSCL1104", what=target, name=system.name,
                               left="no processor", low="1 processor")
            update["configurable_procs"] = system.configurable_procs - amount
            src, text, fru = SRC["core"], f"Processor core deconfigured ({target})", target
        elif self.kind == "dimm":
            amount = (self.size_gb or DEFAULT_DIMM_GB) * 1024
            left = system.configurable_mem - amount
            if amount % system.mem_region_size:
                raise HmcError("HSCL1100", kind="dimm", reason=f"the DIMM size {amount} MB is "
                               f"not a multiple of the {system.mem_region_size} MB LMB.")
            if left < 1024:
                raise HmcError("HSCL1104", what=target, name=system.name,
                               left=f"{max(left, 0)} MB", low="1024 MB")
            update["configurable_mem"] = left
            src, text, fru = SRC["dimm"], f"Memory DIMM deconfigured ({target})", target
        elif self.kind == "port_down":
            src = SRC[f"port_down_{'fc' if kind == 'fc' else 'eth'}"]
            what = "Fibre Channel" if kind == "fc" else "Ethernet"
            text, fru = f"{what} port link down ({label})", target
        else:
            src, text, fru = SRC["power_loss"], "Loss of AC power to the system", "system"
            self._power_off(ctx)
        problem = open_event(ctx, src, text, fru)
        frame = ctx.frame
        if update:
            frame = frame.model_copy(update={"system": frame.system.model_copy(update=update)})
        fault = Fault(kind=self.kind, target=target, since=ctx.now, amount=amount,
                      problem_num=problem)
        ctx.frame = frame.model_copy(update={"faults": (*frame.faults, fault)})
        ctx.data["problem_num"] = problem

    def _workload(self, ctx: Context) -> None:
        frame = ctx.frame
        p = ctx.partition(self.location)
        if any(f.kind == self.kind and f.target == p.name for f in frame.faults):
            raise HmcError("HSCL1102", what=f"{self.kind} {p.name}", name=frame.system.name)
        r = p.current if p.current is not None else p.settings()
        if self.kind == "noisy" and not (r.shared and not r.capped and r.uncap_weight > 0):
            raise HmcError("HSCL1110", name=p.name)
        amount = (self.rate or DEFAULT_LEAK_MB_PER_MIN) if self.kind == "memleak" else 0
        fault = Fault(kind=self.kind, target=p.name, since=ctx.now, amount=amount)
        ctx.frame = frame.model_copy(update={"faults": (*frame.faults, fault)})

    def _crash(self, ctx: Context) -> None:
        p = ctx.partition(self.location)
        if not p.active:
            raise HmcError("HSCL1558", name=p.name)
        if p.state != "Running" or p.current is None:
            raise HmcError("HSCL0B02", name=p.name, state=p.state)
        steps = redundancy.crash_steps(p, 0.0, 0.0)
        then: tuple | None = lc.FAULT  # an operator may still shut it down
        if self.restart:  # the OS reboots: down, then activated again with its profile
            last = steps[-1]
            steps[-1] = (last[0], None, last[2], last[3])
            steps.append((last[0] + CRASH_RESTART_SECONDS, "Not Activated", "00000000", None))
            then = ("activate", p.id, p.curr_profile or p.default_profile, p.boot_mode)
        first = steps[0]
        ctx.put(p.model_copy(update={"state": first[1] or p.state,
                                     "refcode": first[2] or p.refcode, "rmc_state": "inactive"}))
        ctx.lifecycle.schedule(p.id, ctx.now, steps[1:], then=then)
        problem = open_event(ctx, SRC["crash"], f"Partition {p.name} terminated abnormally "
                             "(system dump)", p.name, callhome=False)
        ctx.data["problem_num"] = problem

    def _power_off(self, ctx: Context) -> None:
        """Everything stops at once: no shutdown, no transition."""
        for p in ctx.frame.partitions:
            ctx.lifecycle.cancel(p.id)
            if p.active:
                ctx.put(p.model_copy(update={**lc.stopped(p), "refcode": ""}))
        ctx.lifecycle.cancel(0)
        system = ctx.frame.system.model_copy(update={"state": "Power Off"})
        ctx.frame = ctx.frame.model_copy(update={"system": system})

    def target(self) -> str:
        if self.kind == "callhome_down":
            return HMC_NAME
        return self.location if self.location and self.kind != "power_loss" else "system"

    def command(self, frame: Frame) -> str:
        cmd = f"chhwfault -m {name(frame.system.name)} -o inject -t {self.kind}"
        if self.location and self.kind not in ("power_loss", "callhome_down"):
            cmd += f" -l {name(self.location)}"
        if self.size_gb is not None:
            cmd += f" --size {self.size_gb}"
        if self.kind == "crash" and not self.restart:
            cmd += " --norestart"
        if self.rate is not None:
            cmd += f" --rate {self.rate}"
        return cmd


class ClearFault(Operation):
    """Repair a fault: the port is up again, the core or DIMM back in service, the power
    restored (the system stays off until it is powered on). Closes its serviceable event."""

    op: Literal["clear_fault"] = "clear_fault"
    task: ClassVar[str] = "config"
    kind: FaultKind
    location: str = ""  # as injected; empty: the latest fault of that kind

    def apply(self, ctx: Context) -> None:
        frame = ctx.frame
        target = self.location
        if self.kind == "port_down" and target:
            target = _find_port(frame, target)[0]
        found = [f for f in frame.faults if f.kind == self.kind
                 and (not target or f.target == target)]
        if not found:
            what = f"{self.kind} {self.location}".strip()
            raise HmcError("HSCL1103", what=what, name=frame.system.name)
        fault = found[-1]
        system = frame.system
        if fault.kind == "core":
            system = system.model_copy(
                update={"configurable_procs": system.configurable_procs + fault.amount})
        elif fault.kind == "dimm":
            system = system.model_copy(
                update={"configurable_mem": system.configurable_mem + fault.amount})
        ctx.frame = frame.model_copy(update={
            "system": system, "faults": tuple(f for f in frame.faults if f is not fault)})
        if fault.problem_num:
            close_event(ctx, fault.problem_num)

    def target(self) -> str:
        return self.location if self.location and self.kind != "power_loss" else "system"

    def command(self, frame: Frame) -> str:
        cmd = f"chhwfault -m {name(frame.system.name)} -o clear -t {self.kind}"
        return cmd + (f" -l {name(self.location)}" if self.location else "")


class ConfigureDevices(Operation):
    """`cfgmgr` in a client OS: paths left Missing because a VIOS was down when the OS
    booted are configured if that VIOS serves now (engine/redundancy/outages.py). The guest OS's
    own `cfgmgr` runs it; `chhwfault -o cfgmgr -l LPAR` is the command line's way."""

    op: Literal["cfgmgr"] = "cfgmgr"
    task: ClassVar[str] = "power"  # what an operator may do: no configuration changes
    lpar: str

    def apply(self, ctx: Context) -> None:
        p = ctx.partition(self.lpar)
        if p.state != "Running":
            raise HmcError("HSCL0B02", name=p.name, state=p.state)
        ctx.frame = redundancy.configure_devices(ctx.frame, p.id)

    def command(self, frame: Frame) -> str:
        return f"chhwfault -m {name(frame.system.name)} -o cfgmgr -l {name(self.lpar)}"


class CloseServiceEvent(Operation):
    """chsvcevent -o close -p N | -o closeall: a service representative closes serviceable
    events (the fault behind one may still be there: clearing it is the repair)."""

    op: Literal["close_svcevent"] = "close_svcevent"
    task: ClassVar[str] = "config"
    problem_num: int | None = Field(default=None, ge=1)  # None: every open event

    def apply(self, ctx: Context) -> None:
        events = ctx.frame.svc_events
        if self.problem_num is None:
            for e in events:
                if e.status == "Open":
                    close_event(ctx, e.problem_num)
            return
        if not any(e.problem_num == self.problem_num for e in events):
            raise HmcError("HSCL1106", num=self.problem_num)
        close_event(ctx, self.problem_num)

    def target(self) -> str:
        return "system"

    def command(self, frame: Frame) -> str:
        if self.problem_num is None:
            return "chsvcevent -o closeall"
        return f"chsvcevent -o close -p {self.problem_num} -h {HMC_NAME}"


class SetCallHome(Operation):
    """chsacfg -t callhome -o enable|disable -s all|SYSTEM: whether the HMC calls the
    system's serviceable events home. Events opened while it is off are "Disabled" (not
    called home later); a pending call home goes on."""

    op: Literal["callhome"] = "callhome"
    task: ClassVar[str] = "config"
    enabled: bool

    def apply(self, ctx: Context) -> None:
        system = ctx.frame.system.model_copy(update={"callhome": self.enabled})
        ctx.frame = ctx.frame.model_copy(update={"system": system})

    def target(self) -> str:
        return "system"

    def command(self, frame: Frame) -> str:
        how = "enable" if self.enabled else "disable"
        return f"chsacfg -t callhome -o {how} -s {name(frame.system.name)}"


def faults_of(frame: Frame, kind: str) -> list[Fault]:
    return [f for f in frame.faults if f.kind == kind]


def power_lost(frame: Frame) -> bool:
    return any(f.kind == "power_loss" for f in frame.faults)


__all__ = ["ClearFault", "CloseServiceEvent", "ConfigureDevices", "InjectFault", "SetCallHome",
           "close_event", "faults_of", "open_event", "power_lost", "settle_callhome"]
