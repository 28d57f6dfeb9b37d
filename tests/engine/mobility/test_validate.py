"""Every mobility validation rule: the case it accepts and the case it refuses, with its code.

The source is the demo E1080, the target a DR E1050 with the same VIOS pair, VLANs and LUNs
(conftest.py); was01 (vSCSI through both VIOS, VLAN 10) validates clean between them.
"""

from __future__ import annotations

from typing import Any

from engine.mobility.validate import MSP_LPM_OPS, MigrationOptions, plan, validate
from engine.model import Frame, Migration, Partition, VirtualEth


def codes(source: Frame, target: Frame, name: str, options: MigrationOptions | None = None,
          others: tuple[Migration, ...] = ()) -> list[str]:
    p = source.partition(name)
    assert p is not None
    return [f.code for f in validate(source, target, p, options, others)]


def change(frame: Frame, name: str, **update: Any) -> Frame:
    p = frame.partition(name)
    assert p is not None
    return frame.with_partition(p.model_copy(update=update))


def test_clean_partition_has_no_finding_and_a_plan(prod: Frame, dr: Frame) -> None:
    p = prod.partition("was01")
    assert p is not None
    result = plan(prod, dr, p)
    assert result.findings == []
    assert (result.kind, result.dest_lpar_id, result.source_msp, result.dest_msp) == (
        "active", 4, "vios1", "drvios1")
    assert (result.pool, result.vscsi, result.vfc) == ("DefaultPool", {2: 1, 3: 2}, {})


def test_same_system_refused(prod: Frame) -> None:
    assert codes(prod, prod, "was01") == ["HSCL0D10"]


def test_vios_refused(prod: Frame, dr: Frame) -> None:
    assert codes(prod, dr, "vios1") == ["HSCL1320"]


def test_state_must_be_running_or_not_activated(prod: Frame, dr: Frame) -> None:
    starting = change(prod, "was01", state="Starting", rmc_state="inactive")
    assert codes(starting, dr, "was01") == ["HSCL1321", "HSCL132D"]
    p = prod.partition("dev02")
    assert p is not None and plan(prod, dr, p).kind == "inactive"
    assert codes(prod, dr, "dev02") == []  # inactive: no MSP, no RMC needed


def test_rmc_needed_for_active_migration(prod: Frame, dr: Frame) -> None:
    assert codes(change(prod, "was01", rmc_state="inactive"), dr, "was01") == ["HSCL132D"]


def test_logical_memory_block_sizes_must_match(prod: Frame, dr: Frame) -> None:
    other = dr.model_copy(update={"system": dr.system.model_copy(
        update={"mem_region_size": 128})})
    assert codes(prod, other, "was01") == ["HSCL1330"]
    assert codes(prod, other, "dev02") == []  # inactive: no memory is copied


def test_only_virtual_io(prod: Frame, dr: Frame) -> None:
    sas = prod.io.adapters[2].model_copy(update={"owner": 4})
    io = prod.io.model_copy(update={"adapters": (*prod.io.adapters[:2], sas,
                                                 *prod.io.adapters[3:])})
    assert codes(prod.model_copy(update={"io": io}), dr, "was01") == ["HSCL1323"]


def test_target_must_run_the_os(prod: Frame, dr: Frame) -> None:
    assert codes(prod, dr, "ibmi01") == ["HSCL0A0E"]  # the E1050 runs no IBM i
    e1080 = dr.model_copy(update={"system": dr.system.model_copy(update={"mtm": "9080-HEX"})})
    assert codes(prod, e1080, "ibmi01") == []


def test_processor_compatibility_mode(prod: Frame, dr: Frame) -> None:
    power9 = dr.model_copy(update={"system": dr.system.model_copy(
        update={"mtm": "9080-M9S"})})
    assert codes(prod, power9, "was01") == ["HSCL132A"]  # runs in Power10 mode
    assert codes(change(prod, "was01", curr_proc_compat_mode="POWER9"), power9, "was01") == []


def test_name_must_be_free_on_target(prod: Frame, dr: Frame) -> None:
    was01 = prod.partition("was01")
    assert was01 is not None
    taken = dr.with_partition(was01.model_copy(update={
        "id": 20, "state": "Not Activated", "current": None, "rmc_state": "inactive",
        "adapters": ()}))
    assert codes(prod, taken, "was01") == ["HSCL132B"]


def test_destination_id(prod: Frame, dr: Frame) -> None:
    assert codes(prod, dr, "was01", MigrationOptions(dest_lpar_id=2)) == ["HSCL132C"]
    assert codes(prod, dr, "was01", MigrationOptions(dest_lpar_id=5000)) == ["HSCL132C"]
    p = prod.partition("was01")
    assert p is not None
    assert plan(prod, dr, p, MigrationOptions(dest_lpar_id=40)).dest_lpar_id == 40


def test_mover_service_partitions(prod: Frame, dr: Frame) -> None:
    no_msp = change(change(dr, "drvios1", msp=False), "drvios2", msp=False)
    assert codes(prod, no_msp, "was01") == ["HSCL1324"]
    assert codes(prod, dr, "was01", MigrationOptions(dest_msp="nosuch")) == ["HSCL1325"]
    assert codes(prod, dr, "was01", MigrationOptions(source_msp="vios2",
                                                     dest_msp="drvios2")) == []
    # a VIOS without RMC cannot be an MSP
    assert codes(prod, change(dr, "drvios2", rmc_state="inactive"), "was01",
                 MigrationOptions(dest_msp="drvios2")) == ["HSCL1325"]


def test_concurrent_migrations_per_msp(prod: Frame, dr: Frame) -> None:
    busy = tuple(Migration(lpar_id=100 + i, name=f"x{i}", kind="active", target=dr.system.name,
                           dest_lpar_id=100 + i, source_msp="vios1", dest_msp="drvios1")
                 for i in range(MSP_LPM_OPS))
    opts = MigrationOptions(source_msp="vios1")
    assert codes(prod, dr, "was01", opts, busy) == ["HSCL132E"]
    assert codes(prod, dr, "was01", opts, busy[1:]) == []
    # without a named MSP the least loaded one is chosen
    p = prod.partition("was01")
    assert p is not None and plan(prod, dr, p, None, busy).source_msp == "vios2"


def test_vlans_bridged_on_target(prod: Frame, dr: Frame) -> None:
    def trunk(p: Partition) -> Partition:
        adapters = tuple(a.model_copy(update={"vlans": (20, 30)})
                         if isinstance(a, VirtualEth) and a.slot == 2 else a for a in p.adapters)
        return p.model_copy(update={"adapters": adapters})

    no10 = dr
    for name in ("drvios1", "drvios2"):
        p = no10.partition(name)
        assert p is not None
        no10 = no10.with_partition(trunk(p))
    assert codes(prod, no10, "was01") == ["HSCL1326"]
    assert codes(prod, no10, "dev01") == []  # VLAN 30 is still bridged


def test_vscsi_storage_reachable(prod: Frame, dr: Frame) -> None:
    # nim01's vhost also maps a virtual optical device with media: it cannot migrate
    assert codes(prod, dr, "nim01") == ["HSCL1327"]
    # a LUN the target does not see (its unique_id differs there)
    disks = tuple(d.model_copy(update={"unique_id": "OTHER"}) if d.name == "hdisk3" else d
                  for d in dr.io.disks)
    blind = dr.model_copy(update={"io": dr.io.model_copy(update={"disks": disks})})
    assert codes(prod, blind, "was01") == ["HSCL1327", "HSCL1327"]  # via both VIOS
    # a logical volume backing device stays with its VIOS
    lv = tuple(d.model_copy(update={"kind": "lv"}) if d.name == "hdisk3" else d
               for d in prod.io.disks)
    local = prod.model_copy(update={"io": prod.io.model_copy(update={"disks": lv})})
    assert codes(local, dr, "was01") == ["HSCL1327", "HSCL1327"]


def _fabric(frame: Frame, name: str) -> Frame:
    adapters = tuple(a.model_copy(update={"ports": tuple(
        p.model_copy(update={"fabric": name}) for p in a.ports)}) if a.kind == "fc" else a
        for a in frame.io.adapters)
    return frame.model_copy(update={"io": frame.io.model_copy(update={"adapters": adapters})})


def test_npiv_needs_a_target_port_on_the_fabric(prod: Frame, dr: Frame) -> None:
    assert codes(prod, dr, "hana01") == []
    assert codes(prod, _fabric(dr, "FABRIC_B"), "hana01") == ["HSCLA319", "HSCLA319"]
    assert codes(_fabric(prod, "FABRIC_B"), _fabric(dr, "FABRIC_B"), "hana01") == []
    no_fc = tuple(a for a in dr.io.adapters if a.kind != "fc")
    bare = dr.model_copy(update={"io": dr.io.model_copy(update={"adapters": no_fc})})
    assert codes(prod, bare, "hana01") == ["HSCLA319", "HSCLA319"]
    full = tuple(a.model_copy(update={"ports": tuple(
        p.model_copy(update={"max_npiv": 0}) for p in a.ports)}) if a.kind == "fc" else a
        for a in dr.io.adapters)
    busy = dr.model_copy(update={"io": dr.io.model_copy(update={"adapters": full})})
    assert codes(prod, busy, "hana01") == ["HSCLA319", "HSCLA319"]


def test_target_memory(prod: Frame, dr: Frame) -> None:
    small = dr.model_copy(update={"system": dr.system.model_copy(
        update={"configurable_mem": 262144})})
    assert codes(prod, small, "hana01") == ["HSCL1328"]  # 512 GB
    assert codes(prod, small, "was01") == []  # 32 GB


def test_target_processing_units_and_pool(prod: Frame, dr: Frame) -> None:
    few = dr.model_copy(update={"system": dr.system.model_copy(
        update={"configurable_procs": 4})})
    assert codes(prod, few, "hana01") == ["HSCL1329"]  # 8 dedicated cores; VIOS hold 2
    assert codes(prod, few, "was01") == []  # 1.5 units
    assert codes(prod, dr, "was01", MigrationOptions(pool="nosuch")) == ["HSCL8015"]
    pool = dr.pool(1)
    assert pool is not None
    tight = dr.with_pool(pool.model_copy(update={"name": "DevTestPool", "max_proc_units": 1}))
    assert codes(prod, tight, "test01") == ["HSCL1329"]  # 1.0 + 0.5 reserved > 1
    assert codes(prod, tight, "dev01", MigrationOptions(pool="DefaultPool")) == []


def test_already_migrating(prod: Frame, dr: Frame) -> None:
    m = Migration(lpar_id=4, name="was01", kind="active", target=dr.system.name,
                  dest_lpar_id=4)
    assert codes(prod.model_copy(update={"migrations": (m,)}), dr, "was01") == ["HSCL132F"]


def test_both_systems_operating(prod: Frame, dr: Frame) -> None:
    off = dr.model_copy(update={"system": dr.system.model_copy(update={"state": "Standby"})})
    assert codes(prod, off, "dev02") == ["HSCL1331"]


def test_vios_redundancy_lost_is_a_warning(prod: Frame, dr: Frame) -> None:
    one = dr.without_partition(2)
    p = prod.partition("was01")
    assert p is not None
    found = validate(prod, one, p)
    assert [(f.code, f.severity) for f in found] == [("HSCL1333", "warning")]
    assert found[0].explanation.startswith("The migration can proceed")
    assert plan(prod, one, p).ok


def test_every_finding_is_explained(prod: Frame, dr: Frame) -> None:
    no_msp = change(dr, "drvios1", msp=False)
    no_msp = change(no_msp, "drvios2", msp=False)
    found = validate(prod, no_msp, prod.partitions[10])  # nim01: optical + no MSP
    assert [f.code for f in found] == ["HSCL1324", "HSCL1327"]
    assert all(f.explanation for f in found)


def test_port_down_is_not_a_host(prod: Frame, dr: Frame) -> None:
    from engine.model import Fault

    locations = [p.location for a in dr.io.adapters if a.kind == "fc" for p in a.ports]
    faults = tuple(Fault(kind="port_down", target=loc) for loc in locations)
    assert codes(prod, dr.model_copy(update={"faults": faults}), "hana01") == [
        "HSCLA319", "HSCLA319"]
