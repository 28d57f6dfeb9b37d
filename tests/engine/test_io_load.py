"""Network and storage load (engine/io_load.py) on the demo frame: bytes in proportion to the
cycles a partition uses, routed through the SEA that bridges its VLAN and the VIOS serving each
disk path, and moved by a failover. Rules: docs/pcm.md ("Network, storage and memory")."""

from __future__ import annotations

import pytest

from engine import io_load as io
from engine import ops
from engine.io_load import Adapter
from engine.roles import Actor
from engine.service import Engine
from engine.store import demo_frame
from engine.utilisation import PROC_CYCLES_PER_SECOND

ADMIN = Actor()
SEA1, SEA2 = Adapter(1, "sea", "ent8"), Adapter(2, "sea", "ent8")
CLIENTS = (3, 4, 5, 6, 7, 8, 11)  # the demo frame's running clients


def used_core_seconds(e: Engine, lpar_id: int, last: int) -> float:
    """Cycles used over the last `last` long samples, in core-seconds."""
    s = e.utilisation("lpar", lpar_id, "long", last=last)
    c = s.counters
    used = [c["capped_cycles"][i] + c["uncapped_cycles"][i] - c["idle_cycles"][i]
            for i in (0, -1)]
    return (used[1] - used[0]) / PROC_CYCLES_PER_SECOND


def delta(values: object) -> list[float]:
    import numpy as np

    a = np.asarray(values)
    return [float(x) for x in a[..., -1] - a[..., 0]]


def test_factor_is_a_pure_function_of_seed_and_id() -> None:
    assert io.factor(0, 3) == io.factor(0, 3)
    figures = {io.factor(seed, lpar) for seed in range(3) for lpar in range(1, 20)}
    assert len(figures) == 57 and all(0.5 <= f < 1.5 for f in figures)


def test_bytes_follow_the_cycles_used_at_the_workload_kinds_rates() -> None:
    e = Engine(demo_frame(), seed=7)
    e.step(300)
    s = e.io_load(last=5)
    assert list(s.times) == [180.0, 210.0, 240.0, 270.0, 300.0]
    for lpar_id in CLIENTS:
        p = e.snapshot().frame.partition(lpar_id)
        assert p is not None
        rates = io.rates_of(7, p)
        used = used_core_seconds(e, lpar_id, 5)
        assert used > 0
        assert delta(s.partitions[lpar_id]) == pytest.approx([r * used for r in rates],
                                                             rel=1e-9)
    # oradb01 (oltp, factor ~1.16 at seed 7) read 40 MB per core-second
    assert io.PROFILES["oltp"][2] == 40 * io.MB
    # partitions that are not running move nothing; a VIOS has no load of its own
    assert delta(s.partitions[9]) == delta(s.partitions[1]) == [0.0] * 4


def test_vios_adapters_carry_the_sum_of_their_clients() -> None:
    e = Engine(demo_frame(), seed=1)
    e.step(120)
    s = e.io_load(last=3)
    client_veths = [a for a in s.adapters if a.kind == "veth"]
    assert sorted(a.owner for a in client_veths) == list(CLIENTS)  # active clients only
    rx = sum(delta(s.adapters[a])[0] for a in client_veths)
    assert delta(s.adapters[SEA1]) == pytest.approx(
        [rx, sum(delta(s.adapters[a])[1] for a in client_veths)], rel=1e-12)
    # the SEA's physical port carries what the SEA bridges; the backup SEA nothing
    assert delta(s.adapters[Adapter(1, "eth", "ent0")]) == delta(s.adapters[SEA1])
    assert SEA2 not in s.adapters
    # network bytes of all clients = the SEA's; disk bytes of all clients = both VIOS's
    # FC ports (vSCSI through vios1's first port, NPIV through the mapped ports)
    assert rx == pytest.approx(sum(delta(s.partitions[i])[0] for i in CLIENTS), rel=1e-12)
    fcs = [a for a in s.adapters if a.kind == "fcs"]
    assert sum(delta(s.adapters[a])[0] for a in fcs) == pytest.approx(
        sum(delta(s.partitions[i])[2] for i in CLIENTS), rel=1e-12)
    # oradb01: rootvg over vSCSI (fail_over: vios1's path only) and the NPIV SAN disk over
    # both vFC adapters: half its disk load each way
    oradb = {r.path[0].name: r.share for r in s.routes[3] if r.family == "disk"}
    assert oradb == {"vscsi0": 0.5, "fscsi0": 0.25, "fscsi1": 0.25}


def test_a_failover_moves_the_network_load_and_counters_stay_monotonic() -> None:
    e = Engine(demo_frame(), seed=1)
    e.step(60)
    assert e.execute(ops.ShutdownPartition(lpar="vios1", option="immediate"), ADMIN).ok
    e.step(120)
    s = e.io_load()
    sea1, sea2 = s.adapters[SEA1], s.adapters[SEA2]
    # vios1's SEA stopped at the shutdown (t = 60), vios2's bridges from the takeover on
    assert list(s.times[:3]) == [30.0, 60.0, 90.0]
    assert sea1[0, 1] > 0 and list(sea1[0, 1:]) == [sea1[0, 1]] * (len(s.times) - 1)
    assert sea2[0, 1] == 0.0 and bool((sea2[0, 3:] > sea2[0, 2:-1]).all())
    # every client's network now leaves through vios2; disks through vios2's paths
    for lpar_id in CLIENTS:
        nets = [r.path[1] for r in s.routes[lpar_id] if r.family == "net"]
        assert nets == [SEA2]
        disks = {r.path[1].owner for r in s.routes[lpar_id] if r.family == "disk"}
        assert disks <= {2}
    # nim01 has its rootvg over vSCSI through both VIOS: vios2 serves it now
    assert [r.path[1] for r in s.routes[11] if r.family == "disk"] == [
        Adapter(2, "vhost", "vhost6", 21)]


def test_same_seed_same_counters() -> None:
    def run() -> list[float]:
        e = Engine(demo_frame(), seed=3)
        e.step(90)
        s = e.io_load()
        return [float(v) for a in sorted(s.adapters) for v in s.adapters[a].ravel()]

    assert run() == run()


def test_an_fc_port_fault_moves_npiv_load_to_the_other_path() -> None:
    e = Engine(demo_frame(), seed=1)
    e.step(30)
    assert e.execute(ops.InjectFault(kind="port_down", location="vios1:fcs1"), ADMIN).ok
    e.step(60)
    s = e.io_load(last=3)  # samples at 30, 60, 90: the fault came at 30
    # hana01's SAN disk: both vFC paths shared the load; now vios2's carries all of it
    assert [(r.path[0].name, r.share) for r in s.routes[5] if r.family == "disk"] == [
        ("fscsi1", 1.0)]
    assert delta(s.adapters[Adapter(1, "fcs", "fcs1")]) == [0.0, 0.0]
    assert delta(s.adapters[Adapter(2, "fcs", "fcs1")])[0] == pytest.approx(
        delta(s.partitions[5])[2], rel=1e-12)


def test_an_activated_partition_starts_moving_bytes() -> None:
    e = Engine(demo_frame(), seed=1)
    e.step(30)
    assert 9 not in e.io_load().routes  # dev02 is Not Activated
    assert e.execute(ops.ActivatePartition(lpar="dev02"), ADMIN).ok
    e.step(150)
    s = e.io_load(last=2)
    assert [r.path[1] for r in s.routes[9] if r.family == "net"] == [SEA1]
    p = e.snapshot().frame.partition(9)
    assert p is not None
    used = used_core_seconds(e, 9, 2)
    assert used > 0
    assert delta(s.partitions[9]) == pytest.approx(
        [r * used for r in io.rates_of(1, p)], rel=1e-9)
