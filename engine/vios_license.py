"""The VIOS's `license` command: -accept (an engine operation), -view, -ls, and the bare
status query; the same for viosvrcmd (hmc_tui.hmccli.vios) and padmin on the VIOS's console
(engine.vterm.guest.padmin).

A freshly installed VIOS (lpar_netboot of a vioserver partition) has not accepted its
licence: until `license -accept`, every ioscli command but `license` and `ioslevel` is
refused (HSCL0E05), as padmin is held at the licence prompt on a real VIOS. The texts of
-view and of the status lines are our own wording (the licence text is IBM's and not
reproduced).
"""

from __future__ import annotations

from engine.model import Partition
from engine.ops import AcceptViosLicense, Operation

FLAGS: dict[str, int] = {"-accept": 0, "-view": 0, "-ls": 0, "-lang": 1}
BEFORE_LICENSE = ("license", "ioslevel")  # what a VIOS answers before the licence is accepted
LANGUAGES = ("en_US",)


def plan(v: Partition, values: dict[str, list[str]]) -> list[Operation]:
    return [AcceptViosLicense(vios=v.name)] if "-accept" in values else []


def listing(v: Partition, values: dict[str, list[str]]) -> list[str]:
    if "-ls" in values:
        return list(LANGUAGES)
    if "-view" in values:
        return [
            "International Program License Agreement (IBM Virtual I/O Server)",
            "",
            f"The license agreement of {v.os_version} is shown here on a real Virtual I/O",
            "Server. Accept it with: license -accept",
        ]
    if v.vios_license_accepted:
        return ["The license has been accepted"]
    return ["The license has not been accepted"]
