"""The restricted shell's builtin commands: echo, printf, date, uname, whoami, hostname, pwd,
cd (refused), export/unset (PATH, SHELL, ENV and BASH_ENV are readonly), exit and cat (of
standard input only).

`Builtins` is the part of the shell object they need: its variables, `$?`, the user, the
HMC's host name and the clock. Each builtin takes its arguments and standard input and
returns (stdout, stderr, status).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime

from shellsim.awk import c_format

READONLY = ("PATH", "SHELL", "ENV", "BASH_ENV")
Answer = tuple[str, str, int]


class Abort(Exception):
    """Stops the line: a limit, `exit`, or an error bash treats as fatal for -c."""

    def __init__(self, message: str, status: int) -> None:
        super().__init__(message)
        self.message = message
        self.status = status


class Refused(Exception):
    """Fails one command, as bash fails a command whose redirection is refused: the message
    is printed, the command's status is `status`, and the line goes on."""

    def __init__(self, message: str, status: int = 1) -> None:
        super().__init__(message)
        self.message = message
        self.status = status


class Exit(Abort):
    """`exit N`: ends the line (and an interactive session) with status N."""

    def __init__(self, status: int) -> None:
        super().__init__("", status)


class Builtins:
    shell_name = "rbash"  # the prefix of the shell's own messages (a subclass may be ksh)
    vars: dict[str, str]
    status: int
    user: str
    hostname: Callable[[], str]
    clock: Callable[[], datetime]

    def builtin_table(self) -> dict[str, Callable[[list[str], str], Answer]]:
        return {
            "echo": self._echo, "printf": self._printf, "date": self._date,
            "uname": self._uname, "whoami": self._whoami, "hostname": self._hostname,
            "true": lambda a, s: ("", "", 0), "false": lambda a, s: ("", "", 1),
            ":": lambda a, s: ("", "", 0), "cd": self._cd, "export": self._export,
            "unset": self._unset, "exit": self._exit, "logout": self._exit,
            "pwd": lambda a, s: (self.vars["PWD"] + "\n", "", 0), "cat": self._cat,
        }

    def _echo(self, args: list[str], stdin: str) -> Answer:
        newline, escapes = True, False
        while args and re.fullmatch(r"-[neE]+", args[0]):
            newline = newline and "n" not in args[0]
            escapes = "e" in args[0] or (escapes and "E" not in args[0])
            args = args[1:]
        text = " ".join(args)
        if escapes:
            text = re.sub(r"\\([ntr\\])", lambda m: {"n": "\n", "t": "\t", "r": "\r",
                                                     "\\": "\\"}[m.group(1)], text)
        return text + ("\n" if newline else ""), "", 0

    def _printf(self, args: list[str], stdin: str) -> Answer:
        if not args:
            return "", "printf: usage: printf [-v var] format [arguments]\n", 2
        fmt = re.sub(r"\\([ntr\\])", lambda m: {"n": "\n", "t": "\t", "r": "\r",
                                                "\\": "\\"}[m.group(1)], args[0])
        values: list[object] = list(args[1:])
        # bash reuses the format while arguments remain
        per_pass = len(re.findall(r"%[-+ 0#]*\d*(?:\.\d+)?[sdifeEgGxXoc]", fmt))
        out = [c_format(fmt, values[:per_pass] if per_pass else [])]
        rest = values[per_pass:] if per_pass else []
        while rest:
            out.append(c_format(fmt, rest[:per_pass]))
            rest = rest[per_pass:]
        return "".join(out), "", 0

    def _date(self, args: list[str], stdin: str) -> Answer:
        now = self.clock()
        fmt = "%a %b %e %H:%M:%S %Z %Y"
        for arg in args:
            if arg.startswith("+"):
                fmt = arg[1:]
            elif arg in ("-u", "--utc"):
                now = now.astimezone(UTC)
            else:
                return "", f"date: invalid date ‘{arg}’\n", 1
        fmt = fmt.replace("%N", f"{now.microsecond * 1000:09d}").replace(
            "%s", str(int(now.timestamp())))
        return now.strftime(fmt) + "\n", "", 0

    def _uname(self, args: list[str], stdin: str) -> Answer:
        if not args or args == ["-s"]:
            return "Linux\n", "", 0
        if args == ["-n"]:
            return self.hostname() + "\n", "", 0
        if args == ["-a"]:
            return f"Linux {self.hostname()} 5.14.0 #1 SMP ppc64le GNU/Linux\n", "", 0
        return "", f"uname: invalid option -- '{args[0].lstrip('-')[:1]}'\n", 1

    def _whoami(self, args: list[str], stdin: str) -> Answer:
        return self.user + "\n", "", 0

    def _hostname(self, args: list[str], stdin: str) -> Answer:
        return self.hostname() + "\n", "", 0

    def _cd(self, args: list[str], stdin: str) -> Answer:
        return "", f"{self.shell_name}: cd: restricted\n", 1

    def _export(self, args: list[str], stdin: str) -> Answer:
        for arg in args:
            name, eq, value = arg.partition("=")
            if name in READONLY:
                return "", f"{self.shell_name}: {name}: readonly variable\n", 1
            if eq:
                self.vars[name] = value
        return "", "", 0

    def _unset(self, args: list[str], stdin: str) -> Answer:
        for name in args:
            if name in READONLY:
                return "", f"{self.shell_name}: unset: {name}: cannot unset: readonly variable\n", 1
            self.vars.pop(name, None)
        return "", "", 0

    def _exit(self, args: list[str], stdin: str) -> Answer:
        status = self.status
        if args:
            if not re.fullmatch(r"-?\d+", args[0]):
                raise Abort(f"{self.shell_name}: exit: {args[0]}: numeric argument required", 2)
            status = int(args[0]) & 0xFF
        raise Exit(status)

    def _cat(self, args: list[str], stdin: str) -> Answer:
        files = [a for a in args if a != "-"]
        if files:
            return "", "".join(f"cat: {f}: No such file or directory\n" for f in files), 1
        return stdin, "", 0
