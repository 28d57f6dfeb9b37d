"""Partition and managed-system state machines, timed on the engine clock.

A transition is a list of timed steps (state, reference code, RMC state) scheduled for one
partition or for the system. The engine applies the steps that fall due at each tick
boundary. Sequences follow docs/powervm-rules.md (reference codes): C2xx (power-on by the
virtual service processor), CAxx (partition firmware, boot-device search), then the OS's
own progress codes; RMC comes up a while after the OS. Each code a partition posts is kept
with its engine time in the partition's `refcode_history` (the last REFCODE_HISTORY), which
is what `lsrefcode -n` lists. Exact code sequences and durations
are realistic approximations, not IBM's documented timings.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from engine.model import REFCODE_HISTORY, BootMode, Frame, Partition, RefcodeEntry, Resources

# (seconds from the start of the transition, state or None, refcode or None, rmc or None)
Step = tuple[float, str | None, str | None, str | None]

POWER_ON: list[Step] = [
    (0.0, "Starting", "C2001150", None),
    (1.5, None, "C2002100", None),
    (3.0, None, "CA000000", None),
    (4.0, None, "CA000020", None),
    (5.0, None, "CA000040", None),
    (6.0, None, "CA000080", None),
]
# Firmware is up: the partition shows Running while it searches for a boot device.
BOOT_SEARCH: list[Step] = [
    (7.0, "Running", "CA00E1F1", None),
    (9.0, None, "CA00E1F5", None),
    (10.0, None, "CA00E1F6", None),
]
HANDOFF: list[Step] = [(12.0, None, "CA00E105", None)]
OS_BOOT: dict[str, list[Step]] = {
    "aix": [
        (14.0, None, "0538", None), (18.0, None, "0539", None), (24.0, None, "0551", None),
        (28.0, None, "0553", None), (33.0, None, "0581", None), (38.0, None, "", None),
        (63.0, None, None, "active"),
    ],
    "vios": [
        (15.0, None, "0538", None), (21.0, None, "0539", None), (30.0, None, "0551", None),
        (36.0, None, "0553", None), (44.0, None, "0581", None), (52.0, None, "", None),
        (82.0, None, None, "active"),
    ],
    "linux": [(20.0, None, "", None), (60.0, None, None, "active")],
}
IBMI_IPL: list[Step] = [
    (0.0, "Starting", "C2001150", None),
    (1.5, None, "C2002100", None),
    (4.0, None, "C2004300", None),
    (7.0, "Running", "C6004001", None),
    (12.0, None, "C6004031", None),
    (20.0, None, "C9002910", None),
    (28.0, None, "C9002A10", None),
    (36.0, None, "C9002C40", None),
    (45.0, None, "C9002F00", None),
    (50.0, None, "", None),
    (70.0, None, None, "active"),  # IBM i 7.2+ runs RMC too (DLPAR does not need it)
]
# Boot modes that stop at the firmware prompt ("Open Firmware" state).
FIRMWARE_STOP: dict[str, list[Step]] = {
    "sms": [(8.0, "Open Firmware", "CA00E1DC", None)],
    "of": [(8.0, "Open Firmware", "CA00E1DC", None)],
}
NO_BOOT_DEVICE: list[Step] = [(16.0, "Error", "AA06000B", None)]

FAULT = ("fault",)  # `then` of the last step a fault schedules: nothing follows it
DUMP_IN_PROGRESS = "00C9"  # AIX/VIOS LED 0c9: a system dump after a crash (redundancy/outages.py)
SHUTDOWN_SECONDS = {"delayed": 8.0, "immediate": 2.0, "os": 30.0, "os_immediate": 10.0}
SYSTEM_POWER_ON_SECONDS = 60.0
SYSTEM_POWER_OFF_SECONDS = 20.0
DLPAR_SECONDS = 3.0


def os_family(p: Partition) -> str:
    if p.env == "vioserver":
        return "vios"
    if p.env == "os400":
        return "ibmi"
    return "linux" if "linux" in p.os_version.lower() else "aix"


def boot_steps(p: Partition, boot_mode: BootMode) -> list[Step]:
    """The activation sequence of one partition for a boot mode."""
    if p.env == "os400":
        return list(IBMI_IPL)
    steps = POWER_ON + BOOT_SEARCH
    if boot_mode in FIRMWARE_STOP:
        return steps[:-2] + FIRMWARE_STOP[boot_mode]
    if not p.bootable:
        return steps + NO_BOOT_DEVICE
    return steps + HANDOFF + OS_BOOT[os_family(p)]


# Keys 1/5/6/8 work while the firmware shows its boot-device countdown (engine/vterm).
COUNTDOWN_CODES = ("CA00E1F1", "CA00E1F5", "CA00E1F6")
FIRMWARE_PROMPT_CODE = "CA00E1DC"
DEVICE_BOOT_START = 10.0  # a boot picked at the firmware prompt resumes the sequence here


def shifted(steps: list[Step], by: float) -> list[Step]:
    return [(at + by, state, refcode, rmc) for at, state, refcode, rmc in steps]


def interrupt_steps() -> list[Step]:
    """Key 1 or 8 in the countdown: the firmware stops at its prompt (SMS or OK)."""
    return [(0.0, "Open Firmware", FIRMWARE_PROMPT_CODE, None)]


def device_boot_steps(p: Partition, bootable: bool) -> list[Step]:
    """Booting a device picked at the firmware prompt (SMS, `boot` at the OK prompt): the
    firmware loads it and hands over to the OS, or finds nothing to boot on it."""
    rest = HANDOFF + OS_BOOT[os_family(p)] if bootable else NO_BOOT_DEVICE
    return [(0.0, "Running", "CA00E1F6", None), *shifted(rest, -DEVICE_BOOT_START)]


def os_shutdown_steps(p: Partition, immediate: bool, restart: bool) -> list[Step]:
    """The OS shuts itself down (`shutdown -F`, `reboot`...): down to Not Activated, or on
    a restart straight back into the firmware with the resources it holds."""
    seconds = SHUTDOWN_SECONDS["os_immediate" if immediate else "os"]
    down: list[Step] = [(0.0, "Shutting Down", "", "inactive")]
    if not restart:
        return [*down, (seconds, "Not Activated", "00000000", None)]
    return [*down, *shifted(boot_steps(p, "norm"), seconds)]


def shutdown_steps(option: str) -> list[Step]:
    return [
        (0.0, "Shutting Down", "", "inactive"),
        (SHUTDOWN_SECONDS[option], "Not Activated", "00000000", None),
    ]


@dataclass(order=True)
class Pending:
    """One scheduled step, ordered by due time then partition id for determinism."""

    at: float
    lpar_id: int  # 0 = the managed system
    seq: int
    state: str | None = field(compare=False, default=None)
    refcode: str | None = field(compare=False, default=None)
    rmc: str | None = field(compare=False, default=None)
    then: tuple | None = field(compare=False, default=None)  # follow-up action, see Engine


class Lifecycle:
    """The schedule of timed steps for partitions and the system."""

    def __init__(self) -> None:
        self._pending: list[Pending] = []
        self._seq = 0
        self._dlpar_until: dict[int, float] = {}

    def copy(self) -> Lifecycle:
        """A copy an operation may schedule into; committed only if the operation succeeds."""
        other = Lifecycle()
        other._pending = list(self._pending)
        other._seq = self._seq
        other._dlpar_until = dict(self._dlpar_until)
        return other

    def to_data(self) -> dict[str, Any]:
        """Plain JSON-able data (the operation log saves it with each checkpoint)."""
        return {"seq": self._seq, "dlpar_until": list(self._dlpar_until.items()),
                "pending": [[p.at, p.lpar_id, p.seq, p.state, p.refcode, p.rmc,
                             list(p.then) if p.then is not None else None]
                            for p in self._pending]}

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> Lifecycle:
        other = cls()
        other._seq = int(data["seq"])
        other._dlpar_until = {int(k): float(v) for k, v in data["dlpar_until"]}
        other._pending = sorted(
            Pending(float(at), int(lpar_id), int(seq), state, refcode, rmc,
                    tuple(then) if then is not None else None)
            for at, lpar_id, seq, state, refcode, rmc, then in data["pending"])
        return other

    def schedule(
        self, lpar_id: int, start: float, steps: list[Step], then: tuple | None = None
    ) -> None:
        """Schedule a transition, replacing whatever was pending for the same target."""
        self.cancel(lpar_id)
        for i, (offset, state, refcode, rmc) in enumerate(steps):
            self._seq += 1
            last = i == len(steps) - 1
            self._pending.append(
                Pending(start + offset, lpar_id, self._seq, state, refcode, rmc,
                        then if last else None)
            )
        self._pending.sort()

    def cancel(self, lpar_id: int) -> None:
        self._pending = [p for p in self._pending if p.lpar_id != lpar_id]

    def busy(self, lpar_id: int) -> bool:
        """In a state transition (activation or shutdown still running its steps). The
        steps a fault schedules (a hang, then a crash: engine/redundancy/outages.py) are not one:
        an operator may still shut the partition down, which replaces them."""
        return any(p.lpar_id == lpar_id and p.state is not None and p.then != FAULT
                   for p in self._pending)

    def scheduled(self, lpar_id: int) -> bool:
        """Any step pending for the partition (or, for id 0, the system)."""
        return any(p.lpar_id == lpar_id for p in self._pending)

    def next_due(self) -> float | None:
        return self._pending[0].at if self._pending else None

    def pop_due(self, now: float) -> list[Pending]:
        due = [p for p in self._pending if p.at <= now + 1e-9]
        if due:
            self._pending = self._pending[len(due):]
        return due

    # DLPAR operations take engine time; one at a time per partition.
    def dlpar_busy(self, lpar_id: int, now: float) -> bool:
        return self._dlpar_until.get(lpar_id, -1.0) > now + 1e-9

    def start_dlpar(self, lpar_id: int, now: float) -> None:
        self._dlpar_until[lpar_id] = now + DLPAR_SECONDS


def apply_step(frame: Frame, step: Pending) -> Frame:
    """The frame after one due step of a partition (or, for id 0, system) transition."""
    if step.lpar_id == 0:
        if step.state is None:
            return frame
        system = frame.system.model_copy(update={"state": step.state})
        return frame.model_copy(update={"system": system})
    p = frame.partition(step.lpar_id)
    if p is None:
        return frame
    update: dict[str, object] = {}
    if step.state is not None:
        update["state"] = step.state
        if step.state == "Not Activated":
            update.update(stopped(p))
    if step.refcode is not None:
        update["refcode"] = step.refcode
        if step.refcode != p.refcode:
            update["refcode_history"] = posted(p, step.at, step.refcode)
    if step.rmc is not None:
        update["rmc_state"] = step.rmc
    return frame.with_partition(p.model_copy(update=update))


def stopped(p: Partition) -> dict[str, Any]:
    """The update that leaves `p` Not Activated. The hypervisor takes back what it granted,
    and the partition keeps it as its configured resources (HMC V8R8.4+: resource_config=1,
    `lshwres --level lpar` shows the curr_ values it ran with, as real captures do)."""
    return {"state": "Not Activated", "current": None, "rmc_state": "inactive",
            "configured": p.current if p.current is not None else p.configured}


def posted(p: Partition, at: float, refcode: str) -> tuple[RefcodeEntry, ...]:
    """The partition's code history with `refcode` posted at engine time `at` (bounded)."""
    return (*p.refcode_history, RefcodeEntry(time=at, refcode=refcode))[-REFCODE_HISTORY:]


def record_refcodes(before: Frame, after: Frame, now: float) -> Frame:
    """`after` with every reference code that changed since `before` in its partition's
    history (operations set the first code of a transition; the steps set the rest)."""
    old = {p.id: p.refcode for p in before.partitions}
    changed = [p for p in after.partitions if p.refcode != old.get(p.id, "")]
    for p in changed:
        after = after.with_partition(
            p.model_copy(update={"refcode_history": posted(p, now, p.refcode)}))
    return after


def settle(frame: Frame) -> Frame:
    """Finish transitions a saved frame was caught in (their schedule is not saved)."""
    parts = []
    now = frame.engine_time
    for p in frame.partitions:
        code = p.refcode
        if p.state == "Starting":
            p = p.model_copy(update={"state": "Running", "refcode": "", "rmc_state": "active"})
        elif p.state == "Shutting Down":
            p = p.model_copy(update={**stopped(p), "refcode": "00000000"})
        elif p.state == "Running" and p.refcode == DUMP_IN_PROGRESS:
            # an OS crash caught mid-dump (engine/redundancy/outages.py): it ends as without a
            # restart, its dump done
            p = p.model_copy(update={"state": "Error", "refcode": "00C0",
                                     "rmc_state": "inactive"})
        if p.refcode != code:
            p = p.model_copy(update={"refcode_history": posted(p, now, p.refcode)})
        parts.append(p)
    system = frame.system
    if system.state == "Initializing":
        system = system.model_copy(update={"state": "Operating"})
    elif system.state == "Power Off In Progress":
        system = system.model_copy(update={"state": "Power Off"})
    return frame.model_copy(update={"partitions": tuple(parts), "system": system})


def grant(profile: Resources, free_units: float, free_mem: int, lmb: int,
          min_per_vp: float) -> Resources:
    """Resources granted at activation: desired when free, falling back toward the minimums.

    The caller has checked that the minimums are free. Memory falls back in whole LMBs;
    shared partitions keep as many virtual processors as the granted units allow.
    """
    mem = max(min(profile.desired_mem, free_mem // lmb * lmb), profile.min_mem)
    update: dict[str, object] = {"desired_mem": mem}
    if profile.shared:
        desired = profile.desired_proc_units or 0.0
        units = max(min(desired, int(free_units * 100 + 1e-6) / 100), profile.min_proc_units or 0)
        procs = profile.desired_procs
        while procs > profile.min_procs and units < procs * min_per_vp - 1e-9:
            procs -= 1
        update.update(desired_proc_units=round(units, 2), desired_procs=procs)
    else:
        cores = int(free_units + 1e-9)
        update["desired_procs"] = max(min(profile.desired_procs, cores), profile.min_procs)
    fields = {k: getattr(profile, k) for k in Resources.model_fields}
    return Resources.model_validate(fields).model_copy(update=update)
