"""The HMC's XML: Atom feeds and entries wrapping objects in the uom and web namespaces.

Built with lxml (per-element default namespaces, as the HMC writes them). What the HMC
sends (pypowervm's recorded responses in its tests/data) is namespaced XML, each object
element carrying a
`schemaVersion`, a `<Metadata><Atom>` header and `kb`/`kxe` attributes on its leaves
(pypowervm ignores those; we write them as the HMC does for the elements clients edit).
Request bodies are parsed by a parser that resolves no entities and reads nothing from the
network, after the server has capped their size.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any, TypeAlias

from lxml import etree as ET

from engine.text import escape_controls

ATOM_NS = "http://www.w3.org/2005/Atom"
UOM_NS = "http://www.ibm.com/xmlns/systems/power/firmware/uom/mc/2012_10/"
WEB_NS = "http://www.ibm.com/xmlns/systems/power/firmware/web/mc/2012_10/"
SCHEMA_VERSION = "V1_0"
AUTHOR = "IBM Power Systems Management Console"

Element: TypeAlias = Any  # lxml.etree._Element (lxml ships no type hints)
_PARSER = ET.XMLParser(resolve_entities=False, no_network=True, huge_tree=False,
                       remove_blank_text=True)

ATOM_TYPE = "application/atom+xml; charset=UTF-8"
UOM_TYPE = "application/vnd.ibm.powervm.uom+xml; type={}"
WEB_TYPE = "application/vnd.ibm.powervm.web+xml; type={}"


class BadXml(ValueError):
    """A request body that is not the XML the URL expects; str() says what is wrong."""


def element(tag: str, ns: str = UOM_NS, *, schema: bool = True, atom_id: str = "",
            attrib: dict[str, str] | None = None) -> Element:
    """An object element with the HMC's header: schemaVersion and Metadata/Atom[/AtomID]."""
    node = ET.Element(f"{{{ns}}}{tag}", attrib or {}, nsmap={None: ns})
    if schema:
        node.set("schemaVersion", SCHEMA_VERSION)
    meta = ET.SubElement(node, f"{{{ns}}}Metadata")
    atom = ET.SubElement(meta, f"{{{ns}}}Atom")
    if atom_id:
        ET.SubElement(atom, f"{{{ns}}}AtomID").text = atom_id
    return node


def leaf(parent: Element, tag: str, value: object, kb: str = "ROR") -> Element:
    """A value element; booleans as the HMC writes them (true/false)."""
    ns = parent.tag[1:].split("}", 1)[0]
    node = ET.SubElement(parent, f"{{{ns}}}{tag}", {"kb": kb, "kxe": "false"})
    node.text = _text(value)
    return node


def child(parent: Element, tag: str, *, schema: bool = True) -> Element:
    """A nested structure element (with its own Metadata header, as the HMC sends)."""
    ns = parent.tag[1:].split("}", 1)[0]
    node = ET.SubElement(parent, f"{{{ns}}}{tag}", {"kb": "CUD", "kxe": "false"})
    if schema:
        node.set("schemaVersion", SCHEMA_VERSION)
        ET.SubElement(ET.SubElement(node, f"{{{ns}}}Metadata"), f"{{{ns}}}Atom")
    return node


def link(parent: Element, tag: str, href: str, kb: str = "CUD") -> Element:
    ns = parent.tag[1:].split("}", 1)[0]
    return ET.SubElement(parent, f"{{{ns}}}{tag}",
                         {"kb": kb, "kxe": "false", "href": href, "rel": "related"})


def _text(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return f"{value:.2f}"
    return str(value)


def _stamp(when: datetime | None = None) -> str:
    return (when or datetime.now(UTC)).isoformat(timespec="milliseconds")


def entry(obj: Element, *, uuid: str, self_href: str, content_type: str,
          title: str | None = None, etag: str = "") -> Element:
    """An Atom entry wrapping `obj`; with `etag`, the entry carries it as the HMC's feeds
    do (`<etag:etag>` in the uom namespace, which pypowervm reads for each entry)."""
    node = ET.Element(f"{{{ATOM_NS}}}entry", nsmap={None: ATOM_NS})
    ET.SubElement(node, f"{{{ATOM_NS}}}id").text = uuid
    ET.SubElement(node, f"{{{ATOM_NS}}}title").text = title or obj.tag.rsplit("}", 1)[-1]
    ET.SubElement(node, f"{{{ATOM_NS}}}published").text = _stamp()
    if self_href:
        ET.SubElement(node, f"{{{ATOM_NS}}}link", {"rel": "SELF", "href": self_href})
    author = ET.SubElement(node, f"{{{ATOM_NS}}}author")
    ET.SubElement(author, f"{{{ATOM_NS}}}name").text = AUTHOR
    if etag:
        ET.SubElement(node, f"{{{UOM_NS}}}etag", nsmap={"etag": UOM_NS}).text = etag
    ET.SubElement(node, f"{{{ATOM_NS}}}content", {"type": content_type}).append(obj)
    return node


_HOSTS = re.compile(rb'href="https?://[^/"]*')


def object_etag(obj: Element) -> str:
    """The ETag of one object: a digest of its own XML, the same in a feed's entry and in
    a read of the object alone, whatever host name the client reached us by (links are
    absolute: their scheme and host are left out of the digest)."""
    return etag_of(_HOSTS.sub(b'href="', ET.tostring(obj)))


def feed(entries: Iterable[Element], *, feed_id: str, self_href: str) -> Element:
    node = ET.Element(f"{{{ATOM_NS}}}feed", nsmap={None: ATOM_NS})
    ET.SubElement(node, f"{{{ATOM_NS}}}id").text = feed_id
    ET.SubElement(node, f"{{{ATOM_NS}}}updated").text = _stamp()
    ET.SubElement(node, f"{{{ATOM_NS}}}link", {"rel": "SELF", "href": self_href})
    ET.SubElement(node, f"{{{ATOM_NS}}}generator").text = AUTHOR
    node.extend(entries)
    return node


def to_bytes(node: Element) -> bytes:
    # No XML declaration: pypowervm parses the decoded text, and lxml refuses a str that
    # declares an encoding (the HMC's feeds have none either).
    return bytes(ET.tostring(node, encoding="UTF-8", xml_declaration=False))


_STAMPS = re.compile(rb"<(published|updated)>[^<]*</(published|updated)>")


def etag_of(body: bytes) -> str:
    """The ETag of a representation: a digest of its bytes without the volatile time stamps
    (published/updated), so an unchanged object keeps its ETag between reads."""
    stable = _STAMPS.sub(b"", body)
    return hashlib.sha1(stable, usedforsecurity=False).hexdigest()[:16]


def parse(body: bytes, root: str) -> Element:
    """The object element named `root` in `body`: the document itself or the one an Atom
    entry wraps in its content. Raises BadXml (one line) otherwise."""
    try:
        doc = ET.fromstring(body, _PARSER)
    except ET.XMLSyntaxError as exc:
        raise BadXml(f"the request body is not well-formed XML ({exc})") from None
    if local(doc.tag) == "entry":
        content = next((c for c in doc if local(c.tag) == "content"), None)
        inner = [c for c in content if isinstance(c.tag, str)] if content is not None else []
        if not inner:
            raise BadXml("the Atom entry in the request body has no content")
        doc = inner[0]
    if local(doc.tag) != root:
        raise BadXml(f"expected a {root} element in the request body, got {local(doc.tag)}")
    return doc


def local(tag: object) -> str:
    """An element's name without its namespace ("" for comments and processing
    instructions, whose tag is not a string)."""
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def find_text(node: Element, *path: str) -> str | None:
    """Text of the first descendant along `path` (local names, any namespace)."""
    current: Element | None = node
    for name in path:
        assert current is not None
        current = next((c for c in current if local(c.tag) == name), None)
        if current is None:
            return None
    return (current.text or "").strip() if current is not None else None


def http_error(status: int, uri: str, reason: str, message: str) -> bytes:
    """The HMC's HttpErrorResponse, in an Atom entry (pypowervm's http_error wrapper)."""
    obj = element("HttpErrorResponse", WEB_NS)
    leaf(obj, "HTTPStatus", status)
    leaf(obj, "RequestURI", escape_controls(uri))  # XML cannot hold most control characters
    leaf(obj, "ReasonCode", reason)
    leaf(obj, "Message", message, kb="ROO")
    return to_bytes(entry(obj, uuid="", self_href="", content_type=WEB_TYPE.format(
        "HttpErrorResponse")))
