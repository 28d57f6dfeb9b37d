"""A stand-in console process for the SSH tests: what the real app does, minus Textual.

It connects to the engine service as the user the SSH server put in its environment, puts
its terminal in raw mode and answers on the PTY: `READY ...` at start, `SIZE CxR` on every
SIGWINCH, and for keys: `a` activates the partition named in argv[2], `s` prints the
sessions, `r` prints the role and connection state (with the close reason), `q` quits
with status 3, anything else is echoed as `KEY <hex>`. With
`--ignore-hup` it ignores SIGHUP, like a console that hangs on to its terminal.
"""

from __future__ import annotations

import os
import shutil
import signal
import sys
import termios
import tty

from engine import ops
from hmc_tui.service.remote import RemoteConsole


def say(text: str) -> None:
    os.write(1, (text + "\r\n").encode())


def main() -> int:
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    socket_path, lpar = args[0], args[1] if len(args) > 1 else "dev02"
    if "--ignore-hup" in sys.argv:
        signal.signal(signal.SIGHUP, signal.SIG_IGN)
    console = RemoteConsole.from_environment(socket_path).connect()
    tty.setraw(0, termios.TCSANOW)

    def size(*_: object) -> None:
        cols, rows = shutil.get_terminal_size()
        say(f"SIZE {cols}x{rows}")

    signal.signal(signal.SIGWINCH, size)
    cols, rows = shutil.get_terminal_size()
    say(f"READY user={console.actor.user} role={console.actor.role} pid={os.getpid()} "
        f"size={cols}x{rows} restricted={console.restricted} ctty={os.ttyname(0)}")
    while True:
        try:
            data = os.read(0, 1024)
        except InterruptedError:
            continue
        if not data:
            return 0
        for byte in data:
            key = chr(byte)
            if key == "q":
                say("BYE")
                return 3
            if key == "a":
                result = console.execute(ops.ActivatePartition(lpar=lpar))
                say(f"RESULT {result.ok} {result.code}")
            elif key == "r":
                say(f"ROLE {console.actor.role} CONNECTED {console.connected} "
                    f"REASON {console.close_reason or '-'}")
            elif key == "s":
                say("SESSIONS " + ",".join(f"{s.user}/{s.role}/{s.kind}"
                                            for s in console.sessions()))
            else:
                say(f"KEY {byte:02x}")


if __name__ == "__main__":
    raise SystemExit(main())
