"""The HMC's restricted shell (rbash), interpreted in Python: see shell.py.

`Rbash(run_hmc, hmc_commands, user=...)` runs command lines for one session; `Limits` bounds
each line. Engine-free and front-end-free: HMC commands reach the engine only through the
`run_hmc(words)` callable the caller gives.
"""

from hmc_tui.rbash.shell import Limits, Output, Rbash, Result

__all__ = ["Limits", "Output", "Rbash", "Result"]
