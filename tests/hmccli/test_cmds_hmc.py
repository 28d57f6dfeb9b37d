"""The console-level commands: firmware (lslic, updlic), password policies, SSH keys, LDAP,
lshmc -v/-n/-r, monhmc, lsled, lssyscfg filters, partition mobility refusals, lshmcusr."""

from __future__ import annotations

import stat
from pathlib import Path

import asyncssh
import pytest
from hmccli_support import SYS
from hypothesis import given, settings
from hypothesis import strategies as st

from engine.roles import Actor
from engine.service import Engine
from engine.store import demo_frame
from hmc_tui.console import LocalConsole
from hmc_tui.hmccli import CommandResult, run_command
from hmc_tui.service.pwdpolicy import MEDIUM_NAME
from hmc_tui.service.users import PolicyViolation, UserStore

LIC = f"lslic -m {SYS} -F activated_spname,activated_level,ecnumber"
UPD = f"updlic -m {SYS} -t sys -r ibmwebsite"


@pytest.fixture
def store(tmp_path: Path) -> UserStore:
    users = UserStore(tmp_path / "users.toml", log2_n=4)
    users.add("hscroot", "hmcsuperadmin", password="Admin-pass-1")
    users.add("alice", "hmcsuperadmin", password="Alice-pass-1")
    users.add("oper", "hmcoperator", password="Oper-pass-12")
    users.add("view", "hmcviewer", password="View-pass-12")
    return users


def as_user(user: str, role: str, store: UserStore, engine: Engine | None = None):  # type: ignore[no-untyped-def]
    console = LocalConsole(engine or Engine(demo_frame(), mode="stepped"),
                           Actor.model_validate({"user": user, "role": role}))

    def go(line: str) -> CommandResult:
        return run_command(console, line, users=store)
    go.console = console  # type: ignore[attr-defined]
    return go


def power_off(console: LocalConsole) -> None:
    assert run_command(console, f"chsysstate -m {SYS} -r sys -o off --immed --force").ok
    console.step(30)
    assert console.snapshot().frame.system.state == "Power Off"


# ---------------------------------------------------------------- lslic / updlic


def test_lslic_fields_as_ansible_asks(run) -> None:  # type: ignore[no-untyped-def]
    assert run(LIC).stdout == "FW1060,40,01MH1060\n"
    assert run(f"lslic -t sys -m {SYS} -F activated_level").stdout == "40\n"
    for kind in ("sriov", "io", "power"):
        assert run(f"lslic -t {kind} -m {SYS}").stdout == "No results were found.\n"
    assert run("lslic -m Other -F ecnumber").stderr == \
        "HSCL8014 The managed system Other was not found.\n"


def test_lslic_lists_what_the_repository_offers(run) -> None:  # type: ignore[no-untyped-def]
    base = f"lslic -t sys -m {SYS} -r ibmwebsite -F level,spname,concurrency -l"
    assert run(f"{base} update").stdout == "52,FW1060,concurrent\n61,FW1060,disruptive\n"
    assert run(f"{base} upgrade").stdout == "14,FW1070,disruptive\n22,FW1070,disruptive\n"
    assert run(f"lslic -t sys -m {SYS} -l update").exit_code == 1  # -l needs -r


def test_concurrent_update_applies_while_running(console, run) -> None:  # type: ignore[no-untyped-def]
    done = run(f"{UPD} -o a -l latestconcurrent")
    assert (done.exit_code, done.stdout, done.stderr) == (0, "", "")
    assert run(LIC).stdout == "FW1060,52,01MH1060\n"
    assert console.snapshot().frame.system.firmware == "FW1060.20"
    events = [e for e in console.snapshot().events if e.op == "update_firmware"]
    assert [(e.ok, e.command) for e in events] == [
        (True, f"updlic -m {SYS} -o a -t sys -l latestconcurrent -r ibmwebsite")]
    assert console.snapshot().frame.partition("oradb01").state == "Running"
    assert run(f"{UPD} -o a -l 52").stderr == \
        f"HSCL0D03 The managed system {SYS} is already at level FW1060.20.\n"
    assert run(f"{UPD} -o a -l 40").stderr == (
        f"HSCL0D04 The level FW1060.10 is older than the activated level FW1060.20 of managed "
        f"system {SYS}.\n")


def test_disruptive_levels_need_the_system_off(console, run) -> None:  # type: ignore[no-untyped-def]
    refused = run(f"{UPD} -o a -l 01MH1060_061")
    assert (refused.exit_code, refused.stderr) == (1, (
        f"HSCL0D02 The level FW1060.30 is disruptive: the managed system {SYS} must be powered "
        "off to install it (its state is Operating).\n"))
    assert run(LIC).stdout == "FW1060,40,01MH1060\n"  # nothing changed
    power_off(console)
    assert run(f"{UPD} -o a -l latest").ok
    assert run(LIC).stdout == "FW1060,61,01MH1060\n"
    assert run(f"{UPD} -o u -l latest").ok  # a new release: disruptive, the system is off
    assert run(LIC).stdout == "FW1070,22,01MH1070\n"
    assert run(f"{UPD} -o u -l latest").stderr == \
        f"HSCL0D05 There is no release newer than FW1070 for managed system {SYS}.\n"
    assert run(f"updlic -m {SYS} -o c").ok


def test_invalid_level_is_refused_with_the_levels_offered(run) -> None:  # type: ignore[no-untyped-def]
    refused = run(f"{UPD} -o a -l 01MH1070_014")  # a level of the next release needs -o u
    assert (refused.exit_code, refused.stdout) == (1, "")
    assert refused.stderr == (
        f"HSCL0D01 The level 01MH1070_014 is not available for managed system {SYS} (machine "
        "type-model 9080-HEX). The levels that can be installed are: FW1060.00 (31), "
        "FW1060.10 (40), FW1060.20 (52), FW1060.30 (61).\n")
    assert run(f"updlic -m {SYS} -o a -t io -r ibmwebsite").stderr.startswith("HSCLC001 ")
    assert run(f"updlic -m {SYS} -o a -l latest").exit_code == 1  # -t and -r are required


def test_updlic_needs_a_superadmin(store: UserStore) -> None:
    for user, role in (("view", "hmcviewer"), ("oper", "hmcoperator")):
        refused = as_user(user, role, store)(f"{UPD} -o a -l 52")
        assert refused.stderr == (f"HSCL350B The user {user} does not have the appropriate "
                                  "authority to perform partition configuration tasks.\n")


# ---------------------------------------------------------------- password policies


def test_password_policies_listed_created_activated_enforced(store: UserStore) -> None:
    admin = as_user("alice", "hmcsuperadmin", store)
    listed = admin("lspwdpolicy -t p")
    assert listed.stdout == (
        f"name={MEDIUM_NAME},description={MEDIUM_NAME},active=0,min_pwage=1,pwage=180,"
        "warn_pwage=7,min_length=8,hist_size=10,min_digits=0,min_uppercase_chars=1,"
        "min_lowercase_chars=6,min_special_chars=0\n")
    assert admin("lspwdpolicy -t s").stdout == "active=0,active_policy_name=\n"
    made = admin('mkpwdpolicy -i "name=strict,description=Strict policy,min_length=12,'
                 'min_digits=2,min_special_chars=1"')
    assert (made.exit_code, made.stderr) == (0, "")
    assert admin("chpwdpolicy -o a -n strict").ok
    assert admin("lspwdpolicy -t s").stdout == "active=1,active_policy_name=strict\n"
    assert admin("lspwdpolicy -t p -F name,active,min_length").stdout == \
        f"{MEDIUM_NAME},0,8\nstrict,1,12\n"
    weak = admin("mkhmcusr -u bob -a hmcviewer --passwd Bob-password-1")
    assert (weak.exit_code, weak.stderr) == (1, (
        "HSCL0D0B The password does not satisfy the active password policy strict: it must "
        "have at least 2 digits.\n"))
    assert store.get("bob") is None
    assert admin("mkhmcusr -u bob -a hmcviewer --passwd Bob-pass-1234").ok
    short = admin("chhmcusr -u bob -t passwd -v Sh0rt-1")  # 7 characters
    assert short.stderr.startswith("chhmcusr: the password must have at least 8")
    assert admin("chhmcusr -u bob -t passwd -v Bob-pass-98765").ok
    # the policy reaches every password set: `hmc-tui users passwd`, the first-login change
    with pytest.raises(PolicyViolation, match="at least 12 characters"):
        store.set_password("oper", "Oper-pass-1")
    with pytest.raises(PolicyViolation, match="at least 1 special"):
        store.change_password("bob", "Bob-pass-98765", "Bobpass123456")
    store.set_password("hscroot", "hscroot-pass")  # exempt, as IBM documents
    assert admin("chpwdpolicy -o d").ok
    store.set_password("oper", "Oper-pass-1")


def test_policy_changes_and_their_refusals(store: UserStore, tmp_path: Path) -> None:
    admin = as_user("alice", "hmcsuperadmin", store)
    assert admin('mkpwdpolicy -i "name=p1,min_length=10"').ok
    assert admin('mkpwdpolicy -i "name=p1"').stderr == \
        "HSCL0D08 The password policy p1 already exists.\n"
    assert admin('mkpwdpolicy -i "name=p2,min_length=ten"').stderr == (
        "HSCL0D0A The password policy attribute min_length is not valid: 'ten' is not a "
        "whole number\n")
    assert admin('mkpwdpolicy -i "name=p2,colour=red"').stderr == \
        "HSCL0D0A The password policy attribute colour is not valid: no such attribute\n"
    assert admin('mkpwdpolicy -i "min_length=9"').stderr == \
        "HSCLC002 The required attribute name was not specified.\n"
    assert admin('chpwdpolicy -o m -i "name=p1,new_name=p9,min_length=9"').ok
    assert admin("lspwdpolicy -t p -F name,min_length --filter names=p9").stdout == "p9,9\n"
    assert admin("chpwdpolicy -o a -n p1").stderr == \
        "HSCL0D07 The password policy p1 was not found.\n"
    assert admin("chpwdpolicy -o a -n p9").ok
    assert admin("rmpwdpolicy -n p9").stderr == (
        "HSCL0D09 The password policy p9 cannot be removed: it is the active policy; "
        "deactivate it first (chpwdpolicy -o d).\n")
    assert admin(f'rmpwdpolicy -n "{MEDIUM_NAME}"').stderr == (
        f"HSCL0D09 The password policy {MEDIUM_NAME} cannot be removed: it is the console's "
        "built-in policy.\n")
    assert admin("chpwdpolicy -o d").ok
    assert admin("rmpwdpolicy -n p9").ok
    assert admin("lspwdpolicy -t p -F name").stdout == f"{MEDIUM_NAME}\n"
    mode = stat.S_IMODE((tmp_path / "pwdpolicy.toml").stat().st_mode)
    assert mode == 0o600


def test_every_user_lists_policies_only_superadmins_change_them(store: UserStore) -> None:
    viewer = as_user("view", "hmcviewer", store)
    assert viewer("lspwdpolicy -t p -F name").stdout == f"{MEDIUM_NAME}\n"
    for line in ('mkpwdpolicy -i "name=mine"', f'chpwdpolicy -o a -n "{MEDIUM_NAME}"',
                 "chpwdpolicy -o d", "rmpwdpolicy -n x"):
        refused = viewer(line)
        assert refused.stderr == ("HSCL350B The user view does not have the appropriate "
                                  "authority to perform user management tasks.\n"), line
    assert store.policies.active() is None


# ---------------------------------------------------------------- mkauthkeys, lshmcldap


def public_key(comment: str) -> str:
    key = asyncssh.generate_private_key("ssh-ed25519", comment=comment)
    return key.export_public_key().decode().strip()


def test_mkauthkeys_adds_and_removes_the_callers_keys(store: UserStore) -> None:
    viewer = as_user("view", "hmcviewer", store)
    first, second = public_key("view@laptop"), public_key("view@desk")
    assert viewer("mkauthkeys --test").stderr == \
        "HSCL0D0D No SSH key of user view matches any key.\n"
    assert viewer(f"mkauthkeys --add '{first}'").ok
    assert viewer(f'mkauthkeys -a "{second}"').ok
    assert viewer(f"mkauthkeys --add '{first}'").ok  # the same key twice is kept once
    user = store.get("view")
    assert user is not None and len(user.keys) == 2
    assert viewer("mkauthkeys --test").ok
    assert viewer("mkauthkeys --remove 'view@laptop'").ok
    user = store.get("view")
    assert user is not None and [k.split()[-1] for k in user.keys] == ["view@desk"]
    assert viewer(f"mkauthkeys -r '{second}'").ok  # the whole key line works as well
    assert viewer("mkauthkeys --remove view@desk").stderr == \
        "HSCL0D0D No SSH key of user view matches view@desk.\n"
    bad = viewer("mkauthkeys --add 'ssh-rsa notakey view@x'")
    assert bad.exit_code == 1 and bad.stderr.startswith("HSCL0D0C The SSH key ssh-rsa ")
    assert viewer("mkauthkeys --add a -r b").exit_code == 1  # one action at a time


def test_mkauthkeys_for_another_user_needs_a_superadmin(store: UserStore) -> None:
    key = public_key("oper@ops")
    refused = as_user("view", "hmcviewer", store)(f"mkauthkeys -u oper --add '{key}'")
    assert refused.stderr.startswith("HSCL350B The user view ")
    assert as_user("alice", "hmcsuperadmin", store)(f"mkauthkeys -u oper --add '{key}'").ok
    oper = store.get("oper")
    assert oper is not None and oper.keys == (key,)
    remote = as_user("alice", "hmcsuperadmin", store)("mkauthkeys --ip 10.0.0.9 --test")
    assert remote.stderr.startswith("HSCLC001 The operation mkauthkeys --ip")


def test_lshmcldap_says_no_ldap(run) -> None:  # type: ignore[no-untyped-def]
    result = run("lshmcldap -r config")
    assert (result.exit_code, result.stdout) == \
        (0, "The LDAP server is not configured on this management console.\n")


# ---------------------------------------------------------------- lshmcusr for everyone


def test_lshmcusr_shows_others_only_their_own_record(store: UserStore) -> None:
    assert as_user("view", "hmcviewer", store)("lshmcusr -F name,taskrole").stdout == \
        "view,hmcviewer\n"
    assert as_user("oper", "hmcoperator", store)("lshmcusr -F name").stdout == "oper\n"
    assert as_user("alice", "hmcsuperadmin", store)("lshmcusr -F name").stdout == \
        "alice\nhscroot\noper\nview\n"
    assert as_user("view", "hmcviewer", store)("lshmcusr --filter names=oper").stdout == \
        "No results were found.\n"


# ---------------------------------------------------------------- lssyscfg filters and -m


def test_lssyscfg_filters(run) -> None:  # type: ignore[no-untyped-def]
    assert run(f"lssyscfg -r sys --filter names={SYS} -F name").stdout == f"{SYS}\n"
    assert run("lssyscfg -r sys --filter names=other -F name").stdout == \
        "No results were found.\n"
    assert run(f"lssyscfg -r lpar -m {SYS} --filter work_groups=none -F name").stdout.count(
        "\n") == 11
    assert run(f"lssyscfg -r lpar -m {SYS} --filter work_groups=wg1").stdout == \
        "No results were found.\n"
    assert run(f'lssyscfg -r prof -m {SYS} --filter "lpar_ids=9,profile_names=default_profile"'
               " -F lpar_name,name").stdout == "dev02,default_profile\n"
    assert run("lssyscfg -r frame --filter names=f1").stdout == "No results were found.\n"
    for line in (f"lssyscfg -r lpar -m {SYS} --filter names=x",
                 f"lssyscfg -r sys --filter lpar_names={SYS}",
                 f"lssyscfg -r prof -m {SYS} --filter work_groups=none"):
        assert run(line).stderr.endswith("are --filter. Please check your entry and retry the "
                                         "command.\n"), line
    assert run(f"lssyscfg -r lpar -m {SYS} --filter lpar_names=ghost").stderr == \
        "HSCL8012 The partition named ghost was not found.\n"


def test_lssyscfg_m_as_the_man_page_says(run) -> None:  # type: ignore[no-untyped-def]
    assert run("lssyscfg -r sys -F name,state").stdout == f"{SYS},Operating\n"
    for resource in ("lpar", "prof", "sysprof"):  # "required when listing partitions, ..."
        refused = run(f"lssyscfg -r {resource}")
        assert refused.exit_code == 1 and " are -m. " in refused.stderr


# ---------------------------------------------------------------- migration


def test_migrlpar_refuses_every_target(run) -> None:  # type: ignore[no-untyped-def]
    assert run(f"migrlpar -o v -m {SYS} -t Server-9043-MRX-SN1 -p dev02").stderr == \
        "HSCL8014 The managed system Server-9043-MRX-SN1 was not found.\n"
    assert run(f"migrlpar -o m -m {SYS} -t {SYS} --id 9").stderr == (
        f"HSCL0D10 The source and target managed systems are the same ({SYS}); a partition "
        "migrates to another managed system.\n")
    remote = run(f"migrlpar -o m -m {SYS} -t far --ip 10.1.1.1 -u hscroot -p dev02 -w 5")
    assert remote.stderr.startswith("HSCL0D0E The target managed system far is not managed")
    assert run(f"migrlpar -o v -m {SYS} -t x -p ghost").stderr == \
        "HSCL8012 The partition named ghost was not found.\n"
    assert run(f"migrlpar -o r -m {SYS} -p dev02").stderr == \
        "HSCL0D0F The partition dev02 is not migrating; there is no migration to recover.\n"
    assert run(f"migrlpar -o v -m {SYS} -p dev02").exit_code == 1  # -t is required
    assert run(f"migrlpar -o v -m {SYS} -t x -p a --all").exit_code == 1
    assert run("migrlpar -o set -r sys -i x=1").stderr.startswith("HSCLC001 ")


def test_lslparmigr(run) -> None:  # type: ignore[no-untyped-def]
    assert run(f"lslparmigr -r lpar -m {SYS} --filter lpar_names=dev02").stdout == \
        "name=dev02,lpar_id=9,migration_state=Not Migrating\n"
    assert run(f"lslparmigr -r sys -m {SYS} -F num_active_migrations_in_progress").stdout == \
        "0\n"
    assert run("lslparmigr -r manager").stdout == "remote_lpar_mobility_capable=1\n"
    assert run(f"lslparmigr -r msp -m {SYS} -t other").stderr == \
        "HSCL8014 The managed system other was not found.\n"


# ---------------------------------------------------------------- monhmc, lsled, lssvcevents


def test_monhmc_needs_n_0(run) -> None:  # type: ignore[no-untyped-def]
    assert run("monhmc -r mem -n 4").stderr.startswith("HSCLC001 The operation monhmc -n N")
    assert run("monhmc -r mem").exit_code == 1
    assert run("monhmc -r net -n 0").exit_code == 1


def test_lsled(run) -> None:  # type: ignore[no-untyped-def]
    assert run(f"lsled -r sa -t virtualsys -m {SYS}").stdout == "state=off\n"
    assert run(f"lsled -r sa -t virtuallpar -m {SYS} --filter lpar_ids=3 -F lpar_name,state"
               ).stdout == "oradb01,off\n"
    assert run("lsled -r sa -t phys -m nope").stderr == \
        "HSCL8014 The managed system nope was not found.\n"


def test_lssvcevents_hardware_filters(run) -> None:  # type: ignore[no-untyped-def]
    assert run('lssvcevents -t hardware -i 1440 --filter "status=open"').stdout == \
        "No results were found.\n"
    assert run("lssvcevents -t hardware --filter colour=red").exit_code == 1
    assert run("lssvcevents -t hardware -F problem_num,shoe").stderr == \
        ("An invalid attribute was entered.  The invalid attribute is shoe."
         "  Please correct your entry and retry the command.\n")


# ---------------------------------------------------------------- firmware: a property


def _order(label: str) -> tuple[int, int]:
    from engine.ops.firmware import levels

    level = next(lv for lv in levels("9080-HEX") if lv.label == label)
    return int(level.release[2:]), level.number


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["a", "u", "c"]),
                          st.sampled_from(["latest", "latestconcurrent", "31", "40", "52",
                                           "061", "01MH1070_014", "FW1070.10", "99"]),
                          st.booleans()), max_size=6))
def test_firmware_only_moves_forward_and_disruptively_only_when_off(steps) -> None:  # type: ignore[no-untyped-def]
    """Whatever updlic is asked: the level never goes back, stays in the model's stream,
    and changes to or across a disruptive level only while the system is powered off."""
    from engine.ops.firmware import levels

    console = LocalConsole(Engine(demo_frame(), mode="stepped"))
    disruptive = {lv.label for lv in levels("9080-HEX") if lv.disruptive}
    for option, level, off in steps:
        state = console.snapshot().frame.system.state
        if off and state == "Operating":
            power_off(console)
        before = console.snapshot().frame.system
        result = run_command(console, f"updlic -m {SYS} -o {option} -t sys -r disk -l {level}"
                             if option != "c" else f"updlic -m {SYS} -o c")
        after = console.snapshot().frame.system
        assert result.exit_code in (0, 1) and (result.exit_code == 0) == (result.stderr == "")
        if result.exit_code == 1:
            assert after == before and result.stderr.startswith("HSCL0D0")
            continue
        assert _order(after.firmware) >= _order(before.firmware)
        crossed = {lv.label for lv in levels("9080-HEX")
                   if _order(before.firmware) < _order(lv.label) <= _order(after.firmware)}
        if crossed & disruptive or _order(after.firmware)[0] != _order(before.firmware)[0]:
            assert before.state == "Power Off"
