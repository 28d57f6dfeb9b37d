"""PCM's network, storage and memory-in-use figures, from the engine's I/O load counters
(engine/io_load.py) and the OS memory model (engine/workload_faults.py), in the blocks the
HMC writes and hmci / LPAR2RRD read: a client partition's `network.virtualEthernetAdapters`
and `storage.genericVirtualAdapters` (vSCSI) / `virtualFiberChannelAdapters` (NPIV); a
VIOS's `network.sharedAdapters` and `genericAdapters` (its physical ports) and `storage.
genericVirtualAdapters` (vhosts) and `fiberChannelAdapters`, each with `clientLpars`.
Figures are per second, averaged over the sample interval (bytes, packets, operations).
See docs/pcm.md ("Network, storage and memory")."""

from __future__ import annotations

from typing import Any

import numpy as np

from engine.io_load import PACKET_BYTES, READ_BYTES, WRITE_BYTES, Adapter, IoSeries
from engine.model import Frame, Partition, VirtualEth, VirtualFc, VirtualScsi
from engine.vios import physical_ports, virtual_eths
from engine.vios import vhosts as vhost_names
from engine.workload_faults import memory

FC_SPEED_GBIT = 8.0  # runningSpeed of a virtual or physical FC port (ours: 8 Gb ports)


def _v(value: float) -> list[float]:
    return [round(value, 3)]


class IoRates:
    """Per-second rates of an IoSeries over the intervals (previous sample, sample) asked."""

    def __init__(self, io: IoSeries, pairs: tuple[tuple[float, float], ...]) -> None:
        at = {round(float(t), 6): i for i, t in enumerate(io.times)}
        self.io = io
        self.pairs = [(at.get(round(a, 6)), at.get(round(b, 6))) for a, b in pairs]
        self._by_slot: dict[tuple[int, str, int], Adapter] = {
            (a.owner, a.kind, a.slot): a for a in io.adapters if a.slot >= 0}
        self._by_name: dict[tuple[int, str, str], Adapter] = {
            (a.owner, a.kind, a.name): a for a in io.adapters}

    def adapter(self, a: Adapter, k: int) -> tuple[float, float]:
        """(received, sent) or (read, written) bytes per second in interval k."""
        values = self.io.adapters.get(a)
        i, j = self.pairs[k]
        if values is None or i is None or j is None:
            return 0.0, 0.0
        dt = self.io.seconds[j] - self.io.seconds[i]
        if dt <= 0:
            return 0.0, 0.0
        d = (values[:, j] - values[:, i]) / dt
        return float(d[0]), float(d[1])

    def find(self, owner: int, kind: str, slot: int = -1, name: str = "") -> Adapter | None:
        if slot >= 0:
            return self._by_slot.get((owner, kind, slot))
        return self._by_name.get((owner, kind, name))


def _net(received: float, sent: float, physical: bool = False) -> dict[str, Any]:
    block = {"receivedPackets": _v(received / PACKET_BYTES), "sentPackets": _v(sent / PACKET_BYTES),
             "droppedPackets": _v(0.0), "sentBytes": _v(sent), "receivedBytes": _v(received)}
    if physical:  # a client adapter whose traffic an SEA bridges: all of it is physical
        block.update(receivedPhysicalPackets=block["receivedPackets"],
                     sentPhysicalPackets=block["sentPackets"], droppedPhysicalPackets=_v(0.0),
                     sentPhysicalBytes=block["sentBytes"],
                     receivedPhysicalBytes=block["receivedBytes"])
    block["transferredBytes"] = _v(received + sent)
    if physical:
        block["transferredPhysicalBytes"] = block["transferredBytes"]
    return block


def _disk(read: float, written: float) -> dict[str, Any]:
    return {"numOfReads": _v(read / READ_BYTES), "numOfWrites": _v(written / WRITE_BYTES),
            "readBytes": _v(read), "writeBytes": _v(written),
            "transmittedBytes": _v(read + written)}


def _route_hop(io: IoSeries, lpar_id: int, first: Adapter | None) -> Adapter | None:
    """The VIOS-side adapter right after `first` on the partition's route."""
    return next((r.path[1] for r in io.routes.get(lpar_id, ())
                 if first is not None and r.path[0] == first and len(r.path) > 1), None)


def client_io(frame: Frame, p: Partition, rates: IoRates, k: int) -> dict[str, Any]:
    """A client partition's `network` and `storage` blocks for interval k."""
    vswitches = sorted({a.vswitch for q in frame.partitions for a in q.adapters
                        if isinstance(a, VirtualEth)})
    eths = []
    veths = [x for x in p.adapters if isinstance(x, VirtualEth)]
    for eth in sorted(veths, key=lambda x: x.slot):
        own = rates.find(p.id, "veth", eth.slot)
        sea = _route_hop(rates.io, p.id, own)
        received, sent = rates.adapter(own, k) if own else (0.0, 0.0)
        eths.append({
            "physicalLocation": frame.location(p.id, eth.slot), "vlanId": eth.pvid,
            "vswitchId": vswitches.index(eth.vswitch), "isPortVlanId": True,
            "viosId": sea.owner if sea else 0, "sharedEthernetAdapterId": sea.name if sea else "",
            **_net(received, sent, physical=sea is not None)})
    vscsi: list[dict[str, Any]] = []
    vfc: list[dict[str, Any]] = []
    clients: list[VirtualScsi | VirtualFc] = [
        x for x in p.adapters if isinstance(x, VirtualScsi | VirtualFc) and x.side == "client"]
    for a in sorted(clients, key=lambda x: x.slot):
        kind = "vscsi" if isinstance(a, VirtualScsi) else "vfc"
        own = rates.find(p.id, kind, a.slot)
        server = _route_hop(rates.io, p.id, own)
        read, written = rates.adapter(own, k) if own else (0.0, 0.0)
        vios_id = a.remote_lpar_id or 0
        if isinstance(a, VirtualScsi):
            remote = frame.partition(vios_id)
            name = server.name if server else vhost_names(remote).get(a.remote_slot or -1, "") \
                if remote is not None else ""
            vscsi.append({"id": name, "type": "virtual",
                          "viosId": vios_id, "physicalLocation": frame.location(p.id, a.slot),
                          **_disk(read, written)})
            continue
        port = next((r.path[2] for r in rates.io.routes.get(p.id, ())
                     if own is not None and r.path[0] == own and len(r.path) > 2), None)
        wwpn = next((q.wwpn for q in physical_ports(frame, vios_id, "fc")
                     if port is not None and q.name == port.name), "")
        wwpns = a.wwpns or ("", "")
        vfc.append({"wwpn": wwpns[0].lower(), "wwpn2": wwpns[1].lower(),
                    "physicalLocation": frame.location(p.id, a.slot),
                    "physicalPortWWPN": wwpn.lower(), "viosId": vios_id,
                    **_disk(read, written), "runningSpeed": _v(FC_SPEED_GBIT)})
    return {"network": {"virtualEthernetAdapters": eths},
            "storage": {"genericVirtualAdapters": vscsi, "virtualFiberChannelAdapters": vfc}}


def vios_io(frame: Frame, p: Partition, rates: IoRates, k: int,
            uuid_of: dict[int, str]) -> dict[str, Any]:
    """A VIOS's `network` and `storage` blocks for interval k; clientLpars are the UUIDs of
    the partitions whose load it carries now."""
    net_clients: set[int] = set()
    disk_clients: set[int] = set()
    for lpar_id, rs in rates.io.routes.items():
        for r in rs:
            if any(a.owner == p.id for a in r.path):
                (net_clients if r.family == "net" else disk_clients).add(lpar_id)
    names = virtual_eths(frame, p)
    generic = []
    for port in physical_ports(frame, p.id, "eth"):
        own = rates.find(p.id, "eth", name=port.name)
        generic.append({"id": port.name, "type": "physical", "physicalLocation": port.location,
                        **_net(*(rates.adapter(own, k) if own else (0.0, 0.0)))})
    shared = []
    for sea in p.seas:
        own = rates.find(p.id, "sea", name=sea.name)
        shared.append({"id": sea.name, "type": "sea",
                       "physicalLocation": frame.location(p.id, sea.default_slot) + "-T1",
                       **_net(*(rates.adapter(own, k) if own else (0.0, 0.0))),
                       "bridgedAdapters": [sea.physical] + [names.get(s, "")
                                                            for s in sorted(sea.trunk_slots)]})
    vhosts = []
    for slot, name in vhost_names(p).items():
        own = rates.find(p.id, "vhost", slot)
        vhosts.append({"id": name, "type": "virtual",
                       "physicalLocation": frame.location(p.id, slot),
                       **_disk(*(rates.adapter(own, k) if own else (0.0, 0.0)))})
    fcs = []
    for port in physical_ports(frame, p.id, "fc"):
        own = rates.find(p.id, "fcs", name=port.name)
        mapped = sum(1 for m in p.npiv_mappings if m.port == port.name)
        fcs.append({"id": port.name, "wwpn": port.wwpn.lower(), "physicalLocation": port.location,
                    "numOfPorts": mapped, **_disk(*(rates.adapter(own, k) if own else (0.0, 0.0))),
                    "runningSpeed": _v(FC_SPEED_GBIT)})
    return {
        "network": {"clientLpars": [uuid_of[i] for i in sorted(net_clients) if i in uuid_of],
                    "genericAdapters": generic, "sharedAdapters": shared,
                    "virtualEthernetAdapters": []},
        "storage": {"clientLpars": [uuid_of[i] for i in sorted(disk_clients) if i in uuid_of],
                    "genericVirtualAdapters": vhosts, "fiberChannelAdapters": fcs},
    }


def utilized_mem(frame: Frame, p: Partition, t: float) -> float:
    """MB the partition's OS uses at engine time t (its computational memory, at most its
    memory: engine/workload_faults.py, which a memory leak makes grow); 0 when inactive."""
    if not p.active:
        return 0.0
    m = memory(frame, p, t)
    return float(np.minimum(m.comp, m.size))
