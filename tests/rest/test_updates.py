"""Updates as the Ansible collection's DLPAR module sends them (hmc_rest_client.py
updateLogicalPartition: the partition read with its namespaces stripped, the first
DesiredMemory changed, POSTed without If-Match), and the roles and states around them."""

from __future__ import annotations

import asyncio

from lxml import etree

from hmc_tui.rest import uuids
from tests.rest.conftest import Rest
from tests.rest.test_errors import call, error

UOM_NS = "http://www.ibm.com/xmlns/systems/power/firmware/uom/mc/2012_10/"
# hmc_rest_client.py's LPAR_NS: the stripped root gets its namespaces back.
LPAR_NS = (f'LogicalPartition xmlns:LogicalPartition="{UOM_NS}" xmlns="{UOM_NS}" '
           'xmlns:ns2="http://www.w3.org/XML/1998/namespace/k2"')
LPAR_TYPE = "application/vnd.ibm.powervm.uom+xml; type=LogicalPartition"


def strip(body: str) -> etree._Element:
    """xml_strip_namespace of the Ansible collection, in short."""
    root = etree.fromstring(body.encode())
    for el in root.iter():
        if isinstance(el.tag, str) and "}" in el.tag:
            el.tag = el.tag.split("}", 1)[1]
    etree.cleanup_namespaces(root)
    return root


async def _lpar(rest: Rest, token: str, name: str) -> tuple[str, etree._Element]:
    frame = rest.engine.snapshot().frame
    p = frame.partition(name)
    assert p is not None
    path = f"/rest/api/uom/LogicalPartition/{uuids.partition_uuid(frame.system, p)}"
    status, body = await call(rest, "GET", path, token)
    assert status == 200
    return path, strip(body).xpath("//LogicalPartition")[0]


async def test_ansible_dlpar_of_memory(rest: Rest) -> None:
    async with rest.client() as http:
        t = await rest.logon(http, "oper")  # hmcoperator may run DLPAR
    path, dom = await _lpar(rest, t, "was01")
    assert dom.xpath("//AtomID")[0].text == path.rsplit("/", 1)[1]
    dom.xpath("//DesiredMemory")[0].text = str(32768 + 4096)
    body = etree.tostring(dom).decode().replace("LogicalPartition", LPAR_NS, 1)
    status, text = await call(rest, "POST", path, t, body, **{"Content-Type": LPAR_TYPE})
    assert status == 200, text
    assert strip(text).xpath("//CurrentMemory")[0].text == "36864"
    cur = rest.engine.snapshot().frame.partition("was01").current  # type: ignore[union-attr]
    assert cur is not None and cur.desired_mem == 36864


async def test_inactive_partition_changes_its_profile_and_is_renamed(rest: Rest) -> None:
    async with rest.client() as http:
        t = await rest.logon(http)
    path, dom = await _lpar(rest, t, "sandbox01")
    dom.xpath("//DesiredProcessingUnits")[0].text = "0.50"
    dom.xpath("//DesiredVirtualProcessors")[0].text = "2"
    dom.xpath("//PartitionName")[0].text = "sandbox99"
    status, text = await call(rest, "POST", path, t, etree.tostring(dom),
                              **{"Content-Type": LPAR_TYPE})
    assert status == 200, text
    p = rest.engine.snapshot().frame.partition("sandbox99")
    assert p is not None and p.state == "Not Activated"
    prof = p.profile(p.default_profile)
    assert prof is not None and (prof.desired_proc_units, prof.desired_procs) == (0.5, 2)
    assert strip(text).xpath("//PartitionName")[0].text == "sandbox99"


async def test_a_viewer_may_not_update_and_a_bad_value_is_refused(rest: Rest) -> None:
    async with rest.client() as http:
        t = await rest.logon(http, "view")
    path, dom = await _lpar(rest, t, "was01")
    dom.xpath("//DesiredMemory")[0].text = "65536"
    status, text = await call(rest, "POST", path, t, etree.tostring(dom),
                              **{"Content-Type": LPAR_TYPE})
    assert status == 403
    assert error(text)[1] == ("HSCL350B The user view does not have the appropriate authority "
                              "to perform dynamic logical partitioning.")
    dom.xpath("//DesiredMemory")[0].text = "lots"
    status, text = await call(rest, "POST", path, t, etree.tostring(dom),
                              **{"Content-Type": LPAR_TYPE})
    assert status == 400 and "DesiredMemory is not a number: 'lots'" in error(text)[1]
    await asyncio.sleep(0)
    cur = rest.engine.snapshot().frame.partition("was01").current  # type: ignore[union-attr]
    assert cur is not None and cur.desired_mem == 32768


async def test_ansible_pool_move_and_sharing_mode(rest: Rest) -> None:
    """updateProcPool / updateProcSharingMode: the first SharedProcessorPoolID and
    SharingMode of the partition's XML."""
    async with rest.client() as http:
        t = await rest.logon(http)
    path, dom = await _lpar(rest, t, "was01")
    dom.xpath("//SharedProcessorPoolID")[0].text = "1"
    status, text = await call(rest, "POST", path, t, etree.tostring(dom),
                              **{"Content-Type": LPAR_TYPE})
    assert status == 200, text
    assert strip(text).xpath("//CurrentSharedProcessorPoolID")[0].text == "1"
    path, dom = await _lpar(rest, t, "was01")
    dom.xpath("//SharingMode")[0].text = "capped"
    status, text = await call(rest, "POST", path, t, etree.tostring(dom),
                              **{"Content-Type": LPAR_TYPE})
    assert status == 400 and "HSCL1369" in error(text)[1]
    path, dom = await _lpar(rest, t, "dev02")  # not activated: its profile changes
    dom.xpath("//SharingMode")[0].text = "capped"
    status, text = await call(rest, "POST", path, t, etree.tostring(dom),
                              **{"Content-Type": LPAR_TYPE})
    assert status == 200, text
    p = rest.engine.snapshot().frame.partition("dev02")
    assert p is not None and p.settings().sharing_mode == "cap"


async def test_delete_of_a_partition(rest: Rest) -> None:
    async with rest.client() as http:
        t = await rest.logon(http)
    path, _ = await _lpar(rest, t, "sandbox01")
    running, _ = await _lpar(rest, t, "dev01")
    status, text = await call(rest, "DELETE", running, t)
    assert status == 400 and error(text)[1].startswith("HSCL")  # running: refused
    status, _ = await call(rest, "DELETE", path, t)
    assert status == 204
    assert rest.engine.snapshot().frame.partition("sandbox01") is None
    status, _ = await call(rest, "GET", path, t)
    assert status == 404
