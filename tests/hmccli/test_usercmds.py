"""User commands are ordinary commands: one grammar, one registry, rights checked *now*."""

from __future__ import annotations

from pathlib import Path

import pytest

from engine.roles import Actor
from engine.service import Engine
from engine.store import demo_frame
from hmc_tui.console import LocalConsole
from hmc_tui.hmccli import COMMANDS, run_command
from hmc_tui.service.users import UserStore

REVOKED = ("HSCL0F03 The user bob is not in the user store; its rights are revoked and its "
           "sessions are closed.\n")


@pytest.fixture
def store(tmp_path: Path) -> UserStore:
    users = UserStore(tmp_path / "users.toml", log2_n=4)
    users.add("hscroot", "hmcsuperadmin", password="Admin-pass-1")
    users.add("bob", "hmcsuperadmin", password="Bob-pass-12")
    return users


@pytest.fixture
def bob() -> LocalConsole:
    """A console opened while bob was a superadmin: its actor still says so."""
    return LocalConsole(Engine(demo_frame()), Actor(user="bob", role="hmcsuperadmin"))


def test_user_commands_are_registered_like_the_others() -> None:
    for name in ("lshmcusr", "mkhmcusr", "rmhmcusr", "chhmcusr"):
        assert COMMANDS[name].grammar.name == name


def test_a_demoted_user_cannot_create_users(store: UserStore, bob: LocalConsole) -> None:
    assert run_command(bob, "lshmcusr -F name", users=store).stdout == "bob\nhscroot\n"
    store.set_role("bob", "hmcviewer")  # another session demotes bob
    refused = run_command(bob, "mkhmcusr -u eve -a hmcsuperadmin --passwd Eve-pass-123",
                          users=store)
    assert (refused.exit_code, refused.stdout) == (1, "")
    assert refused.stderr == ("HSCL350B The user bob does not have the appropriate authority "
                              "to perform user management tasks.\n")
    assert store.get("eve") is None


def test_a_removed_user_cannot_create_users(store: UserStore, bob: LocalConsole) -> None:
    store.remove("bob")
    refused = run_command(bob, "mkhmcusr -u eve -a hmcsuperadmin --passwd Eve-pass-123",
                          users=store)
    assert (refused.exit_code, refused.stderr) == (1, REVOKED)
    assert store.get("eve") is None


def test_a_promoted_user_gets_the_new_role_at_once(store: UserStore) -> None:
    store.add("carl", "hmcviewer", password="Carl-pass-12")
    carl = LocalConsole(Engine(demo_frame()), Actor(user="carl", role="hmcviewer"))
    store.set_role("carl", "hmcsuperadmin")
    made = run_command(carl, "mkhmcusr -u dan -a hmcoperator --passwd Dan-pass-123",
                       users=store)
    assert made.ok, made.stderr
    assert store.get("dan") is not None and store.get("dan").role == "hmcoperator"  # type: ignore[union-attr]


def test_the_store_is_reread_when_another_process_changes_it(store: UserStore,
                                                              bob: LocalConsole) -> None:
    other = UserStore(store.path, log2_n=4)  # e.g. `hmc-tui users` in another process
    other.remove("bob")
    refused = run_command(bob, "rmhmcusr -u hscroot", users=store)
    assert refused.stderr == REVOKED


def test_user_command_usage_comes_from_the_grammar(store: UserStore,
                                                   bob: LocalConsole) -> None:
    bad_role = run_command(bob, "mkhmcusr -u eve -a root --passwd Eve-pass-123", users=store)
    assert bad_role.exit_code == 1 and "are -a." in bad_role.stderr
    helped = run_command(bob, "chhmcusr --help", users=store)
    assert helped.ok and helped.stdout.startswith("Usage: chhmcusr [-u <user name>")
