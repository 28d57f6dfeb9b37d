"""The simulated PowerVM frame: hardware, model, PHYP, lifecycle and operations.

Knows nothing of any front end: importing it never imports textual or rich.
"""

__all__ = ["__version__"]
__version__ = "0.1.0"
