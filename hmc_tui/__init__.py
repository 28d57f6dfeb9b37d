"""hmc-tui: a terminal HMC console over a live simulated IBM PowerVM frame."""

from __future__ import annotations

__all__ = ["__version__"]


def _version() -> str:
    # The engine carries the version so both packages agree even from a source checkout;
    # installed metadata is the fallback should the engine ever stop exporting it.
    try:
        from engine import __version__ as engine_version
    except ImportError:  # pragma: no cover - the engine ships in the same distribution
        from importlib.metadata import version

        return version("hmc-tui")
    return engine_version


__version__ = _version()
