"""A restricted shell over a fake HMC: commands answer from a table, every call is recorded."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from shellsim import Limits, Rbash, Result

SYSTEMS = "SYS-A\nSYS-B\n"
PROC = "nim01,0.5\nsandbox01,0.0\ntest01,1.0\nibmi01,2.0\noradb01,4.0\nvios1,1.0\n"


class FakeHmc:
    def __init__(self) -> None:
        self.calls: list[list[str]] = []

    def __call__(self, words: list[str]) -> Result:
        self.calls.append(words)
        line = " ".join(words)
        if line == "lssyscfg -r sys -F name":
            return Result(SYSTEMS)
        if line.startswith("lssyscfg -r lpar -m "):
            return Result(f"lp1-{words[4]},Running\nlp2-{words[4]},Not Activated\n")
        if line.startswith("lshwres -r proc"):
            return Result(PROC)
        if line == "lsviosimg":
            return Result("")
        return Result("", "HSCL0000 refused\n", 1)


@pytest.fixture
def hmc() -> FakeHmc:
    return FakeHmc()


@pytest.fixture
def sh(hmc: FakeHmc) -> Rbash:
    return Rbash(hmc, {"lssyscfg", "lshwres", "lsviosimg", "chsysstate"}, user="hscroot",
                 clock=lambda: datetime(2026, 3, 4, 5, 6, 7, tzinfo=UTC),
                 limits=Limits(max_iterations=50, max_output=1000))
