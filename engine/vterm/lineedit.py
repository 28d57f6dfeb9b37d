"""Line editing for line-oriented console programs (prompts and shells): echo, erase,
Enter, ^C, and escape sequences taken apart so a program can react to a key such as ESC.

`LineEditor.feed` returns what the keys completed, in order: each entered line (printable
text only), and the keys a program may act on, as their own markers: ESC, INTERRUPT (^C),
EOF (^D on an empty line). Arrow and function keys are swallowed. Bytes a terminal would not
send (other control characters, lone surrogates) are ignored, never echoed.
"""

from __future__ import annotations

from engine.vterm.program import TermIO

ESC = "\x1b"
INTERRUPT = "\x03"
EOF = "\x04"
ERASE = ("\x7f", "\x08")
MAX_LINE = 1024  # characters kept on one line; beyond, keys are refused with a bell
BELL = "\x07"


def printable(ch: str) -> bool:
    return ch.isprintable() and not ("\ud800" <= ch <= "\udfff")


class LineEditor:
    """One input line being typed. `echo=False` for passwords (Enter still moves on)."""

    def __init__(self, echo: bool = True, enter: str = "\r\n") -> None:
        self.echo = echo
        self.enter = enter  # what Enter echoes (Open Firmware answers on the same line)
        self.buffer = ""
        self._escape = ""  # an escape sequence split across two feeds
        self._after_cr = False  # "\r\n" is one Enter

    def reset(self) -> None:
        self.buffer = ""

    def feed(self, data: str, io: TermIO) -> list[str]:
        done: list[str] = []
        out: list[str] = []
        for ch in data:
            if self._escape:
                self._escape += ch
                if self._escape_complete():
                    self._escape = ""
                continue
            after_cr, self._after_cr = self._after_cr, False
            if ch == ESC:
                self._escape = ch
            elif ch in "\r\n":
                if ch == "\n" and after_cr:
                    continue
                self._after_cr = ch == "\r"
                out.append(self.enter)
                done.append(self.buffer)
                self.buffer = ""
            elif ch in ERASE:
                if self.buffer:
                    self.buffer = self.buffer[:-1]
                    if self.echo:
                        out.append("\b \b")
            elif ch == INTERRUPT:
                out.append("^C\r\n")
                self.buffer = ""
                done.append(INTERRUPT)
            elif ch == EOF:
                if not self.buffer:
                    done.append(EOF)
            elif ch == "\x15":  # ^U: kill the line
                if self.echo:
                    out.append("\b \b" * len(self.buffer))
                self.buffer = ""
            elif printable(ch):
                if len(self.buffer) >= MAX_LINE:
                    out.append(BELL)
                    continue
                self.buffer += ch
                if self.echo:
                    out.append(ch)
        if self._escape == ESC:  # a lone ESC at the end of what was sent: the ESC key
            self._escape = ""
            done.append(ESC)
        if out:
            io.write("".join(out))
        return done

    def _escape_complete(self) -> bool:
        """ESC [ params final, ESC O x, ESC x: done when its final character arrived; a
        runaway sequence (no final within 32 characters) is dropped."""
        seq = self._escape
        if len(seq) < 2:
            return False
        if seq[1] == "[":
            return (len(seq) > 2 and ("\x40" <= seq[-1] <= "\x7e")) or len(seq) > 32
        if seq[1] == "O":
            return len(seq) >= 3
        return True
