"""The screens' pure parts: pool sample maths, graph helpers, the VIOS tree model."""

from __future__ import annotations

from rich.style import Style

from engine.model import Frame
from engine.snapshot import UtilSeries
from engine.store import demo_frame
from hmc_tui.widgets.pool_data import EntitledHistory, pool_series, tail_rates
from hmc_tui.widgets.pool_graph import PoolGraph, nice_top, sparkline, tick_step
from hmc_tui.widgets.vios_model import (
    Item,
    fc_ports,
    lun_id,
    mappable_devices,
    repository_media,
    sea_infos,
    sea_role,
    sea_states,
    vios_items,
)


def series() -> UtilSeries:
    # 4 samples 5 s apart: pool of 8 cores using 2, 4 then 6 cores
    return UtilSeries(times=(0.0, 5.0, 10.0, 15.0), counters={
        "time_cycles": (0, 500, 1000, 1500),
        "total_pool_cycles": (0, 4000, 8000, 12000),
        "utilized_pool_cycles": (0, 1000, 3000, 6000),
    })


def test_tail_rates_match_the_engines_rate() -> None:
    s = series()
    assert tail_rates(s, ("utilized_pool_cycles",), 10) == s.rate("utilized_pool_cycles")
    assert tail_rates(s, ("utilized_pool_cycles",), 2) == [4.0, 6.0]
    assert tail_rates(UtilSeries(times=(), counters={}), ("x",), 5) == []


def test_pool_series_uses_the_entitlement_in_force_at_each_sample() -> None:
    history = EntitledHistory()
    history.observe(0.0, 3.0)
    history.observe(7.0, 3.0)  # unchanged: not recorded again
    history.observe(8.0, 5.0)
    got = pool_series(series(), history, "short")
    assert got.times == (5.0, 10.0, 15.0)
    assert got.used == (2.0, 4.0, 6.0)
    assert got.size == (8.0, 8.0, 8.0)
    assert got.entitled == (3.0, 5.0, 5.0)
    assert got.interval == 5.0
    empty = pool_series(UtilSeries(times=(), counters={}), history, "long")
    assert len(empty) == 0 and empty.interval == 30.0


def test_graph_helpers() -> None:
    assert [nice_top(v) for v in (0.3, 1, 1.3, 3, 7.9, 36, 41, 0)] == [
        0.3, 1, 1.5, 3, 8, 40, 50, 1]
    assert sparkline([0, 4, 8], 8) == "▁▅█"
    assert tick_step(5) == 60 and tick_step(30) == 300


def test_graph_column_colours_use_above_entitlement() -> None:
    styles = {k: Style(color=c) for k, c in (("used", "green"), ("over", "yellow"),
                                             ("entitled", "blue"), ("size", "red"))}
    base = Style()
    # 10 rows of 1 core: 6.5 cores used, 4 entitled, pool of 9 cores
    column = PoolGraph._column(6.5, 4.0, 9.0, 10, 1.0, styles, base)
    text = "".join(seg.text for seg in column)
    assert text == "██████▄ ▔ "  # 9 cores fill the 9th row to its top
    assert [seg.style for seg in column[:6]] == [styles["used"]] * 4 + [styles["over"]] * 2
    idle = "".join(seg.text for seg in PoolGraph._column(0.0, 4.0, 9.0, 10, 1.0, styles, base))
    assert idle == "    ╌   ▔ "


def flatten(items: tuple[Item, ...], out: dict[str, str] | None = None) -> dict[str, str]:
    """Every node's key -> label text."""
    out = {} if out is None else out
    for item in items:
        out[item.key] = item.text()
        flatten(item.children, out)
    return out


def test_vios_model_of_the_demo_frame() -> None:
    nodes = flatten(vios_items(demo_frame()))
    assert lun_id(1) == "0x8100000000000000" and lun_id(2) == "0x8200000000000000"
    assert nodes["vios:vios1/scsi"] == "Virtual SCSI  (8)"
    assert nodes["vios:vios2/scsi"] == "Virtual SCSI  (7)"
    assert "vtopt0" in nodes["vios:vios1/scsi/vhost:21/vtd:vtopt0"]
    assert nodes["vios:vios1/scsi/vhost:21/vtd:vtopt0/backing"].startswith(
        "media aix73_tl2.iso  5120 MB  file-backed optical")
    # an optical device without media says so, and which key loads some
    frame = demo_frame()
    v1 = frame.partition("vios1")
    assert v1 is not None
    emptied = frame.with_partition(v1.model_copy(update={"vscsi_mappings": tuple(
        m.model_copy(update={"backing": ""}) if m.vtd == "vtopt0" else m
        for m in v1.vscsi_mappings)}))
    assert flatten(vios_items(emptied))["vios:vios1/scsi/vhost:21/vtd:vtopt0/backing"] == (
        "No Media  virtual optical · l loads media (loadopt)")
    # hana01 is dedicated and has no vSCSI: only NPIV
    assert "hana01 (id 5) slot 4" in nodes["vios:vios1/fc/vfchost:45/port/client"]


def test_sea_failover_follows_the_primary_vios_state() -> None:
    frame = demo_frame()
    infos = sea_infos(frame)
    roles = {i.vios.name: "".join(t for t, _ in sea_role(i, sea_states(frame))) for i in infos}
    assert roles["vios1"].startswith("PRIMARY") and roles["vios2"].startswith("BACKUP")
    down = frame.with_partition(frame.partition("vios1").model_copy(  # type: ignore[union-attr]
        update={"state": "Not Activated", "current": None}))
    infos = sea_infos(down)
    roles = {i.vios.name: "".join(t for t, _ in sea_role(i, sea_states(down))) for i in infos}
    assert roles["vios1"] == "PRIMARY (trunk priority 1), not bridging: VIOS Not Activated"
    assert roles["vios2"].startswith("BACKUP, bridging")


def _with_vios1(frame: Frame, **update: object) -> Frame:
    v = frame.partition("vios1")
    assert v is not None
    return frame.with_partition(v.model_copy(update=update))


def test_what_the_dialogs_offer() -> None:
    frame = demo_frame()
    v = frame.partition("vios1")
    assert v is not None
    # every hdisk is mapped on vios1; media files are loaded (loadopt), never mapped
    assert mappable_devices(frame, v) == []
    assert repository_media(frame, v) == [("aix73_tl2.iso", "5120 MB  (in vtopt0)")]
    freed = _with_vios1(frame, vscsi_mappings=v.vscsi_mappings[1:])  # hdisk2 unmapped
    v1 = freed.partition("vios1")
    assert v1 is not None
    assert mappable_devices(freed, v1)[0][0].name == "hdisk2"
    assert [(p.name, free) for p, free in fc_ports(frame, v)] == [("fcs0", 63), ("fcs1", 63)]


def test_sea_roles_are_the_engines_a_dead_link_fails_over_too() -> None:
    # The VIOS screen and the virtual networks view word engine.redundancy's roles: a
    # physical link down behind a running VIOS moves the VLANs to the backup as well.
    from engine import ops
    from engine.roles import Actor
    from engine.service import Engine

    engine = Engine(demo_frame())
    assert engine.execute(ops.InjectFault(kind="port_down", location="vios1:ent0"), Actor()).ok
    frame = engine.snapshot().frame
    roles = {i.vios.name: "".join(t for t, _ in sea_role(i, sea_states(frame)))
             for i in sea_infos(frame)}
    assert roles == {  # during the SEA failover delay (5 s)
        "vios1": "PRIMARY (trunk priority 1), not bridging: physical link down",
        "vios2": "BACKUP, taking over (trunk priority 2): failover in progress"}
    engine.step(5)
    frame = engine.snapshot().frame
    roles = {i.vios.name: "".join(t for t, _ in sea_role(i, sea_states(frame)))
             for i in sea_infos(frame)}
    assert roles == {
        "vios1": "PRIMARY (trunk priority 1), not bridging: physical link down",
        "vios2": "BACKUP, bridging (trunk priority 2): primary not available"}
