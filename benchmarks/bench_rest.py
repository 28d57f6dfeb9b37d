"""REST API benchmark on the 1000-partition frame: figures, not a test.

    python benchmarks/bench_rest.py [--seconds 5] [--clients 4] [--jobs 10]

Starts `hmc-tui serve --no-ssh --rest 127.0.0.1:PORT` (a subprocess, private temporary
data dir, benchmarks/frames.large_frame with its last `--jobs` partitions Not Activated),
logs on with aiohttp (the client is this process, the server the other one), then prints:

- the first read of the LogicalPartition feed (1000 entries: rendered, then cached) and its
  size;
- reads/s for `--seconds` with `--clients` concurrent connections of: the feed, single
  partitions (random UUIDs; twice: the first pass renders most of them, the second finds
  them rendered), LogicalPartition quick/All JSON, the ManagedSystem entry;
- PowerOn job latency: PUT of a JobRequest (as the Ansible collection sends it) until the
  job is COMPLETED_OK (the PUT answers as soon as the engine applied it; otherwise the job
  is polled every 50 ms), p50 and max over `--jobs` partitions.
"""

from __future__ import annotations

import argparse
import asyncio
import json
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
from pathlib import Path

import aiohttp

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from benchmarks.frames import large_frame  # noqa: E402
from engine.store import CONFIG_DIR_ENV, DATA_DIR_ENV, STATE_DIR_ENV, save_frame  # noqa: E402
from hmc_tui.service.users import UserStore  # noqa: E402

PASSWORD = "bench-password"
WEB = "http://www.ibm.com/xmlns/systems/power/firmware/web/mc/2012_10/"
LOGON = (f'<LogonRequest xmlns="{WEB}" schemaVersion="V1_0"><Metadata><Atom/></Metadata>'
         f'<UserID>bench</UserID><Password>{PASSWORD}</Password></LogonRequest>')


def job_request(op: str) -> str:
    return (f"<JobRequest xmlns='{WEB}' schemaVersion='V1_0'><Metadata><Atom/></Metadata>"
            f"<RequestedOperation schemaVersion='V1_0'><OperationName>{op}</OperationName>"
            f"<GroupName>LogicalPartition</GroupName></RequestedOperation>"
            f"<JobParameters schemaVersion='V1_0'/></JobRequest>")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def bench_frame(inactive: int):  # type: ignore[no-untyped-def]
    frame = large_frame()
    parts = list(frame.partitions)
    for i in range(len(parts) - inactive, len(parts)):
        parts[i] = parts[i].model_copy(update={"state": "Not Activated", "current": None,
                                               "rmc_state": "inactive", "curr_profile": ""})
    return frame.model_copy(update={"partitions": tuple(parts)})


async def rate(http: aiohttp.ClientSession, paths: list[str], seconds: float, clients: int
               ) -> tuple[float, float]:
    """Reads/s and MB/s of GETs of `paths` (picked at random) by `clients` workers."""
    done = 0
    size = 0
    stop = time.perf_counter() + seconds

    async def worker() -> None:
        nonlocal done, size
        while time.perf_counter() < stop:
            async with http.get(random.choice(paths)) as resp:
                body = await resp.read()
                assert resp.status == 200, resp.status
            done += 1
            size += len(body)

    start = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(clients)))
    wall = time.perf_counter() - start
    return done / wall, size / wall / 1e6


async def run(args: argparse.Namespace, port: int) -> None:
    base = f"https://127.0.0.1:{port}"
    connector = aiohttp.TCPConnector(ssl=False, limit=args.clients + 2)
    async with aiohttp.ClientSession(base, connector=connector) as http:
        async with http.put("/rest/api/web/Logon", data=LOGON) as resp:
            text = await resp.text()
        token = re.search(r"<X-API-Session[^>]*>([^<]+)<", text)
        assert token is not None, text
        http.headers["X-API-Session"] = token.group(1)
        async with http.get("/rest/api/uom/ManagedSystem/quick/All") as resp:
            sys_uuid = json.loads(await resp.text())[0]["UUID"]
        lpars_path = f"/rest/api/uom/ManagedSystem/{sys_uuid}/LogicalPartition"
        t0 = time.perf_counter()
        async with http.get(lpars_path) as resp:
            feed = await resp.read()
        cold = time.perf_counter() - t0
        t0 = time.perf_counter()
        async with http.get(lpars_path) as resp:
            await resp.read()
        warm = time.perf_counter() - t0
        print(f"LogicalPartition feed, 1000 entries, {len(feed) / 1e6:.1f} MB: first read "
              f"{cold * 1000:.0f} ms (rendered), next {warm * 1000:.0f} ms (cached)")
        async with http.get(lpars_path + "/quick/All") as resp:
            quick = json.loads(await resp.text())
        singles = [f"/rest/api/uom/LogicalPartition/{q['UUID']}" for q in quick]
        for name, paths in (("LogicalPartition feed (1000 entries)", [lpars_path]),
                            ("one LogicalPartition (random of 1000)", singles),
                            ("the same again (all rendered by now)", singles),
                            ("LogicalPartition quick/All JSON", [lpars_path + "/quick/All"]),
                            ("ManagedSystem entry", [f"/rest/api/uom/ManagedSystem/{sys_uuid}"])):
            per_s, mb_s = await rate(http, paths, args.seconds, args.clients)
            print(f"{name:40s} {per_s:8.0f} reads/s  {mb_s:6.1f} MB/s  "
                  f"({args.clients} clients, {args.seconds:g} s)")
        latencies = []
        for q in quick[-args.jobs:]:
            t0 = time.perf_counter()
            async with http.put(f"/rest/api/uom/LogicalPartition/{q['UUID']}/do/PowerOn",
                                data=job_request("PowerOn"), headers={
                                    "Content-Type": "application/vnd.ibm.powervm.web+xml; "
                                                    "type=JobRequest"}) as resp:
                text = await resp.text()
            job_id = re.search(r"<JobID[^>]*>(\d+)<", text)
            assert job_id is not None, text
            while "<Status kb=\"ROR\" kxe=\"false\">RUNNING<" in text:
                await asyncio.sleep(0.05)
                async with http.get(f"/rest/api/uom/jobs/{job_id.group(1)}") as resp:
                    text = await resp.text()
            latencies.append(time.perf_counter() - t0)
            assert "COMPLETED_OK" in text, text
        ms = sorted(x * 1000 for x in latencies)
        print(f"PowerOn job, PUT to COMPLETED_OK: p50 {statistics.median(ms):.0f} ms, "
              f"max {ms[-1]:.0f} ms ({len(ms)} jobs)")
        await http.delete("/rest/api/web/Logon")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--jobs", type=int, default=10)
    args = parser.parse_args()
    home = Path(tempfile.mkdtemp(prefix="hmcrestbench", dir="/tmp"))
    env = dict(os.environ)
    for var, name in ((DATA_DIR_ENV, "data"), (STATE_DIR_ENV, "state"),
                      (CONFIG_DIR_ENV, "config")):
        (home / name).mkdir()
        env[var] = os.environ[var] = str(home / name)
    frame_path = home / "frame.toml"
    save_frame(bench_frame(args.jobs), frame_path)
    UserStore(home / "data" / "users.toml").add("bench", "hmcsuperadmin", password=PASSWORD)
    port = free_port()
    log = home / "serve.log"
    with log.open("w") as out:
        service = subprocess.Popen(
            [sys.executable, "-m", "hmc_tui.service", "serve", "--frame", str(frame_path),
             "--no-ssh", "--rest", f"127.0.0.1:{port}", "--socket", str(home / "e.sock"),
             "--save-interval", "3600"], cwd=REPO, env=env, stdout=out,
            stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 60
        while "REST API on" not in log.read_text() and time.monotonic() < deadline:
            if service.poll() is not None:
                print(log.read_text(), file=sys.stderr)
                return 1
            time.sleep(0.2)
        asyncio.run(run(args, port))
    finally:
        service.send_signal(signal.SIGTERM)
        service.wait(30)
        shutil.rmtree(home, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
