"""Two frames for mobility tests: the demo E1080 (source) and a DR E1050 built from it.

The DR frame keeps the demo's VIOS pair (ids 1 and 2, renamed drvios1/drvios2), their FC and
Ethernet adapters, their SEAs (VLANs 1, 10, 20, 30 bridged) and the SAN LUNs (same unique_id
values), without any client partition or the server adapters and mappings that served them.
So, from the demo, was01 (vSCSI, VLAN 10) validates clean; each test breaks one thing.
"""

from __future__ import annotations

from engine.model import Frame, Partition, VirtualEth

DR = "Server-9043-MRX-SN7D4B2A1"


def dr_frame(source: Frame) -> Frame:
    system = source.system.model_copy(update={
        "name": DR, "mtm": "9043-MRX", "serial": "7D4B2A1", "installed_procs": 48,
        "configurable_procs": 40, "installed_mem": 1048576, "configurable_mem": 786432})
    vios: list[Partition] = []
    for p in source.partitions:
        if not p.is_vios:
            continue
        vios.append(p.model_copy(update={
            "name": f"dr{p.name}",
            "adapters": tuple(a for a in p.adapters if isinstance(a, VirtualEth)),
            "vscsi_mappings": (), "npiv_mappings": ()}))
    disks = tuple(d for d in source.io.disks if d.kind == "disk")
    io = source.io.model_copy(update={"disks": disks})
    return Frame(system=system, pools=source.pools[:2], io=io, partitions=tuple(vios),
                 engine_time=source.engine_time)
