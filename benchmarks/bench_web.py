"""The browser console: from the login click to the frame overview on screen. Figures, not a
test.

    python benchmarks/bench_web.py [--runs 5]

Starts `hmc-tui serve --no-ssh --web 127.0.0.1:PORT` (a subprocess, private temporary data
dir, a free loopback port) and, in headless Chromium (Debian's chromium + chromium-driver,
driven by Selenium), logs in `--runs` times, each in a fresh browser session: the time from
clicking "Log in" until the page's terminal shows the first screen: the overview with every
partition, or the All Systems list of the two-system demo frame (the screen is read as
tests/web/browser.py reads it). Each run's console process is closed by
logging out. Prints each run, the median and the maximum, and the service's CPU time.
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from benchmarks.bench_ssh import consoles_of  # noqa: E402
from hmc_tui.service.users import UserStore  # noqa: E402
from tests.web.browser import Screen, browser_missing, row_of, start_browser  # noqa: E402

PASSWORD = "bench-password"
CLK_TCK = os.sysconf("SC_CLK_TCK")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLK_TCK


def first_screen(rows: list[str]) -> bool:
    """The frame overview (one managed system), or the All Systems list the console opens
    with when the frame has several (the default demo frame of `hmc-tui serve`)."""
    if rows and "All Systems" in rows[0]:
        return bool(row_of(rows, "Server-9080-HEX-SN78H4A21"))
    return bool(row_of(rows, "nim01")) and "Server-9080-HEX-SN78H4A21" in rows[0]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    if (missing := browser_missing()) is not None:
        print(f"cannot run: {missing}")
        return 1
    from selenium.webdriver.common.by import By

    home = Path(tempfile.mkdtemp(prefix="hmcweb"))
    env = dict(os.environ, HMC_TUI_DATA_DIR=str(home / "data"),
               HMC_TUI_STATE_DIR=str(home / "state"), HMC_TUI_CONFIG_DIR=str(home / "config"),
               HMC_TUI_SOCKET=str(home / "e.sock"), PYTHONPATH=str(REPO))
    os.environ.update(env)
    UserStore().add("hscroot", "hmcsuperadmin", password=PASSWORD)
    port = free_port()
    service = subprocess.Popen(
        [sys.executable, "-m", "hmc_tui", "serve", "--no-ssh", "--web", f"127.0.0.1:{port}"],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    times: list[float] = []
    cpus: list[float] = []
    try:
        assert service.stdout is not None
        for line in service.stdout:
            if line.startswith("browser console on"):
                url = line.split()[3].rstrip(",")  # https://127.0.0.1:PORT/ (self-signed)
                break
        else:
            print("the service did not start")
            return 1
        cpu_before = cpu_seconds(service.pid)
        for run in range(args.runs):
            driver = start_browser()
            try:
                screen = Screen()
                driver.get(url)
                driver.find_element(By.ID, "user").send_keys("hscroot")
                driver.find_element(By.ID, "password").send_keys(PASSWORD)
                before = set(consoles_of(service.pid)[0])
                started = time.monotonic()
                driver.find_element(By.ID, "login").click()
                screen.wait_for(driver, first_screen, timeout=60)
                times.append(time.monotonic() - started)
                # CPU the console used to get there (a forked one: since the fork), whatever
                # the machine's load: what one more browser login costs.
                new = set(consoles_of(service.pid)[0]) - before
                cpus.append(sum(cpu_seconds(pid) for pid in new))
                print(f"run {run + 1}: login to first screen {times[-1]:.2f} s, console CPU "
                      f"{cpus[-1]:.2f} s", flush=True)
                driver.find_element(By.ID, "logout").click()
            finally:
                driver.quit()
        cpu = cpu_seconds(service.pid) - cpu_before
        print(f"login to first screen: median {statistics.median(times):.2f} s, "
              f"max {max(times):.2f} s over {len(times)} runs; console CPU median "
              f"{statistics.median(cpus):.2f} s; service CPU {cpu:.2f} s; load "
              f"{os.getloadavg()[0]:.1f}")
    finally:
        service.send_signal(signal.SIGTERM)
        try:
            service.wait(20)
        except subprocess.TimeoutExpired:
            service.kill()
        shutil.rmtree(home, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
