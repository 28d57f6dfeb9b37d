"""The SSH service under attack while legitimate clients work: figures, not a test.

    python benchmarks/bench_ssh_load.py [--clients 50] [--idle 200] [--flood 40]
                                        [--quiet 5] [--window 20] [--service-fd-limit N]

Starts `hmc-tui serve` (a subprocess, private temporary data dir, a free loopback port, the
real scrypt cost), logs `--clients` users in with keys (one connection each, from 127.0.0.1)
and has each run HMC commands over exec (listings, chhwres, chsysstate) with a pause of
0.2-0.6 s between them. First `--quiet` seconds with nobody attacking, then `--window`
seconds while, from other loopback addresses (127.0.2.x, 127.0.3.x; all of 127/8 is local):

- `--idle` TCP connections are held open without ever starting SSH (each reopened 0.2 s
  after the server closes it): the pre-login caps and login timeout at work;
- `--flood` workers guess a password of the user `victim` as fast as the server answers,
  rotating over 250 source addresses (each is blocked after 5 failures).

`--service-fd-limit 256` runs the service with that many file descriptors at most (what made
300 idle connections hang every command before the pre-login caps).

The attackers run in a process of their own, so that their work does not delay the
legitimate clients' event loop (which would be counted as server latency).

Printed: exec latency p50/p95/max quiet and under attack, commands done and failed, a fresh
key login's time under attack, the service's open file descriptors, what the idle
connections and the guesses ran into, the engine's time advanced against wall time in both
phases (1.00 = real time kept), the service's CPU and the size of its log. Everything stops
by itself.
"""

from __future__ import annotations

import argparse
import asyncio
import concurrent.futures
import contextlib
import os
import random
import resource
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import asyncssh

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from hmc_tui.service.remote import RemoteConsole  # noqa: E402
from hmc_tui.service.users import UserStore  # noqa: E402

SYS = "Server-9080-HEX-SN78H4A21"
COMMANDS = (
    f"lssyscfg -r lpar -m {SYS} -F name,state",
    f"lshwres -r mem -m {SYS} --level lpar -F lpar_name,curr_mem",
    f"lshwres -r proc -m {SYS} --level lpar -F lpar_name,curr_proc_units",
    f"chhwres -r mem -m {SYS} -o a -p dev01 -q 256",
    f"chhwres -r mem -m {SYS} -o r -p dev01 -q 256",
    f"chsysstate -m {SYS} -r lpar -o on -n sandbox01 -f default_profile",
    f"chsysstate -m {SYS} -r lpar -o shutdown --immed -n sandbox01",
    "lssyscfg -r sys -F name,state",
)
CLK_TCK = os.sysconf("SC_CLK_TCK")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLK_TCK


def pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


@dataclass
class Figures:
    latencies: dict[str, list[float]] = field(default_factory=lambda: {"quiet": [], "attack": []})
    exit_codes: Counter[str] = field(default_factory=Counter)
    errors: Counter[str] = field(default_factory=Counter)
    logins: list[float] = field(default_factory=list)
    login_failures: Counter[str] = field(default_factory=Counter)
    service_fds: list[int] = field(default_factory=list)
    phase: str = "quiet"


@dataclass
class Attack:
    guesses: Counter[str] = field(default_factory=Counter)
    idle_opened: int = 0
    idle_closed: int = 0


async def connect(port: int, user: str, *, key: asyncssh.SSHKey | None = None,
                  password: str | None = None, source: str = "127.0.0.1",
                  timeout: float = 30) -> asyncssh.SSHClientConnection:
    return await asyncio.wait_for(asyncssh.connect(
        "127.0.0.1", port, username=user, client_keys=[key] if key else None,
        password=password, known_hosts=None, agent_path=None, local_addr=(source, 0),
        preferred_auth="publickey" if key else "password"), timeout)


async def client(conn: asyncssh.SSHClientConnection, figures: Figures, until: float,
                 seed: int) -> None:
    rng = random.Random(seed)
    while time.monotonic() < until:
        line = rng.choice(COMMANDS)
        started = time.monotonic()
        try:
            result = await asyncio.wait_for(conn.run(line), 60)
        except (asyncssh.Error, OSError, TimeoutError) as exc:
            figures.errors[type(exc).__name__] += 1
        else:
            figures.latencies[figures.phase].append(time.monotonic() - started)
            figures.exit_codes[f"{line.split()[0]} {result.exit_status}"] += 1
        await asyncio.sleep(rng.uniform(0.2, 0.6))


async def hold_idle(port: int, source: str, figures: Attack, until: float) -> None:
    """One idle unauthenticated connection, reopened whenever the server closes it."""
    while time.monotonic() < until:
        try:
            reader, writer = await asyncio.wait_for(asyncio.open_connection(
                "127.0.0.1", port, local_addr=(source, 0)), 5)
        except (OSError, TimeoutError):
            await asyncio.sleep(0.2)
            continue
        figures.idle_opened += 1
        try:
            while time.monotonic() < until:
                data = await asyncio.wait_for(reader.read(4096), until - time.monotonic())
                if not data:
                    figures.idle_closed += 1
                    break
        except (OSError, TimeoutError):
            pass
        finally:
            writer.close()
        await asyncio.sleep(0.2)


async def guess(port: int, figures: Attack, until: float, worker: int, workers: int) -> None:
    n = worker
    while time.monotonic() < until:
        source = f"127.0.2.{n % 250 + 1}"
        n += workers
        try:
            conn = await connect(port, "victim", password=f"guess-{n}", source=source,
                                 timeout=max(0.5, until - time.monotonic()))
        except asyncssh.PermissionDenied:
            figures.guesses["refused (password checked or waited for)"] += 1
        except asyncssh.DisconnectError as exc:
            kind = "blocked address" if "too many failed" in str(exc) else "disconnected"
            figures.guesses[kind] += 1
        except asyncssh.ConnectionLost:
            figures.guesses["closed before login (pre-login cap)"] += 1
        except (OSError, TimeoutError) as exc:
            figures.guesses[type(exc).__name__] += 1
        else:
            figures.guesses["GOT IN"] += 1
            conn.close()


async def fresh_logins(port: int, key: asyncssh.SSHKey, figures: Figures, until: float
                       ) -> None:
    while time.monotonic() < until:
        started = time.monotonic()
        try:
            conn = await connect(port, "user00", key=key)
        except (asyncssh.Error, OSError, TimeoutError) as exc:
            figures.login_failures[type(exc).__name__] += 1
        else:
            figures.logins.append(time.monotonic() - started)
            conn.close()
        await asyncio.sleep(1.0)


async def sample_fds(pid: int, figures: Figures, until: float) -> None:
    while time.monotonic() < until:
        await asyncio.sleep(1.0)
        with contextlib.suppress(OSError):
            figures.service_fds.append(len(os.listdir(f"/proc/{pid}/fd")))


def attack(port: int, idle: int, flood: int, seconds: float) -> Attack:
    """The attackers' process: idle connections and password guesses until `seconds` pass."""
    async def everything() -> Attack:
        figures = Attack()
        until = time.monotonic() + seconds
        await asyncio.wait_for(asyncio.gather(
            *(hold_idle(port, f"127.0.3.{n % 20 + 1}", figures, until) for n in range(idle)),
            *(guess(port, figures, until, w, flood) for w in range(flood))), seconds + 60)
        return figures

    return asyncio.run(everything())


async def run(args: argparse.Namespace) -> None:
    home = Path(tempfile.mkdtemp(prefix="hmcl", dir="/tmp"))
    env = dict(os.environ, HMC_TUI_DATA_DIR=str(home / "data"),
               HMC_TUI_STATE_DIR=str(home / "state"), HMC_TUI_CONFIG_DIR=str(home / "cfg"),
               PYTHONPATH=str(REPO))
    key = asyncssh.generate_private_key("ssh-ed25519")
    store = UserStore(home / "data" / "users.toml")
    store.add("hscroot", "hmcsuperadmin", password="bench-admin-pw")
    store.add("victim", "hmcoperator", password="the-real-one")  # real scrypt cost
    for n in range(args.clients):
        store.add(f"user{n:02d}", "hmcsuperadmin", keys=[key.export_public_key().decode()])
    port, sock = free_port(), home / "e.sock"
    log_path = home / "serve.log"

    def limit_fds() -> None:  # in the service's process, before it starts
        if args.service_fd_limit:
            resource.setrlimit(resource.RLIMIT_NOFILE,
                               (args.service_fd_limit, args.service_fd_limit))

    service = subprocess.Popen(
        [sys.executable, "-m", "hmc_tui.service", "serve", "--listen", f"127.0.0.1:{port}",
         "--rest", "off",
         "--socket", str(sock), "--max-sessions", str(args.clients + 20), "--idle-timeout",
         "0", "--save-interval", "3600"], cwd=REPO, env=env, stdout=subprocess.DEVNULL,
        stderr=open(log_path, "w"), preexec_fn=limit_fds)  # noqa: SIM115
    figures = Figures()
    attackers = concurrent.futures.ProcessPoolExecutor(
        1, mp_context=__import__("multiprocessing").get_context("spawn"))
    attacker_pid = attackers.submit(os.getpid).result()  # started before anything is measured
    attackers_did = Attack()
    try:
        deadline = time.monotonic() + 30
        while not sock.exists():
            if service.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(log_path.read_text())
            await asyncio.sleep(0.1)
        await asyncio.sleep(0.5)
        observer = await asyncio.to_thread(RemoteConsole, sock)
        conns: list[asyncssh.SSHClientConnection] = []
        for batch in range(0, args.clients, 5):  # within the per-address pre-login cap
            conns += await asyncio.gather(*(connect(port, f"user{n:02d}", key=key)
                                            for n in range(batch, min(batch + 5,
                                                                      args.clients))))
        phases: dict[str, tuple[float, float, float, float, float]] = {}
        # wall, engine time, CPU seconds of the service, these clients, the attackers
        for phase, seconds in (("quiet", args.quiet), ("attack", args.window)):
            figures.phase = phase
            wall0, engine0 = time.monotonic(), observer.snapshot().time
            cpu0 = (cpu_seconds(service.pid), time.process_time(), cpu_seconds(attacker_pid))
            until = wall0 + seconds
            tasks = [client(c, figures, until, seed) for seed, c in enumerate(conns)]
            tasks += [sample_fds(service.pid, figures, until)]
            if phase == "attack":
                tasks += [fresh_logins(port, key, figures, until)]
                attacked = asyncio.get_running_loop().run_in_executor(
                    attackers, attack, port, args.idle, args.flood, seconds)
            await asyncio.wait_for(asyncio.gather(*tasks), seconds + 90)
            if phase == "attack":
                attackers_did = await asyncio.wait_for(attacked, 90)
            wall = time.monotonic() - wall0
            phases[phase] = (wall, observer.snapshot().time - engine0,
                             cpu_seconds(service.pid) - cpu0[0], time.process_time() - cpu0[1],
                             cpu_seconds(attacker_pid) - cpu0[2])
        observer.close()
        for conn in conns:
            conn.close()
    finally:
        service.send_signal(signal.SIGTERM)
        with contextlib.suppress(subprocess.TimeoutExpired):
            service.wait(30)
        if service.poll() is None:
            service.kill()
        attackers.shutdown(cancel_futures=True)
    report(args, figures, attackers_did, phases, log_path)
    shutil.rmtree(home, ignore_errors=True)


def report(args: argparse.Namespace, figures: Figures, attacked: Attack,
           phases: dict[str, tuple[float, float, float, float, float]], log_path: Path) -> None:
    limit = f", service fd limit {args.service_fd_limit}" if args.service_fd_limit else ""
    print(f"{args.clients} clients (key logins, exec), then {args.idle} idle connections and "
          f"{args.flood} password guessers; {os.cpu_count()} CPUs{limit}")
    for phase in ("quiet", "attack"):
        lat = figures.latencies[phase]
        wall, engine, cpu, clients, attackers = phases[phase]
        print(f"  {phase:6}: {len(lat):5d} commands in {wall:5.1f} s; exec latency p50 "
              f"{pct(lat, 0.5) * 1000:6.1f} ms  p95 {pct(lat, 0.95) * 1000:6.1f} ms  max "
              f"{max(lat, default=float('nan')) * 1000:6.1f} ms")
        print(f"          engine {engine:5.1f} s / wall {wall:5.1f} s = {engine / wall:.3f}; "
              f"CPU: service {cpu / wall * 100:3.0f}%, clients {clients / wall * 100:3.0f}%, "
              f"attackers {attackers / wall * 100:3.0f}%")
    print(f"  command exits: {dict(sorted(figures.exit_codes.items()))}")
    print(f"  command errors (client side): {dict(figures.errors) or 'none'}")
    if figures.logins:
        print(f"  fresh key login under attack: {len(figures.logins)} ok, p50 "
              f"{statistics.median(figures.logins) * 1000:.0f} ms, max "
              f"{max(figures.logins) * 1000:.0f} ms; failed: "
              f"{dict(figures.login_failures) or 'none'}")
    fds = figures.service_fds
    print(f"  service's open file descriptors: median {statistics.median(fds):.0f}, max "
          f"{max(fds)}")
    print(f"  idle connections: {attacked.idle_opened} opened, {attacked.idle_closed} closed "
          f"by the server")
    print(f"  password guesses: {sum(attacked.guesses.values())} -> {dict(attacked.guesses)}")
    size = log_path.stat().st_size if log_path.exists() else 0
    lines = len(log_path.read_text(errors="replace").splitlines()) if size else 0
    print(f"  service log: {size / 1024:.1f} KiB, {lines} lines")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--idle", type=int, default=200)
    parser.add_argument("--flood", type=int, default=40)
    parser.add_argument("--quiet", type=float, default=5.0)
    parser.add_argument("--window", type=float, default=20.0)
    parser.add_argument("--service-fd-limit", type=int, default=0)
    asyncio.run(run(parser.parse_args()))


if __name__ == "__main__":
    main()
