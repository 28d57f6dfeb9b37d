"""A bash-like shell interpreted in Python (the HMC's restricted shell, rbash): see shell.py.

`Rbash(run_hmc, hmc_commands, user=...)` runs command lines for one session; `Limits` bounds
each line. Engine-free and front-end-free: HMC commands reach the engine only through the
`run_hmc(words)` callable the caller gives. Used by hmc_tui (the HMC's rbash) and by the
engine (the shells of the partitions' operating systems, engine/vterm/guest).
"""

from shellsim.shell import Limits, Output, Rbash, Result

__all__ = ["Limits", "Output", "Rbash", "Result"]
