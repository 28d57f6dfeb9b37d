"""The engine service: one Engine, shared by every console through a Unix socket.

The engine's clock runs in its own thread (engine.service); this module is the asyncio side:
it accepts consoles, turns their requests into engine operations on behalf of each session's
user, publishes snapshots to all of them at most `publish_hz` times a second, and
saves the frame periodically. Publishing only reads `engine.snapshot()` (a reference swap), so
no client, however slow, can hold the engine up; and a client whose socket is backed up gets
snapshots dropped, never queued, so it cannot hold the other clients up either.

Rights are what the user store says now (docs/security.md): each request is authorised with
the store's current role for its session's user, not the role announced at hello, and the
store is re-checked every USERS_CHECK seconds, so a removed user's sessions end and a demoted
user's consoles are told their new role at once. If the engine's clock thread dies, requests
are refused with HSCL0F02 and `on_engine_failure` is called (`hmc-tui serve` then exits
non-zero, saving the frame as it was, for a supervisor to restart it).
"""

from __future__ import annotations

import asyncio
import bisect
import contextlib
import logging
import math
import os
import socket
import time
from collections.abc import Callable, Coroutine
from concurrent.futures import Future
from dataclasses import dataclass, field
from operator import attrgetter
from pathlib import Path
from typing import Any

from engine import durable, ops
from engine.errors import HmcError
from engine.model import Frame
from engine.roles import ALLOWED, Actor
from engine.service import Engine, EngineFailure, OpResult
from engine.snapshot import Snapshot, UtilSeries
from engine.store import FrameFileError
from hmc_tui.service import framediff
from hmc_tui.service import protocol as p
from hmc_tui.service.paths import check_socket_path
from hmc_tui.service.users import UserError, UserStore

log = logging.getLogger(__name__)

SOFT_BUFFER = 256 * 1024  # bytes waiting for a client above which its snapshots are dropped
HARD_BUFFER = 8 * 1024 * 1024  # above this (replies it never reads) the client is cut off
HELLO_TIMEOUT = 5.0
INITIAL_EVENTS = 2000  # journal events a new client gets; later ones arrive as they happen
USERS_CHECK = 1.0  # seconds between checks of the user store (a stat when nothing changed)
FRAME_HISTORY = 16  # frame versions kept to send diffs against (a client further behind
# gets the whole frame)


class ServiceAlreadyRunning(RuntimeError):
    pass


@dataclass
class _Client:
    """One connected console and what it has been sent so far."""

    session: p.SessionInfo
    actor: Actor  # the rights requests run with: the user store's role, kept current
    writer: asyncio.StreamWriter
    tracked: bool = False  # the user is in the user store, so its rights follow the store
    proto: int = p.PROTOCOL_VERSION  # the version its hello spoke (p.SERVED_VERSIONS)
    closing: bool = False  # the service ended the session; nothing more is sent or read
    bad_requests: int = 0
    sent_version: int = -1
    sent_frame_version: int = -1
    sent_sessions: int = -1
    event_seq: int | None = None  # last journal seq sent; None before the first snap
    snaps: int = 0
    dropped: int = 0
    interval: float = 0.0  # the client's `rate`: at most one snap per interval seconds
    next_push: float = 0.0  # monotonic time before which the publish loop skips it
    live_at: float = -math.inf  # monotonic time the live figures were last sent
    tasks: set[asyncio.Task[None]] = field(default_factory=set)
    terminals: dict[int, _Term] = field(default_factory=dict)  # term id -> open terminal

    def buffered(self) -> int:
        transport = self.writer.transport
        return 0 if transport.is_closing() else transport.get_write_buffer_size()

    def send(self, message: p.Message) -> None:
        self.send_bytes(p.encode(message))

    def send_bytes(self, data: bytes) -> None:
        if self.writer.transport.is_closing():
            return
        if self.buffered() + len(data) > HARD_BUFFER:
            # Replies are never dropped silently; a client that reads nothing is disconnected.
            log.warning("session %d (%s) stopped reading; disconnecting it", self.session.id,
                        self.session.user)
            self.writer.transport.abort()
            return
        self.writer.write(data)


@dataclass
class _Term:
    """A terminal a client opened: output waits in `pending` until the client has been told
    the terminal is open (the engine gives the current screen while opening)."""

    id: int
    handle: Any = None  # the engine's TerminalHandle once open
    opened: bool = False
    pending: list[str] = field(default_factory=list)
    reason: str = ""  # closed by someone else before the client was told it is open


class EngineService:
    """Serve `engine` on the Unix socket `socket_path` (created 0600); with `users`, every
    request is authorised against that user store as it is at that moment."""

    def __init__(self, engine: Engine, socket_path: Path, *, frame_path: Path | None = None,
                 save_interval: float = 60.0, publish_hz: float = 10.0,
                 soft_buffer: int = SOFT_BUFFER, users: UserStore | None = None) -> None:
        check_socket_path(socket_path)
        self.engine = engine
        self.socket_path = socket_path
        self.frame_path = frame_path
        self.save_interval = save_interval
        self.publish_interval = 1.0 / publish_hz
        self.soft_buffer = soft_buffer
        self.users = users
        self._users_warning = ""
        self.engine_failure: EngineFailure | None = None  # once the service has seen it
        self.on_engine_failure: Callable[[], None] | None = None
        self._server: asyncio.Server | None = None
        self._socket_inode: int | None = None
        self._clients: dict[int, _Client] = {}
        self._sessions: dict[int, p.SessionInfo] = {}
        self._sessions_version = 0
        self._next_session = 0
        self._next_term = 0
        self._tasks: list[asyncio.Task[None]] = []
        self._save_lock = asyncio.Lock()
        self._frame_json: tuple[int, str] = (-1, "")
        # (snapshot version, session list version or -1 without it, live figures) -> the
        # snap head's JSON
        self._head_json: dict[tuple[int, int, bool], str] = {}
        # frame version -> every system's frame, the last FRAME_HISTORY versions
        self._frames: dict[int, tuple[Frame, ...]] = {}
        # (from, to) -> the encoded FrameDiff (several systems: the list of them)
        self._diff_json: dict[tuple[int, int], str] = {}
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
            client = await self._welcome(reader, writer)
            while client is not None and (line := await self._readline(client, reader)):
                self._receive(client, line)
        except (OSError, asyncio.IncompleteReadError) as exc:
            log.info("%s: connection lost: %s", _who(client), exc or type(exc).__name__)
        except Exception:  # a bug: say so, and keep serving everyone else
            log.exception("%s: unexpected error; disconnecting it", _who(client))
        finally:
            if client is not None:
                self._clients.pop(client.session.id, None)
                self.close_session(client.session.id)
                for task in client.tasks:
                    task.cancel()
                self._close_terminals(client)
            writer.close()

    async def _readline(self, client: _Client, reader: asyncio.StreamReader) -> bytes:
        try:
            return await reader.readline()
        except ValueError as exc:  # a line over MAX_CLIENT_LINE: the stream is out of step
            log.warning("%s: %s; disconnecting it", _who(client), exc)
            client.send(p.Close(reason=f"request line over {p.MAX_CLIENT_LINE} bytes"))
            return b""

    async def _welcome(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
                       ) -> _Client | None:
        """Read the hello and register the session, or say why not and return None."""
        try:
            line = await asyncio.wait_for(reader.readline(), HELLO_TIMEOUT)
        except TimeoutError:
            log.info("a console sent no hello within %g s; disconnecting it", HELLO_TIMEOUT)
            return None
        except ValueError as exc:  # a hello over MAX_CLIENT_LINE
            log.warning("refused a console: %s", exc)
            return None
        if not line:
            return None
        try:
            hello = p.read_client(line)
            if not isinstance(hello, p.Hello):
                raise p.ProtocolError(f"the first message must be a hello, not {hello.type}")
            if hello.proto not in p.SERVED_VERSIONS:
                *older, newest = (str(v) for v in p.SERVED_VERSIONS)
                served = f"{', '.join(older)} and {newest}" if older else newest
                raise p.ProtocolError(f"protocol version {hello.proto} is not served (this "
                                      f"service speaks versions {served})")
            actor, tracked = self._admit(hello)
        except (p.ProtocolError, HmcError) as exc:
            log.warning("refused a console: %s", exc)
            writer.write(p.encode(p.Close(reason=str(exc))))
            return None
        session = self.open_session(actor.user, actor.role, hello.origin, hello.kind)
        client = _Client(session=session, actor=actor, writer=writer, tracked=tracked,
                         proto=hello.proto, sent_frame_version=hello.frame_version)
        self._clients[session.id] = client
        client.send(p.Welcome(proto=hello.proto, session=session.id, role=actor.role))
        self._push(client, self.engine.snapshot())  # don't make it wait for the next tick
        return client

    def _admit(self, hello: p.Hello) -> tuple[Actor, bool]:
        """The actor a hello gets, and whether its rights follow the user store.

        With a store, a user in it gets the store's role whatever the hello announced. A
        user not in it is refused unless the console is local: the service's own OS user at
        its own socket (who owns the store file anyway) may act under any name."""
        announced = Actor(user=hello.user, role=hello.role)
        if self.users is None:
            return announced, False
        try:
            user = self.users.get(hello.user)
        except UserError as exc:
            raise HmcError("HSCL0F05", user=hello.user, reason=str(exc)) from None
        if user is None:
            if hello.origin == "local":
                return announced, False
            raise HmcError("HSCL0F03", user=hello.user)
        return _actor(user.name, user.role), True

    def _receive(self, client: _Client, line: bytes) -> None:
        if client.closing:
            return
        try:
            msg = p.read_client(line)
            if isinstance(msg, p.Hello):
                raise p.ProtocolError("hello: this session has already said hello")
            if isinstance(msg, p.TermInput):  # keys: no reply, checked when it was opened
                self._term_input(client, msg)
                return
            if isinstance(msg, p.Rate):  # no reply; faster at once (a key was typed)
                self._set_rate(client, msg.interval)
                return
        except p.ProtocolError as exc:
            client.bad_requests += 1
            if client.bad_requests <= 5 or client.bad_requests % 1000 == 0:  # no log flood
                log.warning("%s: bad request: %s (%d so far)", _who(client), exc,
                            client.bad_requests)
            client.send(p.error_reply(exc.request_id, HmcError(p.BAD_REQUEST, detail=str(exc))))
            return
        actor = self._authorise(client, msg.id)
        if actor is None:
            return
        if isinstance(msg, p.UtilRequest | p.UtilBatchRequest):  # reading only: works even
            self._spawn(client, self._utilisation(client, msg))  # on a failed engine
            return
        failure = self.engine.failure
        if failure is not None:  # at once: the clock that would apply it is gone
            client.send(p.error_reply(msg.id, HmcError("HSCL0F02", reason=str(failure))))
        elif isinstance(msg, p.OpRequest):
            self._submit(client, actor, msg)
        elif isinstance(msg, p.TermOpen):
            self._spawn(client, self._term_open(client, actor, msg))
        elif isinstance(msg, p.TermClose):
            self._term_close(client, msg)
        elif isinstance(msg, p.TermRemove):
            self._spawn(client, self._term_remove(client, actor, msg))
        else:
            self._clock(client, actor, msg)

    def _set_rate(self, client: _Client, interval: float) -> None:
        faster = interval < client.interval
        client.interval = interval
        client.next_push = time.monotonic() + interval if not faster else 0.0
        if faster:  # the user is back: the newest figures now, not at the next slow turn
            self._push(client, self.engine.snapshot())

    # ------------------------------------------------------------------ rights
    def _authorise(self, client: _Client, request_id: int) -> Actor | None:
        """The actor to act as now: the user store's current role for the session's user.
        None (the request answered, or the session ended) when the user has no rights."""
        if self.users is None or not client.tracked:
            return client.actor
        name = client.session.user
        try:
            user = self.users.get(name)
        except UserError as exc:  # fail closed: rights that cannot be read are not granted
            self._warn_users(exc)
            client.send(p.error_reply(request_id, HmcError("HSCL0F05", user=name,
                                                           reason=str(exc))))
            return None
        if user is None:
            client.send(p.error_reply(request_id, HmcError("HSCL0F03", user=name)))
            self._end_session(client, _removed(name))
            return None
        if user.role != client.actor.role:
            self._change_role(client, user.role)
        return client.actor

    def check_users(self) -> None:
        """Apply the user store as it is now to every open session: a removed user's
        sessions end, a changed role reaches its consoles (the publish loop calls this
        every USERS_CHECK seconds; a request checks its own user as it arrives)."""
        if self.users is None:
            return
        try:
            roles = {u.name: u.role for u in self.users.users()}
        except UserError as exc:
            self._warn_users(exc)
            return
        self._users_warning = ""
        for client in list(self._clients.values()):
            if not client.tracked or client.closing:
                continue
            role = roles.get(client.session.user)
            if role is None:
                self._end_session(client, _removed(client.session.user))
            elif role != client.actor.role:
                self._change_role(client, role)

    def _change_role(self, client: _Client, role: str) -> None:
        old = client.actor.role
        client.actor = _actor(client.session.user, role)
        client.session = client.session.model_copy(update={"role": client.actor.role})
        if client.session.id in self._sessions:
            self._sessions[client.session.id] = client.session
            self._sessions_changed()
        log.info("%s: role changed from %s to %s in the user store", _who(client), old,
                 client.actor.role)
        client.send(p.RoleChanged(role=client.actor.role, reason=(
            f"the role of {client.session.user} is now {client.actor.role} (was {old})")))
        if "console" not in ALLOWED[client.actor.role]:  # its open terminals go with the right
            for term in list(client.terminals.values()):
                term.handle.close()
                self._term_closed(client, term, f"The role of {client.session.user} is now "
                                  f"{client.actor.role}: the terminal session was closed.")

    def _end_session(self, client: _Client, reason: str) -> None:
        log.info("%s: %s; closing the session", _who(client), reason)
        client.send(p.Close(reason=reason))
        client.closing = True
        client.writer.close()  # after what is buffered: the close line reaches the client

    def _warn_users(self, exc: UserError) -> None:
        if str(exc) != self._users_warning:  # once per distinct problem, not per request
            self._users_warning = str(exc)
            log.warning("the user store cannot be read; refusing requests of its users: %s",
                        exc)

    # ------------------------------------------------------------------ requests
    def _spawn(self, client: _Client, coro: Coroutine[Any, Any, None]) -> None:
        task = asyncio.create_task(coro)
        client.tasks.add(task)
        task.add_done_callback(client.tasks.discard)

    def _submit(self, client: _Client, actor: Actor, msg: p.OpRequest) -> None:
        try:
            op = ops.build(msg.op)
        except HmcError as exc:
            client.send(p.error_reply(msg.id, exc))
            return
        if not self.engine.running:  # a stepped engine applies only when asked to
            self._spawn(client, self._execute_now(client, actor, msg.id, op))
            return
        loop = asyncio.get_running_loop()
        future = self.engine.submit(op, actor)

        def done(_: object) -> None:  # runs in the engine thread: hop back to the loop
            with contextlib.suppress(RuntimeError):  # loop closed during shutdown
                loop.call_soon_threadsafe(self._reply_result, client, msg.id, future)

        future.add_done_callback(done)

    async def _execute_now(self, client: _Client, actor: Actor, request_id: int,
                           op: ops.Operation) -> None:
        future: Future[OpResult] = Future()
        try:
            future.set_result(await asyncio.to_thread(self.engine.execute, op, actor))
        except Exception as exc:
            future.set_exception(exc)
        self._reply_result(client, request_id, future)

    def _reply_result(self, client: _Client, request_id: int, future: Future[OpResult]
                      ) -> None:
        try:
            result = future.result()
        except HmcError as exc:
            client.send(p.error_reply(request_id, exc))
            return
        except Exception as exc:
            log.exception("%s: operation %d failed", _who(client), request_id)
            client.send(p.error_reply(request_id, exc))
            return
        client.send(p.OpDone(id=request_id, result=result))

    async def _utilisation(self, client: _Client, msg: p.UtilRequest | p.UtilBatchRequest
                           ) -> None:
        reply: p.Message
        try:
            # In a thread: utilisation() takes the engine lock, held during a tick.
            if isinstance(msg, p.UtilRequest):
                series = await asyncio.to_thread(self.engine.utilisation, msg.resource,
                                                 msg.key, msg.interval, msg.system)
                reply = p.UtilDone(id=msg.id, times=list(series.times),
                                   counters={k: list(v) for k, v in series.counters.items()})
            else:
                batch = await asyncio.to_thread(self._utilisations, msg)
                reply = p.UtilBatchDone.model_construct(id=msg.id, series=[
                    p.UtilData.model_construct(times=list(s.times), counters={
                        k: list(v) for k, v in s.counters.items()}) for s in batch])
        except HmcError as exc:
            reply = p.error_reply(msg.id, exc)
        except Exception as exc:
            log.exception("%s: utilisation request %d failed", _who(client), msg.id)
            reply = p.error_reply(msg.id, exc)
        client.send(reply)

    def _utilisations(self, msg: p.UtilBatchRequest) -> list[UtilSeries]:
        return [self.engine.utilisation(msg.resource, key, msg.interval, msg.system, msg.last)
                for key in msg.keys]

    def _clock(self, client: _Client, actor: Actor, msg: p.SetSpeed | p.Pause | p.Resume
               ) -> None:
        reply: p.Message
        try:
            # The clock is shared by every user of the frame: only a superadmin may change it.
            if actor.role != "hmcsuperadmin":
                raise HmcError("HSCL350B", user=actor.user, task="simulation clock tasks")
            if isinstance(msg, p.SetSpeed):
                self.engine.set_speed(msg.speed)
            elif isinstance(msg, p.Pause):
                self.engine.pause()
            else:
                self.engine.resume()
            reply = p.ClockDone(id=msg.id)
        except HmcError as exc:
            reply = p.error_reply(msg.id, exc)
        client.send(reply)

    # ------------------------------------------------------------------ terminals
    async def _term_open(self, client: _Client, actor: Actor, msg: p.TermOpen) -> None:
        """mkvterm for the client: the engine checks the rights and that the partition has
        no session open; output hops from the engine thread to this loop, in order."""
        loop = asyncio.get_running_loop()
        self._next_term += 1
        term = _Term(self._next_term)

        def output(text: str) -> None:  # engine thread
            with contextlib.suppress(RuntimeError):  # the loop closed during shutdown
                loop.call_soon_threadsafe(self._term_output, client, term, text)

        def closed(reason: str) -> None:  # engine thread: someone else closed it
            with contextlib.suppress(RuntimeError):
                loop.call_soon_threadsafe(self._term_closed, client, term, reason)

        try:
            # In a thread: opening takes the engine lock, held during a tick.
            term.handle = await asyncio.to_thread(self.engine.open_terminal, msg.lpar, actor,
                                                  output, closed, msg.system)
        except Exception as exc:
            if not isinstance(exc, HmcError):
                log.exception("%s: opening the terminal of %s failed", _who(client), msg.lpar)
            client.send(p.error_reply(msg.id, exc))
            return
        if client.closing or client.writer.transport.is_closing():
            term.handle.close()  # the client left while the terminal was opening
            return
        client.terminals[term.id] = term
        log.info("%s: opened the terminal of partition %d", _who(client), term.handle.lpar_id)
        client.send(p.TermOpened(id=msg.id, term=term.id, lpar_id=term.handle.lpar_id))
        term.opened = True
        if term.pending:
            client.send(p.TermOutput(term=term.id, data="".join(term.pending)))
            term.pending.clear()
        if term.reason:
            self._term_closed(client, term, term.reason)

    def _term_output(self, client: _Client, term: _Term, text: str) -> None:
        if not term.opened:
            term.pending.append(text)
        elif term.id in client.terminals:
            client.send(p.TermOutput(term=term.id, data=text))

    def _term_closed(self, client: _Client, term: _Term, reason: str) -> None:
        if not term.opened:
            term.reason = reason
        elif client.terminals.pop(term.id, None) is not None:
            client.send(p.TermClosed(term=term.id, reason=reason))

    def _term_input(self, client: _Client, msg: p.TermInput) -> None:
        term = client.terminals.get(msg.term)
        if term is not None:
            term.handle.send(msg.data)
        elif msg.term > self._next_term:  # never opened: a confused client, say so
            raise p.ProtocolError(f"term_input: no terminal {msg.term} is open in this session")
        # else keys typed while someone closed it (rmvterm): the race is normal, drop them

    def _term_close(self, client: _Client, msg: p.TermClose) -> None:
        term = client.terminals.pop(msg.term, None)
        if term is not None:
            term.handle.close()
        client.send(p.TermResult(id=msg.id, closed=term is not None))

    async def _term_remove(self, client: _Client, actor: Actor, msg: p.TermRemove) -> None:
        reply: p.Message
        try:
            closed = await asyncio.to_thread(self.engine.close_terminal, msg.lpar, actor,
                                             msg.system)
            reply = p.TermResult(id=msg.id, closed=closed)
        except Exception as exc:
            if not isinstance(exc, HmcError):
                log.exception("%s: closing the terminal of %s failed", _who(client), msg.lpar)
            reply = p.error_reply(msg.id, exc)
        client.send(reply)

    def _close_terminals(self, client: _Client) -> None:
        """The client is gone: its terminals close, so the partitions can be opened again."""
        terminals, client.terminals = client.terminals, {}
        for term in terminals.values():
            with contextlib.suppress(Exception):
                term.handle.close()

    # ------------------------------------------------------------------ publishing
    async def _publish_loop(self) -> None:
        next_users_check = 0.0
        while True:
            await asyncio.sleep(self.publish_interval)
            self._watch_engine()
            if time.monotonic() >= next_users_check:
                next_users_check = time.monotonic() + USERS_CHECK
                try:
                    self.check_users()
                except Exception:  # never let it stop publishing
                    log.exception("checking the user store failed")
            snap = self.engine.snapshot()
            now = time.monotonic()
            for client in list(self._clients.values()):
                if now < client.next_push:
                    continue  # an idle console asked for fewer snaps (`rate`)
                try:
                    self._push(client, snap)
                except Exception:  # one broken client must not stop publishing to the rest
                    log.exception("publishing to session %d failed", client.session.id)

    def _watch_engine(self) -> None:
        failure = self.engine.failure
        if failure is None or self.engine_failure is not None:
            return
        self.engine_failure = failure
        log.error("the engine's clock thread died: operations are refused (HSCL0F02) until "
                  "the service is restarted\n%s", failure.trace.rstrip())
        if self.on_engine_failure is not None:
            self.on_engine_failure()

    def _push(self, client: _Client, snap: Snapshot) -> None:
        if client.closing or (client.sent_version == snap.version
                              and client.sent_sessions == self._sessions_version):
            return
        if client.buffered() > self.soft_buffer:
            client.dropped += 1  # it still has an older snapshot to read: skip this one
            return
        now = time.monotonic()
        # Live figures (16 kB with 1000 partitions) only when they may be shown: a console
        # repaints them once a second; a frame change or a stepped clock carries them too.
        live = (client.proto < 5 or now - client.live_at >= p.LIVE_EVERY
                or client.sent_frame_version != snap.frame_version
                or snap.clock.mode == "stepped")
        if live:
            client.live_at = now
        head = self._head_text(snap, client.sent_sessions != self._sessions_version, live)
        frame = diff = None
        if client.sent_frame_version != snap.frame_version:
            # Version 3 clients know no `frame_diffs`: several systems go to them whole.
            whole = snap.several and client.proto < 4
            diff = None if whole else self._diff_text(client.sent_frame_version, snap)
            frame = self._frame_text(snap) if diff is None else None
        client.send_bytes(p.snap_line(head, self._new_events(client, snap), frame,
                                      frames=snap.several, diff_json=diff))
        client.snaps += 1
        if client.interval:
            client.next_push = time.monotonic() + client.interval
        client.sent_version = snap.version
        client.sent_frame_version = snap.frame_version
        client.sent_sessions = self._sessions_version

    def _head_text(self, snap: Snapshot, sessions: bool, live: bool = True) -> str:
        """The snap's head (clock; the live figures when `live`, the session list when
        `sessions`), encoded once per snapshot whatever the number of clients: 16 kB of
        physc figures with 1000 partitions, 0.13 ms to encode, was paid per client
        (docs/scale.md)."""
        key = (snap.version, self._sessions_version if sessions else -1, live)
        text = self._head_json.get(key)
        if text is None:
            if len(self._head_json) >= 8:  # this snapshot's, with and without each
                self._head_json.clear()
            several = live and snap.several
            head = p.Snap.model_construct(  # our own figures: built, not validated
                version=snap.version, frame_version=snap.frame_version, time=snap.time,
                physc=list(snap.physc.items()) if live else None,
                pools=list(snap.pools) if live else None, clock=snap.clock,
                in_flight=snap.in_flight, events=[],
                sessions=list(self._sessions.values()) if sessions else None, frame=None,
                physcs=[list(physc.items()) for physc in snap.physcs] if several else None,
                system_pools=[list(pools) for pools in snap.system_pools] if several
                else None)
            text = self._head_json[key] = p.snap_head(head)
        return text

    def _frame_text(self, snap: Snapshot) -> str:
        """The frame's JSON, encoded once per frame version whatever the number of clients."""
        if self._frame_json[0] != snap.frame_version:
            text = (snap.frame.model_dump_json() if not snap.several else
                    "[" + ",".join(f.model_dump_json() for f in snap.frames) + "]")
            self._frame_json = (snap.frame_version, text)
        return self._frame_json[1]

    def _diff_text(self, base: int, snap: Snapshot) -> str | None:
        """The encoded diff from frame version `base` (what the client has) to the
        snapshot's frame, computed once per pair whatever the number of clients; None when
        `base` is too old to be kept (or the client has no frame yet). Several systems: a
        JSON list with each system's diff, or null for a system that did not change (but for
        its clock); None when the number of systems changed."""
        if snap.frame_version not in self._frames:
            self._frames[snap.frame_version] = snap.frames
            if len(self._frames) > FRAME_HISTORY:
                del self._frames[min(self._frames)]
                oldest = min(self._frames)
                self._diff_json = {k: v for k, v in self._diff_json.items() if k[0] >= oldest}
        old, new = self._frames.get(base), self._frames[snap.frame_version]
        if old is None or len(old) != len(new):
            return None
        key = (base, snap.frame_version)
        text = self._diff_json.get(key)
        if text is None:
            if not snap.several:  # one system: the diff itself, as protocol version 3 had it
                text = framediff.diff(old[0], new[0], base=base).model_dump_json()
            else:
                text = "[" + ",".join("null" if change is None else change.model_dump_json()
                                      for change in framediff.diff_systems(old, new, base))
                text += "]"
            self._diff_json[key] = text
        return text

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


def _who(client: _Client | None) -> str:
    if client is None:
        return "a console"
    return f"session {client.session.id} ({client.session.user})"


def _removed(user: str) -> str:
    return f"the user {user} was removed from the user store; this session is closed"


def _actor(user: str, role: str) -> Actor:
    return Actor.model_validate({"user": user, "role": role})  # the store's role names
