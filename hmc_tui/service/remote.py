"""RemoteConsole: the Console interface over the engine service's Unix socket.

A background thread reads the service's lines and keeps only the newest snapshot (overwrite,
never queue), so `snapshot()` returns at once from any thread. Requests (operations,
utilisation, clock) carry an id; their replies resolve concurrent futures, so `execute()`
blocks on the reply and `run()` awaits it without blocking an event loop.

The actor is fixed when connecting: the service trusts the hello because its socket is 0600,
so only its own OS user can connect (see server.py). The SSH server hands the authenticated
user to the console process it spawns through the environment (`from_environment`).
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import os
import socket
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future
from pathlib import Path
from typing import Any, Literal

from engine.journal import Event
from engine.model import Frame
from engine.ops import Operation
from engine.roles import Actor
from engine.service import OpResult
from engine.snapshot import Snapshot, UtilSeries
from hmc_tui.service import protocol as p

USER_ENV = "HMC_TUI_USER"
ROLE_ENV = "HMC_TUI_ROLE"
ORIGIN_ENV = "HMC_TUI_ORIGIN"
EVENT_LIMIT = 20_000  # the engine journal's own bound


class RemoteConsole:
    """Connect to the engine service at `socket_path` as `actor`.

    The constructor returns once the first snapshot has arrived, so `snapshot()` is always
    valid. When the service goes away, `connected` turns False, pending requests fail with
    ServiceGone and `snapshot()` keeps returning the last state seen.
    """

    def __init__(self, socket_path: str | os.PathLike[str], actor: Actor | None = None, *,
                 origin: str = "local", kind: str = "console", timeout: float = 10.0,
                 request_timeout: float = 30.0, restricted: bool = False) -> None:
        self.actor = actor or Actor()
        self.origin = origin
        # A console run for a remote (SSH) user: the front end must not touch the server's
        # files on that user's behalf (hmccli's allow_files=False, no screenshots or macros
        # written to the data dir).
        self.restricted = restricted
        self.socket_path = Path(socket_path)
        self.request_timeout = request_timeout
        self.session_id = 0
        self._sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self._send_lock = threading.Lock()
        self._ids = itertools.count(1)
        self._pending: dict[int, tuple[str, Future[Any]]] = {}
        self._pending_lock = threading.Lock()
        self._changed = threading.Condition()
        self._frame: Frame | None = None
        self._events: tuple[Event, ...] = ()
        self._sessions: tuple[p.SessionInfo, ...] = ()
        self._latest: Snapshot | None = None
        self._closed = threading.Event()
        self._close_reason = ""
        self.on_snapshot: Callable[[Snapshot], None] | None = None  # called in the reader
        try:
            self._sock.settimeout(timeout)
            self._sock.connect(str(self.socket_path))
            self._reader = self._sock.makefile("rb")
            self._send({"t": "hello", "proto": p.PROTOCOL_VERSION, "user": self.actor.user,
                        "role": self.actor.role, "origin": origin, "kind": kind})
            deadline = time.monotonic() + timeout
            while self._latest is None:  # welcome, then the first snapshot
                self._sock.settimeout(max(0.01, deadline - time.monotonic()))
                line = self._reader.readline()
                if not line:
                    raise p.ServiceGone(f"the engine service at {socket_path} closed the "
                                        "connection")
                self._handle(p.decode(line))
            self._sock.settimeout(None)
        except (OSError, ValueError) as exc:
            self._sock.close()
            if isinstance(exc, p.ServiceGone):
                raise
            raise p.ServiceGone(f"cannot reach the engine service at {socket_path}: {exc}") \
                from exc
        self._thread = threading.Thread(target=self._read_loop, name="hmc-remote", daemon=True)
        self._thread.start()

    @classmethod
    def from_environment(cls, socket_path: str | os.PathLike[str], **kwargs: Any
                         ) -> RemoteConsole:
        """Connect as the user the SSH server put in the environment ($HMC_TUI_USER,
        $HMC_TUI_ROLE, $HMC_TUI_ORIGIN), restricted; without them, as the default actor,
        locally (whoever can reach the 0600 socket owns the service's files anyway)."""
        user = os.environ.get(USER_ENV, "").strip()
        actor = Actor(user=user, role=os.environ.get(ROLE_ENV, "hmcviewer")) if user else Actor()
        origin = os.environ.get(ORIGIN_ENV, "").strip() or "local"
        kwargs.setdefault("restricted", bool(user))
        return cls(socket_path, actor, origin=origin, **kwargs)

    # ------------------------------------------------------------------ reading
    def snapshot(self) -> Snapshot:
        """The newest snapshot received; never blocks."""
        assert self._latest is not None  # set before the constructor returns
        return self._latest

    def sessions(self) -> tuple[p.SessionInfo, ...]:
        """Everyone connected to the service (this session included: `session_id`)."""
        return self._sessions

    @property
    def connected(self) -> bool:
        return not self._closed.is_set()

    @property
    def close_reason(self) -> str:
        return self._close_reason

    def wait_for(self, predicate: Callable[[Snapshot], bool], timeout: float) -> Snapshot:
        """Block until a snapshot satisfies `predicate` (TimeoutError after `timeout`)."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while not predicate(snap := self.snapshot()):
                remaining = deadline - time.monotonic()
                if remaining <= 0 or not self.connected:
                    raise TimeoutError(f"no matching snapshot within {timeout} s")
                self._changed.wait(remaining)
        return snap

    def utilisation(self, resource: Literal["lpar", "pool"], key: int,
                    interval: Literal["short", "long"] = "long") -> UtilSeries:
        """Blocks for one round trip (a Unix-socket request: about a millisecond)."""
        return self._request("util", {"resource": resource, "key": key,
                                      "interval": interval}).result(self.request_timeout)

    # ------------------------------------------------------------------ writing
    def submit(self, op: Operation) -> Future[OpResult]:
        return self._request("op", {"op": op.model_dump(mode="json")})

    def execute(self, op: Operation) -> OpResult:
        return self.submit(op).result(self.request_timeout)

    async def run(self, op: Operation) -> OpResult:
        return await asyncio.wait_for(asyncio.wrap_future(self.submit(op)), self.request_timeout)

    def set_speed(self, speed: float) -> None:
        self._request("clock", {"action": "speed", "speed": speed}).result(self.request_timeout)

    def pause(self) -> None:
        self._request("clock", {"action": "pause"}).result(self.request_timeout)

    def resume(self) -> None:
        self._request("clock", {"action": "resume"}).result(self.request_timeout)

    def close(self) -> None:
        if self._closed.is_set():
            return
        self._close_reason = self._close_reason or "closed"
        with contextlib.suppress(OSError):
            self._sock.shutdown(socket.SHUT_RDWR)
        self._thread.join(timeout=2.0)
        self._sock.close()

    def __enter__(self) -> RemoteConsole:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ------------------------------------------------------------------ internals
    def _send(self, message: dict[str, Any]) -> None:
        data = p.encode(message)
        with self._send_lock:
            self._sock.sendall(data)

    def _request(self, kind: str, body: dict[str, Any]) -> Future[Any]:
        future: Future[Any] = Future()
        if self._closed.is_set():
            future.set_exception(p.ServiceGone(self._close_reason or "not connected"))
            return future
        request_id = next(self._ids)
        with self._pending_lock:
            self._pending[request_id] = (kind, future)
        try:
            self._send({"t": kind, "id": request_id, **body})
        except OSError as exc:
            with self._pending_lock:
                self._pending.pop(request_id, None)
            future.set_exception(p.ServiceGone(f"engine service unreachable: {exc}"))
        return future

    def _read_loop(self) -> None:
        reason = "the engine service closed the connection"
        try:
            while line := self._reader.readline():
                self._handle(p.decode(line))
        except (OSError, ValueError) as exc:
            reason = f"connection to the engine service lost: {exc}"
        self._close_reason = self._close_reason or reason
        self._closed.set()
        with self._pending_lock:
            pending, self._pending = self._pending, {}
        for _, future in pending.values():
            if not future.done():
                future.set_exception(p.ServiceGone(self._close_reason))
        with self._changed:
            self._changed.notify_all()

    def _handle(self, msg: dict[str, Any]) -> None:
        kind = msg["t"]
        if kind == "snap":
            self._apply_snap(msg)
        elif kind == "reply":
            self._apply_reply(msg)
        elif kind == "welcome":
            self.session_id = int(msg["session"])

    def _apply_snap(self, msg: dict[str, Any]) -> None:
        if "frame" in msg:
            self._frame = Frame.model_validate(msg["frame"])
        if self._frame is None:
            raise ValueError("snapshot without a frame")
        if events := msg.get("events"):
            fresh = tuple(p.event_from_json(e) for e in events)
            self._events = (self._events + fresh)[-EVENT_LIMIT:]
        if "sessions" in msg:
            self._sessions = tuple(p.SessionInfo.from_json(s) for s in msg["sessions"])
        now = float(msg["time"])
        # The frame is reused between frame versions; only its clock field moves.
        frame = self._frame.model_copy(update={"engine_time": now})
        snap = Snapshot(
            version=int(msg["version"]), frame_version=int(msg["frame_version"]), time=now,
            frame=frame, physc=p.physc_from_json(msg["physc"]),
            pools=p.pools_from_json(msg["pools"]), clock=p.clock_from_json(msg["clock"]),
            events=self._events, in_flight=int(msg["in_flight"]),
        )
        with self._changed:
            self._latest = snap
            self._changed.notify_all()
        if self.on_snapshot is not None:
            self.on_snapshot(snap)

    def _apply_reply(self, msg: dict[str, Any]) -> None:
        with self._pending_lock:
            entry = self._pending.pop(int(msg["id"]), None)
        if entry is None:
            return
        kind, future = entry
        if not msg.get("ok"):
            future.set_exception(p.error_from_reply(msg))
            return
        result = msg.get("result") or {}
        try:
            if kind == "op":
                future.set_result(OpResult.model_validate(result))
            elif kind == "util":
                future.set_result(UtilSeries(
                    times=tuple(result["times"]),
                    counters={k: tuple(v) for k, v in result["counters"].items()}))
            else:
                future.set_result(None)
        except (ValueError, KeyError) as exc:
            future.set_exception(p.RemoteError("protocol", f"bad reply: {exc}"))
