"""What the former parser (bashlex) could not parse and HMC scripts use: `case`,
arithmetic, the parameter expansion forms, `((...))`; and the shapes tree-sitter-bash gets
wrong that the shell corrects (adjacent backquotes, `$A/$B/`, `! a | b`). Expected answers
are bash 5's."""

from __future__ import annotations

import pytest

from shellsim import Rbash
from tests.rbash.test_shell import run


def test_case_with_glob_patterns_and_alternatives(sh: Rbash) -> None:
    line = ('for l in vios1,vioserver nim01,aixlinux ibmi01,os400; do case $l in '
            '*,vioserver) echo "V ${l%,vioserver}";; *,aix*|*,os400) echo "O ${l%%,*}";; '
            '*) echo never;; esac; done')
    assert run(sh, line) == ("V vios1\nO nim01\nO ibmi01\n", "", 0)


def test_case_quoting_fallthrough_and_status(sh: Rbash) -> None:
    assert run(sh, 'case "a*" in "a*") echo quoted;; a*) echo glob;; esac') == (
        "quoted\n", "", 0)
    assert run(sh, "case abc in 'a*') echo no;; a?[b-d]) echo yes;; esac") == ("yes\n", "", 0)
    assert run(sh, "case x in [!a]) echo not-a;; esac") == ("not-a\n", "", 0)
    assert run(sh, "case x in x) echo 1 ;& y) echo 2 ;; z) echo 3;; esac") == (
        "1\n2\n", "", 0)
    assert run(sh, "case x in x) echo 1 ;;& *) echo 2;; esac") == ("1\n2\n", "", 0)
    assert run(sh, "false; case x in y) echo;; esac; echo $?") == ("0\n", "", 0)
    assert run(sh, "case x in x) false;; esac") == ("", "", 1)
    assert run(sh, "X=SYS-B; case $(lssyscfg -r sys -F name | tail -1) in $X) echo same;; "
                   "esac") == ("same\n", "", 0)


def test_arithmetic(sh: Rbash) -> None:
    assert run(sh, "echo $((1+2*3)) $(( (7-1)/4 )) $((-7/2)) $((-7%3)) $((2**10))") == (
        "7 1 -3 -1 1024\n", "", 0)
    assert run(sh, "N=5; echo $((N+1)) $(($N*2)) $((N>3)) $((N==4)) $((N>3 && N<9 ? 1 : 0))"
               ) == ("6 10 1 0 1\n", "", 0)
    assert run(sh, "echo $(( $(lssyscfg -r sys -F name | wc -l) * 10 )) $((0x1f)) $((010))"
               ) == ("20 31 8\n", "", 0)
    assert run(sh, "echo $((9223372036854775807 + 1))") == ("-9223372036854775808\n", "", 0)
    assert run(sh, "echo $((1/0)); echo after") == (
        "", 'rbash: 1/0: division by 0 (error token is "0")\n', 1)
    assert run(sh, "echo $((1+)); echo not run") == (
        "", 'rbash: 1+: syntax error: operand expected (error token is "+")\n', 1)
    assert run(sh, "echo $((i+=1))")[1:] == (
        'rbash: i+=1: assignment: not supported (error token is "+=1")\n', 1)
    assert run(sh, "((3 > 2)) && echo yes; ((0)) || echo no") == ("yes\nno\n", "", 0)


def test_parameter_expansion_forms(sh: Rbash) -> None:
    sh.run("P=/a/b.c/d.tar.gz; E=")
    assert run(sh, "echo ${P#*/} ${P##*/} ${P%.*} ${P%%.*} ${#P}") == (
        "a/b.c/d.tar.gz d.tar.gz /a/b.c/d.tar /a/b 15\n", "", 0)
    assert run(sh, 'echo ${E:-dflt} [${E-set}] ${U-unset} ${P:+alt} [${E:+alt}]') == (
        "dflt [] unset alt []\n", "", 0)
    assert run(sh, 'echo "${E:-a  b}" ${E:-$(whoami)} ${P%"/d"*} ${P#\\/a}') == (
        "a  b hscroot /a/b.c /b.c/d.tar.gz\n", "", 0)
    assert run(sh, "echo ${P/a/b}") == ("", "rbash: ${P/a/b}: bad substitution\n", 1)
    assert run(sh, "echo ${E:?is empty}") == ("", "rbash: E: is empty\n", 1)


def test_words_tree_sitter_bash_splits_wrongly(sh: Rbash) -> None:
    # tree-sitter/tree-sitter-bash#278 and #315: bash reads one word each here
    sh.run("A=x; B=y")
    assert run(sh, "echo $A/$B/ a-$A-$B `echo 1` `echo 2` \"`echo 3` `echo 4`\"") == (
        "x/y/ a-x-y 1 2 3 4\n", "", 0)
    assert run(sh, "echo `echo \\`echo in\\``") == ("in\n", "", 0)
    assert run(sh, "echo $'a\\tb' $\"q\"") == ("a\tb q\n", "", 0)


@pytest.mark.parametrize(("line", "message"), [
    ("f() { echo; }", "rbash: function definitions: not supported"),
    ("x=(a b)", "rbash: arrays: not supported"),
    ("for ((i=0; i<3; i++)); do :; done", "rbash: arithmetic for loops: not supported"),
    ("[ -n x ]", "rbash: test expressions ([ ], [[ ]]): not supported"),
    ("cat <(lssyscfg)", "rbash: process substitution: not supported"),
])
def test_refused_constructs(sh: Rbash, line: str, message: str) -> None:
    assert run(sh, line) == ("", message + "\n", 2)


def test_pipeline_stages_are_subshells_and_bang_negates_the_pipeline(sh: Rbash) -> None:
    assert run(sh, "X=1; X=2 | cat; echo $X; echo a | Y=3; echo [$Y]") == ("1\n[]\n", "", 0)
    assert run(sh, "! false | cat; echo $?") == ("1\n", "", 0)
    assert run(sh, "! false && echo negated") == ("negated\n", "", 0)
