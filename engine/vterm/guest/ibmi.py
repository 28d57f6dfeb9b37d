"""An IBM i partition's console in its own terms: the IPL steps as they are posted, the
Sign On display, then a command line (`===>`) taking a few CL commands: WRKACTJOB,
WRKSYSSTS, DSPSYSVAL, DSPLPARINF (lite versions, figures from the frame and the
dispatcher), PWRDWNSYS (OPTION(*CNTRLD|*IMMED) RESTART(*NO|*YES)), SIGNOFF. User
profiles and passwords are not case-sensitive (QPWDLVL 0); QSECOFR/QSECOFR by default.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from engine.vterm.guest import boot, lparstat
from engine.vterm.guest.power import os_shutdown
from engine.vterm.guest.users import check_password
from engine.vterm.lineedit import EOF, INTERRUPT, LineEditor
from engine.vterm.program import TermIO

PROMPT = "===> "
PARAM = re.compile(r"([A-Z0-9]+)\(([^)]*)\)")


def sign_on(io: TermIO) -> list[str]:
    name = io.partition.name.upper()[:8]
    return ["", f"{'Sign On':^80}".rstrip(),
            f"{'':46}System  . . . . . :   {name}",
            f"{'':46}Subsystem . . . . :   QINTER",
            f"{'':46}Display . . . . . :   QPADEV0001", ""]


def main_menu(io: TermIO) -> list[str]:
    return ["", "MAIN" + f"{'IBM i Main Menu':^72}".rstrip(),
            f"{'System:':>72}   {io.partition.name.upper()[:8]}",
            " Select one of the following:", "",
            "      1. User tasks", "      2. Office tasks", "      3. General system tasks",
            "      4. Files, libraries, and folders", "      5. Programming",
            "      6. Communications", "      7. Define or change the system",
            "      8. Problem handling", "      9. Display a menu",
            "     10. Information Assistant options", "     11. IBM i Access tasks", "",
            "     90. Sign off", "", " Selection or command"]


def _release(io: TermIO) -> str:
    v = io.partition.os_version.split()
    return f"V{v[-1].replace('.', 'R')}M0" if v and v[-1][:1].isdigit() else "V7R5M0"


class IbmiConsole:
    def __init__(self) -> None:
        self.phase = "ipl"  # ipl -> user -> password -> command -> down
        self.seen = ""
        self.user = ""
        self.line = LineEditor()

    # ------------------------------------------------------------------ Program
    def start(self, io: TermIO) -> None:
        if boot_done(io):
            self._sign_on(io)
        else:
            io.write("\r\nIPL in progress. Reference codes follow.\r\n")
            self._ipl(io)

    def tick(self, io: TermIO) -> None:
        p = io.partition
        if p.state == "Shutting Down" or not p.active:
            if self.phase != "down":
                self.phase = "down"
                self._lines(io, boot.shutdown_lines("ibmi", False, _wall(io)))
            return
        if self.phase == "ipl":
            self._ipl(io)

    def feed(self, data: str, io: TermIO) -> None:
        if self.phase in ("ipl", "down"):
            return
        for entry in self.line.feed(data, io):
            if self.phase == "user":
                if entry in (INTERRUPT, EOF) or not entry.strip():
                    io.write(self._user_prompt())
                    continue
                self.user = entry.strip().upper()
                self.phase = "password"
                self.line = LineEditor(echo=False)
                io.write("                 Password  . . . . . . . . . . . .   ")
            elif self.phase == "password":
                self._password(entry, io)
            elif self.phase == "command":
                self._command(entry, io)
            if self.phase == "down":
                return

    # ------------------------------------------------------------------ screens
    def _lines(self, io: TermIO, lines: list[str]) -> None:
        io.write("".join(f"{line}\r\n" for line in lines))

    def _ipl(self, io: TermIO) -> None:
        code = io.partition.refcode
        if code and code != self.seen:
            self.seen = code
            self._lines(io, boot.ibmi_ipl(code))
        if boot_done(io):
            self._sign_on(io)

    def _user_prompt(self) -> str:
        return "                 User  . . . . . . . . . . . . . .   "

    def _sign_on(self, io: TermIO) -> None:
        self.phase = "user"
        self.line = LineEditor()
        self._lines(io, sign_on(io))
        io.write(self._user_prompt())

    def _password(self, entry: str, io: TermIO) -> None:
        from engine.vterm.guest.users import DEFAULT_USERS

        if self.user not in DEFAULT_USERS["ibmi"]:
            self._lines(io, [f"CPF1120 User {self.user} does not exist."])
            self._sign_on(io)
            return
        if entry in (INTERRUPT, EOF) or not check_password(io.partition, "ibmi", self.user,
                                                            entry):
            self._lines(io, [f"CPF1107 Password not correct for user profile {self.user}."])
            self._sign_on(io)
            return
        self.phase = "command"
        self.line = LineEditor()
        self._lines(io, main_menu(io))
        io.write(PROMPT)

    def _command(self, entry: str, io: TermIO) -> None:
        if entry in (INTERRUPT, EOF):
            io.write(PROMPT)
            return
        text = entry.strip().upper()
        if not text:
            io.write(PROMPT)
            return
        name = text.split()[0].split("(")[0]
        params = dict(PARAM.findall(text))
        positional = [w for w in text.split()[1:] if "(" not in w]
        if name in ("SIGNOFF", "90"):
            self._sign_on(io)
            return
        if name == "PWRDWNSYS":
            self._power_down(io, params)
            return
        answer = COMMANDS.get(name)
        if answer is None:
            self._lines(io, [f"CPD0030 Command {name} in library *LIBL not found."])
        else:
            self._lines(io, answer(io, params, positional))
        io.write(PROMPT)

    def _power_down(self, io: TermIO, params: dict[str, str]) -> None:
        option = params.get("OPTION", "*CNTRLD")
        restart = params.get("RESTART", "*NO")
        if option not in ("*CNTRLD", "*IMMED") or restart not in ("*NO", "*YES"):
            self._lines(io, ["CPD0084 Value not valid for parameter "
                             f"{'OPTION' if option not in ('*CNTRLD', '*IMMED') else 'RESTART'}."])
            io.write(PROMPT)
            return
        self.phase = "down"
        self._lines(io, boot.shutdown_lines("ibmi", restart == "*YES", _wall(io)))
        io.submit(os_shutdown(io.partition, restart=restart == "*YES",
                              immediate=option == "*IMMED"))


def boot_done(io: TermIO) -> bool:
    return io.partition.state == "Running" and io.partition.refcode == ""


def _wall(io: TermIO) -> datetime:
    return io.frame.system.epoch.replace(tzinfo=UTC) + timedelta(seconds=io.now)


# ---------------------------------------------------------------- CL commands (lite)


def wrkactjob(io: TermIO, params: dict[str, str], positional: list[str]) -> list[str]:
    r = lparstat.resources(io.partition)
    cpu = min(io.physc / max(r.entitlement, 1e-9) * 100, 999.9)
    jobs = [("QBATCH", "QSYS", "SBS", "DEQW"), ("QCMN", "QSYS", "SBS", "DEQW"),
            ("QCTL", "QSYS", "SBS", "DEQW"), ("QSYSSCD", "QPGMR", "BCH", "EVTW"),
            ("QINTER", "QSYS", "SBS", "DEQW"), ("QPADEV0001", "QSECOFR", "INT", "RUN"),
            ("QSERVER", "QSYS", "SBS", "DEQW"), ("QSPL", "QSYS", "SBS", "DEQW"),
            ("QSYSWRK", "QSYS", "SBS", "DEQW"), ("QUSRWRK", "QSYS", "SBS", "DEQW")]
    head = [f"{'Work with Active Jobs':^80}".rstrip(),
            f"{io.partition.name.upper()[:8]:>78}", "",
            f" CPU %:  {cpu:5.1f}     Elapsed time:   00:00:00     Active jobs:   {len(jobs)}",
            "", " Opt  Subsystem/Job  User        Type  CPU %  Function        Status"]
    return head + [f"      {job:<14} {user:<11} {kind:<5} {0.0:5.1f}  {'':<15} {status}"
                   for job, user, kind, status in jobs]


def wrksyssts(io: TermIO, params: dict[str, str], positional: list[str]) -> list[str]:
    r = lparstat.resources(io.partition)
    cpu = min(io.physc / max(r.entitlement, 1e-9) * 100, 999.9)
    return [f"{'Work with System Status':^80}".rstrip(),
            f"{io.partition.name.upper()[:8]:>78}", "",
            f" % CPU used . . . . . . . :      {cpu:5.1f}    Auxiliary storage:",
            f" % CPU used by all partitions:  {io.physc:5.2f}",
            f" Current processing capacity:   {r.entitlement:5.2f}",
            f" Main storage size (M) . . :   {r.desired_mem}"]


SYSVALS = {
    "QMODEL": lambda io: io.frame.system.mtm.split("-")[1],
    "QSRLNBR": lambda io: io.frame.system.serial,
    "QPRCFEAT": lambda io: "EPVE",
    "QDATE": lambda io: _wall(io).strftime("%m/%d/%y"),
    "QTIME": lambda io: _wall(io).strftime("%H:%M:%S"),
    "QPWDLVL": lambda io: "0",
}


def dspsysval(io: TermIO, params: dict[str, str], positional: list[str]) -> list[str]:
    name = params.get("SYSVAL") or (positional[0] if positional else "")
    value = SYSVALS.get(name)
    if value is None:
        return [f"CPF1028 System value {name or '*N'} not valid."]
    return [f"{'Display System Value':^80}".rstrip(), "",
            f" System value . . . . . :   {name}", f" Value  . . . . . . . . :   {value(io)}"]


def dsplparinf(io: TermIO, params: dict[str, str], positional: list[str]) -> list[str]:
    return [f"{'Display Partition Information':^80}".rstrip(), "",
            *(f" {line}" for line in lparstat.info(io.frame, io.partition)[:18]),
            f" Release . . . . . . . . . . . . . . . . . :   {_release(io)}"]


COMMANDS = {"WRKACTJOB": wrkactjob, "WRKSYSSTS": wrksyssts, "DSPSYSVAL": dspsysval,
            "DSPLPARINF": dsplparinf}


def program() -> IbmiConsole:
    return IbmiConsole()
