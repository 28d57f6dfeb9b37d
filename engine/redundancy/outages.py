"""Outages: the frame after applying what failures imply to stored state (its outages, SEA
takeovers, crash steps), and what changed, for the journal; docs/powervm-rules.md
section 13. (Not named reconcile.py: the package re-exports the function `reconcile`.)

- `reconcile`: RMC lost and regained, a boot disk lost (the OS hangs, then crashes) and
  found again, paths left Missing by a boot without a VIOS (`configure_devices` is the
  client's cfgmgr), SEA takeovers started and ended (`frame.sea_takeovers`: an SEA taking
  over from another bridges only after SEA_TAKEOVER_SECONDS). The engine calls it after
  every operation and every batch of lifecycle steps (engine/ops/__init__.py,
  engine/service.py), so the effects follow faults and repairs; `effects` says what
  changed, for the journal;
- `crash_steps`, `boot_reachable`: the hang and crash of a partition, whether activation
  finds its boot disk;
- `vios_impact`: the clients that would lose a disk or their network if a VIOS stopped.

Unlike engine/redundancy/paths.py and sea.py (pure derivations), this module writes state:
the frame's outages and takeovers, and steps in the lifecycle.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from engine import lifecycle as lc
from engine.cpu import os_up
from engine.model import Frame, Outage, Partition, SeaTakeover
from engine.redundancy.paths import PathIndex, boot_disk, client_disks, served_by, serving
from engine.redundancy.sea import SEA_TAKEOVER_SECONDS, bridged_vlans, has_network, sea_roles

OutageKind = Literal["rmc", "rootvg", "missing"]
OutageKey = tuple[int, OutageKind, int]  # (lpar id, kind, VIOS id for "missing")

# A boot disk without a path: the OS keeps retrying its I/O, then hangs (RMC stops
# answering), then crashes (ours: the durations; AIX's rw_timeout and LVM's timeouts vary).
HANG_SECONDS = 30.0
CRASH_SECONDS = 180.0
# Reference codes a crashed OS leaves (ours, after the OS's own families): AIX and VIOS
# post the dump progress codes 0c9 (system-initiated dump in progress) then 0c0 (dump
# complete), or 0c1 (I/O error during the dump) when the dump device was on the lost boot
# disk, as four characters like the boot LEDs (0538); Linux panics; IBM i ends abnormally.
CRASH_CODES: dict[str, tuple[str, ...]] = {
    "aix": (lc.DUMP_IN_PROGRESS, "00C0"), "vios": (lc.DUMP_IN_PROGRESS, "00C0"),
    "linux": ("B200A101",), "ibmi": ("B6005001",),
}
LOST_DISK_CODES: dict[str, tuple[str, ...]] = {
    **CRASH_CODES, "aix": (lc.DUMP_IN_PROGRESS, "00C1"), "vios": (lc.DUMP_IN_PROGRESS, "00C1")}
CRASHED = frozenset(c for codes in (*CRASH_CODES.values(), *LOST_DISK_CODES.values())
                    for c in codes)  # a Running partition showing one of these is dumping
DUMP_SECONDS = 10.0  # between the first crash code and the last
TAKEOVER_TIMER = 1_000_000  # lifecycle keys -(TAKEOVER_TIMER + 100 x VIOS id + SEA index)


def _quiet(frame: Frame) -> bool:
    """Nothing can have failed: no fault, no outage to undo, every VIOS serving."""
    return (not frame.faults and not frame.outages and not frame.sea_takeovers
            and all(serving(p) for p in frame.partitions if p.is_vios))


def _timer(frame: Frame, vios_id: int, sea: str) -> int:
    """The lifecycle key of an SEA's takeover delay (below 0: no partition's)."""
    vios = frame.partition(vios_id)
    index = next((i for i, x in enumerate(vios.seas) if x.name == sea), 0) if vios else 0
    return -(TAKEOVER_TIMER + 100 * vios_id + index)


def _takeovers(frame: Frame, before: Frame | None, lifecycle: lc.Lifecycle,
               now: float) -> Frame:
    """Drop the takeovers that are done, or moot (the SEA would not bridge anyway: the one
    it took over from is back first, or it failed itself); start one for each SEA that
    would bridge VLANs another SEA of its vswitch bridged before, unless it was already
    taking over then (its delay just ended). Each start schedules a step at its end, so
    `reconcile` runs then."""
    kept = tuple(t for t in frame.sea_takeovers if t.until > now + 1e-9)
    if kept:
        bridging = {(r.vios_id, r.sea) for r in sea_roles(frame, settled=True) if r.vlans}
        for t in kept:
            if (t.vios_id, t.sea) not in bridging:
                lifecycle.cancel(_timer(frame, t.vios_id, t.sea))
        kept = tuple(t for t in kept if (t.vios_id, t.sea) in bridging)
    if kept != frame.sea_takeovers:
        frame = frame.model_copy(update={"sea_takeovers": kept})
    if before is None or before is frame or (_quiet(before) and _quiet(frame)):
        return frame
    old = sea_roles(before)
    was_held = {(t.vios_id, t.sea) for t in before.sea_takeovers}
    for _ in range(4):  # a held SEA can hand the election to a third one: again
        new = []
        for role in sea_roles(frame):
            key = (role.vios_id, role.sea)
            if not role.vlans or key in was_held:
                continue
            if any((o.vios_id, o.sea) == key and o.vlans for o in old):
                continue  # it bridged before: no takeover
            if any(o.vswitch == role.vswitch and set(o.vlans) & set(role.vlans) for o in old):
                new.append(SeaTakeover(vios_id=role.vios_id, sea=role.sea,
                                       until=now + SEA_TAKEOVER_SECONDS))
        if not new:
            return frame
        for t in new:
            lifecycle.schedule(_timer(frame, t.vios_id, t.sea), now,
                               [(SEA_TAKEOVER_SECONDS, None, None, None)])
        was_held |= {(t.vios_id, t.sea) for t in new}
        frame = frame.model_copy(update={"sea_takeovers": (*frame.sea_takeovers, *new)})
    return frame


def reconcile(frame: Frame, lifecycle: lc.Lifecycle, now: float,
              before: Frame | None = None) -> Frame:
    """The frame with the effects of failures (and repairs) applied to stored state; the
    lifecycle gets the hang and crash steps of a partition whose boot disk lost its paths.

    - RMC: a partition that had a network path and has none now loses RMC (`rmc_state`
      inactive, an "rmc" outage kept); when a path returns and its OS is up, RMC is active
      again.
    - Boot disk: a partition whose OS is up and whose boot disk has no Enabled path gets a
      "rootvg" outage; HANG_SECONDS later RMC stops, CRASH_SECONDS later it ends in `Error`
      with its OS's crash codes. If a path comes back before the crash the steps are
      cancelled and RMC returns.
    - SEA takeovers (given the frame `before` the change): an SEA that takes over bridging
      does so SEA_TAKEOVER_SECONDS later (`frame.sea_takeovers`); RMC does not notice so
      short a gap (it is computed as if the takeover were done).
    """
    frame = _takeovers(frame, before, lifecycle, now)
    if _quiet(frame):
        return frame
    outages: dict[OutageKey, Outage] = {(o.lpar_id, o.kind, o.vios_id): o
                                        for o in frame.outages}
    index = PathIndex(frame)
    bridged = bridged_vlans(frame, settled=True)
    ideal = bridged_vlans(frame, ideal=True)
    parts = []
    changed = False
    for p in frame.partitions:
        new = _reconcile_one(index, p, outages, bridged, ideal, lifecycle, now)
        changed |= new is not p
        parts.append(new)
    kept = tuple(sorted(outages.values(), key=lambda o: (o.lpar_id, o.kind, o.vios_id)))
    if not changed and kept == frame.outages:
        return frame
    return frame.model_copy(update={"partitions": tuple(parts), "outages": kept})


def _reconcile_one(index: PathIndex, p: Partition, outages: dict[OutageKey, Outage],
                   bridged: dict[str, frozenset[int]], ideal: dict[str, frozenset[int]],
                   lifecycle: lc.Lifecycle, now: float) -> Partition:
    rootvg = outages.get((p.id, "rootvg", 0))
    if not p.active:
        for key in [k for k in outages if k[0] == p.id]:
            del outages[key]
        return p
    if not os_up(p) and p.state in ("Starting", "Running") and p.refcode not in CRASHED:
        _booting(index, p, outages, now)
    recovered = False  # the boot disk came back before the crash: the hang is over
    if os_up(p):
        disk = boot_disk(index.frame, p, index)
        lost = disk is not None and not disk.available
        if lost and (rootvg is None or not lifecycle.scheduled(p.id)):
            # (a frame saved without its schedule has the outage but not the steps: again)
            if rootvg is None:
                outages[(p.id, "rootvg", 0)] = rootvg = Outage(lpar_id=p.id, kind="rootvg",
                                                            since=now)
            lifecycle.schedule(p.id, now, crash_steps(p, HANG_SECONDS, CRASH_SECONDS,
                                                       LOST_DISK_CODES), then=lc.FAULT)
        elif not lost and rootvg is not None:
            del outages[(p.id, "rootvg", 0)]
            rootvg, recovered = None, True
            lifecycle.cancel(p.id)
    elif rootvg is not None and p.state != "Running":
        del outages[(p.id, "rootvg", 0)]  # crashed (Error) or shut down: nothing to undo
        rootvg = None
    frame = index.frame
    net = has_network(frame, p, bridged=bridged, index=index)
    rmc = outages.get((p.id, "rmc", 0))
    if net is False and p.rmc_state == "active" and has_network(
            frame, p, ideal=True, bridged=ideal, index=index):
        outages.setdefault((p.id, "rmc", 0), Outage(lpar_id=p.id, kind="rmc", since=now))
        return p.model_copy(update={"rmc_state": "inactive"})
    if net is False:
        return p
    if rmc is not None:
        del outages[(p.id, "rmc", 0)]
        recovered = recovered or rootvg is None
    if recovered and os_up(p) and rootvg is None and p.rmc_state != "active":
        return p.model_copy(update={"rmc_state": "active"})
    return p


def _booting(index: PathIndex, p: Partition, outages: dict[OutageKey, Outage],
             now: float) -> None:
    """While its OS boots, a client configures the paths of the VIOS that serve now; those
    of a VIOS that is down stay Missing after boot (until cfgmgr or the next boot)."""
    for vios_id in served_by(p):
        v = index.vios.get(vios_id)
        if v is None:
            continue
        key: OutageKey = (p.id, "missing", vios_id)
        if v.serving:
            outages.pop(key, None)
        else:
            outages.setdefault(key, Outage(lpar_id=p.id, kind="missing", since=now,
                                           vios_id=vios_id))


def configure_devices(frame: Frame, lpar_id: int) -> Frame:
    """`cfgmgr` in the client: the Missing paths through VIOS that serve now are configured
    (Enabled from then on)."""
    index = PathIndex(frame)
    kept = tuple(o for o in frame.outages if not (
        o.kind == "missing" and o.lpar_id == lpar_id
        and (v := index.vios.get(o.vios_id)) is not None and v.serving))
    return frame if kept == frame.outages else frame.model_copy(update={"outages": kept})


def crash_steps(p: Partition, hang: float, crash: float,
                codes_by_os: dict[str, tuple[str, ...]] = CRASH_CODES) -> list[lc.Step]:
    """RMC lost after `hang` seconds (0: at once), the OS's crash codes from `crash` on,
    ending in `Error`."""
    codes = codes_by_os[lc.os_family(p)]
    steps: list[lc.Step] = [(hang, None, None, "inactive")] if hang else []
    for i, code in enumerate(codes):
        last = i == len(codes) - 1
        steps.append((crash + i * DUMP_SECONDS / max(len(codes) - 1, 1),
                      "Error" if last else None, code, "inactive"))
    return steps


def boot_reachable(frame: Frame, p: Partition) -> bool:
    """The partition's boot disk has a path (or it boots from something the frame does not
    model): what activation needs to find a boot device."""
    disk = boot_disk(frame, p)
    return disk is None or disk.available


# ---------------------------------------------------------------- what changed, for the journal

OUTAGE_TEXT = {
    ("rmc", True): "RMC connection lost: no network path",
    ("rmc", False): "RMC connection restored",
    ("rootvg", True): "boot disk lost its last path: I/O hangs",
    ("rootvg", False): "boot disk path restored",
    ("missing", True): "paths through {vios} Missing: it was down when the OS configured "
    "its devices",
    ("missing", False): "paths through {vios} configured",
}


def effects(before: Frame, after: Frame) -> list[tuple[str, str]]:
    """(target, sentence) for each SEA role and outage that changed between two frames:
    what the engine journals as state events, so the events view shows the failover."""
    if before is after or (_quiet(before) and _quiet(after)):
        return []
    out: list[tuple[str, str]] = []
    old = {(s.vios_id, s.sea): s for s in sea_roles(before)}
    for role in sea_roles(after):
        was = old.get((role.vios_id, role.sea))
        if was is not None and (was.state, was.vlans) != (role.state, role.vlans):
            vlans = f" (VLANs {','.join(str(v) for v in role.vlans)})" if role.vlans else ""
            out.append((role.vios, f"SEA {role.sea} {role.state}{vlans}"))
    names = {p.id: p.name for p in after.partitions} | {p.id: p.name for p in before.partitions}
    gone = {(o.lpar_id, o.kind, o.vios_id) for o in before.outages}
    now = {(o.lpar_id, o.kind, o.vios_id) for o in after.outages}
    for lpar_id, kind, vios_id in sorted(now - gone):
        out.append((names.get(lpar_id, str(lpar_id)),
                    OUTAGE_TEXT[(kind, True)].format(vios=names.get(vios_id, vios_id))))
    for lpar_id, kind, vios_id in sorted(gone - now):
        p = after.partition(lpar_id)
        if p is not None and p.state == "Running":  # a crash or shutdown says it itself
            out.append((p.name, OUTAGE_TEXT[(kind, False)].format(
                vios=names.get(vios_id, vios_id))))
    return out


# ---------------------------------------------------------------- before a VIOS stops


@dataclass(frozen=True)
class Impact:
    """What stopping a VIOS would do to one active client (the check an admin makes, and
    the HMC's VIOS shutdown validation, before maintenance)."""

    lpar: str
    disks: tuple[str, ...]  # disks left with no Enabled path (hdisk0 ...)
    boot: bool  # its boot disk is one of them: it would hang, then crash
    network: bool  # it would lose its last network path (and RMC)


def vios_impact(frame: Frame, vios: str) -> list[Impact]:
    """The active clients that would lose a disk or their network if `vios` stopped now,
    by partition id; an empty list means the VIOS can be taken down without an outage."""
    v = frame.partition(vios)
    if v is None or not v.is_vios:
        return []
    down = frame.with_partition(v.model_copy(update={"state": "Not Activated",
                                                     "current": None}))
    now_ix, down_ix = PathIndex(frame), PathIndex(down)
    bridged, bridged_down = bridged_vlans(frame), bridged_vlans(down)
    out = []
    for p in frame.partitions:
        if not p.active or p.is_vios:
            continue
        before = {d.name: d.available for d in client_disks(frame, p, now_ix)}
        after = client_disks(down, p, down_ix)
        lost = tuple(d.name for d in after if before.get(d.name) and not d.available)
        net = (has_network(frame, p, bridged=bridged, index=now_ix) is True
               and has_network(down, p, bridged=bridged_down, index=down_ix) is False)
        if lost or net:
            boot = any(d.boot and d.name in lost for d in after)
            out.append(Impact(lpar=p.name, disks=lost, boot=boot, network=net))
    return out
