"""Linux on Power's console (RHEL, SLES): kernel and systemd lines, `HOST login:`, root's
bash with lparstat (powerpc-utils), uname, hostname, who, date; poweroff, halt,
`shutdown -h|-r now` and reboot shut the partition down in the engine."""

from __future__ import annotations

from datetime import datetime

from engine.vterm.guest import aix, boot
from engine.vterm.guest.power import os_shutdown
from engine.vterm.guest.session import GuestSession
from engine.vterm.guest.shell import Answer, Command, Dialect, Env, bash_not_found
from engine.vterm.program import TermIO


def uname_cmd(env: Env, args: list[str]) -> Answer:
    p = env.partition
    kernel = boot.kernel_release(p)
    fields = {"-s": "Linux", "-n": p.name, "-r": kernel,
              "-v": "#1 SMP Fri Oct 27 10:44:41 EDT 2023", "-m": "ppc64le", "-p": "ppc64le",
              "-i": "ppc64le", "-o": "GNU/Linux"}
    if not args:
        return "Linux\n", "", 0
    if args == ["-a"]:
        return " ".join(fields.values()) + "\n", "", 0
    if all(a in fields for a in args):
        return " ".join(fields[a] for a in args) + "\n", "", 0
    return "", f"uname: invalid option -- '{args[0].lstrip('-')[:1]}'\n" \
               "Try 'uname --help' for more information.\n", 1


def who_cmd(env: Env, args: list[str]) -> Answer:
    since = env.session.login_time or env.wall()
    return f"{env.user:<8} hvc0         {since.strftime('%Y-%m-%d %H:%M')}\n", "", 0


def _down(env: Env, restart: bool) -> Answer:
    env.session.shut_down(env.io, os_shutdown(env.partition, restart=restart, immediate=True),
                          restart)
    return "", "", 0


def shutdown_cmd(env: Env, args: list[str]) -> Answer:
    flags = {a for a in args if a.startswith("-")}
    if flags - {"-h", "-r", "-P", "--poweroff", "--reboot", "--halt"} or \
            [a for a in args if not a.startswith("-")] not in ([], ["now"]):
        return "", "shutdown: only 'shutdown -h now', 'shutdown -r now' and 'shutdown' are " \
                   "simulated\n", 1
    return _down(env, restart=bool(flags & {"-r", "--reboot"}))


COMMANDS: dict[str, Command] = {
    "lparstat": aix.lparstat_cmd, "uname": uname_cmd, "who": who_cmd,
    "shutdown": shutdown_cmd, "poweroff": lambda env, a: _down(env, False),
    "halt": lambda env, a: _down(env, False), "reboot": lambda env, a: _down(env, True),
}


def dialect(user: str) -> Dialect:
    return Dialect("bash", bash_not_found, COMMANDS)


def motd(env: Env) -> str:
    return f"Last login: {env.wall().strftime('%a %b %e %H:%M:%S %Y')} on hvc0\n"


def program() -> GuestSession:
    def stages(io: TermIO, now: datetime) -> list[boot.Stage]:
        return boot.linux_boot(io.frame, io.partition, now)

    return GuestSession("linux", dialect, stages,
                        prompt=lambda env: f"[{env.user}@{env.partition.name} ~]"
                                           f"{'#' if env.user == 'root' else '$'} ",
                        password_prompt=lambda user: "Password: ",
                        bad_login="\nLogin incorrect\n", motd=motd, live=aix.live_job)
