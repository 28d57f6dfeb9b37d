"""The filters, with the options HMC scripts use, against GNU tools' answers."""

from __future__ import annotations

import pytest

from shellsim import Rbash

LPARS = "nim01,Running,0.5\nsandbox01,Not Activated,0.0\nvios1,Running,1.0\nVIOS2,Running,2\n"


@pytest.mark.parametrize(("cmd", "expected"), [
    ("grep Running", "nim01,Running,0.5\nvios1,Running,1.0\nVIOS2,Running,2\n"),
    ("grep -i vios", "vios1,Running,1.0\nVIOS2,Running,2\n"),
    ("grep -v Running", "sandbox01,Not Activated,0.0\n"),
    ("grep -c -v Running", "1\n"),
    ("grep -w vios", ""),
    ("grep -E 'nim|sand'", "nim01,Running,0.5\nsandbox01,Not Activated,0.0\n"),
    ("egrep '^(nim|vios)[0-9]+'", "nim01,Running,0.5\nvios1,Running,1.0\n"),
    ("grep '0\\(1\\|5\\)'", "nim01,Running,0.5\nsandbox01,Not Activated,0.0\n"),
    ("grep -iw 'vios2'", "VIOS2,Running,2\n"),
    ("grep '[[:digit:]]\\.[[:digit:]]'", "nim01,Running,0.5\nsandbox01,Not Activated,0.0\n"
     "vios1,Running,1.0\n"),
    ("sed 's/,/ /g'", "nim01 Running 0.5\nsandbox01 Not Activated 0.0\nvios1 Running 1.0\n"
     "VIOS2 Running 2\n"),
    ("sed 's|Running|up|' | sed -n '/up/p' | head -1", "nim01,up,0.5\n"),
    ("sed -e 's/^\\([a-z]*\\)[0-9]*,.*/\\1/' -e '/^$/d'", "nim\nsandbox\nvios\nVIOS2,Running,2\n"),
    ("sed 's/[0-9]/<&>/2'", "nim0<1>,Running,0.5\nsandbox0<1>,Not Activated,0.0\n"
     "vios1,Running,<1>.0\nVIOS2,Running,<2>\n"),
    ("awk -F, '{print $1,$3}'", "nim01 0.5\nsandbox01 0.0\nvios1 1.0\nVIOS2 2\n"),
    ("awk -F, '/Not/ {print $1}'", "sandbox01\n"),
    ("awk -F, 'NR==2 || $3 > 1 {print NR \":\" $1}'", "2:sandbox01\n4:VIOS2\n"),
    ("awk -F, '{s += $3} END {print s}'", "3.5\n"),
    ("awk -F, '{s = s + $3} END {print s, NR}'", "3.5 4\n"),
    ("awk -F, '$2 ~ /Not/ {print $NF}'", "0.0\n"),
    ("awk -F, 'BEGIN {OFS=\";\"} {print $1, toupper($2)}' | tail -n 1", "VIOS2;RUNNING\n"),
    ("sort", "VIOS2,Running,2\nnim01,Running,0.5\nsandbox01,Not Activated,0.0\n"
     "vios1,Running,1.0\n"),
    ("sort -t, -k3 -n | cut -d, -f1", "sandbox01\nnim01\nvios1\nVIOS2\n"),
    ("sort -t, -k2,2 -u | cut -d, -f2", "Not Activated\nRunning\n"),
    ("cut -d, -f2 | sort | uniq -c", "      1 Not Activated\n      3 Running\n"),
    ("cut -c1-3", "nim\nsan\nvio\nVIO\n"),
    ("cut -d, -f1,3-", "nim01,0.5\nsandbox01,0.0\nvios1,1.0\nVIOS2,2\n"),
    ("head -n 2 | tail -1", "sandbox01,Not Activated,0.0\n"),
    ("tail -n +4", "VIOS2,Running,2\n"),
    ("wc -l", "4\n"),
    ("wc", "      4       5      80\n"),
    ("head -1 | wc -c", "18\n"),
    ("tr a-z A-Z | head -1", "NIM01,RUNNING,0.5\n"),
    ("tr -d ',' | head -1", "nim01Running0.5\n"),
    ("tr -s 'n' | head -2 | tail -1", "sandbox01,Not Activated,0.0\n"),
    ("tr ',' '\\n' | head -3", "nim01\nRunning\n0.5\n"),
])
def test_filter(cmd: str, expected: str) -> None:
    sh = Rbash(lambda words: None, set(), user="u")  # type: ignore[arg-type, return-value]
    sh.vars["DATA"] = LPARS
    r = sh.run(f'echo -n "$DATA" | {cmd}')
    assert (r.stdout, r.stderr) == (expected, "")


@pytest.mark.parametrize(("cmd", "stderr", "status"), [
    ("grep -z x", "grep: invalid option -- 'z'\n", 2),
    ("grep", "Usage: grep [OPTION]... PATTERNS [FILE]...\n"
             "Try 'grep --help' for more information.\n", 2),
    ("grep x /etc/passwd", "grep: /etc/passwd: No such file or directory\n", 2),
    ("grep '[a'", "grep: Unmatched [, [^, [:, [., or [=\n", 2),
    ("sed 's/a/b'", "sed: -e expression #1, char 5: unterminated `s' command\n", 1),
    ("sed 'y/a/b/'", "sed: -e expression #1, char 1: unknown command: `y'\n", 1),
    ("awk '{print $1'", "awk: line 1: syntax error at or near end of file\n", 2),
    ("head -n x", "head: invalid number of lines: 'x'\n", 1),
    ("cut -f 0", "cut: fields are numbered from 1\nTry 'cut --help' for more information.\n",
     1),
    ("tr a", "tr: missing operand after 'a'\nTwo strings must be given when translating.\n"
             "Try 'tr --help' for more information.\n", 1),
])
def test_filter_errors(cmd: str, stderr: str, status: int) -> None:
    sh = Rbash(lambda words: None, set(), user="u")  # type: ignore[arg-type, return-value]
    r = sh.run(f"echo abc | {cmd}")
    assert (r.stdout, r.stderr, r.exit_code) == ("", stderr, status)
