"""uom reads over raw HTTP: what the Ansible collection and collectors fetch (quick JSON,
searches, ?group= views), Atom structure, UUIDs, ETags and 304s."""

from __future__ import annotations

import asyncio
import json

from lxml import etree
from multidict import CIMultiDict

from engine import ops
from engine.model import Frame
from engine.roles import Actor
from hmc_tui.rest import uuids
from tests.rest.conftest import Rest

ATOM = "{http://www.w3.org/2005/Atom}"
UOM = "{http://www.ibm.com/xmlns/systems/power/firmware/uom/mc/2012_10/}"


async def get(rest: Rest, path: str, token: str, **headers: str
              ) -> tuple[int, CIMultiDict[str], bytes]:
    async with rest.client() as http, http.get(
            path, headers={"X-API-Session": token, **headers}) as resp:
        return resp.status, CIMultiDict(resp.headers), await resp.read()


async def token(rest: Rest, user: str = "hscroot") -> str:
    async with rest.client() as http:
        return await rest.logon(http, user)


def texts(body: bytes, tag: str) -> list[str]:
    return [e.text for e in etree.fromstring(body).iter(f"{UOM}{tag}")]


async def test_console_links_the_system_and_the_system_its_partitions(rest: Rest) -> None:
    t = await token(rest, "view")  # reads need no more than hmcviewer
    frame: Frame = rest.engine.snapshot().frame
    sys_uuid = uuids.system_uuid(frame.system)
    status, _, body = await get(rest, "/rest/api/uom/ManagementConsole", t)
    assert status == 200
    links = [e.get("href") for e in etree.fromstring(body).iter(f"{UOM}link")]
    assert links == [f"{rest.url}/rest/api/uom/ManagedSystem/{sys_uuid}"]
    # What hmci's ManagementConsoleEntry reads besides the links.
    assert texts(body, "ManagementConsoleName") == ["hmc-tui"]
    assert texts(body, "MachineType") + texts(body, "Model") == ["7063", "CR2"]
    assert texts(body, "BaseVersion") == ["V10R1"]
    status, headers, body = await get(rest, f"/rest/api/uom/ManagedSystem/{sys_uuid}", t)
    assert status == 200 and headers["Content-Type"] == "application/atom+xml; charset=UTF-8"
    root = etree.fromstring(body)
    assert root.tag == f"{ATOM}entry" and root.findtext(f"{ATOM}id") == sys_uuid
    assert texts(body, "SystemName") == ["Server-9080-HEX-SN78H4A21"]
    lpar_links = root.find(f".//{UOM}AssociatedLogicalPartitions")
    assert len(lpar_links) == 9  # 11 partitions, 2 of them VIOS
    assert len(root.find(f".//{UOM}AssociatedVirtualIOServers")) == 2


async def test_search_quick_and_group_views_as_ansible_asks(rest: Rest) -> None:
    t = await token(rest)
    frame = rest.engine.snapshot().frame
    sys_uuid = uuids.system_uuid(frame.system)
    status, _, body = await get(
        rest, "/rest/api/uom/ManagedSystem/search/(SystemName=='Server-9080-HEX-SN78H4A21')", t)
    assert status == 200 and texts(body, "AtomID") == [sys_uuid]
    status, _, body = await get(rest, "/rest/api/uom/ManagedSystem/search/(SystemName=='x')", t)
    assert (status, body) == (204, b"")  # the HMC's empty feed
    status, _, body = await get(rest, f"/rest/api/uom/ManagedSystem/{sys_uuid}/quick", t)
    quick = json.loads(body)
    assert (quick["SystemName"], quick["State"], quick["CurrentAvailableSystemProcessorUnits"]
            ) == ("Server-9080-HEX-SN78H4A21", "operating", 20.5)
    status, _, body = await get(
        rest, f"/rest/api/uom/ManagedSystem/{sys_uuid}/LogicalPartition/quick/All", t)
    lpars = {e["PartitionName"]: e for e in json.loads(body)}
    assert len(lpars) == 9 and lpars["nim01"]["PartitionID"] == 11
    nim = frame.partition("nim01")
    assert nim is not None
    assert lpars["nim01"]["UUID"] == uuids.partition_uuid(frame.system, nim)
    assert lpars["sandbox01"]["PartitionState"] == "not activated"
    status, _, body = await get(
        rest, f"/rest/api/uom/ManagedSystem/{sys_uuid}/VirtualIOServer?group=Advanced", t)
    assert status == 200 and texts(body, "PartitionName") == ["vios1", "vios2"]
    assert set(texts(body, "PartitionType")) == {"Virtual IO Server"}
    status, _, body = await get(rest, "/rest/api/uom/LogicalPartition/search/"
                                      "(PartitionName=='oradb01')", t)
    assert texts(body, "PartitionName") == ["oradb01"]
    assert texts(body, "DesiredProcessingUnits") == ["4.00"]


async def test_profiles_pools_and_networks(rest: Rest) -> None:
    t = await token(rest)
    frame = rest.engine.snapshot().frame
    sys_uuid = uuids.system_uuid(frame.system)
    oradb = frame.partition("oradb01")
    assert oradb is not None
    lpar_uuid = uuids.partition_uuid(frame.system, oradb)
    _, _, body = await get(rest, f"/rest/api/uom/LogicalPartition/{lpar_uuid}"
                                 "/LogicalPartitionProfile", t)
    assert texts(body, "ProfileName") == ["default_profile", "month_end"]
    _, _, body = await get(rest, f"/rest/api/uom/ManagedSystem/{sys_uuid}/SharedProcessorPool",
                           t)
    assert texts(body, "PoolName") == ["DefaultPool", "DevTestPool"]
    assert texts(body, "MaximumProcessingUnits") == ["40.00", "8.00"]
    assert texts(body, "CurrentReservedProcessingUnits") == ["0.00", "0.50"]
    _, _, body = await get(rest, f"/rest/api/uom/ManagedSystem/{sys_uuid}/VirtualNetwork"
                                 "/quick/All", t)
    assert [n["NetworkVLANID"] for n in json.loads(body)] == [1, 10, 20, 30, 4000]
    _, _, body = await get(rest, f"/rest/api/uom/ManagedSystem/{sys_uuid}/VirtualSwitch", t)
    assert texts(body, "SwitchName") == ["ETHERNET0"]
    assert len(etree.fromstring(body).find(f".//{UOM}VirtualNetworks")) == 5


async def test_etag_is_stable_304_on_match_and_changes_with_the_object(rest: Rest) -> None:
    t = await token(rest)
    frame = rest.engine.snapshot().frame
    p = frame.partition("sandbox01")
    assert p is not None
    path = f"/rest/api/uom/LogicalPartition/{uuids.partition_uuid(frame.system, p)}"
    _, first, _ = await get(rest, path, t)
    _, again, _ = await get(rest, path, t)
    assert first["ETag"] == again["ETag"]
    status, headers, body = await get(rest, path, t, **{"If-None-Match": first["ETag"]})
    assert (status, body, headers["ETag"]) == (304, b"", first["ETag"])
    await asyncio.to_thread(rest.engine.execute, ops.build(
        {"op": "activate", "lpar": "sandbox01"}), Actor(user="hscroot", role="hmcsuperadmin"))
    status, changed, body = await get(rest, path, t, **{"If-None-Match": first["ETag"]})
    assert status == 200 and changed["ETag"] != first["ETag"]
    assert texts(body, "PartitionState") == ["starting"]



async def test_an_objects_etag_does_not_depend_on_the_host_name_used(rest: Rest) -> None:
    t = await token(rest)
    frame = rest.engine.snapshot().frame
    p = frame.partition("nim01")
    assert p is not None
    path = f"/rest/api/uom/LogicalPartition/{uuids.partition_uuid(frame.system, p)}"
    _, by_ip, body_ip = await get(rest, path, t)
    _, by_name, body_name = await get(rest, path, t, Host=f"localhost:{rest.server.port}")
    assert b"https://localhost:" in body_name and b"https://localhost:" not in body_ip
    assert by_ip["ETag"] == by_name["ETag"]
