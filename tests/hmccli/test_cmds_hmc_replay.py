"""The exact command strings real clients send for the console-level commands, through
`run_command`, with the answers read back the way each client reads them.

Sources (public repositories; each test names its client and file):
* IBM/ansible-power-hmc: plugins/module_utils/hmc_resource.py builds the lines from the
  option table of plugins/module_utils/hmc_command_stack.py (hence the doubled blanks and
  trailing blanks kept below) and parses with its parseCSV / parseMultiLineCSV /
  parseAttributes; hmc_cli_client.py turns a non-zero exit into HmcError(stdout or stderr).
* Nagios check_hmc.sh (HMC/pSeries health plugin): monhmc, lsled, lssvcevents lines and its
  `read` / `cut` field picking.
* LPAR2RRD's HMC agent (lpar2rrd.pl): `lshmc -v | grep RM`.
The parsers here are small re-statements of what those clients do with the text, not their
code.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from hmccli_support import SYS

from engine.roles import Actor
from engine.service import Engine
from engine.store import demo_frame
from hmc_tui.console import LocalConsole
from hmc_tui.hmccli import CommandResult, run_command
from hmc_tui.service.users import UserStore


class AnsibleHmcError(Exception):
    """hmc_cli_client.HmcCliConnection.execute: a non-zero exit raises with the text."""


@pytest.fixture
def store(tmp_path: Path) -> UserStore:
    users = UserStore(tmp_path / "users.toml", log2_n=4)
    users.add("hscroot", "hmcsuperadmin", password="Admin-pass-1")
    users.add("ansible", "hmcsuperadmin", password="Ansible-pass-1")
    users.add("nagios", "hmcviewer", password="Nagios-pass-1")
    return users


@pytest.fixture
def console() -> LocalConsole:
    return LocalConsole(Engine(demo_frame(), mode="stepped"), Actor(user="ansible"))


def execute(console: LocalConsole, store: UserStore, cmd: str) -> str:
    """As hmc_cli_client.execute: stdout on success, else HmcError(stdout or stderr), with
    the line breaks of stderr removed."""
    result: CommandResult = run_command(console, cmd, allow_files=False, users=store)
    if result.exit_code != 0:
        raise AnsibleHmcError(result.stdout or result.stderr.replace("\n", ""))
    return result.stdout


def parse_csv(line: str) -> dict[str, str]:
    """hmc_command_stack.parseCSV: `attr=value` pairs, a pair holding commas in quotes."""
    row = next(csv.reader([line.strip()]))
    return {k.upper(): v for k, v in (pair.split("=", 1) for pair in row)}


def parse_multiline(text: str) -> list[dict[str, str]]:
    """hmc_command_stack.parseMultiLineCSV: one parseCSV per non-empty line."""
    return [parse_csv(line) for line in text.split("\n") if line]


def parse_attributes(headers: str, values: str) -> dict[str, str]:
    """hmc_command_stack.parseAttributes: -F values zipped with the names, count checked."""
    names, fields = headers.split(","), values.strip().split(",")
    assert len(names) == len(fields)
    return dict(zip(names, fields, strict=True))


# ---------------------------------------------------------------- IBM Ansible: firmware


def test_ansible_firmware_update_flow(console: LocalConsole, store: UserStore) -> None:
    """plugins/modules/firmware_update.py via hmc_resource.get_firmware_level,
    update_managed_system and accept_level."""
    get_level = f"lslic -m {SYS} -F activated_spname,activated_level,ecnumber"
    before = parse_attributes("service_pack,level,ecnumber", execute(console, store, get_level))
    assert before == {"service_pack": "FW1060", "level": "40", "ecnumber": "01MH1060"}
    # state=updated with the module's defaults (repository ibmwebsite, level latest): the
    # latest level of FW1060 is disruptive, so a running system refuses it
    with pytest.raises(AnsibleHmcError, match=r"^HSCL0D02 The level FW1060.30 is disruptive"):
        execute(console, store, f"updlic -m {SYS} -o a -t sys -r ibmwebsite -l latest")
    execute(console, store, f"updlic -m {SYS} -o a -t sys -r ibmwebsite -l 052")
    after = parse_attributes("service_pack,level,ecnumber", execute(console, store, get_level))
    assert after["level"] == "52" and after != before  # the module reports changed
    assert execute(console, store, f"updlic -m {SYS} -o c") == ""
    # the module's example level form (release_level), for a level that does not exist
    with pytest.raises(AnsibleHmcError, match=r"^HSCL0D01 The level 01VL941_047 is not"):
        execute(console, store, f"updlic -m {SYS} -o u -t sys -r sftp -l 01VL941_047 "
                                "-h repo.example -u fw -d /fw --passwd s3cret")


# ---------------------------------------------------------------- IBM Ansible: pwdpolicy


def test_ansible_password_policy_flow(console: LocalConsole, store: UserStore) -> None:
    """plugins/modules/hmc_pwdpolicy.py via hmc_resource.listPwdPolicy, createPwdPolicy,
    modifyPwdPolicy and removePwdPolicy (lines as HMC_CMD_OPT builds them)."""
    policies = parse_multiline(execute(console, store, "lspwdpolicy -t p "))
    assert [p["NAME"] for p in policies] == ["HMC Medium Security Password Policy"]
    execute(console, store, 'mkpwdpolicy -i "name=ans_policy,min_pwage=1,pwage=90,'
                            'min_length=12,description=made by ansible"')
    created = [p for p in parse_multiline(execute(console, store, "lspwdpolicy -t p "))
               if p["NAME"] == "ans_policy"]
    assert created[0]["MIN_LENGTH"] == "12" and created[0]["ACTIVE"] == "0"
    execute(console, store, 'chpwdpolicy -o m  -i "min_length=14,name=ans_policy"')
    execute(console, store, "chpwdpolicy -o a  -n ans_policy")
    status = parse_csv(execute(console, store, "lspwdpolicy -t s "))
    assert status["ACTIVE"] == "1"  # ensure_deactivate reads this
    with pytest.raises(AnsibleHmcError, match="HSCL0D0B"):
        execute(console, store, 'mkhmcusr -i "name=joe,taskrole=hmcviewer,passwd=Short-pass-1"')
    execute(console, store, "chpwdpolicy -o d ")
    execute(console, store, "rmpwdpolicy -n ans_policy")
    names = [p["NAME"] for p in parse_multiline(execute(console, store, "lspwdpolicy -t p "))]
    assert names == ["HMC Medium Security Password Policy"]


# ---------------------------------------------------------------- IBM Ansible: users, LDAP


def test_ansible_lshmcldap_and_lshmcusr(console: LocalConsole, store: UserStore) -> None:
    """hmc_resource.list_HMC_LDAP ('LDAP server is not configured' in result -> []) and
    listUsr ('No results were found' -> [], else parseMultiLineCSV) for a viewer."""
    assert "LDAP server is not configured" in execute(console, store, "lshmcldap -r config")
    viewer = LocalConsole(console.engine, Actor(user="nagios", role="hmcviewer"))
    users = parse_multiline(execute(viewer, store, "lshmcusr"))
    assert [(u["NAME"], u["TASKROLE"]) for u in users] == [("nagios", "hmcviewer")]
    listed = execute(viewer, store, 'lshmcusr --filter "names=hscroot"')
    assert "No results were found" in listed


def test_ansible_lssyscfg_filters(console: LocalConsole, store: UserStore) -> None:
    """hmc_command_stack.filterBuilder: a value holding commas is wrapped in another pair of
    double quotes (`--filter ""lpar_names=a,b""`)."""
    one = execute(console, store, f'lssyscfg -r lpar -m {SYS} --filter "lpar_names=dev02"')
    assert parse_multiline(one)[0]["STATE"] == "Not Activated"
    two = execute(console, store,
                  f'lssyscfg -r prof -m {SYS} --filter ""lpar_names=dev02,oradb01""')
    assert sorted({p["LPAR_NAME"] for p in parse_multiline(two)}) == ["dev02", "oradb01"]
    ids = execute(console, store, f'lssyscfg -r lpar -m {SYS} --filter "lpar_ids=3" -F state')
    assert ids == "Running\n"


def test_ansible_partition_migration(console: LocalConsole, store: UserStore) -> None:
    """plugins/modules/powervm_lpar_migration.py via hmc_resource.migratePartitions and
    authenticateHMCs: the refusal comes back as the HmcError the module reports."""
    for line, code in ((f"migrlpar -o v -m {SYS} -t Server-9043-MRX-SN21 -p dev02,nim01 -w 5",
                        "HSCL8014"),
                       (f"migrlpar -o m -m {SYS} -t Server-9043-MRX-SN21 --id 9 --ip 10.2.0.5",
                        "HSCL0D0E"),
                       (f"migrlpar -o m -m {SYS} -t Server-9043-MRX-SN21 --all", "HSCL8014"),
                       (f"migrlpar -o r -m {SYS} -p dev02", "HSCL0D0F")):
        with pytest.raises(AnsibleHmcError, match=f"^{code} "):
            execute(console, store, line)
    with pytest.raises(AnsibleHmcError, match=r"^HSCLC001 "):
        execute(console, store, "mkauthkeys --ip 10.2.0.5 --test")


# ---------------------------------------------------------------- Nagios check_hmc.sh


def test_nagios_monhmc_fields(console: LocalConsole, store: UserStore) -> None:
    """check_hmc.sh mem / swap / disk / proc: `read` word positions, `cut` fields."""
    mem = execute(console, store, "monhmc -r mem -n 0").split("\n")
    assert len([line for line in mem if line]) == 1  # "contains unknown data" otherwise
    unit, _, _, total, _, free, _, used = mem[0].split()[:8]
    assert (unit, int(total), int(free), int(used)) == ("KiB", 16333276, 9174212, 4120460)
    swap = execute(console, store, "monhmc -r swap -n 0").split()
    assert (swap[0], int(swap[2]), int(swap[4]), int(swap[6])) == ("KiB", 2097148, 2097148, 0)
    disk = execute(console, store, "monhmc -r disk -n 0").split("\n")
    root = [line for line in disk if line.endswith(" /")]
    assert len(root) == 1
    fields = root[0].split()  # `echo ${FS_LINE} | cut -d ' ' -f 4,5,6`
    assert (fields[3], fields[4], fields[5]) == ("10485056", "36%", "/")
    cpus = [line for line in execute(console, store, "monhmc -r proc -n 0").split("\n")
            if "Cpu" in line]
    assert len(cpus) == 4
    user, sy, ni, idle, wa = cpus[0].replace("% ", "%").split(",")[:5]
    assert user.split()[2] == "2.3" and [float(x.split()[0]) for x in (sy, ni, idle, wa)] == \
        [0.7, 0.0, 96.7, 0.3]


def test_nagios_led_and_event_checks(console: LocalConsole, store: UserStore) -> None:
    """check_hmc.sh ledphys / ledvsys (`${STATE##*=}`), ledvlpar (`cut -d , -f 1..3`) and
    events (`egrep -q "^No results were found.$"`), per system of `lssyscfg -r sys -F name`."""
    nagios = LocalConsole(console.engine, Actor(user="nagios", role="hmcviewer"))
    for msys in execute(nagios, store, "lssyscfg -r sys -F name ").split():
        for kind in ("phys", "virtualsys"):
            state = execute(nagios, store, f"lsled -r sa -t {kind} -m {msys}").strip()
            assert state.rsplit("=", 1)[-1] == "off"
        lines = execute(nagios, store, f"lsled -r sa -t virtuallpar -m {msys}").splitlines()
        assert all(line.startswith("lpar_id") for line in lines) and len(lines) == 11
        assert {line.split(",")[2].rsplit("=", 1)[-1] for line in lines} == {"off"}
    events = execute(nagios, store, 'lssvcevents -t hardware -i 1440 --filter "status=open"')
    assert events.splitlines() == ["No results were found."]


# ---------------------------------------------------------------- LPAR2RRD


def test_lpar2rrd_hmc_version_from_vpd(console: LocalConsole, store: UserStore) -> None:
    """lpar2rrd.pl: `lshmc -v | grep RM | tr -d '[:alpha:]' | tr -d '[:punct:]'`."""
    rm = [line for line in execute(console, store, "lshmc -v").splitlines() if "RM" in line]
    assert len(rm) == 1
    digits = "".join(c for c in rm[0] if not c.isalpha() and c.isprintable())
    digits = "".join(c for c in digits if c.isalnum() or c == " ").replace(" ", "")
    assert digits == "10310600"
