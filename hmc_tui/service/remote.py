"""RemoteConsole: the Console interface over the engine service's Unix socket.

A background thread reads the service's lines and keeps only the newest snapshot (overwrite,
never queue), so `snapshot()` returns at once from any thread. Requests (operations,
utilisation, clock) carry an id; their replies resolve concurrent futures, so `execute()`
blocks on the reply and `run()` awaits it without blocking an event loop.

Constructing one does no I/O; `connect()` (or `RemoteConsole.open(...)`) connects. The
service trusts the hello's user because its socket is 0600, so only its own OS user can
connect (see server.py); the role is the user store's, sent in the welcome, and `actor` is
replaced when the service pushes a changed role (a demotion takes effect at once). When the
service ends the session (the user was removed), `close_reason` says why. The SSH server hands
the authenticated user to the console process it spawns through the environment
(`from_environment`).
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import os
import socket
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import Future
from pathlib import Path
from typing import Any, Literal, NamedTuple

from engine.journal import Event
from engine.model import Frame
from engine.ops import Operation
from engine.roles import Actor
from engine.service import OpResult, check_speed
from engine.snapshot import PoolLive, Snapshot, UtilSeries
from hmc_tui.service import framediff
from hmc_tui.service import protocol as p

USER_ENV = "HMC_TUI_USER"
ROLE_ENV = "HMC_TUI_ROLE"
ORIGIN_ENV = "HMC_TUI_ORIGIN"
EVENT_LIMIT = 20_000  # the engine journal's own bound
Listener = Callable[[str], None]
# A frame kept for the consoles this process forks (the console template, prefork.py):
# (service socket, frame version, frame, frames). They start from it, shared copy-on-write,
# and the service sends them only what changed since (Hello.frame_version).
_kept: tuple[str, int, Frame, tuple[Frame, ...]] | None = None


class _Live(NamedTuple):
    """The live figures a snap carried (protocol.LIVE_EVERY: later snaps may not)."""

    physc: dict[int, float]
    pools: tuple[PoolLive, ...]
    physcs: tuple[dict[int, float], ...] | None
    system_pools: tuple[tuple[PoolLive, ...], ...] | None


class RemoteTerminal:
    """A partition's terminal opened through the service (the engine's TerminalHandle, at
    the other end of the socket). `listener` gets output and `on_close(reason)` the close
    by someone else (rmvterm, the partition deleted, the service gone), both in the
    console's reader thread: they must hand over to their own thread and never block."""

    def __init__(self, console: RemoteConsole, term: int, lpar_id: int, listener: Listener,
                 on_close: Listener) -> None:
        self.lpar_id = lpar_id
        self.term = term
        self.closed = False
        self.close_reason = ""
        self._console = console
        self._listener = listener
        self._on_close = on_close

    def send(self, data: str) -> None:
        """User input (thread-safe); nothing once closed."""
        if self.closed or not data:
            return
        for start in range(0, len(data), 65_536):  # the protocol's bound on one message
            try:
                self._console._send(p.TermInput(term=self.term, data=data[start:start + 65_536]))
            except OSError:
                return  # the reader sees the connection go and closes the terminal

    def close(self) -> None:
        """This session closes itself (~.): the partition can be opened again at once."""
        if self.closed:
            return
        self.closed = True
        self.close_reason = "The terminal session was closed."
        self._console._forget(self.term)
        self._console._request("term", lambda rid: p.TermClose(id=rid, term=self.term))

    def _closed_by_other(self, reason: str) -> None:
        if self.closed:
            return
        self.closed = True
        self.close_reason = reason
        self._on_close(reason)


class RemoteConsole:
    """The engine service at `socket_path`, for `actor` (its role is the user store's).

    `connect()` returns once the first snapshot has arrived, so `snapshot()` is then always
    valid. When the service goes away, `connected` turns False, pending requests fail with
    ServiceGone, `close_reason` says why and `snapshot()` keeps returning the last state seen.
    """

    def __init__(self, socket_path: str | os.PathLike[str], actor: Actor | None = None, *,
                 origin: str = "local", kind: str = "console", timeout: float = 10.0,
                 request_timeout: float = 30.0, restricted: bool = False) -> None:
        self.actor = actor or Actor()
        self.origin = origin
        self.kind = kind
        # A console run for a remote (SSH) user: the front end must not touch the server's
        # files on that user's behalf (hmccli's allow_files=False, no screenshots or macros
        # written to the data dir).
        self.restricted = restricted
        self.socket_path = Path(socket_path)
        self.timeout = timeout
        self.request_timeout = request_timeout
        self.session_id = 0
        self._sock: socket.socket | None = None
        self._thread: threading.Thread | None = None
        self._send_lock = threading.Lock()
        self._ids = itertools.count(1)
        self._pending: dict[int, tuple[str, Future[Any]]] = {}
        self._pending_lock = threading.Lock()
        self._opening: dict[int, tuple[Listener, Listener]] = {}  # request id -> callbacks
        self._terminals: dict[int, RemoteTerminal] = {}  # term id -> open terminal
        self._changed = threading.Condition()
        self._frame: Frame | None = None
        self._frames: tuple[Frame, ...] = ()  # several managed systems: every one
        self._frame_version = -1  # the version of `_frame` (frame diffs apply to it)
        self._pace = 0.0  # the snap interval last asked of the service (`rate`)
        self._events: tuple[Event, ...] = ()
        self._sessions: tuple[p.SessionInfo, ...] = ()
        self._latest: Snapshot | None = None
        self._live: _Live | None = None  # the live figures of the last snap that had them
        self._closed = threading.Event()
        self._close_reason = ""
        self.on_snapshot: Callable[[Snapshot], None] | None = None  # called in the reader
        # Called in the reader with the new actor and the service's reason when the user
        # store changed this user's role (the status line reads `actor` anyway).
        self.on_role_change: Callable[[Actor, str], None] | None = None

    @classmethod
    def open(cls, socket_path: str | os.PathLike[str], actor: Actor | None = None,
             **kwargs: Any) -> RemoteConsole:
        """Construct and connect (ServiceGone when the service cannot be reached)."""
        return cls(socket_path, actor, **kwargs).connect()

    @classmethod
    def from_environment(cls, socket_path: str | os.PathLike[str], **kwargs: Any
                         ) -> RemoteConsole:
        """A console (not yet connected) for the user the SSH server put in the environment
        ($HMC_TUI_USER, $HMC_TUI_ROLE, $HMC_TUI_ORIGIN), restricted; without them, for the
        default actor, locally (whoever can reach the 0600 socket owns the service's files
        anyway)."""
        user = os.environ.get(USER_ENV, "").strip()
        role = os.environ.get(ROLE_ENV, "hmcviewer")
        actor = Actor.model_validate({"user": user, "role": role}) if user else Actor()
        origin = os.environ.get(ORIGIN_ENV, "").strip() or "local"
        kwargs.setdefault("restricted", bool(user))
        return cls(socket_path, actor, origin=origin, **kwargs)

    def connect(self) -> RemoteConsole:
        """Say hello and wait for the first snapshot; returns self. ServiceGone (with the
        service's reason when it refused the hello) if that fails within `timeout`."""
        if self._closed.is_set():
            raise RuntimeError("this RemoteConsole was closed")
        if self._sock is not None:
            raise RuntimeError("this RemoteConsole is already connected")
        self._close_reason = ""  # a refusal's reason from an earlier attempt
        sock = self._sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        where = self.socket_path
        try:
            sock.settimeout(self.timeout)
            sock.connect(str(where))
            self._reader = sock.makefile("rb")
            kept = _kept
            if kept is not None and kept[0] == str(where) and self._frame is None:
                _, self._frame_version, self._frame, self._frames = kept
            self._send(p.Hello(proto=p.PROTOCOL_VERSION, user=self.actor.user,
                               role=self.actor.role, origin=self.origin,
                               kind=self.kind, frame_version=self._frame_version))
            deadline = time.monotonic() + self.timeout
            while self._latest is None:  # welcome, then the first snapshot
                sock.settimeout(max(0.01, deadline - time.monotonic()))
                line = self._reader.readline()
                if not line:
                    raise p.ServiceGone(self._close_reason or f"the engine service at {where} "
                                        "closed the connection")
                self._handle(p.read_service(line))
                if self._close_reason:  # refused: the service said why
                    raise p.ServiceGone(f"the engine service at {where} refused the console: "
                                        f"{self._close_reason}")
            sock.settimeout(None)
        except (OSError, ValueError) as exc:
            sock.close()
            self._sock = None  # not connected: connect() may be tried again
            if isinstance(exc, p.ServiceGone):
                raise
            raise p.ServiceGone(f"cannot reach the engine service at {where}: {exc}") from exc
        self._thread = threading.Thread(target=self._read_loop, name="hmc-remote", daemon=True)
        self._thread.start()
        return self

    def keep_frame(self) -> None:
        """Keep this console's current frame for the consoles this process forks, and for
        those of their RemoteConsoles that connect to the same service (module docstring)."""
        global _kept
        if self._frame is not None:
            _kept = (str(self.socket_path), self._frame_version, self._frame, self._frames)

    # ------------------------------------------------------------------ reading
    def snapshot(self) -> Snapshot:
        """The newest snapshot received; never blocks."""
        if self._latest is None:
            raise RuntimeError("RemoteConsole.snapshot() before connect()")
        return self._latest

    def sessions(self) -> tuple[p.SessionInfo, ...]:
        """Everyone connected to the service (this session included: `session_id`)."""
        return self._sessions

    @property
    def connected(self) -> bool:
        return self._latest is not None and not self._closed.is_set()

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
                    interval: Literal["short", "long"] = "long",
                    system: str = "") -> UtilSeries:
        """Blocks for one round trip (a Unix-socket request: about a millisecond)."""
        return self._request("util", lambda rid: p.UtilRequest(
            id=rid, resource=resource, key=key, interval=interval, system=system)
        ).result(self.request_timeout)

    def utilisations(self, resource: Literal["lpar", "pool"], keys: Sequence[int],
                     interval: Literal["short", "long"] = "long", system: str = "",
                     last: int | None = None) -> list[UtilSeries]:
        """Several keys' samples in one round trip (`util_batch`), the newest `last` each."""
        if not keys:
            return []
        return self._request("util_batch", lambda rid: p.UtilBatchRequest(
            id=rid, resource=resource, keys=list(keys), interval=interval, system=system,
            last=last)).result(self.request_timeout)

    # ------------------------------------------------------------------ writing
    def submit(self, op: Operation) -> Future[OpResult]:
        return self._request("op", lambda rid: p.OpRequest(id=rid,
                                                           op=op.model_dump(mode="json")))

    def execute(self, op: Operation) -> OpResult:
        return self.submit(op).result(self.request_timeout)

    async def run(self, op: Operation) -> OpResult:
        return await asyncio.wait_for(asyncio.wrap_future(self.submit(op)), self.request_timeout)

    def pace(self, interval: float) -> None:
        """Ask the service for at most one snapshot every `interval` seconds (0: all of
        them); a shorter interval than before brings the newest one at once."""
        if interval == self._pace or self._closed.is_set() or self._sock is None:
            return
        self._pace = interval
        with contextlib.suppress(OSError):  # a gone service is noticed by the reader
            self._send(p.Rate(interval=interval))

    def set_speed(self, speed: float) -> None:
        speed = check_speed(speed)  # HSCL0F01 here, without a round trip
        self._request("clock", lambda rid: p.SetSpeed(id=rid, speed=speed)
                      ).result(self.request_timeout)

    def pause(self) -> None:
        self._request("clock", lambda rid: p.Pause(id=rid)).result(self.request_timeout)

    def resume(self) -> None:
        self._request("clock", lambda rid: p.Resume(id=rid)).result(self.request_timeout)

    def open_terminal(self, lpar: str | int, listener: Listener, on_close: Listener,
                      system: str = "") -> RemoteTerminal:
        """Open the partition's virtual terminal (mkvterm) as Engine.open_terminal does:
        HmcError HSCL350B / HSCL8012 / HSCL1000; the current screen follows at once."""

        def build(rid: int) -> p.Message:
            self._opening[rid] = (listener, on_close)
            return p.TermOpen(id=rid, lpar=lpar, system=system)

        future = self._request("term_open", build)
        try:
            terminal: RemoteTerminal = future.result(self.request_timeout)
        except BaseException:
            # A reply that comes later must not leave a terminal open nobody knows of.
            future.add_done_callback(lambda f: f.exception() is None and f.result().close())
            raise
        return terminal

    def close_terminal(self, lpar: str | int, system: str = "") -> bool:
        """Force the partition's terminal session closed, wherever it was opened (rmvterm);
        False when none was open."""
        closed: bool = self._request("term", lambda rid: p.TermRemove(
            id=rid, lpar=lpar, system=system)).result(self.request_timeout)
        return closed

    def close(self) -> None:
        if self._closed.is_set():
            return
        self._close_reason = self._close_reason or "closed"
        if self._sock is None:  # never connected
            self._closed.set()
            return
        with contextlib.suppress(OSError):
            self._sock.shutdown(socket.SHUT_RDWR)
        if self._thread is not None:
            self._thread.join(timeout=2.0)
        self._sock.close()

    def __enter__(self) -> RemoteConsole:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ------------------------------------------------------------------ internals
    def _send(self, message: p.Message) -> None:
        assert self._sock is not None
        data = p.encode(message)
        with self._send_lock:
            self._sock.sendall(data)

    def _request(self, kind: str, build: Callable[[int], p.Message]) -> Future[Any]:
        future: Future[Any] = Future()
        if self._closed.is_set() or self._sock is None:
            future.set_exception(p.ServiceGone(self._close_reason or "not connected"))
            return future
        request_id = next(self._ids)
        try:
            message = build(request_id)
        except ValueError as exc:  # a pydantic ValidationError: refused before sending
            future.set_exception(exc)
            return future
        with self._pending_lock:
            self._pending[request_id] = (kind, future)
        try:
            self._send(message)
        except OSError as exc:
            with self._pending_lock:
                self._pending.pop(request_id, None)
            future.set_exception(p.ServiceGone(f"engine service unreachable: {exc}"))
        return future

    def _read_loop(self) -> None:
        reason = "the engine service closed the connection"
        try:
            while line := self._reader.readline():
                self._handle(p.read_service(line))
        except p.ProtocolError as exc:
            reason = f"the engine service sent a message this console cannot read: {exc}"
        except (OSError, ValueError) as exc:
            reason = f"connection to the engine service lost: {exc}"
        self._close_reason = self._close_reason or reason
        self._closed.set()
        with self._pending_lock:
            pending, self._pending = self._pending, {}
        for _, future in pending.values():
            if not future.done():
                future.set_exception(p.ServiceGone(self._close_reason))
        terminals, self._terminals = self._terminals, {}
        for terminal in terminals.values():
            terminal._closed_by_other(self._close_reason)
        with self._changed:
            self._changed.notify_all()

    def _forget(self, term: int) -> None:
        self._terminals.pop(term, None)

    def _handle(self, msg: p.Welcome | p.Snap | p.Reply | p.Pushed) -> None:
        if isinstance(msg, p.TermOutput):
            terminal = self._terminals.get(msg.term)
            if terminal is not None and not terminal.closed:
                terminal._listener(msg.data)
        elif isinstance(msg, p.TermClosed):
            terminal = self._terminals.pop(msg.term, None)
            if terminal is not None:
                terminal._closed_by_other(msg.reason)
        elif isinstance(msg, p.Snap):
            self._apply_snap(msg)
        elif isinstance(msg, p.Welcome):
            self.session_id = msg.session
            self.actor = Actor(user=self.actor.user, role=msg.role)
        elif isinstance(msg, p.RoleChanged):
            self.actor = Actor(user=self.actor.user, role=msg.role)
            if self.on_role_change is not None:
                self.on_role_change(self.actor, msg.reason)
        elif isinstance(msg, p.Close):
            self._close_reason = msg.reason  # the service hangs up right after
        else:
            self._apply_reply(msg)

    def _apply_snap(self, msg: p.Snap) -> None:
        if msg.frame is not None:
            self._frame, self._frames = msg.frame, ()
        elif msg.frames:
            self._frame, self._frames = msg.frames[0], tuple(msg.frames)
        elif msg.frame_diff is not None:
            frame = self._diff_base([msg.frame_diff])
            try:
                self._frame = framediff.apply(msg.frame_diff, frame)
            except ValueError as exc:
                raise p.ProtocolError(f"snap: {exc}") from None
        elif msg.frame_diffs is not None:  # several systems: only those that changed
            self._diff_base(msg.frame_diffs)
            try:
                self._frames = framediff.apply_systems(msg.frame_diffs, self._frames, msg.time)
            except ValueError as exc:
                raise p.ProtocolError(f"snap: {exc}") from None
            self._frame = self._frames[0]
        if self._frame is None:
            raise p.ProtocolError("snap: the first snapshot carries no frame")
        self._frame_version = msg.frame_version
        if msg.events:
            self._events = (self._events + tuple(msg.events))[-EVENT_LIMIT:]
        if msg.sessions is not None:
            self._sessions = tuple(msg.sessions)
        if msg.physc is not None and msg.pools is not None:  # else the last ones stand
            self._live = _Live(dict(msg.physc), tuple(msg.pools),
                               None if msg.physcs is None
                               else tuple(dict(x) for x in msg.physcs),
                               None if msg.system_pools is None
                               else tuple(tuple(x) for x in msg.system_pools))
        live = self._live
        if live is None:
            raise p.ProtocolError("snap: the first snapshot carries no live figures")
        # The frame is reused between frame versions; only its clock field moves.
        frame = self._frame.model_copy(update={"engine_time": msg.time})
        several: dict[str, Any] = {}
        if self._frames and live.physcs is not None and live.system_pools is not None:
            frames = (frame, *(f.model_copy(update={"engine_time": msg.time})
                               for f in self._frames[1:]))
            several = dict(frames=frames, physcs=live.physcs, system_pools=live.system_pools)
        snap = Snapshot(
            version=msg.version, frame_version=msg.frame_version, time=msg.time, frame=frame,
            physc=live.physc, pools=live.pools, clock=msg.clock,
            events=self._events, in_flight=msg.in_flight, **several,
        )
        with self._changed:
            self._latest = snap
            self._changed.notify_all()
        if self.on_snapshot is not None:
            self.on_snapshot(snap)

    def _diff_base(self, changes: list[framediff.FrameDiff | None]) -> Frame:
        """The frame diffs apply to: they must be against the version this console has."""
        for change in changes:
            if change is not None and (self._frame is None
                                       or change.base != self._frame_version):
                raise p.ProtocolError(f"snap: a frame diff against version {change.base}, "
                                      f"this console has {self._frame_version}")
        if self._frame is None:
            raise p.ProtocolError("snap: a frame diff before any frame")
        return self._frame

    def _apply_reply(self, msg: p.Reply) -> None:
        with self._pending_lock:
            entry = self._pending.pop(msg.id, None)
        if entry is None:
            return  # a refusal of a line that carried no id, or an abandoned request
        kind, future = entry
        callbacks = self._opening.pop(msg.id, None)
        if isinstance(msg, p.ErrorReply):
            future.set_exception(p.error_from_reply(msg))
        elif isinstance(msg, p.TermOpened) and kind == "term_open" and callbacks is not None:
            # Registered here, in the reader, so the output right behind it finds it.
            terminal = RemoteTerminal(self, msg.term, msg.lpar_id, *callbacks)
            self._terminals[msg.term] = terminal
            future.set_result(terminal)
        elif isinstance(msg, p.TermResult) and kind == "term":
            future.set_result(msg.closed)
        elif isinstance(msg, p.OpDone) and kind == "op":
            future.set_result(msg.result)
        elif isinstance(msg, p.UtilDone) and kind == "util":
            future.set_result(_series(msg))
        elif isinstance(msg, p.UtilBatchDone) and kind == "util_batch":
            future.set_result([_series(data) for data in msg.series])
        elif isinstance(msg, p.ClockDone) and kind == "clock":
            future.set_result(None)
        else:
            future.set_exception(p.RemoteError(
                "protocol", f"a {msg.type} reply to a {kind} request"))


def _series(data: p.UtilDone | p.UtilData) -> UtilSeries:
    return UtilSeries(times=tuple(data.times),
                      counters={k: tuple(v) for k, v in data.counters.items()})
