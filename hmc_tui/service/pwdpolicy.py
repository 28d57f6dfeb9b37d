"""The console's password policies: the HMC's built-in medium security policy, the policies
superadmins define (mkpwdpolicy), and which one is active (chpwdpolicy -o a|d).

They live in pwdpolicy.toml next to the user file (0600, written atomically under an flock),
and the user store consults the active policy whenever a password is set (mkhmcusr, chhmcusr,
`hmc-tui users add|passwd`, the first-login change). As IBM documents for the HMC ("Enhanced
password policy", IBM Docs), a policy applies to locally authenticated users other than
hscroot, hscpe and root, and the medium security policy cannot be removed.

What is enforced when a password is set: min_length and the counts of digits, upper and
lower case letters and special characters. The ages (min_pwage, pwage, warn_pwage) and
hist_size are kept and listed; the simulator keeps no password ages or history, so it does
not enforce them.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import tomllib
from collections.abc import Iterator
from dataclasses import asdict, dataclass, fields, replace
from pathlib import Path
from typing import Any

import tomli_w

from engine.errors import HmcError
from engine.store import atomic_write_bytes

POLICY_FILE = "pwdpolicy.toml"
EXEMPT_USERS = frozenset({"hscroot", "hscpe", "root"})
MEDIUM_NAME = "HMC Medium Security Password Policy"
NUMBERS = ("min_pwage", "pwage", "warn_pwage", "min_length", "hist_size", "min_digits",
           "min_uppercase_chars", "min_lowercase_chars", "min_special_chars")
ATTRIBUTES = ("name", "description", *NUMBERS)
_LIMITS = {"pwage": (1, 99999), "min_length": (1, 256)}


@dataclass(frozen=True)
class PasswordPolicy:
    name: str
    description: str = ""
    min_pwage: int = 0
    pwage: int = 99999
    warn_pwage: int = 7
    min_length: int = 8
    hist_size: int = 0
    min_digits: int = 0
    min_uppercase_chars: int = 0
    min_lowercase_chars: int = 0
    min_special_chars: int = 0

    def problem(self, password: str) -> str:
        """Why `password` does not satisfy the policy ("" when it does)."""
        counts = {
            "min_digits": ("digits", sum(c.isdigit() for c in password)),
            "min_uppercase_chars": ("upper case letters", sum(c.isupper() for c in password)),
            "min_lowercase_chars": ("lower case letters", sum(c.islower() for c in password)),
            "min_special_chars": ("special characters",
                                  sum(not c.isalnum() for c in password)),
        }
        if len(password) < self.min_length:
            return f"it must have at least {self.min_length} characters"
        for attr, (what, count) in counts.items():
            wanted: int = getattr(self, attr)
            if count < wanted:
                return f"it must have at least {wanted} {what}"
        return ""


# The HMC's built-in policy with IBM's documented values (IBM Docs, "Enhanced password
# policy": min_pwage 1, pwage 180, min_length 8, hist_size 10, warn_pwage 7, one upper
# case and six lower case characters).
MEDIUM = PasswordPolicy(MEDIUM_NAME, MEDIUM_NAME, min_pwage=1, pwage=180, warn_pwage=7,
                        min_length=8, hist_size=10, min_uppercase_chars=1,
                        min_lowercase_chars=6)


def policy_from(attrs: dict[str, str], base: PasswordPolicy | None = None) -> PasswordPolicy:
    """A policy from `-i` attributes (over `base` for a change); HSCL0D0A on a bad value."""
    changes: dict[str, Any] = {}
    for key, value in attrs.items():
        if key in ("name", "description"):
            changes[key] = value
            continue
        if key not in NUMBERS:
            raise HmcError("HSCL0D0A", attr=key, reason="no such attribute")
        try:
            number = int(value)
        except ValueError:
            raise HmcError("HSCL0D0A", attr=key,
                           reason=f"{value!r} is not a whole number") from None
        low, high = _LIMITS.get(key, (0, 99999))
        if not low <= number <= high:
            raise HmcError("HSCL0D0A", attr=key,
                           reason=f"{number} is not between {low} and {high}")
        changes[key] = number
    if base is None:
        return PasswordPolicy(**changes)
    return replace(base, **changes)


class PolicyStore:
    """pwdpolicy.toml at `path`: the user-defined policies and the active policy's name."""

    def __init__(self, path: Path) -> None:
        self.path = path

    # -- reading
    def _read(self) -> tuple[list[PasswordPolicy], str]:
        try:
            data = tomllib.loads(self.path.read_text("utf-8"))
        except FileNotFoundError:
            return [], ""
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
            raise HmcError("HSCL0D0A", attr=str(self.path), reason=str(exc)) from None
        known = {f.name for f in fields(PasswordPolicy)}
        policies = [PasswordPolicy(**{k: v for k, v in entry.items() if k in known})
                    for entry in data.get("policies", []) if isinstance(entry, dict)]
        return policies, str(data.get("active", ""))

    def policies(self) -> list[PasswordPolicy]:
        """The medium security policy first, then the defined ones in creation order."""
        return [MEDIUM, *self._read()[0]]

    def get(self, name: str) -> PasswordPolicy | None:
        return next((p for p in self.policies() if p.name == name), None)

    def active(self) -> PasswordPolicy | None:
        name = self._read()[1]
        return self.get(name) if name else None

    def check(self, user: str, password: str) -> None:
        """HSCL0D0B when the active policy applies to `user` and refuses `password`."""
        policy = self.active()
        if policy is None or user in EXEMPT_USERS:
            return
        reason = policy.problem(password)
        if reason:
            raise HmcError("HSCL0D0B", name=policy.name, reason=reason)

    # -- changing
    def create(self, policy: PasswordPolicy) -> None:
        if not policy.name:
            raise HmcError("HSCL0D0A", attr="name", reason="a policy needs a name")
        with self._editing() as (defined, _):
            if policy.name == MEDIUM_NAME or any(p.name == policy.name for p in defined):
                raise HmcError("HSCL0D08", name=policy.name)
            defined.append(policy)

    def modify(self, name: str, attrs: dict[str, str]) -> None:
        """chpwdpolicy -o m: `attrs` may rename the policy (new_name)."""
        with self._editing() as (defined, active):
            index = self._index(defined, name)
            new_name = attrs.pop("new_name", name)
            changed = policy_from(attrs, defined[index])
            if new_name != name:
                if new_name == MEDIUM_NAME or any(p.name == new_name for p in defined):
                    raise HmcError("HSCL0D08", name=new_name)
                changed = replace(changed, name=new_name)
                if active[0] == name:
                    active[0] = new_name
            defined[index] = changed

    def remove(self, name: str) -> None:
        with self._editing() as (defined, active):
            index = self._index(defined, name)
            if active[0] == name:
                raise HmcError("HSCL0D09", name=name, reason="it is the active policy; "
                               "deactivate it first (chpwdpolicy -o d)")
            del defined[index]

    def activate(self, name: str) -> None:
        with self._editing() as (defined, active):
            if name != MEDIUM_NAME:
                self._index(defined, name)
            active[0] = name

    def deactivate(self) -> None:
        with self._editing() as (_, active):
            active[0] = ""

    @staticmethod
    def _index(defined: list[PasswordPolicy], name: str) -> int:
        for i, p in enumerate(defined):
            if p.name == name:
                return i
        if name == MEDIUM_NAME:
            raise HmcError("HSCL0D09", name=name, reason="it is the console's built-in policy")
        raise HmcError("HSCL0D07", name=name)

    @contextlib.contextmanager
    def _editing(self) -> Iterator[tuple[list[PasswordPolicy], list[str]]]:
        """Read-modify-write under an exclusive flock; the write is atomic and 0600.
        A change that raises writes nothing."""
        self.path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        fd = os.open(self.path.with_name(self.path.name + ".lock"),
                     os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            defined, name = self._read()
            active = [name]
            yield defined, active
            data: dict[str, Any] = {"active": active[0],
                                    "policies": [asdict(p) for p in defined]}
            header = "# hmc-tui password policies: change with mkpwdpolicy, chpwdpolicy, " \
                     "rmpwdpolicy\n"
            atomic_write_bytes(self.path, (header + tomli_w.dumps(data)).encode("utf-8"),
                               mode=0o600)
        finally:
            os.close(fd)
