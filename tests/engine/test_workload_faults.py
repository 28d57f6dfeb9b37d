"""Workload faults (engine/workload_faults.py, engine/ops/faults.py): a memory leak that
pages, a noisy neighbour starving its shared pool. Figures: docs/powervm-rules.md
section 13 ("Workload faults")."""

from __future__ import annotations

from engine import ops
from engine.model import Frame, Workload
from engine.roles import Actor
from engine.service import Engine
from engine.store import demo_frame
from engine.workload_faults import memory
from tests.engine.vterm.guest.test_aix import type_line

ADMIN = Actor()


def steady(frame: Frame, levels: dict[str, tuple[float, int]], pool_max: float) -> Frame:
    """The demo frame with flat demand (no noise) for the named partitions (share of their
    VPs, uncapped weight) and DevTestPool limited to pool_max cores."""
    parts = []
    for p in frame.partitions:
        if p.name in levels and p.current is not None:
            base, weight = levels[p.name]
            p = p.model_copy(update={
                "workload": Workload(kind="steady", params={"base": base, "noise": 0.0}),
                "current": p.current.model_copy(update={"uncap_weight": weight})})
        parts.append(p)
    pools = tuple(pl.model_copy(update={"max_proc_units": pool_max}) if pl.id == 1 else pl
                  for pl in frame.pools)
    return frame.model_copy(update={"partitions": tuple(parts), "pools": pools})


def test_a_noisy_neighbour_takes_the_pool_victims_keep_entitlement_lose_share_by_weight() -> None:
    # DevTestPool 2.70 cores: dev01 (0.50 PU, 2 VPs, weight 64) wants both VPs, test01
    # (1.00 PU, 2 VPs, weight 128) idles at 0.20.
    e = Engine(steady(demo_frame(), {"dev01": (1.0, 64), "test01": (0.1, 128)}, 2.7), seed=0)
    e.step(60)
    s = e.snapshot()
    assert (s.physc[7], s.physc[8], s.pools[1].used) == (2.0, 0.2, 2.2)
    assert e.execute(ops.InjectFault(kind="noisy", location="test01"), ADMIN).ok
    e.step(60)
    s = e.snapshot()
    # both get their entitlement (0.50 + 1.00); the 1.20 left is shared 128:64
    assert (s.physc[7], s.physc[8], s.pools[1].used) == (0.9, 1.8, 2.7)
    assert [(f.kind, f.target, f.amount, f.problem_num) for f in s.frame.faults] == [
        ("noisy", "test01", 0, 0)]
    assert s.frame.svc_events == ()  # a workload fault: no serviceable event
    series = e.utilisation("lpar", 7, "short")
    assert [round(x, 4) for x in series.rate("capped_cycles", "uncapped_cycles")[-3:]] == [
        0.9, 0.9, 0.9]
    assert e.execute(ops.ClearFault(kind="noisy", location="test01"), ADMIN).ok
    e.step(60)
    s = e.snapshot()
    assert (s.physc[7], s.physc[8]) == (2.0, 0.2)


def test_noisy_needs_an_uncapped_shared_partition() -> None:
    e = Engine(demo_frame())
    for lpar in ("nim01", "hana01"):  # capped; dedicated
        result = e.execute(ops.InjectFault(kind="noisy", location=lpar), ADMIN)
        assert (result.ok, result.code) == (False, "HSCL1110")
    assert e.execute(ops.InjectFault(kind="noisy", location="was01"), ADMIN).ok
    again = e.execute(ops.InjectFault(kind="noisy", location="was01"), ADMIN)
    assert (again.code, again.message) == (
        "HSCL1102", "The fault noisy was01 is already present in managed system "
        "Server-9080-HEX-SN78H4A21.")


def test_a_memory_leak_fills_memory_then_pages_and_costs_cpu() -> None:
    # test01: 16384 MB, 1.00 PU, 2 VPs; flat demand 0.40 cores; leak 1024 MB a minute
    e = Engine(steady(demo_frame(), {"test01": (0.2, 128)}, 8.0), seed=0)
    e.step(60)
    assert e.snapshot().physc[8] == 0.4
    assert e.execute(ops.InjectFault(kind="memleak", location="test01", rate=1024), ADMIN).ok
    p = e.snapshot().frame.partition("test01")
    assert p is not None
    m = memory(e.snapshot().frame, p, e.time)
    assert (m.comp, m.page_out, m.overcommit) == (0.4 * 16384, 0.0, 0.0)
    e.step(360)  # 6 minutes: 6553.6 + 6144 = 12697.6 MB, still fits
    f = e.snapshot().frame
    m = memory(f, p, e.time)
    assert (round(m.comp, 1), m.page_in, m.page_out) == (12697.6, 0.0, 0.0)
    assert e.snapshot().physc[8] == 0.4
    e.step(480)  # 14 minutes: 20889.6 MB in 16384: overcommitted by 27.5 %
    m = memory(e.snapshot().frame, p, e.time)
    assert round(m.overcommit, 4) == 0.275
    # pages out what the leak adds (1024 MB/min = 4369 pages/s), pages in 27.5 % of that
    assert (round(m.page_out), round(m.page_in), round(m.free, 2)) == (4369, 1201, 327.68)
    # paging costs 0.5 x overcommit x 2 VPs (0.275 now; each run uses its start time)
    assert e.snapshot().physc[8] == 0.6646  # over the last second: 0.4 + 0.2646
    assert e.execute(ops.ClearFault(kind="memleak", location="test01"), ADMIN).ok
    e.step(60)
    m = memory(e.snapshot().frame, p, e.time)
    assert (m.comp, m.page_out) == (0.4 * 16384, 0.0)
    assert e.snapshot().physc[8] == 0.4


def test_memleak_default_rate_and_command() -> None:
    e = Engine(demo_frame())
    op = ops.InjectFault(kind="memleak", location="dev01")
    assert e.execute(op, ADMIN).ok
    assert [(f.kind, f.target, f.amount) for f in e.snapshot().frame.faults] == [
        ("memleak", "dev01", 512)]
    assert op.command(e.snapshot().frame) == \
        "chhwfault -m Server-9080-HEX-SN78H4A21 -o inject -t memleak -l dev01"
    assert ops.InjectFault(kind="memleak", location="dev01", rate=64).command(
        e.snapshot().frame).endswith("-l dev01 --rate 64")


def test_the_victims_lparstat_shows_its_lost_share() -> None:
    from tests.engine.vterm.helpers import open_screen

    e = Engine(steady(demo_frame(), {"dev01": (1.0, 64), "test01": (0.1, 128)}, 2.7), seed=0)
    handle, screen = open_screen(e, "dev01")
    screen.take()
    type_line(e, handle, screen, "root")
    assert type_line(e, handle, screen, "root").endswith("# ")
    e.step(60)
    line = type_line(e, handle, screen, "lparstat").split("\r\n")[-2].split()
    assert (line[4], line[5]) == ("2.00", "400.0")  # physc, %entc of its 0.50 PU
    assert e.execute(ops.InjectFault(kind="noisy", location="test01"), ADMIN).ok
    e.step(60)
    line = type_line(e, handle, screen, "lparstat").split("\r\n")[-2].split()
    assert (line[4], line[5]) == ("0.90", "180.0")
