"""N concurrent SSH console sessions against one engine service: figures, not a test.

    python benchmarks/bench_ssh.py [--sessions 10 25 50] [--window 15] [--frame demo|large]

For each N it starts `hmc-tui serve` (a subprocess, private temporary data dir, a free
loopback port), opens N SSH sessions with a PTY (asyncssh client, 120x35), each running the
real console, and then, while every session types one key every 0.5-1.5 s:

- engine real-time ratio: engine seconds advanced / wall seconds over the window, read
  through a RemoteConsole (1.00 = the clock kept up);
- memory per console process: RSS and PSS (PSS shares the interpreter's common pages
  fairly between processes, so it is the better "cost of one more session");
- keystroke round trip: a key that switches screens ("2" pools, "1" overview) until the
  new screen's text ("Busiest partitions" / "sorted by ID") arrives back through SSH; p50,
  p95 and max; and p95 apart for each session's first key (1st p95: every session has been
  idle through the idle measurement, and all of them type their first key within the same
  second, each console waking up and drawing a screen whose figures all moved) and for the
  keys after it (typing p95: the steady state);
- CPU used by the service process and by all consoles over the window, and by one console
  (the mean) over 20 s before it when nobody has typed for 8 s (idle %/con: live updates
  alone, % of a core);
- console start: SSH login to the first screen, p50/max, and the CPU seconds a console used
  to get there (load-independent: what one more login costs);
- ms/key: the consoles' CPU over the typing window divided by the keys typed, the live
  updates between keys included (load-independent: what a key costs the machine), and
  the part of it spent on the consoles' UI threads (UI ms/key; the rest is Textual's driver
  threads and the snapshot reader);
- bench CPU%: this benchmark's own CPU over the typing window (the asyncssh clients, the
  observer; `time.process_time`), % of a core: it runs on the same cores as the consoles, so
  the reader sees what part of the machine is the benchmark itself;
- --profile DIR: each forked console writes a cProfile of its UI thread over the typing
  window to DIR/nN when it exits (a sitecustomize.py put first on the service's
  PYTHONPATH); printed summed.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import random
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import asyncssh

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from hmc_tui.service.remote import RemoteConsole  # noqa: E402
from hmc_tui.service.users import UserStore  # noqa: E402

ANSI = re.compile(rb"\x1b\[[0-9;?<>=]*[ -/]*[@-~]|\x1b[()][0-9A-Za-z]|\x1b[=>78]|"
                  rb"\x1b\][^\x07]*\x07")
# (key, what the screen shows once the key took effect), alternately; and the first screen.
APP_KEYS = ((b"2", b"Busiest partitions"), (b"1", b"sorted by ID"))
# The overview (one managed system) or the All Systems list the console opens on with several
# (the demo frame's two).
APP_READY = (b"sorted by ID", b"All Systems")
# --console stub: tests/service/stub_console.py, the SSH + PTY path without Textual.
STUB_KEYS = ((b"x", b"KEY 78"), (b"y", b"KEY 79"))
STUB_READY = (b"READY",)
KEYS, FIRST_SCREEN = APP_KEYS, APP_READY
PASSWORD = "bench-password"
# Seconds after the last login before idle CPU is measured: the consoles build their
# unvisited screens once nobody is logging in (hmc_tui/prebuild.py, starts_elsewhere), ~0.3 s of
# CPU each, once; 25-50 of them take several seconds of both cores, which is not idle.
IDLE_AFTER = 15.0
IDLE_WINDOW = 20.0  # seconds over which it is measured (a console refreshes every 2 s then)
CLK_TCK = os.sysconf("SC_CLK_TCK")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def console_command(kind: str) -> str:
    """The real console: `hmc-tui --connect` once wired, else the service's own entry."""
    global KEYS, FIRST_SCREEN
    if kind == "stub":
        KEYS, FIRST_SCREEN = STUB_KEYS, STUB_READY
        return f"{sys.executable} {REPO / 'tests' / 'service' / 'stub_console.py'} {{socket}}"
    help_text = subprocess.run([sys.executable, "-m", "hmc_tui", "--help"], cwd=REPO,
                               capture_output=True, text=True, timeout=60).stdout
    if "--connect" in help_text:
        return f"{sys.executable} -m hmc_tui --connect {{socket}}"
    return f"{sys.executable} -m hmc_tui.service connect {{socket}}"


# ---------------------------------------------------------------- /proc


def children(pid: int) -> list[int]:
    out = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError, IndexError):
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
                if int(fields[1]) == pid:
                    out.append(int(entry.name))
    return out


def is_template(pid: int) -> bool:
    """The console template process (hmc_tui/service/prefork.py), which forks the consoles;
    its children carry the same command line, so it is told by being the service's child."""
    with contextlib.suppress(OSError):
        return b"hmc_tui.service.prefork" in Path(f"/proc/{pid}/cmdline").read_bytes()
    return False


def consoles_of(service: int) -> tuple[list[int], list[int]]:
    """(console pids, template pids): consoles are the service's children, or the
    template's when they are forked."""
    consoles, templates = [], []
    for pid in children(service):
        if is_template(pid):
            templates.append(pid)
            consoles += children(pid)
        else:
            consoles.append(pid)
    return consoles, templates


def cpu_seconds(pid: int) -> float:
    return cpu_seconds_of(Path(f"/proc/{pid}/stat"))


def thread_cpu_seconds(pid: int) -> tuple[float, float]:
    """(main thread, other threads) CPU seconds of `pid`: the UI (Textual's loop) against
    the driver's writer and input threads and the snapshot reader."""
    main = other = 0.0
    with contextlib.suppress(OSError):
        for task in Path(f"/proc/{pid}/task").iterdir():
            seconds = cpu_seconds_of(task / "stat")
            if task.name == str(pid):
                main += seconds
            else:
                other += seconds
    return main, other


def cpu_seconds_of(stat: Path) -> float:
    try:
        fields = stat.read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / CLK_TCK


def memory_mb(pid: int) -> tuple[float, float]:
    """(RSS, PSS) in MB."""
    try:
        text = Path(f"/proc/{pid}/smaps_rollup").read_text()
    except OSError:
        return 0.0, 0.0
    values = {line.split(":")[0]: int(line.split()[1]) for line in text.splitlines()[1:]
              if line.split()[1].isdigit()}
    return values.get("Rss", 0) / 1024, values.get("Pss", 0) / 1024


# ---------------------------------------------------------------- one session


@dataclass
class Session:
    process: asyncssh.SSHClientProcess[bytes]
    conn: asyncssh.SSHClientConnection
    received: bytearray = field(default_factory=bytearray)
    grown: asyncio.Event = field(default_factory=asyncio.Event)
    latencies: list[float] = field(default_factory=list)
    first: list[float] = field(default_factory=list)  # the first key's, apart
    timeouts: int = 0

    async def pump(self) -> None:
        """Drain output all the time: a client that stops reading stalls its console."""
        with contextlib.suppress(Exception):
            while data := await self.process.stdout.read(65536):
                self.received += data
                self.grown.set()

    def shows(self, tokens: tuple[bytes, ...], since: int) -> bool:
        text = ANSI.sub(b"", bytes(self.received[since:]))
        return any(token in text for token in tokens)

    async def wait_for(self, token: bytes | tuple[bytes, ...], since: int,
                       timeout: float) -> bool:
        """Until `token` (or any of several) arrives after `since`; False on timeout."""
        tokens = (token,) if isinstance(token, bytes) else token
        deadline = time.monotonic() + timeout
        while not self.shows(tokens, since):
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return False
            self.grown.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.grown.wait(), remaining)
        return True

    async def type_keys(self, until: float) -> None:
        turn = 0
        while time.monotonic() < until:
            await asyncio.sleep(random.uniform(0.5, 1.5))
            key, token = KEYS[turn % 2]
            turn += 1
            since = len(self.received)
            sent = time.monotonic()
            self.process.stdin.write(key)
            if await self.wait_for(token, since, 10.0):
                self.latencies.append(time.monotonic() - sent)
                if turn == 1:
                    self.first.append(self.latencies.pop())
            else:
                self.timeouts += 1


async def open_session(port: int) -> tuple[Session, float] | None:
    """A console session showing its first screen, and how long that took; None (and the
    reason on stderr) when it did not get there."""
    try:
        return await _open_session(port)
    except Exception as exc:
        print(f"session failed to start: {exc}", file=sys.stderr)
        return None


async def _open_session(port: int) -> tuple[Session, float]:
    started = time.monotonic()
    conn = await asyncio.wait_for(asyncssh.connect(
        "127.0.0.1", port, username="bench", password=PASSWORD, known_hosts=None,
        client_keys=None, agent_path=None, preferred_auth="password"), 30)
    process = await conn.create_process(term_type="xterm-256color", term_size=(120, 35),
                                        encoding=None)
    session = Session(process, conn)
    session.pump_task = asyncio.create_task(session.pump())  # type: ignore[attr-defined]
    if not await session.wait_for(FIRST_SCREEN, 0, 120.0):
        tail = ANSI.sub(b"", bytes(session.received))[-500:].decode("utf-8", "replace")
        session.conn.close()
        raise RuntimeError(f"console did not show its first screen: {tail}")
    return session, time.monotonic() - started


# ---------------------------------------------------------------- one run


def pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


PROFILE_SITE = """\
# Written by benchmarks/bench_ssh.py --profile: every console forked by the template
# (hmc_tui/service/prefork.py) profiles its main thread, the UI, until it exits; SIGUSR2
# starts the profile afresh (sent when the typing starts, so logins and idle are left out).
import atexit
import cProfile
import os
import signal


def _profile_console() -> None:
    profiler = [cProfile.Profile()]
    profiler[0].enable()

    def dump() -> None:
        profiler[0].disable()
        profiler[0].dump_stats(os.path.join({out!r}, f"console-{{os.getpid()}}.prof"))

    def restart(_signum: int, _frame: object) -> None:  # the typing window starts
        profiler[0].disable()
        profiler[0] = cProfile.Profile()
        profiler[0].enable()

    def hung_up(signum: int, _frame: object) -> None:  # the SSH session closed
        dump()
        signal.signal(signum, signal.SIG_DFL)
        os.kill(os.getpid(), signum)

    atexit.register(dump)
    signal.signal(signal.SIGHUP, hung_up)
    signal.signal(signal.SIGUSR2, restart)


os.register_at_fork(after_in_child=_profile_console)
"""


def profile_site(out: Path) -> Path:
    """A directory whose sitecustomize.py makes forked consoles write a cProfile to `out`
    (put first on the service's PYTHONPATH, which the template and its consoles inherit)."""
    site = out / "site"
    site.mkdir(parents=True, exist_ok=True)
    (site / "sitecustomize.py").write_text(PROFILE_SITE.format(out=str(out)))
    return site


def print_profile(out: Path, keys: int) -> None:
    import pstats

    files = sorted(str(p) for p in out.glob("console-*.prof"))
    if not files:
        print(f"no console profiles in {out} (consoles spawned, not forked?)")
        return
    stats = pstats.Stats(*files)
    print(f"cProfile of {len(files)} consoles' UI threads ({keys} keys), in {out}:")
    stats.sort_stats("cumulative").print_stats(40)


async def run(n: int, window: float, command: str, frame: str = "demo",
              profile: Path | None = None) -> dict[str, float]:
    home = Path(tempfile.mkdtemp(prefix="hmcb", dir="/tmp"))
    frame_args: list[str] = []
    if frame == "large":  # benchmarks/frames.py: 1000 partitions in 64 pools
        from benchmarks.frames import large_frame
        from engine.store import save_frame

        save_frame(large_frame(), home / "large.toml")
        frame_args = ["--frame", str(home / "large.toml")]
    env = dict(os.environ, HMC_TUI_DATA_DIR=str(home / "data"),
               HMC_TUI_STATE_DIR=str(home / "state"), HMC_TUI_CONFIG_DIR=str(home / "cfg"),
               PYTHONPATH=str(REPO))
    if profile is not None:
        env["PYTHONPATH"] = f"{profile_site(profile)}{os.pathsep}{REPO}"
    os.environ.update({k: env[k] for k in ("HMC_TUI_DATA_DIR", "HMC_TUI_STATE_DIR",
                                           "HMC_TUI_CONFIG_DIR")})
    UserStore(home / "data" / "users.toml").add("bench", "hmcoperator", password=PASSWORD)
    port, sock = free_port(), home / "e.sock"
    service = subprocess.Popen(
        [sys.executable, "-m", "hmc_tui.service", *frame_args, "serve",
         "--listen", f"127.0.0.1:{port}", "--rest", "off", "--socket", str(sock),
         "--max-sessions", str(n + 5), "--max-sessions-per-user", str(n + 5),
         "--idle-timeout", "0",
         "--console-command", command], cwd=REPO, env=env, stdout=subprocess.DEVNULL,
        stderr=open(home / "serve.log", "w"))  # noqa: SIM115
    sessions: list[Session] = []
    try:
        deadline = time.monotonic() + 30
        while not sock.exists():
            if service.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError((home / "serve.log").read_text())
            await asyncio.sleep(0.1)
        await asyncio.sleep(0.5)  # the SSH listener starts right after the socket
        observer = await asyncio.to_thread(RemoteConsole.open, sock)
        startups: list[float] = []
        failed = 0
        for batch in range(0, n, 5):  # a few at a time: 2 cores start Python slowly
            opened = await asyncio.gather(*(open_session(port)
                                            for _ in range(min(5, n - batch))))
            sessions += [o[0] for o in opened if o is not None]
            startups += [o[1] for o in opened if o is not None]
            failed += sum(1 for o in opened if o is None)
        consoles, templates = consoles_of(service.pid)
        # CPU each console used to get to its first screen (a forked one: since the fork):
        # what one more login costs the machine, whatever its load.
        start_cpu = statistics.mean(cpu_seconds(pid) for pid in consoles) if consoles else 0.0
        # Nobody types for IDLE_AFTER seconds, then for IDLE_WINDOW: what live updates alone
        # cost one console (it backs off once nobody typed for 5 s: hmc_tui/app.py ACTIVE_FOR).
        await asyncio.sleep(IDLE_AFTER)
        idle0 = sum(cpu_seconds(pid) for pid in consoles)
        await asyncio.sleep(IDLE_WINDOW)
        idle_cpu = ((sum(cpu_seconds(pid) for pid in consoles) - idle0) / IDLE_WINDOW * 100
                    / max(1, len(consoles)))
        cpu0 = {pid: cpu_seconds(pid) for pid in [service.pid, *consoles]}
        threads0 = {pid: thread_cpu_seconds(pid) for pid in consoles}
        if profile is not None:
            for pid in consoles:
                with contextlib.suppress(OSError):
                    os.kill(pid, signal.SIGUSR2)
        wall0, engine0 = time.monotonic(), observer.snapshot().time
        bench0 = time.process_time()  # this process: the SSH clients, the observer
        until = time.monotonic() + window
        await asyncio.gather(*(s.type_keys(until) for s in sessions))
        wall = time.monotonic() - wall0
        bench_cpu = time.process_time() - bench0
        engine_advanced = observer.snapshot().time - engine0
        cpu = {pid: cpu_seconds(pid) - cpu0[pid] for pid in cpu0}
        threads = [thread_cpu_seconds(pid) for pid in consoles]
        ui_cpu = sum(t[0] - threads0[pid][0] for pid, t in zip(consoles, threads, strict=True))
        mem = [memory_mb(pid) for pid in consoles]
        service_mem = memory_mb(service.pid)
        template_mem = [memory_mb(pid) for pid in templates]
        typing = [x for s in sessions for x in s.latencies]
        firsts = [x for s in sessions for x in s.first]
        latencies = typing + firsts
        observer.close()
        return {
            "sessions": len(sessions),
            "failed": failed,
            "consoles": len(consoles),
            "startup_p50": statistics.median(startups),
            "startup_max": max(startups),
            "start_cpu": start_cpu,
            "ratio": engine_advanced / wall,
            "rss": statistics.mean(m[0] for m in mem) if mem else float("nan"),
            "pss": statistics.mean(m[1] for m in mem) if mem else float("nan"),
            "service_rss": service_mem[0],
            "template_pss": sum(m[1] for m in template_mem),
            "keys": len(latencies),
            "timeouts": sum(s.timeouts for s in sessions),
            "p50": pct(latencies, 0.5) * 1000,
            "p95": pct(latencies, 0.95) * 1000,
            "p95_first": pct(firsts, 0.95) * 1000,
            "p95_typing": pct(typing, 0.95) * 1000,
            "max": max(latencies, default=float("nan")) * 1000,
            "service_cpu": cpu[service.pid] / wall * 100,
            "bench_cpu": bench_cpu / wall * 100,
            "consoles_cpu": sum(v for k, v in cpu.items() if k != service.pid) / wall * 100,
            # Console CPU per key typed, the live updates between keys included: what the
            # consoles' share of the cores is made of, whatever the machine's load.
            "cpu_per_key": sum(v for k, v in cpu.items() if k != service.pid) * 1000
            / max(len(latencies), 1),
            "idle_cpu": idle_cpu,
            # The UI thread's share of that (the rest: Textual's driver threads writing to
            # and reading from the PTY, the snapshot reader).
            "ui_per_key": ui_cpu * 1000 / max(len(latencies), 1),
        }
    finally:
        for s in sessions:
            s.conn.close()
        service.send_signal(signal.SIGTERM)
        try:
            service.wait(30)
        except subprocess.TimeoutExpired:
            service.kill()
        shutil.rmtree(home, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sessions", type=int, nargs="+", default=[10, 25, 50])
    parser.add_argument("--window", type=float, default=15.0, help="seconds of typing")
    parser.add_argument("--console", choices=("app", "stub"), default="app",
                        help="the real console, or a stub without Textual (path baseline)")
    parser.add_argument("--frame", choices=("demo", "large"), default="demo",
                        help="the demo frame, or benchmarks/frames.py's 1000 partitions")
    parser.add_argument("--profile", type=Path, metavar="DIR",
                        help="every forked console writes a cProfile of its UI thread over "
                        "the typing window to DIR when it exits; their sum is printed after "
                        "each N")
    args = parser.parse_args()
    command = console_command(args.console)
    print(f"console: {command}")
    print(f"frame: {args.frame}; machine: {os.cpu_count()} CPUs, "
          f"load before {os.getloadavg()[0]:.2f}")
    header = ("N", "ratio", "RSS MB", "PSS MB", "tmpl PSS", "svc MB", "keys", "p50 ms",
              "p95 ms", "1st p95", "typing p95", "max ms", "lost", "svc CPU%", "cons CPU%",
              "ms/key", "UI ms/key",
              "idle %/con", "start s", "start CPU", "bench CPU%")
    print("  ".join(f"{h:>9}" for h in header))
    for n in args.sessions:
        out = None
        if args.profile is not None:
            out = args.profile / f"n{n}"
            shutil.rmtree(out, ignore_errors=True)
        r = asyncio.run(run(n, args.window, command, args.frame, out))
        cells = (f"{r['sessions']:.0f}" + (f" ({r['failed']:.0f} failed)" if r["failed"] else ""),
                 f"{r['ratio']:.3f}", f"{r['rss']:.1f}", f"{r['pss']:.1f}",
                 f"{r['template_pss']:.1f}",
                 f"{r['service_rss']:.1f}", f"{r['keys']:.0f}", f"{r['p50']:.0f}",
                 f"{r['p95']:.0f}", f"{r['p95_first']:.0f}", f"{r['p95_typing']:.0f}",
                 f"{r['max']:.0f}", f"{r['timeouts']:.0f}",
                 f"{r['service_cpu']:.0f}", f"{r['consoles_cpu']:.0f}",
                 f"{r['cpu_per_key']:.0f}", f"{r['ui_per_key']:.0f}", f"{r['idle_cpu']:.2f}",
                 f"{r['startup_p50']:.1f}/{r['startup_max']:.1f}", f"{r['start_cpu']:.2f}",
                 f"{r['bench_cpu']:.0f}")
        print("  ".join(f"{c:>9}" for c in cells) + f"  load {os.getloadavg()[0]:.2f}",
              flush=True)
        if out is not None:
            print_profile(out, int(r["keys"]))


if __name__ == "__main__":
    main()
