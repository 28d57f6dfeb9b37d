"""A VIOS's storage over REST, read by pypowervm (PyPI 1.1.27) as the real client: every
vSCSI and NPIV mapping of the demo frame's vios1/vios2, their physical volumes, media
repository and volume group, compared in the same test with what the HMC command line
shows of the same engine (`viosvrcmd ... lsmap -all`, `lsmap -all -npiv`, `lspv -size`,
`lsrep`); and a VIOS with no mappings."""

from __future__ import annotations

import asyncio
import base64
from typing import Any

import pytest

from engine.model import Frame
from engine.store import demo_frame
from hmc_tui.console import LocalConsole
from hmc_tui.hmccli import run_command
from tests.rest.conftest import PASSWORDS, Rest, RestFactory

pytest.importorskip("pypowervm")

from pypowervm import adapter as pvm_adapter
from pypowervm import const as pvm_c
from pypowervm.wrappers import storage as pvm_stor
from pypowervm.wrappers import virtual_io_server as pvm_vios

SYS = "Server-9080-HEX-SN78H4A21"
XAGS = [pvm_c.XAG.VIO_SMAP, pvm_c.XAG.VIO_FMAP, pvm_c.XAG.VIO_STOR]


@pytest.fixture
def pin(monkeypatch: pytest.MonkeyPatch) -> Any:
    def pinned(rest: Rest) -> Rest:
        monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(rest.server.cert))
        monkeypatch.delenv("CURL_CA_BUNDLE", raising=False)
        return rest
    return pinned


def _adapter(rest: Rest) -> pvm_adapter.Adapter:
    session = pvm_adapter.Session("127.0.0.1", "hscroot", PASSWORDS["hscroot"],
                                  port=rest.server.port, certpath=None)
    return pvm_adapter.Adapter(session)


def _read_vioses(rest: Rest) -> dict[str, Any]:
    """Every VIOS read with the three storage groups, its VGs, by name."""
    adapter = _adapter(rest)
    out: dict[str, Any] = {}
    # the feed with the groups holds what the single reads below hold
    feed = {v.name: (len(v.scsi_mappings), len(v.vfc_mappings), len(v.phys_vols))
            for v in pvm_vios.VIOS.get(adapter, xag=XAGS)}
    out["feed"] = feed
    for light in pvm_vios.VIOS.get(adapter):
        vios = pvm_vios.VIOS.wrap(adapter.read(pvm_vios.VIOS.schema_type, root_id=light.uuid,
                                               xag=XAGS))
        vgs = pvm_stor.VG.get(adapter, parent=vios)
        out[vios.name] = (vios, vgs)
    adapter.session._logoff()
    return out


def _cli(rest: Rest, vios: str, command: str) -> list[str]:
    result = run_command(LocalConsole(rest.engine), f'viosvrcmd -m {SYS} -p {vios} -c '
                                                    f'"{command}"')
    assert result.exit_code == 0, result
    return result.stdout.splitlines()


def _vscsi_rest(vios: Any) -> dict[str, tuple[str, int, int, list[tuple[str, str, str]]]]:
    """vhost -> (location, client id, client slot, [(VTD, LUN, backing)]) from pypowervm."""
    out: dict[str, tuple[str, int, int, list[tuple[str, str, str]]]] = {}
    for m in vios.scsi_mappings:
        sa = m.server_adapter
        ca = m.client_adapter
        _, _, _, vtds = out.setdefault(
            sa.name, (sa.loc_code, ca.lpar_id if ca else 0, ca.lpar_slot_num if ca else 0, []))
        if ca is not None:  # both ends name each other
            assert (sa.lpar_id, sa.lpar_slot_num) == (ca.lpar_id, ca.lpar_slot_num)
            assert (ca.vios_id, ca.vios_slot_num) == (sa.vios_id, sa.vios_slot_num)
        if m.target_dev is not None:
            stg = m.backing_storage
            name = ("/var/vio/VMLibrary/" + stg.media_name
                    if isinstance(stg, pvm_stor.VOptMedia) else stg.name)
            vtds.append((m.target_dev.name, m.target_dev.lua, name))
    return out


def _vscsi_cli(lines: list[str]) -> dict[str, tuple[str, int, list[tuple[str, str, str]]]]:
    """vhost -> (location, client id, [(VTD, LUN, backing)]) from `lsmap -all -fmt ,`."""
    out = {}
    for line in lines:
        f = line.split(",")
        vtds = [(f[i], f[i + 2], f[i + 3]) for i in range(3, len(f), 6)]
        out[f[0]] = (f[1], int(f[2], 16), vtds)
    return out


async def test_every_mapping_of_vios1_and_vios2_as_lsmap_shows_it(
        make_rest: RestFactory, pin: Any) -> None:
    rest = pin(await make_rest(stepped=True))
    got = await asyncio.to_thread(_read_vioses, rest)
    feed = got.pop("feed")
    assert sorted(got) == ["vios1", "vios2"]
    frame = rest.engine.snapshot().frame
    counts = {}
    for name, (vios, _) in got.items():
        counts[name] = (len(vios.scsi_mappings), len(vios.vfc_mappings), len(vios.phys_vols))
        rest_map = _vscsi_rest(vios)
        cli_map = _vscsi_cli(_cli(rest, name, "lsmap -all -fmt ,"))
        assert sorted(rest_map) == sorted(cli_map)
        for vhost, (loc, cid, vtds) in cli_map.items():
            r_loc, r_cid, _, r_vtds = rest_map[vhost]
            assert r_loc == loc
            assert r_vtds == vtds, vhost
            if cid:  # lsmap names the client only while it runs; REST always
                assert r_cid == cid
        # lsmap -all -npiv: vfchost, location, client, FC port, client's fcs location
        npiv = [line.split(",") for line in _cli(rest, name, "lsmap -all -npiv -fmt ,")]
        vfc = {m.server_adapter.name: m for m in vios.vfc_mappings}
        assert sorted(vfc) == sorted(f[0] for f in npiv)
        for f in npiv:
            m = vfc[f[0]]
            assert m.server_adapter.loc_code == f[1]
            assert m.server_adapter.map_port == m.backing_port.name == f[6]
            assert m.backing_port.loc_code == f[7]
            if f[5] == "LOGGED_IN":
                assert str(m.client_adapter.lpar_id) == f[2]
                assert m.client_adapter.loc_code == f[11]
                client = frame.partition(m.client_adapter.lpar_id)
                assert client is not None and client.name == f[3]
        # lsnports: the physical FC ports of the I/O configuration, free and total NPIV ports
        ports = [line.split() for line in _cli(rest, name, "lsnports")[1:]]
        assert [(p.name, p.loc_code, p.npiv_available_ports, p.npiv_total_ports)
                for p in vios.pfc_ports] == [(f[0], f[1], int(f[4]), int(f[3])) for f in ports]
        assert len(ports) == 2
        # lspv -size: every hdisk with its size in MB
        sizes = [line.split() for line in _cli(rest, name, "lspv -size")[1:]]
        assert [(pv.name, pv.capacity) for pv in vios.phys_vols] == [
            (n, int(mb)) for n, _, mb in sizes]
    assert counts == feed == {"vios1": (9, 2, 7), "vios2": (7, 2, 7)}

    vios1, vgs1 = got["vios1"]
    # vhost7 (slot 21) serves nim01 (id 11, client slot 2): its rootvg disk and the DVD
    nim = [m for m in vios1.scsi_mappings if m.server_adapter.lpar_slot_num == 2
           and m.server_adapter.vios_slot_num == 21]
    assert [(m.target_dev.name, m.target_dev.lua, type(m.target_dev).__name__,
             type(m.backing_storage).__name__) for m in nim] == [
        ("nim01_rootvg", "0x8100000000000000", "PVTargetDev", "PV"),
        ("vtopt0", "0x8200000000000000", "VOptTargetDev", "VOptMedia")]
    assert nim[0].client_adapter.lpar_id == 11 and nim[0].client_adapter.vios_slot_num == 21
    assert nim[0].client_lpar_href.endswith(
        "/LogicalPartition/" + nim[0].client_lpar_href.rsplit("/", 1)[1])
    # vhost6 (slot 20) has no virtual target device: one mapping, no storage
    empty = [m for m in vios1.scsi_mappings if m.server_adapter.name == "vhost6"]
    assert [(m.backing_storage, m.target_dev, m.client_adapter.lpar_id) for m in empty] == [
        (None, None, 10)]
    # the physical volumes: the frame's LUN serials (page 83) and reserve policy
    pv = {p.name: p for p in vios1.phys_vols}["hdisk2"]
    assert pv.capacity == 122880
    assert pv.udid == "01" + base64.b64encode(
        b"3IBMM2145124600507680C8101A2B8000000000001A2").decode()
    assert base64.b64decode(pv.element.findtext("DescriptorPage83")) == (
        b"600507680C8101A2B8000000000001A2")
    assert vios1.hdisk_reserve_policy("600507680C8101A2B8000000000001A2") == "NoReserve"
    assert vios1.hdisk_from_uuid(pv.udid) == "hdisk2"
    assert [p.avail_for_use for p in vios1.phys_vols] == [False] * 7  # all mapped
    # the same LUN has the same UDID on both VIOSes (how clients pair the paths)
    assert {p.name: p.udid for p in got["vios2"][0].phys_vols}["hdisk2"] == pv.udid
    # the NPIV client's WWPNs as the frame has them
    ora = {m.server_adapter.name: m for m in vios1.vfc_mappings}["vfchost0"]
    assert ora.client_adapter.wwpns == ["C0507610A8C40000", "C0507610A8C40001"]
    assert (ora.backing_port.wwpn, ora.backing_port.npiv_available_ports,
            ora.backing_port.npiv_total_ports) == ("10000090FAB1C200", 63, 64)
    assert vios1.get_vfc_wwpns() == {
        frozenset(w.lower() for w in a.wwpns) for p in frame.partitions for a in p.adapters
        if a.type == "fc" and a.side == "client" and a.remote_lpar_id == 1 and a.wwpns}
    assert len(vios1.get_vfc_wwpns()) == 2

    # the media repository and the volume group it is in, as lsrep shows them
    repo = pvm_stor.VMediaRepos.wrap(vios1.media_repository)
    lsrep = _cli(rest, "vios1", "lsrep")
    size_mb, _, pool, parent_size, parent_free = lsrep[1].split()
    assert (repo.name, repo.size * 1024) == ("VMLibrary", int(size_mb))
    media = lsrep[4].split()
    assert [(o.media_name, o.size * 1024, o.mount_type) for o in repo.optical_media] == [
        (media[0], int(media[1]), media[3])]
    assert [(vg.name, vg.capacity * 1024, vg.free_space * 1024,
             [r.name for r in vg.vmedia_repos]) for vg in vgs1] == [
        (pool, int(parent_size), int(parent_free), ["VMLibrary"])]
    assert got["vios2"][1] == []  # vios2 has no repository: no volume group modelled
    assert got["vios2"][0].media_repository is None


async def test_a_vios_with_no_mappings(make_rest: RestFactory, pin: Any) -> None:
    """vios2 with its server adapters but no virtual target device and no NPIV port
    mapped: one mapping per adapter with no storage, target or port, as lsmap shows."""
    frame: Frame = demo_frame()
    vios2 = frame.partition(2)
    assert vios2 is not None
    bare = vios2.model_copy(update={"vscsi_mappings": (), "npiv_mappings": ()})
    frame = frame.model_copy(update={"partitions": tuple(
        bare if p.id == 2 else p for p in frame.partitions)})
    rest = pin(await make_rest(frame, stepped=True))
    got = await asyncio.to_thread(_read_vioses, rest)
    assert got["feed"]["vios2"] == (7, 2, 7)
    vios, vgs = got["vios2"]
    cli_map = _vscsi_cli(_cli(rest, "vios2", "lsmap -all -fmt ,"))
    assert [(m.server_adapter.name, m.server_adapter.loc_code, m.backing_storage,
             m.target_dev) for m in vios.scsi_mappings] == [
        (vhost, loc, None, None) for vhost, (loc, _, vtds) in cli_map.items()]
    assert all(vtds == [] for _, _, vtds in cli_map.values())
    assert len(vios.scsi_mappings) == 7
    npiv = [line.split(",") for line in _cli(rest, "vios2", "lsmap -all -npiv -fmt ,")]
    assert [(m.server_adapter.name, m.backing_port, m.server_adapter.map_port)
            for m in vios.vfc_mappings] == [(f[0], None, None) for f in npiv]
    assert [f[6] for f in npiv] == ["", ""]
    assert [p.avail_for_use for p in vios.phys_vols] == [True] * 7  # every disk is free
    assert vgs == []


def _vios_uuid(adapter: pvm_adapter.Adapter, name: str) -> str:
    return next(v.uuid for v in pvm_vios.VIOS.get(adapter) if v.name == name)


def _lpar_uuid(adapter: pvm_adapter.Adapter, name: str) -> str:
    from pypowervm.wrappers import logical_partition as pvm_lpar
    return next(p.uuid for p in pvm_lpar.LPAR.get(adapter) if p.name == name)


async def test_pypowervm_scsi_mapper_removes_and_adds_mappings(
        make_rest: RestFactory, pin: Any) -> None:
    """remove_pv_mapping / add_vscsi_mapping / remove_vopt_mapping as a PowerVC-era
    client calls them: each a POST of the VIOS that becomes rmvdev / mkvdev / mkvdev -fbo
    + loadopt on the VIOS, as lsmap then shows it."""
    from pypowervm.tasks import scsi_mapper

    rest = pin(await make_rest())  # a running clock: the updates are engine operations

    def client() -> list[str]:
        adapter = _adapter(rest)
        vios1 = _vios_uuid(adapter, "vios1")
        dev02 = _lpar_uuid(adapter, "dev02")
        client_id = next(p.id for p in rest.engine.snapshot().frame.partitions
                         if p.name == "dev02")
        _, removed = scsi_mapper.remove_pv_mapping(adapter, vios1, client_id, "hdisk7")
        steps = [f"removed {[s.name for s in removed]}"]
        pv = pvm_stor.PV.bld(adapter, "hdisk7")
        scsi_mapper.add_vscsi_mapping(None, vios1, dev02, pv)
        scsi_mapper.remove_vopt_mapping(adapter, vios1, 11, media_name="aix73_tl2.iso")
        vopt = pvm_stor.VOptMedia.bld_ref(adapter, "aix73_tl2.iso")
        scsi_mapper.add_vscsi_mapping(None, vios1, dev02, vopt)
        adapter.session._logoff()
        return steps

    steps = await asyncio.to_thread(client)
    assert steps == ["removed ['hdisk7']"]
    frame = rest.engine.snapshot().frame
    dev02 = next(p for p in frame.partitions if p.name == "dev02")
    assert dev02.id == 9
    lsmap = _vscsi_cli(_cli(rest, "vios1", "lsmap -all -fmt ,"))
    assert lsmap["vhost5"][2] == [
        ("vtscsi3", "0x8100000000000000", "hdisk7"),
        ("vtopt0", "0x8200000000000000", "/var/vio/VMLibrary/aix73_tl2.iso")]
    assert lsmap["vhost7"][2] == [("nim01_rootvg", "0x8100000000000000", "hdisk8")]
    vios1 = frame.partition(1)
    assert vios1 is not None
    assert [(m.vhost_slot, m.vtd, m.lun) for m in vios1.vscsi_mappings
            if m.vhost_slot in (19, 21)] == [(21, "nim01_rootvg", 1), (19, "vtscsi3", 1),
                                              (19, "vtopt0", 2)]


async def test_mappings_for_a_partition_with_no_adapter_pair_create_one(
        make_rest: RestFactory, pin: Any) -> None:
    """add_vscsi_mapping and vfc_mapper.add_map for hana01, which has no vSCSI adapter on
    vios1 and no second vFC pair: the adapter pair is made in the next free slots (the
    server's open to any partition, the client's pointing at it: chhwres -r virtualio -o a
    on both, DLPAR: both run) and mapped onto, as lsmap then shows with hana01 as client."""
    from pypowervm.tasks import scsi_mapper, vfc_mapper

    rest = pin(await make_rest())
    frame = rest.engine.snapshot().frame
    free = {p.id: next(s for s in range(2, 99) if p.adapter(s) is None)
            for p in frame.partitions if p.name in ("vios1", "hana01")}

    def client() -> list[Any]:
        adapter = _adapter(rest)
        vios1 = _vios_uuid(adapter, "vios1")
        hana = _lpar_uuid(adapter, "hana01")
        scsi_mapper.remove_pv_mapping(adapter, vios1, 4, "hdisk3")  # free a disk first
        scsi_mapper.add_vscsi_mapping(None, vios1, hana, pvm_stor.PV.bld(adapter, "hdisk3"))
        vios = pvm_vios.VIOS.wrap(adapter.read(pvm_vios.VIOS.schema_type, root_id=vios1,
                                               xag=[pvm_c.XAG.VIO_FMAP, pvm_c.XAG.VIO_SMAP]))
        port_map = ("10000090FAB1C201", "C0507610A8C4FFF0 C0507610A8C4FFF1")
        assert vfc_mapper.add_map(vios, None, hana, port_map) is not None
        vios = vios.update()
        # pypowervm now finds hana01's mapping by its UUID, as it would on the HMC
        found = scsi_mapper.find_maps(vios.scsi_mappings, client_lpar_id=hana)
        by_id = scsi_mapper.find_maps(vios.scsi_mappings, client_lpar_id=5)
        adapter.session._logoff()
        return [[m.target_dev.name for m in found], [m.target_dev.name for m in by_id]]

    assert await asyncio.to_thread(client) == [["vtscsi0"], ["vtscsi0"]]
    frame = rest.engine.snapshot().frame
    vios1, hana = frame.partition("vios1"), frame.partition("hana01")
    assert vios1 is not None and hana is not None and hana.id == 5
    s1, s2 = free[1], free[1] + 1  # the next free server slots: vSCSI, then vFC
    c1 = free[5]
    assert [(a.type, a.slot, a.side, a.remote_lpar_id, a.remote_slot)
            for a in vios1.adapters if a.slot in (s1, s2)] == [
        ("scsi", s1, "server", None, None), ("fc", s2, "server", None, None)]
    assert [(a.type, a.slot, a.remote_lpar_id, a.remote_slot, getattr(a, "wwpns", None))
            for a in hana.adapters if a.slot in (c1, c1 + 1)] == [
        ("scsi", c1, 1, s1, None),
        ("fc", c1 + 1, 1, s2, ("c0507610a8c4fff0", "c0507610a8c4fff1"))]
    lsmap = _vscsi_cli(_cli(rest, "vios1", "lsmap -all -fmt ,"))
    new = [v for v in lsmap.values() if v[0].endswith(f"-C{s1}")]
    assert new == [(f"U9080.HEX.78H4A21-V1-C{s1}", 5,
                    [("vtscsi0", "0x8100000000000000", "hdisk3")])]
    npiv = [line.split(",") for line in _cli(rest, "vios1", "lsmap -all -npiv -fmt ,")]
    assert [(f[1], f[2], f[3], f[5], f[6]) for f in npiv if f[1].endswith(f"-C{s2}")] == [
        (f"U9080.HEX.78H4A21-V1-C{s2}", "5", "hana01", "LOGGED_IN", "fcs1")]


async def test_pypowervm_vfc_mapper_unmaps_and_maps_a_port(
        make_rest: RestFactory, pin: Any) -> None:
    """vfc_mapper.remove_maps + update unmaps vfchost0 (vfcmap -fcp; the adapters stay, so
    the mapping reads back with no Port); vfc_mapper.add_map finds that mapping by the
    client's WWPNs and puts the port back (vfcmap -fcp fcs0). The physical port is found by
    its WWPN in the VIOS's I/O configuration, as lsnports counts its free NPIV ports."""
    from pypowervm.tasks import vfc_mapper

    rest = pin(await make_rest())

    def client() -> list[Any]:
        adapter = _adapter(rest)
        uuid = _vios_uuid(adapter, "vios1")
        oradb = _lpar_uuid(adapter, "oradb01")

        def read() -> Any:
            return pvm_vios.VIOS.wrap(adapter.read(pvm_vios.VIOS.schema_type, root_id=uuid,
                                                   xag=[pvm_c.XAG.VIO_FMAP]))

        vios = read()
        pfc = [(p.name, p.wwpn, p.npiv_available_ports) for p in vios.pfc_ports]
        removed = vfc_mapper.remove_maps(vios, 3)
        vios.update()
        unmapped = [(m.server_adapter.name, m.backing_port) for m in read().vfc_mappings]
        vios = read()
        port_map = ("10000090FAB1C200", "C0507610A8C40000 C0507610A8C40001")
        added = vfc_mapper.add_map(vios, None, oradb, port_map)
        vios.update()
        again = [(m.server_adapter.name, m.backing_port and m.backing_port.name)
                 for m in read().vfc_mappings]
        adapter.session._logoff()
        return [pfc, len(removed), unmapped, added is not None, again]

    pfc, removed, unmapped, added, again = await asyncio.to_thread(client)
    assert pfc == [("fcs0", "10000090FAB1C200", 63), ("fcs1", "10000090FAB1C201", 63)]
    assert removed == 1
    assert unmapped[0] == ("vfchost0", None)
    assert added
    assert again == [("vfchost0", "fcs0"), ("vfchost1", "fcs1")]
    npiv = [line.split(",")[:7] for line in _cli(rest, "vios1", "lsmap -all -npiv -fmt ,")]
    assert [(f[0], f[5], f[6]) for f in npiv] == [
        ("vfchost0", "LOGGED_IN", "fcs0"), ("vfchost1", "LOGGED_IN", "fcs1")]
