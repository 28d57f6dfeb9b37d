"""mkvterm in `hmc-tui shell` on a real terminal (pexpect): the local REPL bridges its terminal
to the partition's as the HMC prompt over SSH does, and the frame's clock keeps running."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pexpect
from hmccli_support import SYS

PROMPT = "hscroot@hmc-tui:~> "


def test_mkvterm_in_the_local_shell(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HMC_TUI", "XDG_"))}
    env.update(HMC_TUI_DATA_DIR=str(tmp_path / "d"), HMC_TUI_CONFIG_DIR=str(tmp_path / "c"),
               HMC_TUI_STATE_DIR=str(tmp_path / "s"), HOME=str(tmp_path))
    child = pexpect.spawn(sys.executable, ["-m", "hmc_tui", "shell"], env=env,
                          encoding="utf-8", timeout=20, dimensions=(24, 120))
    try:
        child.expect_exact(PROMPT)
        child.sendline(f"mkvterm -m {SYS} -p test01")
        child.expect_exact(" Open in progress  \r\n")
        child.expect_exact(" Open Completed. \r\n")
        child.expect_exact("login: ")
        child.send("~.")
        child.expect_exact("Terminate session? [y/n]")
        child.send("y")
        child.expect_exact(PROMPT)
        child.sendline(f"rmvterm -m {SYS} -p test01")
        child.expect_exact("Close command sent")
        child.expect_exact(PROMPT)
        child.sendline("exit")
        child.expect(pexpect.EOF)
    finally:
        child.close(force=True)
    assert child.exitstatus == 0
