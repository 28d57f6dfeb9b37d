"""Who may log in to a partition's OS (docs/guest-os.md).

The frame model keeps no OS users, so each OS has the documented default accounts a
freshly installed system has in a training lab: AIX and Linux `root` with password
`root`; a VIOS `padmin` with password `padmin`; IBM i `QSECOFR` with password `QSECOFR`
(user profiles and passwords are not case-sensitive there, as with QPWDLVL 0).
"""

from __future__ import annotations

from engine.model import Partition

DEFAULT_USERS: dict[str, dict[str, str]] = {
    "aix": {"root": "root"},
    "linux": {"root": "root"},
    "vios": {"padmin": "padmin"},
    "ibmi": {"QSECOFR": "QSECOFR"},
}


def check_password(p: Partition, family: str, user: str, password: str) -> bool:
    users = DEFAULT_USERS[family]
    if family == "ibmi":
        return users.get(user.upper()) == password.upper()
    return users.get(user) == password
