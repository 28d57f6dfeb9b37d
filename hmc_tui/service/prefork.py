"""Console processes forked from a template that has already imported the console.

Starting `python -m hmc_tui --connect SOCKET` for every SSH session cost 2.4-3.1 s of a
loaded 2-core machine (the interpreter, Textual, pydantic and the engine imported again each
time) and 58-75 MB PSS per console. The template process (`python -m
hmc_tui.service.prefork FD MODULE...`) imports the console once and then only forks: a child
shares the imported pages copy-on-write and runs the console in milliseconds.

- The SSH server and the browser console server (`Prefork`, below) talk to the template
  over a SOCK_SEQPACKET socketpair: one message per session with the command line, the
  environment, the working directory and whether stdin is the session's terminal, and four
  descriptors (SCM_RIGHTS): the child's stdin, stdout and stderr (an SSH session's PTY
  slave three times; three pipes for a browser console, which textual-serve's web driver
  speaks over) and one end of a status socketpair, on which the template answers `pid N`
  at once and `exit CODE` when the child ends (the template is the child's parent and
  reaps it).
- The child becomes what a spawned console was: a session leader (so the whole group can
  be hung up), whose controlling terminal is the PTY when it has one (so SIGWINCH and
  hang-up work as before), the descriptors on fds 0-2, the session's environment only
  (Textual's settings read again from it), then `python ARGS` emulated with runpy (`-m
  MODULE ...` or a script path): the console's own code and exit status are unchanged.
- Isolation: every console is still a process of its own; a crash (or a kill) ends that
  child only. If the template itself dies, running consoles carry on (the SSH side then
  watches their pids) and the next session starts a new template.
"""

from __future__ import annotations

import asyncio
import atexit
import contextlib
import fcntl
import gc
import importlib
import json
import logging
import mmap
import os
import random
import runpy
import select
import signal
import socket
import struct
import subprocess
import sys
import termios
import time
import traceback
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

MAX_REQUEST = 1 << 20  # bytes: one spawn request (command line and environment)
START_TIMEOUT = 60.0  # seconds for the template to answer a spawn (it may still be importing)
# What the template imports before its first fork: the console and the HMC prompt.
PRELOAD = ("hmc_tui.app", "hmc_tui.service.entry", "hmc_tui.cli", "hmc_tui.rbash")
# Seconds after a fork during which its console counts as starting (its first screen takes
# 0.4-1 s on a loaded machine): the other consoles put off building screens meanwhile.
STARTING_FOR = 2.0


# ---------------------------------------------------------------- the SSH server's side


class ForkedChild:
    """A console forked by the template: the part of asyncio.subprocess.Process that
    PtySession and textual-serve use (pid, returncode, wait; and stdin, stdout, stderr when
    they are pipes: `Prefork.spawn_pipes`)."""

    def __init__(self, pid: int, reader: asyncio.StreamReader,
                 writer: asyncio.StreamWriter) -> None:
        self.pid = pid
        self.returncode: int | None = None
        self.stdin: asyncio.StreamWriter | None = None
        self.stdout: asyncio.StreamReader | None = None
        self.stderr: asyncio.StreamReader | None = None
        self._reader = reader
        self._writer = writer
        self._done: asyncio.Future[None] | None = None

    async def wait(self) -> int:
        if self._done is None:
            self._done = asyncio.ensure_future(self._watch())
        await asyncio.shield(self._done)  # a timed-out waiter must not cancel the watch
        assert self.returncode is not None
        return self.returncode

    async def _watch(self) -> None:
        with contextlib.suppress(OSError, ValueError):
            line = await self._reader.readline()
            if line.startswith(b"exit "):
                self.returncode = int(line.split()[1])
        self._writer.close()
        if self.returncode is None:  # the template died: follow the orphan by its pid
            while _alive(self.pid):
                await asyncio.sleep(0.1)
            self.returncode = 1


class Prefork:
    """The template process, started on first use (or early: `launch`) and again if it
    died."""

    def __init__(self, env: Mapping[str, str], cwd: str | None = None,
                 preload: Sequence[str] = PRELOAD, warm: str | Path | None = None) -> None:
        self.env = dict(env)
        self.cwd = cwd
        self.preload = list(preload)
        # The engine service's socket: the template runs a console on it, headless, in
        # stages, the first before its first fork (warmup.py); None: imports only.
        self.warm = warm
        # A plain child (not asyncio's): `launch` may start it before any event loop runs.
        self.process: subprocess.Popen[bytes] | None = None
        self._control: socket.socket | None = None
        self._lock = asyncio.Lock()

    async def start(self) -> None:
        async with self._lock:
            self._ensure()

    def launch(self) -> None:
        """Start the template now, without an event loop: `serve` does it first thing, so
        that the template imports the console while the engine loads its frame (2 cores)
        and warms up as soon as the service's socket answers."""
        self._ensure()

    def _ensure(self) -> socket.socket:
        if self.process is not None and self.process.poll() is None and self._control:
            return self._control
        if self._control is not None or self.process is not None:
            self._discard()
            log.warning("the console template process ended; starting a new one")
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        warm = ["--warm", str(self.warm)] if self.warm is not None else []
        try:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "hmc_tui.service.prefork", str(theirs.fileno()),
                 *warm, *self.preload], pass_fds=[theirs.fileno()], env=self.env,
                cwd=self.cwd, stdin=subprocess.DEVNULL, start_new_session=True)
        except BaseException:
            ours.close()
            raise
        finally:
            theirs.close()
        self._control = ours
        return ours

    def _discard(self) -> None:
        """Forget the template (dead, or its socket broken); the next spawn starts one."""
        if self._control is not None:
            self._control.close()
            self._control = None
        if self.process is not None and self.process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                self.process.kill()
            self.process.wait()
        self.process = None

    async def spawn(self, argv: Sequence[str], env: Mapping[str, str], cwd: str | None,
                    slave: int) -> ForkedChild:
        """Fork a console on the PTY `slave` running `argv` (`can_fork`) with exactly
        `env`. A template found dead on the way (its socket broken before it answered) is
        replaced and the request made once more."""
        return await self._spawn(argv, env, cwd, (slave, slave, slave), tty=True)

    async def spawn_pipes(self, argv: Sequence[str], env: Mapping[str, str],
                          cwd: str | None) -> ForkedChild:
        """Fork a console running `argv` (`can_fork`) with exactly `env`, its stdin, stdout
        and stderr pipes to us (the child's `stdin`, `stdout`, `stderr` streams), as
        asyncio.create_subprocess_exec(..., stdin=PIPE, stdout=PIPE, stderr=PIPE,
        start_new_session=True) would start it."""
        loop = asyncio.get_running_loop()
        pipes = [os.pipe() for _ in range(3)]
        theirs = (pipes[0][0], pipes[1][1], pipes[2][1])
        ours = (pipes[0][1], pipes[1][0], pipes[2][0])
        try:
            child = await self._spawn(argv, env, cwd, theirs, tty=False)
        except BaseException:
            for fd in ours:
                os.close(fd)
            raise
        finally:
            for fd in theirs:
                os.close(fd)
        child.stdout = await _read_pipe(loop, ours[1])
        child.stderr = await _read_pipe(loop, ours[2])
        transport, protocol = await loop.connect_write_pipe(
            lambda: asyncio.streams.FlowControlMixin(loop), os.fdopen(ours[0], "wb", 0))
        child.stdin = asyncio.StreamWriter(transport, protocol, None, loop)
        return child

    async def _spawn(self, argv: Sequence[str], env: Mapping[str, str], cwd: str | None,
                     stdio: tuple[int, int, int], tty: bool) -> ForkedChild:
        try:
            return await self._spawn_once(argv, env, cwd, stdio, tty)
        except OSError as exc:
            log.warning("the console template process did not answer (%s); starting a new "
                        "one", exc)
            async with self._lock:
                self._discard()
            return await self._spawn_once(argv, env, cwd, stdio, tty)

    async def _spawn_once(self, argv: Sequence[str], env: Mapping[str, str],
                          cwd: str | None, stdio: tuple[int, int, int],
                          tty: bool) -> ForkedChild:
        request = json.dumps({"argv": list(argv), "env": dict(env), "cwd": cwd,
                              "tty": tty}).encode()
        ours, theirs = socket.socketpair()
        try:
            async with self._lock:
                control = self._ensure()
                socket.send_fds(control, [request], [*stdio, theirs.fileno()])
        except BaseException:
            ours.close()
            raise
        finally:
            theirs.close()
        reader, writer = await asyncio.open_unix_connection(sock=ours)
        try:
            line = await asyncio.wait_for(reader.readline(), START_TIMEOUT)
            if not line.startswith(b"pid "):
                raise ConnectionError("the console template process closed the request")
            return ForkedChild(int(line.split()[1]), reader, writer)
        except BaseException:
            writer.close()
            raise

    async def stop(self) -> None:
        await asyncio.to_thread(self.close)

    def close(self, grace: float = 5.0) -> None:
        """Stop the template: it exits when its socket closes (its consoles carry on);
        killed if it has not within `grace` seconds (it may be importing or warming up)."""
        if self._control is not None:
            self._control.close()
            self._control = None
        process, self.process = self.process, None
        if process is not None:
            try:
                process.wait(grace)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


async def _read_pipe(loop: asyncio.AbstractEventLoop, fd: int) -> asyncio.StreamReader:
    reader = asyncio.StreamReader(limit=2**16, loop=loop)
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader, loop=loop),
                                 os.fdopen(fd, "rb", 0))
    return reader


def _alive(pid: int) -> bool:
    """Running, and not a zombie nobody reaps (an orphan's new parent may not)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


# ---------------------------------------------------------------- the template process


def template_main(control_fd: int, preload: Sequence[str],
                  warm: str | None = None) -> int:
    control = socket.socket(fileno=control_fd)
    for name in preload:
        importlib.import_module(name)
    from hmc_tui.service.warmup import (
        FRAME_FRESH,
        WARM_STAGES,
        import_drivers,
        refresh_frame,
        share_parsed_css,
        wait_for_service,
    )

    import_drivers()
    share_parsed_css()
    # The warm-up in stages, the first (the first screen: what a login waits for) before
    # any fork, the later ones once no console has started for STARTING_FOR seconds (as
    # the consoles' own prebuilds: hmc_tui/app.py), each interrupted by a fork request and
    # run again later: a login never waits for them. A console forked before them builds
    # those screens itself, with less shared.
    stages = list(WARM_STAGES) if warm is not None and wait_for_service(warm, control) else []
    if stages:
        stages = _warm_stage(warm, stages)  # the first screen: before any fork
    refreshed = time.monotonic()
    gc.collect()
    gc.freeze()  # what is shared stays shared: the collector no longer touches these pages
    wake_r, wake_w = os.pipe()
    os.set_blocking(wake_r, False)
    os.set_blocking(wake_w, False)
    signal.signal(signal.SIGCHLD, lambda *_: None)
    signal.set_wakeup_fd(wake_w)
    children: dict[int, socket.socket] = {}
    forks = ForkClock()
    while True:
        if stages and not forks.starting() and not _readable(control):
            stages = _warm_stage(warm, stages, control)
            refreshed = time.monotonic()
            continue
        try:  # with stages left, back soon to see whether the consoles started meanwhile
            ready, _, _ = select.select([control.fileno(), wake_r], [], [],
                                        0.25 if stages else 5.0)
        except InterruptedError:
            continue
        if wake_r in ready:
            with contextlib.suppress(BlockingIOError):
                os.read(wake_r, 4096)
        _reap(children)
        if control.fileno() not in ready:
            continue
        try:
            data, fds, _, _ = socket.recv_fds(control, MAX_REQUEST, 4)
        except InterruptedError:
            continue
        if not data:
            return 0  # the SSH server is gone: running consoles carry on by themselves
        try:
            request = json.loads(data) if len(fds) == 4 else None
        except ValueError:
            request = None
        if not isinstance(request, dict):
            for fd in fds:
                os.close(fd)
            continue
        *stdio, status = fds
        if warm is not None and time.monotonic() - refreshed > FRAME_FRESH:
            refresh_frame(warm)
            refreshed = time.monotonic()
        gc.freeze()  # what the template made since (a request) is shared as well
        forks.forked()
        pid = os.fork()
        if pid == 0:
            _child(request, stdio, status, [control.fileno(), wake_r, wake_w,
                                            *(s.fileno() for s in children.values())], forks)
        for fd in stdio:
            os.close(fd)
        sock = socket.socket(fileno=status)
        with contextlib.suppress(OSError):
            sock.sendall(f"pid {pid}\n".encode())
        children[pid] = sock


class ForkClock:
    """When the template last forked, in a page shared with every console it forks (an
    anonymous MAP_SHARED mapping made before the first fork): a console asks whether others
    are starting now, and builds its unvisited screens once they are not (hmc_tui/app.py,
    Prebuilder.starts_elsewhere). Measured with 25 SSH logins in batches of five on 2 cores:
    login to first screen 2.7 s median (max 4.5) with the consoles' prebuilds competing,
    1.8 s (max 2.6) without."""

    def __init__(self) -> None:
        self._page = mmap.mmap(-1, 8)  # anonymous: shared with the children, MAP_SHARED
        struct.pack_into("d", self._page, 0, -STARTING_FOR)

    def forked(self) -> None:
        struct.pack_into("d", self._page, 0, time.monotonic())  # system-wide clock

    def starting(self) -> bool:
        """A console was forked less than STARTING_FOR seconds ago."""
        return time.monotonic() - struct.unpack_from("d", self._page, 0)[0] < STARTING_FOR


def _warm_stage(socket_path: str | None, stages: list[tuple[str, ...]],
                interrupt: socket.socket | None = None) -> list[tuple[str, ...]]:
    """Run the first warm-up stage (warmup.py), unless something arrives on `interrupt`
    meanwhile; the stages left: that one again if interrupted, none if it failed (a cold
    console still works: no more tries)."""
    from hmc_tui.service.warmup import warm_console

    assert socket_path is not None
    outcome = warm_console(socket_path, stages[0], interrupt)
    gc.collect()
    gc.freeze()
    return {"done": stages[1:], "failed": [], "interrupted": stages}[outcome]


def _readable(sock: socket.socket) -> bool:
    """Whether a request (or the end) waits on `sock`."""
    return bool(select.select([sock.fileno()], [], [], 0)[0])


def _reap(children: dict[int, socket.socket]) -> None:
    while True:
        try:
            pid, status = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return
        sock = children.pop(pid, None)
        if sock is not None:
            with contextlib.suppress(OSError):
                sock.sendall(f"exit {os.waitstatus_to_exitcode(status)}\n".encode())
            sock.close()


def _child(request: dict[str, Any], stdio: list[int], status: int,
           inherited: list[int], forks: ForkClock | None = None) -> None:
    """In the forked child: become the session's console; never returns."""
    code = 1
    try:
        if forks is not None and "hmc_tui.prebuild" in sys.modules:  # preloaded: no import
            sys.modules["hmc_tui.prebuild"].Prebuilder.starts_elsewhere = staticmethod(
                forks.starting)
        signal.set_wakeup_fd(-1)
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        for fd in (*inherited, status):
            with contextlib.suppress(OSError):
                os.close(fd)
        os.setsid()
        for target, fd in enumerate(stdio):
            os.dup2(fd, target)
        for fd in set(stdio) - {0, 1, 2}:
            os.close(fd)
        if request.get("tty", True):
            fcntl.ioctl(0, termios.TIOCSCTTY, 0)
        os.environ.clear()
        os.environ.update(request["env"])
        # Textual reads its settings (driver, frame rate, colours) from the environment
        # when imported: read them again from the session's (the browser console's).
        if "textual.constants" in sys.modules:
            importlib.reload(sys.modules["textual.constants"])
        if request.get("cwd"):
            os.chdir(request["cwd"])
        random.seed()  # not the template's sequence, shared by every child
        code = _run(list(request["argv"]))
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    except BaseException:
        with contextlib.suppress(Exception):
            traceback.print_exc()
    finally:
        # What a normal interpreter exit does (atexit handlers, logging's flush), without
        # unwinding into the template's loop.
        with contextlib.suppress(Exception):
            atexit._run_exitfuncs()
        with contextlib.suppress(Exception):
            logging.shutdown()
        for stream in (sys.stdout, sys.stderr):
            with contextlib.suppress(Exception):
                stream.flush()
        os._exit(code)


def can_fork(argv: Sequence[str]) -> bool:
    """Whether the template can run `argv` as that command would run: this interpreter
    with `-m MODULE ...`, `-c CODE ...` or `SCRIPT ...` (no other interpreter options)."""
    args = argv[1:]
    return (bool(argv) and argv[0] == sys.executable and bool(args)
            and ((args[0] in ("-m", "-c") and len(args) >= 2) or not args[0].startswith("-")))


def _run(argv: list[str]) -> int:
    """`python ARGS` for ARGS = argv[1:] (can_fork)."""
    args = argv[1:]
    if args[0] == "-m":
        sys.argv = [args[1], *args[2:]]
        runpy.run_module(args[1], run_name="__main__", alter_sys=True)
    elif args[0] == "-c":
        sys.argv = ["-c", *args[2:]]
        exec(compile(args[1], "<string>", "exec"), {"__name__": "__main__"})
    else:
        sys.argv = list(args)
        runpy.run_path(args[0], run_name="__main__")
    return 0


def main() -> int:
    args = sys.argv[1:]
    if not args or not args[0].isdigit() or (len(args) > 1 and args[1] == "--warm"
                                             and len(args) < 3):
        print("usage: python -m hmc_tui.service.prefork FD [--warm SOCKET] [MODULE...]",
              file=sys.stderr)
        return 2
    if len(args) > 1 and args[1] == "--warm":
        return template_main(int(args[0]), args[3:], warm=args[2])
    return template_main(int(args[0]), args[1:])


if __name__ == "__main__":
    sys.exit(main())

