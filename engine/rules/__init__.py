"""Every configuration rule of a frame, in one package.

`engine.model` only knows the type and range of single values. Everything that spans fields
or objects lives here: min <= desired <= max triples, PU/VP ratios, virtual slots, client and
server adapters pointing at each other, VIOS mappings, SEAs, pools, system totals, names and
text (docs/powervm-rules.md). One module per rule group:

- `common`: constants and small pure helpers (processing-unit steps, paths);
- `index`: `FrameIndex`, the lookups built once per check;
- `system`: installed/configurable limits and what active partitions use;
- `partitions`: partitions as a set, and one partition (profiles, state, workload);
- `resources`: one profile or current configuration (memory, processors, pool);
- `adapters`: virtual slots, client/server pairs, unique WWPNs and MACs;
- `vios`: vSCSI/NPIV mappings, SEAs and SEA failover;
- `pools`: shared processor pools;
- `physical_io`: physical adapters, ports and disks;
- `names`: what names may be made of, and no control character in any text;
- `frame`: the public `check_*` functions and the order `check_frame` meets the groups.

The store calls `check_frame` after loading a file; the operations engine calls it on every
changed frame and reuses the finer `check_*` functions to refuse a command early with the
HMC's code. Every error is an `HmcError` whose `path` names the offending field in the frame
file's terms (`partitions[3].profiles[0].desired_proc_units`, `pools[1].max_proc_units`),
indices being positions in the frame's tuples (pools: position == pool id).

Implementation: each rule group is a generator of `HmcError`s over a `FrameIndex` built once
per call (dicts by partition id, slot, port and disk name), so a 1000-partition frame is
checked in linear time. `check_frame` stops at the first error; `problems` collects all.
Within one group (say, the memory triple of a profile) only the first error is reported, so
one bad value does not produce a cascade of consequential errors.

Speed: check_frame runs on every operation. The detailed generators build paths and
messages, so each hot group also has a boolean fast path (`_resources_ok`, `_partition_ok`,
`_vscsi_ok`, `_npiv_ok`, the index's bulk pairing and address sets, the JSON scan for
control characters) that proves the common all-good case with few allocations; the
detailed check runs only where it says no. A fast path may only skip work: the tests run
every case with the fast paths disabled and compare. benchmarks/bench_rules.py prints the
figure for a 1000-partition frame.
"""

from __future__ import annotations

import sys
import types

from engine.rules import adapters, common, frame, index, names, partitions, resources, vios
from engine.rules.common import (
    MIN_MEM_MB,
    hundredths,
    is_multiple_of_lmb,
    min_proc_units,
    partition_path,
    pu_le,
    pu_step_ok,
    raise_first,
)
from engine.rules.frame import (
    check_adapters,
    check_frame,
    check_io,
    check_names,
    check_partition,
    check_partitions,
    check_pools,
    check_resources,
    check_sea_failover,
    check_system,
    check_texts,
    check_totals,
    check_vios,
    problems,
)
from engine.rules.index import FrameIndex
from engine.rules.index import _all_unique as _all_unique
from engine.rules.names import name_problem
from engine.rules.partitions import _partition_ok as _partition_ok
from engine.rules.resources import Limits
from engine.rules.resources import _resources as _resources
from engine.rules.resources import _resources_ok as _resources_ok
from engine.rules.vios import _npiv_ok as _npiv_ok
from engine.rules.vios import _vscsi_ok as _vscsi_ok

__all__ = [
    "MIN_MEM_MB",
    "FrameIndex",
    "Limits",
    "check_adapters",
    "check_frame",
    "check_io",
    "check_names",
    "check_partition",
    "check_partitions",
    "check_pools",
    "check_resources",
    "check_sea_failover",
    "check_system",
    "check_texts",
    "check_totals",
    "check_vios",
    "hundredths",
    "is_multiple_of_lmb",
    "min_proc_units",
    "name_problem",
    "partition_path",
    "problems",
    "pu_le",
    "pu_step_ok",
    "raise_first",
]

# The fast paths, re-exported so a test can switch them off through `engine.rules` as it
# did when the rules were one module (tests/engine/test_rules.py patches these names).
_FAST_PATHS = ("_resources_ok", "_partition_ok", "_vscsi_ok", "_npiv_ok", "_all_unique")
_PARTS = (adapters, common, frame, index, names, partitions, resources, vios)


class _Package(types.ModuleType):
    """Setting a fast path on the package sets it in every rules module that calls it.

    Each module holds its own binding of a fast path it imported, so patching only the
    package would leave the rules calling the original and the test comparing nothing.
    """

    def __setattr__(self, name: str, value: object) -> None:
        if name in _FAST_PATHS:
            current = self.__dict__.get(name)
            for part in _PARTS:
                if part.__dict__.get(name) is current:
                    setattr(part, name, value)
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _Package
