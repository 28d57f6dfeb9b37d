"""The `serve` and `users` subcommands of `hmc-tui`.

`add_subcommands(subparsers)` registers both on the hmc-tui parser; each handler takes the
parsed namespace and returns the exit code. `python -m hmc_tui.service ...` runs them without
the rest of the command (tests and benchmarks use that).

First start of `serve` with SSH and no users at all: the user hscroot (hmcsuperadmin) is
created with a generated password written to a 0600 file in the data dir (only the file's path
is printed: service output often ends up in a log). The password must be changed at the first
password login (the SSH client asks for a new one), or with `hmc-tui users passwd hscroot`.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import getpass
import logging
import math
import os
import shlex
import signal
import sys
import time
import traceback
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from engine.durable import DEFAULT_RETENTION_DAYS, db_path_for, open_engine
from engine.errors import HmcError
from engine.store import FrameFileError, ensure_user_frame, load_hmc
from hmc_tui.service.consoles import console_argv, template
from hmc_tui.service.paths import data_dir, default_socket_path, host_key_path
from hmc_tui.service.server import EngineService, ServiceAlreadyRunning
from hmc_tui.service.users import (
    INITIAL_ADMIN,
    ROLES,
    SHELLS,
    UserError,
    UserStore,
    parse_public_keys,
)

if TYPE_CHECKING:
    import asyncssh

    from engine.service import Engine
    from hmc_tui.rest.server import RestServer
    from hmc_tui.service.gate import LoginGate
    from hmc_tui.service.prefork import Prefork
    from hmc_tui.service.sshd import HmcSshServer


PROG = "hmc-tui"
log = logging.getLogger("hmc_tui.service")


# ---------------------------------------------------------------- registration


def add_subcommands(subparsers: argparse._SubParsersAction[Any]) -> None:
    """Register `serve` and `users` on the hmc-tui parser's subparsers."""
    _add_serve(subparsers)
    _add_users(subparsers)


def _listen(text: str) -> tuple[str, int]:
    host, sep, port = text.rpartition(":")
    if not sep or not port.isdecimal() or not 0 <= int(port) <= 65535:
        raise argparse.ArgumentTypeError(f"expected HOST:PORT, got {text!r}")
    return host.strip("[]") or "127.0.0.1", int(port)


REST_DEFAULT = ("127.0.0.1", 12443)  # the HMC's REST port


def _rest(text: str) -> tuple[str, int] | None:
    """`--rest HOST:PORT`, or `off` (None)."""
    return None if text == "off" else _listen(text)


def _positive(text: str) -> float:
    value = float(text)
    if not 0 < value < math.inf:  # NaN fails this too
        raise argparse.ArgumentTypeError("must be a positive number")
    return value


def _count(text: str) -> int:
    if not text.isdecimal():
        raise argparse.ArgumentTypeError("must be a whole number, 0 or more")
    return int(text)


def _add_serve(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    text = "run the engine service: one shared frame for consoles and SSH users"
    sub = subparsers.add_parser("serve", help=text, description=text)  # --frame: hmc_tui.cli
    sub.add_argument("--listen", metavar="HOST:PORT", type=_listen, default=("127.0.0.1", 2222),
                     help="SSH address (default 127.0.0.1:2222)")
    sub.add_argument("--socket", metavar="PATH", type=Path, default=None,
                     help="engine socket for consoles (default: in the runtime or state dir)")
    sub.add_argument("--speed", metavar="N", type=_positive, default=1.0,
                     help="engine seconds per wall second (default 1: real time)")
    sub.add_argument("--no-ssh", action="store_true",
                     help="serve local consoles only (no SSH; no REST API unless --rest)")
    sub.add_argument("--rest", metavar="HOST:PORT|off", type=_rest, default=False,
                     help="HTTPS address of the HMC REST API (default 127.0.0.1:12443; "
                     "off: none)")
    sub.add_argument("--rest-max-connections", metavar="N", type=_count, default=32,
                     help="REST connections one address may hold open (0: no cap; "
                     "default 32); more get 503")
    sub.add_argument("--rest-keepalive", metavar="SECONDS", type=_positive, default=60.0,
                     help="close idle REST connections after this long (default 60)")
    sub.add_argument("--web", metavar="HOST:PORT", type=_listen, default=None,
                     help="also serve the console in a browser at https://HOST:PORT/ behind a "
                     "login page (off unless given; e.g. 127.0.0.1:12480)")
    sub.add_argument("--web-http", action="store_true",
                     help="serve --web as plain HTTP (loopback, or behind a TLS proxy)")
    sub.add_argument("--idle-timeout", metavar="SECONDS", type=float, default=1800.0,
                     help="close SSH consoles idle this long (0: never; default 1800)")
    sub.add_argument("--max-sessions", metavar="N", type=int, default=32,
                     help="SSH sessions at once (default 32)")
    sub.add_argument("--max-sessions-per-user", metavar="N", type=_count, default=8,
                     help="SSH sessions one user may hold (0: no own limit; default 8)")
    sub.add_argument("--admin-sessions", metavar="N", type=_count, default=4,
                     help="sessions of --max-sessions kept for hmcsuperadmin users (default 4)")
    sub.add_argument("--max-unauthenticated", metavar="N", type=int, default=64,
                     help="SSH connections not logged in yet, at once (default 64)")
    sub.add_argument("--login-timeout", metavar="SECONDS", type=_positive, default=30.0,
                     help="time to log in after connecting (default 30)")
    sub.add_argument("--save-interval", metavar="SECONDS", type=_positive, default=60.0,
                     help="save the frame this often (default 60)")
    sub.add_argument("--audit-days", metavar="N", type=_positive,
                     default=DEFAULT_RETENTION_DAYS,
                     help="keep the audit journal (who did what) this many days "
                     f"(default {DEFAULT_RETENTION_DAYS:g})")
    # Tests and benchmarks: what an SSH console runs ({socket} is replaced).
    sub.add_argument("--console-command", default=None, help=argparse.SUPPRESS)
    sub.add_argument("--login-delay", type=float, default=1.0, help=argparse.SUPPRESS)
    sub.set_defaults(handler=cmd_serve)


def _add_users(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    text = "manage the users who may log in over SSH"
    users = subparsers.add_parser("users", help=text, description=text)
    users.set_defaults(handler=lambda args: _usage(users))
    actions = users.add_subparsers(title="actions", metavar="ACTION")

    add = actions.add_parser("add", help="add a user")
    add.add_argument("name")
    add.add_argument("--role", required=True, choices=ROLES)
    add.add_argument("--key", metavar="FILE", type=Path, action="append", default=[],
                     help="SSH public key file (.pub or authorized_keys); repeatable")
    add.add_argument("--password-stdin", action="store_true",
                     help="read the password from standard input (one line)")
    add.add_argument("--description", default="")
    add.add_argument("--shell", choices=SHELLS, default="console",
                     help="what `ssh -t user@host` opens: the console (default) or the HMC "
                     "prompt (rbash)")
    add.set_defaults(handler=cmd_users_add)

    passwd = actions.add_parser("passwd", help="set a user's password")
    passwd.add_argument("name")
    passwd.add_argument("--password-stdin", action="store_true")
    passwd.set_defaults(handler=cmd_users_passwd)

    remove = actions.add_parser("remove", help="remove a user")
    remove.add_argument("name")
    remove.set_defaults(handler=cmd_users_remove)

    listing = actions.add_parser("list", help="list the users")
    listing.set_defaults(handler=cmd_users_list)


def _usage(parser: argparse.ArgumentParser) -> int:
    parser.print_help(sys.stderr)
    return 2


def _fail(message: str, code: int = 1) -> int:
    print(f"{PROG}: {message}", file=sys.stderr)
    return code


# ---------------------------------------------------------------- users


def _read_password(args: argparse.Namespace, *, required: bool) -> str | None:
    if args.password_stdin:
        line = sys.stdin.readline()
        return line.rstrip("\r\n")
    if not sys.stdin.isatty():
        if required:
            raise UserError("no terminal to ask for the password on: use --password-stdin")
        return None
    first = getpass.getpass("New password: ")
    if first != getpass.getpass("Retype new password: "):
        raise UserError("the passwords do not match")
    return first


def cmd_users_add(args: argparse.Namespace) -> int:
    try:
        keys: list[str] = []
        for path in args.key:
            try:
                text = path.read_text("utf-8")
            except OSError as exc:
                raise UserError(f"{path}: cannot read: {exc.strerror}") from None
            try:
                keys += parse_public_keys(text)
            except UserError as exc:
                raise UserError(f"{path}: {exc}") from None
        # With a key, the password is optional (key-only login); without one it is needed.
        password = _read_password(args, required=not keys)
        if password is None and not keys:
            raise UserError("give a password (--password-stdin) or a key (--key FILE)")
        UserStore().add(args.name, args.role, password=password, keys=keys,
                        description=args.description, shell=args.shell)
    except UserError as exc:
        return _fail(str(exc))
    print(f"added {args.name} ({args.role})")
    return 0


def cmd_users_passwd(args: argparse.Namespace) -> int:
    try:
        store = UserStore()
        if store.get(args.name) is None:
            raise UserError(f"the user {args.name} does not exist")
        password = _read_password(args, required=True)
        assert password is not None
        store.set_password(args.name, password)  # also ends a pending first-login change
    except UserError as exc:
        return _fail(str(exc))
    print(f"password of {args.name} changed")
    return 0


def cmd_users_remove(args: argparse.Namespace) -> int:
    try:
        UserStore().remove(args.name)
    except UserError as exc:
        return _fail(str(exc))
    print(f"removed {args.name}")
    return 0


def cmd_users_list(args: argparse.Namespace) -> int:
    try:
        users = sorted(UserStore().users(), key=lambda u: u.name)
    except UserError as exc:
        return _fail(str(exc))
    if not users:
        print("No users. Add one with `hmc-tui users add NAME --role ROLE`, or start "
              "`hmc-tui serve`, which creates hscroot.")
        return 0
    rows = [("NAME", "ROLE", "PASSWORD", "KEYS", "SHELL", "DESCRIPTION")]
    rows += [(u.name, u.role, _password_state(u.has_password, u.must_change), str(len(u.keys)),
              u.shell, u.description) for u in users]
    widths = [max(len(r[i]) for r in rows) for i in range(5)]
    for row in rows:
        print("  ".join(cell.ljust(w) for cell, w in zip(row[:5], widths, strict=True))
              + "  " + row[5])
    return 0


def _password_state(has_password: bool, must_change: bool) -> str:
    if not has_password:
        return "no"
    return "expired" if must_change else "yes"


# ---------------------------------------------------------------- serve


def cmd_serve(args: argparse.Namespace) -> int:
    with _service_log():
        return _run_serve(args)


@contextlib.contextmanager
def _service_log() -> Iterator[None]:
    """The service's log on stderr, repeated records throttled (a flood makes the same
    messages thousands of times a second: ratelog). Our own handler, removed on return, so a
    run inside another program (the tests) leaves that program's logging as it was."""
    from hmc_tui.service.ratelog import RepeatFilter

    root = logging.getLogger()
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(RepeatFilter())
    level = root.level
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    logging.getLogger("asyncssh").setLevel(logging.WARNING)
    try:
        yield
    finally:
        root.removeHandler(handler)
        root.setLevel(level)


def _run_serve(args: argparse.Namespace) -> int:
    socket_path: Path = args.socket or default_socket_path()
    command = _console_command(args, socket_path)
    prefork = _early_template(args, command)
    try:
        return _run_serve_with(args, socket_path, command, prefork)
    finally:
        if prefork is not None:  # no console is asked for any more: not worth a wait
            prefork.close(grace=0.5)


def _console_command(args: argparse.Namespace, socket_path: Path) -> list[str]:
    if args.console_command:
        return [part.replace("{socket}", str(socket_path))
                for part in shlex.split(args.console_command)]
    return console_argv(socket_path)


def _early_template(args: argparse.Namespace, command: Sequence[str]) -> Prefork | None:
    """The console template for SSH and the browser, started first thing in `serve`: it
    imports the console (a second of CPU) while this process imports the rest and the
    engine loads its frame, and warms up as soon as the service's socket answers, so that
    the first logins find it ready (prefork.py)."""
    if args.no_ssh and args.web is None:
        return None
    prefork = template(command)
    prefork.launch()
    return prefork


def _run_serve_with(args: argparse.Namespace, socket_path: Path, command: list[str],
                    prefork: Prefork | None) -> int:
    frame_arg: Path | None = getattr(args, "frame", None)
    try:
        frame_path = frame_arg if frame_arg is not None else ensure_user_frame()
        frame = load_hmc(frame_path)  # a bad file is refused before anything starts
    except FrameFileError as exc:
        return _fail(str(exc), 2)
    store = UserStore()
    host_key = None
    if not args.no_ssh:
        from hmc_tui.service.sshd import HostKeyError, load_host_key

        try:  # before anything is written or started: an unsafe host key stops here
            host_key = load_host_key(host_key_path())
        except HostKeyError as exc:
            return _fail(str(exc))
    args.web_tls = None
    if args.web is not None and not args.web_http:
        # HTTPS with the data dir's self-signed certificate, the one the REST API uses.
        from hmc_tui.rest import certificate

        try:
            cert, key = certificate.load_or_create(data_dir())
            args.web_tls = (certificate.ssl_context(cert, key), certificate.fingerprint(cert))
        except (certificate.CertificateError, OSError) as exc:
            return _fail(str(exc))
    if not args.no_ssh or args.web or _rest_address(args) is not None:  # doors with logins
        try:
            password_file = store.ensure_initial_admin()
        except (UserError, OSError) as exc:
            return _fail(str(exc))
        if password_file is not None:
            print(f"Created the user {INITIAL_ADMIN} (hmcsuperadmin). Its first password is in "
                  f"{password_file} (readable by you only); it must be changed at the first "
                  f"login, or with `{PROG} users passwd {INITIAL_ADMIN}`.", flush=True)
    rest_dir = None
    if _rest_address(args) is not None:
        from hmc_tui.rest.certificate import CertificateError, load_or_create

        try:  # as for the host key: a certificate problem stops here, before anything runs
            load_or_create(host_key_path().parent)
        except (CertificateError, OSError) as exc:
            return _fail(str(exc))
        rest_dir = host_key_path().parent
    try:
        return asyncio.run(_serve(args, frame_path, frame, socket_path, store, host_key,
                                  rest_dir, command, prefork))
    except (ServiceAlreadyRunning, ValueError, OSError, HmcError) as exc:
        return _fail(str(exc))


def _rest_address(args: argparse.Namespace) -> tuple[str, int] | None:
    """Where the REST API listens: --rest, else the default unless --no-ssh."""
    if args.rest is False:  # not given
        return None if args.no_ssh else REST_DEFAULT
    return args.rest


async def _serve(args: argparse.Namespace, frame_path: Path, frame: object, socket_path: Path,
                 store: UserStore, host_key: asyncssh.SSHKey | None,
                 rest_dir: Path | None = None, command: list[str] | None = None,
                 prefork: Prefork | None = None) -> int:
    from hmc_tui.service.sshd import HmcSshServer, SshSettings, settings_gate

    mode = "realtime" if args.speed == 1.0 else "accelerated"
    # The frame file plus every operation acknowledged after its last save (engine.durable).
    engine, recovery = open_engine(frame_path, mode=mode, speed=args.speed,
                                   retention_days=args.audit_days)
    if recovery.replayed:
        print(f"replayed {recovery.replayed} logged operation(s) onto {frame_path}", flush=True)
    engine.start()
    service = EngineService(engine, socket_path, frame_path=frame_path,
                            save_interval=args.save_interval, users=store)
    ssh: HmcSshServer | None = None
    rest: RestServer | None = None
    web: Any = None  # hmc_tui.web.server.WebConsoleServer, imported only when asked for
    host, port = args.listen
    settings = SshSettings(host=host, port=port, idle_timeout=args.idle_timeout,
                           max_sessions=args.max_sessions,
                           max_sessions_per_user=args.max_sessions_per_user,
                           reserved_admin_sessions=args.admin_sessions,
                           max_unauthenticated=args.max_unauthenticated,
                           login_timeout=args.login_timeout,
                           login_delay=args.login_delay)
    # One gate for every door: failed logins count across SSH, REST and the browser, and
    # session slots across SSH and the browser.
    gate = settings_gate(store, settings)
    try:
        await service.start()
        if host_key is not None:
            ssh = HmcSshServer(service, store, host_key, settings, console_command=command,
                               gate=gate, prefork=prefork)
            await ssh.start()
            print(f"SSH on {host}:{ssh.port}, host key {ssh.fingerprint}", flush=True)
        if rest_dir is not None:
            rest = await _start_rest(args, engine, store, gate, rest_dir, service)
        if args.web is not None:
            from hmc_tui.web.server import WebConsoleServer, WebSettings

            web_host, web_port = args.web
            tls, fingerprint = args.web_tls or (None, "")
            web = WebConsoleServer(service, store, gate, WebSettings(
                host=web_host, port=web_port, idle_timeout=args.idle_timeout, ssl=tls),
                console_command=command, prefork=prefork)
            await web.start()
            print(f"browser console on {web.url}"
                  + (f", certificate {fingerprint}" if fingerprint else ""), flush=True)
        print(f"engine service on {socket_path}, frame {frame_path}; Ctrl-C or SIGTERM to stop",
              flush=True)
        stop = asyncio.Event()
        service.on_engine_failure = stop.set  # then exit non-zero: a supervisor restarts us
        loop = asyncio.get_running_loop()
        # SIGHUP too: a service whose terminal went away should stop with its frame saved.
        for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
            loop.add_signal_handler(sig, stop.set)
        await stop.wait()
        log.info("stopping")
    finally:
        if web is not None:
            await web.stop()
        if rest is not None:
            await rest.stop()
        if ssh is not None:
            await ssh.stop()
        gate.close()
        engine.stop()
        await service.stop()  # saves the frame, atomically, after the clock stopped
    if service.save_error:
        return _fail(f"frame not saved: {service.save_error} (the operation log "
                     f"{db_path_for(frame_path)} keeps every operation)")
    print(f"frame saved to {frame_path}", flush=True)
    if engine.failure is not None:
        return _fail(f"the engine failed ({engine.failure}); the frame was saved as it was "
                     "before the failure")
    return 0


async def _start_rest(args: argparse.Namespace, engine: Engine, store: UserStore,
                      gate: LoginGate, cert_dir: Path,
                      service: EngineService | None = None) -> RestServer:
    """The REST API (hmc_tui/rest), sharing the service's login gate (failed-login throttle
    and password-hashing threads) with SSH and the browser console, so guesses count the
    same at every door."""
    from hmc_tui.rest.context import RestSettings
    from hmc_tui.rest.server import RestServer, make_context

    host, port = _rest_address(args) or REST_DEFAULT
    defaults = RestSettings()  # for callers whose args predate these options
    settings = RestSettings(host=host, port=port, max_connections_per_address=getattr(
        args, "rest_max_connections", defaults.max_connections_per_address),
        keepalive_timeout=getattr(args, "rest_keepalive", defaults.keepalive_timeout))
    ctx = make_context(engine, store, settings,
                       limiter=gate.limiter, executor=gate.auth_executor,
                       login_timeout=args.login_timeout, service=service)
    rest = RestServer(ctx, cert_dir)
    await rest.start()
    print(f"REST API on https://{host}:{rest.port}, certificate {rest.fingerprint}",
          flush=True)
    return rest


# ---------------------------------------------------------------- --connect


def run_remote_console(socket_path: str | Path | None = None) -> int:
    """`hmc-tui --connect SOCKET`: the console on a running engine service, as the user the
    SSH server put in the environment (or, run by hand, as hscroot on the local service)."""
    from hmc_tui.app import run_console
    from hmc_tui.service.protocol import ServiceGone
    from hmc_tui.service.remote import RemoteConsole

    path = Path(socket_path) if socket_path else default_socket_path()
    try:
        console = RemoteConsole.from_environment(path).connect()
    except ServiceGone as exc:
        return _fail(f"{exc} (is `{PROG} serve` running?)")
    try:
        with _errors_to_file(console.restricted):
            status = run_console(console)
        if not console.connected and console.close_reason:
            # On the user's terminal (stderr is theirs again): why the session ended, e.g.
            # the user was removed from the user store.
            print(f"hmc-tui: {console.close_reason}", file=sys.stderr)
        return status
    finally:
        console.close()


@contextlib.contextmanager
def _errors_to_file(remote: bool) -> Iterator[None]:
    """For a remote user's console, tracebacks go to a 0600 file in the state dir, never to
    the user's terminal: Textual prints a crash's traceback, local variables included, on
    sys.stderr after leaving its screen (its screen output goes to sys.__stderr__, which stays
    the terminal). The SSH server then tells the user the console stopped (ptysession.py)."""
    if not remote:
        yield
        return
    from hmc_tui.crash_log import open_error_log

    try:  # the same log as the app's own handler (crash_log): this catches what it cannot
        errors = open_error_log()
    except OSError:
        errors = open(os.devnull, "w", encoding="utf-8")  # noqa: SIM115 - closed below
    saved = sys.stderr
    sys.stderr = errors
    try:
        errors.write(f"--- console of {os.environ.get('HMC_TUI_USER', '?')}, pid {os.getpid()}, "
                     f"{time.strftime('%Y-%m-%d %H:%M:%S')}\n")
        errors.flush()
        yield
    except Exception:
        traceback.print_exc(file=errors)
        raise SystemExit(1) from None
    finally:
        sys.stderr = saved
        errors.close()


# ---------------------------------------------------------------- standalone


def build_parser() -> argparse.ArgumentParser:
    from hmc_tui.cli import FRAME_OPTION, SubcommandParser  # late: hmc_tui.cli imports us

    parser = argparse.ArgumentParser(prog=f"{PROG}", parents=[FRAME_OPTION])
    commands = parser.add_subparsers(title="commands", metavar="COMMAND", required=True,
                                     parser_class=SubcommandParser)
    add_subcommands(commands)
    # What `hmc-tui --connect SOCKET` does, reachable before the main command is wired.
    connect = commands.add_parser("connect", help="the console on a running service")
    connect.add_argument("socket", nargs="?", type=Path, default=None)
    connect.set_defaults(handler=lambda args: run_remote_console(args.socket))
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    with contextlib.suppress(KeyboardInterrupt):
        return int(args.handler(args))
    return 130
