"""The SEA failover, NPIV port and starving-pool drills are shipped (test_examples grades
each one's solution and wrong answer)."""

from __future__ import annotations

from hmc_tui.drills.load import load_scenario
from tests.drills.conftest import EXAMPLES


def test_the_fault_drills_are_there_with_their_faults() -> None:
    faults = {name: [(f.kind, f.location, f.at) for f in
                     load_scenario(EXAMPLES / name / "drill.toml").model.fault]
              for name in ("sea-failover", "npiv-port-down", "starving-pool")}
    assert faults == {"sea-failover": [("port_down", "vios1:ent0", 30.0)],
                      "npiv-port-down": [("port_down", "vios1:fcs1", 30.0)],
                      "starving-pool": [("noisy", "test01", 30.0)]}
