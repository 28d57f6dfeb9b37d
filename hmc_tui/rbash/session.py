"""The interactive HMC prompt (`ssh -t user@hmc shell`): a process of its own on the PTY the
SSH server gives it, like the console, connected to the engine service as the SSH user.

It runs in a PTY child rather than on the SSH channel because the server's channels carry
bytes (the console needs them raw) while asyncssh's line editor needs text channels, and
because GNU readline gives people and pexpect the editing they know: emacs keys, history
(↑, Ctrl-R), TAB completion listing the candidates. Completion is
hmc_tui.hmccli.complete's, through the `hmc-tui shell` readline set-up; the history is kept
per user in the state dir (0600) and never holds a password.

`-c LINE` runs one line and exits with its status: the SSH server starts it so for an exec
request with a terminal that opens a partition's (`ssh -t hmc mkvterm -m SYS -p LPAR`).
mkvterm and vtmenu bridge this process's terminal to the partition's (vterm.py).
"""

from __future__ import annotations

import argparse
import shlex
import sys
from pathlib import Path

PROMPT = "{user}@{host}:~> "


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m hmc_tui.rbash")
    parser.add_argument("socket", type=Path)
    parser.add_argument("--users", type=Path, default=None, help="the user store's file")
    parser.add_argument("-c", dest="line", default=None, help="run this line and exit")
    args = parser.parse_args(argv)

    from engine.store import state_dir
    from hmc_tui.hmccli import run_command
    from hmc_tui.hmccli.shell import remember, setup_readline
    from hmc_tui.service.protocol import ServiceGone
    from hmc_tui.service.remote import RemoteConsole
    from hmc_tui.service.sshd import HmcCommandNames
    from hmc_tui.service.users import UserStore
    from shellsim.shell import Rbash, Result

    try:
        console = RemoteConsole.from_environment(args.socket).connect()
    except ServiceGone as exc:
        print(f"hmc-tui: {exc}", file=sys.stderr)
        return 1
    store = UserStore(args.users)
    user = console.actor.user

    def run_hmc(words: list[str]) -> Result:
        r = run_command(console, shlex.join(words), allow_files=False, users=store)
        if r.terminal is not None and sys.stdin.isatty():
            from hmc_tui.rbash.vterm import open_terminal  # only when a terminal is opened

            sys.stdout.flush()
            r = open_terminal(console, r.terminal)
        return Result(r.stdout, r.stderr, r.exit_code)

    shell = Rbash(run_hmc, HmcCommandNames(), user=user, interactive=True)
    if args.line is not None:
        try:
            result = shell.run(args.line)
            sys.stdout.write(result.stdout)
            sys.stderr.write(result.stderr)
            return result.exit_code
        finally:
            console.close()
    save = setup_readline(state_dir() / f"rbash_history.{user}", console)
    prompt = PROMPT.format(user=user, host=shell.hostname())
    try:
        while not shell.exited:
            try:
                line = input(prompt)
            except EOFError:
                sys.stdout.write("logout\n")
                break
            except KeyboardInterrupt:
                sys.stdout.write("\n")
                continue
            remember(line)
            if line.strip() in ("exit", "logout"):
                break
            try:
                result = shell.run(line)
            except KeyboardInterrupt:  # Ctrl-C during a command: back to the prompt
                sys.stdout.write("\n")
                continue
            sys.stdout.write(result.stdout)
            sys.stdout.flush()
            sys.stderr.write(result.stderr)
            sys.stderr.flush()
            save()
            if not console.connected:
                print(f"hmc-tui: {console.close_reason or 'the service has stopped'}",
                      file=sys.stderr)
                return 1
    finally:
        save()
        console.close()
    return shell.status
