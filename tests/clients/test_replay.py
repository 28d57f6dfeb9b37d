"""The command strings real HMC clients send, replayed through the system OpenSSH client
against `hmc-tui serve`, and their answers parsed the way each client parses them.

Clients and the files the strings come from:
- IBM/ansible-power-hmc, plugins/module_utils/hmc_resource.py (class Hmc) building the lines
  from plugins/module_utils/hmc_command_stack.py, sent by hmc_cli_client.py
  (HmcCliConnection.execute: sshpass + ssh through a shell, see conftest.Hmc.ansible);
  answers read by HmcCommandStack.parseCSV (comma-split `name=value` pairs) or by splitting
  on whitespace/lines.
- check_hmc_by_ssh.sh 1.3 (PROFI AG, Nagios Exchange): `/usr/bin/ssh $SSHPRIVKEY
  ${SSHUSER}${machine} "$hmcCommand"`, answers split with `IFS=',' read -a`.
- LPAR2RRD's HMC agent in SSH mode (key-only login): `lssyscfg -r sys -F name,type_model,
  serial_num`, `date '+%m/%d/%Y %H:%M:%S'`.
Only commands this console has today are replayed; the issue's three shell examples too.
"""

from __future__ import annotations

import re
import subprocess

from tests.clients.conftest import SYSTEM, Hmc

LPARS = ["nim01", "sandbox01", "dev02", "test01", "dev01", "ibmi01", "hana01", "was01",
         "oradb01", "vios2", "vios1"]


def parse_csv(text: str) -> dict[str, str]:
    """HmcCommandStack.parseCSV's reading of one record: `a=1,b=x,y,c=2` -> pairs, a field
    without `=` continuing the previous value."""
    out: dict[str, str] = {}
    last = ""
    for field in text.strip().split(","):
        if "=" in field:
            last, value = field.split("=", 1)
            out[last] = value
        elif last:
            out[last] += "," + field
    return out


def ifs_read(line: str) -> list[str]:
    """bash's `IFS=',' read -a ARRAY <<< "$line"`."""
    return line.rstrip("\n").split(",")


# ------------------------------------------------------------------ Ansible (password login)


def test_ansible_list_hmc_version(hmc: Hmc) -> None:
    # Hmc.listHMCVersion: CMD['LSHMC'] + OPT['LSHMC']['-V'] -> "lshmc -V "
    answer = hmc.ansible("lshmc -V ")
    assert answer.status == 0, answer.stderr
    # listHMCVersion keeps, per line, the text after "Version:", "Release:", "Service Pack:",
    # "HMC Build level" and "base_version="
    text = answer.stdout
    version = {key: m.group(1) for key, pattern in (
        ("VERSION", r"Version:\s*(\S+)"), ("RELEASE", r"Release:\s*(\S+)"),
        ("SERVICEPACK", r"Service Pack:\s*(\S+)"), ("HMCBUILDLEVEL", r"HMC Build level (\S+)"),
        ("BASEVERSION", r"base_version=(\S+)")) if (m := re.search(pattern, text))}
    assert version == {"VERSION": "10", "RELEASE": "3", "SERVICEPACK": "1060",
                       "HMCBUILDLEVEL": "2408210051", "BASEVERSION": 'V10R3'}


def test_ansible_managed_system_details(hmc: Hmc) -> None:
    # Hmc.getManagedSystemDetails: "lssyscfg" + " -r sys" + " -m " + cecName
    answer = hmc.ansible(f"lssyscfg -r sys -m {SYSTEM}")
    assert answer.status == 0, answer.stderr
    details = {k.lower(): v for k, v in parse_csv(answer.stdout).items()}
    assert details["name"] == SYSTEM
    assert details["state"] == "Operating"
    assert details["type_model"] == "9080-HEX"


def test_ansible_next_partition_id(hmc: Hmc) -> None:
    # Hmc.getNextPartitionID: "lssyscfg -r lpar -m SYS -F lpar_id", then int() per line
    answer = hmc.ansible(f"lssyscfg -r lpar -m {SYSTEM} -F lpar_id")
    assert answer.status == 0, answer.stderr
    ids = sorted(map(int, answer.stdout.strip().split("\n")))
    assert len(ids) == 11 and len(set(ids)) == 11
    assert min(set(range(1, 100)) - set(ids)) == max(ids) + 1 or min(ids) > 1


def test_ansible_partition_config_with_filter(hmc: Hmc) -> None:
    # Hmc.getPartitionConfig: "lssyscfg -r lpar -m SYS" + filterBuilder(LPAR_NAMES=X)
    answer = hmc.ansible(f'lssyscfg -r lpar -m {SYSTEM} --filter "lpar_names=nim01"')
    assert answer.status == 0, answer.stderr
    config = parse_csv(answer.stdout)
    assert (config["name"], config["state"], config["lpar_env"]) == (
        "nim01", "Running", "aixlinux")
    assert "rmc_state" in config


def test_ansible_profile_config_with_two_filters(hmc: Hmc) -> None:
    answer = hmc.ansible(f'lssyscfg -r prof -m {SYSTEM} '
                         '--filter "lpar_names=nim01,profile_names=normal"')
    assert answer.status == 0, answer.stderr
    profile = parse_csv(answer.stdout)
    assert (profile["name"], profile["lpar_name"]) == ("normal", "nim01")


def test_ansible_partition_refcode(hmc: Hmc) -> None:
    # Hmc.getPartitionRefcode: "lsrefcode -r lpar -m SYS --filter "lpar_names=X""
    answer = hmc.ansible(f'lsrefcode -r lpar -m {SYSTEM} --filter "lpar_names=nim01"')
    assert answer.status == 0, answer.stderr
    assert parse_csv(answer.stdout)["lpar_name"] == "nim01"


def test_ansible_system_memory(hmc: Hmc) -> None:
    # Hmc.getManagedSystemHwres(sys, "mem", "sys"): "lshwres -r mem -m SYS --level sys"
    answer = hmc.ansible(f"lshwres -r mem -m {SYSTEM} --level sys")
    assert answer.status == 0, answer.stderr
    memory = parse_csv(answer.stdout)
    assert int(memory["configurable_sys_mem"]) > 0
    assert "mem_region_size" in memory


def test_ansible_list_managed_systems(hmc: Hmc) -> None:
    # Hmc.list_all_managed_systems: "lssysconn -r all -F type_model_serial_num", .split()
    answer = hmc.ansible("lssysconn -r all -F type_model_serial_num")
    assert answer.status == 0, answer.stderr
    assert answer.stdout.split() == ["9080-HEX*78H4A21"]


def test_ansible_lpar_list_split_on_whitespace(hmc: Hmc) -> None:
    # Hmc.list_all_lpars_details(sys, "name,state"): raw_result.split()
    answer = hmc.ansible(f"lssyscfg -r lpar -m {SYSTEM} -F name,state")
    assert answer.status == 0, answer.stderr
    lines = answer.stdout.split()  # (sic: "Not Activated" splits in two, as in the module)
    assert lines[0] == "nim01,Running"
    assert "sandbox01,Not" in lines


def test_ansible_no_results_pipeline(hmc: Hmc) -> None:
    # IBM/ansible-power-hmc vios image listing (the first example): the pipeline runs
    # in the HMC's restricted shell; exit 0 with "No results were found" means "none".
    answer = hmc.ansible("lsviosimg | grep -w D || echo No results were found")
    assert (answer.stdout, answer.status) == ("No results were found\n", 0)


def test_ansible_error_answer_is_an_hscl_line(hmc: Hmc) -> None:
    # execute(): on a non-zero status the error is stderr without line breaks or backslashes
    answer = hmc.ansible('lssyscfg -r lpar -m NOSUCH --filter "lpar_names=x"')
    assert answer.status != 0
    message = re.sub(r"[\r\n\\]", "", answer.stderr)
    assert re.match(r"HSCL[0-9A-F]{4} ", message), message


def test_ansible_wrong_password_is_refused(hmc: Hmc) -> None:
    answer = hmc.ansible("lshmc -V ", password="wrong-password")
    assert answer.status == 5  # sshpass: invalid/incorrect password
    assert answer.stdout == ""


# ------------------------------------------------------------------ Nagios (key login)


def test_nagios_overview(hmc: Hmc) -> None:
    # check_hmc_by_ssh.sh OVERVIEW: systems, then each system's partitions
    answer = hmc.ssh_key("lssyscfg -r sys -F name,type_model,serial_num,ipaddr")
    assert answer.status == 0, answer.stderr
    name, type_model, serial, _ip = ifs_read(answer.stdout)
    assert (name, type_model, serial) == (SYSTEM, "9080-HEX", "78H4A21")
    lpars = hmc.ssh_key(f"lssyscfg -r lpar -m {name} -F name,lpar_id,state,os_version,"
                        "logical_serial_num,rmc_ipaddr")
    assert lpars.status == 0, lpars.stderr
    rows = [ifs_read(line) for line in lpars.stdout.splitlines()]
    assert [r[0] for r in rows] == LPARS
    assert all(len(r) == 6 for r in rows)
    down = sum(1 for r in rows if r[2] != "Running")
    assert down == 2


def test_nagios_lparrun(hmc: Hmc) -> None:
    # check_hmc_by_ssh.sh LPARRUN: state, then processor units of one partition
    line = (f"lssyscfg -r lpar -m {SYSTEM} -F name,lpar_id,state,os_version "
            '--filter "lpar_names=was01"')
    answer = hmc.ssh_key(line)
    assert answer.status == 0, answer.stderr
    values = ifs_read(answer.stdout)
    assert (values[0], values[2]) == ("was01", "Running")
    procs = hmc.ssh_key(f'lshwres -r proc -m {SYSTEM} --level lpar --filter "lpar_names=was01" '
                        "-F lpar_id,curr_min_proc_units,curr_proc_units,curr_max_proc_units")
    assert procs.status == 0, procs.stderr
    cpu = ifs_read(procs.stdout)
    assert (cpu[0], cpu[2]) == (values[1], "1.5")


def test_nagios_sysoper(hmc: Hmc) -> None:
    # check_hmc_by_ssh.sh SYSOPER: `cat $CmdOutFile | grep "$ATTRIBUTE"` then IFS=','
    answer = hmc.ssh_key("lssyscfg -r sys -F name,state,serial_num,ipaddr")
    values = ifs_read(next(line for line in answer.stdout.splitlines() if SYSTEM in line))
    assert values[1] == "Operating"


def test_nagios_shell_loop_over_systems(hmc: Hmc) -> None:
    # the second example: a for loop over command substitution, in one exec
    answer = hmc.ssh_key("for M in $(lssyscfg -r sys -F name); do lssyscfg -r lpar -m $M "
                         "-F name,state; done")
    assert answer.status == 0, answer.stderr
    assert [ifs_read(line)[0] for line in answer.stdout.splitlines()] == LPARS


def test_nagios_backtick_loop(hmc: Hmc) -> None:
    answer = hmc.ssh_key("for MSYS in `lssyscfg -r sys -F name`; do echo $MSYS; "
                         "lssyscfg -r lpar -m $MSYS -F name | wc -l; done")
    assert (answer.stdout, answer.status) == (f"{SYSTEM}\n11\n", 0)


def test_top_processor_users_pipeline(hmc: Hmc) -> None:
    # the third example
    answer = hmc.ssh_key(f"lshwres -r proc -m {SYSTEM} --level lpar -F lpar_name,"
                         "curr_proc_units | sort -t, -k2 -nr | head -3")
    assert (answer.stdout, answer.status) == ("oradb01,4.0\nibmi01,2.0\nwas01,1.5\n", 0)


def test_hardware_events_filter(hmc: Hmc) -> None:
    # check_hmc_by_ssh.sh HWEVENTS, counting `^problem_num` lines after splitting on commas
    answer = hmc.ssh_key("lssvcevents -t hardware --filter status=open")
    assert answer.status == 0, answer.stderr
    lines = re.sub(",", "\n", answer.stdout).splitlines()
    assert sum(1 for line in lines if line.startswith("problem_num")) >= 0
    assert answer.stderr == ""


# ------------------------------------------------------------------ LPAR2RRD (key login)


def test_lpar2rrd_system_list_and_clock(hmc: Hmc) -> None:
    answer = hmc.ssh_key("lssyscfg -r sys -F name,type_model,serial_num")
    assert (answer.stdout, answer.status) == (f"{SYSTEM},9080-HEX,78H4A21\n", 0)
    clock = hmc.ssh_key("date '+%m/%d/%Y %H:%M:%S'")
    assert clock.status == 0
    assert re.fullmatch(r"\d\d/\d\d/\d{4} \d\d:\d\d:\d\d\n", clock.stdout)
    zone = hmc.ssh_key("date '+%z'")
    assert re.fullmatch(r"[+-]\d{4}\n", zone.stdout)


# ------------------------------------------------------------------ rbash's refusals


def test_restricted_shell_refusals_over_ssh(hmc: Hmc) -> None:
    assert hmc.ssh_key("cat /etc/passwd > /tmp/x") == (
        "", "rbash: /tmp/x: restricted: cannot redirect output\n", 1)
    assert hmc.ssh_key("sh -c id") == ("", "rbash: sh: command not found\n", 127)
    assert hmc.ssh_key("cd /; PATH=/bin") == (
        "", "rbash: cd: restricted\nrbash: PATH: readonly variable\n", 1)
    assert hmc.ssh_key('echo "unbalanced') == (
        "", "rbash: -c: line 1: unexpected EOF while looking for matching `\"'\n", 2)
    assert hmc.ssh_key("whoami; hostname") == ("monitor\nhmc\n", "", 0)


def test_oversized_command_line_leaves_the_service_answering(hmc: Hmc) -> None:
    # 100 kB: about the most one argument may hold on Linux (128 kB)
    assert hmc.ssh_key("echo " + "x" * 100_000) == (
        "", "rbash: the command line is too long (100005 characters; at most 65536)\n", 2)
    assert hmc.ssh_key("whoami") == ("monitor\n", "", 0)


def test_binary_bytes(hmc: Hmc) -> None:
    assert hmc.ssh_key("echo \x01\x02 | wc -c; \x7f") == (
        "3\n", "rbash: \\x7f: command not found\n", 127)
    # Not UTF-8: the SSH server refuses the exec request itself; the service carries on.
    line = (f"ssh -o BatchMode=yes {hmc.known} -i {hmc.key} -p {hmc.port} monitor@127.0.0.1 "
            "echo ").encode() + b"\xff\xfe"
    done = subprocess.run([b"/bin/sh", b"-c", line], capture_output=True, timeout=60,
                          env=hmc.env, stdin=subprocess.DEVNULL)
    assert (done.stdout, done.returncode) == (b"", 255)
    assert b"exec request failed" in done.stderr
    assert hmc.ssh_key("whoami") == ("monitor\n", "", 0)
