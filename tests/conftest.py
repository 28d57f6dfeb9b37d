"""Fixtures shared by the console and screen tests."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest
from textual._styles_cache import StylesCache


@pytest.fixture
def drawn(monkeypatch: pytest.MonkeyPatch) -> Counter[str]:
    """Lines drawn (not served from Textual's line cache), by widget class."""
    counts: Counter[str] = Counter()
    real = StylesCache.render_line

    def counting(self: StylesCache, styles: Any, y: int, size: Any, content_size: Any,
                 padding: Any, base: Any, background: Any, render_content_line: Any,
                 *rest: Any) -> Any:
        counts[type(getattr(render_content_line, "__self__", None)).__name__] += 1
        return real(self, styles, y, size, content_size, padding, base, background,
                    render_content_line, *rest)

    monkeypatch.setattr(StylesCache, "render_line", counting)
    return counts
