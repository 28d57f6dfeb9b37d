"""Partition consoles (virtual terminals): the hub that runs one program per open terminal
(firmware, SMS, Open Firmware, the guest OS) inside the engine, at tick boundaries.
docs/partition-console.md describes what each program shows."""
