"""mkvterm, rmvterm and vtmenu through the system OpenSSH client against `hmc-tui serve`,
driven with pexpect as op-test drives a real HMC (open-power/op-test common/OpTestHMC.py:
`sshpass -p PW ssh -l USER HOST`, then `mkvterm -m SYS -p LPAR`, wait for "Open
Completed.", then `~.`; `rmvterm -m SYS -p LPAR` first to free a console left open).

`-e none` turns OpenSSH's own `~.` escape off, so the `~.` reaches the HMC's terminal (with
the escape on, OpenSSH ends the connection itself, as it does in front of a real HMC).
"""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
import time
from collections.abc import Iterator

import pexpect
import pytest

from tests.clients.conftest import PASSWORD, SYSTEM, Hmc, served_hmc

OPER_PW = "Operator-Passw0rd"
OPER_PROMPT = "oper@hmc:~> "


@pytest.fixture(scope="module")
def vhmc() -> Iterator[Hmc]:
    """A server of its own, at 5 engine seconds per second (a boot's firmware codes in about
    two seconds), with `oper`: an hmcoperator whose login shell is the HMC prompt."""
    with served_hmc("--speed", "5") as served:
        subprocess.run([sys.executable, "-m", "hmc_tui", "users", "add", "oper", "--role",
                        "hmcoperator", "--shell", "rbash", "--password-stdin"],
                       input=OPER_PW + "\n", text=True, env=served.env, check=True,
                       capture_output=True)
        yield served


def login(hmc: Hmc, user: str = "oper", password: str = OPER_PW, *command: str,
          escape: bool = False) -> pexpect.spawn:
    """`sshpass -p PW ssh -tt -l USER host [COMMAND]` on a pexpect terminal."""
    args = ["-p", password, "ssh", "-tt", *(() if escape else ("-e", "none")),
            *hmc.known.split(), "-o", "PreferredAuthentications=password",
            "-o", "PubkeyAuthentication=no", "-p", str(hmc.port), "-l", user, "127.0.0.1",
            *command]
    return pexpect.spawn("sshpass", args, env=hmc.env, encoding="utf-8", timeout=20,
                         dimensions=(24, 160))


def run(hmc: Hmc, line: str) -> tuple[str, str, int]:
    """One exec'd command line without a terminal (Ansible's way)."""
    answer = hmc.ansible(line)
    return answer.stdout, answer.stderr, answer.status


def test_op_test_sequence_open_type_close(vhmc: Hmc) -> None:
    child = login(vhmc)
    child.expect_exact(OPER_PROMPT)
    child.sendline(f"rmvterm -m {SYSTEM} -p test01")  # op-test's deactivate_lpar_console
    child.expect_exact(OPER_PROMPT)
    child.sendline(f"mkvterm -m {SYSTEM} -p test01")
    child.send("\r")  # op-test sends one more Enter
    child.expect_exact(" Open in progress  \r\n")
    child.expect_exact(" Open Completed. \r\n")
    child.expect_exact("login: ")  # test01 runs its OS: the login prompt
    child.send("root\r")
    child.expect_exact("root\r\n")  # echoed by the partition, not by the HMC's terminal
    child.send("~.")
    child.expect_exact("Terminate session? [y/n]")
    child.send("y")
    child.expect_exact(OPER_PROMPT)
    # closed: the partition's terminal can be opened again
    child.sendline(f"mkvterm -m {SYSTEM} --id 8")
    child.expect_exact(" Open Completed. \r\n")
    child.send("\r~.y")
    child.expect_exact(OPER_PROMPT)
    child.sendline("exit")
    child.expect(pexpect.EOF)


def test_second_open_refused_and_rmvterm_closes_the_first(vhmc: Hmc) -> None:
    first = login(vhmc)
    first.expect_exact(OPER_PROMPT)
    first.sendline(f"mkvterm -m {SYSTEM} -p nim01")
    first.expect_exact(" Open Completed. \r\n")
    # the same partition from another session: the HMC's three lines, status 0
    second = login(vhmc, "ansible", PASSWORD, "mkvterm", "-m", SYSTEM, "-p", "nim01")
    second.expect_exact(" A terminal session is already open for this partition. \r\n"
                        " Only one open session is allowed for a partition. \r\n"
                        " Exiting....")
    second.expect(pexpect.EOF)
    second.close()
    assert second.exitstatus == 0
    # rmvterm from a third session (no terminal needed) closes the first one
    assert run(vhmc, f"rmvterm -m {SYSTEM} -p nim01") == ("Close command sent\n", "", 0)
    first.expect_exact("The terminal session was closed by ansible.")
    first.expect_exact(OPER_PROMPT)
    first.sendline(f"mkvterm -m {SYSTEM} -p nim01")  # and it can be opened again
    first.expect_exact(" Open Completed. \r\n")
    first.send("~.y")
    first.expect_exact(OPER_PROMPT)
    first.sendline("exit")
    first.expect(pexpect.EOF)


def test_activation_followed_on_the_terminal(vhmc: Hmc) -> None:
    child = login(vhmc, "ansible", PASSWORD, "mkvterm", "-m", SYSTEM, "-p", "sandbox01")
    child.expect_exact(" Open Completed. \r\n")
    assert run(vhmc, f"chsysstate -m {SYSTEM} -r lpar -o on -n sandbox01 "
                     "-f default_profile") == ("", "", 0)
    # the firmware as it goes: codes, the banner with the boot menu, and (sandbox01 has no
    # boot device) the error it stops at
    for text in ("C2001150", " IBM IBM IBM", "1 = SMS Menu", "8 = Open Firmware Prompt",
                 "No OS image was detected by firmware.", "AA06000B"):
        child.expect_exact(text)
    child.send("~.y")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0


def test_vtmenu_lists_and_opens(vhmc: Hmc) -> None:
    child = login(vhmc, "ansible", PASSWORD, "vtmenu")
    child.expect_exact(f" Partitions On Managed System:  {SYSTEM}")
    child.expect_exact("   8) test01")
    child.expect_exact(" Enter Number of Running Partition (q to quit): ")
    child.send("99\r")  # no such number: said, and the menu again
    child.expect_exact(" Invalid entry: 99 ")
    child.expect_exact(" Enter Number of Running Partition (q to quit): ")
    child.send("8\r")
    child.expect_exact(" Opening Virtual Terminal On Partition test01 . . . ")
    child.expect_exact(" Open Completed. \r\n")
    child.send("\r")  # an earlier test may have had this console: Enter shows its prompt
    child.expect_exact("login: ")
    child.send("~.y")
    child.expect_exact(" Enter Number of Running Partition (q to quit): ")  # back to the menu
    child.send("q\r")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0


def test_without_a_terminal_and_without_the_right(vhmc: Hmc) -> None:
    refusal = ("HSCL1020 The command mkvterm opens a virtual terminal and needs an "
               "interactive terminal; connect with a terminal (ssh -t) and run it again.\n")
    assert run(vhmc, f"mkvterm -m {SYSTEM} -p test01") == ("", refusal, 1)
    assert run(vhmc, "mkvterm -m NoSuchSystem -p test01") == (
        "", "HSCL8014 The managed system NoSuchSystem was not found.\n", 1)
    assert run(vhmc, f"mkvterm -m {SYSTEM} -p nosuch")[1].startswith("HSCL8012 ")
    # hmcviewer: the engine refuses the console task
    viewer = pexpect.spawn("ssh", ["-tt", "-e", "none", "-o", "BatchMode=yes",
                                   *vhmc.known.split(), "-i", str(vhmc.key), "-p",
                                   str(vhmc.port), "monitor@127.0.0.1",
                                   shlex.join(["mkvterm", "-m", SYSTEM, "-p", "test01"])],
                           env=vhmc.env, encoding="utf-8", timeout=20)
    viewer.expect_exact("HSCL350B The user monitor does not have the appropriate authority "
                        "to perform partition console tasks.")
    viewer.expect(pexpect.EOF)
    viewer.close()
    assert viewer.exitstatus == 1


def test_through_openssh_s_own_escape(vhmc: Hmc) -> None:
    # OpenSSH reads "~~" at the start of a line as one "~": "~~." reaches the HMC as "~."
    child = login(vhmc, escape=True)
    child.expect_exact(OPER_PROMPT)
    child.sendline(f"mkvterm -m {SYSTEM} -p was01")
    child.expect_exact(" Open Completed. \r\n")
    child.send("\r")
    child.send("~~.")
    child.expect_exact("Terminate session? [y/n]")
    child.send("n")  # no: the session goes on
    child.send("\r")
    child.expect_exact("login: ")
    # a plain "~." is OpenSSH's: it drops the connection, and the partition is freed
    child.send("~.")
    child.expect(pexpect.EOF)
    child.close()
    deadline = time.monotonic() + 10
    while True:
        again = login(vhmc, "ansible", PASSWORD, "mkvterm", "-m", SYSTEM, "-p", "was01")
        if again.expect_exact([" Open Completed. \r\n", "Exiting...."]) == 0:
            break
        again.close()
        assert time.monotonic() < deadline, "the partition's terminal stayed open"
        time.sleep(0.2)
    again.send("~.y")
    again.expect(pexpect.EOF)


def test_bad_input_never_breaks_the_session(vhmc: Hmc) -> None:
    child = login(vhmc)
    child.expect_exact(OPER_PROMPT)
    child.sendline(f"mkvterm -m {SYSTEM} -p dev01")
    child.expect_exact(" Open Completed. \r\n")
    child.expect_exact("login: ")
    os.write(child.child_fd, b"\xff\xfe\xc3(\x00\x1b[31m\x1b]0;title\x07\x1b[A\x1b[D")
    child.send("x" * 5_000 + "\r")  # a long line, pasted
    child.send("~.")
    child.expect_exact("Terminate session? [y/n]")
    child.send("y")
    child.expect_exact(OPER_PROMPT)
    child.sendline("lssyscfg -r sys -F state")  # the prompt works as before
    child.expect_exact("Operating\r\n")
    child.expect_exact(OPER_PROMPT)
    child.sendline("exit")
    child.expect(pexpect.EOF)


def test_key_1_in_the_countdown_opens_the_sms_menus(vhmc: Hmc) -> None:
    assert run(vhmc, f"chsysstate -m {SYSTEM} -r lpar -o shutdown --immed -n nim01")[2] == 0
    deadline = time.monotonic() + 20
    while run(vhmc, f"lssyscfg -r lpar -m {SYSTEM} --filter lpar_names=nim01 -F state"
              )[0] != "Not Activated\n":
        assert time.monotonic() < deadline, "nim01 did not shut down"
        time.sleep(0.2)
    child = login(vhmc)
    child.expect_exact(OPER_PROMPT)
    child.sendline(f"mkvterm -m {SYSTEM} -p nim01")
    child.expect_exact(" Open Completed. \r\n")
    assert run(vhmc, f"chsysstate -m {SYSTEM} -r lpar -o on -n nim01 -f normal"
               )[2] == 0
    child.expect_exact("1 = SMS Menu")
    child.send("1")  # during the countdown: the boot stops at the SMS menus
    child.expect_exact("Main Menu")
    child.expect_exact("Select Boot Options")
    child.expect_exact("Type menu item number and press Enter or select Navigation key:")
    child.send("~.y")  # not at the start of a line (1 was typed): keys for the partition
    child.expect_exact("~.y")  # echoed by the SMS prompt
    child.send("\x7f\x7f\x7f\r~.y")
    child.expect_exact(OPER_PROMPT)
    assert run(vhmc, f"lssyscfg -r lpar -m {SYSTEM} --filter lpar_names=nim01 -F state"
               )[0] == "Open Firmware\n"
    child.sendline("exit")
    child.expect(pexpect.EOF)


def test_linux_login_lparstat_dlpar_and_poweroff(vhmc: Hmc) -> None:
    """The issue's drill on a running partition, over SSH: log in on its console, read
    `lparstat -i`, add a processor from another HMC session (DLPAR) and read it again, then
    power the partition off from inside and see the HMC list it Not Activated."""
    child = login(vhmc)
    child.expect_exact(OPER_PROMPT)
    child.sendline(f"mkvterm -m {SYSTEM} -p hana01")
    child.expect_exact(" Open Completed. \r\n")
    child.expect_exact("hana01 login: ")
    child.send("root\r")
    child.expect_exact("Password: ")
    child.send("root\r")
    child.expect_exact("[root@hana01 ~]# ")
    child.send("lparstat -i | grep -i 'virtual cpus'\r")
    child.expect(r"Online Virtual CPUs\s+: 8\r\n")
    child.expect_exact("[root@hana01 ~]# ")
    assert run(vhmc, f"chhwres -r proc -m {SYSTEM} -o a -p hana01 --procs 1")[2] == 0
    deadline = time.monotonic() + 20
    while True:  # the DLPAR takes a few engine seconds
        child.send("lparstat -i | grep 'Online Virtual CPUs'\r")
        if child.expect([r"Online Virtual CPUs\s+: 9\r\n", r"Online Virtual CPUs\s+: 8\r\n"]
                        ) == 0:
            break
        assert time.monotonic() < deadline, "the DLPAR never reached the partition"
        child.expect_exact("[root@hana01 ~]# ")
        time.sleep(0.3)
    child.expect_exact("[root@hana01 ~]# ")
    child.send("poweroff\r")
    child.expect_exact("reboot: Power down")
    deadline = time.monotonic() + 20
    while run(vhmc, f"lssyscfg -r lpar -m {SYSTEM} --filter lpar_names=hana01 -F state"
              )[0] != "Not Activated\n":
        assert time.monotonic() < deadline, "hana01 did not power off"
        time.sleep(0.3)
    child.send("\r~.y")
    child.expect_exact(OPER_PROMPT)
    child.sendline("exit")
    child.expect(pexpect.EOF)


def test_vtmenu_asks_for_the_managed_system_first_when_there_are_several() -> None:
    from engine.store import demo_hmc_text

    with served_hmc(frame_text=demo_hmc_text()) as both:
        child = login(both, "ansible", PASSWORD, "vtmenu")
        child.expect_exact(" Managed Systems:")
        child.expect_exact(f"   1) {SYSTEM}")
        child.expect_exact("   2) Server-9043-MRX-SN78K3D05")
        child.expect_exact(" Enter Number of Managed System: (q to quit): ")
        child.send("3\r")
        child.expect_exact(" Invalid entry: 3 ")
        child.expect_exact(" Enter Number of Managed System: (q to quit): ")
        child.send("2\r")
        child.expect_exact(" Partitions On Managed System:  Server-9043-MRX-SN78K3D05")
        child.expect_exact("   3) drtest01")
        child.expect_exact(" Enter Number of Running Partition (q to quit): ")
        child.send("q\r")
        child.expect(pexpect.EOF)
        child.close()
        assert child.exitstatus == 0
