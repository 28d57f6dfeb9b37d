"""The restricted shell's language: the issue's three examples, lists, loops, substitution,
variables, quoting, and what rbash refuses, with bash's words and statuses."""

from __future__ import annotations

import pytest

from shellsim import Rbash
from tests.rbash.conftest import FakeHmc


def run(sh: Rbash, line: str) -> tuple[str, str, int]:
    r = sh.run(line)
    return r.stdout, r.stderr, r.exit_code


def test_no_results_fallback_of_ansible(sh: Rbash) -> None:
    assert run(sh, "lsviosimg | grep -w D || echo No results were found") == (
        "No results were found\n", "", 0)


def test_for_loop_over_command_substitution(sh: Rbash, hmc: FakeHmc) -> None:
    out, err, status = run(
        sh, "for M in $(lssyscfg -r sys -F name); do lssyscfg -r lpar -m $M -F name,state; done")
    assert (out, err, status) == ("lp1-SYS-A,Running\nlp2-SYS-A,Not Activated\n"
                                  "lp1-SYS-B,Running\nlp2-SYS-B,Not Activated\n", "", 0)
    assert hmc.calls[1] == ["lssyscfg", "-r", "lpar", "-m", "SYS-A", "-F", "name,state"]


def test_sort_head_pipeline(sh: Rbash) -> None:
    line = ("lshwres -r proc -m SYS --level lpar -F lpar_name,curr_proc_units "
            "| sort -t, -k2 -nr | head -3")
    assert run(sh, line) == ("oradb01,4.0\nibmi01,2.0\nvios1,1.0\n", "", 0)


def test_backticks_as_nagios_loops_write_them(sh: Rbash) -> None:
    out, _, status = run(sh, "for MSYS in `lssyscfg -r sys -F name`; do echo \"[$MSYS]\"; done")
    assert (out, status) == ("[SYS-A]\n[SYS-B]\n", 0)


def test_status_is_the_last_commands(sh: Rbash) -> None:
    assert run(sh, "true; false") == ("", "", 1)
    assert run(sh, "false; echo $?") == ("1\n", "", 0)
    assert run(sh, "chsysstate -o on") == ("", "HSCL0000 refused\n", 1)
    assert run(sh, "lssyscfg -r sys -F name | grep -c nothing") == ("0\n", "", 1)
    assert run(sh, "echo x | grep -q x && echo yes || echo no") == ("yes\n", "", 0)
    assert run(sh, "false && echo never") == ("", "", 1)
    assert run(sh, "! true") == ("", "", 1)


def test_unknown_command(sh: Rbash) -> None:
    assert run(sh, "ls -l") == ("", "rbash: ls: command not found\n", 127)
    assert run(sh, "nosuch; echo $?") == ("127\n", "rbash: nosuch: command not found\n", 0)
    assert run(sh, "/bin/sh") == ("", "rbash: /bin/sh: restricted: cannot specify `/' in "
                                      "command names\n", 1)


@pytest.mark.parametrize(("line", "target"), [
    ("echo a > /tmp/x", "/tmp/x"), ("lssyscfg -r sys >> out", "out"), ("echo a &> f", "f"),
    ("echo a 2>/dev/null", "/dev/null"), ("{ echo a; } > g", "g")])
def test_redirection_refused(sh: Rbash, line: str, target: str) -> None:
    assert run(sh, line) == ("", f"rbash: {target}: restricted: cannot redirect output\n", 1)


def test_a_refused_redirection_fails_that_command_only(sh: Rbash) -> None:
    # As `bash --restricted -c` does: the command fails with 1, the line goes on.
    assert run(sh, "echo a > /tmp/x; echo next") == (
        "next\n", "rbash: /tmp/x: restricted: cannot redirect output\n", 0)
    assert run(sh, "echo a >> log && echo yes || echo no") == (
        "no\n", "rbash: log: restricted: cannot redirect output\n", 0)
    assert run(sh, "echo a > f; nosuch") == (
        "", "rbash: f: restricted: cannot redirect output\nrbash: nosuch: command not found\n",
        127)


def test_input_redirection_and_here_documents(sh: Rbash) -> None:
    assert run(sh, "grep x < /etc/passwd") == (
        "", "rbash: /etc/passwd: No such file or directory\n", 1)
    assert run(sh, "grep x <<< abc") == ("", "rbash: here-documents: not supported\n", 2)


def test_fd_duplication_allowed(sh: Rbash) -> None:
    assert run(sh, "chsysstate -o on 2>&1") == ("HSCL0000 refused\n", "", 1)
    assert run(sh, "echo oops >&2") == ("", "oops\n", 0)


def test_cd_and_readonly_variables(sh: Rbash) -> None:
    assert run(sh, "cd /etc") == ("", "rbash: cd: restricted\n", 1)
    assert run(sh, "PATH=/bin") == ("", "rbash: PATH: readonly variable\n", 1)
    assert run(sh, "SHELL=/bin/bash ls") == ("", "rbash: SHELL: readonly variable\n", 1)
    assert run(sh, "export ENV=x") == ("", "rbash: ENV: readonly variable\n", 1)
    assert run(sh, "echo $PATH") == ("/hmcrbin\n", "", 0)


def test_variables_and_word_splitting(sh: Rbash) -> None:
    assert run(sh, 'X="a  b"; echo $X "$X" ${X}c \'$X\'') == ("a b a  b a bc $X\n", "", 0)
    assert run(sh, 'Y=; echo "[$Y]" [$Y] ${Y:-dflt} ${#X}') == ("[] [] dflt 4\n", "", 0)
    assert run(sh, 'L=$(lssyscfg -r sys -F name); echo "$L" | wc -l; echo $L') == (
        "2\nSYS-A SYS-B\n", "", 0)
    # variables last for the session (an interactive shell's later lines see them)
    assert run(sh, "echo $X") == ("a b\n", "", 0)


def test_escapes_and_nested_substitution(sh: Rbash) -> None:
    assert run(sh, r'echo \$X "\$X \"q\"" $(echo $(whoami))') == (
        '$X $X "q" hscroot\n', "", 0)


def test_builtins(sh: Rbash) -> None:
    assert run(sh, "whoami; hostname; uname -n; uname") == ("hscroot\nhmc\nhmc\nLinux\n", "", 0)
    assert run(sh, "date '+%m/%d/%Y %H:%M:%S'; date +%z; date") == (
        "03/04/2026 05:06:07\n+0000\nWed Mar  4 05:06:07 UTC 2026\n", "", 0)
    assert run(sh, "echo -n a; echo -e 'b\\tc'") == ("ab\tc\n", "", 0)
    assert run(sh, "printf '%s=%03d\\n' x 7") == ("x=007\n", "", 0)
    assert run(sh, "printf '%s,' a b c; printf 'end\\n'") == ("a,b,c,end\n", "", 0)
    assert run(sh, "printf '%s=%s\\n' a 1 b") == ("a=1\nb=\n", "", 0)


def test_if_and_while(sh: Rbash) -> None:
    assert run(sh, "if lssyscfg -r sys -F name | grep -q SYS-B; then echo yes; else echo no; fi"
               ) == ("yes\n", "", 0)
    assert run(sh, "if false; then echo a; elif true; then echo b; fi") == ("b\n", "", 0)


def test_comments(sh: Rbash) -> None:
    assert run(sh, "# a comment only") == ("", "", 0)
    assert run(sh, "echo a # c; echo b") == ("a\n", "", 0)
    assert run(sh, "echo a#b") == ("a#b\n", "", 0)
    assert run(sh, "# first\necho second") == ("second\n", "", 0)


def test_exit_ends_the_line(sh: Rbash) -> None:
    assert run(sh, "echo a; exit 3; echo b") == ("a\n", "", 3)
    assert sh.exited


def test_syntax_errors_in_bash_words(sh: Rbash) -> None:
    assert run(sh, 'echo "abc') == (
        "", "rbash: -c: line 1: unexpected EOF while looking for matching `\"'\n", 2)
    assert run(sh, "echo 'abc") == (
        "", "rbash: -c: line 1: unexpected EOF while looking for matching `''\n", 2)
    assert run(sh, "echo a;;") == (
        "", "rbash: -c: line 1: syntax error near unexpected token `;;'\n", 2)
    assert run(sh, "f() { echo; }") == ("", "rbash: function definitions: not supported\n", 2)
    assert run(sh, "cat <<EOF") == ("", "rbash: here-documents: not supported\n", 2)
    assert run(sh, "done") == ("", "rbash: -c: line 1: syntax error near unexpected token "
                                   "`done'\n", 2)
    assert run(sh, "echo $(ls") == (
        "", "rbash: -c: line 1: unexpected EOF while looking for matching `)'\n", 2)
    assert run(sh, "echo a | | b") == (
        "", "rbash: -c: line 1: syntax error near unexpected token `|'\n", 2)
    assert run(sh, "a &&") == ("", "rbash: -c: line 1: syntax error: unexpected end of file\n", 2)
    assert run(sh, "time echo") == ("", "rbash: time: not supported\n", 2)
    assert run(sh, "if") == ("", "rbash: -c: line 1: syntax error: unexpected end of file\n", 2)


def test_limits(sh: Rbash) -> None:
    assert run(sh, "while true; do :; done") == (
        "", "rbash: loop limit exceeded (50 iterations)\n", 1)
    big = "x" * 600
    out, err, status = run(sh, f"echo {big}; echo {big}")
    assert (len(out), err, status) == (601, "rbash: output limit exceeded (1000 characters)\n", 1)
    deep = "echo " + "$(" * 40 + "echo x" + ")" * 40
    assert run(sh, deep) == ("", "rbash: maximum nesting level exceeded (40; at most 32)\n", 2)
    deep_in_quotes = 'echo "' + "$(" * 33 + "echo x" + ")" * 33 + '"'
    assert run(sh, deep_in_quotes)[2] == 2
    assert run(sh, "echo '" + "(" * 100 + "'") == ("(" * 100 + "\n", "", 0)  # just text
    assert run(sh, "echo " + "`echo a` " * 40) == ("a " * 39 + "a\n", "", 0)  # in a row
    braces = "{ " * 40 + "echo x; " + "}; " * 40
    assert run(sh, braces)[1:] == ("rbash: maximum nesting level exceeded (40; at most 32)\n",
                                   2)


def test_long_line_and_binary_bytes(sh: Rbash) -> None:
    out, err, status = run(sh, "echo " + "a" * (1024 * 1024))
    assert (out, err, status) == ("", "rbash: the command line is too long (1048581 characters;"
                                      " at most 65536)\n", 2)
    assert run(sh, "echo a\x00b") == (
        "", "rbash: -c: line 1: syntax error: the command line holds a NUL byte\n", 2)
    assert run(sh, "\x01\x7f") == ("", "rbash: \\x01\\x7f: command not found\n", 127)
    assert run(sh, "echo '\udcff'") == ("\udcff\n", "", 0)  # undecodable bytes pass through


def test_interactive_errors_have_no_dash_c(hmc: FakeHmc) -> None:
    sh = Rbash(hmc, set(), user="u", interactive=True)
    assert sh.run('echo "x').stderr == "rbash: unexpected EOF while looking for matching `\"'\n"
