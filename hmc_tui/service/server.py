"""The engine service: one Engine, shared by every console through a Unix socket.

The engine's clock runs in its own thread (engine.service); this module is the asyncio side:
it accepts consoles, turns their requests into engine operations on behalf of the actor each
one announced, publishes snapshots to all of them at most `publish_hz` times a second, and
saves the frame periodically. Publishing only reads `engine.snapshot()` (a reference swap), so
no client, however slow, can hold the engine up; and a client whose socket is backed up gets
snapshots dropped, never queued, so it cannot hold the other clients up either.
"""

from __future__ import annotations

import asyncio
import bisect
import contextlib
import logging
import os
import socket
import time
from dataclasses import dataclass, field
from operator import attrgetter
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from engine import durable, ops
from engine.errors import HmcError
from engine.roles import Actor
from engine.service import Engine, OpResult
from engine.snapshot import Snapshot
from engine.store import FrameFileError
from hmc_tui.service import protocol as p
from hmc_tui.service.paths import check_socket_path

log = logging.getLogger(__name__)

SOFT_BUFFER = 256 * 1024  # bytes waiting for a client above which its snapshots are dropped
HARD_BUFFER = 8 * 1024 * 1024  # above this (replies it never reads) the client is cut off
HELLO_TIMEOUT = 5.0
INITIAL_EVENTS = 2000  # journal events a new client gets; later ones arrive as they happen


class ServiceAlreadyRunning(RuntimeError):
    pass


@dataclass
class _Client:
    """One connected console and what it has been sent so far."""

    session: p.SessionInfo
    actor: Actor
    writer: asyncio.StreamWriter
    sent_version: int = -1
    sent_frame_version: int = -1
    sent_sessions: int = -1
    event_seq: int | None = None  # last journal seq sent; None before the first snap
    snaps: int = 0
    dropped: int = 0
    tasks: set[asyncio.Task[None]] = field(default_factory=set)

    def buffered(self) -> int:
        transport = self.writer.transport
        return 0 if transport.is_closing() else transport.get_write_buffer_size()

    def send(self, data: bytes) -> None:
        if self.writer.transport.is_closing():
            return
        if self.buffered() + len(data) > HARD_BUFFER:
            # Replies are never dropped silently; a client that reads nothing is disconnected.
            log.warning("session %d (%s) stopped reading; disconnecting it", self.session.id,
                        self.session.user)
            self.writer.transport.abort()
            return
        self.writer.write(data)


class EngineService:
    """Serve `engine` on the Unix socket `socket_path` (created 0600)."""

    def __init__(self, engine: Engine, socket_path: Path, *, frame_path: Path | None = None,
                 save_interval: float = 60.0, publish_hz: float = 10.0,
                 soft_buffer: int = SOFT_BUFFER) -> None:
        check_socket_path(socket_path)
        self.engine = engine
        self.socket_path = socket_path
        self.frame_path = frame_path
        self.save_interval = save_interval
        self.publish_interval = 1.0 / publish_hz
        self.soft_buffer = soft_buffer
        self._server: asyncio.Server | None = None
        self._socket_inode: int | None = None
        self._clients: dict[int, _Client] = {}
        self._sessions: dict[int, p.SessionInfo] = {}
        self._sessions_version = 0
        self._next_session = 0
        self._tasks: list[asyncio.Task[None]] = []
        self._save_lock = asyncio.Lock()
        self._frame_json: tuple[int, str] = (-1, "")
        self._event_json: dict[int, str] = {}
        self.saves = 0
        self.save_error = ""  # why the last save failed ("" when it succeeded)

    # ------------------------------------------------------------------ lifecycle
    async def start(self) -> None:
        await self._claim_socket_path()
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        # The 0600 mode is what makes the hello trustworthy: only the service's own OS user
        # can connect, and that user could run an engine of their own anyway. The umask makes
        # the socket private from the moment it exists (a chmod after bind leaves a window).
        old_umask = os.umask(0o177)
        try:
            sock.bind(str(self.socket_path))
        finally:
            os.umask(old_umask)
        os.chmod(self.socket_path, 0o600)
        self._socket_inode = self.socket_path.stat().st_ino
        self._server = await asyncio.start_unix_server(self._handle, sock=sock,
                                                       limit=p.MAX_CLIENT_LINE)
        self._tasks = [asyncio.create_task(self._publish_loop(), name="hmc-publish")]
        if self.frame_path is not None and self.save_interval > 0:
            self._tasks.append(asyncio.create_task(self._save_loop(), name="hmc-save"))
        log.info("engine service listening on %s", self.socket_path)

    async def _claim_socket_path(self) -> None:
        path = self.socket_path
        if not path.parent.exists():
            path.parent.mkdir(parents=True, mode=0o700)
        if not path.exists() and not path.is_symlink():
            return
        try:
            _, writer = await asyncio.wait_for(asyncio.open_unix_connection(str(path)), 1.0)
        except (OSError, TimeoutError):
            path.unlink()  # a stale socket left by a service that did not stop cleanly
            return
        writer.close()
        raise ServiceAlreadyRunning(f"an engine service is already listening on {path}")

    async def stop(self) -> None:
        """Stop accepting, disconnect every client, save the frame, remove the socket."""
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self._tasks = []
        if self._server is not None:
            self._server.close()
        for client in list(self._clients.values()):
            client.writer.transport.abort()
        if self._server is not None:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._server.wait_closed(), 2.0)
            self._server = None
        self._remove_socket()
        await self.save()

    def _remove_socket(self) -> None:
        with contextlib.suppress(OSError):
            if self.socket_path.stat().st_ino == self._socket_inode:  # still ours
                self.socket_path.unlink()

    async def save(self) -> bool:
        """Save the frame atomically (in a thread: an fsync must not stall the loop); with
        an operation log, as a checkpoint. A failure is logged with its reason and kept in
        `save_error` (the log still holds every operation since the last good save)."""
        if self.frame_path is None:
            return True
        async with self._save_lock:
            try:
                await asyncio.to_thread(durable.save, self.engine, self.frame_path)
            except FrameFileError as exc:
                kept = (f"; operations since the last save are kept in {oplog.path}"
                        if (oplog := self.engine.oplog) is not None else "")
                log.error("saving the frame failed: %s%s", exc, kept)
                self.save_error = str(exc)
                return False
            except Exception:
                log.exception("saving the frame to %s failed", self.frame_path)
                self.save_error = f"{self.frame_path}: unexpected error (see the log)"
                return False
            self.saves += 1
            self.save_error = ""
            return True

    async def _save_loop(self) -> None:
        while True:
            await asyncio.sleep(self.save_interval)
            await self.save()

    # ------------------------------------------------------------------ sessions
    def open_session(self, user: str, role: str, origin: str, kind: str) -> p.SessionInfo:
        """Register a session (consoles register through their hello; the SSH server
        registers its exec commands here)."""
        self._next_session += 1
        info = p.SessionInfo(id=self._next_session, user=user, role=role, since=time.time(),
                             origin=origin, kind=kind)
        self._sessions[info.id] = info
        self._sessions_changed()
        return info

    def close_session(self, session_id: int) -> None:
        if self._sessions.pop(session_id, None) is not None:
            self._sessions_changed()

    def sessions(self) -> tuple[p.SessionInfo, ...]:
        return tuple(self._sessions.values())

    def _sessions_changed(self) -> None:
        self._sessions_version += 1  # the next publish round sends the list to everyone

    def client_stats(self) -> dict[int, dict[str, int]]:
        """Per session: snapshots sent and dropped, bytes waiting (for tests and benchmarks)."""
        return {sid: {"snaps": c.snaps, "dropped": c.dropped, "buffered": c.buffered()}
                for sid, c in self._clients.items()}

    # ------------------------------------------------------------------ one client
    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        client: _Client | None = None
        try:
            hello = p.decode(await asyncio.wait_for(reader.readline(), HELLO_TIMEOUT))
            if hello.get("t") != "hello" or hello.get("proto") != p.PROTOCOL_VERSION:
                raise ValueError("expected a hello for protocol version 1")
            actor = Actor(user=str(hello["user"]), role=hello["role"])
            session = self.open_session(actor.user, actor.role, str(hello.get("origin", "local")),
                                        str(hello.get("kind", "console")))
            client = _Client(session=session, actor=actor, writer=writer)
            self._clients[session.id] = client
            client.send(p.encode({"t": "welcome", "proto": p.PROTOCOL_VERSION,
                                  "session": session.id}))
            self._push(client, self.engine.snapshot())  # don't make it wait for the next tick
            while line := await reader.readline():
                self._dispatch(client, p.decode(line))
        except (OSError, TimeoutError, asyncio.IncompleteReadError, ValueError, KeyError,
                ValidationError) as exc:
            # ValueError also covers a line over the limit and malformed JSON.
            log.info("console connection closed: %s", exc or type(exc).__name__)
        finally:
            if client is not None:
                self._clients.pop(client.session.id, None)
                self.close_session(client.session.id)
                for task in client.tasks:
                    task.cancel()
            writer.close()

    def _dispatch(self, client: _Client, msg: dict[str, Any]) -> None:
        kind = msg["t"]
        request_id = int(msg.get("id", 0))
        if kind == "op":
            self._submit(client, request_id, msg["op"])
        elif kind == "util":
            self._spawn(client, self._utilisation(client, request_id, msg))
        elif kind == "clock":
            self._clock(client, request_id, msg)
        else:
            client.send(p.encode(p.error_reply(request_id, ValueError(f"unknown request {kind}"))))

    def _spawn(self, client: _Client, coro: Any) -> None:
        task = asyncio.create_task(coro)
        client.tasks.add(task)
        task.add_done_callback(client.tasks.discard)

    def _submit(self, client: _Client, request_id: int, data: Any) -> None:
        try:
            op = ops.build(data)
        except HmcError as exc:
            client.send(p.encode(p.error_reply(request_id, exc)))
            return
        if not self.engine.running:  # a stepped engine applies only when asked to
            self._spawn(client, self._execute_now(client, request_id, op))
            return
        loop = asyncio.get_running_loop()
        future = self.engine.submit(op, client.actor)

        def done(_: object) -> None:  # runs in the engine thread: hop back to the loop
            with contextlib.suppress(RuntimeError):  # loop closed during shutdown
                loop.call_soon_threadsafe(self._reply_result, client, request_id, future)

        future.add_done_callback(done)

    async def _execute_now(self, client: _Client, request_id: int, op: ops.Operation) -> None:
        try:
            result = await asyncio.to_thread(self.engine.execute, op, client.actor)
        except Exception as exc:
            client.send(p.encode(p.error_reply(request_id, exc)))
            return
        client.send(p.encode({"t": "reply", "id": request_id, "ok": True,
                              "result": result.model_dump(mode="json")}))

    def _reply_result(self, client: _Client, request_id: int, future: Any) -> None:
        try:
            result: OpResult = future.result()
        except Exception as exc:
            client.send(p.encode(p.error_reply(request_id, exc)))
            return
        client.send(p.encode({"t": "reply", "id": request_id, "ok": True,
                              "result": result.model_dump(mode="json")}))

    async def _utilisation(self, client: _Client, request_id: int, msg: dict[str, Any]) -> None:
        try:
            # In a thread: utilisation() takes the engine lock, held during a tick.
            series = await asyncio.to_thread(self.engine.utilisation, msg["resource"],
                                             int(msg["key"]), msg.get("interval", "long"))
            reply = {"t": "reply", "id": request_id, "ok": True,
                     "result": {"times": list(series.times),
                                "counters": {k: list(v) for k, v in series.counters.items()}}}
        except Exception as exc:
            reply = p.error_reply(request_id, exc)
        client.send(p.encode(reply))

    def _clock(self, client: _Client, request_id: int, msg: dict[str, Any]) -> None:
        try:
            # The clock is shared by every user of the frame: only a superadmin may change it.
            if client.actor.role != "hmcsuperadmin":
                raise HmcError("HSCL350B", user=client.actor.user, task="simulation clock tasks")
            action = msg.get("action")
            if action == "speed":
                self.engine.set_speed(float(msg["speed"]))
            elif action == "pause":
                self.engine.pause()
            elif action == "resume":
                self.engine.resume()
            else:
                raise ValueError(f"unknown clock action {action!r}")
            reply: dict[str, Any] = {"t": "reply", "id": request_id, "ok": True, "result": {}}
        except Exception as exc:
            reply = p.error_reply(request_id, exc)
        client.send(p.encode(reply))

    # ------------------------------------------------------------------ publishing
    async def _publish_loop(self) -> None:
        while True:
            await asyncio.sleep(self.publish_interval)
            snap = self.engine.snapshot()
            for client in list(self._clients.values()):
                try:
                    self._push(client, snap)
                except Exception:  # one broken client must not stop publishing to the rest
                    log.exception("publishing to session %d failed", client.session.id)

    def _push(self, client: _Client, snap: Snapshot) -> None:
        if (client.sent_version == snap.version
                and client.sent_sessions == self._sessions_version):
            return
        if client.buffered() > self.soft_buffer:
            client.dropped += 1  # it still has an older snapshot to read: skip this one
            return
        msg: dict[str, Any] = {
            "t": "snap", "version": snap.version, "frame_version": snap.frame_version,
            "time": snap.time, "physc": p.physc_to_json(snap.physc),
            "pools": p.pools_to_json(snap.pools), "clock": p.clock_to_json(snap.clock),
            "in_flight": snap.in_flight,
        }
        if client.sent_sessions != self._sessions_version:
            msg["sessions"] = [s.to_json() for s in self._sessions.values()]
        head = p.encode(msg)[:-2]  # without the closing brace and newline
        parts = [head, b',"events":[', self._new_events(client, snap).encode(), b"]"]
        if client.sent_frame_version != snap.frame_version:
            parts += [b',"frame":', self._frame_text(snap).encode()]
        parts.append(b"}\n")
        client.send(b"".join(parts))
        client.snaps += 1
        client.sent_version = snap.version
        client.sent_frame_version = snap.frame_version
        client.sent_sessions = self._sessions_version

    def _frame_text(self, snap: Snapshot) -> str:
        """The frame's JSON, encoded once per frame version whatever the number of clients."""
        if self._frame_json[0] != snap.frame_version:
            self._frame_json = (snap.frame_version, snap.frame.model_dump_json())
        return self._frame_json[1]

    def _new_events(self, client: _Client, snap: Snapshot) -> str:
        events = snap.events
        if client.event_seq is None:
            start = max(0, len(events) - INITIAL_EVENTS)
        else:
            start = bisect.bisect_right(events, client.event_seq, key=attrgetter("seq"))
        fresh = events[start:]
        if events:
            client.event_seq = events[-1].seq
            if len(self._event_json) > 2 * INITIAL_EVENTS:  # keep the cache bounded
                oldest = events[max(0, len(events) - INITIAL_EVENTS)].seq
                self._event_json = {k: v for k, v in self._event_json.items() if k >= oldest}
        elif client.event_seq is None:
            client.event_seq = 0
        out = []
        for event in fresh:
            text = self._event_json.get(event.seq)
            if text is None:
                text = self._event_json[event.seq] = event.model_dump_json()
            out.append(text)
        return ",".join(out)
