"""Console benchmark: 1000 partitions, the engine running, the UI in a real terminal.

    python benchmarks/bench_console.py [--partitions 1000] [--keys 200] [--idle 10]

The console runs as it does for a user: a child process on a pseudo-terminal (160x50), the
engine's clock thread running in real time, Textual's Linux driver. The parent types into the
terminal and reads what the console draws. Figures printed:

The frame is benchmarks.frames.large_frame: a Power E1080 with 1000 running partitions in 64
pools (the engine benchmarks' frame).

- start to first paint: process start -> the partitions table on the terminal, and from
  `run_console()` -> first paint (the part the console itself controls);
- keystroke to repaint: `j` (cursor down) -> the bytes that repaint the new cursor row have
  arrived (their partition's name is in the output), median and p95;
- Activate dialog: `a` -> the dialog drawn, median;
- terminal window (issue 14): `t` opens lpar0001's terminal; keystroke to echo: a letter
  typed into the pane -> the pane's repaint carrying it has arrived (the keystroke crosses
  the engine thread: the partition's login prompt echoes it), median and p95; then the
  window is left open behind the overview (F1) and `j`/`k` are measured again;
- UI CPU: CPU time of the UI thread (the asyncio loop: timer pulls, diffs, rendering) over
  an idle period while the engine runs and the display updates at 5 Hz, as a share of one core.

The engine runs its PHYP dispatcher for every running partition, so physc changes in every
snapshot and the table updates those cells live, as it does for a user. Not a test: the
figures vary with the machine (and with whatever else runs on it).
"""

from __future__ import annotations

import argparse
import fcntl
import gc
import json
import os
import random
import re
import select
import signal
import statistics
import struct
import subprocess
import sys
import tempfile
import termios
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

COLS, ROWS = 160, 50
SPAN = 30  # rows the cursor travels down, then up again, staying inside the first screenful


def partition_name(lpar_id: int) -> str:
    """Names in benchmarks.frames.large_frame (the engine benchmarks' 1000-partition frame)."""
    return f"lpar{lpar_id:04d}"


# ---------------------------------------------------------------- the child (the console)


def child(args: argparse.Namespace) -> int:
    stats_path = Path(os.environ["BENCH_STATS"])
    marks: dict[str, list[float]] = {"cpu": []}

    def mark(_signum: int, _frame: object) -> None:
        # Runs in the main thread, which is the UI thread (Textual's asyncio loop).
        marks["cpu"].append((time.monotonic(), time.thread_time(), time.process_time()))
        stats_path.write_text(json.dumps(marks))

    signal.signal(signal.SIGUSR1, mark)
    # Garbage-collector pauses (all threads stop for them): a suspect for latency outliers.
    gc_start: list[float] = [0.0]
    marks["gc"] = []

    def on_gc(phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            gc_start[0] = time.perf_counter()
        elif info["generation"] == 2 or time.perf_counter() - gc_start[0] > 0.005:
            marks["gc"].append((time.monotonic(), time.perf_counter() - gc_start[0]))

    gc.callbacks.append(on_gc)
    marks["imports_start"] = [time.monotonic()]
    from benchmarks.frames import large_frame
    from engine.service import Engine
    from hmc_tui.app import run_console
    from hmc_tui.config import Config
    from hmc_tui.console import LocalConsole

    engine = Engine(large_frame(args.partitions), mode="realtime")
    engine.start()
    if args.engine_paused:  # the UI alone: snapshots stop changing
        engine.pause()
    console = LocalConsole(engine)
    marks["run_console"] = [time.monotonic()]
    stats_path.write_text(json.dumps(marks))
    profile_path = os.environ.get("BENCH_PROFILE")  # where to dump a cProfile of the UI thread
    profiler = None
    if profile_path:
        import cProfile

        profiler = cProfile.Profile()
        profiler.enable()
    try:
        return run_console(console, Config())
    finally:
        if profiler is not None:
            profiler.disable()
            profiler.dump_stats(profile_path)
        engine.stop()


# ---------------------------------------------------------------- the parent (the user)


class Terminal:
    def __init__(self, argv: list[str], env: dict[str, str]) -> None:
        master, slave = os.openpty()
        fcntl.ioctl(master, termios.TIOCSWINSZ, struct.pack("HHHH", ROWS, COLS, 0, 0))
        self.start = time.monotonic()
        self.proc = subprocess.Popen(
            argv, stdin=slave, stdout=slave, stderr=slave, env=env, start_new_session=True,
            preexec_fn=lambda: fcntl.ioctl(0, termios.TIOCSCTTY, 0),
        )
        os.close(slave)
        self.fd = master

    def drain(self, seconds: float = 0.0) -> bytes:
        out = b""
        end = time.monotonic() + seconds
        while True:
            timeout = max(0.0, end - time.monotonic())
            ready, _, _ = select.select([self.fd], [], [], timeout)
            if not ready:
                return out
            try:
                out += os.read(self.fd, 65536)
            except OSError:
                return out

    def wait_for(self, pattern: bytes, timeout: float = 30.0) -> float:
        """Monotonic time at which `pattern` has appeared in the output."""
        return self.read_until(pattern, timeout)[0]

    def read_until(self, pattern: bytes, timeout: float = 30.0) -> tuple[float, bytes]:
        buf = b""
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            ready, _, _ = select.select([self.fd], [], [], end - time.monotonic())
            if ready:
                try:
                    buf += os.read(self.fd, 65536)
                except OSError:  # the console exited: show what it last printed
                    tail = re.sub(rb"\x1b\[[0-9;?]*[A-Za-z]", b"", buf)[-3000:]
                    raise RuntimeError("the console exited:\n" + tail.decode(
                        "utf-8", "replace")) from None
                if pattern in buf:
                    return time.monotonic(), buf
        raise TimeoutError(f"{pattern!r} did not appear within {timeout} s")

    def send(self, data: bytes) -> float:
        t = time.monotonic()
        os.write(self.fd, data)
        return t


ANSI = re.compile(rb"\x1b(\[[0-9;?<>=]*[ -/]*[@-~]|[()][0-9A-Za-z]|[=>78])")
ECHO_KEYS = b"xyzwvu"  # letters no escape sequence of Textual's ends with


def terminal_figures(term: Terminal, args: argparse.Namespace, cursor_bg: bytes,
                     row: int) -> None:
    """Key latency with a terminal pane: typing into it, and the overview with a terminal
    session open behind it (the pane's repaints must not slow the console's keys)."""
    term.drain(0.5)
    for _ in range(row):  # back to lpar0001, whose terminal opens
        term.send(b"k")
        term.drain(0.05)
    sent = term.send(b"t")
    opened = (term.wait_for(b"(ID 1) on Server", timeout=10) - sent) * 1000
    term.drain(1.0)
    echo = []
    for i in range(args.terminal_keys):
        term.drain(random.uniform(0.03, 0.08))
        key = ECHO_KEYS[i % len(ECHO_KEYS):][:1]
        sent = term.send(key)
        buf = b""
        end = sent + 10
        while key not in ANSI.sub(b"", buf):
            if time.monotonic() > end:
                raise TimeoutError(f"no echo of {key!r} within 10 s")
            buf += term.drain(0.001) or b""
        echo.append((time.monotonic() - sent) * 1000)
    print(f"terminal window open (t): {opened:.0f} ms; keystroke to echo in the pane "
          f"({len(echo)} keys): median {statistics.median(echo):.1f} ms, p95 "
          f"{pct(echo, 0.95):.1f} ms, max {max(echo):.1f} ms")
    term.send(b"\x1bOP")  # F1: the overview, the session left open behind it
    term.wait_for(cursor_bg + b"lpar0001", timeout=10)
    latencies = []
    row = 0
    for i in range(args.terminal_keys):
        term.drain(random.uniform(0.03, 0.08))
        key = b"j" if (i // SPAN) % 2 == 0 else b"k"
        row += 1 if key == b"j" else -1
        sent = term.send(key)
        seen = term.wait_for(cursor_bg + partition_name(row + 1).encode(), timeout=30)
        latencies.append((seen - sent) * 1000)
    print(f"keystroke to repaint (j/k) with a terminal session open behind the overview "
          f"({len(latencies)} keys): median {statistics.median(latencies):.1f} ms, p95 "
          f"{pct(latencies, 0.95):.1f} ms")
    for _ in range(row):
        term.send(b"k")
        term.drain(0.02)


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def parent(args: argparse.Namespace) -> int:
    stats = Path(tempfile.mkdtemp(prefix="hmc-bench-")) / "stats.json"
    env = dict(os.environ, TERM="xterm-256color", COLORTERM="truecolor", LANG="C.UTF-8",
               BENCH_STATS=str(stats))
    for var in ("HMC_TUI_DATA_DIR", "HMC_TUI_CONFIG_DIR", "HMC_TUI_STATE_DIR"):
        env[var] = str(stats.parent / var.lower())
    argv = [sys.executable, __file__, "--child", "--partitions", str(args.partitions)]
    if args.engine_paused:
        argv.append("--engine-paused")
    term = Terminal(argv, env)
    try:
        painted, first = term.read_until(b"lpar0002", timeout=120)
        first += term.drain(2.0)  # the rest of the first paint, then let refreshes settle
        marks = json.loads(stats.read_text())
        print(f"partitions: {args.partitions}, terminal {COLS}x{ROWS}, engine clock real time, "
              f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
        print(f"start to first paint: {painted - term.start:.2f} s from process start, "
              f"{painted - marks['run_console'][0]:.2f} s from run_console()")
        # The cursor row's background, as drawn on lpar0001 (where the cursor starts).
        found = re.search(rb"48;2;(\d+;\d+;\d+)m lpar0001", first)
        cursor_bg = b"48;2;" + found.group(1) + b"m " if found else b""

        # Keystroke to repaint: j/k move the cursor within the first screenful (no
        # scrolling); the repaint of the new cursor row, in the cursor's colours, carries
        # that partition's name. Live physc repaints of the same row lack the cursor colour.
        latencies = []
        row = 0
        keys_from = time.monotonic()
        for i in range(args.keys):
            term.drain(random.uniform(0.03, 0.08))
            key = b"j" if (i // SPAN) % 2 == 0 else b"k"
            row += 1 if key == b"j" else -1
            sent = term.send(key)
            seen = term.wait_for(cursor_bg + partition_name(row + 1).encode(), timeout=30)
            latencies.append((seen - sent) * 1000)
        keys_to = time.monotonic()
        print(f"keystroke to repaint (j/k, {len(latencies)} keys): median "
              f"{statistics.median(latencies):.1f} ms, p95 {pct(latencies, 0.95):.1f} ms, "
              f"max {max(latencies):.1f} ms")

        dialog = []
        for _ in range(5):
            term.drain(0.3)
            sent = term.send(b"a")
            dialog.append((term.wait_for(b"Activate partition", timeout=10) - sent) * 1000)
            term.send(b"\x1b")
            term.drain(0.5)
        print(f"Activate dialog open (a): median {statistics.median(dialog):.0f} ms, "
              f"first {dialog[0]:.0f} ms")
        if args.terminal_keys:
            terminal_figures(term, args, cursor_bg, row)

        # UI CPU while idle: the 5 Hz pull, diffs and repaints of the live table.
        term.drain(1.0)
        term.proc.send_signal(signal.SIGUSR1)
        term.drain(args.idle)
        term.proc.send_signal(signal.SIGUSR1)
        term.drain(0.5)
        marks = json.loads(stats.read_text())
        cpu = marks["cpu"]
        pauses = [ms * 1000 for at, ms in marks["gc"] if keys_from <= at <= keys_to]
        print(f"garbage collector while typing: {len(pauses)} pauses over 5 ms or full "
              f"collections" + (f", longest {max(pauses):.0f} ms" if pauses else ""))
        (w0, ui0, p0), (w1, ui1, p1) = cpu[-2], cpu[-1]
        wall = w1 - w0
        print(f"UI thread CPU at 5 Hz refresh, idle user: {100 * (ui1 - ui0) / wall:.1f}% of "
              f"one core (whole process incl. engine thread: {100 * (p1 - p0) / wall:.1f}%)")
        term.send(b"\x11")  # ctrl+q
        term.drain(1.0)
        if term.proc.poll() is None:
            term.send(b"y")
            term.drain(1.0)
    finally:
        if term.proc.poll() is None:
            term.proc.kill()
        term.proc.wait()
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--partitions", type=int, default=1000)
    parser.add_argument("--keys", type=int, default=200)
    parser.add_argument("--idle", type=float, default=10.0, help="seconds of idle CPU sampling")
    parser.add_argument("--terminal-keys", type=int, default=100,
                        help="keys typed into a terminal window (0: skip the terminal figures)")
    parser.add_argument("--engine-paused", action="store_true",
                        help="pause the engine clock (measures the UI alone)")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    return child(args) if args.child else parent(args)


if __name__ == "__main__":
    raise SystemExit(main())
