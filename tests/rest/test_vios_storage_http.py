"""A VIOS's storage groups over raw HTTP: which `?group=` view carries which elements,
one ETag whatever the view, the VolumeGroup feed and entry, and the refusals of a VIOS
update whose mappings this console cannot apply (HSCL1384-1386, roles)."""

from __future__ import annotations

import pytest
from lxml import etree

from engine.model import Frame
from hmc_tui.rest import uuids, vios_storage
from tests.rest.conftest import Rest
from tests.rest.test_errors import call, error

UOM = "{http://www.ibm.com/xmlns/systems/power/firmware/uom/mc/2012_10/}"
VIOS_TYPE = "application/vnd.ibm.powervm.uom+xml; type=VirtualIOServer"
STORAGE_TAGS = ("MediaRepositories", "PhysicalVolumes", "StoragePools",
                "VirtualFibreChannelMappings", "VirtualSCSIMappings")


async def _token(rest: Rest, user: str = "hscroot") -> str:
    async with rest.client() as http:
        return await rest.logon(http, user)


def _path(rest: Rest, name: str) -> str:
    frame: Frame = rest.engine.snapshot().frame
    p = frame.partition(name)
    assert p is not None
    return (f"/rest/api/uom/ManagedSystem/{uuids.system_uuid(frame.system)}"
            f"/VirtualIOServer/{uuids.partition_uuid(frame.system, p)}")


async def _get(rest: Rest, path: str, token: str) -> tuple[int, str, etree._Element | None]:
    async with rest.client() as http, http.get(path, headers={"X-API-Session": token}) as r:
        body = await r.read()
        return r.status, r.headers.get("ETag", ""), etree.fromstring(body) if body else None


def _present(root: etree._Element) -> dict[str, str | None]:
    vios = root.find(f".//{UOM}VirtualIOServer")
    assert vios is not None
    return {tag: el.get("group") for tag in STORAGE_TAGS
            if (el := vios.find(f"{UOM}{tag}")) is not None}


async def test_group_views_and_one_etag(rest: Rest) -> None:
    t = await _token(rest, "view")
    path = _path(rest, "vios1")
    views = {}
    for query in ("", "?group=None", "?group=ViosSCSIMapping",
                  "?group=ViosFCMapping,ViosStorage", "?group=All"):
        status, etag, root = await _get(rest, path + query, t)
        assert status == 200 and root is not None
        views[query] = (_present(root), etag,
                        len(root.findall(f".//{UOM}VirtualSCSIMapping")),
                        len(root.findall(f".//{UOM}PhysicalFibreChannelPort")))
    every = {"MediaRepositories": "ViosStorage", "PhysicalVolumes": "ViosStorage",
             "StoragePools": "ViosStorage", "VirtualFibreChannelMappings": "ViosFCMapping",
             "VirtualSCSIMappings": "ViosSCSIMapping"}
    assert views[""][:1] == views["?group=All"][:1] == (every,)
    assert views["?group=None"][0] == {}
    assert views["?group=ViosSCSIMapping"][0] == {"VirtualSCSIMappings": "ViosSCSIMapping"}
    assert set(views["?group=ViosFCMapping,ViosStorage"][0]) == set(every) - {
        "VirtualSCSIMappings"}
    assert {v[1] for v in views.values()} == {views[""][1]}  # one ETag: the object's
    assert [v[2] for v in views.values()] == [9, 0, 9, 0, 9]
    # the I/O configuration's two FC ports are in every view; FC mappings add theirs
    assert [v[3] for v in views.values()] == [2, 2, 2, 2, 2]
    # the feed of VIOSes with a group: each entry's ETag is the object's too
    status, _, feed = await _get(rest, path.rsplit("/", 1)[0] + "?group=None", t)
    assert status == 200 and feed is not None
    assert feed.findtext(".//{http://www.w3.org/2005/Atom}entry/" + UOM + "etag") == views[""][1]


async def test_volume_group_feed_and_entry(rest: Rest) -> None:
    t = await _token(rest, "view")
    frame: Frame = rest.engine.snapshot().frame
    vios1 = frame.partition("vios1")
    assert vios1 is not None
    vg = vios_storage.vg_uuid(frame, vios1, "rootvg")
    top = "/rest/api/uom/VirtualIOServer/" + uuids.partition_uuid(frame.system, vios1)
    status, _, feed = await _get(rest, f"{top}/VolumeGroup", t)
    assert status == 200 and feed is not None
    assert [e.text for e in feed.iter(f"{UOM}GroupName")] == ["rootvg"]
    assert [e.text for e in feed.iter(f"{UOM}GroupCapacity")] == ["99.875"]  # 102272 MB
    assert [e.text for e in feed.iter(f"{UOM}FreeSpace")] == ["71.5"]  # 73216 MB
    status, _, one = await _get(rest, f"{top}/VolumeGroup/{vg}", t)
    assert status == 200 and one is not None
    assert [e.text for e in one.iter(f"{UOM}MediaName")] == ["aix73_tl2.iso"]
    status, _, root = await _get(rest, _path(rest, "vios1") + "?group=ViosStorage", t)
    assert root is not None
    assert [e.get("href") for e in root.iter(f"{UOM}link") if "VolumeGroup" in
            (e.get("href") or "")] == [f"{rest.url}{top}/VolumeGroup/{vg}"]
    status, body = await call(rest, "GET", f"{top}/VolumeGroup/{vg[:-1]}0", t)
    assert (status, error(body)[1].split()[0]) == (404, "HSCL1364")
    status, _, _ = await _get(rest, _path(rest, "vios2") + "/VolumeGroup", t)
    assert status == 204  # vios2 has no repository: no volume group the frame models
    oradb = frame.partition("oradb01")
    assert oradb is not None
    status, _ = await call(rest, "GET", "/rest/api/uom/LogicalPartition/"
                           f"{uuids.partition_uuid(frame.system, oradb)}/VolumeGroup", t)
    assert status == 404


async def _post(rest: Rest, token: str, old: str, new: str) -> tuple[int, str]:
    """Read vios1 with its vSCSI mappings, replace `old` by `new` in it, post it back."""
    path = _path(rest, "vios1")
    async with rest.client() as http, http.get(
            path + "?group=ViosSCSIMapping", headers={"X-API-Session": token}) as r:
        text = await r.text()
        etag = r.headers["ETag"]
    root = etree.fromstring(text.encode())
    vios = root.find(f".//{UOM}VirtualIOServer")
    body = etree.tostring(vios).decode()
    assert old in body, old
    return await call(rest, "POST", path, token, body.replace(old, new, 1),
                      **{"Content-Type": VIOS_TYPE, "If-Match": etag})


async def test_updates_this_console_cannot_apply_are_refused(rest: Rest) -> None:
    before = rest.engine.snapshot().frame.partition("vios1")
    t = await _token(rest)
    pv = '<PhysicalVolume schemaVersion="V1_0">'
    lu = '<LogicalUnit schemaVersion="V1_0"><UnitName>lu1</UnitName></LogicalUnit>'
    slot = '<VirtualSlotNumber kb="COD" kxe="false">{}<'
    for old, new, code, words in (
            (pv, lu + pv, "HSCL1385", "The storage type LogicalUnit"),
            (slot.format(13), slot.format(2), "HSCL1386",
             "Slot 2 of the Virtual I/O Server vios1 is not a virtual SCSI server adapter"),
            (slot.format(13), slot.format("x13"), "HSCL1365",
             "The request is not valid: VirtualSlotNumber 'x13'"),
            ('kxe="false">oradb01_rootvg<', 'kxe="false">a b;rm<', "HSCL1365",
             "The request is not valid: TargetName 'a b;rm' of a mapping on vios1 is not a "
             "device name"),
            ('<VolumeName kb="CUR" kxe="false">hdisk2</VolumeName>', "", "HSCL1365",
             "The request is not valid: the PhysicalVolume of a mapping on vios1 has no "
             "VolumeName"),
    ):
        status, body = await _post(rest, t, old, new)
        assert status == 400, body
        said = error(body)[1]
        assert said.startswith(f"{code} {words}"), said
    # what the VIOS refuses comes back as its own message, as over viosvrcmd
    vhost6 = "V10-C2</ServerLocationCode></ServerAdapter>"  # vhost6 has no VTD
    status, body = await _post(rest, t, vhost6, vhost6 + "<Storage><PhysicalVolume><VolumeName>"
                               "hdisk99</VolumeName></PhysicalVolume></Storage>")
    said = error(body)[1]
    assert (status, said.split()[0]) == (400, "HSCL2970"), said
    assert "hdisk99" in said
    # a viewer's real change (hdisk2 unmapped from oradb01) is refused by role
    view = await _token(rest, "view")
    target = '<TargetName kb="CUR" kxe="false">{}<'
    status, body = await _post(rest, view, target.format("oradb01_rootvg"), target.format("x"))
    assert (status, error(body)[1].split()[0]) == (403, "HSCL350B")
    assert rest.engine.snapshot().frame.partition("vios1") == before


def test_a_vios_posted_back_unchanged_or_with_a_vtd_moved_to_other_storage() -> None:
    """The diff alone (no server): the VIOS as read is no change; a VTD name posted with
    other storage is rmvdev of the old device and mkvdev of the new one under that name."""
    from engine.store import demo_frame
    from hmc_tui.rest import objects, vios_storage_updates
    from hmc_tui.rest import xml as x

    frame = demo_frame()
    urls = objects.Urls("https://h/rest/api/uom", frame)
    for v in frame.partitions[:2]:
        doc = x.parse(x.to_bytes(objects.partition(frame, urls, v)), "VirtualIOServer")
        assert vios_storage_updates.changes(frame, v, doc) == []
    v = frame.partitions[0]
    text = x.to_bytes(objects.partition(frame, urls, v, frozenset({"ViosSCSIMapping"})))
    old = b'<VolumeName kb="CUR" kxe="false">hdisk2<'
    doc = x.parse(text.replace(old, old.replace(b"hdisk2", b"hdisk9"), 1), "VirtualIOServer")
    assert [o.model_dump(exclude={"system"}) for o in
            vios_storage_updates.changes(frame, v, doc)] == [
        {"op": "unmap_vscsi", "vios": "vios1", "vtd": "oradb01_rootvg"},
        {"op": "map_vscsi", "vios": "vios1", "vhost_slot": 13, "backing": "hdisk9",
         "vtd": "oradb01_rootvg", "force": False}]


def test_a_new_mapping_that_names_no_client_is_refused() -> None:
    """No server slot and no AssociatedLogicalPartition: no adapter pair can be made."""
    from engine.errors import HmcError
    from engine.store import demo_frame
    from hmc_tui.rest import objects, vios_storage_updates
    from hmc_tui.rest import xml as x

    frame = demo_frame()
    v = frame.partitions[0]
    urls = objects.Urls("https://h/rest/api/uom", frame)
    text = x.to_bytes(objects.partition(frame, urls, v, frozenset({"ViosFCMapping"})))
    bare = (b'<VirtualFibreChannelMapping schemaVersion="V1_0"><Port><PortName>fcs0</PortName>'
            b"</Port><ServerAdapter><AdapterType>Server</AdapterType></ServerAdapter>"
            b"</VirtualFibreChannelMapping></VirtualFibreChannelMappings>")
    doc = x.parse(text.replace(b"</VirtualFibreChannelMappings>", bare), "VirtualIOServer")
    try:
        vios_storage_updates.changes(frame, v, doc)
    except HmcError as exc:
        assert str(exc).startswith("HSCL1384 A virtual fibre channel mapping of the Virtual "
                                   "I/O Server vios1 has no server slot"), str(exc)
    else:
        raise AssertionError("accepted")


MALFORMED = [
    # (what replaces the first vSCSI mapping of vios1, the HSCL code or "" when applied)
    ('<VirtualSCSIMapping><ServerAdapter><VirtualSlotNumber>99999999999</VirtualSlotNumber>'
     "</ServerAdapter></VirtualSCSIMapping>", "HSCL1386"),
    ("<VirtualSCSIMapping><ServerAdapter/><Storage/><TargetDevice/></VirtualSCSIMapping>",
     "HSCL1384"),
    ('<VirtualSCSIMapping><AssociatedLogicalPartition href="https://h/x/%%%"/>'
     "<ServerAdapter/></VirtualSCSIMapping>", "HSCL1384"),
    ('<VirtualSCSIMapping><AssociatedLogicalPartition href="{client}"/><ClientAdapter>'
     "<VirtualSlotNumber>-1</VirtualSlotNumber></ClientAdapter><ServerAdapter/><Storage>"
     "<PhysicalVolume><VolumeName>hdisk99</VolumeName></PhysicalVolume></Storage>"
     "</VirtualSCSIMapping>", "HSCL0A0F"),
    ('<VirtualSCSIMapping><AssociatedLogicalPartition href="{vios}"/><ServerAdapter/>'
     "</VirtualSCSIMapping>", "HSCL1384"),  # a VIOS is no client
    ("<VirtualSCSIMapping><ServerAdapter><VirtualSlotNumber>13</VirtualSlotNumber>"
     "</ServerAdapter><Storage><VirtualOpticalMedia><MediaName>nope.iso</MediaName>"
     "</VirtualOpticalMedia></Storage></VirtualSCSIMapping>", "HSCL2970"),
    ("<VirtualSCSIMapping><ServerAdapter><VirtualSlotNumber>13</VirtualSlotNumber>"
     "</ServerAdapter><TargetDevice><PhysicalVolumeVirtualTargetDevice/></TargetDevice>"
     "</VirtualSCSIMapping>", ""),  # an empty target device: nothing to map
]


@pytest.mark.parametrize("mapping,code", MALFORMED)
def test_malformed_mappings_are_refused_with_a_code(mapping: str, code: str) -> None:
    """Whatever a body holds, the diff and the operations it makes end in a result or an
    HmcError with a code, never another exception (the server would answer 500)."""
    from engine.errors import HmcError
    from engine.roles import Actor
    from engine.service import Engine
    from engine.store import demo_frame
    from hmc_tui.rest import objects, vios_storage_updates
    from hmc_tui.rest import xml as x

    frame = demo_frame()
    v, oradb = frame.partitions[0], frame.partition("oradb01")
    assert oradb is not None
    urls = objects.Urls("https://h/rest/api/uom", frame)
    text = x.to_bytes(objects.partition(frame, urls, v, frozenset({"ViosSCSIMapping"})))
    start = text.index(b"<VirtualSCSIMapping ")
    end = text.index(b"</VirtualSCSIMapping>") + len(b"</VirtualSCSIMapping>")
    body = mapping.format(client=urls.lpar(oradb), vios=urls.lpar(v)).replace(
        "<VirtualSCSIMapping>", '<VirtualSCSIMapping schemaVersion="V1_0">')
    doc = x.parse(text[:start] + body.encode() + text[end:], "VirtualIOServer")
    engine = Engine(frame, mode="stepped")
    got = ""
    try:
        for op in vios_storage_updates.changes(frame, v, doc):
            result = engine.execute(op, Actor())
            if not result.ok:
                got = result.code
                break
    except HmcError as exc:
        got = exc.code
    assert got == code


def test_dropping_groups_from_the_whole_vios_equals_rendering_them() -> None:
    """uom renders a VIOS whole once (for its ETag) and drops the groups not asked for:
    the same bytes as rendering only the groups asked."""
    import itertools

    from engine.store import demo_frame
    from hmc_tui.rest import objects
    from hmc_tui.rest import xml as x

    frame = demo_frame()
    urls = objects.Urls("https://h/rest/api/uom", frame)
    groups = ("ViosStorage", "ViosSCSIMapping", "ViosFCMapping")
    for v in frame.partitions[:2]:
        for n in range(4):
            for chosen in itertools.combinations(groups, n):
                whole = objects.partition(frame, urls, v)
                vios_storage.keep_groups(whole, frozenset(chosen))
                assert x.to_bytes(whole) == x.to_bytes(
                    objects.partition(frame, urls, v, frozenset(chosen))), chosen
