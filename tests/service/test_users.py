"""The user store, the HMC user commands, login throttling and `hmc-tui users`."""

from __future__ import annotations

import io
import os
import stat
import sys
from pathlib import Path

import asyncssh
import pytest

from engine.roles import Actor
from hmc_tui.hmccli.usercmds import LSHMCUSR_ATTRS, run_user_command
from hmc_tui.service import entry
from hmc_tui.service.logins import Attempt, LoginLimiter
from hmc_tui.service.users import (
    UserError,
    UserStore,
    hash_password,
    parse_public_keys,
    verify_password,
)

from .conftest import FAST_SCRYPT, PASSWORDS

ADMIN = Actor(user="hscroot", role="hmcsuperadmin")


# ---------------------------------------------------------------- store


def test_passwords_are_salted_scrypt_hashes_only(store: UserStore) -> None:
    text = store.path.read_text()
    assert all(password not in text for password in PASSWORDS.values())
    first, second = hash_password("same-password"), hash_password("same-password")
    assert first.startswith("$scrypt$ln=15,r=8,p=1$") and first != second  # salted
    assert verify_password("same-password", first) and not verify_password("other", first)
    assert store.verify_password("oper", PASSWORDS["oper"])
    assert not store.verify_password("oper", PASSWORDS["view"])
    assert not store.verify_password("nobody", "whatever-pw")


def test_user_file_is_private_and_seen_by_other_processes(store: UserStore) -> None:
    assert stat.S_IMODE(store.path.stat().st_mode) == 0o600
    other = UserStore(store.path, log2_n=FAST_SCRYPT)  # another process, in effect
    assert other.get("view") is not None
    other.set_role("view", "hmcoperator")
    assert store.get("view").role == "hmcoperator"  # type: ignore[union-attr]
    assert not list(store.path.parent.glob(".users.toml.*.tmp"))  # atomic: no leftovers


def test_store_refuses_bad_input(store: UserStore) -> None:
    with pytest.raises(UserError, match="already exists"):
        store.add("view", "hmcviewer", password="long-enough")
    with pytest.raises(UserError, match="not valid"):
        store.add("9lives", "hmcviewer", password="long-enough")
    with pytest.raises(UserError, match="task role"):
        store.add("bob", "root", password="long-enough")
    with pytest.raises(UserError, match="at least 8"):
        store.add("bob", "hmcviewer", password="short")
    with pytest.raises(UserError, match="last hmcsuperadmin"):
        store.remove("hscroot")
    with pytest.raises(UserError, match="last hmcsuperadmin"):
        store.set_role("hscroot", "hmcviewer")
    with pytest.raises(UserError, match="does not exist"):
        store.set_password("ghost", "long-enough")


def test_initial_admin_only_when_there_are_no_users(dirs: Path) -> None:
    users = UserStore(dirs / "data" / "users.toml", log2_n=FAST_SCRYPT)
    path = users.ensure_initial_admin()
    assert path == dirs / "data" / "initial-password"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    password = path.read_text().strip()
    assert len(password) == 16 and users.verify_password("hscroot", password)
    hscroot = users.get("hscroot")
    assert hscroot is not None and (hscroot.role, hscroot.must_change) == ("hmcsuperadmin", True)
    assert password not in users.path.read_text()
    assert users.ensure_initial_admin() is None
    # Another process sees the flag; a new password clears it and the now useless file.
    assert UserStore(users.path, log2_n=FAST_SCRYPT).get("hscroot").must_change  # type: ignore[union-attr]
    users.set_password("hscroot", "chosen-by-me")
    assert not users.get("hscroot").must_change  # type: ignore[union-attr]
    assert not path.exists()


def test_own_password_change_checks_old_and_new(store: UserStore) -> None:
    store.set_password("oper", PASSWORDS["oper"], must_change=True)
    with pytest.raises(UserError, match="current password is not correct"):
        store.change_password("oper", "wrong-old-pw", "brand-new-pw")
    with pytest.raises(UserError, match="must differ"):
        store.change_password("oper", PASSWORDS["oper"], PASSWORDS["oper"])
    with pytest.raises(UserError, match="at least 8"):
        store.change_password("oper", PASSWORDS["oper"], "short")
    assert store.get("oper").must_change  # type: ignore[union-attr]
    store.change_password("oper", PASSWORDS["oper"], "brand-new-pw")
    assert store.verify_password("oper", "brand-new-pw")
    assert not store.get("oper").must_change  # type: ignore[union-attr]


def test_public_keys_are_validated_and_matched(store: UserStore) -> None:
    key = asyncssh.generate_private_key("ssh-ed25519", comment="alice@laptop")
    line = key.export_public_key().decode()
    (parsed,) = parse_public_keys("# my key\n\n" + line)
    store.add("alice", "hmcviewer", keys=[parsed])
    assert store.accepts_key("alice", key.public_data)
    other = asyncssh.generate_private_key("ssh-ed25519")
    assert not store.accepts_key("alice", other.public_data)
    assert not store.accepts_key("view", key.public_data)
    with pytest.raises(UserError, match="not an SSH public key"):
        parse_public_keys("ssh-ed25519 not-base64-at-all")


# ---------------------------------------------------------------- HMC commands


def test_lshmcusr_prints_the_hmc_attributes_in_order(store: UserStore) -> None:
    result = run_user_command(["lshmcusr"], ADMIN, store)
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert [line.split(",")[0] for line in lines] == ["name=hscroot", "name=oper", "name=view"]
    first = lines[0]
    assert [part.split("=")[0] for part in first.split(",")] == list(LSHMCUSR_ATTRS)
    assert first.startswith("name=hscroot,taskrole=hmcsuperadmin,description=HMC Super User,"
                            "pwage=99999,resourcerole=ALL:,")
    assert "resources=<ResourceID = ALL:><UserDefinedName = AllSystemResources>" in first


def test_lshmcusr_fields_filters_and_empty_result(store: UserStore) -> None:
    result = run_user_command(["lshmcusr", "-F", "name:taskrole", "--header", "--filter",
                               "taskroles=hmcviewer,hmcoperator"], ADMIN, store)
    assert result.stdout == "name:taskrole\noper:hmcoperator\nview:hmcviewer\n"
    empty = run_user_command(["lshmcusr", "--filter", "names=ghost"], ADMIN, store)
    assert (empty.stdout, empty.exit_code) == ("No results were found.\n", 0)
    bad = run_user_command(["lshmcusr", "-F", "name,shoe_size"], ADMIN, store)
    assert bad.exit_code == 1 and "shoe_size" in bad.stderr


def test_mkhmcusr_chhmcusr_rmhmcusr(store: UserStore) -> None:
    made = run_user_command(["mkhmcusr", "-u", "bob", "-a", "hmcviewer", "--passwd",
                             "bobs-password", "-d", "Bob, night shift"], ADMIN, store)
    assert made.exit_code == 0, made.stderr
    assert store.verify_password("bob", "bobs-password")
    listed = run_user_command(["lshmcusr", "--filter", "names=bob"], ADMIN, store).stdout
    assert ',"description=Bob, night shift",' in listed  # a value with commas is quoted
    for argv in (["chhmcusr", "-u", "bob", "-t", "taskrole", "-v", "hmcoperator"],
                 ["chhmcusr", "-u", "bob", "-t", "passwd", "-v", "new-password"]):
        assert run_user_command(argv, ADMIN, store).exit_code == 0
    bob = store.get("bob")
    assert bob is not None and bob.role == "hmcoperator"
    assert store.verify_password("bob", "new-password")
    assert run_user_command(["rmhmcusr", "-u", "bob"], ADMIN, store).exit_code == 0
    assert store.get("bob") is None
    again = run_user_command(["rmhmcusr", "-u", "bob"], ADMIN, store)
    assert again.exit_code == 1 and "does not exist" in again.stderr
    selfish = run_user_command(["rmhmcusr", "-u", "hscroot"], ADMIN, store)
    assert selfish.exit_code == 1 and "logged in as" in selfish.stderr
    missing = run_user_command(["mkhmcusr", "-u", "carl", "-a", "hmcviewer"], ADMIN, store)
    assert missing.exit_code == 1 and "--passwd" in missing.stderr


@pytest.mark.parametrize("role", ["hmcoperator", "hmcviewer"])
@pytest.mark.parametrize("argv", [["rmhmcusr", "-u", "view"],
                                  ["mkhmcusr", "-u", "x", "-a", "hmcviewer", "--passwd", "p"],
                                  ["chhmcusr", "-u", "view", "-t", "passwd", "-v", "p"]])
def test_user_commands_need_superadmin(store: UserStore, role: str, argv: list[str]) -> None:
    store.add("someone", role, password="Someone-pass-1")  # rights are the store's, now
    result = run_user_command(argv, Actor(user="someone", role=role), store)  # type: ignore
    assert result.exit_code == 1
    assert result.stderr.startswith("HSCL350B The user someone does not have the appropriate "
                                    "authority to perform user management tasks.")
    assert store.get("view") is not None and store.get("x") is None


# ---------------------------------------------------------------- throttling


def test_login_limiter_delays_blocks_and_forgets() -> None:
    now = [1000.0]
    limiter = LoginLimiter(max_failures=3, window=60, delay=0.5, max_delay=1.5,
                           clock=lambda: now[0])
    assert [limiter.failed("192.0.2.1") for _ in range(2)] == [0.5, 1.0]
    assert not limiter.blocked("192.0.2.1")
    assert limiter.failed("192.0.2.1") == 1.5  # capped
    assert limiter.blocked("192.0.2.1") and not limiter.blocked("192.0.2.2")
    assert 59 < limiter.retry_after("192.0.2.1") <= 60
    now[0] += 61
    assert not limiter.blocked("192.0.2.1")


def test_password_attempts_are_counted_before_the_hash() -> None:
    """60 concurrent guesses: the first ones reserve failures before any hash is checked,
    so the address is blocked after max_failures of them, however fast they arrive."""
    now = [0.0]
    limiter = LoginLimiter(max_failures=5, window=60, delay=0.5, max_delay=8,
                           max_concurrent_per_address=2, max_concurrent=3, clock=lambda: now[0])
    first, second = limiter.begin("a"), limiter.begin("a")
    assert isinstance(first, Attempt) and isinstance(second, Attempt)
    assert limiter.begin("a") == "busy"  # two being checked from "a" already
    other = limiter.begin("b")
    assert isinstance(other, Attempt) and limiter.begin("c") == "busy"  # three in all
    limiter.succeeded(other)  # a right password costs nothing
    assert limiter.checking == 2 and limiter.retry_after("b") == 0
    assert limiter.failed_attempt(second) == 1.0  # two failures reserved: first's and this
    outcomes = []
    for _ in range(60):
        attempt = limiter.begin("a")
        if isinstance(attempt, Attempt):
            outcomes.append("checked")
            limiter.failed_attempt(attempt)
        else:
            outcomes.append(attempt)
    # 2 reserved + 3 more checked = 5; everything after is refused without a hash.
    assert outcomes[:3] == ["checked"] * 3 and set(outcomes[3:]) == {"blocked"}
    limiter.succeeded(first)  # the one still in flight was right: its reservation goes
    assert not limiter.blocked("a") and limiter.checking == 0
    assert limiter.failed("a") == 8  # 5 failures again (0.5 * 2**4)
    limiter.succeeded(second)  # closed already: no effect
    assert limiter.blocked("a")


# ---------------------------------------------------------------- hmc-tui users


def test_users_subcommands(dirs: Path, monkeypatch: pytest.MonkeyPatch,
                           capsys: pytest.CaptureFixture[str]) -> None:
    key_file = dirs / "alice.pub"
    key_file.write_bytes(asyncssh.generate_private_key("ssh-ed25519").export_public_key())
    monkeypatch.setattr(sys, "stdin", io.StringIO("first-password\n"))
    assert entry.main(["users", "add", "bob", "--role", "hmcoperator", "--password-stdin"]) == 0
    assert entry.main(["users", "add", "alice", "--role", "hmcviewer", "--key",
                       str(key_file)]) == 0  # stdin is not a terminal: key-only user
    monkeypatch.setattr(sys, "stdin", io.StringIO("second-password\n"))
    assert entry.main(["users", "passwd", "bob", "--password-stdin"]) == 0
    assert entry.main(["users", "list"]) == 0
    out = capsys.readouterr().out
    assert "bob    hmcoperator  yes       0" in out and "alice  hmcviewer    no        1" in out
    users = UserStore()
    assert users.verify_password("bob", "second-password")
    assert stat.S_IMODE(os.stat(users.path).st_mode) == 0o600
    assert entry.main(["users", "remove", "alice"]) == 0
    assert entry.main(["users", "remove", "alice"]) == 1
    assert "does not exist" in capsys.readouterr().err
    assert UserStore().get("alice") is None


def test_users_passwd_ends_a_pending_first_login_change(
        dirs: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    path = UserStore().ensure_initial_admin()
    assert path is not None and path.exists()
    assert entry.main(["users", "list"]) == 0
    assert "hscroot  hmcsuperadmin  expired   0" in capsys.readouterr().out
    monkeypatch.setattr(sys, "stdin", io.StringIO("chosen-admin-pw\n"))
    assert entry.main(["users", "passwd", "hscroot", "--password-stdin"]) == 0
    hscroot = UserStore().get("hscroot")
    assert hscroot is not None and not hscroot.must_change
    assert UserStore().verify_password("hscroot", "chosen-admin-pw")
    assert not path.exists()
    assert entry.main(["users", "list"]) == 0
    assert "hscroot  hmcsuperadmin  yes       0" in capsys.readouterr().out


def test_socket_path_without_runtime_dir_is_in_the_state_dir(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    # No XDG_RUNTIME_DIR: never platformdirs' /tmp/runtime-UID fallback (a shared directory).
    from hmc_tui.service import paths

    for name in ("HMC_TUI_SOCKET", "HMC_TUI_STATE_DIR", "HMC_TUI_DATA_DIR", "XDG_RUNTIME_DIR"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    monkeypatch.setattr(paths.sys, "platform", "linux")
    assert paths.default_socket_path().is_relative_to(tmp_path / "state")
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(tmp_path))
    assert paths.default_socket_path() == tmp_path / "hmc-tui" / paths.SOCKET_NAME
