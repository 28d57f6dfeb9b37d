"""The interactive HMC prompt over a real `ssh -t`, driven with pexpect as test harnesses
drive an HMC (open-power op-test's ssh console): the prompt, a command, TAB completion,
history recall, the restricted shell's refusals, exit."""

from __future__ import annotations

import pexpect

from tests.clients.conftest import PASSWORD, SYSTEM, Hmc

PROMPT = "monitor@hmc:~> "


def spawn_key(hmc: Hmc, *command: str) -> pexpect.spawn:
    args = ["-t", "-o", "BatchMode=yes", *hmc.known.split(), "-i", str(hmc.key), "-p",
            str(hmc.port), "monitor@127.0.0.1", *command]
    return pexpect.spawn("ssh", args, env=hmc.env, encoding="utf-8", timeout=20,
                         dimensions=(24, 200))


def test_prompt_command_completion_history_exit(hmc: Hmc) -> None:
    child = spawn_key(hmc)  # monitor's default shell is rbash: no command needed
    child.expect_exact(PROMPT)
    child.sendline("lssyscfg -r sys -F name,state")
    child.expect_exact(f"{SYSTEM},Operating")
    child.expect_exact(PROMPT)
    # TAB TAB lists the candidates; TAB completes a command name, then a value from the frame
    child.send("lssysc\t\t")
    child.expect(r"lssyscfg\s+lssysconn")
    child.expect_exact(PROMPT + "lssysc")
    child.send("f\t")
    child.expect_exact("fg")  # (Python's readline appends no space after a completion)
    child.send(" -r sys -m Serv\t")
    child.expect_exact(SYSTEM)
    child.send(" -F state\r")
    child.expect_exact("Operating")
    child.expect_exact(PROMPT)
    # ↑ recalls the last line
    child.send("\x1b[A")
    child.expect_exact(f"lssyscfg -r sys -m {SYSTEM} -F state")
    child.send("\r")
    child.expect_exact("Operating")
    child.expect_exact(PROMPT)
    child.sendline("echo $(whoami) | tr a-z A-Z; ls")
    child.expect_exact("MONITOR")
    child.expect_exact("rbash: ls: command not found")
    child.expect_exact(PROMPT)
    child.sendline("cd /tmp")
    child.expect_exact("rbash: cd: restricted")
    child.expect_exact(PROMPT)
    child.sendline("exit 3")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 3


def test_ctrl_d_ends_the_session(hmc: Hmc) -> None:
    child = spawn_key(hmc)
    child.expect_exact(PROMPT)
    child.sendline("false")
    child.expect_exact(PROMPT)
    child.sendeof()
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 1  # the last command's status, as bash's


def test_shell_command_with_password_login(hmc: Hmc) -> None:
    # `ssh -t user@hmc shell` for a user whose default is the console
    args = ["-p", PASSWORD, "ssh", "-t", *hmc.known.split(), "-o",
            "PreferredAuthentications=password", "-o", "PubkeyAuthentication=no", "-p",
            str(hmc.port), "ansible@127.0.0.1", "shell"]
    child = pexpect.spawn("sshpass", args, env=hmc.env, encoding="utf-8", timeout=20)
    child.expect_exact("ansible@hmc:~> ")
    child.sendline("hostname; uname -n")
    child.expect_exact("hmc\r\nhmc\r\n")
    child.sendline("logout")
    child.expect(pexpect.EOF)


def test_shell_without_a_terminal_says_so(hmc: Hmc) -> None:
    assert hmc.ssh_key("shell") == (
        "", "hmc-tui: the HMC prompt needs a terminal; connect with `ssh -t`.\n", 1)
