"""Names and text: what a name may be made of, and no control character anywhere.

Names (HSCL0A16). The managed system, partitions, profiles, shared processor pools and
virtual switches have names an operator types and every screen shows. The HMC's own help
(HMC V7R3.4, "Partition Migration: Profile Name") says a profile name is up to 31
characters of letters A-Z and a-z, digits, spaces and `, . / ; : ~ @ # ^ - _ = + { }`,
with no accented letters. IBM's PowerVM REST library (pypowervm, `util.
sanitize_partition_name_for_api`) gives the same set for partition names plus `!` and `%`.
Partition and profile names take the union of the two, with no space at either end (ours:
a CLI attribute list or a column would silently lose it).

For the managed system, shared processor pools and virtual switches IBM documents no
character set, and real systems carry names outside the partition set (a system renamed
`Prod (DC1) & DR`, accented letters in a pool name): a capture of such a frame must import.
Those names are only checked for what every name needs: at least one character, no control
character (the text rule's reason: a terminal would act on it) and the length
(`Field(max_length=...)`: system 63, pool 63; 31 for a virtual switch, which the model
leaves open). See docs/powervm-rules.md ("Names").

Text (HSCL0A17). No other text of the frame (OS version, reference code, descriptions,
location codes, device names, ...) may hold a control character
(C0, DEL or C1, `engine.text.CONTROL`): a terminal would act on it, so nothing from the
frame can ever ring, move the cursor or retitle a viewer's window. Any other unicode is
fine there. The fields are listed in `TEXT_FIELDS`; names are left to the stricter name
rule, so one bad name gives one error.

Speed: both run in `check_frame` on every operation. Names are a few thousand short
strings, each checked by one compiled `fullmatch`. The free text is gathered into one list
(`_all_text`) and joined for a single search; only when that finds something does the
detailed pass run to name the field.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from operator import attrgetter

from annotated_types import MaxLen
from pydantic import BaseModel

from engine.errors import HmcError
from engine.model import (
    Disk,
    Fault,
    Frame,
    ManagedSystem,
    MediaRepository,
    NpivMapping,
    Partition,
    PhysicalAdapter,
    PhysicalPort,
    Profile,
    RefcodeEntry,
    SeaTakeover,
    ServiceEvent,
    SharedEthernetAdapter,
    SharedPool,
    VirtualEth,
    VscsiMapping,
)
from engine.rules.common import Problems
from engine.rules.index import FrameIndex
from engine.text import CONTROL

NAME_SPECIALS = " ,./;:~@#^-_=+{}!%"  # the HMC's list, plus ! and % from pypowervm
_INNER = r"[A-Za-z0-9 ,./;:~@#^\-_=+{}!%]"
_END = r"[A-Za-z0-9,./;:~@#^\-_=+{}!%]"  # no space at either end
_NAME_CHAR = re.compile(_INNER)
_NAME = re.compile(rf"{_END}(?:{_INNER}*{_END})?")
_NAME_LIST = re.compile(rf"{_END}(?:{_INNER}*{_END})?(?:\n{_END}(?:{_INNER}*{_END})?)*")
VSWITCH_MAX = 31  # ours: the model sets no limit and IBM's documents give none we found


def _max_len(model: type[BaseModel], field: str) -> int:
    """The model's `max_length` of a name field: the length lives in the model only."""
    for meta in model.model_fields[field].metadata:
        if isinstance(meta, MaxLen):
            return meta.max_length
    raise LookupError(f"{model.__name__}.{field} has no max_length")


NAME_MAX = {
    "managed system name": _max_len(ManagedSystem, "name"),
    "partition name": _max_len(Partition, "name"),
    "profile name": _max_len(Profile, "name"),
    "shared processor pool name": _max_len(SharedPool, "name"),
    "virtual switch name": VSWITCH_MAX,
}
# Fields the name rule owns; the text rule skips them (one error per bad value).
NAME_FIELDS = frozenset({
    (ManagedSystem, "name"), (Partition, "name"), (Profile, "name"), (SharedPool, "name"),
    (VirtualEth, "vswitch"),
})


# The kinds of name held to IBM's partition / profile character set; the others (IBM
# documents none) only to length and no control character.
STRICT_NAMES = frozenset({"partition name", "profile name"})


def name_problem(name: str, what: str) -> str | None:
    """Why `name` cannot be a `what` (a key of NAME_MAX), or None when it can."""
    limit = NAME_MAX[what]
    strict = what in STRICT_NAMES
    if len(name) <= limit and (_NAME.fullmatch(name) if strict else (
            name and not CONTROL.search(name))):
        return None
    if not name:
        return "a name has at least one character."
    if len(name) > limit:
        return f"a {what} has at most {limit} characters, not {len(name)}."
    if not strict:
        bad = CONTROL.search(name)
        assert bad is not None
        return f"the character U+{ord(bad.group()):04X} is not allowed (a control character)"
    found = next((c for c in name if not _NAME_CHAR.fullmatch(c)), None)
    if found is not None:
        shown = f"U+{ord(found):04X}" if found.isspace() or CONTROL.fullmatch(found) else found
        return (f"the character {shown} is not allowed; use letters A-Z a-z, digits, spaces "
                f"and {NAME_SPECIALS[1:]}")
    return "a name cannot begin or end with a space."


def _name_error(name: str, what: str, path: str) -> HmcError | None:
    reason = name_problem(name, what)
    return None if reason is None else HmcError("HSCL0A16", path, what=what, value=name,
                                                reason=reason)


def _names_ok(frame: Frame) -> bool:
    """Every rule of `_names` at once, for the common all-good case (speed only)."""
    parts = frame.partitions
    groups = (
        ([frame.system.name], "managed system name"),
        ([p.name for p in parts], "partition name"),
        ([q.name for p in parts for q in p.profiles], "profile name"),
        ([pool.name for pool in frame.pools[1:]], "shared processor pool name"),
        (list({a.vswitch for p in parts for a in p.adapters if a.type == "eth"}),
         "virtual switch name"),
    )
    return all(
        not found
        or (max(map(len, found)) <= NAME_MAX[what] and (
            bool(_NAME_LIST.fullmatch("\n".join(found))) if what in STRICT_NAMES
            else min(map(len, found)) > 0 and not CONTROL.search("".join(found))))
        for found, what in groups
    )


def _names(ix: FrameIndex) -> Problems:
    frame = ix.frame
    if _names_ok(frame):
        return
    err = _name_error(frame.system.name, "managed system name", "system.name")
    if err is not None:
        yield err
    for k, pool in enumerate(frame.pools):
        if pool.id and (err := _name_error(pool.name, "shared processor pool name",
                                           f"pools[{k}].name")):
            yield err  # DefaultPool's name is fixed, and checked by the pool rules
    for i, p in enumerate(frame.partitions):
        path = f"partitions[{i}]"
        if err := _name_error(p.name, "partition name", f"{path}.name"):
            yield err
        for j, prof in enumerate(p.profiles):
            if err := _name_error(prof.name, "profile name", f"{path}.profiles[{j}].name"):
                yield err
        seen: set[str] = set()
        for j, a in enumerate(p.adapters):
            if isinstance(a, VirtualEth) and a.vswitch not in seen:
                seen.add(a.vswitch)
                if err := _name_error(a.vswitch, "virtual switch name",
                                      f"{path}.adapters[{j}].vswitch"):
                    yield err


# The free text of the frame, by model: every other `str` field is a name (above), a
# Literal or pattern the model enforces, or must equal a name or device checked here (a
# profile, disk or port name, a workload kind). tests/engine/test_rules_names.py keeps this
# table complete: a new text field must be classified there before it can be loaded.
TEXT_FIELDS: dict[type[BaseModel], tuple[str, ...]] = {
    ManagedSystem: ("firmware", "ipaddr"),
    PhysicalAdapter: ("location", "description"),
    PhysicalPort: ("name", "location", "fabric"),
    Disk: ("name", "unique_id"),
    Partition: ("os_version", "refcode", "rmc_ipaddr", "default_profile", "curr_profile"),
    VscsiMapping: ("vtd", "backing"),
    NpivMapping: ("port",),
    SharedEthernetAdapter: ("name", "physical"),
    MediaRepository: ("pool",),
    RefcodeEntry: ("refcode",),
    Fault: ("target",),
    ServiceEvent: ("refcode", "text", "fru"),
    SeaTakeover: ("sea",),
}
_GET = {model: attrgetter(*fields) for model, fields in TEXT_FIELDS.items()}


def _texts(ix: FrameIndex) -> Problems:
    frame = ix.frame
    if not CONTROL.search("".join(_all_text(frame))):
        return
    for path, model in _text_models(frame):
        for field in TEXT_FIELDS[type(model)]:
            value: str = getattr(model, field)
            found = CONTROL.search(value)
            if found is not None:
                where = f"{path}.{field}" if path else field
                yield HmcError("HSCL0A17", where, field=where, value=value,
                               char=found.group())


def _all_text(frame: Frame) -> list[str]:
    """Every free text of the frame, gathered for one regular-expression search (speed)."""
    out = list(_GET[ManagedSystem](frame.system))
    adapter, port, disk = _GET[PhysicalAdapter], _GET[PhysicalPort], _GET[Disk]
    for ad in frame.io.adapters:
        out.extend(adapter(ad))
        for pt in ad.ports:
            out.extend(port(pt))
    for d in frame.io.disks:
        out.extend(disk(d))
    partition, vscsi, sea = _GET[Partition], _GET[VscsiMapping], _GET[SharedEthernetAdapter]
    for p in frame.partitions:
        out.extend(partition(p))
        for m in p.vscsi_mappings:
            out.extend(vscsi(m))
        out.extend(m.port for m in p.npiv_mappings)
        for s in p.seas:
            out.extend(sea(s))
        out.extend(e.refcode for e in p.refcode_history)
        if p.media_repository is not None:
            out.append(p.media_repository.pool)
    out.extend(f.target for f in frame.faults)
    fault_event = _GET[ServiceEvent]
    for e in frame.svc_events:
        out.extend(fault_event(e))
    out.extend(t.sea for t in frame.sea_takeovers)
    return out


def _text_models(frame: Frame) -> Iterator[tuple[str, BaseModel]]:
    """Every model holding free text, with its path, in the frame file's order."""
    yield "system", frame.system
    for k, ad in enumerate(frame.io.adapters):
        yield f"io.adapters[{k}]", ad
        for m, pt in enumerate(ad.ports):
            yield f"io.adapters[{k}].ports[{m}]", pt
    for k, d in enumerate(frame.io.disks):
        yield f"io.disks[{k}]", d
    for i, p in enumerate(frame.partitions):
        path = f"partitions[{i}]"
        yield path, p
        for field in ("vscsi_mappings", "npiv_mappings", "seas", "refcode_history"):
            for k, item in enumerate(getattr(p, field)):
                yield f"{path}.{field}[{k}]", item
        if p.media_repository is not None:
            yield f"{path}.media_repository", p.media_repository
    for k, f in enumerate(frame.faults):
        yield f"faults[{k}]", f
    for k, e in enumerate(frame.svc_events):
        yield f"svc_events[{k}]", e
    for k, t in enumerate(frame.sea_takeovers):
        yield f"sea_takeovers[{k}]", t
