"""A VIOS's console: AIX's boot, `login:` as padmin, the restricted ioscli shell (`$`):
ioslevel, lsmap, lsdev, lspv, lsnports, who, date, hostname, from the same listings the
HMC's viosvrcmd prints (engine.vios_show); `shutdown [-restart] [-force]` asks as the
VIOS asks; `oem_setup_env` leaves for root's ksh with AIX's commands (exit comes back)."""

from __future__ import annotations

from datetime import datetime

from engine import vios
from engine import vios_show as show
from engine.vterm.guest import aix, boot
from engine.vterm.guest.power import os_shutdown
from engine.vterm.guest.session import GuestSession
from engine.vterm.guest.shell import Answer, Command, Dialect, Env, ksh_not_found
from engine.vterm.program import TermIO

CONFIRM = "Shutting down the VIO Server could affect Client Partitions. Continue [y|n]? "


def _lines(lines: list[str]) -> Answer:
    return "".join(f"{line}\n" for line in lines), "", 0


def usage(command: str) -> Answer:
    return "", f"Invalid command or flags specified for {command}.\nTry \"help {command}\".\n", 1


def ioslevel_cmd(env: Env, args: list[str]) -> Answer:
    return _lines([env.partition.os_version.split()[-1]])


def lsmap_cmd(env: Env, args: list[str]) -> Answer:
    frame, v = env.frame, env.partition
    npiv = "-npiv" in args
    rest = [a for a in args if a != "-npiv"]
    adapters = vios.vfchosts(v) if npiv else vios.vhosts(v)
    if rest == ["-all"]:
        chosen = adapters
    elif len(rest) == 2 and rest[0] == "-vadapter":
        chosen = {s: n for s, n in adapters.items() if n == rest[1]}
        if not chosen:
            return "", f"Device \"{rest[1]}\" is not a Server Virtual " \
                       f"{'Fibre Channel' if npiv else 'SCSI'} Adapter (SVSA).\n", 1
    else:
        return usage("lsmap")
    block = show.vfchost_block if npiv else show.vhost_block
    return _lines([line for slot, name in sorted(chosen.items())
                   for line in block(frame, v, slot, name)])


def lsdev_cmd(env: Env, args: list[str]) -> Answer:
    frame, v = env.frame, env.partition
    if args == ["-virtual"]:
        return _lines(show.device_lines(show.virtual_devices(frame, v)))
    if not args:
        rows = sorted(show.devices(frame, v), key=lambda d: show.device_order(d["name"]))
        return _lines(show.device_lines(rows))
    if len(args) == 2 and args[0] == "-dev":
        rows = [d for d in show.devices(frame, v) if d["name"] == args[1]]
        if not rows:
            return "", f"Device \"{args[1]}\" is not found.\n", 1
        return _lines(show.device_lines(rows))
    return usage("lsdev")


def lspv_cmd(env: Env, args: list[str]) -> Answer:
    if args not in ([], ["-size"]):
        return usage("lspv")
    return _lines(show.lspv_lines(env.frame, env.partition, size=bool(args)))


def lsnports_cmd(env: Env, args: list[str]) -> Answer:
    return _lines(show.lsnports_lines(env.frame, env.partition))


def shutdown_cmd(env: Env, args: list[str]) -> Answer:
    if set(args) - {"-restart", "-force"}:
        return usage("shutdown")
    restart = "-restart" in args

    def go() -> None:
        env.session.shut_down(env.io, os_shutdown(env.partition, restart=restart,
                                                  immediate=False), restart)

    if "-force" in args:
        go()
    else:
        env.session.ask(CONFIRM, go)
    return "", "", 0


def oem_setup_env_cmd(env: Env, args: list[str]) -> Answer:
    env.session.push_shell(aix.dialect("root"), "root")
    return "", "", 0


COMMANDS: dict[str, Command] = {
    "ioslevel": ioslevel_cmd, "lsmap": lsmap_cmd, "lsdev": lsdev_cmd, "lspv": lspv_cmd,
    "lsnports": lsnports_cmd, "shutdown": shutdown_cmd, "oem_setup_env": oem_setup_env_cmd,
    "who": aix.who_cmd, "uname": aix.uname_cmd,
}


def dialect(user: str) -> Dialect:
    return Dialect("rksh", ksh_not_found("rksh"), COMMANDS)


def motd(env: Env) -> str:
    return f"Last login: {env.wall().strftime('%a %b %e %H:%M:%S UTC %Y')} on /dev/vty0\n"


def prompt(env: Env) -> str:
    return "# " if env.user == "root" else "$ "


def program() -> GuestSession:
    def stages(io: TermIO, now: datetime) -> list[boot.Stage]:
        return boot.aix_boot(io.frame, io.partition, now, vios=True)

    return GuestSession("vios", dialect, stages, prompt=prompt,
                        password_prompt=lambda user: f"{user}'s Password: ",
                        bad_login=aix.BAD_LOGIN, motd=motd)
