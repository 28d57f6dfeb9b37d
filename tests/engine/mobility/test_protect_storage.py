"""migrlpar --protectstorage: an inactive migration with storage protection off moves the
definition without the storage adapters the target cannot host; an active one never does."""

from __future__ import annotations

from engine.hmc import Hmc
from engine.mobility import timing
from engine.mobility.validate import MigrationOptions, plan
from engine.model import Frame, VirtualEth
from engine.ops import MigratePartition
from engine.roles import Actor
from engine.service import Engine

DR = "Server-9043-MRX-SN7D4B2A1"
OFF = MigrationOptions(protect_storage=False)


def blind(dr: Frame, disk: str) -> Frame:
    """The DR frame where `disk`'s LUN is not zoned (its unique_id differs there)."""
    disks = tuple(d.model_copy(update={"unique_id": "OTHER"}) if d.name == disk else d
                  for d in dr.io.disks)
    return dr.model_copy(update={"io": dr.io.model_copy(update={"disks": disks})})


def findings(source: Frame, target: Frame, name: str,
             options: MigrationOptions | None = None) -> list[tuple[str, str]]:
    p = source.partition(name)
    assert p is not None
    return [(f.code, f.severity) for f in plan(source, target, p, options).findings]


def test_inactive_migration_may_leave_unreachable_storage_behind(prod: Frame,
                                                                 dr: Frame) -> None:
    target = blind(dr, "hdisk7")  # dev02's disk, through both VIOS
    assert findings(prod, target, "dev02") == [("HSCL1327", "error")] * 2
    assert findings(prod, target, "dev02", OFF) == [
        ("HSCL1327", "warning"), ("HSCL1327", "warning"),
        ("HSCL1338", "warning"), ("HSCL1338", "warning")]
    p = prod.partition("dev02")
    assert p is not None
    found = plan(prod, target, p, OFF)
    assert found.ok and found.vscsi == {}
    assert found.findings[2].message == (
        "Storage protection is off: the inactive migration of partition dev02 moves it "
        "without its virtual SCSI adapter in slot 2, which no Virtual I/O Server of "
        f"{DR} can host.")
    # the VIOS's own finding, for migrlpar -d 2
    assert found.findings[0].details == (
        "drvios1: no physical volume with unique_id 600507680C8101A2B8000000000001A7",
        "drvios2: no physical volume with unique_id 600507680C8101A2B8000000000001A7")

    e = Engine(Hmc(systems=(prod, target)))
    admin = Actor()
    refused = e.execute(MigratePartition(system=prod.system.name, lpar="dev02",
                                         dest_system=DR), admin)
    assert (refused.ok, refused.code) == (False, "HSCL1327")
    op = MigratePartition(system=prod.system.name, lpar="dev02", dest_system=DR,
                          protect_storage=False)
    assert op.command(prod).endswith("-p dev02 --protectstorage 2")
    r = e.execute(op, admin)
    assert r.ok, r
    assert r.data["steps"][0] == ("dev02: virtual SCSI adapter in slot 2 left behind: "
                                  "storage protection is off")
    e.step(timing.INACTIVE_S)
    snap = e.snapshot()
    moved = snap.system(DR).partition("dev02")
    assert moved is not None and moved.state == "Not Activated"
    assert [type(a) for a in moved.adapters] == [VirtualEth]  # the SCSI adapters stayed
    for name in ("drvios1", "drvios2"):  # and no target VIOS serves it
        v = snap.system(DR).partition(name)
        assert v is not None and all(getattr(a, "remote_lpar_id", None) != moved.id
                                     for a in v.adapters)


def test_active_migration_always_protects_storage(prod: Frame, dr: Frame) -> None:
    target = blind(dr, "hdisk3")  # was01's disk
    assert findings(prod, target, "was01", OFF) == [
        ("HSCL1339", "warning"), ("HSCL1327", "error"), ("HSCL1327", "error")]
    assert findings(prod, dr, "was01", OFF) == [("HSCL1339", "warning")]
    assert findings(prod, dr, "was01") == []
