"""The HMC user store: names, task roles, salted scrypt password hashes and SSH public keys.

One TOML file in the data dir (users.toml, mode 0600), written atomically. Several processes
use it at once (the service authenticates from it; `hmc-tui users ...` and the HMC commands in
a console change it), so every change is a read-modify-write under an flock on a side lock
file, and readers reload whenever the file's identity (inode, size, mtime) changed.

Passwords are never stored: only `$scrypt$ln=15,r=8,p=1$<salt>$<hash>` (base64), with the
cost parameters in the string so they can be raised later without invalidating old hashes.
"""

from __future__ import annotations

import base64
import contextlib
import fcntl
import functools
import hashlib
import hmac
import os
import re
import secrets
import threading
import tomllib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, get_args

import tomli_w

from engine.errors import HmcError
from engine.roles import Role
from engine.store import atomic_write_bytes
from hmc_tui.service.paths import users_path
from hmc_tui.service.pwdpolicy import POLICY_FILE, PolicyStore

ROLES: tuple[str, ...] = get_args(Role)
ROLE_DESCRIPTIONS = {
    "hmcsuperadmin": "HMC Super User",
    "hmcoperator": "HMC Operator",
    "hmcviewer": "HMC Viewer",
}
INITIAL_ADMIN = "hscroot"
INITIAL_PASSWORD_FILE = "initial-password"  # hscroot's generated password, 0600, next to users
NAME_RE = re.compile(r"^[A-Za-z][A-Za-z0-9._-]{0,31}$")  # what an HMC accepts, near enough
MIN_PASSWORD = 8
SHELLS = ("console", "rbash")  # a user's login shell: the console or the HMC prompt
SCRYPT_LOG2_N = 15  # 32 MiB and ~0.25 s per hash on a small server: slow for guessers
SCRYPT_R = 8
SCRYPT_P = 1
_MAXMEM = 256 * 1024 * 1024


class UserError(Exception):
    """A refused user-store change or an unreadable user file; str() is one line."""


class PolicyViolation(UserError):
    """The active password policy refuses a password; str() is the HMC's `HSCL0D0B ...`."""


@dataclass(frozen=True)
class User:
    name: str
    role: str
    description: str = ""
    password_hash: str = ""  # "" = no password: public-key login only
    keys: tuple[str, ...] = ()  # OpenSSH public key lines
    created: str = ""  # ISO 8601, UTC
    must_change: bool = False  # the password must be changed at the next password login
    shell: str = "console"  # what `ssh -t` without a command opens: console or rbash

    @property
    def has_password(self) -> bool:
        return bool(self.password_hash)


# ---------------------------------------------------------------- password hashing


def hash_password(password: str, *, log2_n: int = SCRYPT_LOG2_N) -> str:
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode("utf-8"), salt=salt, n=1 << log2_n, r=SCRYPT_R,
                            p=SCRYPT_P, maxmem=_MAXMEM, dklen=32)
    return (f"$scrypt$ln={log2_n},r={SCRYPT_R},p={SCRYPT_P}$"
            f"{_b64(salt)}${_b64(digest)}")


def verify_password(password: str, encoded: str) -> bool:
    try:
        _, scheme, params, salt_text, digest_text = encoded.split("$")
        if scheme != "scrypt":
            return False
        fields = dict(item.split("=", 1) for item in params.split(","))
        salt, expected = _unb64(salt_text), _unb64(digest_text)
        digest = hashlib.scrypt(password.encode("utf-8"), salt=salt, n=1 << int(fields["ln"]),
                                r=int(fields["r"]), p=int(fields["p"]), maxmem=_MAXMEM,
                                dklen=len(expected))
    except (ValueError, KeyError):
        return False
    return hmac.compare_digest(digest, expected)


@functools.cache
def _dummy_hash(log2_n: int) -> str:
    """Checked against when the user is unknown, so a login for a missing name costs the
    same time as a wrong password (no user enumeration by timing)."""
    return hash_password(secrets.token_urlsafe(12), log2_n=log2_n)


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii").rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.b64decode(text + "=" * (-len(text) % 4))


def generate_password() -> str:
    return secrets.token_urlsafe(12)  # 16 characters, 96 bits


# ---------------------------------------------------------------- public keys


def parse_public_keys(text: str) -> tuple[str, ...]:
    """OpenSSH public key lines (a .pub or authorized_keys text) validated and normalised;
    UserError on anything that is not a public key."""
    import asyncssh  # late: only key handling needs it

    keys = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        try:
            key = asyncssh.import_public_key(line)
        except (asyncssh.KeyImportError, ValueError) as exc:
            raise UserError(f"line {number}: not an SSH public key ({exc})") from None
        comment = key.get_comment() or ""
        exported = key.export_public_key("openssh").decode("ascii").strip()
        keys.append(exported if comment in exported else f"{exported} {comment}".strip())
    if not keys:
        raise UserError("no SSH public key found")
    return tuple(keys)


_KEY_TYPES = ("ssh-", "ecdsa-", "sk-")


def _comment(line: str) -> str:
    """The comment of an OpenSSH key line ("" without one)."""
    parts = line.split(None, 2)
    return parts[2] if len(parts) > 2 else ""


def key_blob(line: str) -> bytes:
    """The key material of an OpenSSH key line (what two equal keys share)."""
    parts = line.split()
    return _unb64(parts[1]) if len(parts) > 1 else b""


# ---------------------------------------------------------------- the store


class UserStore:
    """The users file at `path` (default: the data dir's users.toml)."""

    def __init__(self, path: Path | None = None, *, log2_n: int = SCRYPT_LOG2_N) -> None:
        self.path = path or users_path()
        self.log2_n = log2_n
        self._lock = threading.Lock()
        self._users: dict[str, User] = {}
        self._identity: tuple[int, int, int] | None = None
        self.policies = PolicyStore(self.path.with_name(POLICY_FILE))

    # -- reading
    def users(self) -> tuple[User, ...]:
        return tuple(self._current().values())

    def get(self, name: str) -> User | None:
        return self._current().get(name)

    def verify_password(self, name: str, password: str) -> bool:
        user = self.get(name)
        if user is None or not user.password_hash:
            verify_password(password, _dummy_hash(self.log2_n))
            return False
        return verify_password(password, user.password_hash)

    def accepts_key(self, name: str, blob: bytes) -> bool:
        """Whether `blob` (the key's public data) is one of the user's keys."""
        user = self.get(name)
        return user is not None and any(hmac.compare_digest(key_blob(k), blob)
                                        for k in user.keys)

    def superadmins(self) -> list[str]:
        return [u.name for u in self.users() if u.role == "hmcsuperadmin"]

    # -- changing
    def add(self, name: str, role: str, *, password: str | None = None,
            keys: Sequence[str] = (), description: str = "", shell: str = "console") -> User:
        check_name(name)
        check_role(role)
        if shell not in SHELLS:
            raise UserError(f"the shell {shell!r} is not valid: use one of {', '.join(SHELLS)}")
        encoded = ""
        if password is not None:
            check_password(password)
            self._check_policy(name, password)
            encoded = hash_password(password, log2_n=self.log2_n)
        with self._editing() as users:
            if name in users:
                raise UserError(f"the user {name} already exists")
            user = User(name=name, role=role,
                        description=description or ROLE_DESCRIPTIONS.get(role, ""),
                        password_hash=encoded, keys=tuple(keys), created=_now(), shell=shell)
            users[name] = user
        return user

    def remove(self, name: str) -> None:
        with self._editing() as users:
            user = self._existing(users, name)
            if user.role == "hmcsuperadmin" and _count_admins(users) == 1:
                raise UserError(f"{name} is the last hmcsuperadmin; add another one first")
            del users[name]

    def set_password(self, name: str, password: str, *, must_change: bool = False) -> None:
        """Set `name`'s password; `must_change` makes the next password login change it.
        Setting hscroot's password also removes the initial-password file: what it holds no
        longer logs anyone in."""
        check_password(password)
        self._check_policy(name, password)
        encoded = hash_password(password, log2_n=self.log2_n)
        with self._editing() as users:
            users[name] = replace(self._existing(users, name), password_hash=encoded,
                                  must_change=must_change)
        if name == INITIAL_ADMIN:
            self.initial_password_path.unlink(missing_ok=True)

    def change_password(self, name: str, old: str, new: str) -> None:
        """The user's own change (at a forced first login): `old` must be right and `new`
        acceptable and different; UserError says what was wrong."""
        if not self.verify_password(name, old):
            raise UserError("the current password is not correct")
        if new == old:
            raise UserError("the new password must differ from the current one")
        self.set_password(name, new)

    def set_role(self, name: str, role: str) -> None:
        check_role(role)
        with self._editing() as users:
            user = self._existing(users, name)
            if (user.role == "hmcsuperadmin" and role != "hmcsuperadmin"
                    and _count_admins(users) == 1):
                raise UserError(f"{name} is the last hmcsuperadmin; add another one first")
            users[name] = replace(user, role=role)

    def set_description(self, name: str, description: str) -> None:
        with self._editing() as users:
            users[name] = replace(self._existing(users, name), description=description)

    def add_keys(self, name: str, keys: Sequence[str]) -> None:
        with self._editing() as users:
            user = self._existing(users, name)
            known = {key_blob(k) for k in user.keys}
            new = tuple(k for k in keys if key_blob(k) not in known)
            users[name] = replace(user, keys=user.keys + new)

    def remove_keys(self, name: str, match: str) -> int:
        """Remove the user's keys that `match` names: a whole key line (its key material) or
        a key's comment; how many were removed."""
        blob = b""
        if match.startswith(_KEY_TYPES):  # a key line, else a comment (which may hold spaces)
            with contextlib.suppress(ValueError):
                blob = key_blob(match)
        with self._editing() as users:
            user = self._existing(users, name)
            keep = tuple(k for k in user.keys if not (
                (blob and key_blob(k) == blob) or (not blob and _comment(k) == match)))
            users[name] = replace(user, keys=keep)
        return len(user.keys) - len(keep)

    def _check_policy(self, name: str, password: str) -> None:
        try:
            self.policies.check(name, password)
        except HmcError as exc:
            raise PolicyViolation(str(exc)) from None

    @property
    def initial_password_path(self) -> Path:
        return self.path.with_name(INITIAL_PASSWORD_FILE)

    def ensure_initial_admin(self) -> Path | None:
        """With no users at all, create hscroot (hmcsuperadmin) with a generated password
        that must be changed at first login, write that password to a 0600 file next to the
        user file and return the file's path; else None. The password itself is never
        printed: whatever starts the service may keep its output in a log."""
        if self.users():
            return None
        password = generate_password()
        encoded = hash_password(password, log2_n=self.log2_n)
        with self._editing() as users:
            if users:  # someone else got there first
                return None
            # Written before the user exists, under the same lock: never a user whose only
            # password is nowhere to be found.
            atomic_write_bytes(self.initial_password_path, (password + "\n").encode("ascii"),
                               mode=0o600)
            users[INITIAL_ADMIN] = User(
                name=INITIAL_ADMIN, role="hmcsuperadmin", description="HMC Super User",
                password_hash=encoded, created=_now(), must_change=True)
        return self.initial_password_path

    # -- the file
    def _current(self) -> dict[str, User]:
        with self._lock:
            try:
                st = self.path.stat()
            except FileNotFoundError:
                self._users, self._identity = {}, None
                return self._users
            except OSError as exc:
                raise UserError(f"{self.path}: cannot read: {exc.strerror}") from None
            identity = (st.st_ino, st.st_size, st.st_mtime_ns)
            if identity != self._identity:
                self._users = self._read()
                self._identity = identity
            return self._users

    def _read(self) -> dict[str, User]:
        try:
            data = tomllib.loads(self.path.read_text("utf-8"))
        except FileNotFoundError:
            return {}
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
            raise UserError(f"{self.path}: cannot read: {exc}") from None
        users: dict[str, User] = {}
        for name, entry in (data.get("users") or {}).items():
            if not isinstance(entry, dict) or entry.get("role") not in ROLES:
                raise UserError(f"{self.path}: user {name}: missing or unknown role")
            users[name] = User(
                name=name, role=entry["role"], description=str(entry.get("description", "")),
                password_hash=str(entry.get("password", "")),
                keys=tuple(str(k) for k in entry.get("keys", ())),
                created=str(entry.get("created", "")),
                must_change=entry.get("must_change") is True,
                shell="rbash" if entry.get("shell") == "rbash" else "console")
        return users

    @contextlib.contextmanager
    def _editing(self) -> Iterator[dict[str, User]]:
        """Read-modify-write under an exclusive flock; the write is atomic and 0600."""
        self.path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        lock_path = self.path.with_name(self.path.name + ".lock")
        fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            users = dict(self._read())
            yield users
            atomic_write_bytes(self.path, self._dump(users), mode=0o600)
            with self._lock:
                self._identity = None  # re-read on the next lookup
        finally:
            os.close(fd)  # closing releases the flock

    @staticmethod
    def _dump(users: dict[str, User]) -> bytes:
        table: dict[str, Any] = {}
        for user in sorted(users.values(), key=lambda u: u.name):
            entry: dict[str, Any] = {"role": user.role, "description": user.description}
            if user.password_hash:
                entry["password"] = user.password_hash
            if user.keys:
                entry["keys"] = list(user.keys)
            if user.created:
                entry["created"] = user.created
            if user.must_change:
                entry["must_change"] = True
            if user.shell != "console":
                entry["shell"] = user.shell
            table[user.name] = entry
        header = ("# hmc-tui users: change with `hmc-tui users ...` or the HMC commands\n"
                  "# (mkhmcusr, chhmcusr, rmhmcusr). Passwords are salted scrypt hashes.\n")
        return (header + tomli_w.dumps({"users": table})).encode("utf-8")

    @staticmethod
    def _existing(users: dict[str, User], name: str) -> User:
        user = users.get(name)
        if user is None:
            raise UserError(f"the user {name} does not exist")
        return user


def _count_admins(users: dict[str, User]) -> int:
    return sum(1 for u in users.values() if u.role == "hmcsuperadmin")


def _now() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat()


def check_name(name: str) -> None:
    if not NAME_RE.match(name):
        raise UserError(f"the user name {name!r} is not valid: 1 to 32 letters, digits, '.', "
                        "'_' or '-', starting with a letter")


def check_role(role: str) -> None:
    if role not in ROLES:
        raise UserError(f"the task role {role!r} is not valid: use one of {', '.join(ROLES)}")


def check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise UserError(f"the password must have at least {MIN_PASSWORD} characters")
    if any(ord(c) < 32 for c in password):
        raise UserError("the password must not contain control characters")
