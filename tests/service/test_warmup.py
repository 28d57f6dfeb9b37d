"""What the console template prepares for its consoles (hmc_tui/service/warmup.py): CSS
parsed once per process and theme, whatever the number of Apps."""

from __future__ import annotations

import pytest
from textual.css.stylesheet import Stylesheet

from hmc_tui.service import warmup

CSS = "Label { color: $accent; padding: 1 2; }"


def test_parsed_css_is_shared_between_stylesheets_of_the_same_variables(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(Stylesheet, "_parse_rules", Stylesheet._parse_rules)  # undone after
    warmup.share_parsed_css()
    warmup.share_parsed_css()  # installed once
    first, second = Stylesheet(variables={"accent": "red"}), Stylesheet(
        variables={"accent": "red"})
    other = Stylesheet(variables={"accent": "blue"})
    for sheet in (first, second, other):
        sheet.add_source(CSS, ("test", ""))
        sheet.parse()
    assert len(first.rules) == 1
    assert first.rules[0] is second.rules[0]  # parsed once
    assert first.rules is not second.rules  # each stylesheet its own list
    assert other.rules[0] is not first.rules[0]  # the variables changed the parse
    red, blue = (s.rules[0].styles.color for s in (first, other))
    assert red is not None and blue is not None
    assert (red.r, red.g, red.b) == (255, 0, 0) and (blue.r, blue.g, blue.b) == (0, 0, 255)
