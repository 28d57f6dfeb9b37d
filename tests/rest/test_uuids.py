"""Stable UUIDs: derived from the MTMS and ids (the same in every process and release),
or kept from the frame file when it names them."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from engine.model import Partition
from engine.store import demo_frame, frame_from_toml, frame_to_toml
from hmc_tui.rest import uuids


def test_derived_uuids_do_not_change_between_releases() -> None:
    frame = demo_frame()
    oradb = frame.partition("oradb01")
    assert oradb is not None
    # Literal values: a script that saved them keeps finding the same objects.
    assert uuids.system_uuid(frame.system) == "88af5d9d-1e0f-56f8-b459-301ecd753a63"
    assert uuids.partition_uuid(frame.system, oradb) == "8E97D3D6-CCA7-5857-9B49-37D52CFE5702"
    renamed = oradb.model_copy(update={"name": "oradb99"})
    assert uuids.partition_uuid(frame.system, renamed) == uuids.partition_uuid(
        frame.system, oradb)  # the id, not the name
    assert uuids.partition_index(frame)["8E97D3D6-CCA7-5857-9B49-37D52CFE5702"] is oradb


def test_uuids_named_in_the_frame_file_are_kept_and_saved() -> None:
    frame = demo_frame()
    given = "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0"
    oradb = frame.partition("oradb01")
    assert oradb is not None
    frame = frame.with_partition(oradb.model_copy(update={"uuid": given}))
    frame = frame.model_copy(update={"system": frame.system.model_copy(
        update={"uuid": "11111111-2222-3333-4444-555555555555"})})
    text = frame_to_toml(frame)
    assert f'uuid = "{given}"' in text
    loaded = frame_from_toml(text, "frame.toml")
    again = loaded.partition("oradb01")
    assert again is not None
    assert uuids.partition_uuid(loaded.system, again) == given.upper()
    assert uuids.system_uuid(loaded.system) == "11111111-2222-3333-4444-555555555555"
    assert 'uuid = ""' not in frame_to_toml(demo_frame())  # the default is not written


def test_a_malformed_uuid_is_refused() -> None:
    oradb = demo_frame().partition("oradb01")
    assert oradb is not None
    with pytest.raises(ValidationError, match="uuid"):
        Partition.model_validate(oradb.model_dump() | {"uuid": "not-a-uuid"})
