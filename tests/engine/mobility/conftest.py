"""Fixtures for the mobility tests: the demo E1080 and the DR E1050 of
mobility_frames.py."""

from __future__ import annotations

import pytest
from mobility_frames import dr_frame

from engine.model import Frame
from engine.store import demo_frame


@pytest.fixture
def prod() -> Frame:
    return demo_frame()


@pytest.fixture
def dr(prod: Frame) -> Frame:
    return dr_frame(prod)
