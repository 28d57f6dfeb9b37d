"""Network and storage load: the bytes each partition moves, routed the way the frame is wired.

A partition moves bytes in proportion to the processor cycles it uses (the dispatcher's
counters, engine/utilisation.py: used = capped + uncapped - idle cycles), at rates of its
workload kind (`PROFILES`, bytes per core-second; ours) times a factor of 0.5..1.5 that is a
pure function of (seed, partition id), so two partitions of one kind differ and a run is
reproducible. Busier partitions move more bytes, and the load follows the workload's day
curves, bursts and faults (a runaway process moves no more bytes than its cycles say: ours).

The bytes go where the frame sends them (engine/redundancy/):
- network: each client virtual Ethernet adapter whose VLAN an SEA bridges now
  (`sea_roles`: the PRIMARY, or the sharing pair's halves) carries an equal share, through
  that SEA and its physical port; traffic on VLANs nobody bridges (a failover gap, a
  partition on an internal VLAN only) is not counted: it never leaves the frame (ours);
- storage: each disk the client sees (`client_disks`) with an Enabled path carries an equal
  share; a vSCSI disk uses its first Enabled path (AIX MPIO's fail_over algorithm, the
  default for vSCSI disks), the NPIV SAN disk spreads over its Enabled paths (round_robin);
  a vSCSI path goes through the VIOS's vhost and its first FC port that is up, an NPIV path
  through the vfchost and the FC port it is mapped to. A disk without an Enabled path takes
  no I/O (the OS hangs on it: engine/redundancy/outages.py).

Cost: nothing per tick. Counters are evaluated when read, from the long-term utilisation
samples: the load of a partition between two samples is its rate times the cycles it used.
What changes the rates or the routes (a failover, a VIOS down, a port fault, a new
workload kind, a DLPAR of adapters) starts an `Epoch` that records every counter at that
moment (the engine calls `IoLoad.update` when the frame changes), so counters stay
monotonic and a failover moves the load from one SEA to the other from then on.
Figures and rules: docs/pcm.md ("Network, storage and memory").
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
import numpy.typing as npt

from engine.model import Frame, Partition, VirtualEth, VirtualFc, VirtualScsi
from engine.redundancy import PathIndex, client_disks, sea_roles, serving
from engine.utilisation import PROC_CYCLES_PER_SECOND
from engine.workload import _mix, _uniform

MB = 1 << 20
# Bytes per core-second used: (network received, network sent, disk read, disk written).
# Ours: web tiers talk, batch and IBM i batch read and write disks, OLTP does both.
PROFILES: dict[str, tuple[float, float, float, float]] = {
    "steady": (8 * MB, 6 * MB, 12 * MB, 6 * MB),
    "diurnal": (20 * MB, 30 * MB, 4 * MB, 2 * MB),
    "batch": (4 * MB, 4 * MB, 60 * MB, 40 * MB),
    "bursty": (10 * MB, 10 * MB, 20 * MB, 20 * MB),
    "idle": (2 * MB, 2 * MB, 1 * MB, 1 * MB),
    "oltp": (12 * MB, 16 * MB, 40 * MB, 16 * MB),
    "hana": (6 * MB, 6 * MB, 30 * MB, 25 * MB),
    "ibmi_batch": (2 * MB, 2 * MB, 50 * MB, 30 * MB),
    "vios": (0.0, 0.0, 0.0, 0.0),  # a VIOS's load is its clients' (its adapters below)
}
METRICS = ("net_received", "net_sent", "disk_read", "disk_written")
PACKET_BYTES = 1024  # mean Ethernet packet (ours): packets = bytes / PACKET_BYTES
READ_BYTES = 64 * 1024  # mean read and write sizes (ours): operations = bytes / size
WRITE_BYTES = 32 * 1024
FACTOR_SALT = 31  # the per-partition factor's hash salt (workload noise uses 1, 10, 11)

Family = Literal["net", "disk"]
AdapterKind = Literal["veth", "sea", "eth", "vscsi", "vfc", "vhost", "vfchost", "fcs"]
FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True, order=True)
class Adapter:
    """An adapter on a load's path. Clients: veth (slot), vscsi / vfc (vscsiN / fscsiN and
    slot); VIOS: sea (entN), eth (its physical port entN), vhost / vfchost (name, slot),
    fcs (its FC port)."""

    owner: int  # partition id
    kind: AdapterKind
    name: str
    slot: int = -1  # virtual adapters

    @property
    def family(self) -> Family:
        return "net" if self.kind in ("veth", "sea", "eth") else "disk"


@dataclass(frozen=True)
class Route:
    """A share of one partition's network or disk load and the adapters it passes."""

    family: Family
    share: float
    path: tuple[Adapter, ...]


def factor(seed: int, lpar_id: int) -> float:
    """The partition's rate factor, 0.5..1.5, a pure function of (seed, id)."""
    key = _mix(np.array([lpar_id], dtype=np.uint64) * np.uint64(0xA24BAED4963EE407)
               ^ _mix(np.array([seed & 0xFFFFFFFFFFFFFFFF], dtype=np.uint64)))
    return 0.5 + float(_uniform(key, np.zeros(1, dtype=np.int64), FACTOR_SALT)[0])


def rates_of(seed: int, p: Partition) -> tuple[float, float, float, float]:
    """Bytes per core-second of partition p (before routing): PROFILES x factor."""
    f = factor(seed, p.id)
    rx, tx, read, written = PROFILES.get(p.workload.kind, PROFILES["steady"])
    return rx * f, tx * f, read * f, written * f


# ---------------------------------------------------------------- routing


def _net_routes(frame: Frame, p: Partition, bridges: dict[tuple[str, int], tuple[int, str]]
                ) -> list[Route]:
    eths = sorted((a for a in p.adapters if isinstance(a, VirtualEth) and not a.trunk_priority),
                  key=lambda a: a.slot)
    paths = []
    for a in eths:
        vlans = (a.pvid, *a.vlans) if a.ieee else (a.pvid,)
        via = next((bridges[(a.vswitch, v)] for v in vlans if (a.vswitch, v) in bridges), None)
        if via is None:
            continue
        vios_id, sea_name = via
        vios = frame.partition(vios_id)
        sea = next(s for s in vios.seas if s.name == sea_name) if vios else None
        path = [Adapter(p.id, "veth", f"C{a.slot}", a.slot), Adapter(vios_id, "sea", sea_name)]
        if sea is not None:
            path.append(Adapter(vios_id, "eth", sea.physical))
        paths.append(tuple(path))
    return [Route("net", 1 / len(paths), path) for path in paths]


def _disk_routes(frame: Frame, p: Partition, ix: PathIndex) -> list[Route]:
    scsi = sorted(a.slot for a in p.adapters if isinstance(a, VirtualScsi) and a.side == "client")
    vfc = sorted(a.slot for a in p.adapters if isinstance(a, VirtualFc) and a.side == "client")
    fc_base = len(ix.ports.get((p.id, "fc"), []))
    slots = {f"vscsi{i}": s for i, s in enumerate(scsi)}
    slots.update({f"fscsi{fc_base + i}": s for i, s in enumerate(vfc)})
    disks = [d for d in client_disks(frame, p, ix) if d.available]
    routes = []
    for d in disks:
        enabled = [path for path in d.paths if path.status == "Enabled"]
        if enabled[0].via == "vscsi":
            enabled = enabled[:1]  # fail_over: one path at a time
        for path in enabled:
            vios = next((v for v in ix.vios.values() if v.vios.name == path.vios), None)
            if vios is None:
                continue
            vid = vios.vios.id
            port = path.port or next((name for name, (_, up) in vios.fc.items() if up), "")
            server_slot = next((s for s, n in (vios.vhosts | vios.vfchosts).items()
                                if n == path.server), -1)
            hops = [Adapter(p.id, "vscsi" if path.via == "vscsi" else "vfc", path.parent,
                            slots.get(path.parent, -1)),
                    Adapter(vid, "vhost" if path.via == "vscsi" else "vfchost", path.server,
                            server_slot)]
            if port:
                hops.append(Adapter(vid, "fcs", port))
            routes.append(Route("disk", 1 / len(disks) / len(enabled), tuple(hops)))
    return routes


def routes(frame: Frame) -> dict[int, tuple[Route, ...]]:
    """Where each active client partition's load goes now (a VIOS has no routes: its load
    is its clients')."""
    bridges: dict[tuple[str, int], tuple[int, str]] = {}
    for role in sea_roles(frame):
        for vlan in role.vlans:
            bridges.setdefault((role.vswitch, vlan), (role.vios_id, role.sea))
    ix = PathIndex(frame)
    return {p.id: tuple(_net_routes(frame, p, bridges) + _disk_routes(frame, p, ix))
            for p in frame.partitions if p.active and not p.is_vios}


# ---------------------------------------------------------------- counters


@dataclass(frozen=True)
class IoSeries:
    """Cumulative load counters at the long-term samples, oldest first (bytes, float).

    `partitions[id][m]` for m in METRICS (only what some route carries: a partition whose
    VLANs nobody bridges counts no network bytes); `adapters[a]` is (received, sent) bytes
    for network adapters and (read, written) for storage ones; `seconds` is the system's
    time counter (time_cycles / cycles per second), for rates; `routes` the routing now.
    """

    times: FloatArray
    seconds: FloatArray
    partitions: dict[int, FloatArray]  # id -> [4 metrics, samples]
    adapters: dict[Adapter, FloatArray]  # adapter -> [2, samples]
    routes: dict[int, tuple[Route, ...]]


@dataclass
class Epoch:
    """Rates and routes from `start` on, and every counter at `start`."""

    start: float
    ids: tuple[int, ...]
    used: FloatArray  # cycles used at start, per id
    rates: FloatArray  # [4, n] bytes per cycle (0 where nothing carries it)
    base: FloatArray  # [4, n] partition counters at start
    routes: dict[int, tuple[Route, ...]]
    adapters: tuple[Adapter, ...]  # every adapter seen so far
    adapter_base: FloatArray  # [2, A] their counters at start
    # sparse [n, A]: the share of partition rows[k]'s load on adapter cols[k] is shares[k]
    rows: npt.NDArray[np.int64]
    cols: npt.NDArray[np.int64]
    shares: FloatArray
    net: npt.NDArray[np.bool_]  # per entry: a network adapter (else storage)


def _build(start: float, ids: tuple[int, ...], used: FloatArray, rates: FloatArray,
           base: FloatArray, route_map: dict[int, tuple[Route, ...]],
           known: tuple[Adapter, ...], known_base: FloatArray) -> Epoch:
    seen = dict.fromkeys(known)
    for rs in route_map.values():
        for r in rs:
            seen.update(dict.fromkeys(r.path))
    adapters = tuple(seen)
    col = {a: j for j, a in enumerate(adapters)}
    rows, cols, shares, net = [], [], [], []
    for i, lpar_id in enumerate(ids):
        for r in route_map.get(lpar_id, ()):
            for a in r.path:
                rows.append(i)
                cols.append(col[a])
                shares.append(r.share)
                net.append(r.family == "net")
    adapter_base = np.zeros((2, len(adapters)))
    adapter_base[:, :len(known)] = known_base
    return Epoch(start, ids, used, rates, base, route_map, adapters, adapter_base,
                 np.array(rows, dtype=np.int64), np.array(cols, dtype=np.int64),
                 np.array(shares, dtype=np.float64), np.array(net, dtype=bool))


def _evaluate(e: Epoch, used: FloatArray) -> tuple[FloatArray, FloatArray]:
    """Partition counters [4, S, n] and adapter counters [2, S, A] at cycles `used`
    [S, n] (aligned with e.ids) within epoch e."""
    d = used - e.used  # [S, n]
    load = e.rates[:, None, :] * d[None, :, :]  # [4, S, n]
    parts = e.base[:, None, :] + load
    adapters = np.zeros((2, len(e.adapters), d.shape[0]))  # adapter-major for add.at
    for k in range(2):
        # network entries carry received / sent (metrics 0, 1), storage read / written (2, 3)
        flow = np.where(e.net[:, None], load[k].T[e.rows], load[2 + k].T[e.rows])
        np.add.at(adapters[k], e.cols, flow * e.shares[:, None])
    return parts, adapters.transpose(0, 2, 1) + e.adapter_base[:, None, :]


def _inputs(frame: Frame) -> tuple[object, ...]:
    """What routes and rates read: whether each VIOS serves and its adapters, mappings and
    SEAs, each client's activity, adapters and workload, the faults, takeovers, outages and
    physical I/O (compared by identity: the frame's models are immutable and shared
    between versions), so a VIOS's or a client's boot steps do not reroute."""
    return (frame.faults, frame.sea_takeovers, frame.outages, frame.io,
            *((p.id, serving(p), p.adapters, p.vscsi_mappings, p.npiv_mappings, p.seas)
              if p.is_vios else (p.id, p.active, p.adapters, p.workload)
              for p in frame.partitions))


def _same(a: tuple[object, ...], b: tuple[object, ...]) -> bool:
    return len(a) == len(b) and all(
        x is y or (isinstance(x, tuple) and isinstance(y, tuple) and len(x) == len(y)
                   and all(u is v or u == v for u, v in zip(x, y, strict=True)))
        for x, y in zip(a, b, strict=True))


class IoLoad:
    """The epochs of one managed system's load (engine/cpu.py keeps one per system)."""

    def __init__(self, seed: int) -> None:
        self.seed = seed
        self.epochs: list[Epoch] = []
        self._seen: tuple[object, ...] = ()

    def update(self, frame: Frame, time: float, ids: list[int], used: FloatArray,
               keep_after: float | None = None) -> None:
        """The frame at engine `time` (cycles `used` per id now): a new epoch when what it
        routes or the rates changed. Epochs that ended before `keep_after` (the oldest
        sample kept) are dropped."""
        seen = _inputs(frame)
        if self.epochs and _same(seen, self._seen):
            return  # e.g. a partition's boot moved on a step: nothing routed changed
        self._seen = seen
        route_map = routes(frame)
        parts = {p.id: p for p in frame.partitions}
        rates = np.zeros((4, len(ids)))
        for i, lpar_id in enumerate(ids):
            fams = {r.family for r in route_map.get(lpar_id, ())}
            r = rates_of(self.seed, parts[lpar_id])
            rates[:, i] = [r[0] if "net" in fams else 0.0, r[1] if "net" in fams else 0.0,
                           r[2] if "disk" in fams else 0.0, r[3] if "disk" in fams else 0.0]
        rates /= PROC_CYCLES_PER_SECOND
        key = tuple(ids)
        if self.epochs:
            last = self.epochs[-1]
            if last.ids == key and last.routes == route_map and np.array_equal(last.rates, rates):
                return
            base, adapter_base = self._at(last, ids, used)
            known = last.adapters
        else:
            base, adapter_base, known = np.zeros((4, len(ids))), np.zeros((2, 0)), ()
        self.epochs.append(_build(time, key, np.asarray(used, dtype=np.float64).copy(), rates,
                                  base, route_map, known, adapter_base))
        if keep_after is not None:
            while len(self.epochs) > 1 and self.epochs[1].start <= keep_after:
                self.epochs.pop(0)

    @staticmethod
    def _at(e: Epoch, ids: list[int], used: FloatArray) -> tuple[FloatArray, FloatArray]:
        """Counters now, per id of `ids` (new ids: 0), and of e's adapters."""
        row = {lpar_id: i for i, lpar_id in enumerate(ids)}
        aligned = np.array([used[row[i]] if i in row else e.used[k]
                            for k, i in enumerate(e.ids)], dtype=np.float64)
        parts, adapters = _evaluate(e, aligned[None, :])
        old = {lpar_id: k for k, lpar_id in enumerate(e.ids)}
        base = np.zeros((4, len(ids)))
        for i, lpar_id in enumerate(ids):
            if lpar_id in old:
                base[:, i] = parts[:, 0, old[lpar_id]]
        return base, adapters[:, 0, :]

    def series(self, times: FloatArray, seconds: FloatArray, ids: list[int], used: FloatArray,
               want: set[int] | None = None) -> IoSeries:
        """Counters at sample `times` given cycles `used` [S, N] per id of `ids` (the long
        samples, oldest first); partitions of `want` only (None: all)."""
        row = {lpar_id: i for i, lpar_id in enumerate(ids)}
        out_ids = [i for i in ids if want is None or i in want]
        parts = {i: np.zeros((4, len(times))) for i in out_ids}
        last = self.epochs[-1] if self.epochs else None
        adapters: dict[Adapter, FloatArray] = {}
        if last is not None:
            adapters = {a: np.zeros((2, len(times))) for a in last.adapters}
        starts = np.array([e.start for e in self.epochs])
        which = np.searchsorted(starts, np.asarray(times) + 1e-6, side="right") - 1
        for k, e in enumerate(self.epochs):
            cols = np.flatnonzero(which == k)
            if not len(cols):
                continue
            rows = np.array([row.get(i, -1) for i in e.ids], dtype=np.int64)
            u = np.where(rows >= 0, used[np.ix_(cols, np.maximum(rows, 0))], e.used[None, :])
            p, a = _evaluate(e, u)
            for j, lpar_id in enumerate(e.ids):
                if lpar_id in parts:
                    parts[lpar_id][:, cols] = p[:, :, j]
            for j, adapter in enumerate(e.adapters):
                if adapter in adapters:
                    adapters[adapter][:, cols] = a[:, :, j]
        return IoSeries(times=np.asarray(times, dtype=np.float64),
                        seconds=np.asarray(seconds, dtype=np.float64), partitions=parts,
                        adapters=adapters, routes=last.routes if last else {})

