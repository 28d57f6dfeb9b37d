"""Durability under kill -9: acknowledged operations lost (must be 0), the fsync's cost, replay.

Each trial starts the engine service (engine.durable.open_engine + EngineService, exactly what
`hmc-tui serve` runs, minus SSH) in a child process on a fresh copy of the demo frame, with
frequent checkpoints. Several clients (RemoteConsole, the consoles' own client) create and
delete partitions through the socket and note every operation the service acknowledged.
At a random moment the child is killed with SIGKILL; the frame is then opened again (replay)
and every acknowledged operation must be in it. An operation in flight at the kill (sent,
not answered) may or may not be there; nothing else may differ.

    python -m benchmarks.bench_durability [--trials 200] [--clients 4] [--replay-ops 2000]

prints: trials, operations acknowledged, lost (must be 0), client-side operation latency
p50/p95 (includes waiting for the engine's next tick boundary), the commit's own cost (one
sqlite transaction with its fsync) p50/p95 against a stepped engine without a log, and the
replay time for N logged operations. tests/service/test_durability.py runs the trials (50)
through `run_trial`.
"""

from __future__ import annotations

import argparse
import asyncio
import atexit
import contextlib
import json
import logging
import os
import random
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from engine import ops
from engine.durable import open_engine
from engine.roles import Actor
from engine.service import Engine
from engine.store import demo_frame, demo_frame_text
from hmc_tui.service.protocol import ServiceGone
from hmc_tui.service.remote import RemoteConsole
from hmc_tui.service.server import EngineService

PROFILE = {"name": "default_profile", "min_proc_units": 0.1, "desired_proc_units": 0.2,
           "max_proc_units": 1.0, "min_procs": 1, "desired_procs": 2, "max_procs": 4,
           "min_mem": 2048, "desired_mem": 4096, "max_mem": 8192}


def create_op(name: str) -> ops.Operation:
    return ops.build({"op": "create_lpar", "name": name, "env": "aixlinux", "profile": PROFILE})


# ---------------------------------------------------------------- the child: the service


def serve(frame_path: str, socket_path: str, save_interval: float) -> None:
    """What `hmc-tui serve --no-ssh` runs, in a process that will be killed."""
    logging.disable(logging.CRITICAL)
    engine, _ = open_engine(frame_path, mode="realtime")
    engine.start()

    async def run() -> None:
        service = EngineService(engine, Path(socket_path), frame_path=Path(frame_path),
                                save_interval=save_interval)
        await service.start()
        await asyncio.Event().wait()

    asyncio.run(run())


class Zygote:
    """A process that has imported the engine and the service once and forks a service
    child per trial (a fresh interpreter would take most of a second; multiprocessing's
    forkserver re-imports the parent's __main__, pytest included, in every child). It is
    single-threaded, so forking it is safe; children are reaped automatically."""

    def __init__(self) -> None:
        code = "import benchmarks.bench_durability as b; b.zygote_main()"
        self._proc = subprocess.Popen([sys.executable, "-c", code], stdin=subprocess.PIPE,
                                      stdout=subprocess.PIPE, text=True,
                                      cwd=Path(__file__).resolve().parent.parent)
        self._lock = threading.Lock()  # trials run in parallel threads
        atexit.register(self.close)

    def spawn(self, frame_path: Path, socket_path: Path, save_interval: float) -> int:
        assert self._proc.stdin is not None and self._proc.stdout is not None
        with self._lock:
            self._proc.stdin.write(json.dumps([str(frame_path), str(socket_path),
                                               save_interval]) + "\n")
            self._proc.stdin.flush()
            return int(self._proc.stdout.readline())

    def close(self) -> None:
        if self._proc.poll() is None:
            assert self._proc.stdin is not None
            self._proc.stdin.close()
            self._proc.wait(10)


def zygote_main() -> None:
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # children are reaped by the kernel
    for line in sys.stdin:
        frame_path, socket_path, save_interval = json.loads(line)
        pid = os.fork()
        if pid == 0:
            signal.signal(signal.SIGCHLD, signal.SIG_DFL)
            try:
                serve(frame_path, socket_path, float(save_interval))
            finally:
                os._exit(1)
        print(pid, flush=True)


_ZYGOTE: Zygote | None = None
_ZYGOTE_LOCK = threading.Lock()


def zygote() -> Zygote:
    global _ZYGOTE
    with _ZYGOTE_LOCK:
        if _ZYGOTE is None:
            _ZYGOTE = Zygote()
        return _ZYGOTE


def _gone(pid: int, timeout: float = 10.0) -> None:
    """Wait until the killed child has been reaped."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return
        time.sleep(0.002)
    raise TimeoutError(f"process {pid} still there after SIGKILL")


# ---------------------------------------------------------------- the parent: clients


@dataclass
class Client:
    """One console's view: what it was told (acked) and what it sent without an answer."""

    index: int
    acked: dict[str, bool] = field(default_factory=dict)  # name -> exists, as acknowledged
    in_flight: dict[str, bool] = field(default_factory=dict)  # name -> exists if it applied
    latencies: list[float] = field(default_factory=list)
    count: int = 0
    done: int = 0  # operations acknowledged as done

    def run(self, console: RemoteConsole, rng: random.Random, stop: threading.Event) -> None:
        while not stop.is_set():
            live = [n for n, exists in self.acked.items() if exists]
            if live and rng.random() < 0.3:
                name = rng.choice(live)
                op: ops.Operation = ops.DeletePartition(lpar=name)
                effect = False
            else:
                name = f"c{self.index}n{self.count}"
                self.count += 1
                op, effect = create_op(name), True
            self.in_flight[name] = effect
            started = time.perf_counter()
            try:
                result = console.execute(op)
            except (ServiceGone, OSError, TimeoutError):
                return  # the service died: this one stays in flight
            self.latencies.append(time.perf_counter() - started)
            del self.in_flight[name]
            if result.ok:
                self.acked[name] = effect
                self.done += 1


@dataclass
class Trial:
    acked: int  # operations acknowledged as done
    lost: list[str]  # names whose state contradicts an acknowledgement
    latencies: list[float]
    replayed: int
    replay_seconds: float


def open_console(socket_path: Path, actor: Actor, **options: Any) -> RemoteConsole:
    """A connected RemoteConsole. Since the typed socket protocol, constructing one and
    connecting it are two steps (RemoteConsole.open does both); before, the constructor
    connected."""
    opener = getattr(RemoteConsole, "open", None)
    if opener is not None:
        console: RemoteConsole = opener(socket_path, actor, **options)
        return console
    return RemoteConsole(socket_path, actor, **options)


def _connect(socket_path: Path, deadline: float) -> RemoteConsole:
    while True:
        try:
            return open_console(socket_path, Actor(), timeout=5.0, request_timeout=10.0)
        except ServiceGone:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.005)


def run_trial(directory: Path, rng: random.Random, *, clients: int = 3,
              kill_window: tuple[float, float] = (0.0, 0.25),
              save_interval: float = 0.04) -> Trial:
    """One service life: start, clients work, SIGKILL at a random moment, recover, compare."""
    frame_path = directory / "frame.toml"
    frame_path.write_text(demo_frame_text())
    socket_path = directory / "e.sock"
    pid = zygote().spawn(frame_path, socket_path, save_interval)
    consoles: list[RemoteConsole] = []
    stop = threading.Event()
    workers = [Client(i) for i in range(clients)]
    threads: list[threading.Thread] = []
    try:
        deadline = time.monotonic() + 10
        consoles = [_connect(socket_path, deadline) for _ in range(clients)]
        for worker, console in zip(workers, consoles, strict=True):
            seed = rng.random()
            thread = threading.Thread(target=worker.run,
                                      args=(console, random.Random(seed), stop), daemon=True)
            thread.start()
            threads.append(thread)
        time.sleep(rng.uniform(*kill_window))
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
        _gone(pid)
        stop.set()
        for console in consoles:
            console.close()
        for thread in threads:
            thread.join(10)
    engine, recovery = open_engine(frame_path)  # the frame must load, with its log
    try:
        present = {p.name for p in engine.snapshot().frame.partitions}
    finally:
        if engine.oplog is not None:
            engine.oplog.close()
    lost = []
    for worker in workers:
        for name in worker.acked.keys() | worker.in_flight.keys():
            allowed = {worker.acked.get(name, False)}
            if name in worker.in_flight:
                allowed.add(worker.in_flight[name])
            if (name in present) not in allowed:
                lost.append(name)
    return Trial(acked=sum(w.done for w in workers), lost=lost,
                 latencies=[t for w in workers for t in w.latencies],
                 replayed=recovery.replayed, replay_seconds=recovery.seconds)


def run_trials(base: Path, count: int, seed: int, *, parallel: int = 3,
               **options: Any) -> list[Trial]:
    """`count` trials, `parallel` at a time (a trial mostly waits: on its clients, on the
    kill); trial i uses its own directory and random stream, so results do not depend on
    scheduling."""
    def one(i: int) -> Trial:
        directory = base / f"t{i}"
        directory.mkdir()
        try:
            return run_trial(directory, random.Random(seed * 100_003 + i), **options)
        finally:
            shutil.rmtree(directory, ignore_errors=True)

    with ThreadPoolExecutor(parallel) as pool:
        return list(pool.map(one, range(count)))


# ---------------------------------------------------------------- engine-side costs


def commit_costs(directory: Path, count: int) -> tuple[list[float], list[float]]:
    """Per-operation latency of a stepped engine's execute, with the log and without."""
    frame_path = directory / "cost.toml"
    frame_path.write_text(demo_frame_text())
    logged, _ = open_engine(frame_path)
    plain = Engine(demo_frame())
    with_log, without = [], []
    for i in range(count):
        op = ops.SetUncapWeight(lpar="was01", uncap_weight=i % 256)
        started = time.perf_counter()
        assert logged.execute(op, Actor()).ok
        with_log.append(time.perf_counter() - started)
        started = time.perf_counter()
        assert plain.execute(op, Actor()).ok
        without.append(time.perf_counter() - started)
    assert logged.oplog is not None
    logged.oplog.close()
    return with_log, without


def replay_cost(directory: Path, count: int) -> tuple[int, float]:
    frame_path = directory / "replay.toml"
    frame_path.write_text(demo_frame_text())
    engine, _ = open_engine(frame_path)
    for i in range(count):
        if i % 10 == 0:
            engine.step(1.0)
        op = (create_op(f"r{i}") if i % 20 == 0
              else ops.SetUncapWeight(lpar="was01", uncap_weight=i % 256))
        assert engine.execute(op, Actor()).ok
    assert engine.oplog is not None
    engine.oplog.close()
    again, recovery = open_engine(frame_path)
    assert again.oplog is not None
    again.oplog.close()
    assert not recovery.refused
    return recovery.replayed, recovery.seconds


def _ms(values: list[float], q: float) -> str:
    if not values:
        return "-"
    ordered = sorted(values)
    return f"{ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000:.2f} ms"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--trials", type=int, default=200)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--replay-ops", type=int, default=2000)
    parser.add_argument("--commits", type=int, default=300)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    base = Path(tempfile.mkdtemp(prefix="hmcdur", dir="/tmp"))  # short: a socket path
    try:
        started = time.monotonic()
        trials = run_trials(base, args.trials, args.seed, clients=args.clients,
                            kill_window=(0.0, 0.5))
        elapsed = time.monotonic() - started
        acked = sum(t.acked for t in trials)
        lost = sum(len(t.lost) for t in trials)
        replayed = sum(t.replayed for t in trials)
        latencies = [x for t in trials for x in t.latencies]
        print(f"trials                {args.trials} ({args.clients} clients each, "
              f"{elapsed:.1f} s)")
        print(f"acknowledged          {acked} operations")
        print(f"lost                  {lost}")
        print(f"replayed at restart   {replayed} operations in all")
        print(f"client op latency     p50 {_ms(latencies, 0.5)}  p95 {_ms(latencies, 0.95)}"
              "  (realtime engine: waits for the next 50 ms tick)")
        with_log, without = commit_costs(base, args.commits)
        print(f"execute, with log     p50 {_ms(with_log, 0.5)}  p95 {_ms(with_log, 0.95)}")
        print(f"execute, no log       p50 {_ms(without, 0.5)}  p95 {_ms(without, 0.95)}")
        cost = (statistics.median(with_log) - statistics.median(without)) * 1000
        print(f"commit cost (median)  {cost:.2f} ms per operation (sqlite WAL, "
              f"synchronous=FULL, on {base})")
        count, seconds = replay_cost(base, args.replay_ops)
        print(f"replay                {count} operations in {seconds * 1000:.0f} ms "
              f"({seconds / max(count, 1) * 1e6:.0f} us each, frame load included)")
        if lost:
            raise SystemExit(f"{lost} acknowledged operation(s) lost")
    finally:
        shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":
    main()
