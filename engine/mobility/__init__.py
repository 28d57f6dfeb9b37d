"""Live Partition Mobility: validation (validate.py) and the timing model (timing.py);
the operations that run a migration are in engine/ops/mobility.py."""
