"""`hmc-tui cmd` catch-up: what moving a frame on by the wall time since its last save costs.

    python benchmarks/bench_cmd_catch_up.py [--frame demo|large]

For elapsed times from a minute to the cap (a day), opens a checkpointed frame through
hmc_tui.hmccli.local_frame.open_frame with the wall clock set that far ahead, and prints the
seconds the open took (the catch-up is stepped, processors dispatched, as the running engine
does) and the engine seconds stepped. `demo` is engine/frames/demo.toml (11 partitions),
`large` benchmarks.frames.large_frame (1000 running partitions). Not a test: the figures vary
with the machine.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
import types
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from engine import durable
from engine.store import demo_frame, save_frame
from hmc_tui.hmccli import local_frame

ELAPSED = (60.0, 3600.0, 6 * 3600.0, 86_400.0)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--frame", choices=("demo", "large"), default="demo")
    args = parser.parse_args()
    if args.frame == "large":
        from benchmarks.frames import large_frame

        frame = large_frame()
    else:
        frame = demo_frame()
    wall = [1_000_000.0]
    durable.wallclock = types.SimpleNamespace(  # type: ignore[assignment]
        time=lambda: wall[0], perf_counter=time.perf_counter)
    local_frame.wall_now = lambda: wall[0]
    print(f"frame: {args.frame}, {len(frame.partitions)} partitions")
    for elapsed in ELAPSED:
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "frame.toml"
            save_frame(frame, path)
            opened = local_frame.open_frame(path, "wall", who="bench")
            opened.save()  # the checkpoint the next open measures from
            opened.close()
            wall[0] += elapsed
            started = time.perf_counter()
            opened = local_frame.open_frame(path, "wall", who="bench")
            took = time.perf_counter() - started
            print(f"behind {elapsed:>8.0f} s: open + catch-up {took:6.2f} s "
                  f"({opened.caught_up:.0f} engine s stepped)")
            opened.close()


if __name__ == "__main__":
    main()
