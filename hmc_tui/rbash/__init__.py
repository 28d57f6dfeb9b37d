"""The interactive HMC prompt (`python -m hmc_tui.rbash SOCKET`, session.py).

The restricted shell's interpreter itself is the top-level package `shellsim` (engine- and
front-end-free), shared with the partitions' simulated shells (engine/vterm/guest).
"""
