"""engine.rules.names: names as the HMC allows them (HSCL0A16), no control character in any
text of the frame (HSCL0A17), and error messages that show such characters escaped.

Positions in the conftest frame: vios1 0, vios2 1, lpar1 2, ibmi1 3; lpar1's slot-6 virtual
Ethernet adapter is adapters[4]; pools[1] is SharedPool01.
"""

from __future__ import annotations

import typing
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import BaseModel

from engine import model, ops
from engine.errors import HmcError
from engine.model import Frame, Profile
from engine.roles import Actor
from engine.rules import check_frame, check_names, check_texts, name_problem, problems
from engine.rules.index import FrameIndex
from engine.rules.names import (
    NAME_FIELDS,
    NAME_MAX,
    TEXT_FIELDS,
    _all_text,
    _names,
    _names_ok,
    _texts,
)
from engine.service import Engine
from engine.store import demo_frame
from engine.text import CONTROL, escape_controls

LPAR1 = 2
Edit = Callable[[Frame], Frame]
ALLOWED_SPECIALS = " ,./;:~@#^-_=+{}!%"


def _swap(items: tuple[Any, ...], k: int, new: Any) -> tuple[Any, ...]:
    return (*items[:k], new, *items[k + 1:])


def part(i: int, **changes: Any) -> Edit:
    return lambda f: f.model_copy(update={"partitions": _swap(
        f.partitions, i, f.partitions[i].model_copy(update=changes))})


def nested(i: int, field: str, k: int, **changes: Any) -> Edit:
    """Change item k of a tuple field of partition i (profiles, adapters, mappings, SEAs)."""
    def edit(f: Frame) -> Frame:
        items = getattr(f.partitions[i], field)
        return part(i, **{field: _swap(items, k, items[k].model_copy(update=changes))})(f)
    return edit


def rename_profile(i: int, name: str) -> Edit:
    """Rename partition i's default (first) profile, and what points at it."""
    def edit(f: Frame) -> Frame:
        p = f.partitions[i]
        old = p.profiles[0].name
        f = nested(i, "profiles", 0, name=name)(f)
        pointers = {k: name for k in ("default_profile", "curr_profile")
                    if getattr(p, k) == old}
        return part(i, **pointers)(f)
    return edit


def system(**changes: Any) -> Edit:
    return lambda f: f.model_copy(update={"system": f.system.model_copy(update=changes)})


def pool(k: int, **changes: Any) -> Edit:
    return lambda f: f.model_copy(update={"pools": _swap(
        f.pools, k, f.pools[k].model_copy(update=changes))})


def io_adapter(k: int, **changes: Any) -> Edit:
    def edit(f: Frame) -> Frame:
        ads = _swap(f.io.adapters, k, f.io.adapters[k].model_copy(update=changes))
        return f.model_copy(update={"io": f.io.model_copy(update={"adapters": ads})})
    return edit


def disk(k: int, **changes: Any) -> Edit:
    def edit(f: Frame) -> Frame:
        disks = _swap(f.io.disks, k, f.io.disks[k].model_copy(update=changes))
        return f.model_copy(update={"io": f.io.model_copy(update={"disks": disks})})
    return edit


def first_error(f: Frame) -> HmcError:
    with pytest.raises(HmcError) as info:
        check_frame(f)
    return info.value


# ---------------------------------------------------------------- names accepted


@pytest.mark.parametrize("edit", [
    part(LPAR1, name="Server-9080-HEX-SN78H4A21"),
    part(LPAR1, name="prod db 01"),  # real HMCs accept spaces inside a name
    part(LPAR1, name="a.b_c-d"),
    part(LPAR1, name="x"),
    part(LPAR1, name="L" * 47),
    part(LPAR1, name="a" + ALLOWED_SPECIALS + "z"),
    part(LPAR1, name="{x}~y^z!50%"),
    rename_profile(LPAR1, "P" * 31),
    rename_profile(LPAR1, "normal, with; punctuation"),
    system(name="S" * 63),
    system(name="Server 9080-HEX SN78H4A21"),
    pool(1, name="Pool for DB/2 = prod"),
    nested(LPAR1, "adapters", 4, vswitch="V" * 31),
    # IBM documents no character set for system, pool and virtual switch names; real
    # frames carry these, so only length and control characters are checked for them.
    system(name="Prod (DC1) & DR"),
    system(name="Zentralrechner Düsseldorf"),
    system(name=" padded "),
    pool(1, name="Pool «Ñoño» | $test *"),
    nested(LPAR1, "adapters", 4, vswitch="vsw<1>"),
    nested(LPAR1, "adapters", 4, vswitch='ETH "prod" (10G)'),
], ids=lambda e: "")
def test_names_accepted(frame: Frame, edit: Edit) -> None:
    f = edit(frame)
    check_frame(f)
    assert problems(f) == []


def test_demo_frame_names_are_valid() -> None:
    check_frame(demo_frame())
    check_names(demo_frame())


# ---------------------------------------------------------------- names refused


@pytest.mark.parametrize(("edit", "path", "shown", "reason"), [
    (part(LPAR1, name="bel\x07x"), "partitions[2].name", "bel\\x07x",
     "the character U+0007 is not allowed"),
    (part(LPAR1, name="\x1b]0;owned\x07"), "partitions[2].name", "\\x1b]0;owned\\x07",
     "the character U+001B is not allowed"),
    (part(LPAR1, name="csi\x9b2J"), "partitions[2].name", "csi\\x9b2J",
     "the character U+009B is not allowed"),
    (part(LPAR1, name="café"), "partitions[2].name", "café",
     "the character é is not allowed"),
    (part(LPAR1, name='a"b'), "partitions[2].name", 'a"b', 'the character " is not allowed'),
    (part(LPAR1, name="a$b"), "partitions[2].name", "a$b", "the character $ is not allowed"),
    (part(LPAR1, name="a(b)"), "partitions[2].name", "a(b)", "the character ( is not allowed"),
    (part(LPAR1, name="a\\b"), "partitions[2].name", "a\\b", "the character \\ is not allowed"),
    (part(LPAR1, name="tab\tx"), "partitions[2].name", "tab\\x09x",
     "the character U+0009 is not allowed"),
    (part(LPAR1, name=" lpar"), "partitions[2].name", " lpar",
     "a name cannot begin or end with a space."),
    (part(LPAR1, name="lpar "), "partitions[2].name", "lpar ",
     "a name cannot begin or end with a space."),
    (part(LPAR1, name=""), "partitions[2].name", "", "a name has at least one character."),
    (part(LPAR1, name="L" * 48), "partitions[2].name", "L" * 48,
     "a partition name has at most 47 characters, not 48."),
    (rename_profile(LPAR1, "P" * 32), "partitions[2].profiles[0].name", "P" * 32,
     "a profile name has at most 31 characters, not 32."),
    (rename_profile(LPAR1, "prof*"), "partitions[2].profiles[0].name", "prof*",
     "the character * is not allowed"),
    (system(name="sys\x1b[2J"), "system.name", "sys\\x1b[2J",
     "the character U+001B is not allowed"),
    (system(name="S" * 64), "system.name", "S" * 64,
     "a managed system name has at most 63 characters, not 64."),
    (pool(1, name="pool\x1bx"), "pools[1].name", "pool\\x1bx",
     "the character U+001B is not allowed (a control character)"),
    (pool(1, name=""), "pools[1].name", "", "a name has at least one character."),
    (nested(LPAR1, "adapters", 4, vswitch="vsw\x85"), "partitions[2].adapters[4].vswitch",
     "vsw\\x85", "the character U+0085 is not allowed (a control character)"),
    (nested(LPAR1, "adapters", 4, vswitch="V" * 32), "partitions[2].adapters[4].vswitch",
     "V" * 32, "a virtual switch name has at most 31 characters, not 32."),
], ids=lambda v: "" if callable(v) else None)
def test_names_refused(frame: Frame, edit: Edit, path: str, shown: str, reason: str) -> None:
    f = edit(frame)
    err = first_error(f)
    assert (err.code, err.path) == ("HSCL0A16", path)
    assert f" {shown} is not valid: {reason}" in err.message
    assert not CONTROL.search(str(err))  # never a raw control character in a message
    # One bad name is one problem: the text rule leaves names to the name rule.
    assert [(e.code, e.path) for e in problems(f)] == [("HSCL0A16", path)]
    with pytest.raises(HmcError) as info:
        check_names(f)
    assert info.value.path == path


def test_name_message_lists_what_is_allowed() -> None:
    assert name_problem("a&b", "partition name") == (
        "the character & is not allowed; use letters A-Z a-z, digits, spaces and "
        ",./;:~@#^-_=+{}!%")
    assert name_problem("ok name", "partition name") is None
    assert NAME_MAX == {"managed system name": 63, "partition name": 47, "profile name": 31,
                        "shared processor pool name": 63, "virtual switch name": 31}


def test_default_pool_name_is_left_to_the_pool_rule(frame: Frame) -> None:
    err = first_error(pool(0, name="Default*")(frame))
    assert (err.code, err.path) == ("HSCL0A0C", "pools[0].name")


# ---------------------------------------------------------------- text refused and accepted


@pytest.mark.parametrize(("edit", "path", "shown"), [
    (part(LPAR1, os_version="AIX 7.3\x1b[2J"), "partitions[2].os_version", "AIX 7.3\\x1b[2J"),
    (part(LPAR1, refcode="B2\x9d008105"), "partitions[2].refcode", "B2\\x9d008105"),
    (part(LPAR1, rmc_ipaddr="10.0.0.1\n"), "partitions[2].rmc_ipaddr", "10.0.0.1\\x0a"),
    (part(LPAR1, curr_profile="x\x7f"), "partitions[2].curr_profile", "x\\x7f"),
    (system(firmware="FW1060\x00"), "system.firmware", "FW1060\\x00"),
    (io_adapter(0, description="PCIe\x08 FC"), "io.adapters[0].description", "PCIe\\x08 FC"),
    (io_adapter(0, location="U78DA\x1b"), "io.adapters[0].location", "U78DA\\x1b"),
    (disk(0, unique_id="6005\x07"), "io.disks[0].unique_id", "6005\\x07"),
    (nested(0, "vscsi_mappings", 0, vtd="vtscsi0\x1b"), "partitions[0].vscsi_mappings[0].vtd",
     "vtscsi0\\x1b"),
    (nested(0, "seas", 0, name="ent8\x85"), "partitions[0].seas[0].name", "ent8\\x85"),
], ids=lambda v: "" if callable(v) else None)
def test_control_characters_refused(frame: Frame, edit: Edit, path: str, shown: str) -> None:
    f = edit(frame)
    found = [e for e in problems(f) if e.code == "HSCL0A17"]
    assert [e.path for e in found] == [path]
    assert found[0].message.startswith(f"The {path} value {shown} is not valid: it contains "
                                       "the control character \\x")
    assert not CONTROL.search(str(found[0]))
    with pytest.raises(HmcError) as info:
        check_texts(f)
    assert (info.value.code, info.value.path) == ("HSCL0A17", path)


def test_control_character_in_free_text_is_the_first_error(frame: Frame) -> None:
    err = first_error(part(LPAR1, os_version="\x1b]52;c;AAAA\x07")(frame))
    assert (err.code, err.path) == ("HSCL0A17", "partitions[2].os_version")


def test_other_unicode_is_fine_in_free_text(frame: Frame) -> None:
    f = part(LPAR1, os_version="Linux 🐧 Ünïcödé 日本語 ‮rtl")(frame)
    f = io_adapter(0, description="Ethernet — 4 × 10 Gb")(f)
    check_frame(f)


def test_every_text_field_is_classified() -> None:
    """A new `str` field must be listed as free text, a name, or one the model constrains."""
    constrained = {  # Literal, pattern, validator, or equal to a checked name / device
        ("ManagedSystem", "mtm"), ("ManagedSystem", "serial"), ("PhysicalAdapter", "drc_index"),
        ("PhysicalPort", "wwpn"), ("PhysicalPort", "mac"), ("VirtualEth", "mac"),
        ("VirtualFc", "wwpns"), ("Workload", "kind"), ("Workload", "params"),
        ("ManagedSystem", "proc_compat_modes"), ("Partition", "curr_proc_compat_mode"),
        ("Partition", "desired_proc_compat_mode"),
        # a migration under way copies names the rules checked on its partition, systems and
        # VIOS; its error is the engine's own text (engine/mobility/progress.py)
        ("Migration", "name"), ("Migration", "target"), ("Migration", "source_msp"),
        ("Migration", "dest_msp"), ("Migration", "pool"), ("Migration", "error"),
        ("ManagedSystem", "uuid"), ("Partition", "uuid"),  # UUID_PATTERN (REST API)
    }
    classified = (
        {(m.__name__, f) for m, fields in TEXT_FIELDS.items() for f in fields}
        | {(m.__name__, f) for m, f in NAME_FIELDS} | constrained
    )
    found = set()
    for cls in vars(model).values():
        if not (isinstance(cls, type) and issubclass(cls, BaseModel)
                and cls.__module__ == model.__name__):  # the catalog is not frame data
            continue
        hints = typing.get_type_hints(cls)
        for field in cls.model_fields:
            text = str(hints[field])
            if "str" in text and "Literal" not in text:
                owner = next(c for c in cls.__mro__ if field in vars(c).get(
                    "__annotations__", {}))
                found.add((owner.__name__, field))
    assert found - classified == set()


# ---------------------------------------------------------------- fast paths agree


_DEMO = demo_frame()
# The first non-VIOS partition of the demo frame with a virtual Ethernet adapter (hypothesis
# tests cannot take the function-scoped `frame` fixture).
_I, _ETH = next((i, j) for i, p in enumerate(_DEMO.partitions) if not p.is_vios
                for j, a in enumerate(p.adapters) if a.type == "eth")
_NAME_TEXT = st.text(
    alphabet=st.sampled_from("aZ09 .-_,;:~@#^=+{}!%$&*()[]<>?|\\'\"`é\x07\x1b\x9b\x7f"),
    max_size=50,
)


@settings(max_examples=60, deadline=None)
@given(lpar=_NAME_TEXT, prof=_NAME_TEXT, vswitch=_NAME_TEXT, text=_NAME_TEXT)
def test_fast_paths_agree(lpar: str, prof: str, vswitch: str, text: str) -> None:
    f = part(_I, name=lpar, os_version=text)(_DEMO)
    f = rename_profile(_I, prof)(f)
    f = nested(_I, "adapters", _ETH, vswitch=vswitch)(f)
    ix = FrameIndex.build(f)
    names = list(_names(ix))
    assert _names_ok(f) is (not names)
    assert bool(CONTROL.search("".join(_all_text(f)))) is bool(list(_texts(ix)))
    refused = [name_problem(v, w) for v, w in ((lpar, "partition name"),
               (prof, "profile name"), (vswitch, "virtual switch name"))]
    assert len(names) == sum(r is not None for r in refused)


# ---------------------------------------------------------------- messages and operations


def test_error_messages_escape_control_characters() -> None:
    err = HmcError("HSCL8012", name="a\x1b[31mb\x07")
    assert err.message == "The partition named a\\x1b[31mb\\x07 was not found."
    assert str(err) == "HSCL8012 The partition named a\\x1b[31mb\\x07 was not found."
    assert err.fields["name"] == "a\x1b[31mb\x07"  # the value itself is kept
    assert escape_controls("ok\u009b\x7f\x00é") == "ok\\x9b\\x7f\\x00é"


def test_create_partition_with_a_bell_in_its_name_is_refused() -> None:
    engine = Engine(demo_frame(), seed=3)
    profile = Profile(name="default_profile", min_proc_units=0.1, desired_proc_units=0.2,
                      max_proc_units=1.0, min_procs=1, desired_procs=2, max_procs=4,
                      min_mem=2048, desired_mem=4096, max_mem=8192)
    before = engine.snapshot().frame
    result = engine.execute(ops.CreatePartition(name="bel\x07x", env="aixlinux",
                                                profile=profile), Actor())
    assert (result.ok, result.code) == (False, "HSCL0A16")
    assert "bel\\x07x is not valid: the character U+0007 is not allowed" in result.message
    assert engine.snapshot().frame.partitions == before.partitions
    result = engine.execute(ops.CreatePartition(name="web 01.prod", env="aixlinux",
                                                profile=profile), Actor())
    assert result.ok, result.message
