"""The SSH front door (asyncssh), like an HMC's restricted shell.

- An interactive session with a PTY gets a console process of its own (ptysession.py),
  connected to the engine service as the authenticated user.
- An exec request (`ssh -p 2222 hscroot@host 'lssyscfg -r sys -F name | sort'`) is a line of
  the HMC's restricted shell (shellsim), interpreted in this process against the shared
  engine; its output and exit status are returned. `ssh -t ... shell`, or a user whose
  default shell is rbash, gets the interactive HMC prompt, a PTY process like the console.
- Nothing else: no OS shell, no subsystems (sftp/scp), no forwarding of any kind. The only
  program ever started is the console command.

Users and passwords/keys come from the user store, re-read whenever its file changes; failed
logins are throttled per source address (logins.py), and password hashes are checked on an
executor of their own, so a guessing flood never delays the commands of logged-in users.

Before authentication a connection costs us a file descriptor and a key exchange, so their
number is capped, in all and per source address, and each has `login_timeout` to log in. When
the total cap is reached, the oldest unauthenticated connection of the address holding the
most is dropped for a newcomer from another address: one flooding address cannot lock out
everyone else. Sessions are limited per user, and some are kept for hmcsuperadmin users,
so that an administrator can always get in to act (as on an HMC).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import shlex
import stat
import sys
from collections.abc import Callable, Sequence
from concurrent.futures import Executor
from dataclasses import dataclass, field
from pathlib import Path

import asyncssh

from engine.roles import Actor
from engine.store import atomic_write_bytes
from hmc_tui.console import LocalConsole
from hmc_tui.hmccli import CommandResult, run_command
from hmc_tui.service.consoles import console_argv, server_env, template
from hmc_tui.service.gate import LoginGate
from hmc_tui.service.logins import LoginLimiter
from hmc_tui.service.prefork import Prefork, can_fork
from hmc_tui.service.ptysession import TERMINAL_RESET, PtySession
from hmc_tui.service.remote import ORIGIN_ENV, ROLE_ENV, USER_ENV
from hmc_tui.service.server import EngineService
from hmc_tui.service.users import User, UserError, UserStore
from shellsim import Limits, Output, Rbash

log = logging.getLogger(__name__)

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 2222




# hmccli.run_command's shape: (console, line, *, allow_files) -> result
CommandRunner = Callable[..., Output]


@dataclass
class SshSettings:
    host: str = DEFAULT_HOST
    port: int = DEFAULT_PORT  # 0: any free port (tests)
    idle_timeout: float = 1800.0  # seconds without input before a console is closed; 0: never
    max_sessions: int = 32  # interactive consoles and running exec commands together
    max_sessions_per_user: int = 8  # of max_sessions, for one user name; 0: no own limit
    reserved_admin_sessions: int = 4  # of max_sessions, only for hmcsuperadmin users
    login_delay: float = 1.0  # first failed password's delay; doubles up to max_login_delay
    max_login_delay: float = 8.0
    max_failures: int = 5  # per source address within failure_window
    failure_window: float = 300.0
    max_auth_per_address: int = 2  # passwords being checked at once from one address
    max_auth: int = 16  # passwords being checked at once in all
    # Threads hashing passwords (scrypt: CPU and 32 MiB each): half the CPUs, so guessing
    # can never take the CPU the commands and the engine need.
    auth_workers: int = field(default_factory=lambda: max(1, (os.cpu_count() or 2) // 2))
    max_unauthenticated: int = 64  # connections not logged in yet, in all
    max_unauthenticated_per_address: int = 10
    login_timeout: float = 30.0  # to authenticate after connecting
    exec_timeout: float = 60.0  # for one exec'd HMC command
    hangup_grace: float = 3.0  # SIGHUP -> SIGKILL for a console whose client left
    # Consoles (`python ...` commands) forked from a template process that has imported
    # them already (prefork.py): milliseconds to start and shared memory, not seconds each.
    prefork: bool = True

    def __post_init__(self) -> None:
        for name in ("max_sessions", "max_failures", "max_auth_per_address", "max_auth",
                     "auth_workers", "max_unauthenticated", "max_unauthenticated_per_address"):
            if getattr(self, name) < 1:
                raise ValueError(f"SSH setting {name} must be at least 1")
        for name in ("max_sessions_per_user", "reserved_admin_sessions"):
            if getattr(self, name) < 0:
                raise ValueError(f"SSH setting {name} must not be negative")
        if self.login_timeout <= 0:
            raise ValueError("SSH setting login_timeout must be positive")

    @property
    def open_sessions(self) -> int:
        """Sessions users other than hmcsuperadmin may hold together (always at least one)."""
        return max(self.max_sessions - self.reserved_admin_sessions, 1)


def settings_gate(store: UserStore, s: SshSettings) -> LoginGate:
    """A login gate with the throttling and session limits of `s`."""
    return LoginGate(store, max_failures=s.max_failures, failure_window=s.failure_window,
                     login_delay=s.login_delay, max_login_delay=s.max_login_delay,
                     max_auth_per_address=s.max_auth_per_address, max_auth=s.max_auth,
                     auth_workers=s.auth_workers, max_sessions=s.max_sessions,
                     max_sessions_per_user=s.max_sessions_per_user,
                     reserved_admin_sessions=s.reserved_admin_sessions)


class HostKeyError(Exception):
    """The host key file is unsafe or unreadable; str() is one line naming it and the fix."""


def load_host_key(path: Path) -> asyncssh.SSHKey:
    """The server's ed25519 key, generated on first use and kept (0600, in a 0700 directory)
    in the data dir. An existing key that others may read or write is refused, as sshd does:
    whoever can read it can impersonate this server."""
    try:
        st = path.stat()
    except FileNotFoundError:
        return _generate_host_key(path)
    except OSError as exc:
        raise HostKeyError(f"{path}: cannot read the SSH host key: {exc.strerror}") from None
    mode = stat.S_IMODE(st.st_mode)
    if mode & 0o077:
        raise HostKeyError(f"{path}: the SSH host key is accessible by others (mode {mode:04o})"
                           f"; fix it with `chmod 600 {path}`")
    try:
        return asyncssh.read_private_key(path)
    except (OSError, asyncssh.KeyImportError, ValueError) as exc:
        raise HostKeyError(f"{path}: not a usable SSH host key ({exc}); move it away and a "
                           "new one is generated") from None


def _generate_host_key(path: Path) -> asyncssh.SSHKey:
    key = asyncssh.generate_private_key("ssh-ed25519", comment="hmc-tui host key")
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    if stat.S_IMODE(path.parent.stat().st_mode) & 0o077:
        path.parent.chmod(0o700)  # the data dir holds the key, the frame and the users
    atomic_write_bytes(path, key.export_private_key(), mode=0o600)
    atomic_write_bytes(path.with_name(path.name + ".pub"), key.export_public_key(), mode=0o644)
    return key


class HmcSshServer:
    """SSH for the engine `service`; consoles connect back to it through `socket_path`."""

    def __init__(self, service: EngineService, store: UserStore, host_key: asyncssh.SSHKey,
                 settings: SshSettings | None = None, *,
                 console_command: Sequence[str] | None = None,
                 command_runner: CommandRunner | None = None,
                 gate: LoginGate | None = None, prefork: Prefork | None = None) -> None:
        self.service = service
        self.store = store
        self.host_key = host_key
        self.settings = settings or SshSettings()
        self.console_command = list(console_command or console_argv(service.socket_path))
        self._runner = command_runner or run_command
        # Passwords and session slots; shared with the service's other doors when given.
        self._own_gate = gate is None
        self.gate = gate or settings_gate(store, self.settings)
        self.port = 0
        self._acceptor: asyncssh.SSHAcceptor | None = None
        self._connections: set[asyncssh.SSHServerConnection] = set()
        self._unauthenticated: dict[str, list[_Connection]] = {}  # address -> oldest first
        self._consoles: dict[int, PtySession] = {}  # pid -> session
        self._tasks: set[asyncio.Task[None]] = set()
        # The console template: `serve`'s, started before us (early_template), when given;
        # else our own, started with the listener.
        self._prefork = prefork
        self._own_prefork = prefork is None

    @property
    def fingerprint(self) -> str:
        return str(self.host_key.get_fingerprint("sha256"))

    @property
    def limiter(self) -> LoginLimiter:
        return self.gate.limiter

    @property
    def auth_executor(self) -> Executor:
        """The password-hashing threads (the gate's), for other doors that check passwords."""
        return self.gate.auth_executor

    @property
    def active_sessions(self) -> int:
        """Sessions open through every door sharing this server's gate."""
        return self.gate.sessions

    @property
    def unauthenticated(self) -> int:
        return sum(len(conns) for conns in self._unauthenticated.values())

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
            # asyncio accepts up to `backlog` sockets in one go before any of them can be
            # refused: 100 (the default) overshot a 256-descriptor limit during a flood.
            backlog=32, server_version="hmc-tui")
        sockets = self._acceptor.sockets
        self.port = sockets[0].getsockname()[1] if sockets else s.port
        log.info("SSH listening on %s:%d", s.host, self.port)
        if not s.prefork:
            self._prefork = None
        elif self._own_prefork:  # started now: it imports while nobody waits for a console
            self._prefork = template(self.console_command)
            await self._prefork.start()

    @property
    def prefork(self) -> Prefork | None:
        """The console template process, which the browser console server shares."""
        return self._prefork

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
        if self._own_gate:
            self.gate.close()
        if self._prefork is not None and self._own_prefork:
            await self._prefork.stop()
        self._prefork = None

    # ------------------------------------------------------------------ before login
    def _admit(self, conn: _Connection) -> bool:
        """Whether a new connection may start logging in; may drop another one for it."""
        s = self.settings
        mine = self._unauthenticated.get(conn.address, [])
        if len(mine) >= s.max_unauthenticated_per_address:
            log.warning("refusing a connection from %s: %d connections from it are not "
                        "logged in yet", conn.address, len(mine))
            return False
        if self.unauthenticated >= s.max_unauthenticated:
            heaviest = max(self._unauthenticated.values(), key=len)
            if len(heaviest) <= len(mine) + 1:  # no address holds clearly more than this one
                log.warning("refusing a connection from %s: %d connections are not logged "
                            "in yet", conn.address, self.unauthenticated)
                return False
            victim = heaviest.pop(0)
            log.warning("dropping the oldest connection not logged in from %s for one from %s",
                        victim.address, conn.address)
            victim.drop()
        self._unauthenticated.setdefault(conn.address, []).append(conn)
        return True

    def _logged_in_or_gone(self, conn: _Connection) -> None:
        conns = self._unauthenticated.get(conn.address)
        if conns is not None:
            with contextlib.suppress(ValueError):
                conns.remove(conn)
            if not conns:
                del self._unauthenticated[conn.address]

    # ------------------------------------------------------------------ sessions
    def _user(self, username: str) -> User | None:
        try:
            return self.store.get(username)
        except UserError as exc:
            log.error("%s", exc)
            return None

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
        user = self._user(username)
        if user is None:  # removed (or the user file broke) since logging in
            _refuse(process, f"the user {username} no longer exists.")
            return
        if process.subsystem:
            _refuse(process, "subsystems are not available.")
            return
        if user.must_change:
            # Only a key login gets here with the flag still set (a password login has just
            # changed it). Like OpenSSH's "You must change your password now and login
            # again!", but the change itself is made at a password login.
            _refuse(process, f"the password of {username} must be changed before first use: "
                    "log in once with the password (ssh -o PreferredAuthentications=password) "
                    f"and choose a new one, or on the server run `hmc-tui users passwd "
                    f"{username}`.")
            return
        refusal = self.gate.claim(username, user.role)
        if refusal is not None:
            _refuse(process, refusal)
            return
        actor = Actor(user=username, role=user.role)
        peer = process.get_extra_info("peername")
        origin = f"ssh {peer[0]}" if peer else "ssh"
        command = (process.command or "").strip()
        try:
            pty = process.get_terminal_type() is not None
            if pty and (command == "shell" or (not command and user.shell == "rbash")):
                await self._console(process, actor, origin, rbash_argv(self.service.socket_path,
                                                                       self.store.path))
            elif command == "shell":
                _refuse(process, "the HMC prompt needs a terminal; connect with `ssh -t`.")
            elif pty and opens_terminal(command):  # bridged by the prompt's process
                await self._console(process, actor, origin, [*rbash_argv(
                    self.service.socket_path, self.store.path), "-c", command])
            elif command:
                await self._exec(process, actor, origin, command)
            elif not pty:
                _write(process, "hmc-tui: this is an interactive console and needs a terminal; "
                       "connect with `ssh -t`, or give an HMC command to run.\n", err=True)
                process.exit(1)
            else:
                await self._console(process, actor, origin)
        finally:
            self.gate.release(username)

    async def _console(self, process: asyncssh.SSHServerProcess[bytes], actor: Actor,
                       origin: str, argv: Sequence[str] | None = None) -> None:
        """The console (or, with `argv`, the HMC prompt) in a PTY process of its own."""
        env = self._console_env(process, actor, origin)
        argv = list(argv or self.console_command)
        # Only a command this interpreter runs can be forked from the template.
        forked = self._prefork is not None and can_fork(argv)
        session = PtySession(process, argv, env,
                             cwd=str(Path.home()),
                             idle_timeout=self.settings.idle_timeout,
                             hangup_grace=self.settings.hangup_grace,
                             on_spawn=lambda pid: self._consoles.__setitem__(pid, session),
                             spawner=self._prefork.spawn if forked and self._prefork else None)
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
        return console_environment(process.get_terminal_type() or "xterm-256color", actor,
                                   origin)

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

    def run_line(self, actor: Actor, line: str) -> Output:
        """One restricted-shell command line for `actor` (in a worker thread: commands wait
        on the engine); the HMC commands in it run through the command runner."""
        runner = self._runner
        console = LocalConsole(self.service.engine, actor)

        def run_hmc(words: list[str]) -> Output:
            command = shlex.join(words)
            try:
                # allow_files=False: `-f FILE` must never read the server's files for a
                # remote user.
                return runner(console, command, allow_files=False, users=self.store)
            except Exception:
                log.exception("command %r failed", command)
                return CommandResult(stderr="hmc-tui: internal error running the command\n",
                                     exit_code=1)

        shell = Rbash(run_hmc, HmcCommandNames(), user=actor.user,
                      limits=Limits(max_seconds=self.settings.exec_timeout))
        return shell.run(line)


def console_environment(term: str, actor: Actor, origin: str) -> dict[str, str]:
    """A console process's clean environment: nothing of the client's but its terminal type
    (its own variables, LD_PRELOAD or PYTHON* included, are never passed on), nothing of the
    server's but the locations the console needs."""
    return {
        **server_env(),
        "TERM": term,
        # OpenSSH does not forward COLORTERM; every terminal worth using has truecolor.
        "COLORTERM": "truecolor",
        USER_ENV: actor.user,
        ROLE_ENV: actor.role,
        ORIGIN_ENV: origin,
    }


def rbash_argv(socket_path: Path, users_path: Path) -> list[str]:
    """How the interactive HMC prompt is started: this interpreter, hmc_tui.rbash."""
    return [sys.executable, "-m", "hmc_tui.rbash", str(socket_path), "--users", str(users_path)]


TERMINAL_COMMANDS = ("mkvterm", "vtmenu")


def opens_terminal(line: str) -> bool:
    """Whether an exec'd line runs a command that bridges the user's terminal to a
    partition's: it then runs in a PTY process like the HMC prompt, not in this one."""
    try:
        words = shlex.split(line)
    except ValueError:
        return False
    return any(word in TERMINAL_COMMANDS for word in words)


class HmcCommandNames:
    """The HMC command names the restricted shell hands to the command runner (read at each
    lookup: commands are registered as their modules are imported)."""

    def __contains__(self, name: object) -> bool:
        try:
            from hmc_tui.hmccli import COMMANDS
        except ImportError:
            return False
        return name == "help" or name in COMMANDS


def _duration(seconds: float) -> str:
    if seconds >= 120:
        return f"{seconds / 60:g} minutes"
    return f"{seconds:g} seconds"


def _refuse(process: asyncssh.SSHServerProcess[bytes], message: str) -> None:
    _write(process, f"hmc-tui: {message}\n", err=True, crlf=process.get_terminal_type() is not None)
    process.exit(1)


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
        self.address = "?"

    def connection_made(self, conn: asyncssh.SSHServerConnection) -> None:
        self._conn = conn
        peer = conn.get_extra_info("peername")
        self.address = str(peer[0]) if peer else "?"
        self._owner._connections.add(conn)
        if not self._owner._admit(self):
            # Closed right after our version string, before any key exchange: the cheapest
            # refusal there is (aborting inside connection_made breaks asyncssh's own setup).
            asyncio.get_running_loop().call_soon(conn.abort)

    def drop(self) -> None:
        if self._conn is not None:
            self._conn.abort()

    def auth_completed(self) -> None:
        self._owner._logged_in_or_gone(self)

    def connection_lost(self, exc: Exception | None) -> None:
        self._owner._logged_in_or_gone(self)
        if self._conn is not None:
            self._owner._connections.discard(self._conn)

    def _refuse_blocked(self) -> None:
        limiter = self._owner.limiter
        wait = int(limiter.retry_after(self.address)) + 1
        log.warning("refusing %s: too many failed logins", self.address)
        if self._conn is not None:
            self._conn.disconnect(
                asyncssh.DISC_NO_MORE_AUTH_METHODS_AVAILABLE,
                f"too many failed logins from {self.address}; try again in {wait} s")

    def begin_auth(self, username: str) -> bool:
        if self._owner.limiter.blocked(self.address):
            self._refuse_blocked()
        return True  # authentication is always required

    def password_auth_supported(self) -> bool:
        return True

    def kbdint_auth_supported(self) -> bool:
        # asyncssh would offer keyboard-interactive as a stand-in for passwords, which
        # OpenSSH tries first, but cannot ask for a password change through it: the right
        # password would just fail there. Plain "password" carries the change request.
        return False

    async def _check_password(self, username: str, password: str) -> bool:
        """Whether `password` is `username`'s, throttled by the shared gate; a blocked address
        is disconnected with the time it must wait."""
        check = await self._owner.gate.check_password(self.address, username, password)
        if check == "blocked":
            self._refuse_blocked()
        return check == "ok"

    async def validate_password(self, username: str, password: str) -> bool:
        if not await self._check_password(username, password):
            return False
        user = self._owner._user(username)
        if user is not None and user.must_change:
            log.info("%s from %s must change the password", username, self.address)
            raise asyncssh.PasswordChangeRequired(
                f"The password of {username} has expired and must be changed now.")
        log.info("%s logged in from %s (password)", username, self.address)
        return True

    async def change_password(self, username: str, old_password: str,
                              new_password: str) -> bool:
        """The client's answer to PasswordChangeRequired (or a change it asked for)."""
        if not await self._check_password(username, old_password):
            return False
        try:
            await asyncio.get_running_loop().run_in_executor(
                self._owner.gate.auth_executor, self._owner.store.change_password, username,
                old_password, new_password)
        except UserError as exc:
            # The client asks again for a new password; the message says what was wrong.
            raise asyncssh.PasswordChangeRequired(f"{str(exc).capitalize()}.") from None
        log.info("%s changed the password and logged in from %s", username, self.address)
        return True

    def public_key_auth_supported(self) -> bool:
        return True

    def validate_public_key(self, username: str, key: asyncssh.SSHKey) -> bool:
        if self._owner.limiter.blocked(self.address):
            return False
        try:
            return self._owner.store.accepts_key(username, key.public_data)
        except UserError as exc:
            log.error("%s", exc)
            return False
