"""The SSH front door (asyncssh), like an HMC's restricted shell.

- An interactive session with a PTY gets a console process of its own (ptysession.py),
  connected to the engine service as the authenticated user.
- An exec request (`ssh -p 2222 hscroot@host lssyscfg -r sys`) runs that one HMC command line
  against the shared engine, in this process, and returns its output and exit status.
- Nothing else: no OS shell, no subsystems (sftp/scp), no forwarding of any kind. The only
  program ever started is the console command.

Users and passwords/keys come from the user store, re-read whenever its file changes; failed
logins are throttled per source address (logins.py).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import shlex
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import asyncssh

from engine.roles import Actor
from engine.store import CONFIG_DIR_ENV, DATA_DIR_ENV, STATE_DIR_ENV, atomic_write_bytes
from hmc_tui.console import LocalConsole
from hmc_tui.hmccli import CommandResult
from hmc_tui.service.logins import LoginLimiter
from hmc_tui.service.ptysession import TERMINAL_RESET, PtySession
from hmc_tui.service.remote import ORIGIN_ENV, ROLE_ENV, USER_ENV
from hmc_tui.service.server import EngineService
from hmc_tui.service.users import UserError, UserStore

log = logging.getLogger(__name__)

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 2222


class CommandOutput(Protocol):
    @property
    def stdout(self) -> str: ...
    @property
    def stderr(self) -> str: ...
    @property
    def exit_code(self) -> int: ...


# hmccli.run_command's shape: (console, line, *, allow_files) -> result
CommandRunner = Callable[..., CommandOutput]


@dataclass
class SshSettings:
    host: str = DEFAULT_HOST
    port: int = DEFAULT_PORT  # 0: any free port (tests)
    idle_timeout: float = 1800.0  # seconds without input before a console is closed; 0: never
    max_sessions: int = 32  # interactive consoles and running exec commands together
    login_delay: float = 1.0  # first failed password's delay; doubles up to max_login_delay
    max_login_delay: float = 8.0
    max_failures: int = 5  # per source address within failure_window
    failure_window: float = 300.0
    login_timeout: float = 60.0  # to authenticate after connecting
    exec_timeout: float = 60.0  # for one exec'd HMC command
    hangup_grace: float = 3.0  # SIGHUP -> SIGKILL for a console whose client left


def load_host_key(path: Path) -> asyncssh.SSHKey:
    """The server's ed25519 key, generated on first use and kept (0600) in the data dir."""
    if path.exists():
        return asyncssh.read_private_key(path)
    key = asyncssh.generate_private_key("ssh-ed25519", comment="hmc-tui host key")
    path.parent.mkdir(parents=True, exist_ok=True)
    atomic_write_bytes(path, key.export_private_key(), mode=0o600)
    atomic_write_bytes(path.with_name(path.name + ".pub"), key.export_public_key(), mode=0o644)
    return key


def console_argv(socket_path: Path) -> list[str]:
    """How a console process is started: this interpreter, the hmc-tui console, --connect."""
    return [sys.executable, "-m", "hmc_tui", "--connect", str(socket_path)]


def default_command_runner() -> CommandRunner | None:
    try:
        from hmc_tui.hmccli import run_command  # the HMC command line, when it exists
    except ImportError:
        return None
    return run_command


class HmcSshServer:
    """SSH for the engine `service`; consoles connect back to it through `socket_path`."""

    def __init__(self, service: EngineService, store: UserStore, host_key: asyncssh.SSHKey,
                 settings: SshSettings | None = None, *,
                 console_command: Sequence[str] | None = None,
                 command_runner: CommandRunner | None = None) -> None:
        self.service = service
        self.store = store
        self.host_key = host_key
        self.settings = settings or SshSettings()
        self.console_command = list(console_command or console_argv(service.socket_path))
        self._runner = command_runner
        self.limiter = LoginLimiter(max_failures=self.settings.max_failures,
                                    window=self.settings.failure_window,
                                    delay=self.settings.login_delay,
                                    max_delay=self.settings.max_login_delay)
        self.port = 0
        self._acceptor: asyncssh.SSHAcceptor | None = None
        self._connections: set[asyncssh.SSHServerConnection] = set()
        self._sessions = 0
        self._consoles: dict[int, PtySession] = {}  # pid -> session
        self._tasks: set[asyncio.Task[None]] = set()

    @property
    def fingerprint(self) -> str:
        return str(self.host_key.get_fingerprint("sha256"))

    @property
    def active_sessions(self) -> int:
        return self._sessions

    def console_pids(self) -> list[int]:
        return list(self._consoles)

    # ------------------------------------------------------------------ lifecycle
    async def start(self) -> None:
        s = self.settings
        self._acceptor = await asyncssh.create_server(
            lambda: _Connection(self), s.host, s.port, server_host_keys=[self.host_key],
            process_factory=self._session, encoding=None, line_editor=False,
            allow_scp=False, agent_forwarding=False, x11_forwarding=False,
            login_timeout=s.login_timeout, keepalive_interval=30, keepalive_count_max=4,
            server_version="hmc-tui")
        sockets = self._acceptor.sockets
        self.port = sockets[0].getsockname()[1] if sockets else s.port
        log.info("SSH listening on %s:%d", s.host, self.port)

    async def stop(self) -> None:
        if self._acceptor is not None:
            self._acceptor.close()
        for session in list(self._consoles.values()):
            session.shutdown()
        deadline = asyncio.get_running_loop().time() + self.settings.hangup_grace + 6
        while self._consoles and asyncio.get_running_loop().time() < deadline:
            await asyncio.sleep(0.05)
        for conn in list(self._connections):
            conn.close()
        if self._acceptor is not None:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._acceptor.wait_closed(), 2.0)
            self._acceptor = None

    # ------------------------------------------------------------------ sessions
    def _role_of(self, username: str) -> str | None:
        try:
            user = self.store.get(username)
        except UserError as exc:
            log.error("%s", exc)
            return None
        return user.role if user is not None else None

    async def _session(self, process: asyncssh.SSHServerProcess[bytes]) -> None:
        """asyncssh's process factory: one call per channel (shell, exec or subsystem)."""
        try:
            await self._serve(process)
        except Exception:
            log.exception("SSH session failed")
            with contextlib.suppress(Exception):
                _write(process, "hmc-tui: internal error; the session is closed.\n", err=True)
                process.exit(1)

    async def _serve(self, process: asyncssh.SSHServerProcess[bytes]) -> None:
        username = str(process.get_extra_info("username"))
        role = self._role_of(username)
        if role is None:  # removed (or the user file broke) since logging in
            _write(process, f"hmc-tui: the user {username} no longer exists.\n", err=True)
            process.exit(1)
            return
        if process.subsystem:
            _write(process, "hmc-tui: subsystems are not available.\n", err=True)
            process.exit(1)
            return
        if self._sessions >= self.settings.max_sessions:
            _write(process, f"hmc-tui: the maximum number of sessions "
                   f"({self.settings.max_sessions}) is in use; try again later.\n", err=True)
            process.exit(1)
            return
        actor = Actor(user=username, role=role)  # type: ignore[arg-type]
        peer = process.get_extra_info("peername")
        origin = f"ssh {peer[0]}" if peer else "ssh"
        command = (process.command or "").strip()
        self._sessions += 1
        try:
            if command:
                await self._exec(process, actor, origin, command)
            elif process.get_terminal_type() is None:
                _write(process, "hmc-tui: this is an interactive console and needs a terminal; "
                       "connect with `ssh -t`, or give an HMC command to run.\n", err=True)
                process.exit(1)
            else:
                await self._console(process, actor, origin)
        finally:
            self._sessions -= 1

    async def _console(self, process: asyncssh.SSHServerProcess[bytes], actor: Actor,
                       origin: str) -> None:
        env = self._console_env(process, actor, origin)
        session = PtySession(process, self.console_command, env, cwd=str(Path.home()),
                             idle_timeout=self.settings.idle_timeout,
                             hangup_grace=self.settings.hangup_grace,
                             on_spawn=lambda pid: self._consoles.__setitem__(pid, session))
        try:
            outcome = await session.run()
        finally:
            if session.pid is not None:
                self._consoles.pop(session.pid, None)
        if outcome.exit_code is None:
            return  # the client is gone
        with contextlib.suppress(OSError, asyncssh.Error):
            if outcome.reason == "idle":
                process.stdout.write(TERMINAL_RESET + (
                    f"hmc-tui: session closed after {_duration(self.settings.idle_timeout)} "
                    "without input.\r\n").encode())
            elif outcome.reason == "shutdown":
                process.stdout.write(TERMINAL_RESET + b"hmc-tui: the service is stopping.\r\n")
            process.exit(outcome.exit_code)

    def _console_env(self, process: asyncssh.SSHServerProcess[bytes], actor: Actor,
                     origin: str) -> dict[str, str]:
        """A clean environment: nothing of the client's but its terminal type (its own
        variables, LD_PRELOAD or PYTHON* included, are never passed on), nothing of the
        server's but the locations the console needs."""
        env = {
            "TERM": process.get_terminal_type() or "xterm-256color",
            # OpenSSH does not forward COLORTERM; every terminal worth using has truecolor.
            "COLORTERM": "truecolor",
            "LANG": "C.UTF-8",
            "LC_ALL": "C.UTF-8",
            "HOME": str(Path.home()),
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            USER_ENV: actor.user,
            ROLE_ENV: actor.role,
            ORIGIN_ENV: origin,
        }
        for name in (DATA_DIR_ENV, CONFIG_DIR_ENV, STATE_DIR_ENV, "PYTHONPATH",
                     "XDG_RUNTIME_DIR", "XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_STATE_HOME"):
            if name in os.environ:
                env[name] = os.environ[name]
        return env

    # ------------------------------------------------------------------ exec
    async def _exec(self, process: asyncssh.SSHServerProcess[bytes], actor: Actor, origin: str,
                    line: str) -> None:
        info = self.service.open_session(actor.user, actor.role, origin, "exec")
        try:
            result = await asyncio.wait_for(asyncio.to_thread(self.run_line, actor, line),
                                            self.settings.exec_timeout)
        except TimeoutError:
            result = CommandResult(stderr="hmc-tui: the command did not finish in time.\n",
                                   exit_code=1)
        finally:
            self.service.close_session(info.id)
        crlf = process.get_terminal_type() is not None  # a PTY client's terminal is raw
        with contextlib.suppress(OSError, asyncssh.Error):
            if result.stdout:
                _write(process, result.stdout, crlf=crlf)
            if result.stderr:
                _write(process, result.stderr, err=True, crlf=crlf)
            process.exit(int(result.exit_code))

    def run_line(self, actor: Actor, line: str) -> CommandOutput:
        """One HMC command line for `actor` (in a worker thread: commands wait on the engine)."""
        try:
            argv = shlex.split(line)
        except ValueError as exc:
            return CommandResult(stderr=f"hmc-tui: {exc}\n", exit_code=1)
        if not argv:
            return CommandResult()
        runner = self._runner or default_command_runner()
        if runner is None:
            return CommandResult(stderr="hmc-tui: command line not available\n", exit_code=1)
        try:
            # allow_files=False: `-f FILE` must never read the server's files for a remote user.
            return runner(LocalConsole(self.service.engine, actor), line, allow_files=False,
                          users=self.store)
        except Exception:
            log.exception("command %r failed", line)
            return CommandResult(stderr="hmc-tui: internal error running the command\n",
                                 exit_code=1)


def _duration(seconds: float) -> str:
    if seconds >= 120:
        return f"{seconds / 60:g} minutes"
    return f"{seconds:g} seconds"


def _write(process: asyncssh.SSHServerProcess[bytes], text: str, *, err: bool = False,
           crlf: bool = False) -> None:
    if crlf:
        text = text.replace("\r\n", "\n").replace("\n", "\r\n")
    (process.stderr if err else process.stdout).write(text.encode("utf-8"))


class _Connection(asyncssh.SSHServer):
    """Authentication for one SSH connection."""

    def __init__(self, owner: HmcSshServer) -> None:
        self._owner = owner
        self._conn: asyncssh.SSHServerConnection | None = None
        self._address = "?"

    def connection_made(self, conn: asyncssh.SSHServerConnection) -> None:
        self._conn = conn
        peer = conn.get_extra_info("peername")
        self._address = str(peer[0]) if peer else "?"
        self._owner._connections.add(conn)

    def connection_lost(self, exc: Exception | None) -> None:
        if self._conn is not None:
            self._owner._connections.discard(self._conn)

    def begin_auth(self, username: str) -> bool:
        limiter = self._owner.limiter
        if limiter.blocked(self._address) and self._conn is not None:
            wait = int(limiter.retry_after(self._address)) + 1
            log.warning("refusing %s: too many failed logins", self._address)
            self._conn.disconnect(
                asyncssh.DISC_NO_MORE_AUTH_METHODS_AVAILABLE,
                f"too many failed logins from {self._address}; try again in {wait} s")
        return True  # authentication is always required

    def password_auth_supported(self) -> bool:
        return True

    async def validate_password(self, username: str, password: str) -> bool:
        limiter = self._owner.limiter
        if not limiter.blocked(self._address):
            try:
                if await asyncio.to_thread(self._owner.store.verify_password, username,
                                           password):
                    log.info("%s logged in from %s (password)", username, self._address)
                    return True
            except UserError as exc:
                log.error("%s", exc)
        delay = limiter.failed(self._address)
        log.warning("failed password for %s from %s", username, self._address)
        await asyncio.sleep(delay)
        return False

    def public_key_auth_supported(self) -> bool:
        return True

    def validate_public_key(self, username: str, key: asyncssh.SSHKey) -> bool:
        if self._owner.limiter.blocked(self._address):
            return False
        try:
            return self._owner.store.accepts_key(username, key.public_data)
        except UserError as exc:
            log.error("%s", exc)
            return False
