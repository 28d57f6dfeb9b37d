"""Key echo through mkvterm over SSH: figures, not a test.

    python benchmarks/bench_vterm.py [--keys 100]

Starts `hmc-tui serve` (private temporary dirs, a free loopback port, the demo frame), logs
in with the system OpenSSH client (sshpass, pexpect) as a user whose shell is the HMC prompt,
and measures, one key at a time, the time from sending a letter to seeing its echo:

- at the HMC prompt (readline echoes it: SSH + PTY only, the floor);
- inside `mkvterm` on a running partition, at its login prompt: the key goes SSH -> the
  prompt's PTY process -> the service socket -> the engine's terminal hub (which wakes the
  engine thread) -> the partition's program echoes -> back the same way.

Prints p50, p95 and max in milliseconds for both.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

import pexpect

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from tests.clients.conftest import SYSTEM, served_hmc  # noqa: E402

USER, PASSWORD = "bench", "Bench-Passw0rd"
PROMPT = f"{USER}@hmc:~> "


def echo_times(child: pexpect.spawn, keys: int) -> list[float]:
    times = []
    for i in range(keys):
        letter = "abcdefghij"[i % 10]
        started = time.perf_counter()
        child.send(letter)
        child.expect_exact(letter)
        times.append((time.perf_counter() - started) * 1000)
    return times


def report(what: str, times: list[float]) -> None:
    ordered = sorted(times)
    p95 = ordered[max(0, round(0.95 * len(ordered)) - 1)]
    print(f"{what:<34} p50 {statistics.median(ordered):6.2f} ms   p95 {p95:6.2f} ms   "
          f"max {ordered[-1]:6.2f} ms   ({len(ordered)} keys)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keys", type=int, default=100)
    args = parser.parse_args()
    with served_hmc() as hmc:
        subprocess.run([sys.executable, "-m", "hmc_tui", "users", "add", USER, "--role",
                        "hmcoperator", "--shell", "rbash", "--password-stdin"],
                       input=PASSWORD + "\n", text=True, env=hmc.env, check=True,
                       capture_output=True)
        child = pexpect.spawn("sshpass", [
            "-p", PASSWORD, "ssh", "-tt", "-e", "none", *hmc.known.split(),
            "-o", "PreferredAuthentications=password", "-o", "PubkeyAuthentication=no",
            "-p", str(hmc.port), "-l", USER, "127.0.0.1"], env=hmc.env, encoding="utf-8",
            timeout=20, dimensions=(24, 200))
        child.delaybeforesend = None  # pexpect's default 50 ms pause would be measured too
        child.expect_exact(PROMPT)
        report("HMC prompt (readline echo)", echo_times(child, args.keys))
        child.send("\x15")  # ^U: drop the typed line
        child.sendline(f"mkvterm -m {SYSTEM} -p test01")
        child.expect_exact(" Open Completed. ")
        child.expect("login: ")
        report("mkvterm (the partition's echo)", echo_times(child, args.keys))
        child.send("\r~.y")
        child.expect_exact(PROMPT)
        child.sendline("exit")
        child.expect(pexpect.EOF)


if __name__ == "__main__":
    main()
