"""Frame diffs for the wire: what changed between two versions of one frame.

The service used to resend the whole frame to every console on every frame change: about
1.5 MB on the 1000-partition frame, for one partition changing state. A `FrameDiff` holds only
the pieces that changed, at the Frame's own level (so several frames, one diff each, work
the same way):

- a tuple of items with unique integer ids (partitions, pools): the items that changed or
  are new, by id, and the new order of ids only when it is not the old one;
- any other tuple (faults, serviceable events, outages; mostly appended to): how many items
  are kept from the start and the new tail;
- any other field (system, io, engine_time): the new value, whole.

`apply(diff(a, b), a) == b` for any two frames (tests/service/test_framediff.py, hypothesis);
the diff travels as JSON and `apply` validates only the pieces it carries, reusing every
other object of the old frame.

Several managed systems (`diff_systems`, `apply_systems`): one diff per system, None for a
system whose only change is its clock (`engine_time`, the same in every system and carried
by every snap as `time`), so a change on one system sends nothing about the others.
"""

from __future__ import annotations

import functools
import typing
from collections.abc import Sequence
from typing import Any

from pydantic import BaseModel, ConfigDict, TypeAdapter

from engine.model import Frame


class TupleDiff(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False)
    keep: int | None = None  # positional: items kept from the start; None: keyed by id
    ids: list[int] | None = None  # keyed: the new order of ids, when it changed
    items: list[dict[str, Any]] = []  # keyed: changed or new items; positional: the tail


class FrameDiff(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False)
    base: int  # the frame version this applies to (the version the client has)
    fields: dict[str, Any] = {}  # replaced whole: field name -> JSON value
    tuples: dict[str, TupleDiff] = {}


def diff(a: Frame, b: Frame, base: int = 0) -> FrameDiff:
    """What turns `a` into `b`."""
    fields: dict[str, Any] = {}
    tuples: dict[str, TupleDiff] = {}
    for name in type(b).model_fields:
        old, new = getattr(a, name), getattr(b, name)
        if old is new or old == new:
            continue
        if isinstance(new, tuple) and isinstance(old, tuple) and _is_models(old + new):
            tuples[name] = (_keyed(old, new) if _has_ids(old) and _has_ids(new)
                            else _positional(old, new))
        else:
            fields[name] = _adapter(name).dump_python(new, mode="json")
    return FrameDiff(base=base, fields=fields, tuples=tuples)


def apply(change: FrameDiff, frame: Frame) -> Frame:
    """`frame` with `change` applied; ValueError when it does not fit this frame."""
    update: dict[str, Any] = {}
    for name, value in change.fields.items():
        update[name] = _adapter(name).validate_python(value)
    for name, part in change.tuples.items():
        old = getattr(frame, name)
        item_type = _item_type(name)
        items: list[Any] = [item_type.model_validate(item) for item in part.items]
        if part.keep is not None:
            if part.keep > len(old):
                raise ValueError(f"frame diff: {name} keeps {part.keep} of {len(old)} items")
            update[name] = old[:part.keep] + tuple(items)
            continue
        by_id = {item.id: item for item in old}
        added = [item.id for item in items if item.id not in by_id]
        by_id.update((item.id, item) for item in items)
        order = part.ids if part.ids is not None else [item.id for item in old] + added
        try:
            update[name] = tuple(by_id[i] for i in order)
        except KeyError as exc:
            raise ValueError(f"frame diff: {name} has no item with id {exc}") from None
    return frame.model_copy(update=update)


def diff_systems(a: Sequence[Frame], b: Sequence[Frame], base: int = 0
                 ) -> list[FrameDiff | None]:
    """What turns every system of `a` into the same system of `b`; None for a system whose
    only change is `engine_time`. ValueError when the number of systems differs."""
    if len(a) != len(b):
        raise ValueError(f"frame diff: {len(a)} systems against {len(b)}")
    out: list[FrameDiff | None] = []
    for old, new in zip(a, b, strict=True):
        change = diff(old, new, base=base)
        clock_only = not change.tuples and set(change.fields) <= {"engine_time"}
        out.append(None if clock_only else change)
    return out


def apply_systems(changes: Sequence[FrameDiff | None], frames: Sequence[Frame],
                  engine_time: float) -> tuple[Frame, ...]:
    """`frames` with `changes` applied, a system without a change moved to `engine_time`
    (the snap's `time`); ValueError when they do not fit these frames."""
    if len(changes) != len(frames):
        raise ValueError(f"frame diff: {len(changes)} systems, the frames have {len(frames)}")
    return tuple(apply(change, frame) if change is not None
                 else frame.model_copy(update={"engine_time": engine_time})
                 for change, frame in zip(changes, frames, strict=True))


def _keyed(old: tuple[Any, ...], new: tuple[Any, ...]) -> TupleDiff:
    before = {item.id: item for item in old}
    changed = [item for item in new
               if (was := before.get(item.id)) is None or not (was is item or was == item)]
    old_ids = [item.id for item in old]
    new_ids = [item.id for item in new]
    # Without `ids`, apply() keeps the old order and appends the new items.
    implied = old_ids + [item.id for item in changed if item.id not in before]
    return TupleDiff(ids=None if new_ids == implied else new_ids,
                     items=[item.model_dump(mode="json") for item in changed])


def _positional(old: tuple[Any, ...], new: tuple[Any, ...]) -> TupleDiff:
    keep = 0
    for was, now in zip(old, new, strict=False):
        if not (was is now or was == now):
            break
        keep += 1
    return TupleDiff(keep=keep, items=[item.model_dump(mode="json") for item in new[keep:]])


def _is_models(items: tuple[Any, ...]) -> bool:
    return all(isinstance(item, BaseModel) for item in items)


def _has_ids(items: tuple[Any, ...]) -> bool:
    ids = [getattr(item, "id", None) for item in items]
    return all(type(i) is int for i in ids) and len(set(ids)) == len(ids)


@functools.cache
def _adapter(name: str) -> TypeAdapter[Any]:
    field = Frame.model_fields.get(name)
    if field is None:
        raise ValueError(f"frame diff: a frame has no field {name!r}")
    return TypeAdapter(Any if field.annotation is None else field.annotation)


@functools.cache
def _item_type(name: str) -> type[BaseModel]:
    field = Frame.model_fields.get(name)
    args = typing.get_args(field.annotation) if field is not None else ()
    if not args or not (isinstance(args[0], type) and issubclass(args[0], BaseModel)):
        raise ValueError(f"frame diff: {name!r} is not a tuple of items in a frame")
    return args[0]
