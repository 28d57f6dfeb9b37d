"""Line editing shared by the console's prompts and shells."""

from __future__ import annotations

from dataclasses import dataclass, field

from engine.vterm.lineedit import EOF, ESC, INTERRUPT, MAX_LINE, LineEditor


@dataclass
class Out:
    text: list[str] = field(default_factory=list)

    def write(self, text: str) -> None:
        self.text.append(text)

    @property
    def shown(self) -> str:
        return "".join(self.text)


def feed(editor: LineEditor, *chunks: str) -> tuple[list[str], str]:
    out = Out()
    lines: list[str] = []
    for chunk in chunks:
        lines += editor.feed(chunk, out)  # type: ignore[arg-type]
    return lines, out.shown


def test_echo_erase_and_enter() -> None:
    lines, shown = feed(LineEditor(), "lsx\x7f\x08pv\r")
    assert lines == ["lpv"] and shown == "lsx\b \b\b \bpv\r\n"


def test_cr_lf_is_one_enter_and_lf_alone_is_one() -> None:
    lines, shown = feed(LineEditor(), "a\r\nb\n", "\r", "\nc\r")
    assert lines == ["a", "b", "", "c"] and shown == "a\r\nb\r\n\r\nc\r\n"


def test_interrupt_eof_kill_and_passwords() -> None:
    lines, shown = feed(LineEditor(), "abc\x03", "\x04", "x\x04\x15\r")
    assert lines == [INTERRUPT, EOF, ""] and shown == "abc^C\r\nx\b \b\r\n"
    lines, shown = feed(LineEditor(echo=False), "secret\x7f\r")
    assert lines == ["secre"] and shown == "\r\n"


def test_escape_sequences_are_swallowed_even_split_and_esc_alone_is_a_key() -> None:
    lines, shown = feed(LineEditor(), "a\x1b[A\x1b[1;5", "Cb\x1bOPc\r", "\x1b")
    assert lines == ["abc", ESC] and shown == "abc\r\n"


def test_control_bytes_are_ignored_and_lines_are_bounded() -> None:
    lines, shown = feed(LineEditor(), "\x00\x01\x07\t\ud800ok\r")
    assert lines == ["ok"] and shown == "ok\r\n"
    editor = LineEditor()
    lines, shown = feed(editor, "y" * (MAX_LINE + 3) + "\r")
    assert lines == ["y" * MAX_LINE] and shown == "y" * MAX_LINE + "\x07" * 3 + "\r\n"


def test_open_firmware_answers_on_the_line_typed() -> None:
    lines, shown = feed(LineEditor(enter=""), "ls\r")
    assert lines == ["ls"] and shown == "ls"
