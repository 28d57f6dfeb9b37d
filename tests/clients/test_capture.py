"""The capture command `hmc-tui import --script` prints, run as an admin runs it against an
HMC, here `hmc-tui serve`: through the system OpenSSH client (with sshpass for the password),
in the served restricted shell, whose `case`, `${l%,vioserver}` and `2>&1` it needs. The file
it writes must import into a twin frame.
"""

from __future__ import annotations

import shlex
import subprocess
import sys
import tomllib
from pathlib import Path

from tests.clients.conftest import PASSWORD, SYSTEM, Hmc


def test_capture_script_runs_over_ssh_and_imports(hmc: Hmc, tmp_path: Path) -> None:
    hmc_tui = [sys.executable, "-m", "hmc_tui"]
    printed = subprocess.run([*hmc_tui, "import", "--script", "--system", SYSTEM, "--target",
                              "ansible@127.0.0.1"], env=hmc.env, text=True,
                             capture_output=True, check=True).stdout.strip()
    assert printed.startswith("ssh ansible@127.0.0.1 '") and printed.endswith(
        "' > hmc-capture.txt")
    # what the admin's workstation adds for this server: its port, its host key, the password
    line = printed.replace("ssh ", f"sshpass -p {shlex.quote(PASSWORD)} ssh -p {hmc.port} "
                           f"{hmc.known} -o PreferredAuthentications=password "
                           "-o PubkeyAuthentication=no ", 1)
    done = subprocess.run(["/bin/sh", "-c", line], cwd=tmp_path, env=hmc.env, text=True,
                          capture_output=True, timeout=120, stdin=subprocess.DEVNULL)
    assert (done.returncode, done.stderr) == (0, "")
    capture = (tmp_path / "hmc-capture.txt").read_text()
    headers = [ln for ln in capture.splitlines() if ln.startswith("### ")]
    assert headers[0] == f'### lssyscfg -r sys -m "{SYSTEM}"'
    assert "HSCL" not in capture and "rbash:" not in capture
    # the `case` branch ran for each VIOS: 7 listings each, and `lsdev -dev SEA -attr` per SEA
    for vios in ("vios1", "vios2"):
        assert f'### viosvrcmd -m "{SYSTEM}" -p {vios} -c "lsmap -all"' in headers
        assert any(h.startswith(f'### viosvrcmd -m "{SYSTEM}" -p {vios} -c "lsdev -dev ent')
                   for h in headers)
    assert not any("-p nim01" in h for h in headers)  # not a VIOS: the pattern did not match
    imported = subprocess.run([*hmc_tui, "import", "hmc-capture.txt", "-o", "twin.toml"],
                              cwd=tmp_path, env=hmc.env, text=True, capture_output=True)
    assert imported.returncode == 0, imported.stderr
    twin = tomllib.loads((tmp_path / "twin.toml").read_text())
    assert twin["system"]["name"] == SYSTEM
    assert sorted(p["name"] for p in twin["partitions"]) == sorted(
        ["nim01", "sandbox01", "dev02", "test01", "dev01", "ibmi01", "hana01", "was01",
         "oradb01", "vios2", "vios1"])
    assert len(twin["io"]["disks"]) == 8  # read from the VIOS listings the `case` captured


def test_lsviosimg_lists_no_images(hmc: Hmc) -> None:
    # IBM/ansible-power-hmc vios module: the plain listing and the pipeline
    assert hmc.ansible("lsviosimg") == ("No results were found.\n", "", 0)
    assert hmc.ansible("lsviosimg -r viosimg -F name,size --header") == (
        "No results were found.\n", "", 0)
    assert hmc.ansible("lsviosimg | grep -w D || echo No results were found") == (
        "No results were found\n", "", 0)
