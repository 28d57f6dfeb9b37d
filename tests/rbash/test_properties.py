"""Properties: any line gets an answer (never an exception, a status in 0..255), single
quotes keep any text as it is, as bash's do, and glob patterns match as fnmatch's do."""

from __future__ import annotations

import fnmatch

from hypothesis import given, settings
from hypothesis import strategies as st

from shellsim import Limits, Rbash, Result, glob


def _shell() -> Rbash:
    return Rbash(lambda words: Result("x\n"), {"lssyscfg"}, user="u",
                 limits=Limits(max_iterations=20, max_output=10_000, max_seconds=5))


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("ab $(){}`'\"\\|;&<>!#*?=-019\n\t\x00é")),
               max_size=40))
def test_any_line_gets_an_answer(line: str) -> None:
    r = _shell().run(line)
    assert 0 <= r.exit_code <= 255
    assert isinstance(r.stdout, str) and isinstance(r.stderr, str)
    assert r.exit_code == 0 or r.stderr or r.exit_code == 1  # a failure says why (or is grep's)


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.characters(blacklist_characters="'\x00", blacklist_categories=["Cs"]),
               max_size=30))
def test_single_quotes_keep_text(text: str) -> None:
    # a leading mark: a text like -E or -ne is an option of echo, in bash as here
    r = _shell().run(f"echo -n 'x{text}'")
    assert (r.stdout, r.exit_code) == ("x" + text, 0)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="ab*?", max_size=8), st.text(alphabet="ab", max_size=12))
def test_glob_agrees_with_fnmatch(pattern: str, text: str) -> None:
    tokens = glob.tokens([(pattern, False)])
    assert glob.matches(tokens, text) == fnmatch.fnmatchcase(text, pattern)
    # ${X#p}: the shortest and longest matching prefixes, found by trying every length
    prefixes = [k for k in range(len(text) + 1) if fnmatch.fnmatchcase(text[:k], pattern)]
    assert glob.strip(tokens, text, "#") == (text[prefixes[0]:] if prefixes else text)
    assert glob.strip(tokens, text, "##") == (text[prefixes[-1]:] if prefixes else text)
    suffixes = [k for k in range(len(text) + 1) if fnmatch.fnmatchcase(text[k:], pattern)]
    assert glob.strip(tokens, text, "%") == (text[:suffixes[-1]] if suffixes else text)
    assert glob.strip(tokens, text, "%%") == (text[:suffixes[0]] if suffixes else text)
